use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::WebSession;
use crate::db::schema::web_sessions;
use crate::db::DbConn;

pub fn insert(conn: &mut DbConn, row: &WebSession) -> QueryResult<usize> {
    diesel::insert_into(web_sessions::table)
        .values(row)
        .execute(conn)
}

/// The session of a cookie's digest, if it has not expired at `now`.
pub fn find_live(
    conn: &mut DbConn,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<WebSession>> {
    web_sessions::table
        .filter(web_sessions::token_hash.eq(hash))
        .filter(web_sessions::expires_at.gt(now))
        .select(WebSession::as_select())
        .first(conn)
        .optional()
}

pub fn delete_by_hash(conn: &mut DbConn, hash: &str) -> QueryResult<usize> {
    diesel::delete(web_sessions::table.filter(web_sessions::token_hash.eq(hash))).execute(conn)
}

/// Forgets the sessions that expired before `now`.
pub fn delete_expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(web_sessions::table.filter(web_sessions::expires_at.le(now))).execute(conn)
}
