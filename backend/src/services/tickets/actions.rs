//! Changing a ticket: lifecycle actions, comments, information given to whoever waits,
//! qualification, routing and hand-offs, refusals, major incidents. Each is a
//! [`TicketChange`] run by the pipeline.

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::access::Access;
use super::journal::{record, Author, Entry, Visibility};
use super::pipeline::{TicketChange, TicketWrite};
use super::read::event_view;
use super::routing::{category as find_category, decide};
use super::views::{EventView, TicketView};
use crate::db::models::{Queue, Ticket};
use crate::db::repo::{
    establishments, organisations, queues, role_grants, ticket_hops, tickets, users,
};
use crate::domain::priority::{priority, Level3};
use crate::domain::reference_kinds::TicketType;
use crate::domain::role::Role;
use crate::domain::technical_file::TechnicalFile;
use crate::domain::ticket_lifecycle::{
    is_final, transition, Party, PendingReason, TicketAction, TicketStatus, TransitionError,
};
use crate::error::{AppError, FieldError};
use crate::services::availability::outages;
use crate::services::text::text_field;

fn invalid_transition(from: TicketStatus, action: TicketAction) -> AppError {
    AppError::Conflict {
        code: "invalid_transition",
        detail: format!("Action « {action} » impossible depuis le statut « {from} »"),
    }
}

/// 409 once the ticket is closed or cancelled.
pub(crate) fn not_final(ticket: &Ticket) -> Result<(), AppError> {
    if is_final(ticket.status) {
        return Err(AppError::Conflict {
            code: "invalid_transition",
            detail: format!("Le ticket est {} : il ne change plus", ticket.status),
        });
    }
    Ok(())
}

/// 403 unless the caller is one of `parties` on this ticket.
fn require(w: &TicketWrite, parties: &[Party], what: &str) -> Result<Party, AppError> {
    parties
        .iter()
        .copied()
        .find(|p| w.access.is(*p))
        .ok_or_else(|| w.deny(what))
}

/// The party of the caller's that may take `action` now: 409 when nobody may from this
/// status, 403 when the caller may not.
fn party_for(w: &TicketWrite, action: TicketAction) -> Result<Party, AppError> {
    let (status, pending) = (w.ticket.status, w.ticket.pending_reason);
    let everyone = [
        Party::Requester,
        Party::Handler,
        Party::Guichet,
        Party::System,
    ];
    if everyone
        .iter()
        .all(|p| transition(status, pending, action, *p) == Err(TransitionError::Invalid))
    {
        return Err(invalid_transition(status, action));
    }
    w.access
        .parties
        .iter()
        .copied()
        .find(|p| transition(status, pending, action, *p).is_ok())
        .ok_or_else(|| w.deny(&format!("« {action} » sur ce ticket")))
}

/// An agent of the organisation holding `queue`, by email.
fn assignee(w: &mut TicketWrite, queue: &Queue, email: &str) -> Result<i64, AppError> {
    let refuse = || {
        AppError::invalid_field(
            "assignee",
            "not_an_agent",
            format!("{email} n'est pas agent de cette file"),
        )
    };
    let user = users::find_by_email(w.conn, email)?
        .filter(|u| u.active)
        .ok_or_else(refuse)?;
    let agent = role_grants::list_for_user(w.conn, user.id)?
        .iter()
        .any(|g| g.organisation_id == Some(queue.organisation_id) && g.role != Role::Correspondent);
    if agent {
        Ok(user.id)
    } else {
        Err(refuse())
    }
}

/// Resolves the children of a major incident with its resolution, journaled on each.
fn resolve_children(w: &mut TicketWrite) -> Result<(), AppError> {
    let parent = w.ticket.clone();
    for child in tickets::children(w.conn, parent.id)? {
        if is_final(child.status) || child.status == TicketStatus::Resolved {
            continue;
        }
        resolve_with(w, &child, &parent)?;
    }
    Ok(())
}

