use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::text_columns::Json;
use crate::domain::priority::Level3;
use crate::domain::reference_kinds::TicketType;
use crate::domain::technical_file::EscalationJustification;
use crate::domain::technical_file::TechnicalFile;
use crate::domain::ticket_lifecycle::PendingReason;
use crate::domain::ticket_lifecycle::TicketStatus;

use crate::db::schema::tickets;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Insertable, AsChangeset)]
#[diesel(table_name = tickets)]
#[diesel(treat_none_as_null = true)]
pub struct Ticket {
    pub id: i64,
    pub reference: String,
    pub territory_code: String,
    pub establishment_uai: String,
    pub requester_id: i64,
    pub title: String,
    pub title_search: String,
    pub description: String,
    pub category_code: String,
    pub ticket_type: TicketType,
    pub impact: Level3,
    pub urgency: Level3,
    pub priority: i32,
    pub status: TicketStatus,
    pub pending_reason: Option<PendingReason>,
    pub level: i32,
    pub owner_queue_id: i64,
    pub current_queue_id: i64,
    pub assignee_id: Option<i64>,
    pub technical_file: Json<TechnicalFile>,
    pub third_party_editor_id: Option<i64>,
    pub third_party_reference: Option<String>,
    pub escalation_justification: Option<EscalationJustification>,
    pub vendor_id: Option<i64>,
    pub is_major: bool,
    pub parent_id: Option<i64>,
    pub reopen_count: i32,
    pub resolution: Option<String>,
    pub resolved_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    /// The service-level policy it was opened under (none before service levels existed).
    pub service_level_policy_id: Option<i64>,
    /// Kept by its clocks (`services::service_levels`), not by the writes' version.
    pub next_due_at: NaiveDateTime,
    pub breached: bool,
    /// When its retention ended and its text and people went (`None`: whole).
    pub anonymised_at: Option<NaiveDateTime>,
}

/// A ticket to insert: everything but the generated id.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = tickets)]
pub struct NewTicket {
    pub reference: String,
    pub territory_code: String,
    pub establishment_uai: String,
    pub requester_id: i64,
    pub title: String,
    pub title_search: String,
    pub description: String,
    pub category_code: String,
    pub ticket_type: TicketType,
    pub impact: Level3,
    pub urgency: Level3,
    pub priority: i32,
    pub status: TicketStatus,
    pub pending_reason: Option<PendingReason>,
    pub level: i32,
    pub owner_queue_id: i64,
    pub current_queue_id: i64,
    pub technical_file: Json<TechnicalFile>,
    pub vendor_id: Option<i64>,
    pub third_party_editor_id: Option<i64>,
    pub resolution: Option<String>,
    pub resolved_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    pub service_level_policy_id: Option<i64>,
}
