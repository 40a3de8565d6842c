//! The figures' tallies: counts added by the writes (never updated in place) and merged by
//! a job, day by day.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::models::{ClockCell, NewClockTally, NewTicketTally, ServiceLevelClock, TicketCell};
use crate::db::schema::{clock_tallies, service_level_clocks, ticket_tallies, tickets};
use crate::db::DbConn;
use crate::domain::ticket_lifecycle::TicketStatus;

/// Rows per insert: well under the bound parameters both databases accept.
const CHUNK: usize = 500;

/// Inserts rows many at a time (each backend by its own connection: the multi-backend
/// connection has no batch insert).
macro_rules! add_rows {
    ($conn:expr, $table:expr, $rows:expr) => {{
        for chunk in $rows.chunks(CHUNK) {
            match &mut *$conn {
                DbConn::Postgres(pg) => diesel::insert_into($table).values(chunk).execute(pg)?,
                DbConn::Sqlite(sqlite) => {
                    diesel::insert_into($table).values(chunk).execute(sqlite)?
                }
            };
        }
        Ok(())
    }};
}

pub fn add_tickets(conn: &mut DbConn, rows: &[NewTicketTally]) -> QueryResult<()> {
    add_rows!(conn, ticket_tallies::table, rows)
}

pub fn add_clocks(conn: &mut DbConn, rows: &[NewClockTally]) -> QueryResult<()> {
    add_rows!(conn, clock_tallies::table, rows)
}

/// The territories' days that have rows not merged yet, `limit` at most.
pub fn unmerged_ticket_days(
    conn: &mut DbConn,
    limit: i64,
) -> QueryResult<Vec<(String, NaiveDate)>> {
    ticket_tallies::table
        .filter(ticket_tallies::merged.eq(false))
        .select((ticket_tallies::territory_code, ticket_tallies::day))
        .distinct()
        .limit(limit)
        .load(conn)
}

pub fn unmerged_clock_days(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(String, NaiveDate)>> {
    clock_tallies::table
        .filter(clock_tallies::merged.eq(false))
        .select((clock_tallies::territory_code, clock_tallies::day))
        .distinct()
        .limit(limit)
        .load(conn)
}

/// Takes every row of a territory's day out, returning what they counted. One statement: on
/// PostgreSQL a row another transaction adds meanwhile is neither taken nor lost.
pub fn take_ticket_day(
    conn: &mut DbConn,
    territory: &str,
    day: NaiveDate,
) -> QueryResult<Vec<(TicketCell, i64)>> {
    diesel::delete(
        ticket_tallies::table
            .filter(ticket_tallies::territory_code.eq(territory))
            .filter(ticket_tallies::day.eq(day)),
    )
    .returning((
        (
            ticket_tallies::territory_code,
            ticket_tallies::day,
            ticket_tallies::measure,
            ticket_tallies::level,
            ticket_tallies::queue_id,
            ticket_tallies::category_code,
            ticket_tallies::school_kind,
            ticket_tallies::escalated,
            ticket_tallies::cancelled,
            ticket_tallies::reopened,
        ),
        ticket_tallies::tickets,
    ))
    .load(conn)
}

pub fn take_clock_day(
    conn: &mut DbConn,
    territory: &str,
    day: NaiveDate,
) -> QueryResult<Vec<(ClockCell, i64)>> {
    diesel::delete(
        clock_tallies::table
            .filter(clock_tallies::territory_code.eq(territory))
            .filter(clock_tallies::day.eq(day)),
    )
    .returning((
        (
            clock_tallies::territory_code,
            clock_tallies::day,
            clock_tallies::stay,
            clock_tallies::organisation_id,
            clock_tallies::kind,
            clock_tallies::priority,
            clock_tallies::breached,
            clock_tallies::minutes,
        ),
        clock_tallies::clocks,
    ))
    .load(conn)
}

/// Forgets every tally (before a rebuild).
pub fn clear(conn: &mut DbConn) -> QueryResult<()> {
    diesel::delete(ticket_tallies::table).execute(conn)?;
    diesel::delete(clock_tallies::table).execute(conn)?;
    Ok(())
}

/// Whether there are tickets and no tally at all: a database from before the tallies.
pub fn missing(conn: &mut DbConn) -> QueryResult<bool> {
    let tallied: bool = diesel::select(diesel::dsl::exists(
        ticket_tallies::table.select(ticket_tallies::id),
    ))
    .get_result(conn)?;
    if tallied {
        return Ok(false);
    }
    diesel::select(diesel::dsl::exists(tickets::table.select(tickets::id))).get_result(conn)
}

/// What places a ticket in the figures, `limit` tickets after `after` in id order (the
/// rebuild reads every ticket this way, without their texts).
pub type TicketPlace = (
    i64,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    i32,
    i64,
    String,
    Option<i64>,
    TicketStatus,
    i32,
);

pub fn ticket_places(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<TicketPlace>> {
    tickets::table
        .filter(tickets::id.gt(after))
        .order(tickets::id)
        .limit(limit)
        .select((
            tickets::id,
            tickets::territory_code,
            tickets::establishment_uai,
            tickets::created_at,
            tickets::resolved_at,
            tickets::level,
            tickets::current_queue_id,
            tickets::category_code,
            tickets::vendor_id,
            tickets::status,
            tickets::reopen_count,
        ))
        .load(conn)
}

/// Stopped clocks with a counting instant and their ticket's territory, `limit` after
/// `after` in id order.
pub fn counted_clocks(
    conn: &mut DbConn,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<(ServiceLevelClock, String)>> {
    service_level_clocks::table
        .inner_join(tickets::table)
        .filter(service_level_clocks::id.gt(after))
        .filter(service_level_clocks::stopped.eq(true))
        .filter(service_level_clocks::counted_at.is_not_null())
        .order(service_level_clocks::id)
        .limit(limit)
        .select((ServiceLevelClock::as_select(), tickets::territory_code))
        .load(conn)
}
