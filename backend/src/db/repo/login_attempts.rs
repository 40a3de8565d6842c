use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::backend_specific;
use crate::db::schema::login_attempts;
use crate::db::DbConn;

/// Counts an attempt in `bucket` for the window starting at `window_start`; the count so far.
pub fn count(conn: &mut DbConn, bucket: &str, window_start: NaiveDateTime) -> QueryResult<i32> {
    backend_specific::count_attempt(conn, bucket, window_start)
}

/// Forgets the windows that ended before `before`.
pub fn purge(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_attempts::table.filter(login_attempts::window_start.lt(before)))
        .execute(conn)
}
