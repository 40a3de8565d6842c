use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{NewOutage, Outage};
use crate::db::schema::outages;
use crate::db::DbConn;

pub fn insert(conn: &mut DbConn, row: &NewOutage) -> QueryResult<Outage> {
    diesel::insert_into(outages::table)
        .values(row)
        .returning(outages::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Outage>> {
    outages::table
        .find(id)
        .select(Outage::as_select())
        .first(conn)
        .optional()
}

/// Ends an outage that lasts: 1 for the one writer that does, 0 if it was over.
pub fn end(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(outages::table.find(id).filter(outages::ended_at.is_null()))
        .set(outages::ended_at.eq(at))
        .execute(conn)
}

/// The outages of a territory that overlap `[from, to)`, by start.
pub fn overlapping(
    conn: &mut DbConn,
    territory: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Outage>> {
    outages::table
        .filter(outages::territory_code.eq(territory))
        .filter(outages::started_at.lt(to))
        .filter(outages::ended_at.is_null().or(outages::ended_at.gt(from)))
        .select(Outage::as_select())
        .order((outages::started_at, outages::id))
        .load(conn)
}

/// Ends the outages of a major incident that still last.
pub fn end_of_major_incident(
    conn: &mut DbConn,
    ticket_id: i64,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        outages::table
            .filter(outages::major_incident_id.eq(ticket_id))
            .filter(outages::ended_at.is_null())
            .filter(outages::started_at.lt(at)),
    )
    .set(outages::ended_at.eq(at))
    .execute(conn)
}
