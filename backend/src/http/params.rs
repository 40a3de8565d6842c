//! Query-parameter parsing shared by the handlers: closed vocabularies and page limits give
//! 422 naming the field (`unknown_value`, `out_of_range`, `not_an_integer`).

use std::str::FromStr;

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
