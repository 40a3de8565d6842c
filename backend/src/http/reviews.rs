//! Incident reviews and their improvement actions.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::authenticated::Authenticated;
use super::json::ApiJson;
use super::negotiation::accepts;
use super::params;
use crate::error::{AppError, Problem};
use crate::services::reviews::actions::{
    self, ImprovementActionRequest, ImprovementActionStatusRequest,
};
use crate::services::reviews::create::{self, ReviewRequest};
use crate::services::reviews::read::{self, Format};
use crate::services::reviews::status::{self, ReviewStatusRequest};
use crate::services::reviews::views::{ImprovementActionView, ReviewSummary, ReviewView};
use crate::services::views::Items;
use crate::state::AppState;

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReviewFilter {
    /// Territory code; by default every territory the caller reads.
    pub territory: Option<String>,
}

/// The reviews of the territories the caller reads (steering users and admins), latest
/// period first.
#[utoipa::path(tag = "reviews", security(("bearer" = [])), params(ReviewFilter), responses(
    (status = 200, body = Items<ReviewSummary>),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[get("/reviews")]
pub async fn list_reviews(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<ReviewFilter>,
) -> Result<HttpResponse, AppError> {
    let territory = params::text(query.into_inner().territory);
    Ok(HttpResponse::Ok().json(read::list(&state, &caller.0, territory).await?))
}

/// Prepares a review of a territory over a period (its admins): a draft whose figures,
/// major incidents and availability are counted at each reading until it is published.
#[utoipa::path(tag = "reviews", security(("bearer" = [])), request_body = ReviewRequest, responses(
    (status = 201, body = ReviewView),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[post("/reviews")]
pub async fn create_review(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: ApiJson<ReviewRequest>,
) -> Result<HttpResponse, AppError> {
    let review = create::create(&state, &caller.0, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(review))
}

/// A review whole: its figures, availability and major incidents (frozen once published),
/// its participants and its improvement actions, with the open ones of earlier reviews. With
/// `Accept: text/html`, the printable page in French with its charts (inline SVG); with
/// `Accept: text/csv`, its figures as one semicolon-separated table.
#[utoipa::path(tag = "reviews", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, description = "The review", content((ReviewView = "application/json"), (String = "text/html"), (String = "text/csv"))),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
))]
#[get("/reviews/{id}")]
pub async fn get_review(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (format, media) = if accepts(&request, "text/html") {
        (Format::Html, "text/html; charset=utf-8")
    } else if accepts(&request, "text/csv") {
        (Format::Csv, "text/csv; charset=utf-8")
    } else {
        return Ok(HttpResponse::Ok().json(read::get(&state, &caller.0, id).await?));
    };
    let body = read::rendered(&state, &caller.0, id, format).await?;
    Ok(HttpResponse::Ok().content_type(media).body(body))
}

/// Moves a review on: `held` after the meeting, then `published`, which freezes its content.
#[utoipa::path(tag = "reviews", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ReviewStatusRequest, responses(
    (status = 200, body = ReviewView),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 409, description = "`invalid_transition`", body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[post("/reviews/{id}/status")]
pub async fn change_review_status(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<i64>,
    body: ApiJson<ReviewStatusRequest>,
) -> Result<HttpResponse, AppError> {
    let review = status::change(&state, &caller.0, id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(review))
}

/// Records an improvement action decided by a review: it stays on the territory's
/// following reviews until done or dropped.
#[utoipa::path(tag = "reviews", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ImprovementActionRequest, responses(
    (status = 201, body = ImprovementActionView),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[post("/reviews/{id}/actions")]
pub async fn add_action(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<i64>,
    body: ApiJson<ImprovementActionRequest>,
) -> Result<HttpResponse, AppError> {
    let action = actions::add(&state, &caller.0, id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(action))
}

/// Follows an improvement action: `open`, `in_progress`, then `done` or `dropped`.
#[utoipa::path(tag = "reviews", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ImprovementActionStatusRequest, responses(
    (status = 200, body = ImprovementActionView),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 409, description = "`invalid_transition`", body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[post("/improvement-actions/{id}/status")]
pub async fn change_action_status(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<i64>,
    body: ApiJson<ImprovementActionStatusRequest>,
) -> Result<HttpResponse, AppError> {
    let action = actions::change(&state, &caller.0, id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(action))
}
