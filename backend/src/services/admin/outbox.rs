//! The outbox seen by admins: the notifications of their territories' tickets, dead letters
//! first of all, and putting a dead letter back in line.

use super::views::{OutboxMessageView, OutboxPage};
use super::{require_admin, territory_filter};
use crate::db::models::OutboxMessage;
use crate::db::repo::{outbox, tickets};
use crate::domain::notifications::OutboxState;
use crate::error::AppError;
use crate::services::audit::{self, Actor, Event, Outcome};
use crate::services::caller::Caller;
use crate::services::cursor;
use crate::services::unit_of_work;
use crate::state::AppState;

fn view(message: OutboxMessage) -> OutboxMessageView {
    OutboxMessageView {
        id: message.id,
        ticket: message.payload.0["reference"].as_str().map(str::to_owned),
        notice: message.notice,
        recipient: message.recipient_email,
        state: message.state,
        attempts: message.attempts,
        next_attempt_at: message.next_attempt_at.and_utc(),
        last_error: message.last_error,
        created_at: message.created_at.and_utc(),
        sent_at: message.sent_at.map(|t| t.and_utc()),
    }
}

/// Newest first, of one state if asked.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    filter: Option<OutboxState>,
    limit: i64,
    cursor: Option<String>,
) -> Result<OutboxPage, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let scope = require_admin(caller, "lire les notifications")?;
        let before = cursor.as_deref().map(cursor::decode_id).transpose()?;
        let territories = territory_filter(&scope);
        let rows = outbox::list(tx.conn, filter, territories.as_deref(), before, limit + 1)?;
        let (rows, next_cursor) = cursor::page(rows, limit, |m| m.id.to_string());
        Ok(OutboxPage {
            items: rows.into_iter().map(view).collect(),
            next_cursor,
        })
    })
    .await
}

/// Puts a dead letter back in line (409 `not_dead` for any other); 404 outside the admin's
/// territories.
pub async fn retry(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<OutboxMessageView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        require_admin(caller, "relancer une notification")?;
        let missing = || AppError::not_found(format!("Aucune notification {id}"));
        let message = outbox::find(tx.conn, id)?.ok_or_else(missing)?;
        let territory = match message.ticket_id {
            Some(ticket) => tickets::find(tx.conn, ticket)?.map(|t| t.territory_code),
            None => None,
        };
        if !caller.administers(territory.as_deref()) {
            return Err(missing());
        }
        // The update only takes a dead row: of concurrent retries, one wins, the others are
        // told it is no longer dead.
        if outbox::retry(tx.conn, id, tx.now.naive_utc())? == 0 {
            let now = outbox::find(tx.conn, id)?.ok_or_else(missing)?;
            return Err(AppError::Conflict {
                code: "not_dead",
                detail: format!(
                    "La notification {id} est « {} » : seule une notification en échec se relance",
                    now.state
                ),
            });
        }
        let event = Event::new("notification_retried", Outcome::Success, Actor::of(caller))
            .territory(territory.as_deref())
            .target(format!("outbox:{id}"));
        audit::record(tx.conn, event, tx.now)?;
        Ok(view(outbox::find(tx.conn, id)?.ok_or_else(missing)?))
    })
    .await
}
