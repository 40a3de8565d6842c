//! Problem+json for what actix rejects before a handler runs: unparseable query strings,
//! paths and bodies, and unknown routes.

use actix_web::error::{PathError, QueryPayloadError};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use super::refusals;
use crate::error::AppError;

fn bad_request(code: &'static str, detail: String) -> actix_web::Error {
    AppError::BadRequest { code, detail }.into()
}

/// A query string that does not fit the route's parameters: an unknown or repeated name is
/// a 400 `invalid_query`, said in French.
fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let detail = match refusals::shape_refusal("", &err.to_string()) {
        AppError::Invalid { detail, .. } => detail.replacen("Champ", "Paramètre", 1),
        _ => "Paramètres de requête illisibles".to_owned(),
    };
    bad_request("invalid_query", detail)
}

fn path_error(_err: PathError, req: &HttpRequest) -> actix_web::Error {
    bad_request(
        "invalid_path",
        format!(
            "Chemin illisible : {} (un identifiant numérique est attendu)",
            req.path()
        ),
    )
}

/// A JSON body that serde refused: 422 for well-formed JSON with the wrong fields, else 400.
pub fn body_error(e: serde_json::Error) -> AppError {
    if e.classify() == serde_json::error::Category::Data {
        refusals::shape_refusal("", refusals::without_position(&e.to_string()))
    } else {
        AppError::BadRequest {
            code: "invalid_json",
            detail: format!(
                "Corps JSON mal formé (ligne {}, colonne {})",
                e.line(),
                e.column()
            ),
        }
    }
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(query_error)
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(path_error)
}

/// Any route that does not exist: 405 with `Allow` when the path exists for other methods,
/// else 404.
pub async fn no_route(req: HttpRequest) -> HttpResponse {
    let allowed = crate::openapi::allowed_methods(req.path());
    if allowed.is_empty() {
        return AppError::not_found(format!("Aucune ressource à l'adresse {}", req.path()))
            .error_response();
    }
    let allow = allowed.join(", ");
    let mut response = AppError::MethodNotAllowed {
        detail: format!(
            "La méthode {} n'est pas admise ici ; méthodes admises : {allow}",
            req.method()
        ),
    }
    .error_response();
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&allow) {
        response
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, value);
    }
    response
}
