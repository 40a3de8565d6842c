//! The one way a ticket changes. A write loads the ticket (locked for the transaction),
//! works out the caller's part in it (404 when it sees nothing), lets the change authorise
//! itself (403), checks `If-Match` (428/412), lets the domain decide, saves with the version
//! check, and journals: every change of status, pending reason, queue or level is an event,
//! whatever caused it, because this pipeline derives those events from the row itself. The
//! idempotent answer and the outbox rows of the notifications are recorded in the same
//! transaction.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::json;

use super::access::{access, queue, Access};
use super::journal::{record, Author, Entry};
use super::read::fresh_view;
use super::views::TicketView;
use super::{check_version, not_found};
use crate::db::models::{NewTicketHop, Queue, Ticket, TicketEvent};
use crate::db::repo::{organisations, ticket_hops, tickets};
use crate::db::DbConn;
use crate::domain::reference_kinds::OrganisationKind;
use crate::domain::ticket_lifecycle::{treatment_over, TicketStatus};
use crate::error::AppError;
use crate::services::availability::outages;
use crate::services::caller::Caller;
use crate::services::idempotency::{self, IdempotentRequest, Keyed};
use crate::services::notifications::outbox;
use crate::services::service_levels::clocks;
use crate::services::stats::tallies;
use crate::services::unit_of_work::{self, Tx};
use crate::state::AppState;

/// A change of one ticket, as a use case defines it.
pub trait TicketChange: Send + 'static {
    type Reply: Serialize + Send + 'static;
    /// What the journal names as the cause of the status changes this change makes.
    fn action(&self) -> &'static str;
    /// Changes to the ticket's fields need `If-Match`; appending to its journal does not.
    const NEEDS_VERSION: bool = true;

    /// Refuses (403, or 409 for what this ticket can never do now) before the version is
    /// compared (a missing `If-Match` is a 428 before this).
    fn authorise(&self, w: &TicketWrite) -> Result<(), AppError>;

    /// Decides and applies the change; the pipeline saves what is left unsaved.
    fn apply(self, w: &mut TicketWrite) -> Result<Self::Reply, AppError>;
}

/// The ticket a write names, with the version the writer read.
#[derive(Debug, Clone)]
pub struct Target {
    pub reference: String,
    pub if_match: Option<i32>,
}

/// A ticket being changed inside a write transaction.
pub struct TicketWrite<'a> {
    pub conn: &'a mut DbConn,
    pub now: DateTime<Utc>,
    /// `None` for the scheduled jobs.
    pub caller: Option<&'a Caller>,
    pub access: Access,
    pub ticket: Ticket,
    author: Author,
    action: &'static str,
    /// The row as last stored.
    stored: Ticket,
    last_event: Option<i64>,
    /// Saved even if no field changed (a write that only concerns it).
    touched: bool,
    /// Every event this write journaled on the ticket, for the notifications.
    written: Vec<TicketEvent>,
}

impl<'a> TicketWrite<'a> {
    fn new(
        conn: &'a mut DbConn,
        now: DateTime<Utc>,
        caller: Option<&'a Caller>,
        access: Access,
        ticket: Ticket,
        action: &'static str,
    ) -> Self {
        let author = match caller {
            Some(caller) => Author::caller(caller, access.acting_organisation),
            None => Author::system(),
        };
        Self {
            conn,
            now,
            caller,
            access,
            stored: ticket.clone(),
            ticket,
            author,
            action,
            last_event: None,
            touched: false,
            written: Vec::new(),
        }
    }

    /// Marks the ticket written by this change even if none of its fields changed: its
    /// version moves.
    pub fn touch(&mut self) {
        self.touched = true;
    }

    /// The 403 for an action the caller's part does not allow.
    pub fn deny(&self, what: &str) -> AppError {
        crate::services::audit::deny(what)
    }

    /// Appends an event to the ticket's journal, signed by the writer.
    pub fn journal(&mut self, entry: Entry) -> Result<TicketEvent, AppError> {
        let event = record(self.conn, self.ticket.id, &self.author, entry, self.now)?;
        self.last_event = Some(event.id);
        self.written.push(event.clone());
        Ok(event)
    }

    /// Marks the first response of the organisation holding the ticket on its current stay.
    pub fn first_response(&mut self) -> Result<(), AppError> {
        if let Some(hop) = ticket_hops::current(self.conn, self.ticket.id)? {
            ticket_hops::first_response(self.conn, hop.id, self.now.naive_utc())?;
        }
        Ok(())
    }

