use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::ticket_hops;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = ticket_hops)]
pub struct TicketHop {
    pub id: i64,
    pub ticket_id: i64,
    pub from_queue_id: Option<i64>,
    pub to_queue_id: i64,
    pub reason: String,
    pub routing_rule_id: Option<i64>,
    pub entered_at: NaiveDateTime,
    pub first_response_at: Option<NaiveDateTime>,
    pub left_at: Option<NaiveDateTime>,
    pub refused_reason: Option<String>,
    /// The last journal event written when the ticket left this stay.
    pub left_event_id: Option<i64>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ticket_hops)]
pub struct NewTicketHop {
    pub ticket_id: i64,
    pub from_queue_id: Option<i64>,
    pub to_queue_id: i64,
    pub reason: String,
    pub routing_rule_id: Option<i64>,
    pub entered_at: NaiveDateTime,
}
