//! Changing a ticket: lifecycle actions, comments, qualification, routing and hand-offs,
//! refusals, major incidents.

use chrono::{DateTime, Utc};
use diesel::Connection;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::access::{visible_ticket, Access};
use super::journal::{record, record_by, Author, Entry, Visibility};
use super::open::text_field;
use super::read::{event_view, fresh_view};
use super::routing::{category as find_category, decide};
use super::views::{EventView, TicketView};
use super::{check_version, save};
use crate::db::models::{NewTicketHop, Queue, Ticket};
use crate::db::repo::{
    establishments, organisations, queues, role_grants, ticket_hops, tickets, users,
};
use crate::db::DbConn;
use crate::domain::priority::{priority, Level3};
use crate::domain::reference_kinds::{OrganisationKind, TicketType};
use crate::domain::role::Role;
use crate::domain::technical_file::TechnicalFile;
use crate::domain::ticket_lifecycle::{
    is_final, transition, Party, PendingReason, TicketAction, TicketStatus, TransitionError,
};
use crate::error::{AppError, FieldError};
use crate::services::audit;
use crate::services::caller::Caller;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    pub action: TicketAction,
    /// Required to suspend.
    #[serde(default)]
    pub pending_reason: Option<PendingReason>,
    /// Required to resolve.
    #[serde(default)]
    pub resolution: Option<String>,
    /// Email of the agent to assign (default: the caller).
    #[serde(default)]
    pub assignee: Option<String>,
    /// An optional public note with the action.
    #[serde(default)]
    pub comment: Option<String>,
}

fn invalid_transition(from: TicketStatus, action: TicketAction) -> AppError {
    AppError::Conflict {
        code: "invalid_transition",
        detail: format!("Action « {action} » impossible depuis le statut « {from} »"),
    }
}

/// The new status if one of the caller's parties may take the action; 409 when the action
/// does not exist from this status, 403 when it is not the caller's to take.
fn allowed(
    conn: &mut DbConn,
    caller: &Caller,
    access: &Access,
    from: TicketStatus,
    action: TicketAction,
    now: DateTime<Utc>,
) -> Result<(TicketStatus, Party), AppError> {
    let everyone = [
        Party::Requester,
        Party::Handler,
        Party::Guichet,
        Party::System,
    ];
    if everyone
        .iter()
        .all(|p| transition(from, action, *p) == Err(TransitionError::Invalid))
    {
        return Err(invalid_transition(from, action));
    }
    access
        .parties
        .iter()
        .find_map(|party| transition(from, action, *party).ok().map(|to| (to, *party)))
        .ok_or_else(|| audit::deny(conn, caller, &format!("« {action} » sur ce ticket"), now))
}

/// Marks the receiving organisation's first response on the current stay.
fn first_response(
    conn: &mut DbConn,
    ticket: &Ticket,
    party: Party,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if party == Party::Handler {
        if let Some(hop) = ticket_hops::current(conn, ticket.id)? {
            ticket_hops::first_response(conn, hop.id, now.naive_utc())?;
        }
    }
    Ok(())
}

/// An agent of the organisation holding `queue`, by email.
fn assignee(conn: &mut DbConn, queue: &Queue, email: &str) -> Result<i64, AppError> {
    let refuse = || {
        AppError::invalid_field(
            "assignee",
            "not_an_agent",
            format!("{email} n'est pas agent de cette file"),
        )
    };
    let user = users::find_by_email(conn, email)?
        .filter(|u| u.active)
        .ok_or_else(refuse)?;
    let agent = role_grants::list_for_user(conn, user.id)?
        .iter()
        .any(|g| g.organisation_id == Some(queue.organisation_id) && g.role != Role::Correspondent);
    if agent {
        Ok(user.id)
    } else {
        Err(refuse())
    }
}

/// Resolves the children of a major incident with its resolution, journaled on each.
fn resolve_children(
    conn: &mut DbConn,
    parent: &Ticket,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for mut child in tickets::children(conn, parent.id)? {
        let status: TicketStatus = child.status;
        if is_final(status) || status == TicketStatus::Resolved {
            continue;
        }
        let version = child.version;
        child.status = TicketStatus::Resolved;
        child.pending_reason = None;
        child.resolution = parent.resolution.clone();
        child.resolved_at = Some(now.naive_utc());
        let child = save(conn, child, version, now)?;
        let entry = Entry::public(
            "resolved_with_major_incident",
            json!({ "major_incident": parent.reference }),
        )
        .with_body(parent.resolution.as_deref().unwrap_or_default());
        record(conn, child.id, Author::System, entry, now)?;
    }
    Ok(())
}

