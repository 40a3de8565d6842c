//! `POST /reviews/{id}/status`: a review is held, then published; publishing freezes its
//! content.

use serde::Deserialize;
use utoipa::ToSchema;

use super::read::view;
use super::views::ReviewView;
use super::{content, writable};
use crate::db::repo::reviews;
use crate::domain::review::ReviewStatus;
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::unit_of_work;
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "status": "held" }))]
pub struct ReviewStatusRequest {
    /// `held` (after the meeting), then `published`.
    pub status: ReviewStatus,
}

pub async fn change(
    state: &AppState,
    caller: &Caller,
    id: i64,
    request: ReviewStatusRequest,
) -> Result<ReviewView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        let review = writable(tx.conn, caller, id)?;
        let next = request.status;
        let moved = || AppError::Conflict {
            code: "invalid_transition",
            detail: format!(
                "La revue est {} : elle ne peut passer à {} (brouillon → tenue → publiée)",
                review.status.as_str(),
                next.as_str()
            ),
        };
        if !review.status.can_become(next) {
            return Err(moved());
        }
        let snapshot = match next {
            ReviewStatus::Published => Some(
                serde_json::to_string(&content::compute(tx.conn, &review, tx.now)?)
                    .map_err(|e| AppError::Internal(format!("review snapshot: {e}")))?,
            ),
            _ => None,
        };
        // Conditional on the status read: of concurrent changes, one wins.
        let changed = reviews::change_status(
            tx.conn,
            id,
            review.status,
            next,
            tx.now.naive_utc(),
            snapshot,
        )?;
        if changed == 0 {
            return Err(moved());
        }
        let review = reviews::find(tx.conn, id)?.ok_or_else(|| super::unknown_review(id))?;
        view(tx.conn, review, tx.now)
    })
    .await
}
