//! A ticket's page: what it is, its journal (internal events marked, and only for those who
//! may see them), and the forms of what the person may do now. Every form carries the
//! version it was read at and a key of its own: a stale form shows the ticket as it is now
//! instead of overwriting it, and a form sent twice changes the ticket once.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpResponse};
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};

use super::forms::{self, FormCommon, Notice};
use super::render::{page, Frame};
use super::session::{SignedIn, WebError};
use super::technical_fields::Filled;
use crate::auth::secrets;
use crate::domain::french;
use crate::domain::journal::Visibility;
use crate::domain::role::Role;
use crate::domain::ticket_lifecycle::{PendingReason, TicketAction};
use crate::error::AppError;
use crate::services::idempotency::IdempotentRequest;
use crate::services::tickets::actions::{ActionRequest, CommentRequest};
use crate::services::tickets::page::{ticket_page, TicketPage};
use crate::services::tickets::pipeline::{self, Target, TicketChange};
use crate::services::tickets::views::{EventView, HopView};
use crate::state::AppState;

fn action_label(action: TicketAction) -> &'static str {
    match action {
        TicketAction::Assign => "Prendre en charge",
        TicketAction::Start => "Commencer le traitement",
        TicketAction::Suspend => "Mettre en attente",
        TicketAction::Resume => "Reprendre",
        TicketAction::Resolve => "Résoudre",
        TicketAction::Close => "Confirmer la résolution",
        TicketAction::Reopen => "Rouvrir",
        TicketAction::Cancel => "Annuler le ticket",
    }
}

fn pending_label(reason: PendingReason) -> &'static str {
    match reason {
        PendingReason::Requester => "L'établissement (demandeur)",
        PendingReason::ThirdParty => "Un tiers",
        PendingReason::VendorInfo => "Une information demandée par le titulaire",
    }
}

fn event(e: &EventView, zone: chrono_tz::Tz) -> Value {
    json!({
        "when": french::date_time(e.occurred_at, zone),
        "kind": french::event_kind(&e.kind),
        "actor": e.actor,
        "internal": e.visibility == Visibility::Internal,
        "body": e.body,
    })
}

fn hop(h: &HopView, zone: chrono_tz::Tz) -> Value {
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| french::date_time(t, zone));
    json!({
        "from": h.from_queue,
        "to": h.to_queue,
        "reason": h.reason,
        "entered": french::date_time(h.entered_at, zone),
        "first_response": when(h.first_response_at),
        "left": when(h.left_at),
        "refused": h.refused_reason,
    })
}

/// The page of a ticket as read, with what went wrong with a form (and its fields).
pub fn render(
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    read: &TicketPage,
    notice: Option<Notice>,
) -> HttpResponse {
    render_with(
        state,
        signed_in,
        status,
        read,
        notice,
        &FormErrors::default(),
    )
}

/// What a refused form leaves on the page: its fields as sent and the errors next to them.
#[derive(Debug, Default)]
pub struct FormErrors {
    pub filled: Filled,
    pub errors: BTreeMap<String, String>,
}

pub fn render_with(
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    read: &TicketPage,
    notice: Option<Notice>,
    refused: &FormErrors,
) -> HttpResponse {
    let ticket = &read.ticket;
    let zone = chrono_tz::Europe::Paris;
    let actions: Vec<Value> = ticket
        .allowed_actions
        .iter()
        .map(|a| {
            json!({
                "action": a.as_str(),
                "label": action_label(*a),
                "needs_resolution": *a == TicketAction::Resolve,
                "needs_reason": *a == TicketAction::Suspend,
                "needs_comment": *a == TicketAction::Reopen,
            })
        })
        .collect();
    let reasons: Vec<Value> = PendingReason::ALL
        .iter()
        .map(|r| json!({ "value": r.as_str(), "label": pending_label(*r) }))
        .collect();
    let caller = &signed_in.session.caller;
    let agent = caller.grants.iter().any(|g| g.role != Role::Correspondent);
    let category = read
        .categories
        .iter()
        .find(|(code, _)| *code == ticket.category)
        .map_or(ticket.category.as_str(), |(_, label)| label.as_str());
    let frame = Frame::signed_in(
        &signed_in.session,
        state.settings.web_state_brand,
        "tickets",
        &format!("{} — {}", ticket.reference, ticket.title),
    );
    page(
        status,
        "ticket",
        &frame,
        json!({
            "reference": ticket.reference,
            "title": ticket.title,
            "description": ticket.description,
            "status": french::ticket_status(ticket.status),
            "priority": ticket.priority,
            "level": ticket.level,
            "establishment": format!("{} ({})", ticket.establishment_name, ticket.establishment),
            "category": category,
            "queue": ticket.current_queue.name,
            "assignee": ticket.assignee,
            "opened": french::date_time(ticket.created_at, zone),
            "resolution": ticket.resolution,
            "masked_for_vendor": ticket.masked_for_vendor.iter().map(|m| &m.label).collect::<Vec<_>>(),
            "major": ticket.is_major,
            "parent": ticket.parent,
            "version": ticket.version,
            "key": secrets::random_token(),
            "actions": actions,
            "reasons": reasons,
            "agent": agent,
            "attachments": read.attachments.iter().map(|a| json!({
                "id": a.id,
                "filename": a.filename,
                "size": french::size(a.size_bytes),
                "by": a.uploaded_by,
                "when": french::date_time(a.created_at, zone),
            })).collect::<Vec<_>>(),
            "events": read.events.iter().map(|e| event(e, zone)).collect::<Vec<_>>(),
            "seen": read.events.iter().map(|e| e.id).max().unwrap_or(0),
            "changes": notice.as_ref().and_then(|n| n.since).map(|since| {
                read.events.iter().filter(|e| e.id > since).map(|e| event(e, zone)).collect::<Vec<_>>()
            }),
            "hops": read.hops.as_ref().map(|hops| hops.iter().map(|h| hop(h, zone)).collect::<Vec<_>>()),
            "notice": notice,
            "chain": super::chain::forms(read, refused),
        }),
    )
}

