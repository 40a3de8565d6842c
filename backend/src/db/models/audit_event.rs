use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::text_columns::Json;
use crate::domain::audit::AuditOutcome;

use crate::db::schema::audit_events;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = audit_events)]
pub struct AuditEvent {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub action: String,
    pub outcome: AuditOutcome,
    pub actor_user_id: Option<i64>,
    pub actor_client_id: Option<String>,
    pub actor_label: Option<String>,
    pub territory_code: Option<String>,
    pub target: Option<String>,
    pub client_address: Option<String>,
    pub detail: Json<serde_json::Value>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = audit_events)]
pub struct NewAuditEvent {
    pub occurred_at: NaiveDateTime,
    pub action: String,
    pub outcome: AuditOutcome,
    pub actor_user_id: Option<i64>,
    pub actor_client_id: Option<String>,
    pub actor_label: Option<String>,
    pub territory_code: Option<String>,
    pub target: Option<String>,
    pub client_address: Option<String>,
    pub detail: Json<serde_json::Value>,
}
