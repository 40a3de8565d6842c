//! Repositories: functions on `&mut DbConn` returning `QueryResult`, alike inside or outside
//! a transaction.

pub mod attachments;
pub mod audit_events;
pub mod breaches;
pub mod categories;
pub mod establishments;
pub mod idempotency_keys;
pub mod job_leases;
pub mod login_attempts;
pub mod notification_preferences;
pub mod organisations;
pub mod outages;
pub mod outbox;
pub mod personal_data;
pub mod queues;
pub mod recipients;
pub mod refresh_tokens;
pub mod reviews;
pub mod rights_requests;
pub mod role_grants;
pub mod routing_rules;
pub mod school_holidays;
pub mod service_accounts;
pub mod service_level_clocks;
pub mod service_level_policies;
pub mod tallies;
pub mod technical_file_requirements;
pub mod territories;
pub mod ticket_events;
pub mod ticket_hops;
pub mod ticket_reads;
pub mod tickets;
pub mod users;
pub mod web_sessions;

use diesel::QueryResult;

use super::DbConn;

/// What writing a reference row by its natural key did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    Inserted,
    Updated,
    Unchanged,
}

/// Inserts `wanted` when nothing exists under its key, updates when the stored row differs,
/// and does nothing when it is the same.
pub fn reconcile<T: PartialEq>(
    conn: &mut DbConn,
    existing: Option<T>,
    wanted: &T,
    insert: impl FnOnce(&mut DbConn) -> QueryResult<usize>,
    update: impl FnOnce(&mut DbConn) -> QueryResult<usize>,
) -> QueryResult<Upsert> {
    crate::db::memo::forget();
    match existing {
        None => insert(conn).map(|_| Upsert::Inserted),
        Some(row) if row == *wanted => Ok(Upsert::Unchanged),
        Some(_) => update(conn).map(|_| Upsert::Updated),
    }
}
