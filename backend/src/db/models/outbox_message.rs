use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::outbox;
use crate::db::text_columns::Json;
use crate::domain::notifications::{Notice, OutboxState};

/// One message to one recipient, as the outbox holds it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = outbox)]
pub struct OutboxMessage {
    pub id: i64,
    pub ticket_id: Option<i64>,
    pub event_id: Option<i64>,
    pub notice: Notice,
    pub recipient_user_id: Option<i64>,
    pub recipient_email: String,
    pub payload: Json<serde_json::Value>,
    pub state: OutboxState,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub leased_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

/// Absent identifiers are written as NULL (the columns' default) rather than DEFAULT, so
/// that a write's messages go in one multi-row statement on SQLite too.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewOutboxMessage {
    pub ticket_id: Option<i64>,
    pub event_id: Option<i64>,
    pub notice: Notice,
    pub recipient_user_id: Option<i64>,
    pub recipient_email: String,
    pub payload: Json<serde_json::Value>,
    pub state: OutboxState,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}
