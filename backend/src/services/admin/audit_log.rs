//! Reading the security audit log: admins see their territories' events, newest first.

use super::views::{AuditEventView, AuditPage};
use super::{require_admin, territory_filter};
use crate::db::repo::audit_events;
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::cursor;
use crate::services::unit_of_work;
use crate::state::AppState;

pub async fn list(
    state: &AppState,
    caller: &Caller,
    limit: i64,
    cursor: Option<String>,
) -> Result<AuditPage, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        let scope = require_admin(caller, "lire le journal d'audit")?;
        let before = cursor.as_deref().map(cursor::decode_id).transpose()?;
        let territories = territory_filter(&scope);
        let rows = audit_events::list(conn, territories.as_deref(), before, limit + 1)?;
        let (rows, next_cursor) = cursor::page(rows, limit, |e| e.id.to_string());
        let items = rows
            .into_iter()
            .map(|e| AuditEventView {
                id: e.id,
                occurred_at: e.occurred_at.and_utc(),
                action: e.action,
                outcome: e.outcome,
                actor_user_id: e.actor_user_id,
                actor_client_id: e.actor_client_id,
                actor_label: e.actor_label,
                territory: e.territory_code,
                target: e.target,
                client_address: e.client_address,
                detail: e.detail.0,
            })
            .collect();
        Ok(AuditPage { items, next_cursor })
    })
    .await
}
