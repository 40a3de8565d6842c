//! Readiness: the database answers and every migration is applied.

use crate::db::migrations;
use crate::error::AppError;
use crate::services::unit_of_work;
use crate::state::AppState;

pub async fn readiness(state: &AppState) -> Result<&'static str, AppError> {
    unit_of_work::read_anonymous(state, move |tx| {
        let conn = &mut *tx.conn;
        let pending = migrations::has_pending(conn).map_err(|e| {
            AppError::unavailable(format!("Lecture des migrations impossible : {e}"), 5)
        })?;
        if pending {
            return Err(AppError::Unavailable {
                code: "migrations_pending",
                detail: "Des migrations ne sont pas appliquées (lancez `guichet migrate`)".into(),
                retry_after_secs: 60,
            });
        }
        Ok(conn.backend_name())
    })
    .await
}
