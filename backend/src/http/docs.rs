//! The OpenAPI document's browsable reference (Swagger UI, compiled into the binary: it works
//! with no network).

use actix_web::http::header;
use actix_web::{get, HttpResponse};

/// `/docs` → `/docs/`, where the reference's files are relative to.
#[get("/docs")]
pub async fn docs() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}