pub async fn show_ticket(
    state: &AppState,
    signed_in: &SignedIn,
    reference: String,
    status: StatusCode,
    notice: Option<Notice>,
) -> Result<HttpResponse, WebError> {
    let read = ticket_page(state, &signed_in.session.caller, reference).await?;
    Ok(render(state, signed_in, status, &read, notice))
}

/// `GET /tickets/{reference}`.
#[get("/tickets/{reference}")]
pub async fn show(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    show_ticket(&state, &signed_in, path.into_inner(), StatusCode::OK, None).await
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    #[serde(flatten)]
    common: FormCommon,
    #[serde(default)]
    action: String,
    #[serde(default)]
    resolution: Option<String>,
    #[serde(default)]
    pending_reason: Option<String>,
    #[serde(default)]
    comment: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CommentForm {
    #[serde(flatten)]
    common: FormCommon,
    #[serde(default)]
    body: String,
    #[serde(default)]
    internal: Option<String>,
}

/// Runs a change from a form (`body`, as posted), then shows the ticket: after it (303, so
/// that reloading does not send it again), or as it is now with what prevented it.
pub async fn submit<C: TicketChange>(
    state: &AppState,
    signed_in: &SignedIn,
    reference: String,
    (common, body): (&FormCommon, &[u8]),
    change: C,
) -> Result<HttpResponse, WebError> {
    match try_submit(state, signed_in, reference.clone(), (common, body), change).await? {
        Ok(()) => Ok(after_change(&reference)),
        Err(notice) => {
            show_ticket(
                state,
                signed_in,
                reference,
                StatusCode::CONFLICT,
                Some(notice),
            )
            .await
        }
    }
}

/// The ticket's page after a change.
pub fn after_change(reference: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/tickets/{reference}")))
        .finish()
}

/// Runs a change from a form; what the person must read when it is refused.
pub async fn try_submit<C: TicketChange>(
    state: &AppState,
    signed_in: &SignedIn,
    reference: String,
    (common, body): (&FormCommon, &[u8]),
    change: C,
) -> Result<Result<(), Notice>, WebError> {
    signed_in.check_form(&common.csrf)?;
    let caller = &signed_in.session.caller;
    let key = if common.key.is_empty() {
        None
    } else {
        let route = format!("WEB {reference} {}", change.action());
        Some(IdempotentRequest::new(caller, &common.key, route, body)?)
    };
    let target = Target {
        reference,
        if_match: common.if_match(),
    };
    match pipeline::change(state, caller, target, key, 200, change).await {
        Ok(_) => Ok(Ok(())),
        Err(AppError::PreconditionFailed { .. }) => Ok(Err(Notice {
            title: "Le ticket a changé pendant votre lecture",
            message: "Rien n'a été modifié : voici le ticket tel qu'il est maintenant, et ce \
                      qui s'est passé depuis. Recommencez si votre action a encore lieu d'être."
                .to_owned(),
            fields: Vec::new(),
            since: Some(
                common
                    .seen
                    .as_deref()
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(0),
            ),
        })),
        Err(e) => Ok(Err(Notice::refusal(e)?)),
    }
}

/// `POST /tickets/{reference}/action`: a lifecycle action.
#[post("/tickets/{reference}/action")]
pub async fn act(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form: ActionForm = forms::read(&body)?;
    let action = form
        .action
        .parse::<TicketAction>()
        .map_err(|_| AppError::invalid_field("action", "unknown_value", "action inconnue"))?;
    let note = form.comment.filter(|c| !c.trim().is_empty());
    if action == TicketAction::Reopen && note.is_none() {
        // A school reopening says why: whoever takes it back reads it first.
        let refused = AppError::invalid_field(
            "comment",
            "required",
            "indiquez pourquoi le problème n'est pas résolu",
        );
        signed_in.check_form(&form.common.csrf)?;
        let notice = Some(Notice::refusal(refused)?);
        let reference = path.into_inner();
        return show_ticket(
            &state,
            &signed_in,
            reference,
            StatusCode::UNPROCESSABLE_ENTITY,
            notice,
        )
        .await;
    }
    let change = ActionRequest {
        action,
        pending_reason: form
            .pending_reason
            .as_deref()
            .and_then(|r| r.parse::<PendingReason>().ok()),
        resolution: form.resolution.filter(|r| !r.trim().is_empty()),
        assignee: None,
        comment: note,
    };
    let reference = path.into_inner();
    submit(&state, &signed_in, reference, (&form.common, &body), change).await
}

/// `POST /tickets/{reference}/commentaire`: a comment, public unless an agent marks it
/// internal.
#[post("/tickets/{reference}/commentaire")]
pub async fn comment(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form: CommentForm = forms::read(&body)?;
    let change = CommentRequest {
        body: form.body,
        visibility: Some(if form.internal.is_some() {
            Visibility::Internal
        } else {
            Visibility::Public
        }),
    };
    let reference = path.into_inner();
    submit(&state, &signed_in, reference, (&form.common, &body), change).await
}
