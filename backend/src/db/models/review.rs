use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{improvement_actions, reviews};
use crate::domain::review::{ActionStatus, Audience, ReviewStatus};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = reviews)]
pub struct Review {
    pub id: i64,
    pub territory_code: String,
    pub audience: Audience,
    pub title: String,
    pub period_from: NaiveDateTime,
    pub period_to: NaiveDateTime,
    pub status: ReviewStatus,
    /// The content frozen at publication (JSON).
    pub snapshot: Option<String>,
    pub held_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = reviews)]
pub struct NewReview {
    pub territory_code: String,
    pub audience: Audience,
    pub title: String,
    pub period_from: NaiveDateTime,
    pub period_to: NaiveDateTime,
    pub status: ReviewStatus,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = improvement_actions)]
pub struct ImprovementAction {
    pub id: i64,
    pub review_id: i64,
    pub territory_code: String,
    pub title: String,
    pub owner_id: i64,
    pub due_on: NaiveDate,
    pub status: ActionStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = improvement_actions)]
pub struct NewImprovementAction {
    pub review_id: i64,
    pub territory_code: String,
    pub title: String,
    pub owner_id: i64,
    pub due_on: NaiveDate,
    pub status: ActionStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}
