//! Service levels: the policies of the territories.

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::authenticated::Authenticated;
use super::json::ApiJson;
use super::params;
use crate::error::{AppError, Problem};
use crate::services::service_levels::policies::{self, PolicyRequest, PolicyView};
use crate::services::views::Items;
use crate::state::AppState;

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PolicyParams {
    /// Only this territory's versions.
    pub territory: Option<String>,
}

/// Every version of the territories' service-level policies; `current` marks the one new
/// tickets are opened under.
#[utoipa::path(tag = "service-levels", security(("bearer" = [])), params(PolicyParams), responses(
    (status = 200, body = Items<PolicyView>),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[get("/service-levels/policies")]
pub async fn list_policies(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<PolicyParams>,
) -> Result<HttpResponse, AppError> {
    let territory = params::text(query.into_inner().territory).map(|t| t.to_uppercase());
    let items = policies::list(&state, &caller.0, territory).await?;
    Ok(HttpResponse::Ok().json(items))
}

/// Writes the next version of a territory's policy (its admins): tickets opened from now on
/// follow it, those already open keep theirs.
#[utoipa::path(tag = "service-levels", security(("bearer" = [])), request_body = PolicyRequest, responses(
    (status = 201, body = PolicyView),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 422, description = "`invalid_policy`, `unknown_territory`", body = Problem, content_type = PROBLEM),
))]
#[post("/service-levels/policies")]
pub async fn create_policy(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: ApiJson<PolicyRequest>,
) -> Result<HttpResponse, AppError> {
    let view = policies::create(&state, &caller.0, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(view))
}
