use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{rights_request_events, rights_requests};
use crate::db::text_columns::Json;
use crate::domain::breach::{ControllerKind, PeopleScope};
use crate::domain::rights_request::DataSubjectRight;

/// A request to exercise a data subject's right, as the party that received it recorded it.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = rights_requests)]
pub struct RightsRequest {
    pub id: i64,
    pub territory_code: String,
    pub ticket_id: Option<i64>,
    pub data_subject_right: DataSubjectRight,
    pub summary: String,
    pub received_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub received_by_organisation_id: Option<i64>,
    pub received_by_user_id: Option<i64>,
    pub received_by: String,
    pub scope: PeopleScope,
    pub scope_organisation_id: Option<i64>,
    pub scope_establishments: Json<Vec<String>>,
    pub controller_kind: ControllerKind,
    pub controller_organisation_id: Option<i64>,
    /// When it was forwarded to the competent controller (`None`: received by it).
    pub forwarded_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = rights_requests)]
pub struct NewRightsRequest {
    pub territory_code: String,
    pub ticket_id: Option<i64>,
    pub data_subject_right: DataSubjectRight,
    pub summary: String,
    pub received_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub received_by_organisation_id: Option<i64>,
    pub received_by_user_id: Option<i64>,
    pub received_by: String,
    pub scope: PeopleScope,
    pub scope_organisation_id: Option<i64>,
    pub scope_establishments: Json<Vec<String>>,
    pub controller_kind: ControllerKind,
    pub controller_organisation_id: Option<i64>,
    pub forwarded_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// One entry of a rights request's journal.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = rights_request_events)]
pub struct RightsRequestEvent {
    pub id: i64,
    pub request_id: i64,
    pub kind: String,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub body: String,
    pub data: Json<serde_json::Value>,
    pub occurred_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = rights_request_events)]
pub struct NewRightsRequestEvent {
    pub request_id: i64,
    pub kind: String,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub body: String,
    pub data: Json<serde_json::Value>,
    pub occurred_at: NaiveDateTime,
}
