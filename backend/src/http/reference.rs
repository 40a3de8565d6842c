//! Reads of the reference data.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::authenticated::Authenticated;
use super::params;
use crate::domain::reference_kinds::{EstablishmentKind, OrganisationKind};
use crate::error::{AppError, Problem};
use crate::services::reference::{self, EstablishmentQuery};
use crate::services::views::*;
use crate::state::AppState;

/// The territories, each with its ENT, vendor, availability commitments and business window.
#[utoipa::path(tag = "reference", security(("bearer" = [])), responses(
    (status = 200, body = Items<TerritoryView>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
#[get("/territories")]
pub async fn list_territories(
    state: web::Data<AppState>,
    _caller: Authenticated,
) -> Result<HttpResponse, AppError> {
    let items = reference::list_territories(&state).await?;
    Ok(HttpResponse::Ok().json(items))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganisationParams {
    /// Only organisations of this kind.
    #[param(value_type = Option<OrganisationKind>)]
    pub kind: Option<String>,
    /// Only organisations of this territory (code).
    pub territory: Option<String>,
}

/// Organisations of the support chain, by code.
#[utoipa::path(tag = "reference", security(("bearer" = [])), params(OrganisationParams), responses(
    (status = 200, body = Items<OrganisationView>),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[get("/organisations")]
pub async fn list_organisations(
    state: web::Data<AppState>,
    _caller: Authenticated,
    query: web::Query<OrganisationParams>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let kind = params::vocabulary::<OrganisationKind>("kind", query.kind.as_deref())?;
    let territory = params::text(query.territory);
    let items = reference::list_organisations(&state, kind, territory).await?;
    Ok(HttpResponse::Ok().json(items))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EstablishmentParams {
    /// Code of the academic or agricultural authority.
    pub authority: Option<String>,
    /// Code of the collectivité in charge.
    pub collectivite: Option<String>,
    #[param(value_type = Option<EstablishmentKind>)]
    pub kind: Option<String>,
    /// Words of the name or the UAI; accents and case do not matter.
    pub q: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Establishments in UAI order, filtered, one page at a time.
#[utoipa::path(tag = "reference", security(("bearer" = [])), params(EstablishmentParams), responses(
    (status = 200, body = EstablishmentPage),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[get("/establishments")]
pub async fn list_establishments(
    state: web::Data<AppState>,
    _caller: Authenticated,
    query: web::Query<EstablishmentParams>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let query = EstablishmentQuery {
        kind: params::vocabulary::<EstablishmentKind>("kind", query.kind.as_deref())?,
        limit: params::page_limit(query.limit.as_deref())?,
        authority: params::text(query.authority),
        collectivite: params::text(query.collectivite),
        text: params::text(query.q),
        cursor: params::text(query.cursor),
    };
    let page = reference::list_establishments(&state, query).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One establishment by its UAI, with its authority and collectivité.
#[utoipa::path(tag = "reference", security(("bearer" = [])),
    params(("uai" = String, Path, description = "UAI: 7 digits and the check letter")),
    responses(
        (status = 200, body = EstablishmentView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a valid UAI (`invalid_uai`)", body = Problem,
            content_type = "application/problem+json"),
    ))]
#[get("/establishments/{uai}")]
pub async fn get_establishment(
    state: web::Data<AppState>,
    _caller: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let uai = reference::parse_uai(&path.into_inner())?;
    let view = reference::get_establishment(&state, uai).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Code of the organisation that owns the queues.
    pub organisation: Option<String>,
    /// Support level, 1 to 3.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 3)]
    pub level: Option<String>,
}

/// Queues of the support chain.
#[utoipa::path(tag = "reference", security(("bearer" = [])), params(QueueParams), responses(
    (status = 200, body = Items<QueueView>),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[get("/queues")]
pub async fn list_queues(
    state: web::Data<AppState>,
    _caller: Authenticated,
    query: web::Query<QueueParams>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let level = params::integer("level", query.level.as_deref(), 1, 3)?.map(|l| l as i32);
    let organisation = params::text(query.organisation);
    let items = reference::list_queues(&state, organisation, level).await?;
    Ok(HttpResponse::Ok().json(items))
}

/// The ticket category catalogue.
#[utoipa::path(tag = "reference", security(("bearer" = [])), responses(
    (status = 200, body = Items<CategoryView>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
#[get("/categories")]
pub async fn list_categories(
    state: web::Data<AppState>,
    _caller: Authenticated,
) -> Result<HttpResponse, AppError> {
    let items = reference::list_categories(&state).await?;
    Ok(HttpResponse::Ok().json(items))
}
