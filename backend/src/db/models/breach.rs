use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{personal_data_breach_events, personal_data_breaches};
use crate::db::text_columns::Json;
use crate::domain::breach::{
    BreachOutcome, ControllerKind, PeopleCategory, PeopleScope, RecordCategory,
};

/// A personal-data breach as recorded.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = personal_data_breaches)]
pub struct Breach {
    pub id: i64,
    pub territory_code: String,
    pub ticket_id: Option<i64>,
    pub nature: String,
    pub people_categories: Json<Vec<PeopleCategory>>,
    pub people_count: i64,
    pub record_categories: Json<Vec<RecordCategory>>,
    pub record_count: i64,
    pub scope: PeopleScope,
    /// The académie's authority or the département's collectivité the scope names.
    pub scope_organisation_id: Option<i64>,
    /// The UAIs of the establishments the scope names.
    pub scope_establishments: Json<Vec<String>>,
    pub controller_kind: ControllerKind,
    /// `None` for the heads of establishment.
    pub controller_organisation_id: Option<i64>,
    pub aware_at: NaiveDateTime,
    pub deadline_at: NaiveDateTime,
    pub declared_by_user_id: Option<i64>,
    pub declared_by: String,
    pub declared_at: NaiveDateTime,
    /// The last deadline reminder recorded (`DeadlineAlert::stage`), 0 before any.
    pub alert_stage: i32,
    pub outcome: Option<BreachOutcome>,
    pub notified_at: Option<NaiveDateTime>,
    pub cnil_reference: Option<String>,
    pub outcome_reason: Option<String>,
    pub outcome_recorded_by: Option<String>,
    pub outcome_recorded_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = personal_data_breaches)]
pub struct NewBreach {
    pub territory_code: String,
    pub ticket_id: Option<i64>,
    pub nature: String,
    pub people_categories: Json<Vec<PeopleCategory>>,
    pub people_count: i64,
    pub record_categories: Json<Vec<RecordCategory>>,
    pub record_count: i64,
    pub scope: PeopleScope,
    pub scope_organisation_id: Option<i64>,
    pub scope_establishments: Json<Vec<String>>,
    pub controller_kind: ControllerKind,
    pub controller_organisation_id: Option<i64>,
    pub aware_at: NaiveDateTime,
    pub deadline_at: NaiveDateTime,
    pub declared_by_user_id: Option<i64>,
    pub declared_by: String,
    pub declared_at: NaiveDateTime,
}

/// One entry of a breach's append-only journal.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = personal_data_breach_events)]
pub struct BreachEvent {
    pub id: i64,
    pub breach_id: i64,
    pub kind: String,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    /// What happened, in French.
    pub body: String,
    pub data: Json<serde_json::Value>,
    pub occurred_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = personal_data_breach_events)]
pub struct NewBreachEvent {
    pub breach_id: i64,
    pub kind: String,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub body: String,
    pub data: Json<serde_json::Value>,
    pub occurred_at: NaiveDateTime,
}
