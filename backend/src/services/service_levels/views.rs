//! How clocks are shown: time used and left at the moment of reading, due instants, flags.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::clocks::{calendar_of, domain_clock, next_due};
use crate::db::models::{ServiceLevelClock, ServiceLevelPolicy, Ticket};
use crate::db::repo::{organisations, service_level_clocks, service_level_policies};
use crate::db::DbConn;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::service_level_clock::ClockState;
use crate::domain::service_level_policy::ClockKind;
use crate::error::AppError;

/// One clock, as read at the moment of the request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClockView {
    pub kind: ClockKind,
    /// Code of the organisation whose time it measures.
    pub organisation: String,
    pub state: ClockState,
    /// The target, in business minutes.
    pub target_minutes: i64,
    /// Business minutes used so far.
    pub used_minutes: i64,
    /// Business minutes left before the target (0 once past it).
    pub left_minutes: i64,
    /// When the target is reached if the clock keeps running; none while it does not run,
    /// unless the target was already reached.
    pub due_at: Option<DateTime<Utc>>,
    /// When the clock warns (a share of the target).
    pub warning_at: Option<DateTime<Utc>>,
    /// The warning was recorded.
    pub warned: bool,
    /// The target is reached.
    pub breached: bool,
}

/// A ticket's service levels: its own two clocks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketServiceLevels {
    /// The version of its territory's policy it was opened under.
    pub policy_version: i32,
    /// The earliest due instant of its clocks that count.
    pub next_due_at: Option<DateTime<Utc>>,
    /// One of its clocks (its own or a stay's) went past its target.
    pub breached: bool,
    pub response: Option<ClockView>,
    pub resolution: Option<ClockView>,
}

/// A ticket's policy and clocks, read once for a view: the calendar is loaded only if a
/// clock runs.
pub struct ClockBoard {
    policy: Option<ServiceLevelPolicy>,
    clocks: Vec<ServiceLevelClock>,
    calendar: Option<BusinessCalendar>,
    now: DateTime<Utc>,
}

impl ClockBoard {
    pub fn load(conn: &mut DbConn, ticket: &Ticket, now: DateTime<Utc>) -> Result<Self, AppError> {
        let policy = match ticket.service_level_policy_id {
            Some(id) => Some(
                service_level_policies::find(conn, id)?
                    .ok_or_else(|| AppError::Internal(format!("policy {id} missing")))?,
            ),
            None => None,
        };
        let clocks = service_level_clocks::of_ticket(conn, ticket.id)?;
        let calendar = match &policy {
            Some(policy) if clocks.iter().any(|c| c.running_since.is_some()) => {
                Some(calendar_of(conn, ticket, policy)?)
            }
            _ => None,
        };
        Ok(Self {
            policy,
            clocks,
            calendar,
            now,
        })
    }

    /// The clock of `kind` of a stay (`Some(hop)`) or of the ticket itself (`None`).
    pub fn view(
        &self,
        conn: &mut DbConn,
        hop_id: Option<i64>,
        kind: ClockKind,
    ) -> Result<Option<ClockView>, AppError> {
        let Some(row) = self
            .clocks
            .iter()
            .find(|c| c.hop_id == hop_id && c.kind == kind)
        else {
            return Ok(None);
        };
        let clock = domain_clock(row);
        let used = match &self.calendar {
            Some(calendar) => clock.used_at(calendar, self.now),
            None => clock.used_seconds,
        };
        let organisation = organisations::find(conn, row.organisation_id)?
            .map(|o| o.code)
            .unwrap_or_default();
        let breached = used >= clock.target_seconds || row.breached_at.is_some();
        Ok(Some(ClockView {
            kind,
            organisation,
            state: clock.state(),
            target_minutes: clock.target_seconds / 60,
            used_minutes: used / 60,
            left_minutes: ((clock.target_seconds - used).max(0) + 59) / 60,
            due_at: clock.due_at,
            warning_at: clock.warn_at,
            warned: row.warned_at.is_some(),
            breached,
        }))
    }

    /// The ticket's own clocks, with its policy version and flags; none for a ticket opened
    /// before service levels existed.
    pub fn ticket_levels(
        &self,
        conn: &mut DbConn,
        ticket: &Ticket,
    ) -> Result<Option<TicketServiceLevels>, AppError> {
        let Some(policy_version) = self.policy.as_ref().map(|p| p.version) else {
            return Ok(None);
        };
        let response = self.view(conn, None, ClockKind::Response)?;
        let resolution = self.view(conn, None, ClockKind::Resolution)?;
        let breached = ticket.breached
            || response.as_ref().is_some_and(|c| c.breached)
            || resolution.as_ref().is_some_and(|c| c.breached);
        Ok(Some(TicketServiceLevels {
            policy_version,
            next_due_at: next_due(ticket.next_due_at),
            breached,
            response,
            resolution,
        }))
    }
}
