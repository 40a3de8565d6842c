//! `GET /reviews` and `GET /reviews/{id}`: a territory's reviews, and one whole.

use chrono::{DateTime, Utc};

use super::views::{ImprovementActionView, ReviewSummary, ReviewView};
use super::{content, readable, reads_reviews};
use crate::db::models::Review;
use crate::db::repo::{organisations, reviews};
use crate::db::DbConn;
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::stats::scope::reads_territory;
use crate::services::unit_of_work;
use crate::services::views::Items;
use crate::state::AppState;

/// The reviews of the territories the caller reads (one when `territory` is given).
pub async fn list(
    state: &AppState,
    caller: &Caller,
    territory: Option<String>,
) -> Result<Items<ReviewSummary>, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        reads_reviews(caller)?;
        let known = crate::db::repo::territories::list(tx.conn)?;
        let codes: Vec<String> = known
            .into_iter()
            .map(|t| t.code)
            .filter(|c| territory.as_ref().is_none_or(|t| t.eq_ignore_ascii_case(c)))
            .filter(|c| reads_territory(caller, c))
            .collect();
        let rows = reviews::list(tx.conn, &codes)?;
        Ok(Items {
            items: rows.iter().map(ReviewSummary::from).collect(),
        })
    })
    .await
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<ReviewView, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let review = readable(tx.conn, caller, id)?;
        view(tx.conn, review, tx.now)
    })
    .await
}

/// A review as its printable page, or its figures as CSV.
pub async fn rendered(
    state: &AppState,
    caller: &Caller,
    id: i64,
    format: Format,
) -> Result<String, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let review = readable(tx.conn, caller, id)?;
        let zone = crate::db::repo::territories::find(tx.conn, &review.territory_code)?
            .map_or(chrono_tz::Europe::Paris, |t| t.zone());
        let view = view(tx.conn, review, tx.now)?;
        match format {
            Format::Html => super::page::render(&view, zone),
            Format::Csv => {
                let content: super::views::ReviewContent = serde_json::from_value(view.content)
                    .map_err(|e| AppError::Internal(format!("review {id} content: {e}")))?;
                crate::services::stats::csv::render(&content.figures)
                    .map_err(|e| AppError::Internal(format!("CSV: {e}")))
            }
        }
    })
    .await
}

#[derive(Debug, Clone, Copy)]
pub enum Format {
    Html,
    Csv,
}

/// A review whole: its content frozen when published, counted now before.
pub fn view(conn: &mut DbConn, review: Review, now: DateTime<Utc>) -> Result<ReviewView, AppError> {
    let content = match &review.snapshot {
        Some(frozen) => serde_json::from_str(frozen)
            .map_err(|e| AppError::Internal(format!("review {} snapshot: {e}", review.id)))?,
        None => serde_json::to_value(content::compute(conn, &review, now)?)
            .map_err(|e| AppError::Internal(format!("review content: {e}")))?,
    };
    let participants = reviews::participants(conn, review.id)?
        .iter()
        .map(super::views::organisation_ref)
        .collect();
    let mut actions = Vec::new();
    for action in reviews::actions_of(conn, &review)? {
        let owner = organisations::find(conn, action.owner_id)?
            .ok_or_else(|| AppError::Internal("action without its owner".into()))?;
        let tickets = reviews::action_tickets(conn, action.id)?;
        actions.push(ImprovementActionView::new(
            &action, &owner, tickets, review.id,
        ));
    }
    Ok(ReviewView {
        summary: ReviewSummary::from(&review),
        participants,
        actions,
        content,
    })
}
