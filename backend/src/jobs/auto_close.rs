//! A resolved ticket that nobody reopens closes by itself after a number of business days
//! of its school's calendar.

use chrono::{DateTime, Duration, Utc};
use diesel::Connection;
use serde_json::json;

use crate::db::repo::tickets;
use crate::db::DbConn;
use crate::domain::ticket_lifecycle::{transition, Party, TicketAction, TicketStatus};
use crate::domain::uai::Uai;
use crate::error::AppError;
use crate::services::calendars;
use crate::services::tickets::journal::{record, Author, Entry};
use crate::services::tickets::save;

/// Tickets examined per run.
const BATCH: i64 = 500;

/// Closes the resolved tickets due at `now`; returns how many.
pub fn close_resolved(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    business_days: i64,
) -> Result<usize, AppError> {
    // Business days are at least calendar days: older resolutions are the only candidates.
    let horizon = now - Duration::days(business_days);
    let mut closed = 0;
    for mut ticket in tickets::resolved_before(conn, horizon.naive_utc(), BATCH)? {
        let Some(resolved_at) = ticket.resolved_at else {
            continue;
        };
        let uai =
            Uai::parse(&ticket.establishment_uai).map_err(|e| AppError::Internal(e.to_string()))?;
        let calendar = calendars::for_establishment(conn, &uai)?;
        if calendar.business_days_after(resolved_at.and_utc(), now) < business_days {
            continue;
        }
        let to = transition(TicketStatus::Resolved, TicketAction::Close, Party::System)
            .map_err(|_| AppError::Internal("the system may close a resolved ticket".into()))?;
        conn.transaction(|conn| {
            let version = ticket.version;
            ticket.status = to;
            let ticket = save(conn, ticket, version, now)?;
            let entry = Entry::public(
                "closed_automatically",
                json!({ "business_days": business_days }),
            );
            record(conn, ticket.id, Author::System, entry, now)?;
            Ok::<_, AppError>(())
        })?;
        closed += 1;
    }
    Ok(closed)
}
