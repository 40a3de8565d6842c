use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::web_sessions;

/// A sign-in to the web desk.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = web_sessions)]
pub struct WebSession {
    #[diesel(skip_insertion)]
    pub id: i64,
    pub user_id: i64,
    pub token_hash: String,
    pub token_version: i32,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}
