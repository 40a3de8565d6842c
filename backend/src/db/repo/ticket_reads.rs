//! The access log: who read which ticket, when, from where.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::backend_specific;
use crate::db::models::{NewTicketRead, TicketRead};
use crate::db::schema::{ticket_reads, tickets, users};
use crate::db::DbConn;

pub fn insert_many(conn: &mut DbConn, rows: &[NewTicketRead]) -> QueryResult<usize> {
    backend_specific::insert_ticket_reads(conn, rows)
}

/// Which reads a listing shows.
#[derive(Debug, Default, Clone)]
pub struct ReadFilter {
    pub ticket_id: Option<i64>,
    pub user_id: Option<i64>,
    /// Reads of the tickets of these territories only (`None`: every territory).
    pub territories: Option<Vec<String>>,
    /// Entries with ids below this one (the keyset cursor).
    pub before: Option<i64>,
}

/// A read, with the ticket's reference and the reader's email when it is a user.
pub type ListedRead = (TicketRead, String, Option<String>);

/// Newest first. Each filter is served by an index: `(ticket_id, id)`,
/// `(user_id, territory_code, id)`, `(territory_code, id)`.
pub fn list(conn: &mut DbConn, filter: &ReadFilter, limit: i64) -> QueryResult<Vec<ListedRead>> {
    let mut query = ticket_reads::table
        .inner_join(tickets::table)
        .left_join(users::table)
        .select((
            TicketRead::as_select(),
            tickets::reference,
            users::email.nullable(),
        ))
        .order(ticket_reads::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(ticket) = filter.ticket_id {
        query = query.filter(ticket_reads::ticket_id.eq(ticket));
    }
    if let Some(user) = filter.user_id {
        query = query.filter(ticket_reads::user_id.eq(user));
    }
    // One territory (most admins) as an equality: the planner then walks the index in id
    // order instead of sorting what `= ANY(…)` matched.
    match filter.territories.as_deref() {
        None => {}
        Some([one]) => query = query.filter(ticket_reads::territory_code.eq(one.clone())),
        Some(several) => {
            query = query.filter(ticket_reads::territory_code.eq_any(several.to_vec()))
        }
    }
    if let Some(before) = filter.before {
        query = query.filter(ticket_reads::id.lt(before));
    }
    query.load(conn)
}

/// Deletes up to `limit` entries read before `cutoff` (the retention); how many went.
pub fn purge(conn: &mut DbConn, cutoff: NaiveDateTime, limit: i64) -> QueryResult<usize> {
    let old = ticket_reads::table
        .select(ticket_reads::id)
        .filter(ticket_reads::read_at.lt(cutoff))
        .order(ticket_reads::read_at)
        .limit(limit)
        .load::<i64>(conn)?;
    if old.is_empty() {
        return Ok(0);
    }
    diesel::delete(ticket_reads::table.filter(ticket_reads::id.eq_any(old))).execute(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    ticket_reads::table.count().get_result(conn)
}
