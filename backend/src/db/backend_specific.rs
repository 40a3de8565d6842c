//! The SQL differences between the backends, one `match` on the connection each.

use diesel::prelude::*;

use super::models::NewTicket;
use super::schema::tickets;
use super::DbConn;

/// Many tickets at once: one multi-row statement on PostgreSQL; SQLite's batch insert cannot
/// leave a column to its default, so there one statement a row (cheap inside a transaction).
pub fn insert_tickets(conn: &mut DbConn, rows: &[NewTicket]) -> QueryResult<usize> {
    match conn {
        DbConn::Postgres(pg) => diesel::insert_into(tickets::table).values(rows).execute(pg),
        DbConn::Sqlite(sqlite) => rows.iter().try_fold(0, |inserted, row| {
            diesel::insert_into(tickets::table)
                .values(row)
                .execute(sqlite)
                .map(|n| inserted + n)
        }),
    }
}

/// Refreshes the planner's statistics after a bulk load (PostgreSQL's autovacuum would do
/// it later; SQLite keeps none until asked).
pub fn analyze(conn: &mut DbConn) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConn::Postgres(pg) => pg.batch_execute("ANALYZE tickets; ANALYZE ticket_hops;"),
        DbConn::Sqlite(sqlite) => sqlite.batch_execute("ANALYZE;"),
    }
}
