use chrono::NaiveDateTime;
use diesel::prelude::*;

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
    pub ticket_type: String,
    pub impact: String,
    pub urgency: String,
    pub priority: i32,
    pub status: String,
    pub pending_reason: Option<String>,
    pub level: i32,
    pub owner_queue_id: i64,
    pub current_queue_id: i64,
    pub assignee_id: Option<i64>,
    pub technical_file: String,
    pub third_party_editor_id: Option<i64>,
    pub third_party_reference: Option<String>,
    pub escalation_justification: Option<String>,
    pub vendor_id: Option<i64>,
    pub is_major: bool,
    pub parent_id: Option<i64>,
    pub reopen_count: i32,
    pub resolution: Option<String>,
    pub resolved_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
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
    pub ticket_type: String,
    pub impact: String,
    pub urgency: String,
    pub priority: i32,
    pub status: String,
    pub pending_reason: Option<String>,
    pub level: i32,
    pub owner_queue_id: i64,
    pub current_queue_id: i64,
    pub technical_file: String,
    pub vendor_id: Option<i64>,
    pub third_party_editor_id: Option<i64>,
    pub resolution: Option<String>,
    pub resolved_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}
