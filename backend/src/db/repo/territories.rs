use diesel::prelude::*;

use super::{reconcile, Upsert};
use crate::db::memo;
use crate::db::models::Territory;
use crate::db::schema::territories;
use crate::db::DbConn;

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Territory>> {
    territories::table
        .select(Territory::as_select())
        .order(territories::code)
        .load(conn)
}

pub fn find(conn: &mut DbConn, code: &str) -> QueryResult<Option<Territory>> {
    memo::cached("territory", code, || {
        territories::table
            .find(code)
            .select(Territory::as_select())
            .first(conn)
            .optional()
    })
}

/// Inserts the territory if its code is new; leaves an existing one untouched. Returns
/// whether it inserted.
pub fn insert_if_absent(conn: &mut DbConn, row: &Territory) -> QueryResult<bool> {
    if find(conn, &row.code)?.is_some() {
        return Ok(false);
    }
    memo::forget();
    diesel::insert_into(territories::table)
        .values(row)
        .execute(conn)?;
    Ok(true)
}

pub fn upsert(conn: &mut DbConn, row: &Territory) -> QueryResult<Upsert> {
    let existing = find(conn, &row.code)?;
    reconcile(
        conn,
        existing,
        row,
        |c| {
            diesel::insert_into(territories::table)
                .values(row)
                .execute(c)
        },
        |c| {
            diesel::update(territories::table.find(&row.code))
                .set(row)
                .execute(c)
        },
    )
}

/// Locks the territory's row for the rest of the write transaction.
pub fn lock(conn: &mut DbConn, code: &str) -> QueryResult<()> {
    crate::db::backend_specific::lock_territory(conn, code)
}

/// A territory's time zone (Paris for an unknown code).
pub fn zone(conn: &mut DbConn, code: &str) -> QueryResult<chrono_tz::Tz> {
    Ok(find(conn, code)?.map_or(chrono_tz::Europe::Paris, |t| t.zone()))
}
