//! The desk's static files (the DSFR's stylesheet, script, fonts and icons), compiled into
//! the binary and served with a long cache: their names change with the vendored version.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "backend/assets/"]
#[exclude = "*.sh"]
struct Assets;

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("woff2") => "font/woff2",
        Some("md") | Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `/assets/…`: a vendored file, or 404.
#[get("/assets/{path:.*}")]
pub async fn asset(path: web::Path<String>) -> HttpResponse {
    let path = path.into_inner();
    match Assets::get(&path) {
        Some(file) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, content_type(&path)))
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(file.data.into_owned()),
        None => super::render::not_found(),
    }
}
