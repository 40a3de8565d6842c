//! What the ticket API returns.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::journal::Visibility;
use crate::domain::priority::Level3;
use crate::domain::reference_kinds::TicketType;
use crate::domain::technical_file::{EscalationJustification, TechnicalFile};
use crate::domain::ticket_lifecycle::{PendingReason, TicketAction, TicketStatus};
use crate::services::service_levels::views::{ClockView, TicketServiceLevels};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueRef {
    pub code: String,
    pub name: String,
    pub level: i32,
    /// Code of the organisation that owns the queue.
    pub organisation: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ThirdPartyView {
    /// Code of the software editor.
    pub editor: String,
    pub external_reference: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketView {
    pub reference: String,
    pub establishment: String,
    pub establishment_name: String,
    pub requester: String,
    pub title: String,
    pub description: String,
    pub category: String,
    #[serde(rename = "type")]
    pub ticket_type: TicketType,
    pub impact: Level3,
    pub urgency: Level3,
    /// 1 (critical) to 5.
    pub priority: i32,
    pub status: TicketStatus,
    pub pending_reason: Option<PendingReason>,
    pub level: i32,
    /// The level-1 authority queue accountable to the school.
    pub owner_queue: QueueRef,
    pub current_queue: QueueRef,
    pub assignee: Option<String>,
    pub technical_file: TechnicalFile,
    pub third_party: Option<ThirdPartyView>,
    pub escalation_justification: Option<EscalationJustification>,
    pub is_major: bool,
    /// Reference of the major incident this ticket is linked to.
    pub parent: Option<String>,
    pub reopen_count: i32,
    pub resolution: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The ETag to send back in `If-Match`.
    pub version: i32,
    /// What the caller may do now.
    pub allowed_actions: Vec<TicketAction>,
    /// Its service-level clocks (none for a ticket solved at level 0, or opened before
    /// service levels existed).
    pub service_levels: Option<TicketServiceLevels>,
    /// For the authority's and the other agents' eyes: the fields whose pupils' identifiers
    /// (INE), email addresses and phone numbers the vendor reads masked. Empty for the
    /// vendor, which reads them masked, and for schools.
    pub masked_for_vendor: Vec<super::protection::MaskedField>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketPage {
    pub items: Vec<TicketSummary>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketSummary {
    pub reference: String,
    pub establishment: String,
    pub title: String,
    pub category: String,
    pub priority: i32,
    pub status: TicketStatus,
    pub level: i32,
    pub current_queue: String,
    pub is_major: bool,
    /// The earliest due instant of its clocks that count.
    pub next_due_at: Option<DateTime<Utc>>,
    /// One of its clocks went past its target (as recorded).
    pub breached: bool,
    pub created_at: DateTime<Utc>,
    /// The last event the school could read (public journal).
    pub last_public_activity_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub kind: String,
    /// `public` or `internal`.
    pub visibility: Visibility,
    /// Email of a person, client id of a service account, or `guichet` for the jobs.
    pub actor: String,
    /// True when a vendor's service account wrote it through the API.
    pub by_service_account: bool,
    /// Code of the organisation the actor acted for.
    pub organisation: Option<String>,
    pub body: Option<String>,
    pub data: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HopView {
    pub from_queue: Option<String>,
    pub to_queue: String,
    pub reason: String,
    pub routing_rule: Option<i64>,
    pub entered_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub left_at: Option<DateTime<Utc>>,
    pub refused_reason: Option<String>,
    /// The organisation's own response clock on this stay.
    pub response: Option<ClockView>,
    /// The organisation's own resolution clock on this stay.
    pub resolution: Option<ClockView>,
}