/// Resolves `child` with the resolution of the major incident `parent`.
fn resolve_with(w: &mut TicketWrite, child: &Ticket, parent: &Ticket) -> Result<Ticket, AppError> {
    let mut resolved = child.clone();
    resolved.status = TicketStatus::Resolved;
    resolved.pending_reason = None;
    resolved.resolution = parent.resolution.clone();
    resolved.resolved_at = Some(w.now.naive_utc());
    let system = Author::system();
    let entry = Entry::public(
        "resolved_with_major_incident",
        json!({ "major_incident": parent.reference }),
    )
    .with_body(parent.resolution.as_deref().unwrap_or_default());
    record(w.conn, child.id, &system, entry, w.now)?;
    w.save_other(child, resolved, &system)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    pub action: TicketAction,
    /// Required to suspend.
    #[serde(default)]
    pub pending_reason: Option<PendingReason>,
    /// Required to resolve.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 20000,
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub resolution: Option<String>,
    /// Email of the agent to assign (default: the caller).
    #[serde(default)]
    pub assignee: Option<String>,
    /// An optional public note with the action.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub comment: Option<String>,
}

impl TicketChange for ActionRequest {
    type Reply = TicketView;

    fn action(&self) -> &'static str {
        self.action.as_str()
    }

    fn authorise(&self, w: &TicketWrite) -> Result<(), AppError> {
        party_for(w, self.action).map(|_| ())
    }

    fn apply(self, w: &mut TicketWrite) -> Result<TicketView, AppError> {
        let party = party_for(w, self.action)?;
        let to = transition(w.ticket.status, w.ticket.pending_reason, self.action, party)
            .map_err(|_| invalid_transition(w.ticket.status, self.action))?;
        let comment = self
            .comment
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(|c| text_field("comment", c, 20_000))
            .transpose()?;
        match self.action {
            TicketAction::Suspend => {
                w.ticket.pending_reason = Some(self.pending_reason.ok_or_else(|| {
                    AppError::invalid_field(
                        "pending_reason",
                        "required",
                        "précisez qui est attendu",
                    )
                })?);
            }
            TicketAction::Resolve => {
                w.ticket.resolution = Some(text_field(
                    "resolution",
                    self.resolution.as_deref().unwrap_or_default(),
                    20_000,
                )?);
                w.ticket.resolved_at = Some(w.now.naive_utc());
                w.ticket.pending_reason = None;
            }
            TicketAction::Reopen => {
                w.ticket.reopen_count += 1;
                w.ticket.resolved_at = None;
            }
            TicketAction::Assign => {
                let email = match self.assignee.clone() {
                    Some(email) => email,
                    None => w.caller.map(|c| c.label().to_owned()).unwrap_or_default(),
                };
                let queue = w.access.current_queue.clone();
                w.ticket.assignee_id = Some(assignee(w, &queue, &email)?);
            }
            _ => {}
        }
        if party == Party::Handler {
            w.first_response()?;
        }
        w.ticket.status = to;
        if to != TicketStatus::Pending {
            w.ticket.pending_reason = None;
        }
        w.save()?;
        if self.action == TicketAction::Resolve && w.ticket.is_major {
            resolve_children(w)?;
        }
        if let Some(comment) = &comment {
            w.journal(Entry::public("comment", json!({})).with_body(comment))?;
        }
        w.view()
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    #[schema(
        min_length = 1,
        max_length = 20000,
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub body: String,
    /// `public` (the school sees it; the default) or `internal` (agents only).
    #[serde(default)]
    pub visibility: Option<Visibility>,
}

/// A comment appends to the journal and changes no field of the ticket: no `If-Match`.
impl TicketChange for CommentRequest {
    type Reply = EventView;
    const NEEDS_VERSION: bool = false;

