use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::outages;
use crate::domain::availability::OutageService;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, AsChangeset)]
#[diesel(table_name = outages)]
#[diesel(treat_none_as_null = true)]
pub struct Outage {
    pub id: i64,
    pub territory_code: String,
    pub academie_id: Option<i64>,
    pub service: OutageService,
    pub started_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub major_incident_id: Option<i64>,
    pub description: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outages)]
pub struct NewOutage {
    pub territory_code: String,
    pub academie_id: Option<i64>,
    pub service: OutageService,
    pub started_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub major_incident_id: Option<i64>,
    pub description: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
}
