//! Personal-data breaches: declared, read by the territory's parties, decided once.

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::authenticated::Authenticated;
use super::json::ApiJson;
use super::params;
use crate::error::{AppError, Problem};
use crate::services::breaches::decision::{self, DecisionRequest};
use crate::services::breaches::declare::{self, BreachRequest};
use crate::services::breaches::read;
use crate::services::breaches::views::{BreachSummary, BreachView};
use crate::services::views::Items;
use crate::state::AppState;

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BreachFilter {
    /// Territory code; by default every territory the caller reads.
    pub territory: Option<String>,
    /// `true`: only the breaches whose decision is awaited; `false`: only the decided ones.
    #[param(value_type = Option<bool>)]
    pub waiting: Option<String>,
}

/// The breaches of the territories the caller has a part in (agents of its organisations,
/// its admins), the latest known first (200 at most).
#[utoipa::path(tag = "breaches", security(("bearer" = [])), params(BreachFilter), responses(
    (status = 200, body = Items<BreachSummary>),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[get("/breaches")]
pub async fn list_breaches(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<BreachFilter>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let waiting = params::boolean("waiting", query.waiting.as_deref())?;
    let territory = params::text(query.territory);
    Ok(HttpResponse::Ok().json(read::list(&state, &caller.0, territory, waiting).await?))
}

/// Declares a personal-data breach (an agent or an admin of the territory): the scope of the
/// people affected designates the controller that notifies the CNIL (convention art. 7), the
/// notification is due 72 hours after awareness, and the people acting for the controller
/// and every DPD of the territory are told.
#[utoipa::path(tag = "breaches", security(("bearer" = [])), request_body = BreachRequest, responses(
    (status = 201, body = BreachView),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 422, description = "`unknown_territory`, `unknown_ticket`, `in_the_future`, `unknown_academie`, `unknown_departement`, `unknown_establishment`, `field_not_allowed`", body = Problem, content_type = PROBLEM),
))]
#[post("/breaches")]
pub async fn declare_breach(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: ApiJson<BreachRequest>,
) -> Result<HttpResponse, AppError> {
    let breach = declare::declare(&state, &caller.0, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(breach))
}

/// A breach whole: its scope, its controller and why, its deadline and time left, the DPDs
/// told, the decision once recorded, and its journal.
#[utoipa::path(tag = "breaches", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = BreachView),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
))]
#[get("/breaches/{id}")]
pub async fn get_breach(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(read::get(&state, &caller.0, id.into_inner()).await?))
}

/// Records the controller's decision (its agents; for heads of establishment, the agents of
/// the schools' authority on their behalf; the territory's admins): notified to the CNIL on
/// a date with its reference, or not notified with the reason. Once: it never changes.
#[utoipa::path(tag = "breaches", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = DecisionRequest, responses(
    (status = 200, body = BreachView),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 409, description = "`already_decided`", body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[post("/breaches/{id}/decision")]
pub async fn record_decision(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<i64>,
    body: ApiJson<DecisionRequest>,
) -> Result<HttpResponse, AppError> {
    let breach = decision::record(&state, &caller.0, id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(breach))
}
