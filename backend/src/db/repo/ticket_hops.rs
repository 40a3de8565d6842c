use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{NewTicketHop, TicketHop};
use crate::db::schema::ticket_hops;
use crate::db::DbConn;

pub fn insert(conn: &mut DbConn, row: &NewTicketHop) -> QueryResult<TicketHop> {
    diesel::insert_into(ticket_hops::table)
        .values(row)
        .returning(ticket_hops::all_columns)
        .get_result::<TicketHop>(conn)
}

pub fn list(conn: &mut DbConn, ticket_id: i64) -> QueryResult<Vec<TicketHop>> {
    ticket_hops::table
        .filter(ticket_hops::ticket_id.eq(ticket_id))
        .select(TicketHop::as_select())
        .order(ticket_hops::id)
        .load(conn)
}

/// The stay in progress (not left yet).
pub fn current(conn: &mut DbConn, ticket_id: i64) -> QueryResult<Option<TicketHop>> {
    ticket_hops::table
        .filter(ticket_hops::ticket_id.eq(ticket_id))
        .filter(ticket_hops::left_at.is_null())
        .select(TicketHop::as_select())
        .order(ticket_hops::id.desc())
        .first(conn)
        .optional()
}

pub fn leave(
    conn: &mut DbConn,
    hop_id: i64,
    at: NaiveDateTime,
    refused_reason: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(ticket_hops::table.find(hop_id))
        .set((
            ticket_hops::left_at.eq(at),
            ticket_hops::refused_reason.eq(refused_reason),
        ))
        .execute(conn)
}

/// Records the first response of the receiving organisation, once.
pub fn first_response(conn: &mut DbConn, hop_id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        ticket_hops::table
            .find(hop_id)
            .filter(ticket_hops::first_response_at.is_null()),
    )
    .set(ticket_hops::first_response_at.eq(at))
    .execute(conn)
}

/// Marks the stays left by the current write with the last journal event it wrote.
pub fn close_journal(conn: &mut DbConn, ticket_id: i64, last_event_id: i64) -> QueryResult<usize> {
    diesel::update(
        ticket_hops::table
            .filter(ticket_hops::ticket_id.eq(ticket_id))
            .filter(ticket_hops::left_at.is_not_null())
            .filter(ticket_hops::left_event_id.is_null()),
    )
    .set(ticket_hops::left_event_id.eq(last_event_id))
    .execute(conn)
}
