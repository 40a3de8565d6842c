//! Routing rules of the authorities, and the simulation.

use actix_web::{delete, get, post, put, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::authenticated::Authenticated;
use super::json::ApiJson;
use crate::error::{AppError, Problem};
use crate::services::routing_rules::{self, RuleSpec, RuleView, SimulateRequest, Simulation};
use crate::services::views::Items;
use crate::state::AppState;

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RuleParams {
    /// Code of the authority whose rules to list.
    pub authority: String,
}

/// An authority's rules by position (its territory's admins, its guichet agents).
#[utoipa::path(tag = "routing", security(("bearer" = [])), params(RuleParams), responses(
    (status = 200, body = Items<RuleView>),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
))]
#[get("/routing/rules")]
pub async fn list_rules(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<RuleParams>,
) -> Result<HttpResponse, AppError> {
    let authority = query.into_inner().authority;
    let items = routing_rules::list(&state, &caller.0, authority).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

#[utoipa::path(tag = "routing", security(("bearer" = [])), request_body = RuleSpec, responses(
    (status = 201, body = RuleView),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 409, description = "`position_taken`", body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[post("/routing/rules")]
pub async fn create_rule(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: ApiJson<RuleSpec>,
) -> Result<HttpResponse, AppError> {
    let spec = body.into_inner();
    let rule = routing_rules::create(&state, &caller.0, spec).await?;
    Ok(HttpResponse::Created().json(rule))
}

#[utoipa::path(tag = "routing", security(("bearer" = [])), params(("id" = i64, Path)), request_body = RuleSpec, responses(
    (status = 200, body = RuleView),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 409, body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[put("/routing/rules/{id}")]
pub async fn update_rule(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<i64>,
    body: ApiJson<RuleSpec>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let spec = body.into_inner();
    let rule = routing_rules::update(&state, &caller.0, id, spec).await?;
    Ok(HttpResponse::Ok().json(rule))
}

#[utoipa::path(tag = "routing", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 204, description = "Deleted"),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
))]
#[delete("/routing/rules/{id}")]
pub async fn delete_rule(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    routing_rules::delete(&state, &caller.0, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Where a ticket of this category from this school would go, by which rule and why.
#[utoipa::path(tag = "routing", security(("bearer" = [])), request_body = SimulateRequest, responses(
    (status = 200, body = Simulation),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[post("/routing/simulate")]
pub async fn simulate(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: ApiJson<SimulateRequest>,
) -> Result<HttpResponse, AppError> {
    let request = body.into_inner();
    let simulation = routing_rules::simulate(&state, &caller.0, request).await?;
    Ok(HttpResponse::Ok().json(simulation))
}
