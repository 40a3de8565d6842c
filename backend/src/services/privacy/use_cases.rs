//! Export and erasure as the admins ask for them (API) and as an operator runs them
//! (`guichet privacy …`): one transaction each, audited.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::erase::{self, ErasureReport};
use super::export;
use crate::db::models::User;
use crate::db::repo::users;
use crate::db::DbConn;
use crate::error::AppError;
use crate::services::admin::require_admin;
use crate::services::admin::users::user_in_scope;
use crate::services::audit::Actor;
use crate::services::caller::Caller;
use crate::services::unit_of_work;
use crate::state::AppState;

/// The domain of the addresses erased accounts are given.
const ERASED_DOMAIN: &str = "@anonyme.invalid";

fn not_yet_erased(user: User) -> Result<User, AppError> {
    if user.email.ends_with(ERASED_DOMAIN) {
        return Err(AppError::Conflict {
            code: "already_erased",
            detail: format!("L'utilisateur {} a déjà été effacé", user.id),
        });
    }
    Ok(user)
}

/// Everything held about a user of the admin's territory.
pub async fn export_user(state: &AppState, caller: &Caller, id: i64) -> Result<Value, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        require_admin(caller, "exporter les données d'une personne")?;
        let user = user_in_scope(tx.conn, caller, id)?;
        export::export(tx.conn, &user, Actor::of(caller), tx.now)
    })
    .await
}

/// Erases a user of the admin's territory (never the admin itself).
pub async fn erase_user(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<ErasureReport, AppError> {
    let data_dir = state.settings.data_dir.clone();
    let erasable = move |conn: &mut DbConn, caller: &Caller| -> Result<User, AppError> {
        require_admin(caller, "effacer une personne")?;
        let user = not_yet_erased(user_in_scope(conn, caller, id)?)?;
        if caller.user_id() == Some(user.id) {
            return Err(AppError::Conflict {
                code: "erasing_oneself",
                detail: "Un administrateur ne peut pas s'effacer lui-même".into(),
            });
        }
        Ok(user)
    };
    let plan = unit_of_work::read(state, caller, move |tx, caller| {
        let user = erasable(tx.conn, caller)?;
        erase::plan(tx.conn, &user)
    })
    .await?;
    unit_of_work::write(state, caller, move |tx, caller| {
        let user = erasable(tx.conn, caller)?;
        erase::erase(tx.conn, &data_dir, &user, &plan, Actor::of(caller), tx.now)
    })
    .await
}

/// Who the command line acts as in the audit log.
fn operator() -> Actor {
    Actor::anonymous(Some("guichet privacy (ligne de commande)"), "local")
}

fn by_email(conn: &mut DbConn, email: &str) -> Result<User, AppError> {
    users::find_by_email(conn, &email.trim().to_lowercase())?
        .ok_or_else(|| AppError::not_found(format!("Aucun utilisateur {email}")))
}

/// `guichet privacy export --user EMAIL`.
pub fn export_by_email(
    conn: &mut DbConn,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Value, AppError> {
    conn.write_transaction(|conn| {
        let user = by_email(conn, email)?;
        export::export(conn, &user, operator(), now)
    })
}

/// `guichet privacy erase --user EMAIL`.
pub fn erase_by_email(
    conn: &mut DbConn,
    data_dir: &Path,
    email: &str,
    now: DateTime<Utc>,
) -> Result<ErasureReport, AppError> {
    let user = not_yet_erased(by_email(conn, email)?)?;
    let plan = erase::plan(conn, &user)?;
    conn.write_transaction(|conn| {
        let user = not_yet_erased(by_email(conn, email)?)?;
        erase::erase(conn, data_dir, &user, &plan, operator(), now)
    })
}
