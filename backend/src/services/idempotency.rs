//! `Idempotency-Key` on creating POSTs. The key is claimed and its answer recorded in the
//! write's own transaction: a crash either commits the work with its answer or neither, so
//! no key is ever left "in flight". A concurrent request with the same key waits for the
//! first one's transaction and then replays its answer. The same key with another body is
//! refused (422); keys expire after `GUICHET_IDEMPOTENCY_KEY_HOURS`. A request that fails
//! records nothing: its retry runs again.

use chrono::Duration;
use serde::Serialize;
use serde_json::Value;

use crate::auth::secrets;
use crate::db::repo::idempotency_keys;
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::unit_of_work::Tx;

/// A request that carries a key.
#[derive(Debug, Clone)]
pub struct IdempotentRequest {
    key: String,
    owner: String,
    route: String,
    digest: String,
}

impl IdempotentRequest {
    /// `route` names the operation (method and path); `body` is the raw JSON body, compared
    /// by its value (whitespace and key order do not matter).
    pub fn new(caller: &Caller, key: &str, route: String, body: &[u8]) -> Result<Self, AppError> {
        if key.is_empty() || key.len() > 200 || !key.chars().all(|c| c.is_ascii_graphic()) {
            return Err(AppError::invalid_field(
                "Idempotency-Key",
                "invalid_idempotency_key",
                "de 1 à 200 caractères ASCII visibles",
            ));
        }
        let canonical = match serde_json::from_slice::<Value>(body) {
            // serde_json's maps are sorted: the same value gives the same bytes.
            Ok(value) => value.to_string().into_bytes(),
            Err(_) => body.to_vec(),
        };
        let owner = match caller.user_id() {
            Some(id) => format!("user:{id}"),
            None => format!("client:{}", caller.label()),
        };
        Ok(Self {
            key: key.to_owned(),
            owner,
            route,
            digest: secrets::digest_bytes(&canonical),
        })
    }
}

/// An answer given before under the same key, to send again.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    pub status: u16,
    pub body: Value,
}

/// What a write with an optional key gives: its own answer, or the first one's.
#[derive(Debug, Clone)]
pub enum Keyed<T> {
    Fresh(T),
    Replayed(Replay),
}

/// Claims the key in this transaction, or finds the answer to replay.
pub fn claim(
    tx: &mut Tx,
    request: &IdempotentRequest,
    ttl: Duration,
) -> Result<Option<Replay>, AppError> {
    let now = tx.now.naive_utc();
    let IdempotentRequest {
        key,
        owner,
        route,
        digest,
    } = request;
    if idempotency_keys::claim(tx.conn, owner, route, key, digest, now)? {
        return Ok(None);
    }
    let existing = idempotency_keys::find(tx.conn, owner, route, key)?
        .ok_or_else(|| AppError::Internal("claimed key vanished".into()))?;
    let expired = existing.created_at <= now - ttl;
    if expired || existing.response_status.is_none() {
        // An expired key, or one answered by nobody (left by an older version): start anew.
        idempotency_keys::remove(tx.conn, existing.id)?;
        idempotency_keys::claim(tx.conn, owner, route, key, digest, now)?;
        return Ok(None);
    }
    if existing.request_hash != *digest {
        return Err(AppError::Invalid {
            code: "idempotency_key_reused",
            detail: "Cette clé d'idempotence a déjà servi pour une autre requête".into(),
            errors: Vec::new(),
        });
    }
    Ok(Some(Replay {
        status: existing.response_status.unwrap_or(200) as u16,
        body: existing.response_body.map(|b| b.0).unwrap_or_default(),
    }))
}

/// Records the answer of the key this transaction claimed.
pub fn answer<T: Serialize>(
    tx: &mut Tx,
    request: &IdempotentRequest,
    status: u16,
    body: &T,
) -> Result<(), AppError> {
    let body = serde_json::to_value(body).map_err(|e| AppError::Internal(e.to_string()))?;
    idempotency_keys::answer(
        tx.conn,
        &request.owner,
        &request.route,
        &request.key,
        i32::from(status),
        body,
    )?;
    Ok(())
}

/// Runs `work` once per key: replays the first answer when the key was used before.
pub fn once<T: Serialize>(
    tx: &mut Tx,
    request: Option<&IdempotentRequest>,
    ttl: Duration,
    status: u16,
    work: impl FnOnce(&mut Tx) -> Result<T, AppError>,
) -> Result<Keyed<T>, AppError> {
    let Some(request) = request else {
        return work(tx).map(Keyed::Fresh);
    };
    if let Some(replay) = claim(tx, request, ttl)? {
        return Ok(Keyed::Replayed(replay));
    }
    let value = work(tx)?;
    answer(tx, request, status, &value)?;
    Ok(Keyed::Fresh(value))
}
