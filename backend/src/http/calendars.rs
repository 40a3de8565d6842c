//! Calendars: school holidays per zone and public holidays.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::authenticated::Authenticated;
use super::params;
use crate::domain::public_holidays::PublicHoliday;
use crate::domain::reference_kinds::HolidayZone;
use crate::error::{AppError, Problem};
use crate::services::calendars;
use crate::services::views::{Items, SchoolHolidayView};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SchoolHolidayParams {
    /// Only this zone's holidays.
    #[param(value_type = Option<HolidayZone>)]
    pub zone: Option<String>,
}

/// School holidays (days without classes, both ends included), by date.
#[utoipa::path(tag = "calendars", security(("bearer" = [])), params(SchoolHolidayParams), responses(
    (status = 200, body = Items<SchoolHolidayView>),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[get("/calendars/school-holidays")]
pub async fn list_school_holidays(
    state: web::Data<AppState>,
    _caller: Authenticated,
    query: web::Query<SchoolHolidayParams>,
) -> Result<HttpResponse, AppError> {
    let zone = params::vocabulary::<HolidayZone>("zone", query.zone.as_deref())?;
    let items = calendars::list_school_holidays(&state, zone).await?;
    Ok(HttpResponse::Ok().json(items))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PublicHolidayParams {
    /// The year, 1900 to 2200.
    #[param(value_type = i32, minimum = 1900, maximum = 2200)]
    pub year: Option<String>,
    /// A département code ("57"): adds the Alsace-Moselle days in 57, 67 and 68.
    pub departement: Option<String>,
}

/// Public holidays of a year, computed (Easter-based feasts included).
#[utoipa::path(tag = "calendars", security(("bearer" = [])), params(PublicHolidayParams), responses(
    (status = 200, body = Items<PublicHoliday>),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[get("/calendars/public-holidays")]
pub async fn list_public_holidays(
    _caller: Authenticated,
    query: web::Query<PublicHolidayParams>,
) -> Result<HttpResponse, AppError> {
    let year = params::integer("year", query.year.as_deref(), 1900, 2200)?
        .ok_or_else(|| AppError::invalid_field("year", "required", "l'année est requise"))?;
    let departement = params::text(query.departement.clone());
    Ok(HttpResponse::Ok().json(calendars::list_public_holidays(
        year as i32,
        departement.as_deref(),
    )))
}
