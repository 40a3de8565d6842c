//! Content negotiation: whether a request's `Accept` names a media type (JSON otherwise).

use actix_web::http::header;
use actix_web::HttpRequest;

/// Whether `Accept` lists `media` (parameters and quality aside).
pub fn accepts(request: &HttpRequest, media: &str) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| {
            accept
                .split(',')
                .any(|item| item.split(';').next().unwrap_or("").trim() == media)
        })
}