/// A status change to make.
pub(crate) struct StatusChange {
    pub to: TicketStatus,
    pub action: TicketAction,
    pub pending_reason: Option<PendingReason>,
    pub resolution: Option<String>,
}

/// Moves the ticket to `change.to`, applies the bookkeeping of the status, saves and journals.
pub(crate) fn change_status(
    conn: &mut DbConn,
    caller: &Caller,
    access: &Access,
    mut ticket: Ticket,
    change: StatusChange,
    now: DateTime<Utc>,
) -> Result<Ticket, AppError> {
    let from: TicketStatus = ticket.status;
    let StatusChange {
        to,
        action,
        pending_reason,
        resolution,
    } = change;
    let version = ticket.version;
    ticket.status = to;
    ticket.pending_reason = pending_reason;
    match action {
        TicketAction::Resolve => {
            ticket.resolution = resolution.clone();
            ticket.resolved_at = Some(now.naive_utc());
        }
        TicketAction::Reopen => {
            ticket.reopen_count += 1;
            ticket.resolved_at = None;
        }
        _ => {}
    }
    let ticket = save(conn, ticket, version, now)?;
    let mut entry = Entry::public(
        "status_changed",
        json!({ "action": action, "from": from, "to": to, "pending_reason": pending_reason }),
    );
    if let Some(text) = &resolution {
        entry = entry.with_body(text);
    }
    record_by(conn, caller, access, ticket.id, entry, now)?;
    if action == TicketAction::Resolve && ticket.is_major {
        resolve_children(conn, &ticket, now)?;
    }
    Ok(ticket)
}

pub fn act(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
    if_match: Option<i32>,
    request: ActionRequest,
    now: DateTime<Utc>,
) -> Result<TicketView, AppError> {
    let (mut ticket, access) = visible_ticket(conn, caller, reference)?;
    check_version(&ticket, if_match)?;
    let from: TicketStatus = ticket.status;
    let (to, party) = allowed(conn, caller, &access, from, request.action, now)?;
    let pending_reason = match request.action {
        TicketAction::Suspend => Some(request.pending_reason.ok_or_else(|| {
            AppError::invalid_field("pending_reason", "required", "précisez qui est attendu")
        })?),
        _ => None,
    };
    let resolution = match request.action {
        TicketAction::Resolve => Some(text_field(
            "resolution",
            request.resolution.as_deref().unwrap_or_default(),
            20_000,
        )?),
        _ => None,
    };
    conn.transaction(|conn| {
        if request.action == TicketAction::Assign {
            let email = request
                .assignee
                .clone()
                .unwrap_or_else(|| caller.label().to_owned());
            ticket.assignee_id = Some(assignee(conn, &access.current_queue, &email)?);
        }
        first_response(conn, &ticket, party, now)?;
        let ticket = change_status(
            conn,
            caller,
            &access,
            ticket,
            StatusChange {
                to,
                action: request.action,
                pending_reason,
                resolution,
            },
            now,
        )?;
        if let Some(comment) = request.comment.as_deref().filter(|c| !c.trim().is_empty()) {
            let entry = Entry::public("comment", json!({})).with_body(comment);
            record_by(conn, caller, &access, ticket.id, entry, now)?;
        }
        fresh_view(conn, caller, ticket)
    })
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    pub body: String,
    /// `public` (the school sees it; the default) or `internal` (agents only).
    #[serde(default)]
    pub visibility: Option<Visibility>,
}

