//! The security audit log: append-only records of logins, refreshes, token reuse,
//! permission denials and admin changes. Written outside the use case's transaction when
//! the use case fails, so that a refusal is never rolled back with it.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::db::models::NewAuditEvent;
use crate::db::repo::audit_events;
use crate::db::text_columns::Json;
use crate::db::DbConn;
use crate::error::AppError;
use crate::services::caller::Caller;

pub use crate::domain::audit::AuditOutcome as Outcome;

/// Who acted: a known caller, or someone who only presented a name (a failed login).
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub client_id: Option<String>,
    pub label: Option<String>,
    pub address: Option<String>,
}

impl Actor {
    pub fn of(caller: &Caller) -> Self {
        Self {
            user_id: caller.user_id(),
            client_id: caller.client_id().map(str::to_owned),
            label: Some(caller.label().to_owned()),
            address: caller.address.clone(),
        }
    }

    pub fn anonymous(label: Option<&str>, address: &str) -> Self {
        Self {
            label: label.map(str::to_owned),
            address: Some(address.to_owned()),
            ..Self::default()
        }
    }
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct Event {
    pub action: &'static str,
    pub outcome: Outcome,
    pub actor: Actor,
    /// Whose admins may read it.
    pub territory: Option<String>,
    pub target: Option<String>,
    pub detail: Value,
}

impl Event {
    pub fn new(action: &'static str, outcome: Outcome, actor: Actor) -> Self {
        Self {
            action,
            outcome,
            actor,
            territory: None,
            target: None,
            detail: Value::Object(Default::default()),
        }
    }

    pub fn territory(mut self, territory: Option<&str>) -> Self {
        self.territory = territory.map(str::to_owned);
        self
    }

    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    pub fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
}

pub fn record(conn: &mut DbConn, event: Event, now: DateTime<Utc>) -> Result<(), AppError> {
    audit_events::insert(
        conn,
        &NewAuditEvent {
            occurred_at: now.naive_utc(),
            action: event.action.to_owned(),
            outcome: event.outcome,
            actor_user_id: event.actor.user_id,
            actor_client_id: event.actor.client_id,
            actor_label: event.actor.label,
            territory_code: event.territory,
            target: event.target,
            client_address: event.actor.address,
            detail: Json(event.detail),
        },
    )?;
    Ok(())
}

/// The 403 to answer when `caller` may not do `action`. The unit of work that runs the use
/// case records it in the audit log once the use case's transaction is over.
pub fn deny(action: &str) -> AppError {
    AppError::forbidden(format!("Votre rôle ne permet pas : {action}"))
}

/// Records a 403 answered to `caller`.
pub fn record_denial(
    conn: &mut DbConn,
    caller: &Caller,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let event = Event::new("permission_denied", Outcome::Denied, Actor::of(caller))
        .territory(caller.territory())
        .detail(serde_json::json!({ "refused": detail }));
    record(conn, event, now)
}
