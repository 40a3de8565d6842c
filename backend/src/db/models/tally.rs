use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{clock_tallies, ticket_tallies};

/// What the figures group tickets by on one local day of their territory: a ticket opened
/// (`opened`) or resolved (`resolved`) that day counts once in one cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Queryable, Selectable, Insertable)]
#[diesel(table_name = ticket_tallies)]
#[diesel(treat_none_as_default_value = false)]
pub struct TicketCell {
    pub territory_code: String,
    pub day: NaiveDate,
    pub measure: String,
    pub level: i32,
    pub queue_id: i64,
    pub category_code: String,
    pub school_kind: String,
    pub escalated: bool,
    pub cancelled: bool,
    pub reopened: bool,
}

/// What the figures group stopped clocks by on the local day of their counting instant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Queryable, Selectable, Insertable)]
#[diesel(table_name = clock_tallies)]
#[diesel(treat_none_as_default_value = false)]
pub struct ClockCell {
    pub territory_code: String,
    pub day: NaiveDate,
    pub stay: bool,
    pub organisation_id: i64,
    pub kind: String,
    pub priority: i32,
    pub breached: bool,
    pub minutes: i64,
}

/// A count added to a ticket cell: +n, -n, or the merged sum of a day's rows. (Every value
/// is written, none left to a DEFAULT: SQLite then takes many rows in one statement where
/// diesel would otherwise insert them one by one under a savepoint.)
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ticket_tallies)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewTicketTally {
    #[diesel(embed)]
    pub cell: TicketCell,
    pub tickets: i64,
    pub merged: bool,
}

/// A count added to a clock cell.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = clock_tallies)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewClockTally {
    #[diesel(embed)]
    pub cell: ClockCell,
    pub clocks: i64,
    pub merged: bool,
}
