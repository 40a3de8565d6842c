//! A ticket's page: what it is, its journal (internal events marked, and only for those who
//! may see them), and the forms of what the person may do now. Every form carries the
//! version it was read at and a key of its own: a stale form shows the ticket as it is now
//! instead of overwriting it, and a form sent twice changes the ticket once.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::render::{page, Frame};
use super::session::{SignedIn, WebError};
use crate::auth::secrets;
use crate::domain::french;
use crate::domain::journal::Visibility;
use crate::domain::role::Role;
use crate::domain::ticket_lifecycle::{PendingReason, TicketAction};
use crate::error::AppError;
use crate::services::idempotency::IdempotentRequest;
use crate::services::reference::list_categories;
use crate::services::tickets::actions::{ActionRequest, CommentRequest};
use crate::services::tickets::chain_moves::chain_moves;
use crate::services::tickets::pipeline::{self, Target, TicketChange};
use crate::services::tickets::read;
use crate::services::tickets::views::{EventView, TicketView};
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

/// What went wrong with a form, shown above the ticket as it is now.
#[derive(Debug, Clone, Serialize)]
struct Notice {
    title: &'static str,
    message: String,
}

fn ticket_page(
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    ticket: &TicketView,
    events: &[EventView],
    notice: Option<Notice>,
    chain: Value,
) -> HttpResponse {
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
            })
        })
        .collect();
    let reasons: Vec<Value> = PendingReason::ALL
        .iter()
        .map(|r| json!({ "value": r.as_str(), "label": pending_label(*r) }))
        .collect();
    let caller = &signed_in.session.caller;
    let agent = caller.grants.iter().any(|g| g.role != Role::Correspondent);
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
            "category": ticket.category,
            "queue": ticket.current_queue.name,
            "assignee": ticket.assignee,
            "opened": french::date_time(ticket.created_at, zone),
            "resolution": ticket.resolution,
            "version": ticket.version,
            "key": secrets::random_token(),
            "actions": actions,
            "reasons": reasons,
            "agent": agent,
            "events": events.iter().map(|e| event(e, zone)).collect::<Vec<_>>(),
            "notice": notice,
            "chain": chain,
        }),
    )
}

async fn show_ticket(
    state: &AppState,
    signed_in: &SignedIn,
    reference: String,
    status: StatusCode,
    notice: Option<Notice>,
) -> Result<HttpResponse, WebError> {
    let caller = &signed_in.session.caller;
    let ticket = read::get(state, caller, reference.clone()).await?;
    let events = read::events(state, caller, reference.clone()).await?;
    let moves = chain_moves(state, caller, reference).await?;
    let categories = if moves.qualify {
        list_categories(state).await?.items
    } else {
        Vec::new()
    };
    let chain = super::chain::forms(&ticket, &moves, categories);
    Ok(ticket_page(
        state, signed_in, status, &ticket, &events, notice, chain,
    ))
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

/// The version a form was read at; unreadable, it fails the check, as on the API.
pub fn version(raw: &str) -> Option<i32> {
    Some(raw.trim().parse().unwrap_or(-1))
}

/// What every form of the page carries.
#[derive(Debug, Deserialize)]
pub struct FormCommon {
    #[serde(default)]
    pub csrf: String,
    /// The key of this rendering of the form: sent twice, it changes the ticket once.
    #[serde(default)]
    pub key: String,
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    #[serde(flatten)]
    common: FormCommon,
    #[serde(default)]
    action: String,
    #[serde(default)]
    version: String,
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

/// Runs a change from a form, then shows the ticket: after it (303, so that reloading does
/// not send it again), or as it is now with what prevented it.
pub async fn submit<C: TicketChange>(
    state: &AppState,
    signed_in: &SignedIn,
    reference: String,
    common: &FormCommon,
    (if_match, sent): (Option<i32>, Value),
    change: C,
) -> Result<HttpResponse, WebError> {
    signed_in.check_form(&common.csrf)?;
    let caller = &signed_in.session.caller;
    let body = sent.to_string().into_bytes();
    let key = if common.key.is_empty() {
        None
    } else {
        let route = format!("WEB {reference} {}", change.action());
        Some(IdempotentRequest::new(caller, &common.key, route, &body)?)
    };
    let target = Target {
        reference: reference.clone(),
        if_match,
    };
    let notice = match pipeline::change(state, caller, target, key, 200, change).await {
        Ok(_) => {
            return Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/tickets/{reference}")))
                .finish())
        }
        Err(AppError::PreconditionFailed { .. }) => Notice {
            title: "Le ticket a changé pendant votre lecture",
            message: "Rien n'a été modifié : voici le ticket tel qu'il est maintenant. \
                      Recommencez si votre action a encore lieu d'être."
                .to_owned(),
        },
        Err(e @ (AppError::Conflict { .. } | AppError::Forbidden { .. })) => Notice {
            title: "Action impossible",
            message: e.to_string(),
        },
        Err(AppError::Invalid { errors, detail, .. }) => Notice {
            title: "Formulaire incomplet",
            message: errors
                .first()
                .map_or(detail, |f| format!("{} : {}", f.field, f.message)),
        },
        Err(e) => return Err(e.into()),
    };
    show_ticket(
        state,
        signed_in,
        reference,
        StatusCode::CONFLICT,
        Some(notice),
    )
    .await
}

/// `POST /tickets/{reference}/action`: a lifecycle action.
#[post("/tickets/{reference}/action")]
pub async fn act(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    let sent = json!({ "action": form.action, "version": form.version,
        "resolution": form.resolution, "pending_reason": form.pending_reason,
        "comment": form.comment });
    let action = form
        .action
        .parse::<TicketAction>()
        .map_err(|_| AppError::invalid_field("action", "unknown_value", "action inconnue"))?;
    let change = ActionRequest {
        action,
        pending_reason: form
            .pending_reason
            .as_deref()
            .and_then(|r| r.parse::<PendingReason>().ok()),
        resolution: form.resolution.filter(|r| !r.trim().is_empty()),
        assignee: None,
        comment: form.comment.filter(|c| !c.trim().is_empty()),
    };
    submit(
        &state,
        &signed_in,
        path.into_inner(),
        &form.common,
        (version(&form.version), sent),
        change,
    )
    .await
}

/// `POST /tickets/{reference}/commentaire`: a comment, public unless an agent marks it
/// internal.
#[post("/tickets/{reference}/commentaire")]
pub async fn comment(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    form: web::Form<CommentForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    let sent = json!({ "body": form.body, "internal": form.internal });
    let change = CommentRequest {
        body: form.body,
        visibility: Some(if form.internal.is_some() {
            Visibility::Internal
        } else {
            Visibility::Public
        }),
    };
    submit(
        &state,
        &signed_in,
        path.into_inner(),
        &form.common,
        (None, sent),
        change,
    )
    .await
}
