//! The clocks of a ticket, kept by every write: after the ticket is saved, each of its
//! clocks is moved to the state the ticket's situation calls for (the domain decides), the
//! clocks of a new stay are created, and the ticket's next due instant follows. Every change
//! is journaled in one event that says which clock went from which state to which.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SubsecRound, Utc};
use serde_json::{json, Value};

use crate::db::models::{
    NewServiceLevelClock, ServiceLevelClock, ServiceLevelPolicy, Ticket, TicketEvent, TicketHop,
};
use crate::db::repo::{
    organisations, queues, service_level_clocks, service_level_policies, ticket_hops,
};
use crate::db::DbConn;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::service_level_clock::{
    stay_clock_state, ticket_clock_state, Clock, ClockState, StaySituation, TicketSituation,
};
use crate::domain::service_level_policy::{target_for, ClockKind, HandlerKind};
use crate::error::AppError;
use crate::services::calendars::school_calendar;
use crate::services::stats::tallies;
use crate::services::tickets::journal::{record, Author, Entry};

/// What `next_due_at` holds when no clock counts: after any real instant, so that a queue
/// sorted by due instant lists those tickets last on both databases.
pub fn no_due_instant() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("a valid date")
}

/// The stored `next_due_at`, or none for the placeholder.
pub fn next_due(stored: NaiveDateTime) -> Option<DateTime<Utc>> {
    (stored != no_due_instant()).then(|| stored.and_utc())
}

/// A stored clock as the domain reads it.
pub fn domain_clock(row: &ServiceLevelClock) -> Clock {
    Clock {
        target_seconds: i64::from(row.target_minutes) * 60,
        warning_percent: i64::from(row.warning_percent),
        used_seconds: row.used_seconds,
        running_since: row.running_since.map(|t| t.and_utc()),
        stopped: row.stopped,
        due_at: row.due_at.map(|t| t.and_utc()),
        warn_at: row.warn_at.map(|t| t.and_utc()),
    }
}

fn store(row: &mut ServiceLevelClock, clock: &Clock) {
    row.used_seconds = clock.used_seconds;
    row.running_since = clock.running_since.map(|t| t.naive_utc());
    row.stopped = clock.stopped;
    row.due_at = clock.due_at.map(|t| t.naive_utc());
    row.warn_at = clock.warn_at.map(|t| t.naive_utc());
}

/// What the clocks of one ticket need, read once and only when a clock moves.
struct Context {
    policy: ServiceLevelPolicy,
    calendar: Option<BusinessCalendar>,
}

impl Context {
    fn load(conn: &mut DbConn, policy_id: i64) -> Result<Self, AppError> {
        let policy = service_level_policies::find(conn, policy_id)?
            .ok_or_else(|| AppError::Internal(format!("policy {policy_id} missing")))?;
        Ok(Self {
            policy,
            calendar: None,
        })
    }

    /// The target, in minutes, of a clock of `kind` for the stays of `handler` at `level`
    /// (none: the ticket's own) at `priority`.
    fn target(
        &self,
        priority: i32,
        handler: Option<HandlerKind>,
        level: Option<i32>,
        kind: ClockKind,
    ) -> Result<i64, AppError> {
        target_for(&self.policy.targets.0, priority, handler, level)
            .map(|t| t.minutes(kind))
            .ok_or_else(|| {
                AppError::Internal(format!("policy {} has no P{priority} line", self.policy.id))
            })
    }

    fn calendar(
        &mut self,
        conn: &mut DbConn,
        ticket: &Ticket,
    ) -> Result<&BusinessCalendar, AppError> {
        if self.calendar.is_none() {
            self.calendar = Some(calendar_of(conn, ticket, &self.policy)?);
        }
        Ok(self.calendar.as_ref().expect("just set"))
    }
}

/// The calendar a ticket's clocks count in: its school's, as its policy says.
pub fn calendar_of(
    conn: &mut DbConn,
    ticket: &Ticket,
    policy: &ServiceLevelPolicy,
) -> Result<BusinessCalendar, AppError> {
    school_calendar(
        conn,
        &ticket.establishment_uai,
        Some(policy.excludes_school_holidays),
    )
}

fn situation(ticket: &Ticket, hops: &[TicketHop]) -> TicketSituation {
    TicketSituation {
        status: ticket.status,
        pending_reason: ticket.pending_reason,
        responded: hops.iter().any(|h| h.first_response_at.is_some()),
    }
}

