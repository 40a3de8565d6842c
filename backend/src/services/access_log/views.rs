use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::ticket_read::{Channel, ReadPart};

/// One read of a ticket: who, which part, when, from where.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessLogEntry {
    pub id: i64,
    pub read_at: DateTime<Utc>,
    /// The ticket's reference.
    pub ticket: String,
    pub part: ReadPart,
    /// The attachment whose contents were read (`part` = `attachment`).
    pub attachment_id: Option<i64>,
    /// The reader's email when a user read (`null` once the person has been erased).
    pub user: Option<String>,
    pub user_id: Option<i64>,
    /// The client id when a service account read.
    pub service_account: Option<String>,
    pub channel: Channel,
    /// The client address of the request.
    pub client_address: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessLogPage {
    pub items: Vec<AccessLogEntry>,
    pub next_cursor: Option<String>,
}
