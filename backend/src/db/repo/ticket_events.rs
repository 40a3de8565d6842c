use diesel::prelude::*;

use crate::db::cached::Cached;
use crate::db::models::{NewTicketEvent, TicketEvent};
use crate::db::schema::ticket_events;
use crate::db::DbConn;

pub fn insert(conn: &mut DbConn, row: &NewTicketEvent) -> QueryResult<TicketEvent> {
    Cached(
        diesel::insert_into(ticket_events::table)
            .values(row)
            .returning(ticket_events::all_columns),
    )
    .get_result::<TicketEvent>(conn)
}

/// A ticket's journal in order; internal events only when asked.
pub fn list(
    conn: &mut DbConn,
    ticket_id: i64,
    with_internal: bool,
) -> QueryResult<Vec<TicketEvent>> {
    let mut query = ticket_events::table
        .filter(ticket_events::ticket_id.eq(ticket_id))
        .select(TicketEvent::as_select())
        .order(ticket_events::id)
        .into_boxed();
    if !with_internal {
        query = query.filter(ticket_events::visibility.eq("public"));
    }
    query.load(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<TicketEvent>> {
    ticket_events::table
        .find(id)
        .select(TicketEvent::as_select())
        .first(conn)
        .optional()
}

/// When each of these tickets last had a public event (what a school last saw happen).
pub fn last_public(
    conn: &mut DbConn,
    ticket_ids: &[i64],
) -> QueryResult<Vec<(i64, Option<chrono::NaiveDateTime>)>> {
    use diesel::dsl::max;
    ticket_events::table
        .filter(ticket_events::ticket_id.eq_any(ticket_ids))
        .filter(ticket_events::visibility.eq("public"))
        .group_by(ticket_events::ticket_id)
        .select((ticket_events::ticket_id, max(ticket_events::occurred_at)))
        .load(conn)
}