/// The state the clock of `kind` of a stay (`Some(hop)`) or of the ticket calls for.
fn wanted(
    hop_id: Option<i64>,
    kind: ClockKind,
    ticket: &TicketSituation,
    hops: &[TicketHop],
) -> ClockState {
    match hop_id.and_then(|id| hops.iter().find(|h| h.id == id)) {
        None => ticket_clock_state(kind, ticket),
        Some(hop) => stay_clock_state(
            kind,
            ticket,
            &StaySituation {
                left: hop.left_at.is_some(),
                responded: hop.first_response_at.is_some(),
            },
        ),
    }
}

/// Whose time a clock measures: the owner authority for the ticket's own, the stay's
/// organisation for a stay's.
fn clock_owner(
    conn: &mut DbConn,
    ticket: &Ticket,
    stay: Option<&TicketHop>,
) -> Result<(i64, Option<HandlerKind>, Option<i32>), AppError> {
    let queue_id = stay.map_or(ticket.owner_queue_id, |s| s.to_queue_id);
    let queue = queues::find(conn, queue_id)?
        .ok_or_else(|| AppError::Internal(format!("queue {queue_id} missing")))?;
    if stay.is_none() {
        return Ok((queue.organisation_id, None, None));
    }
    let organisation = organisations::find(conn, queue.organisation_id)?
        .ok_or_else(|| AppError::Internal("queue without organisation".into()))?;
    Ok((
        organisation.id,
        HandlerKind::of(organisation.kind),
        Some(queue.level),
    ))
}

fn describe(
    conn: &mut DbConn,
    row: &ServiceLevelClock,
    from: Option<ClockState>,
    to: ClockState,
) -> Result<Value, AppError> {
    let organisation = organisations::find(conn, row.organisation_id)?
        .map(|o| o.code)
        .unwrap_or_default();
    Ok(json!({
        "clock": if row.hop_id.is_some() { "stay" } else { "ticket" },
        "kind": row.kind,
        "organisation": organisation,
        "from": from,
        "to": to,
        "used_minutes": row.used_seconds / 60,
        "target_minutes": row.target_minutes,
        "due_at": row.due_at.map(|t| t.and_utc()),
    }))
}

