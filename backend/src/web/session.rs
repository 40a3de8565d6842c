//! The desk's session cookie and the `SignedIn` extractor: a page that needs a person sends
//! the browser to the sign-in form and back.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};

use super::render::{error_page, Frame};
use crate::error::AppError;
use crate::http::authenticated::client_address;
use crate::services::web_sessions::{self, Session, SESSION_HOURS};
use crate::state::AppState;

/// Over TLS the cookies take the `__Host-` prefix (bound to this host, `Secure`, path `/`);
/// a plain-HTTP development server cannot set such cookies, so there they go without it.
pub fn over_tls(req: &HttpRequest) -> bool {
    req.connection_info().scheme() == "https"
}

fn cookie_name(req: &HttpRequest, name: &str) -> String {
    if over_tls(req) {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// The session's cookie (`guichet_session`), and the sign-in form's (`guichet_login`).
pub const SESSION: &str = "guichet_session";
pub const LOGIN: &str = "guichet_login";

/// A cookie of the desk: `HttpOnly`, `SameSite=Strict`, path `/`, `Secure` over TLS.
pub fn cookie(req: &HttpRequest, name: &str, value: String, hours: i64) -> Cookie<'static> {
    let mut cookie = Cookie::build(cookie_name(req, name), value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(over_tls(req))
        .max_age(actix_web::cookie::time::Duration::hours(hours))
        .finish();
    if hours == 0 {
        cookie.make_removal();
    }
    cookie
}

/// The value of one of the desk's cookies.
pub fn read_cookie(req: &HttpRequest, name: &str) -> Option<String> {
    req.cookie(&cookie_name(req, name))
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// The session cookie of a new sign-in.
pub fn session_cookie(req: &HttpRequest, token: String) -> Cookie<'static> {
    cookie(req, SESSION, token, SESSION_HOURS)
}

/// What a page of the desk answers when it cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No live session: to the sign-in form, then back to `back`.
    #[error("connexion requise")]
    SignIn { back: String },
    /// A form without the token of its session.
    #[error("formulaire expiré")]
    StaleForm,
    #[error(transparent)]
    App(#[from] AppError),
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::SignIn { .. } => StatusCode::SEE_OTHER,
            Self::StaleForm => StatusCode::FORBIDDEN,
            Self::App(e) => e.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::SignIn { back } => {
                let target = format!(
                    "/connexion?retour={}",
                    url::form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
                );
                HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, target))
                    .finish()
            }
            Self::StaleForm => error_page(
                StatusCode::FORBIDDEN,
                &Frame::anonymous(false, "Formulaire expiré"),
                "Ce formulaire a expiré ou ne vient pas du guichet : rechargez la page et \
                 recommencez.",
            ),
            Self::App(e) => {
                if let AppError::Internal(cause) = e {
                    tracing::error!(%cause, "page failed");
                }
                let problem = e.problem();
                error_page(
                    e.status_code(),
                    &Frame::anonymous(false, &problem.title),
                    &problem.detail,
                )
            }
        }
    }
}

/// A request of a signed-in person: their session and the cookie's token.
pub struct SignedIn {
    pub session: Session,
    pub token: String,
}

impl SignedIn {
    /// The form's token must be the session's.
    pub fn check_form(&self, submitted: &str) -> Result<(), WebError> {
        if web_sessions::csrf_matches(&self.session, submitted) {
            Ok(())
        } else {
            Err(WebError::StaleForm)
        }
    }
}

impl FromRequest for SignedIn {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = read_cookie(req, SESSION);
        let back = match req.method() {
            &actix_web::http::Method::GET => req
                .uri()
                .path_and_query()
                .map_or("/tickets".to_owned(), |p| p.to_string()),
            _ => "/tickets".to_owned(),
        };
        let address = client_address(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::Internal("no application state".into()))?;
            let Some(token) = token else {
                return Err(WebError::SignIn { back });
            };
            match web_sessions::resume(&state, token.clone(), address).await? {
                Some(session) => Ok(SignedIn { session, token }),
                None => Err(WebError::SignIn { back }),
            }
        })
    }
}
