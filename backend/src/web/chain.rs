//! The forms that move a ticket along the chain, on its page: the guichet qualifies it and
//! orients it (by the authority's rules, or by hand to a queue with a reason); whoever
//! received a hand-off may refuse it, with a reason.

use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::session::{SignedIn, WebError};
use super::ticket::{submit, version, FormCommon};
use crate::domain::priority::Level3;
use crate::services::tickets::actions::{QualifyRequest, RefuseRequest, RouteRequest};
use crate::services::tickets::chain_moves::ChainMoves;
use crate::services::tickets::views::TicketView;
use crate::services::views::CategoryView;
use crate::state::AppState;

fn level_label(level: Level3) -> &'static str {
    match level {
        Level3::High => "Élevé",
        Level3::Medium => "Moyen",
        Level3::Low => "Faible",
    }
}

fn levels(chosen: Level3) -> Vec<Value> {
    Level3::ALL
        .iter()
        .map(|l| json!({ "value": l.as_str(), "label": level_label(*l), "selected": *l == chosen }))
        .collect()
}

/// What the ticket's page shows of these forms.
pub fn forms(ticket: &TicketView, moves: &ChainMoves, categories: Vec<CategoryView>) -> Value {
    json!({
        "qualify": moves.qualify,
        "route": moves.route,
        "refuse": moves.refuse,
        "targets": moves.targets,
        "categories": categories.into_iter().map(|c| json!({
            "selected": c.code == ticket.category, "value": c.code, "label": c.label,
        })).collect::<Vec<_>>(),
        "impacts": levels(ticket.impact),
        "urgencies": levels(ticket.urgency),
    })
}

#[derive(Debug, Deserialize)]
pub struct QualifyForm {
    #[serde(flatten)]
    common: FormCommon,
    #[serde(default)]
    version: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    urgency: String,
}

/// `POST /tickets/{reference}/qualification`.
#[post("/tickets/{reference}/qualification")]
pub async fn qualify(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    form: web::Form<QualifyForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    let sent = json!({ "category": form.category, "impact": form.impact,
        "urgency": form.urgency, "version": form.version });
    let change = QualifyRequest {
        category: Some(form.category).filter(|c| !c.is_empty()),
        ticket_type: None,
        impact: form.impact.parse().ok(),
        urgency: form.urgency.parse().ok(),
        technical_file: None,
    };
    let target = (version(&form.version), sent);
    submit(
        &state,
        &signed_in,
        path.into_inner(),
        &form.common,
        target,
        change,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct RouteForm {
    #[serde(flatten)]
    common: FormCommon,
    #[serde(default)]
    version: String,
    /// `regle` (by the rules) or `main` (by hand).
    #[serde(default)]
    mode: String,
    #[serde(default)]
    queue: String,
    #[serde(default)]
    reason: String,
}

/// `POST /tickets/{reference}/orientation`.
#[post("/tickets/{reference}/orientation")]
pub async fn route(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    form: web::Form<RouteForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    let sent = json!({ "mode": form.mode, "queue": form.queue, "reason": form.reason,
        "version": form.version });
    let by_rule = form.mode == "regle";
    let change = RouteRequest {
        by_rule,
        queue: Some(form.queue).filter(|q| !by_rule && !q.is_empty()),
        reason: Some(form.reason).filter(|r| !by_rule && !r.trim().is_empty()),
        external_reference: None,
    };
    let target = (version(&form.version), sent);
    submit(
        &state,
        &signed_in,
        path.into_inner(),
        &form.common,
        target,
        change,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct RefuseForm {
    #[serde(flatten)]
    common: FormCommon,
    #[serde(default)]
    version: String,
    #[serde(default)]
    reason: String,
}

/// `POST /tickets/{reference}/refus`.
#[post("/tickets/{reference}/refus")]
pub async fn refuse(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    form: web::Form<RefuseForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    let sent = json!({ "reason": form.reason, "version": form.version });
    let change = RefuseRequest {
        reason: form.reason,
    };
    let target = (version(&form.version), sent);
    submit(
        &state,
        &signed_in,
        path.into_inner(),
        &form.common,
        target,
        change,
    )
    .await
}
