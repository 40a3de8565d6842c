//! The JSON body of a request: `application/json` (else 415), at most [`MAX_JSON_BYTES`]
//! (else 413), well-formed (else 400), with the fields the route takes (else 422), and no
//! NUL character in any text (else 422: no database stores it, PostgreSQL refuses it).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use serde_json::Value;
use utoipa::ToSchema;

use super::errors::body_error;
use super::{refusals, request_schema};
use crate::error::{AppError, FieldError};

/// The largest JSON body accepted: a 20,000-character description with room to spare.
pub const MAX_JSON_BYTES: usize = 256 * 1024;

/// A parsed JSON body, and its raw bytes (an `Idempotency-Key` compares them).
pub struct ApiJson<T> {
    pub value: T,
    pub raw: actix_web::web::Bytes,
}

impl<T> ApiJson<T> {
    pub fn into_inner(self) -> T {
        self.value
    }
}

/// Whether the request says its body is JSON (`application/json` or `…+json`).
pub fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| {
            m.type_() == mime::APPLICATION
                && (m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON))
        })
}

/// The path of the first text holding a NUL character, if any (`title`, `items[2].name`).
fn nul_in(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::String(s) if s.contains('\0') => Some(path.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_in(v, &format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            let here = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if k.contains('\0') {
                Some(here)
            } else {
                nul_in(v, &here)
            }
        }),
        _ => None,
    }
}

/// 422 `invalid_text` naming the field.
pub fn nul_byte(field: &str) -> AppError {
    AppError::Invalid {
        code: "invalid_text",
        detail: format!("Le champ « {field} » contient un caractère nul (U+0000), refusé"),
        errors: vec![FieldError::new(
            field,
            "nul_character",
            "caractère nul (U+0000) refusé",
        )],
    }
}

/// JSON has one number type: `3.0` is the integer 3 (JSON Schema says so too), which serde
/// would refuse for an integer field.
fn integral_floats_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    *value = Value::from(f as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(map) => map.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

/// Parses a JSON body already read.
pub fn parse<T: DeserializeOwned + ToSchema>(raw: &[u8]) -> Result<T, AppError> {
    let mut value: Value = serde_json::from_slice(raw).map_err(body_error)?;
    integral_floats_as_integers(&mut value);
    if let Some(field) = nul_in(&value, "") {
        return Err(nul_byte(if field.is_empty() { "body" } else { &field }));
    }
    let parsed = serde_path_to_error::deserialize(value.clone()).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        refusals::shape_refusal(&path, refusals::without_position(&e.inner().to_string()))
    })?;
    // What serde admits, the document may still refuse (lengths, ranges, blank text).
    request_schema::check(&T::name(), &value)?;
    Ok(parsed)
}

impl<T: DeserializeOwned + ToSchema + 'static> FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let body = actix_web::web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !json {
                return Err(AppError::UnsupportedMediaType {
                    detail: "Le corps doit être du JSON (Content-Type: application/json)".into(),
                });
            }
            let raw = body.await.map_err(|_| AppError::PayloadTooLarge {
                detail: format!("Un corps JSON ne dépasse pas {MAX_JSON_BYTES} octets"),
            })?;
            Ok(Self {
                value: parse(&raw)?,
                raw,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_anywhere_is_found_with_its_path() {
        let value = serde_json::json!({ "a": "ok", "b": { "c": ["x", "y\u{0}"] } });
        assert_eq!(nul_in(&value, ""), Some("b.c[1]".to_owned()));
        assert_eq!(nul_in(&serde_json::json!({ "a": "fine" }), ""), None);
    }
}
