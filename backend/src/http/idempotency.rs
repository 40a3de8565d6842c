//! `Idempotency-Key` at the HTTP edge: the key and the body go to the service, which runs
//! the write once per key; a replayed answer says so (`Idempotent-Replayed: true`).

use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use serde::Serialize;
use serde_json::Value;

use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::idempotency::{IdempotentRequest, Keyed};

pub const HEADER: &str = "Idempotency-Key";

/// The request's key, if it carries one.
pub fn key(
    req: &HttpRequest,
    caller: &Caller,
    body: &[u8],
) -> Result<Option<IdempotentRequest>, AppError> {
    let Some(value) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or("");
    let route = format!("{} {}", req.method(), req.path());
    IdempotentRequest::new(caller, key, route, body).map(Some)
}

/// Headers an answer derives from its own body (so that a replay carries them too).
pub type Decorate = fn(&mut HttpResponseBuilder, &Value);

/// `ETag` from a ticket's version.
pub fn etag(response: &mut HttpResponseBuilder, body: &Value) {
    if let Some(version) = body.get("version").and_then(Value::as_i64) {
        response.insert_header((header::ETAG, format!("\"{version}\"")));
    }
}

/// `ETag` and `Location` of a created ticket.
pub fn created_ticket(response: &mut HttpResponseBuilder, body: &Value) {
    etag(response, body);
    if let Some(reference) = body.get("reference").and_then(Value::as_str) {
        response.insert_header((header::LOCATION, format!("/api/v1/tickets/{reference}")));
    }
}

pub fn nothing(_: &mut HttpResponseBuilder, _: &Value) {}

/// The answer to a write: its own, or the first one's under the same key.
pub fn respond<T: Serialize>(
    keyed: Keyed<T>,
    status: StatusCode,
    decorate: Decorate,
) -> Result<HttpResponse, AppError> {
    let (status, body, replayed) = match keyed {
        Keyed::Fresh(value) => (
            status,
            serde_json::to_value(&value).map_err(|e| AppError::Internal(e.to_string()))?,
            false,
        ),
        Keyed::Replayed(replay) => (
            StatusCode::from_u16(replay.status).unwrap_or(StatusCode::OK),
            replay.body,
            true,
        ),
    };
    let mut response = HttpResponse::build(status);
    decorate(&mut response, &body);
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response.json(body))
}