/// Adds a comment. Appending to the journal changes no field of the ticket: no `If-Match`.
pub fn comment(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
    request: CommentRequest,
    now: DateTime<Utc>,
) -> Result<EventView, AppError> {
    let (ticket, access) = visible_ticket(conn, caller, reference)?;
    let body = text_field("body", &request.body, 20_000)?;
    let visibility = request.visibility.unwrap_or(Visibility::Public);
    if visibility == Visibility::Internal && !access.sees_internal {
        return Err(AppError::Invalid {
            code: "field_not_allowed",
            detail: "Les notes internes sont réservées aux agents".into(),
            errors: vec![FieldError::new(
                "visibility",
                "not_allowed",
                "réservé aux agents",
            )],
        });
    }
    conn.transaction(|conn| {
        if visibility == Visibility::Public && access.is(Party::Handler) {
            first_response(conn, &ticket, Party::Handler, now)?;
        }
        let entry = Entry {
            kind: "comment",
            visibility,
            body: Some(&body),
            data: json!({}),
        };
        let event = record_by(conn, caller, &access, ticket.id, entry, now)?;
        event_view(conn, event)
    })
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QualifyRequest {
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default, rename = "type")]
    pub ticket_type: Option<TicketType>,
    #[serde(default)]
    pub impact: Option<Level3>,
    #[serde(default)]
    pub urgency: Option<Level3>,
    #[serde(default)]
    pub technical_file: Option<TechnicalFile>,
}

fn require(
    conn: &mut DbConn,
    caller: &Caller,
    access: &Access,
    parties: &[Party],
    what: &str,
    now: DateTime<Utc>,
) -> Result<Party, AppError> {
    parties
        .iter()
        .copied()
        .find(|p| access.is(*p))
        .ok_or_else(|| audit::deny(conn, caller, what, now))
}

/// The ticket the caller may change as one of `parties`: 404, 403, 428/412 and 409 (final)
/// in that order.
fn writable(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
    if_match: Option<i32>,
    parties: &[Party],
    what: &str,
    now: DateTime<Utc>,
) -> Result<(Ticket, Access, Party), AppError> {
    let (ticket, access) = visible_ticket(conn, caller, reference)?;
    let party = require(conn, caller, &access, parties, what, now)?;
    check_version(&ticket, if_match)?;
    not_final(&ticket)?;
    Ok((ticket, access, party))
}

fn not_final(ticket: &Ticket) -> Result<(), AppError> {
    let status: TicketStatus = ticket.status;
    if is_final(status) {
        return Err(AppError::Conflict {
            code: "invalid_transition",
            detail: format!("Le ticket est {status} : il ne change plus"),
        });
    }
    Ok(())
}

