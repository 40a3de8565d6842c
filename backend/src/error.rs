//! Every failure the API reports, as RFC 9457 problem+json with a stable `code`.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// One invalid input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The parameter or JSON field at fault.
    pub field: String,
    /// Stable snake_case code.
    pub code: String,
    /// French explanation for people.
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// The RFC 9457 body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// URI reference naming the problem type: `urn:guichet:problem:<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable snake_case code, for programs.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request is malformed (unparseable query, body or path).
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// 422: well-formed but invalid values.
    #[error("{detail}")]
    Invalid {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// 401: no valid credentials. The reason is logged, never sent.
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    /// 403: a known caller whose roles may not do this at all.
    #[error("{detail}")]
    Forbidden { detail: String },
    /// 405: the path exists, not for this method.
    #[error("{detail}")]
    MethodNotAllowed { detail: String },
    /// 409: the request conflicts with the current state.
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// 428: a write without `If-Match`.
    #[error("{detail}")]
    PreconditionRequired { detail: String },
    /// 412: `If-Match` names an older version.
    #[error("{detail}")]
    PreconditionFailed { detail: String },
    /// 413: a body over the limit.
    #[error("{detail}")]
    PayloadTooLarge { detail: String },
    /// 415: a body in a media type the route does not take.
    #[error("{detail}")]
    UnsupportedMediaType { detail: String },
    /// 429: too many attempts; retry after this many seconds.
    #[error("Trop de tentatives : réessayez dans {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    /// 404: absent, or outside the caller's scope.
    #[error("{detail}")]
    NotFound { detail: String },
    /// 503: the database cannot be reached, is busy beyond its wait, is not migrated, or
    /// the disk is full; the client may retry after `retry_after_secs`.
    #[error("{detail}")]
    Unavailable {
        code: &'static str,
        detail: String,
        retry_after_secs: u64,
    },
    /// 500: a bug or an unexpected failure; the cause is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::NotFound {
            detail: detail.into(),
        }
    }

    /// 422 for one field; `code` names the cause, once for the problem and for the field
    /// (see docs/errors.md).
    pub fn invalid_field(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::Invalid {
            code,
            detail: format!("Paramètre « {field} » invalide : {message}"),
            errors: vec![FieldError::new(field, code, message)],
        }
    }

    /// 401 `unauthorized` with a generic French message.
    pub fn unauthorized() -> Self {
        Self::Unauthorized {
            code: "unauthorized",
            detail: "Authentification requise : jeton absent, invalide ou expiré".into(),
        }
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden {
            detail: detail.into(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Invalid { code, .. }
            | Self::Unauthorized { code, .. }
            | Self::Conflict { code, .. } => code,
            Self::Forbidden { .. } => "forbidden",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::PreconditionRequired { .. } => "precondition_required",
            Self::PreconditionFailed { .. } => "precondition_failed",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::UnsupportedMediaType { .. } => "unsupported_media_type",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::NotFound { .. } => "not_found",
            Self::Unavailable { code, .. } => code,
            Self::Internal(_) => "internal_error",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Self::BadRequest { .. } => "Requête mal formée",
            Self::Invalid { .. } => "Données invalides",
            Self::NotFound { .. } => "Ressource introuvable",
            Self::Unauthorized { .. } => "Authentification requise",
            Self::Forbidden { .. } => "Action non autorisée",
            Self::MethodNotAllowed { .. } => "Méthode non admise",
            Self::Conflict { .. } => "Conflit",
            Self::PreconditionRequired { .. } => "En-tête If-Match requis",
            Self::PreconditionFailed { .. } => "Version périmée",
            Self::PayloadTooLarge { .. } => "Contenu trop volumineux",
            Self::UnsupportedMediaType { .. } => "Type de contenu non pris en charge",
            Self::TooManyRequests { .. } => "Trop de requêtes",
            Self::Unavailable { .. } => "Service indisponible",
            Self::Internal(_) => "Erreur interne",
        }
    }

    pub fn problem(&self) -> Problem {
        let detail = match self {
            Self::Internal(_) => {
                "Une erreur inattendue est survenue ; elle a été journalisée.".to_owned()
            }
            other => other.to_string(),
        };
        let errors = match self {
            Self::Invalid { errors, .. } => errors.clone(),
            _ => Vec::new(),
        };
        Problem {
            type_uri: format!("urn:guichet:problem:{}", self.code()),
            title: self.title().to_owned(),
            status: self.status_code().as_u16(),
            detail,
            code: self.code().to_owned(),
            errors,
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionRequired { .. } => StatusCode::PRECONDITION_REQUIRED,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Internal(cause) => tracing::error!(%cause, "request failed"),
            Self::Unavailable { detail, .. } => tracing::warn!(%detail, "service unavailable"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        match self {
            Self::Unauthorized { .. } => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::TooManyRequests { retry_after_secs }
            | Self::Unavailable {
                retry_after_secs, ..
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

impl AppError {
    /// 503 `service_unavailable`: a resource outside the request's control failed; retry.
    pub fn unavailable(detail: impl Into<String>, retry_after_secs: u64) -> Self {
        Self::Unavailable {
            code: "service_unavailable",
            detail: detail.into(),
            retry_after_secs,
        }
    }

    /// The database is held by other writers beyond the wait allowed: retry in a second.
    pub fn database_busy() -> Self {
        Self::unavailable(
            "La base de données est momentanément occupée : réessayez",
            1,
        )
    }

    /// A file-system failure: a full disk (or quota) is a 503 to retry later, anything
    /// else a bug.
    pub fn storage(context: &str, e: &std::io::Error) -> Self {
        use std::io::ErrorKind::{FileTooLarge, QuotaExceeded, StorageFull};
        if matches!(e.kind(), StorageFull | QuotaExceeded | FileTooLarge) {
            return Self::unavailable(
                "Espace disque insuffisant : réessayez plus tard".to_owned(),
                60,
            );
        }
        Self::Internal(format!("{context}: {e}"))
    }
}

/// Database failures mapped by cause: what the client can act on is a 409, 422 or 503;
/// only the unexpected is a 500.
impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as Kind, Error};
        let Error::DatabaseError(kind, info) = &e else {
            return Self::Internal(format!("database: {e}"));
        };
        let message = info.message().to_ascii_lowercase();
        match kind {
            Kind::UniqueViolation => Self::Conflict {
                code: "already_exists",
                detail: "Cet objet existe déjà (modification concurrente) : relisez-le".into(),
            },
            Kind::ForeignKeyViolation => Self::Conflict {
                code: "reference_conflict",
                detail: "Un objet lié a changé entre-temps (supprimé ou encore utilisé) : relisez"
                    .into(),
            },
            Kind::CheckViolation | Kind::NotNullViolation => Self::Invalid {
                code: "constraint_violation",
                detail: "Une valeur ne respecte pas les règles de la base".into(),
                errors: Vec::new(),
            },
            Kind::SerializationFailure | Kind::ClosedConnection => {
                tracing::warn!(error = %e, "transient database failure");
                Self::database_busy()
            }
            _ if message.contains("database is locked") || message.contains("database is busy") => {
                tracing::warn!(error = %e, "database busy beyond the busy timeout");
                Self::database_busy()
            }
            _ if message.contains("disk is full")
                || message.contains("no space left")
                || message.contains("could not extend file") =>
            {
                tracing::error!(error = %e, "database disk full");
                Self::unavailable("Espace disque insuffisant : réessayez plus tard", 60)
            }
            _ if message.contains("invalid byte sequence") => Self::Invalid {
                code: "invalid_text",
                detail: "Un texte contient un caractère refusé (octet nul)".into(),
                errors: Vec::new(),
            },
            _ => Self::Internal(format!("database: {e}")),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        tracing::error!(error = %e, "no database connection");
        Self::unavailable(
            "Base de données injoignable : réessayez dans quelques secondes",
            5,
        )
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::Internal(format!("blocking task: {e}"))
    }
}
