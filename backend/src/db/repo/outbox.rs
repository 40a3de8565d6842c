use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{NewOutboxMessage, OutboxMessage};
use crate::db::schema::{outbox, tickets};
use crate::db::DbConn;
use crate::domain::notifications::OutboxState;

/// A write's few messages, in one statement.
pub fn insert_many(conn: &mut DbConn, rows: &[NewOutboxMessage]) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    // diesel's MultiConnection has no multi-row insert: each backend writes its own.
    let insert = diesel::insert_into(outbox::table).values(rows);
    match conn {
        DbConn::Postgres(pg) => insert.execute(pg),
        DbConn::Sqlite(sqlite) => insert.execute(sqlite),
    }
}

/// The messages about one ticket, oldest first.
pub fn of_ticket(conn: &mut DbConn, ticket_id: i64) -> QueryResult<Vec<OutboxMessage>> {
    outbox::table
        .filter(outbox::ticket_id.eq(ticket_id))
        .select(OutboxMessage::as_select())
        .order(outbox::id)
        .load(conn)
}

/// Leases the messages due at `now` until `until` (at most `limit`), for this claimer alone.
pub fn claim_due(
    conn: &mut DbConn,
    now: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<OutboxMessage>> {
    let ids = crate::db::backend_specific::lock_due_messages(conn, now, limit)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
        .set(outbox::leased_until.eq(Some(until)))
        .execute(conn)?;
    outbox::table
        .filter(outbox::id.eq_any(&ids))
        .select(OutboxMessage::as_select())
        .order(outbox::id)
        .load(conn)
}

/// Records the outcome of one attempt: sent, to retry at `retry_at`, or dead.
pub fn record_attempt(
    conn: &mut DbConn,
    id: i64,
    state: OutboxState,
    retry_at: Option<NaiveDateTime>,
    error: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let target = outbox::table.filter(outbox::id.eq(id));
    diesel::update(target)
        .set((
            outbox::state.eq(state),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(retry_at.unwrap_or(now)),
            outbox::leased_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(error),
            outbox::sent_at.eq((state == OutboxState::Sent).then_some(now)),
        ))
        .execute(conn)
}

/// Messages in `state`, newest first, optionally of some tickets' territories.
pub fn list(
    conn: &mut DbConn,
    state: Option<OutboxState>,
    territories: Option<&[String]>,
    before_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<OutboxMessage>> {
    let mut query = outbox::table
        .select(OutboxMessage::as_select())
        .order(outbox::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(state) = state {
        query = query.filter(outbox::state.eq(state));
    }
    if let Some(before) = before_id {
        query = query.filter(outbox::id.lt(before));
    }
    if let Some(codes) = territories {
        query = query.filter(
            outbox::ticket_id.eq_any(
                tickets::table
                    .filter(tickets::territory_code.eq_any(codes.to_vec()))
                    .select(tickets::id.nullable()),
            ),
        );
    }
    query.load(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<OutboxMessage>> {
    outbox::table
        .find(id)
        .select(OutboxMessage::as_select())
        .first(conn)
        .optional()
}

/// Puts a dead message back in line: pending now, its attempts counted anew.
pub fn retry(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::state.eq(OutboxState::Dead)),
    )
    .set((
        outbox::state.eq(OutboxState::Pending),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(now),
        outbox::leased_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
}

/// The queue notices held for the daily digest, by recipient.
pub fn held_for_digest(conn: &mut DbConn) -> QueryResult<Vec<OutboxMessage>> {
    outbox::table
        .filter(outbox::state.eq(OutboxState::Digest))
        .select(OutboxMessage::as_select())
        .order((outbox::recipient_email, outbox::id))
        .load(conn)
}

/// Marks held notices as delivered within a digest.
pub fn mark_digested(conn: &mut DbConn, ids: &[i64], now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(ids))
            .filter(outbox::state.eq(OutboxState::Digest)),
    )
    .set((
        outbox::state.eq(OutboxState::Sent),
        outbox::sent_at.eq(Some(now)),
    ))
    .execute(conn)
}
