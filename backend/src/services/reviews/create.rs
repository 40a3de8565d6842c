//! `POST /reviews`: a territory admin prepares a review (a draft).

use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use utoipa::ToSchema;

use super::read::view;
use super::views::ReviewView;
use super::writes_reviews;
use crate::db::models::NewReview;
use crate::db::repo::{organisations, reviews, territories};
use crate::domain::figures::day_start;
use crate::domain::review::{Audience, ReviewStatus};
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::stats::MAX_DAYS;
use crate::services::text::text_field;
use crate::services::unit_of_work;
use crate::state::AppState;

/// A review to prepare.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "territory": "GE", "audience": "costra", "title": "Revue d'incidents de novembre 2026",
    "from": "2026-11-01", "to": "2026-12-01",
    "participants": ["ac-nancy-metz", "dep-57", "titulaire-ent-grand-est"]
}))]
pub struct ReviewRequest {
    /// Territory code.
    pub territory: String,
    pub audience: Audience,
    /// By default « Revue d'incidents du <from> au <to> ».
    pub title: Option<String>,
    /// First day of the period.
    pub from: NaiveDate,
    /// Day after the last (excluded); at most 400 days after `from`.
    pub to: NaiveDate,
    /// Codes of the organisations that take part.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub participants: Vec<String>,
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    request: ReviewRequest,
) -> Result<ReviewView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        writes_reviews(caller)?;
        let code = request.territory.to_uppercase();
        let territory = territories::find(tx.conn, &code)?
            .filter(|_| caller.administers(Some(&code)))
            .ok_or_else(|| {
                AppError::invalid_field(
                    "territory",
                    "unknown_territory",
                    format!("territoire {code} inconnu ou hors de votre administration"),
                )
            })?;
        if request.to <= request.from || request.to - request.from > Duration::days(MAX_DAYS) {
            return Err(AppError::invalid_field(
                "to",
                "out_of_range",
                format!("la période va de 1 à {MAX_DAYS} jours après `from`"),
            ));
        }
        let mut participants = Vec::new();
        for participant in &request.participants {
            let organisation = organisations::find_by_code(tx.conn, participant)?
                .filter(|o| o.territory_code.as_deref().is_none_or(|t| t == code))
                .ok_or_else(|| {
                    AppError::invalid_field(
                        "participants",
                        "unknown_organisation",
                        format!("organisation {participant} inconnue dans le territoire {code}"),
                    )
                })?;
            if !participants.contains(&organisation.id) {
                participants.push(organisation.id);
            }
        }
        let last_day = request.to.pred_opt().unwrap_or(request.to);
        let title = match &request.title {
            Some(title) => text_field("title", title, 200)?,
            None => format!(
                "Revue d'incidents du {} au {}",
                request.from.format("%d/%m/%Y"),
                last_day.format("%d/%m/%Y")
            ),
        };
        let zone = territory.zone();
        let review = reviews::insert(
            tx.conn,
            &NewReview {
                territory_code: code,
                audience: request.audience,
                title,
                period_from: day_start(request.from, zone).naive_utc(),
                period_to: day_start(request.to, zone).naive_utc(),
                status: ReviewStatus::Draft,
                created_by: caller.label().to_owned(),
                created_at: tx.now.naive_utc(),
            },
            &participants,
        )?;
        view(tx.conn, review, tx.now)
    })
    .await
}
