//! The ticket's journal: every change, comment and answer is an immutable event saying who,
//! for which organisation, when and what.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::db::models::{NewTicketEvent, TicketEvent};
use crate::db::repo::ticket_events;
use crate::db::text_columns::Json;
use crate::db::DbConn;
use crate::error::AppError;
use crate::services::caller::Caller;

pub use crate::domain::journal::Visibility;

/// One entry to write.
pub struct Entry<'a> {
    pub kind: &'static str,
    pub visibility: Visibility,
    pub body: Option<&'a str>,
    pub data: Value,
}

impl<'a> Entry<'a> {
    pub fn public(kind: &'static str, data: Value) -> Self {
        Self {
            kind,
            visibility: Visibility::Public,
            body: None,
            data,
        }
    }

    pub fn internal(kind: &'static str, data: Value) -> Self {
        Self {
            kind,
            visibility: Visibility::Internal,
            body: None,
            data,
        }
    }

    pub fn with_body(mut self, body: &'a str) -> Self {
        self.body = Some(body);
        self
    }
}

/// Who writes: a caller signed by its account (for an organisation), or the system's jobs.
#[derive(Debug, Clone)]
pub struct Author {
    user_id: Option<i64>,
    client_id: Option<String>,
    label: String,
    organisation: Option<i64>,
}

impl Author {
    pub fn caller(caller: &Caller, organisation: Option<i64>) -> Self {
        Self {
            user_id: caller.user_id(),
            client_id: caller.client_id().map(str::to_owned),
            label: caller.label().to_owned(),
            organisation,
        }
    }

    pub fn system() -> Self {
        Self {
            user_id: None,
            client_id: None,
            label: "guichet".to_owned(),
            organisation: None,
        }
    }
}

pub fn record(
    conn: &mut DbConn,
    ticket_id: i64,
    author: &Author,
    entry: Entry,
    now: DateTime<Utc>,
) -> Result<TicketEvent, AppError> {
    Ok(ticket_events::insert(
        conn,
        &NewTicketEvent {
            ticket_id,
            occurred_at: now.naive_utc(),
            kind: entry.kind.to_owned(),
            visibility: entry.visibility,
            actor_user_id: author.user_id,
            actor_client_id: author.client_id.clone(),
            actor_label: author.label.clone(),
            actor_organisation_id: author.organisation,
            body: entry.body.map(str::to_owned),
            data: Json(entry.data),
        },
    )?)
}
