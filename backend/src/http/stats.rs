//! Service figures: `GET /api/v1/stats`, as JSON or, with `Accept: text/csv`, as CSV.

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::authenticated::Authenticated;
use super::negotiation::accepts;
use super::params;
use crate::error::{AppError, Problem};
use crate::services::stats::{self, views::Figures, Bound, FiguresRequest};
use crate::state::AppState;

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// `territory:GE`, `authority:ac-nancy-metz`, `collectivite:dep-57`,
    /// `vendor:titulaire-ent-grand-est` or `establishment:0579001Z`; by default the caller's
    /// own (a steering user's territory, an agent's organisation).
    pub scope: Option<String>,
    /// Start of the period: a day (its midnight in the territory's time zone) or an RFC 3339
    /// instant; by default the first day of the current month.
    pub from: Option<String>,
    /// End of the period, excluded, in the same forms; by default the end of today. At most
    /// 400 days after `from`.
    pub to: Option<String>,
}

pub fn bound(field: &str, value: Option<&str>) -> Result<Option<Bound>, AppError> {
    match value {
        Some(v) if v.len() == 10 => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(|d| Some(Bound::Day(d)))
            .map_err(|_| {
                AppError::invalid_field(
                    field,
                    "invalid_value",
                    format!("« {v} » : attendu un jour AAAA-MM-JJ ou un instant RFC 3339"),
                )
            }),
        other => Ok(params::instant(field, other)?.map(Bound::Instant)),
    }
}

/// The service figures of a scope over a period: tickets opened, resolved and in backlog (by
/// level, queue, category, kind of school), response and resolution times (median and 90th
/// percentile, in business minutes) for the tickets and for each organisation's stays,
/// service-level compliance per priority and per organisation, where tickets were solved,
/// escalation and reopen rates, the vendor's times, refused hand-offs and weekly series.
/// Steering users and admins read their territory's; agents their organisation's.
#[utoipa::path(tag = "stats", security(("bearer" = [])), params(StatsParams), responses(
    (status = 200, description = "The figures; with `Accept: text/csv`, one semicolon-separated table (tableau;cle;libelle;mesure;valeur)",
        content((Figures = "application/json"), (String = "text/csv"))),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[get("/stats")]
pub async fn figures(
    state: web::Data<AppState>,
    caller: Authenticated,
    request: HttpRequest,
    query: web::Query<StatsParams>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let request_figures = FiguresRequest {
        scope: params::text(query.scope),
        from: bound("from", params::text(query.from).as_deref())?,
        to: bound("to", params::text(query.to).as_deref())?,
    };
    let figures = stats::figures(&state, &caller.0, request_figures).await?;
    if accepts(&request, "text/csv") {
        let body =
            stats::csv::render(&figures).map_err(|e| AppError::Internal(format!("CSV: {e}")))?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(body));
    }
    Ok(HttpResponse::Ok().json(figures))
}
