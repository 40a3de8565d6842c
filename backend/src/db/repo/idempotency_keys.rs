use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::idempotency_keys;
use crate::db::DbConn;

/// A key's record: the request's digest and, once answered, the response.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyRecord {
    pub id: i64,
    pub request_hash: String,
    pub response_status: Option<i32>,
    pub response_body: Option<String>,
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

/// Claims the key for a request in flight; fails on the unique constraint if taken.
pub fn claim(
    conn: &mut DbConn,
    owner: &str,
    route: &str,
    key: &str,
    request_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::owner.eq(owner),
            idempotency_keys::route.eq(route),
            idempotency_keys::idem_key.eq(key),
            idempotency_keys::request_hash.eq(request_hash),
            idempotency_keys::created_at.eq(now),
        ))
        .execute(conn)
}

pub fn complete(conn: &mut DbConn, id: i64, status: i32, body: &str) -> QueryResult<usize> {
    diesel::update(idempotency_keys::table.find(id))
        .set((
            idempotency_keys::response_status.eq(status),
            idempotency_keys::response_body.eq(body),
        ))
        .execute(conn)
}

/// Frees a key whose request failed on our side, so that a retry runs again.
pub fn release(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.find(id)).execute(conn)
}
