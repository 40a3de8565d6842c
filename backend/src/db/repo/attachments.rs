use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::attachments;
use crate::db::DbConn;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: i64,
    pub ticket_id: i64,
    pub event_id: Option<i64>,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_path: String,
    pub uploaded_by_label: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = attachments)]
pub struct NewAttachment {
    pub ticket_id: i64,
    pub event_id: Option<i64>,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_path: String,
    pub uploaded_by_label: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, row: &NewAttachment) -> QueryResult<Attachment> {
    diesel::insert_into(attachments::table)
        .values(row)
        .returning(attachments::all_columns)
        .get_result::<Attachment>(conn)
}

pub fn list(conn: &mut DbConn, ticket_id: i64) -> QueryResult<Vec<Attachment>> {
    attachments::table
        .filter(attachments::ticket_id.eq(ticket_id))
        .select(Attachment::as_select())
        .order(attachments::id)
        .load(conn)
}
