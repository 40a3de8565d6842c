//! Readiness: the database answers and every migration is applied.

use crate::db::{migrations, DbConn};
use crate::error::AppError;

pub fn readiness(conn: &mut DbConn) -> Result<&'static str, AppError> {
    let pending = migrations::has_pending(conn).map_err(|e| AppError::Unavailable {
        code: "database_unavailable",
        detail: format!("Lecture des migrations impossible : {e}"),
    })?;
    if pending {
        return Err(AppError::Unavailable {
            code: "migrations_pending",
            detail: "Des migrations ne sont pas appliquées (lancez `guichet migrate`)".into(),
        });
    }
    Ok(conn.backend_name())
}
