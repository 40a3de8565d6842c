//! `Idempotency-Key` on creating POSTs: the same key with the same body replays the first
//! response; with another body it is refused (422); while the first is in flight, 409.

use chrono::{DateTime, Utc};

use crate::db::repo::idempotency_keys;
use crate::db::DbConn;
use crate::error::AppError;

/// What to do with a request carrying a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// First use: run it, then record the answer under this id.
    Run(i64),
    /// Answered before: send this again.
    Replay { status: u16, stored: String },
}

/// Claims `key` for this owner, route and request digest.
pub fn claim(
    conn: &mut DbConn,
    owner: &str,
    route: &str,
    key: &str,
    request_hash: &str,
    now: DateTime<Utc>,
) -> Result<Claim, AppError> {
    if key.is_empty() || key.len() > 200 || !key.chars().all(|c| c.is_ascii_graphic()) {
        return Err(AppError::invalid_field(
            "Idempotency-Key",
            "invalid_key",
            "de 1 à 200 caractères ASCII visibles",
        ));
    }
    let existing = match idempotency_keys::find(conn, owner, route, key)? {
        Some(record) => record,
        None => {
            // A concurrent first use may win the unique constraint: then it is in flight.
            if idempotency_keys::claim(conn, owner, route, key, request_hash, now.naive_utc())
                .is_err()
            {
                return Err(in_flight());
            }
            let record = idempotency_keys::find(conn, owner, route, key)?
                .ok_or_else(|| AppError::Internal("claimed key vanished".into()))?;
            return Ok(Claim::Run(record.id));
        }
    };
    if existing.request_hash != request_hash {
        return Err(AppError::Invalid {
            code: "idempotency_key_reused",
            detail: "Cette clé d'idempotence a déjà servi pour une autre requête".into(),
            errors: Vec::new(),
        });
    }
    match (existing.response_status, existing.response_body) {
        (Some(status), Some(stored)) => Ok(Claim::Replay {
            status: status as u16,
            stored,
        }),
        _ => Err(in_flight()),
    }
}

fn in_flight() -> AppError {
    AppError::Conflict {
        code: "idempotency_in_flight",
        detail: "Une requête avec cette clé d'idempotence est en cours".into(),
    }
}

/// Records the answer of a claimed key; a server-side failure frees the key instead.
pub fn finish(conn: &mut DbConn, id: i64, status: u16, stored: &str) -> Result<(), AppError> {
    if status >= 500 {
        idempotency_keys::release(conn, id)?;
    } else {
        idempotency_keys::complete(conn, id, i32::from(status), stored)?;
    }
    Ok(())
}
