//! Improvement actions: decided by a review (`POST /reviews/{id}/actions`), followed until
//! done or dropped (`POST /improvement-actions/{id}/status`).

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::views::ImprovementActionView;
use super::{writable, writes_reviews};
use crate::db::models::NewImprovementAction;
use crate::db::repo::{organisations, reviews, tickets};
use crate::domain::review::ActionStatus;
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::text::text_field;
use crate::services::unit_of_work;
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Superviser le commutateur du collège et alerter la collectivité",
    "owner": "dep-57", "due_on": "2027-01-15", "tickets": ["GE-2026-000001"]
}))]
pub struct ImprovementActionRequest {
    pub title: String,
    /// Code of the organisation that carries it.
    pub owner: String,
    pub due_on: NaiveDate,
    /// References of the tickets it answers (of the review's territory).
    #[serde(default)]
    #[schema(max_items = 100)]
    pub tickets: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "status": "in_progress" }))]
pub struct ImprovementActionStatusRequest {
    pub status: ActionStatus,
}

pub async fn add(
    state: &AppState,
    caller: &Caller,
    review_id: i64,
    request: ImprovementActionRequest,
) -> Result<ImprovementActionView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        let review = writable(tx.conn, caller, review_id)?;
        let title = text_field("title", &request.title, 300)?;
        let territory = review.territory_code.clone();
        let owner = organisations::find_by_code(tx.conn, &request.owner)?
            .filter(|o| o.territory_code.as_deref().is_none_or(|t| t == territory))
            .ok_or_else(|| {
                AppError::invalid_field(
                    "owner",
                    "unknown_organisation",
                    format!(
                        "organisation {} inconnue dans le territoire {territory}",
                        request.owner
                    ),
                )
            })?;
        let mut linked = Vec::new();
        for reference in &request.tickets {
            let ticket = tickets::find_by_reference(tx.conn, reference)?
                .filter(|t| t.territory_code == territory)
                .ok_or_else(|| {
                    AppError::invalid_field(
                        "tickets",
                        "unknown_ticket",
                        format!("ticket {reference} inconnu dans le territoire {territory}"),
                    )
                })?;
            if !linked.contains(&ticket.id) {
                linked.push(ticket.id);
            }
        }
        let now = tx.now.naive_utc();
        let action = reviews::insert_action(
            tx.conn,
            &NewImprovementAction {
                review_id: review.id,
                territory_code: territory,
                title,
                owner_id: owner.id,
                due_on: request.due_on,
                status: ActionStatus::Open,
                created_at: now,
                updated_at: now,
            },
            &linked,
        )?;
        let references = reviews::action_tickets(tx.conn, action.id)?;
        Ok(ImprovementActionView::new(
            &action, &owner, references, review.id,
        ))
    })
    .await
}

pub async fn change(
    state: &AppState,
    caller: &Caller,
    id: i64,
    request: ImprovementActionStatusRequest,
) -> Result<ImprovementActionView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        writes_reviews(caller)?;
        let unknown = || AppError::not_found(format!("Aucune action {id}"));
        let action = reviews::find_action(tx.conn, id)?
            .filter(|a| caller.administers(Some(&a.territory_code)))
            .ok_or_else(unknown)?;
        let next = request.status;
        let over = || AppError::Conflict {
            code: "invalid_transition",
            detail: format!(
                "L'action est {} : elle ne peut passer à {}",
                action.status.as_str(),
                next.as_str()
            ),
        };
        if !action.status.can_become(next) {
            return Err(over());
        }
        if reviews::change_action_status(tx.conn, id, action.status, next, tx.now.naive_utc())? == 0
        {
            return Err(over());
        }
        let action = reviews::find_action(tx.conn, id)?.ok_or_else(unknown)?;
        let owner = organisations::find(tx.conn, action.owner_id)?
            .ok_or_else(|| AppError::Internal("action without its owner".into()))?;
        let references = reviews::action_tickets(tx.conn, action.id)?;
        Ok(ImprovementActionView::new(
            &action,
            &owner,
            references,
            action.review_id,
        ))
    })
    .await
}
