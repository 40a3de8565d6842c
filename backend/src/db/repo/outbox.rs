use diesel::prelude::*;

use crate::db::models::{NewOutboxMessage, OutboxMessage};
use crate::db::schema::outbox;
use crate::db::DbConn;

/// A write's few messages, one statement each (SQLite's batch insert wants no defaults).
pub fn insert_many(conn: &mut DbConn, rows: &[NewOutboxMessage]) -> QueryResult<usize> {
    rows.iter().try_fold(0, |inserted, row| {
        diesel::insert_into(outbox::table)
            .values(row)
            .execute(conn)
            .map(|n| inserted + n)
    })
}

/// The messages about one ticket, oldest first.
pub fn of_ticket(conn: &mut DbConn, ticket_id: i64) -> QueryResult<Vec<OutboxMessage>> {
    outbox::table
        .filter(outbox::ticket_id.eq(ticket_id))
        .select(OutboxMessage::as_select())
        .order(outbox::id)
        .load(conn)
}
