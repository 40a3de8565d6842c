//! `/chiffres`: the service figures of the caller's scope (a steering member's or an admin's
//! territory, an agent's organisation) over a period — the same figures as the API's
//! `/stats`, as one table, and as a CSV file for a spreadsheet.

use actix_web::http::{header, StatusCode};
use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::render::{page, Frame};
use super::session::{SignedIn, WebError};
use crate::domain::french;
use crate::error::AppError;
use crate::http::stats::bound;
use crate::services::stats::views::Figures;
use crate::services::stats::{self, csv, FiguresRequest};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    /// First day (AAAA-MM-JJ).
    #[serde(default)]
    du: Option<String>,
    /// Day after the last (AAAA-MM-JJ).
    #[serde(default)]
    au: Option<String>,
}

fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

async fn read(
    state: &AppState,
    signed_in: &SignedIn,
    query: &PeriodQuery,
) -> Result<Figures, AppError> {
    let request = FiguresRequest {
        scope: None,
        from: bound("du", given(&query.du))?,
        to: bound("au", given(&query.au))?,
    };
    stats::figures(state, &signed_in.session.caller, request).await
}

/// `GET /chiffres[?du=…&au=…]`.
#[get("/chiffres")]
pub async fn show(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, WebError> {
    let query = query.into_inner();
    let frame = Frame::signed_in(
        &signed_in.session,
        state.settings.web_state_brand,
        "chiffres",
        "Chiffres du service",
    );
    let figures = match read(&state, &signed_in, &query).await {
        Ok(figures) => figures,
        Err(AppError::Invalid { errors, detail, .. }) => {
            let message = errors.first().map_or(detail, |e| e.message.clone());
            return Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "figures",
                &frame,
                json!({ "error": message, "du": query.du, "au": query.au }),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let zone = chrono_tz::Europe::Paris;
    let last = figures.period.to - chrono::Duration::seconds(1);
    let rows: Vec<_> = csv::rows(&figures)
        .into_iter()
        .map(|[table, key, label, measure, value]| {
            json!({ "table": table, "label": if label.is_empty() { key } else { label },
                    "measure": measure, "value": value })
        })
        .collect();
    let csv_query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("du", given(&query.du).unwrap_or_default())
        .append_pair("au", given(&query.au).unwrap_or_default())
        .finish();
    Ok(page(
        StatusCode::OK,
        "figures",
        &frame,
        json!({
            "scope": figures.scope.name,
            "from": french::date(figures.period.from.with_timezone(&zone).date_naive()),
            "to": french::date(last.with_timezone(&zone).date_naive()),
            "du": query.du,
            "au": query.au,
            "rows": rows,
            "download": csv_query,
        }),
    ))
}

/// `GET /chiffres.csv[?du=…&au=…]`: the same figures, as a file.
#[get("/chiffres.csv")]
pub async fn download(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    query: web::Query<PeriodQuery>,
) -> Result<HttpResponse, WebError> {
    let figures = read(&state, &signed_in, &query.into_inner()).await?;
    let body = csv::render(&figures).map_err(|e| AppError::Internal(format!("CSV: {e}")))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"chiffres-guichet.csv\"",
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}
