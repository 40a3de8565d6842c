//! A resolved ticket that nobody reopens closes by itself after a number of business days
//! of its school's calendar.

use chrono::Duration;
use serde_json::json;

use super::journal::Entry;
use super::pipeline::{change_as_system, TicketChange, TicketWrite};
use crate::db::repo::tickets;
use crate::domain::ticket_lifecycle::{transition, Party, TicketAction, TicketStatus};
use crate::domain::uai::Uai;
use crate::error::AppError;
use crate::services::calendars;
use crate::services::unit_of_work;
use crate::state::AppState;

/// Tickets examined per run.
const BATCH: i64 = 500;

/// Closes one resolved ticket, on the system's behalf.
struct CloseResolved {
    business_days: i64,
}

impl TicketChange for CloseResolved {
    type Reply = ();

    fn action(&self) -> &'static str {
        "close"
    }

    fn authorise(&self, _: &TicketWrite) -> Result<(), AppError> {
        Ok(())
    }

    fn apply(self, w: &mut TicketWrite) -> Result<(), AppError> {
        w.ticket.status = transition(
            w.ticket.status,
            w.ticket.pending_reason,
            TicketAction::Close,
            Party::System,
        )
        .map_err(|_| AppError::Internal("the system closes only resolved tickets".into()))?;
        w.journal(Entry::public(
            "closed_automatically",
            json!({ "business_days": self.business_days }),
        ))?;
        Ok(())
    }
}

/// Closes the resolved tickets due now; returns how many.
pub async fn close_due(state: &AppState) -> Result<usize, AppError> {
    let business_days = state.settings.auto_close_business_days;
    unit_of_work::write_anonymous(state, move |tx| {
        // Business days are at least calendar days: older resolutions are the only candidates.
        let horizon = tx.now - Duration::days(business_days);
        let mut closed = 0;
        for ticket in tickets::resolved_before(tx.conn, horizon.naive_utc(), BATCH)? {
            let (Some(resolved_at), TicketStatus::Resolved) = (ticket.resolved_at, ticket.status)
            else {
                continue;
            };
            let uai = Uai::parse(&ticket.establishment_uai)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let calendar = calendars::for_establishment(tx.conn, &uai)?;
            if calendar.business_days_after(resolved_at.and_utc(), tx.now) < business_days {
                continue;
            }
            change_as_system(tx, &ticket.reference, CloseResolved { business_days })?;
            closed += 1;
        }
        Ok(closed)
    })
    .await
}
