//! Requests to exercise a data subject's rights: recorded by the party that received them,
//! forwarded at once to the competent controller.

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::authenticated::Authenticated;
use super::json::ApiJson;
use super::params;
use crate::error::{AppError, Problem};
use crate::services::rights_requests::read;
use crate::services::rights_requests::record::{self, RightsRequestBody};
use crate::services::rights_requests::views::RightsRequestView;
use crate::services::views::Items;
use crate::state::AppState;

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RightsRequestFilter {
    /// Territory code; by default every territory the caller reads.
    pub territory: Option<String>,
}

/// The rights requests of the territories the caller has a part in, the latest received
/// first (200 at most).
#[utoipa::path(tag = "breaches", security(("bearer" = [])), params(RightsRequestFilter), responses(
    (status = 200, body = Items<RightsRequestView>),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
))]
#[get("/rights-requests")]
pub async fn list_rights_requests(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<RightsRequestFilter>,
) -> Result<HttpResponse, AppError> {
    let territory = params::text(query.into_inner().territory);
    Ok(HttpResponse::Ok().json(read::list(&state, &caller.0, territory).await?))
}

/// Records a request to exercise a right (an agent or an admin of the territory): the scope
/// of the people concerned designates the competent controller; received by another party,
/// it is forwarded to it at once (a journal entry and a message); the answer is due one month
/// after receipt.
#[utoipa::path(tag = "breaches", security(("bearer" = [])), request_body = RightsRequestBody, responses(
    (status = 201, body = RightsRequestView),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 422, description = "`unknown_territory`, `unknown_ticket`, `in_the_future`, `unknown_academie`, `unknown_departement`, `unknown_establishment`, `field_not_allowed`", body = Problem, content_type = PROBLEM),
))]
#[post("/rights-requests")]
pub async fn record_rights_request(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: ApiJson<RightsRequestBody>,
) -> Result<HttpResponse, AppError> {
    let request = record::record(&state, &caller.0, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(request))
}

/// A rights request whole: the competent controller and why, the deadline, whether it was
/// forwarded, and its journal.
#[utoipa::path(tag = "breaches", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = RightsRequestView),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
))]
#[get("/rights-requests/{id}")]
pub async fn get_rights_request(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(read::get(&state, &caller.0, id.into_inner()).await?))
}
