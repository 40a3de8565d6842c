//! Query-parameter parsing shared by the handlers: closed vocabularies and page limits give
//! 422 naming the field (`unknown_value`, `out_of_range`, `not_an_integer`).

use std::str::FromStr;

use chrono::{DateTime, Datelike, Utc};

use crate::domain::text_enum::UnknownValue;
use crate::error::AppError;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// An optional vocabulary value (`?kind=college`).
pub fn vocabulary<T: FromStr<Err = UnknownValue>>(
    field: &str,
    value: Option<&str>,
) -> Result<Option<T>, AppError> {
    value
        .map(|v| {
            v.parse().map_err(|e: UnknownValue| {
                AppError::invalid_field(field, "unknown_value", e.to_string())
            })
        })
        .transpose()
}

/// An optional integer within bounds.
pub fn integer(
    field: &str,
    value: Option<&str>,
    min: i64,
    max: i64,
) -> Result<Option<i64>, AppError> {
    value
        .map(|v| match v.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            Ok(_) => Err(AppError::invalid_field(
                field,
                "out_of_range",
                format!("attendu un entier de {min} à {max}"),
            )),
            Err(_) => Err(AppError::invalid_field(
                field,
                "not_an_integer",
                format!("« {v} » n'est pas un entier"),
            )),
        })
        .transpose()
}

/// `?limit=`: default 50, 1 to 200.
pub fn page_limit(value: Option<&str>) -> Result<i64, AppError> {
    Ok(integer("limit", value, 1, MAX_LIMIT)?.unwrap_or(DEFAULT_LIMIT))
}

/// A text filter: trimmed, absent when empty.
pub fn text(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// An optional boolean: `true` or `false`.
pub fn boolean(field: &str, value: Option<&str>) -> Result<Option<bool>, AppError> {
    value
        .map(|v| match v {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(AppError::invalid_field(
                field,
                "invalid_value",
                format!("« {v} » : attendu true ou false"),
            )),
        })
        .transpose()
}

/// An optional instant in RFC 3339 (`2026-11-30T10:00:00Z`, `2026-11-30T11:00:00+01:00`).
pub fn instant(field: &str, value: Option<&str>) -> Result<Option<DateTime<Utc>>, AppError> {
    value
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .ok()
                .filter(|t| (1..=9999).contains(&t.year()))
                .ok_or_else(|| {
                    AppError::invalid_field(
                        field,
                        "invalid_value",
                        format!("« {v} » : attendu un instant RFC 3339, ex. 2026-11-30T10:00:00Z"),
                    )
                })
        })
        .transpose()
}
