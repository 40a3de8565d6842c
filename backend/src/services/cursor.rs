//! Opaque keyset cursors: the last key of a page, base64url-encoded.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::AppError;

pub fn encode(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key)
}

/// The key inside a cursor; 422 `invalid_cursor` on `cursor` when unreadable.
pub fn decode(cursor: &str) -> Result<String, AppError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| {
            AppError::invalid_field(
                "cursor",
                "invalid_cursor",
                "curseur de pagination illisible",
            )
        })
}

/// A cursor holding an id.
pub fn decode_id(cursor: &str) -> Result<i64, AppError> {
    decode(cursor)?.parse().map_err(|_| {
        AppError::invalid_field(
            "cursor",
            "invalid_cursor",
            "curseur de pagination illisible",
        )
    })
}

/// Cuts a page from `rows`, fetched with one row more than `limit`: the extra row tells that
/// another page follows, whose cursor is the key of the page's last row.
pub fn page<T>(
    mut rows: Vec<T>,
    limit: i64,
    key: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>) {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit.max(0) as usize);
    let next = match (more, rows.last()) {
        (true, Some(last)) => Some(encode(&key(last))),
        _ => None,
    };
    (rows, next)
}
