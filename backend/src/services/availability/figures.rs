//! `GET /availability`: per service, the time of a period in and out of the window, the time
//! lost, the availability in each and whether it meets the territory's commitment.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{reads_territory, unknown_territory};
use crate::db::models::Territory;
use crate::db::repo::{outages, territories};
use crate::db::DbConn;
use crate::domain::availability::{measure, Measured, OutageService, Span};
use crate::error::AppError;
use crate::services::calendars::territory_calendar;
use crate::services::caller::Caller;
use crate::services::unit_of_work;
use crate::state::AppState;

/// The longest period a report covers.
pub const MAX_DAYS: i64 = 400;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ServiceAvailability {
    pub service: OutageService,
    /// Minutes of the period in the window (Monday–Friday 08:00–22:00 outside holidays).
    pub in_window_minutes: i64,
    pub out_of_window_minutes: i64,
    pub lost_in_window_minutes: i64,
    pub lost_out_of_window_minutes: i64,
    /// Availability in the window, percent (3 decimals).
    pub in_window_percent: f64,
    pub out_of_window_percent: f64,
    pub meets_in_window: bool,
    pub meets_out_of_window: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AvailabilityReport {
    pub territory: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The commitment in the window, percent (99.7 in the conventions).
    pub in_window_commitment_percent: f64,
    /// The commitment out of it (97).
    pub out_of_window_commitment_percent: f64,
    pub services: Vec<ServiceAvailability>,
}

fn three_decimals(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// Whether `lost` of `total` keeps a commitment of `bp` basis points (exact, in integers).
fn meets(total: i64, lost: i64, bp: i32) -> bool {
    i128::from(total - lost) * 10_000 >= i128::from(total) * i128::from(bp)
}

fn service_figures(service: OutageService, m: Measured, bp: (i32, i32)) -> ServiceAvailability {
    ServiceAvailability {
        service,
        in_window_minutes: m.in_window / 60,
        out_of_window_minutes: m.out_of_window / 60,
        lost_in_window_minutes: m.lost_in_window / 60,
        lost_out_of_window_minutes: m.lost_out_of_window / 60,
        in_window_percent: three_decimals(m.in_window_percent()),
        out_of_window_percent: three_decimals(m.out_of_window_percent()),
        meets_in_window: meets(m.in_window, m.lost_in_window, bp.0),
        meets_out_of_window: meets(m.out_of_window, m.lost_out_of_window, bp.1),
    }
}

/// The figures of `[from, to)`; an outage that lasts counts until now.
pub async fn report(
    state: &AppState,
    caller: &Caller,
    territory: String,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<AvailabilityReport, AppError> {
    if to <= from || to - from > Duration::days(MAX_DAYS) {
        return Err(AppError::invalid_field(
            "to",
            "out_of_range",
            format!("la période va de 1 seconde à {MAX_DAYS} jours après `from`"),
        ));
    }
    unit_of_work::read(state, caller, move |tx, caller| {
        let known = territories::find(tx.conn, &territory)?;
        let Some(t) = known.filter(|_| reads_territory(caller, &territory)) else {
            return Err(unknown_territory(&territory));
        };
        compute(tx.conn, t, from, to, tx.now)
    })
    .await
}

/// The figures of a territory over `[from, to)`, seen at `now`.
pub fn compute(
    conn: &mut DbConn,
    t: Territory,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<AvailabilityReport, AppError> {
    let calendar = territory_calendar(conn, &t)?;
    let rows = outages::overlapping(conn, &t.code, from.naive_utc(), to.naive_utc())?;
    let bp = (t.availability_in_window_bp, t.availability_out_of_window_bp);
    let services = OutageService::ALL
        .iter()
        .map(|service| {
            let spans: Vec<Span> = rows
                .iter()
                .filter(|o| o.service == *service)
                .map(|o| Span {
                    start: o.started_at.and_utc(),
                    end: o.ended_at.map_or(now, |e| e.and_utc()),
                })
                .collect();
            service_figures(*service, measure(&calendar, from, to, &spans), bp)
        })
        .collect();
    Ok(AvailabilityReport {
        territory: t.code,
        from,
        to,
        in_window_commitment_percent: f64::from(bp.0) / 100.0,
        out_of_window_commitment_percent: f64::from(bp.1) / 100.0,
        services,
    })
}
