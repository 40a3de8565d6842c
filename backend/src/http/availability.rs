//! Availability: outage records and the figures against the commitment.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::authenticated::Authenticated;
use super::json::ApiJson;
use super::params;
use crate::error::{AppError, Problem};
use crate::services::availability::figures::{self, AvailabilityReport};
use crate::services::availability::outages::{self, OutageEnd, OutageRequest, OutageView};
use crate::services::views::Items;
use crate::state::AppState;

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// Territory code.
    pub territory: Option<String>,
    /// Start of the period (RFC 3339).
    #[param(value_type = String, format = DateTime)]
    pub from: Option<String>,
    /// End of the period, excluded (RFC 3339); at most 400 days after `from`.
    #[param(value_type = String, format = DateTime)]
    pub to: Option<String>,
}

type Period = (String, DateTime<Utc>, DateTime<Utc>);

fn period(query: PeriodParams) -> Result<Period, AppError> {
    let required = |field: &str| {
        AppError::invalid_field(
            field,
            "required",
            format!("le paramètre {field} est requis"),
        )
    };
    let territory = params::text(query.territory)
        .map(|t| t.to_uppercase())
        .ok_or_else(|| required("territory"))?;
    let from = params::instant("from", query.from.as_deref())?.ok_or_else(|| required("from"))?;
    let to = params::instant("to", query.to.as_deref())?.ok_or_else(|| required("to"))?;
    Ok((territory, from, to))
}

/// Per service, the minutes of the period in and out of the window (Monday–Friday
/// 08:00–22:00 outside school and public holidays), the minutes lost to outages (merged where
/// they overlap), the availability in each and whether it meets the territory's commitment
/// (99.7 % / 97 % in the conventions).
#[utoipa::path(tag = "availability", security(("bearer" = [])), params(PeriodParams), responses(
    (status = 200, body = AvailabilityReport),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[get("/availability")]
pub async fn availability(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<PeriodParams>,
) -> Result<HttpResponse, AppError> {
    let (territory, from, to) = period(query.into_inner())?;
    let report = figures::report(&state, &caller.0, territory, from, to).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// The outages of a territory overlapping a period.
#[utoipa::path(tag = "availability", security(("bearer" = [])), params(PeriodParams), responses(
    (status = 200, body = Items<OutageView>),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[get("/outages")]
pub async fn list_outages(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<PeriodParams>,
) -> Result<HttpResponse, AppError> {
    let (territory, from, to) = period(query.into_inner())?;
    let items = outages::list(&state, &caller.0, territory, from, to).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// Records an outage (an agent of one of the territory's authorities, or its admin).
#[utoipa::path(tag = "availability", security(("bearer" = [])), request_body = OutageRequest, responses(
    (status = 201, body = OutageView),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 422, description = "`unknown_territory`, `unknown_academie`", body = Problem, content_type = PROBLEM),
))]
#[post("/outages")]
pub async fn record_outage(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: ApiJson<OutageRequest>,
) -> Result<HttpResponse, AppError> {
    let view = outages::record(&state, &caller.0, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Ends an outage that lasts.
#[utoipa::path(tag = "availability", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = OutageEnd, responses(
    (status = 200, body = OutageView),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 409, description = "`outage_ended`", body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[post("/outages/{id}/end")]
pub async fn end_outage(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<i64>,
    body: ApiJson<OutageEnd>,
) -> Result<HttpResponse, AppError> {
    let view = outages::end(&state, &caller.0, path.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}
