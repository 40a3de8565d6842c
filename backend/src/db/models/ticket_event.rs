use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::text_columns::Json;
use crate::domain::journal::Visibility;

use crate::db::schema::ticket_events;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = ticket_events)]
pub struct TicketEvent {
    pub id: i64,
    pub ticket_id: i64,
    pub occurred_at: NaiveDateTime,
    pub kind: String,
    pub visibility: Visibility,
    pub actor_user_id: Option<i64>,
    pub actor_client_id: Option<String>,
    pub actor_label: String,
    pub actor_organisation_id: Option<i64>,
    pub body: Option<String>,
    pub data: Json<serde_json::Value>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ticket_events)]
pub struct NewTicketEvent {
    pub ticket_id: i64,
    pub occurred_at: NaiveDateTime,
    pub kind: String,
    pub visibility: Visibility,
    pub actor_user_id: Option<i64>,
    pub actor_client_id: Option<String>,
    pub actor_label: String,
    pub actor_organisation_id: Option<i64>,
    pub body: Option<String>,
    pub data: Json<serde_json::Value>,
}