    /// Hands the ticket to `to`: its stay in the current queue ends (refused, with a
    /// reason), a new one begins; it is new there and unassigned, at the queue's level; a
    /// vendor that receives it keeps sight of it.
    pub fn hop_to(
        &mut self,
        to: &Queue,
        reason: &str,
        rule: Option<i64>,
        refused: Option<&str>,
    ) -> Result<(), AppError> {
        if let Some(current) = ticket_hops::current(self.conn, self.ticket.id)? {
            ticket_hops::leave(self.conn, current.id, self.now.naive_utc(), refused)?;
        }
        ticket_hops::insert(
            self.conn,
            &NewTicketHop {
                ticket_id: self.ticket.id,
                from_queue_id: Some(self.ticket.current_queue_id),
                to_queue_id: to.id,
                reason: reason.to_owned(),
                routing_rule_id: rule,
                entered_at: self.now.naive_utc(),
            },
        )?;
        self.ticket.current_queue_id = to.id;
        self.ticket.level = to.level;
        self.ticket.assignee_id = None;
        self.ticket.status = TicketStatus::New;
        self.ticket.pending_reason = None;
        let organisation = organisations::find(self.conn, to.organisation_id)?
            .ok_or_else(|| AppError::Internal("queue without organisation".into()))?;
        if organisation.kind == OrganisationKind::Vendor {
            self.ticket.vendor_id = Some(organisation.id);
        }
        self.access.current_queue = to.clone();
        Ok(())
    }

    /// Another ticket the caller may see, locked for this transaction (a major incident's
    /// child); 404 otherwise.
    pub fn other(&mut self, reference: &str) -> Result<(Ticket, Access), AppError> {
        let ticket =
            tickets::find_for_update(self.conn, reference)?.ok_or_else(|| not_found(reference))?;
        let seen = match self.caller {
            Some(caller) => access(self.conn, caller, &ticket)?,
            None => Some(Access::system(
                queue(self.conn, ticket.owner_queue_id)?,
                queue(self.conn, ticket.current_queue_id)?,
            )),
        };
        let access = seen.ok_or_else(|| not_found(reference))?;
        Ok((ticket, access))
    }

    /// Saves another ticket changed by this write, journaled like the main one, signed by
    /// `author`.
    pub fn save_other(
        &mut self,
        before: &Ticket,
        after: Ticket,
        author: &Author,
    ) -> Result<Ticket, AppError> {
        let (mut saved, _) = save_ticket(
            self.conn,
            author,
            self.action,
            before,
            after,
            false,
            self.now,
        )?;
        clocks::keep(self.conn, &mut saved, author, self.action, self.now)?;
        Ok(saved)
    }

    /// Stores the ticket if it changed: its derived events, then the row if nobody wrote it
    /// since it was read; its clocks follow; stays left by this write remember the last
    /// event written.
    pub fn save(&mut self) -> Result<(), AppError> {
        let (mut saved, mut derived) = save_ticket(
            self.conn,
            &self.author,
            self.action,
            &self.stored,
            self.ticket.clone(),
            std::mem::take(&mut self.touched),
            self.now,
        )?;
        derived.extend(clocks::keep(
            self.conn,
            &mut saved,
            &self.author,
            self.action,
            self.now,
        )?);
        // A major incident's outage ends with its treatment.
        if saved.is_major && treatment_over(saved.status) {
            outages::end_for_major_incident(self.conn, &saved, self.now)?;
        }
        self.stored = saved.clone();
        self.ticket = saved;
        let last = derived.last().map(|e| e.id);
        self.written.extend(derived);
        if let Some(last) = last.or(self.last_event) {
            ticket_hops::close_journal(self.conn, self.ticket.id, last)?;
        }
        self.last_event = None;
        Ok(())
    }

    /// Saves, then the ticket as the caller now sees it (its part may have changed).
    pub fn view(&mut self) -> Result<TicketView, AppError> {
        self.save()?;
        let caller = self
            .caller
            .ok_or_else(|| AppError::Internal("a job has no view of a ticket".into()))?;
        fresh_view(self.conn, caller, self.ticket.clone(), self.now)
    }
}

