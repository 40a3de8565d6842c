use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::cached::Cached;
use crate::db::models::{ClockProgress, NewServiceLevelClock, ServiceLevelClock};
use crate::db::schema::{service_level_clocks, tickets};
use crate::db::DbConn;

/// A ticket's clocks: its own first, then its stays', oldest first.
pub fn of_ticket(conn: &mut DbConn, ticket_id: i64) -> QueryResult<Vec<ServiceLevelClock>> {
    service_level_clocks::table
        .filter(service_level_clocks::ticket_id.eq(ticket_id))
        .select(ServiceLevelClock::as_select())
        .order(service_level_clocks::id)
        .load(conn)
}

/// Inserts a ticket's new clocks in one statement; the rows in the order given.
pub fn insert_many(
    conn: &mut DbConn,
    rows: &[NewServiceLevelClock],
) -> QueryResult<Vec<ServiceLevelClock>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // diesel's MultiConnection has no multi-row insert: each backend writes its own.
    let insert = diesel::insert_into(service_level_clocks::table)
        .values(rows)
        .returning(service_level_clocks::all_columns);
    let mut inserted: Vec<ServiceLevelClock> = match conn {
        DbConn::Postgres(pg) => insert.get_results(pg)?,
        DbConn::Sqlite(sqlite) => insert.get_results(sqlite)?,
    };
    // RETURNING promises no order; identifiers are given in the order of the rows.
    inserted.sort_by_key(|c| c.id);
    Ok(inserted)
}

/// Writes what following the ticket changed on `clock`, and reads the row back: its warning
/// and breach are the alerts job's, as the database holds them now.
pub fn update(conn: &mut DbConn, clock: &ServiceLevelClock) -> QueryResult<ServiceLevelClock> {
    Cached(
        diesel::update(service_level_clocks::table.find(clock.id))
            .set(ClockProgress::from(clock))
            .returning(service_level_clocks::all_columns),
    )
    .get_result(conn)
}

/// Clocks whose warning instant has passed and is not recorded yet, earliest first.
pub fn warnings_due(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
    service_level_clocks::table
        .filter(service_level_clocks::warned_at.is_null())
        .filter(service_level_clocks::warn_at.is_not_null())
        .filter(service_level_clocks::warn_at.le(now))
        .order(service_level_clocks::warn_at)
        .limit(limit)
        .select(service_level_clocks::id)
        .load(conn)
}

/// Clocks whose due instant has passed and whose breach is not recorded yet.
pub fn breaches_due(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
    service_level_clocks::table
        .filter(service_level_clocks::breached_at.is_null())
        .filter(service_level_clocks::due_at.is_not_null())
        .filter(service_level_clocks::due_at.le(now))
        .order(service_level_clocks::due_at)
        .limit(limit)
        .select(service_level_clocks::id)
        .load(conn)
}

/// Records a clock's warning if nobody did: 1 for the one writer that does, 0 for any other
/// (another instance, a second run).
pub fn record_warning(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        service_level_clocks::table
            .find(id)
            .filter(service_level_clocks::warned_at.is_null()),
    )
    .set(service_level_clocks::warned_at.eq(at))
    .execute(conn)
}

/// Records a clock's breach if nobody did (1), else 0.
pub fn record_breach(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        service_level_clocks::table
            .find(id)
            .filter(service_level_clocks::breached_at.is_null()),
    )
    .set(service_level_clocks::breached_at.eq(at))
    .execute(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<ServiceLevelClock>> {
    service_level_clocks::table
        .find(id)
        .select(ServiceLevelClock::as_select())
        .first(conn)
        .optional()
}

/// Writes what the clocks say on their ticket: its next due instant and its breach flag.
/// Not a change of the ticket's fields: its version stays.
pub fn mark_ticket(
    conn: &mut DbConn,
    ticket_id: i64,
    next_due_at: NaiveDateTime,
    breached: bool,
) -> QueryResult<usize> {
    Cached(
        diesel::update(tickets::table.find(ticket_id))
            .set((
                tickets::next_due_at.eq(next_due_at),
                tickets::breached.eq(breached),
            ))
            .returning(tickets::id),
    )
    .rows_written(conn)
}
