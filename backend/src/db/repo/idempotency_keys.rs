use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::backend_specific;
use crate::db::schema::idempotency_keys;
use crate::db::text_columns::Json;
use crate::db::DbConn;

/// A key's record: the request's digest and, once answered, the response.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyRecord {
    pub id: i64,
    pub request_hash: String,
    pub response_status: Option<i32>,
    pub response_body: Option<Json<serde_json::Value>>,
    pub created_at: NaiveDateTime,
}

pub fn find(
    conn: &mut DbConn,
    owner: &str,
    route: &str,
    key: &str,
) -> QueryResult<Option<IdempotencyRecord>> {
    idempotency_keys::table
        .filter(idempotency_keys::owner.eq(owner))
        .filter(idempotency_keys::route.eq(route))
        .filter(idempotency_keys::idem_key.eq(key))
        .select(IdempotencyRecord::as_select())
        .first(conn)
        .optional()
}

/// Claims the key for this transaction; `false` when a row holds it already.
pub fn claim(
    conn: &mut DbConn,
    owner: &str,
    route: &str,
    key: &str,
    request_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    Ok(backend_specific::claim_idempotency_key(conn, owner, route, key, request_hash, now)? == 1)
}

/// Records the answer of the key claimed by this transaction.
pub fn answer(
    conn: &mut DbConn,
    owner: &str,
    route: &str,
    key: &str,
    status: i32,
    body: serde_json::Value,
) -> QueryResult<usize> {
    diesel::update(
        idempotency_keys::table
            .filter(idempotency_keys::owner.eq(owner))
            .filter(idempotency_keys::route.eq(route))
            .filter(idempotency_keys::idem_key.eq(key)),
    )
    .set((
        idempotency_keys::response_status.eq(status),
        idempotency_keys::response_body.eq(Json(body)),
    ))
    .execute(conn)
}

/// Removes one record (an expired one about to be claimed again).
pub fn remove(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.find(id)).execute(conn)
}

/// Removes the keys created before `before`.
pub fn purge(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before)))
        .execute(conn)
}