/// Brings the ticket's clocks to its situation at `now` (creating those of a new stay), and
/// its next due instant with them. Returns the description of each change.
fn follow(
    conn: &mut DbConn,
    ticket: &mut Ticket,
    now: DateTime<Utc>,
) -> Result<Vec<Value>, AppError> {
    let Some(policy_id) = ticket.service_level_policy_id else {
        return Ok(Vec::new());
    };
    // Clocks count whole seconds: instants cut to the second add up without loss.
    let now = now.trunc_subsecs(0);
    let hops = ticket_hops::list(conn, ticket.id)?;
    let mut clocks = service_level_clocks::of_ticket(conn, ticket.id)?;
    let current_situation = situation(ticket, &hops);
    let mut context: Option<Context> = None;
    let mut changes = Vec::new();
    // Each clock created or changed, before and after: the figures' tallies follow them.
    let mut moved: Vec<(Option<ServiceLevelClock>, ServiceLevelClock)> = Vec::new();
    for row in clocks.iter_mut() {
        let want = wanted(row.hop_id, row.kind, &current_situation, &hops);
        let mut clock = domain_clock(row);
        let from = clock.state();
        // A requalified ticket's clocks that still count take the new priority's target.
        let requalified = !row.stopped && row.priority != ticket.priority;
        if from == want && !requalified {
            continue;
        }
        if context.is_none() {
            context = Some(Context::load(conn, policy_id)?);
        }
        let context = context.as_mut().expect("loaded");
        let before = row.clone();
        let previous_target = row.target_minutes;
        if requalified {
            let stay = row.hop_id.and_then(|id| hops.iter().find(|h| h.id == id));
            let (_, handler, level) = clock_owner(conn, ticket, stay)?;
            let minutes = context.target(ticket.priority, handler, level, row.kind)?;
            let calendar = context.calendar(conn, ticket)?;
            clock.retarget(calendar, now, minutes);
            row.priority = ticket.priority;
            row.target_minutes = minutes as i32;
        }
        let calendar = context.calendar(conn, ticket)?;
        clock.move_to(calendar, now, want);
        store(row, &clock);
        row.counted_at = counted_instant(row.hop_id, row.kind, row.stopped, ticket, &hops);
        *row = service_level_clocks::update(conn, row)?;
        moved.push((Some(before), row.clone()));
        let mut change = describe(conn, row, Some(from), want)?;
        if row.target_minutes != previous_target {
            change["previous_target_minutes"] = json!(previous_target);
        }
        changes.push(change);
    }
    // The ticket's own clocks, and the current stay's, begin when they are first needed.
    let current = hops.iter().find(|h| h.left_at.is_none());
    let mut missing = Vec::new();
    for kind in ClockKind::ALL {
        if !clocks.iter().any(|c| c.hop_id.is_none() && c.kind == *kind) {
            missing.push((None, *kind));
        }
        if let Some(stay) = current {
            if !clocks
                .iter()
                .any(|c| c.hop_id == Some(stay.id) && c.kind == *kind)
            {
                missing.push((Some(stay), *kind));
            }
        }
    }
    let mut new_clocks = Vec::new();
    let mut new_states = Vec::new();
    for (stay, kind) in missing {
        if context.is_none() {
            context = Some(Context::load(conn, policy_id)?);
        }
        let (organisation_id, handler, level) = clock_owner(conn, ticket, stay)?;
        let context = context.as_mut().expect("loaded");
        let target = context.target(ticket.priority, handler, level, kind)?;
        let warning = context.policy.warning_percent;
        let hop_id = stay.map(|s| s.id);
        let want = wanted(hop_id, kind, &current_situation, &hops);
        let calendar = context.calendar(conn, ticket)?;
        let clock = Clock::new(target, i64::from(warning), calendar, now, want);
        new_clocks.push(NewServiceLevelClock {
            ticket_id: ticket.id,
            hop_id,
            organisation_id,
            kind,
            priority: ticket.priority,
            target_minutes: target as i32,
            warning_percent: warning,
            used_seconds: clock.used_seconds,
            running_since: clock.running_since.map(|t| t.naive_utc()),
            stopped: clock.stopped,
            due_at: clock.due_at.map(|t| t.naive_utc()),
            warn_at: clock.warn_at.map(|t| t.naive_utc()),
            counted_at: counted_instant(hop_id, kind, clock.stopped, ticket, &hops),
        });
        new_states.push(want);
    }
    let inserted = service_level_clocks::insert_many(conn, &new_clocks)?;
    for (row, want) in inserted.into_iter().zip(new_states) {
        changes.push(describe(conn, &row, None, want)?);
        moved.push((None, row.clone()));
        clocks.push(row);
    }
    tallies::clocks_changed(conn, ticket, &moved)?;
    mark(conn, ticket, &clocks)?;
    Ok(changes)
}

/// The instant that places a stopped clock in a period of the figures: its stay's beginning,
/// its ticket's opening (response) or resolution (resolution); none while it counts.
fn counted_instant(
    hop_id: Option<i64>,
    kind: ClockKind,
    stopped: bool,
    ticket: &Ticket,
    hops: &[TicketHop],
) -> Option<NaiveDateTime> {
    if !stopped {
        return None;
    }
    match hop_id {
        Some(id) => hops.iter().find(|h| h.id == id).map(|h| h.entered_at),
        None if kind == ClockKind::Response => Some(ticket.created_at),
        None => ticket.resolved_at,
    }
}

/// Writes the ticket's next due instant and breach flag if its clocks changed them.
pub fn mark(
    conn: &mut DbConn,
    ticket: &mut Ticket,
    clocks: &[ServiceLevelClock],
) -> Result<(), AppError> {
    let next_due_at = clocks
        .iter()
        .filter(|c| !c.stopped)
        .filter_map(|c| c.due_at)
        .min()
        .unwrap_or_else(no_due_instant);
    let breached = clocks.iter().any(|c| c.breached_at.is_some());
    if (next_due_at, breached) != (ticket.next_due_at, ticket.breached) {
        service_level_clocks::mark_ticket(conn, ticket.id, next_due_at, breached)?;
        ticket.next_due_at = next_due_at;
        ticket.breached = breached;
    }
    Ok(())
}

/// Keeps the ticket's clocks after a write of `action` by `author`: the changes are one
/// internal journal event, returned.
pub fn keep(
    conn: &mut DbConn,
    ticket: &mut Ticket,
    author: &Author,
    action: &str,
    now: DateTime<Utc>,
) -> Result<Option<TicketEvent>, AppError> {
    let changes = follow(conn, ticket, now)?;
    if changes.is_empty() {
        return Ok(None);
    }
    let entry = Entry::internal(
        "service_levels_changed",
        json!({ "action": action, "clocks": changes }),
    );
    Ok(Some(record(conn, ticket.id, author, entry, now)?))
}