/// The guichet qualifies: category, type, impact, urgency (the priority follows).
pub fn qualify(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
    if_match: Option<i32>,
    request: QualifyRequest,
    now: DateTime<Utc>,
) -> Result<TicketView, AppError> {
    let (mut ticket, access, _) = writable(
        conn,
        caller,
        reference,
        if_match,
        &[Party::Guichet],
        "qualifier un ticket",
        now,
    )?;
    if let Some(code) = &request.category {
        ticket.category_code = find_category(conn, code)?.code;
    }
    if let Some(t) = request.ticket_type {
        ticket.ticket_type = t;
    }
    if let Some(i) = request.impact {
        ticket.impact = i;
    }
    if let Some(u) = request.urgency {
        ticket.urgency = u;
    }
    if let Some(update) = request.technical_file {
        ticket.technical_file.0.merge(update);
    }
    ticket.priority = i32::from(priority(ticket.impact, ticket.urgency));
    conn.transaction(|conn| {
        let version = ticket.version;
        let ticket = save(conn, ticket, version, now)?;
        let entry = Entry::internal(
            "qualified",
            json!({ "category": ticket.category_code, "type": ticket.ticket_type,
                    "impact": ticket.impact, "urgency": ticket.urgency, "priority": ticket.priority }),
        );
        record_by(conn, caller, &access, ticket.id, entry, now)?;
        fresh_view(conn, caller, ticket)
    })
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteRequest {
    /// Orient by the authority's rules.
    #[serde(default)]
    pub by_rule: bool,
    /// Or hand to this queue (code), with a reason.
    #[serde(default)]
    pub queue: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// For third-party software: the editor's own reference of the case.
    #[serde(default)]
    pub external_reference: Option<String>,
}

/// Records a stay in `to`, ending the current one.
pub(crate) fn hop(
    conn: &mut DbConn,
    ticket: &Ticket,
    to: &Queue,
    reason: &str,
    rule: Option<i64>,
    refused: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if let Some(current) = ticket_hops::current(conn, ticket.id)? {
        ticket_hops::leave(conn, current.id, now.naive_utc(), refused)?;
    }
    ticket_hops::insert(
        conn,
        &NewTicketHop {
            ticket_id: ticket.id,
            from_queue_id: Some(ticket.current_queue_id),
            to_queue_id: to.id,
            reason: reason.to_owned(),
            routing_rule_id: rule,
            entered_at: now.naive_utc(),
        },
    )?;
    Ok(())
}

/// Places the ticket in `to`: new in that queue, unassigned; the vendor keeps sight of it.
pub(crate) fn move_to(conn: &mut DbConn, ticket: &mut Ticket, to: &Queue) -> Result<(), AppError> {
    ticket.current_queue_id = to.id;
    ticket.level = to.level;
    ticket.assignee_id = None;
    ticket.status = TicketStatus::New;
    ticket.pending_reason = None;
    let organisation = organisations::find(conn, to.organisation_id)?
        .ok_or_else(|| AppError::Internal("queue without organisation".into()))?;
    if organisation.kind == OrganisationKind::Vendor {
        ticket.vendor_id = Some(organisation.id);
    }
    Ok(())
}

/// Orients (by rule or by hand) or hands off the ticket to another queue.
pub fn route(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
    if_match: Option<i32>,
    request: RouteRequest,
    now: DateTime<Utc>,
) -> Result<TicketView, AppError> {
    let (mut ticket, access, party) = writable(
        conn,
        caller,
        reference,
        if_match,
        &[Party::Guichet, Party::Handler],
        "orienter un ticket",
        now,
    )?;
    let (target, rule, why, editor) = if request.by_rule {
        let (establishment, authority, collectivite) =
            establishments::find(conn, &ticket.establishment_uai)?
                .ok_or_else(|| AppError::Internal("ticket without establishment".into()))?;
        let category = find_category(conn, &ticket.category_code)?;
        let decision = decide(
            conn,
            &establishment,
            &authority,
            &collectivite,
            &category,
            false,
        )?
        .ok_or_else(|| {
            AppError::invalid_field(
                "by_rule",
                "no_matching_rule",
                "aucune règle ne s'applique : orientez à la main",
            )
        })?;
        let rule = decision.rule.map(|r| (r.id, r.name));
        (decision.queue, rule, decision.why, decision.editor)
    } else {
        let code = request
            .queue
            .as_deref()
            .ok_or_else(|| AppError::invalid_field("queue", "required", "une file, ou by_rule"))?;
        let queue = queues::find_by_code(conn, code)?.ok_or_else(|| {
            AppError::invalid_field("queue", "unknown", format!("file {code} inconnue"))
        })?;
        let reason = text_field(
            "reason",
            request.reason.as_deref().unwrap_or_default(),
            2_000,
        )?;
        (queue, None, vec![reason], None)
    };
    if target.level > 1 {
        return Err(AppError::invalid_field(
            "queue",
            "escalation_required",
            "les niveaux 2 et 3 du titulaire se saisissent par l'escalade",
        ));
    }
    if target.id == ticket.current_queue_id && editor.is_none() {
        return Err(AppError::invalid_field(
            "queue",
            "same_queue",
            "le ticket est déjà dans cette file",
        ));
    }
    conn.transaction(|conn| {
        first_response(conn, &ticket, party, now)?;
        let reason = why.join(", ");
        if target.id != ticket.current_queue_id {
            hop(
                conn,
                &ticket,
                &target,
                &reason,
                rule.as_ref().map(|r| r.0),
                None,
                now,
            )?;
            move_to(conn, &mut ticket, &target)?;
        }
        if let Some(editor) = &editor {
            ticket.status = TicketStatus::Pending;
            ticket.pending_reason = Some(PendingReason::ThirdParty);
            ticket.third_party_editor_id = Some(editor.id);
            ticket.third_party_reference = request.external_reference.clone();
        }
        let version = ticket.version;
        let ticket = save(conn, ticket, version, now)?;
        let data = json!({
            "queue": target.code,
            "rule": rule.as_ref().map(|(id, name)| json!({ "id": id, "name": name })),
            "why": why,
            "third_party_editor": editor.as_ref().map(|e| e.code.clone()),
        });
        record_by(
            conn,
            caller,
            &access,
            ticket.id,
            Entry::internal("routed", data),
            now,
        )?;
        fresh_view(conn, caller, ticket)
    })
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefuseRequest {
    /// Why the receiving organisation refuses (required).
    pub reason: String,
}

/// The receiving organisation refuses a hand-off: the ticket goes back to the sender.
pub fn refuse(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
    if_match: Option<i32>,
    request: RefuseRequest,
    now: DateTime<Utc>,
) -> Result<TicketView, AppError> {
    let (mut ticket, access, _) = writable(
        conn,
        caller,
        reference,
        if_match,
        &[Party::Handler],
        "refuser un ticket",
        now,
    )?;
    let reason = text_field("reason", &request.reason, 2_000)?;
    // Only a hand-off can be refused: not the school's opening, not a ticket sent back by a
    // refusal.
    let hops = ticket_hops::list(conn, ticket.id)?;
    let returned = hops.len() >= 2 && hops[hops.len() - 2].refused_reason.is_some();
    let sender = hops
        .last()
        .filter(|h| h.left_at.is_none() && !returned)
        .and_then(|h| h.from_queue_id)
        .ok_or_else(|| AppError::Conflict {
            code: "nothing_to_refuse",
            detail: "Ce ticket ne vous a pas été transmis : il n'y a rien à refuser".into(),
        })?;
    let back = queues::find(conn, sender)?
        .ok_or_else(|| AppError::Internal("sender queue missing".into()))?;
    conn.transaction(|conn| {
        hop(
            conn,
            &ticket,
            &back,
            &format!("refus : {reason}"),
            None,
            Some(&reason),
            now,
        )?;
        move_to(conn, &mut ticket, &back)?;
        let version = ticket.version;
        let ticket = save(conn, ticket, version, now)?;
        let entry =
            Entry::internal("hand_off_refused", json!({ "back_to": back.code })).with_body(&reason);
        record_by(conn, caller, &access, ticket.id, entry, now)?;
        fresh_view(conn, caller, ticket)
    })
}

/// Declares the ticket a major incident.
pub fn declare_major(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
    if_match: Option<i32>,
    now: DateTime<Utc>,
) -> Result<TicketView, AppError> {
    let (mut ticket, access, _) = writable(
        conn,
        caller,
        reference,
        if_match,
        &[Party::Guichet],
        "déclarer un incident majeur",
        now,
    )?;
    if ticket.parent_id.is_some() {
        return Err(AppError::Conflict {
            code: "already_linked",
            detail: "Un ticket rattaché à un incident majeur ne peut pas en être un".into(),
        });
    }
    ticket.is_major = true;
    conn.transaction(|conn| {
        let version = ticket.version;
        let ticket = save(conn, ticket, version, now)?;
        record_by(
            conn,
            caller,
            &access,
            ticket.id,
            Entry::public("major_incident_declared", json!({})),
            now,
        )?;
        fresh_view(conn, caller, ticket)
    })
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkChild {
    /// Reference of the ticket to attach to this major incident.
    pub child: String,
}

/// Links a ticket to a major incident (If-Match is the parent's).
pub fn link_child(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
    if_match: Option<i32>,
    request: LinkChild,
    now: DateTime<Utc>,
) -> Result<TicketView, AppError> {
    let (parent, access) = visible_ticket(conn, caller, reference)?;
    require(
        conn,
        caller,
        &access,
        &[Party::Guichet],
        "rattacher un ticket",
        now,
    )?;
    check_version(&parent, if_match)?;
    if !parent.is_major {
        return Err(AppError::Conflict {
            code: "not_major",
            detail: "Déclarez d'abord le ticket incident majeur".into(),
        });
    }
    let (mut child, child_access) = visible_ticket(conn, caller, &request.child).map_err(|_| {
        AppError::invalid_field(
            "child",
            "unknown",
            format!("ticket {} introuvable", request.child),
        )
    })?;
    if child.id == parent.id || child.is_major || child.parent_id.is_some() {
        return Err(AppError::invalid_field(
            "child",
            "not_linkable",
            "ce ticket ne peut pas être rattaché",
        ));
    }
    not_final(&child)?;
    conn.transaction(|conn| {
        child.parent_id = Some(parent.id);
        let version = child.version;
        let child = save(conn, child, version, now)?;
        let author = || Author::Caller(caller, child_access.acting_organisation);
        record(
            conn,
            child.id,
            author(),
            Entry::public(
                "linked_to_major_incident",
                json!({ "major_incident": parent.reference }),
            ),
            now,
        )?;
        let version = parent.version;
        let parent = save(conn, parent, version, now)?;
        record(
            conn,
            parent.id,
            author(),
            Entry::internal("child_linked", json!({ "child": child.reference })),
            now,
        )?;
        fresh_view(conn, caller, parent)
    })
}
