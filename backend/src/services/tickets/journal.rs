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

/// Who writes: a caller (signed by its account), or the system's jobs.
pub enum Author<'a> {
    Caller(&'a Caller, Option<i64>),
    System,
}

/// Records an entry written by `caller` acting for the organisation `access` gives it.
pub fn record_by(
    conn: &mut DbConn,
    caller: &Caller,
    access: &super::access::Access,
    ticket_id: i64,
    entry: Entry,
    now: DateTime<Utc>,
) -> Result<TicketEvent, AppError> {
    record(
        conn,
        ticket_id,
        Author::Caller(caller, access.acting_organisation),
        entry,
        now,
    )
}

pub fn record(
    conn: &mut DbConn,
    ticket_id: i64,
    author: Author,
    entry: Entry,
    now: DateTime<Utc>,
) -> Result<TicketEvent, AppError> {
    let (user, client, label, organisation) = match author {
        Author::Caller(caller, organisation) => (
            caller.user_id(),
            caller.client_id().map(str::to_owned),
            caller.label().to_owned(),
            organisation,
        ),
        Author::System => (None, None, "guichet".to_owned(), None),
    };
    Ok(ticket_events::insert(
        conn,
        &NewTicketEvent {
            ticket_id,
            occurred_at: now.naive_utc(),
            kind: entry.kind.to_owned(),
            visibility: entry.visibility,
            actor_user_id: user,
            actor_client_id: client,
            actor_label: label,
            actor_organisation_id: organisation,
            body: entry.body.map(str::to_owned),
            data: Json(entry.data),
        },
    )?)
}
