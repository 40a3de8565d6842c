use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::ticket_reads;
use crate::domain::ticket_read::{Channel, ReadPart};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = ticket_reads)]
pub struct TicketRead {
    pub id: i64,
    pub read_at: NaiveDateTime,
    pub ticket_id: i64,
    pub territory_code: String,
    pub user_id: Option<i64>,
    pub client_id: Option<String>,
    pub part: ReadPart,
    pub attachment_id: Option<i64>,
    pub channel: Channel,
    pub client_address: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ticket_reads)]
pub struct NewTicketRead {
    pub read_at: NaiveDateTime,
    pub ticket_id: i64,
    pub territory_code: String,
    pub user_id: Option<i64>,
    pub client_id: Option<String>,
    pub part: ReadPart,
    pub attachment_id: Option<i64>,
    pub channel: Channel,
    pub client_address: Option<String>,
}
