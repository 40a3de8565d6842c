//! Figures kept up to date as tickets and clocks change: each write that changes what a
//! ticket or a clock counts for adds rows to the tallies (+1 to its new cell, -1 to its old),
//! in the write's own transaction, so the tallies are exactly as durable as the change. A job
//! merges each day's rows (`merge`); the figures of a territory over whole days read them
//! (`read`) instead of recounting the period's tickets; `rebuild` counts them again from the
//! tickets and clocks.

pub mod check;
pub mod merge;
pub mod read;
pub mod rebuild;

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;

use crate::db::models::{
    ClockCell, NewClockTally, NewTicketTally, ServiceLevelClock, Ticket, TicketCell,
};
use crate::db::repo::{establishments, tallies, territories};
use crate::db::DbConn;
use crate::domain::figures::minutes;
use crate::domain::ticket_lifecycle::TicketStatus;
use crate::error::AppError;

/// The local day of an instant in a territory's zone: the figures' periods are whole days.
pub fn local_day(instant: NaiveDateTime, zone: Tz) -> NaiveDate {
    instant.and_utc().with_timezone(&zone).date_naive()
}

/// What places a ticket in the figures, from its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketPart {
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    pub level: i32,
    pub queue_id: i64,
    pub category_code: String,
    pub escalated: bool,
    pub cancelled: bool,
    pub reopened: bool,
}

impl TicketPart {
    pub fn of(ticket: &Ticket) -> Self {
        Self {
            created_at: ticket.created_at,
            resolved_at: ticket.resolved_at,
            level: ticket.level,
            queue_id: ticket.current_queue_id,
            category_code: ticket.category_code.clone(),
            escalated: ticket.vendor_id.is_some(),
            cancelled: ticket.status == TicketStatus::Cancelled,
            reopened: ticket.reopen_count > 0,
        }
    }

    /// Its cells: opened on its opening day, resolved on its resolution day.
    pub fn cells(&self, territory: &str, zone: Tz, school_kind: &str) -> Vec<TicketCell> {
        let cell = |measure: &str, at: NaiveDateTime| TicketCell {
            territory_code: territory.to_owned(),
            day: local_day(at, zone),
            measure: measure.to_owned(),
            level: self.level,
            queue_id: self.queue_id,
            category_code: self.category_code.clone(),
            school_kind: school_kind.to_owned(),
            escalated: self.escalated,
            cancelled: self.cancelled,
            reopened: self.reopened,
        };
        let mut cells = vec![cell("opened", self.created_at)];
        if let Some(resolved_at) = self.resolved_at {
            cells.push(cell("resolved", resolved_at));
        }
        cells
    }
}

/// The cell of a stopped clock that has a counting instant; none for one that counts on.
pub fn clock_cell(clock: &ServiceLevelClock, territory: &str, zone: Tz) -> Option<ClockCell> {
    let counted_at = clock.counted_at.filter(|_| clock.stopped)?;
    Some(ClockCell {
        territory_code: territory.to_owned(),
        day: local_day(counted_at, zone),
        stay: clock.hop_id.is_some(),
        organisation_id: clock.organisation_id,
        kind: clock.kind.as_str().to_owned(),
        priority: clock.priority,
        // Breached once its target is used, whether or not the alerts job has said so yet.
        breached: clock.breached_at.is_some()
            || clock.used_seconds >= i64::from(clock.target_minutes) * 60,
        minutes: minutes(clock.used_seconds),
    })
}

/// Counts per cell, without the cells that come back to nothing.
pub fn net<C: Ord>(counts: impl IntoIterator<Item = (C, i64)>) -> Vec<(C, i64)> {
    let mut sums: BTreeMap<C, i64> = BTreeMap::new();
    for (cell, n) in counts {
        *sums.entry(cell).or_default() += n;
    }
    sums.into_iter().filter(|(_, n)| *n != 0).collect()
}

/// The rows that add `counts` to ticket cells, one per cell; `merged` once a day's rows are
/// summed up.
pub(super) fn ticket_rows(
    counts: impl IntoIterator<Item = (TicketCell, i64)>,
    merged: bool,
) -> Vec<NewTicketTally> {
    net(counts)
        .into_iter()
        .map(|(cell, tickets)| NewTicketTally {
            cell,
            tickets,
            merged,
        })
        .collect()
}

/// The rows that add `counts` to clock cells, one per cell.
pub(super) fn clock_rows(
    counts: impl IntoIterator<Item = (ClockCell, i64)>,
    merged: bool,
) -> Vec<NewClockTally> {
    net(counts)
        .into_iter()
        .map(|(cell, clocks)| NewClockTally {
            cell,
            clocks,
            merged,
        })
        .collect()
}

/// The zone of a ticket's territory and the kind of its school.
fn place(conn: &mut DbConn, ticket: &Ticket) -> Result<(Tz, String), AppError> {
    let zone = territories::find(conn, &ticket.territory_code)?
        .map_or(chrono_tz::Europe::Paris, |t| t.zone());
    let kind = establishments::kind_of(conn, &ticket.establishment_uai)?.ok_or_else(|| {
        AppError::Internal(format!("school {} missing", ticket.establishment_uai))
    })?;
    Ok((zone, kind))
}

/// Tallies a ticket opened (`before` none) or changed: nothing when its part did not move.
pub fn ticket_changed(
    conn: &mut DbConn,
    before: Option<&Ticket>,
    after: &Ticket,
) -> Result<(), AppError> {
    let (old, new) = (before.map(TicketPart::of), TicketPart::of(after));
    if old.as_ref() == Some(&new) {
        return Ok(());
    }
    let (zone, kind) = place(conn, after)?;
    let territory = &after.territory_code;
    let taken = old
        .iter()
        .flat_map(|o| o.cells(territory, zone, &kind))
        .map(|c| (c, -1));
    let added = new
        .cells(territory, zone, &kind)
        .into_iter()
        .map(|c| (c, 1));
    Ok(tallies::add_tickets(
        conn,
        &ticket_rows(taken.chain(added), false),
    )?)
}

/// Tallies the clocks of `ticket` that one write created (`None` before) or changed.
pub fn clocks_changed(
    conn: &mut DbConn,
    ticket: &Ticket,
    changes: &[(Option<ServiceLevelClock>, ServiceLevelClock)],
) -> Result<(), AppError> {
    let counts = |zone: Tz| {
        let territory = &ticket.territory_code;
        changes.iter().flat_map(move |(before, after)| {
            let taken = before
                .as_ref()
                .and_then(|b| clock_cell(b, territory, zone))
                .map(|c| (c, -1));
            let added = clock_cell(after, territory, zone).map(|c| (c, 1));
            taken.into_iter().chain(added)
        })
    };
    // Most changes start or pause clocks: no tally, no lookup.
    if counts(chrono_tz::UTC).next().is_none() {
        return Ok(());
    }
    let (zone, _) = place(conn, ticket)?;
    Ok(tallies::add_clocks(conn, &clock_rows(counts(zone), false))?)
}