    fn action(&self) -> &'static str {
        "comment"
    }

    fn authorise(&self, w: &TicketWrite) -> Result<(), AppError> {
        if w.access.may_comment() {
            Ok(())
        } else {
            Err(w.deny("commenter un ticket que votre organisation ne traite plus"))
        }
    }

    fn apply(self, w: &mut TicketWrite) -> Result<EventView, AppError> {
        let body = text_field("body", &self.body, 20_000)?;
        let visibility = self.visibility.unwrap_or(Visibility::Public);
        if visibility == Visibility::Internal && !w.access.may_write_internal() {
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
        if visibility == Visibility::Public && w.access.is(Party::Handler) {
            w.first_response()?;
        }
        let event = w.journal(Entry {
            kind: "comment",
            visibility,
            body: Some(&body),
            data: json!({}),
        })?;
        event_view(w.conn, event)
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InformationRequest {
    /// The information asked for.
    #[schema(
        min_length = 1,
        max_length = 20000,
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub body: String,
}

/// Whether a ticket waits for information (`None`: it waits for none), and whether from
/// `access`: the school for a wait on the requester, the owner authority for a vendor's
/// question.
pub fn waits_for(ticket: &Ticket, access: &Access) -> Option<bool> {
    if ticket.status != TicketStatus::Pending {
        return None;
    }
    match ticket.pending_reason {
        Some(PendingReason::Requester) => Some(access.is(Party::Requester)),
        Some(PendingReason::VendorInfo) => Some(access.owner_authority),
        _ => None,
    }
}

/// Gives the information a pending ticket waits for, and resumes it in the same write: the
/// school answers a wait for the requester, the owner authority a question of the vendor.
impl TicketChange for InformationRequest {
    type Reply = TicketView;

    fn action(&self) -> &'static str {
        "provide_information"
    }

    fn authorise(&self, w: &TicketWrite) -> Result<(), AppError> {
        match waits_for(&w.ticket, &w.access) {
            None => Err(AppError::Conflict {
                code: "not_waiting",
                detail: "Ce ticket n'attend pas d'information de votre part".into(),
            }),
            Some(true) => Ok(()),
            Some(false) => Err(w.deny("répondre à une attente qui ne vous est pas adressée")),
        }
    }

    fn apply(self, w: &mut TicketWrite) -> Result<TicketView, AppError> {
        let body = text_field("body", &self.body, 20_000)?;
        let visibility = match w.ticket.pending_reason {
            Some(PendingReason::VendorInfo) => Visibility::Internal,
            _ => Visibility::Public,
        };
        w.journal(Entry {
            kind: "information_provided",
            visibility,
            body: Some(&body),
            data: json!({ "waited_for": w.ticket.pending_reason }),
        })?;
        w.ticket.status = TicketStatus::InProgress;
        w.ticket.pending_reason = None;
        w.view()
    }
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

/// The guichet qualifies: category, type, impact, urgency (the priority follows).
impl TicketChange for QualifyRequest {
    type Reply = TicketView;

    fn action(&self) -> &'static str {
        "qualify"
    }

    fn authorise(&self, w: &TicketWrite) -> Result<(), AppError> {
        require(w, &[Party::Guichet], "qualifier un ticket").map(|_| ())
    }

    fn apply(self, w: &mut TicketWrite) -> Result<TicketView, AppError> {
        not_final(&w.ticket)?;
        if let Some(code) = &self.category {
            w.ticket.category_code = find_category(w.conn, code)?.code;
        }
        if let Some(t) = self.ticket_type {
            w.ticket.ticket_type = t;
        }
        if let Some(i) = self.impact {
            w.ticket.impact = i;
        }
        if let Some(u) = self.urgency {
            w.ticket.urgency = u;
        }
        if let Some(update) = self.technical_file {
            w.ticket.technical_file.0.merge(update);
        }
        w.ticket.priority = i32::from(priority(w.ticket.impact, w.ticket.urgency));
        let t = &w.ticket;
        let entry = Entry::internal(
            "qualified",
            json!({ "category": t.category_code, "type": t.ticket_type,
                    "impact": t.impact, "urgency": t.urgency, "priority": t.priority }),
        );
        w.journal(entry)?;
        w.view()
    }
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
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub reason: Option<String>,
    /// For third-party software: the editor's own reference of the case.
    #[serde(default)]
    pub external_reference: Option<String>,
}

fn unknown_queue(code: &str) -> AppError {
    AppError::invalid_field("queue", "unknown_queue", format!("file {code} inconnue"))
}

/// A queue of the ticket's own territory: another territory's queues are walls, named
/// like queues that do not exist.
fn queue_in_territory(w: &mut TicketWrite, code: &str) -> Result<Queue, AppError> {
    let queue = queues::find_by_code(w.conn, code)?.ok_or_else(|| unknown_queue(code))?;
    let organisation = organisations::find(w.conn, queue.organisation_id)?
        .ok_or_else(|| AppError::Internal("queue without organisation".into()))?;
    if organisation.territory_code.as_deref() != Some(w.ticket.territory_code.as_str()) {
        return Err(unknown_queue(code));
    }
    Ok(queue)
}

/// Orients (by rule or by hand) or hands off the ticket to another queue.
impl TicketChange for RouteRequest {
    type Reply = TicketView;

    fn action(&self) -> &'static str {
        "route"
    }

    fn authorise(&self, w: &TicketWrite) -> Result<(), AppError> {
        require(w, &[Party::Guichet, Party::Handler], "orienter un ticket").map(|_| ())
    }

    fn apply(self, w: &mut TicketWrite) -> Result<TicketView, AppError> {
        not_final(&w.ticket)?;
        let party = require(w, &[Party::Guichet, Party::Handler], "orienter un ticket")?;
        let (target, rule, why, editor) = if self.by_rule {
            let (establishment, authority, collectivite) =
                establishments::find(w.conn, &w.ticket.establishment_uai)?
                    .ok_or_else(|| AppError::Internal("ticket without establishment".into()))?;
            let category = find_category(w.conn, &w.ticket.category_code)?;
            let decision = decide(
                w.conn,
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
            let code = self.queue.as_deref().ok_or_else(|| {
                AppError::invalid_field("queue", "required", "une file, ou by_rule")
            })?;
            let reason = text_field("reason", self.reason.as_deref().unwrap_or_default(), 2_000)?;
            (queue_in_territory(w, code)?, None, vec![reason], None)
        };
        // Rules are checked when written; a target outside the territory is still a wall.
        queue_in_territory(w, &target.code)?;
        if target.level > 1 {
            return Err(AppError::invalid_field(
                "queue",
                "escalation_required",
                "les niveaux 2 et 3 du titulaire se saisissent par l'escalade",
            ));
        }
        if target.id == w.ticket.current_queue_id && editor.is_none() {
            return Err(AppError::invalid_field(
                "queue",
                "same_queue",
                "le ticket est déjà dans cette file",
            ));
        }
        if party == Party::Handler {
            w.first_response()?;
        }
        let data = json!({
            "queue": target.code,
            "rule": rule.as_ref().map(|(id, name)| json!({ "id": id, "name": name })),
            "why": why,
            "third_party_editor": editor.as_ref().map(|e| e.code.clone()),
        });
        w.journal(Entry::internal("routed", data))?;
        if target.id != w.ticket.current_queue_id {
            w.hop_to(&target, &why.join(", "), rule.as_ref().map(|r| r.0), None)?;
        }
        if let Some(editor) = &editor {
            w.ticket.status = TicketStatus::Pending;
            w.ticket.pending_reason = Some(PendingReason::ThirdParty);
            w.ticket.third_party_editor_id = Some(editor.id);
            w.ticket.third_party_reference = self.external_reference.clone();
        }
        w.view()
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefuseRequest {
    /// Why the receiving organisation refuses (required).
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub reason: String,
}

/// The receiving organisation refuses a hand-off: the ticket goes back to the sender.
impl TicketChange for RefuseRequest {
    type Reply = TicketView;

    fn action(&self) -> &'static str {
        "refuse"
    }

    fn authorise(&self, w: &TicketWrite) -> Result<(), AppError> {
        require(w, &[Party::Handler], "refuser un ticket").map(|_| ())
    }

    fn apply(self, w: &mut TicketWrite) -> Result<TicketView, AppError> {
        not_final(&w.ticket)?;
        let reason = text_field("reason", &self.reason, 2_000)?;
        // Only a hand-off can be refused: not the school's opening, not a ticket sent back
        // by a refusal.
        let hops = ticket_hops::list(w.conn, w.ticket.id)?;
        let returned = hops.len() >= 2 && hops[hops.len() - 2].refused_reason.is_some();
        let sender = hops
            .last()
            .filter(|h| h.left_at.is_none() && !returned)
            .and_then(|h| h.from_queue_id)
            .ok_or_else(|| AppError::Conflict {
                code: "nothing_to_refuse",
                detail: "Ce ticket ne vous a pas été transmis : il n'y a rien à refuser".into(),
            })?;
        let back = queues::find(w.conn, sender)?
            .ok_or_else(|| AppError::Internal("sender queue missing".into()))?;
        let entry =
            Entry::internal("hand_off_refused", json!({ "back_to": back.code })).with_body(&reason);
        w.journal(entry)?;
        w.hop_to(&back, &format!("refus : {reason}"), None, Some(&reason))?;
        w.view()
    }
}

/// Declares the ticket a major incident.
pub struct DeclareMajor;

impl TicketChange for DeclareMajor {
    type Reply = TicketView;

    fn action(&self) -> &'static str {
        "declare_major"
    }

    fn authorise(&self, w: &TicketWrite) -> Result<(), AppError> {
        require(w, &[Party::Guichet], "déclarer un incident majeur").map(|_| ())
    }

    fn apply(self, w: &mut TicketWrite) -> Result<TicketView, AppError> {
        not_final(&w.ticket)?;
        if w.ticket.parent_id.is_some() {
            return Err(AppError::Conflict {
                code: "already_linked",
                detail: "Un ticket rattaché à un incident majeur ne peut pas en être un".into(),
            });
        }
        w.ticket.is_major = true;
        // The ENT is taken as unavailable from now: the authority corrects the record if the
        // incident concerns another service or began earlier.
        let by = w.caller.map(|c| c.label().to_owned()).unwrap_or_default();
        let outage = outages::open_for_major_incident(w.conn, &w.ticket, &by, w.now)?;
        w.journal(Entry::public(
            "major_incident_declared",
            json!({ "outage": outage.id }),
        ))?;
        w.view()
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkChild {
    /// Reference of the ticket to attach to this major incident.
    pub child: String,
}

/// Links a ticket to a major incident (If-Match is the parent's). Linked to an incident
/// already resolved, the child is resolved at once with its resolution; a closed incident
/// takes no more children (409).
impl TicketChange for LinkChild {
    type Reply = TicketView;

    fn action(&self) -> &'static str {
        "link_child"
    }

    fn authorise(&self, w: &TicketWrite) -> Result<(), AppError> {
        require(w, &[Party::Guichet], "rattacher un ticket").map(|_| ())
    }

    fn apply(self, w: &mut TicketWrite) -> Result<TicketView, AppError> {
        if !w.ticket.is_major {
            return Err(AppError::Conflict {
                code: "not_major",
                detail: "Déclarez d'abord le ticket incident majeur".into(),
            });
        }
        if is_final(w.ticket.status) {
            return Err(AppError::Conflict {
                code: "major_incident_closed",
                detail: format!(
                    "L'incident majeur est {} : il ne prend plus de ticket",
                    w.ticket.status
                ),
            });
        }
        let unknown = || {
            AppError::invalid_field(
                "child",
                "unknown_ticket",
                format!("ticket {} introuvable", self.child),
            )
        };
        let (child, child_access) = w.other(&self.child).map_err(|_| unknown())?;
        if child.id == w.ticket.id || child.is_major || child.parent_id.is_some() {
            return Err(AppError::invalid_field(
                "child",
                "not_linkable",
                "ce ticket ne peut pas être rattaché",
            ));
        }
        not_final(&child)?;
        let author = match w.caller {
            Some(caller) => Author::caller(caller, child_access.acting_organisation),
            None => Author::system(),
        };
        let mut linked = child.clone();
        linked.parent_id = Some(w.ticket.id);
        let entry = Entry::public(
            "linked_to_major_incident",
            json!({ "major_incident": w.ticket.reference }),
        );
        record(w.conn, child.id, &author, entry, w.now)?;
        let linked = w.save_other(&child, linked, &author)?;
        if w.ticket.status == TicketStatus::Resolved && linked.status != TicketStatus::Resolved {
            let parent = w.ticket.clone();
            resolve_with(w, &linked, &parent)?;
        }
        w.journal(Entry::internal(
            "child_linked",
            json!({ "child": linked.reference }),
        ))?;
        // Linking changes no field of the parent but is a write to it: its version moves.
        w.touch();
        w.view()
    }
}