/// Writes `after` over `before` if it differs: the events its changes of status, pending
/// reason, queue or level imply, then the row with the version check (412 when another
/// write came first). Returns the stored row and the events written.
fn save_ticket(
    conn: &mut DbConn,
    author: &Author,
    action: &'static str,
    before: &Ticket,
    mut after: Ticket,
    touched: bool,
    now: DateTime<Utc>,
) -> Result<(Ticket, Vec<TicketEvent>), AppError> {
    after.updated_at = before.updated_at;
    after.version = before.version;
    if after == *before && !touched {
        return Ok((after, Vec::new()));
    }
    let mut written = Vec::new();
    if after.current_queue_id != before.current_queue_id || after.level != before.level {
        let from = queue(conn, before.current_queue_id)?;
        let to = queue(conn, after.current_queue_id)?;
        let entry = Entry::internal(
            "queue_changed",
            json!({ "action": action, "from": from.code, "to": to.code,
                    "from_level": before.level, "level": after.level }),
        );
        written.push(record(conn, after.id, author, entry, now)?);
    }
    if after.status != before.status || after.pending_reason != before.pending_reason {
        let mut entry = Entry::public(
            "status_changed",
            json!({ "action": action, "from": before.status, "to": after.status,
                    "pending_reason": after.pending_reason }),
        );
        if after.status == TicketStatus::Resolved {
            if let Some(resolution) = &after.resolution {
                entry = entry.with_body(resolution);
            }
        }
        written.push(record(conn, after.id, author, entry, now)?);
    }
    after.updated_at = now.naive_utc();
    if tickets::update_if_version(conn, &after, before.version)? == 0 {
        return Err(super::stale());
    }
    tallies::ticket_changed(conn, Some(before), &after)?;
    after.version = before.version + 1;
    Ok((after, written))
}

fn run<C: TicketChange>(
    tx: &mut Tx,
    caller: Option<&Caller>,
    target: &Target,
    change: C,
) -> Result<C::Reply, AppError> {
    let ticket = tickets::find_for_update(tx.conn, &target.reference)?
        .ok_or_else(|| not_found(&target.reference))?;
    let notifies = tx.notifies();
    let seen = match caller {
        Some(caller) => access(tx.conn, caller, &ticket)?,
        None => Some(Access::system(
            queue(tx.conn, ticket.owner_queue_id)?,
            queue(tx.conn, ticket.current_queue_id)?,
        )),
    };
    let access = seen.ok_or_else(|| not_found(&target.reference))?;
    let action = change.action();
    let mut w = TicketWrite::new(tx.conn, tx.now, caller, access, ticket, action);
    // A job acts on the row it just locked: there is no older read to guard against.
    let versioned = C::NEEDS_VERSION && caller.is_some();
    // A write without If-Match is refused (428) before anything is said of the ticket's state.
    if versioned && target.if_match.is_none() {
        check_version(&w.ticket, None)?;
    }
    change.authorise(&w)?;
    if versioned {
        check_version(&w.ticket, target.if_match)?;
    }
    let reply = change.apply(&mut w)?;
    w.save()?;
    // The notices of what this write journaled commit (or roll back) with it.
    if notifies {
        outbox::enqueue(w.conn, &w.ticket, &w.written, w.now)?;
    }
    Ok(reply)
}

/// Runs a change for `caller`, once per `Idempotency-Key` when one is given (`status` is
/// the HTTP status its answer is recorded with).
pub async fn change<C: TicketChange>(
    state: &AppState,
    caller: &Caller,
    target: Target,
    key: Option<IdempotentRequest>,
    status: u16,
    change: C,
) -> Result<Keyed<C::Reply>, AppError> {
    let ttl = idempotency_ttl(state);
    unit_of_work::write(state, caller, move |tx, caller| {
        let written = idempotency::once(tx, key.as_ref(), ttl, status, |tx| {
            change_in(tx, caller, &target, change)
        })?;
        let (reference, by) = (target.reference, caller.label().to_owned());
        tx.after_commit(move || tracing::info!(%reference, %by, "ticket written"));
        Ok(written)
    })
    .await
}

/// Runs a change for `caller` inside a transaction already open (the demo generator).
pub fn change_in<C: TicketChange>(
    tx: &mut Tx,
    caller: &Caller,
    target: &Target,
    change: C,
) -> Result<C::Reply, AppError> {
    run(tx, Some(caller), target, change)
}

/// Runs a change of the system's own (a scheduled job) inside the job's transaction.
pub fn change_as_system<C: TicketChange>(
    tx: &mut Tx,
    reference: &str,
    change: C,
) -> Result<C::Reply, AppError> {
    let target = Target {
        reference: reference.to_owned(),
        if_match: None,
    };
    run(tx, None, &target, change)
}

/// How long an `Idempotency-Key` holds.
pub fn idempotency_ttl(state: &AppState) -> Duration {
    Duration::hours(state.settings.idempotency_key_hours)
}
