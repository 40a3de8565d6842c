use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{service_level_clocks, service_level_policies};
use crate::db::text_columns::Json;
use crate::domain::service_level_policy::{ClockKind, Target};

/// One version of a territory's service-level policy.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = service_level_policies)]
pub struct ServiceLevelPolicy {
    pub id: i64,
    pub territory_code: String,
    pub version: i32,
    pub excludes_school_holidays: bool,
    pub warning_percent: i32,
    pub targets: Json<Vec<Target>>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = service_level_policies)]
pub struct NewServiceLevelPolicy {
    pub territory_code: String,
    pub version: i32,
    pub excludes_school_holidays: bool,
    pub warning_percent: i32,
    pub targets: Json<Vec<Target>>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
}

/// A clock of a ticket (`hop_id` none) or of one of its stays.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable, AsChangeset)]
#[diesel(table_name = service_level_clocks)]
#[diesel(treat_none_as_null = true)]
pub struct ServiceLevelClock {
    pub id: i64,
    pub ticket_id: i64,
    pub hop_id: Option<i64>,
    pub organisation_id: i64,
    pub kind: ClockKind,
    /// The priority its target was taken for.
    pub priority: i32,
    pub target_minutes: i32,
    pub warning_percent: i32,
    pub used_seconds: i64,
    pub running_since: Option<NaiveDateTime>,
    pub stopped: bool,
    pub due_at: Option<NaiveDateTime>,
    pub warn_at: Option<NaiveDateTime>,
    pub warned_at: Option<NaiveDateTime>,
    pub breached_at: Option<NaiveDateTime>,
    /// For a stopped clock, the instant that places it in a period of the figures.
    pub counted_at: Option<NaiveDateTime>,
}

/// What following a ticket changes on a clock: never its warning and breach, which the
/// alerts job records on its own.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = service_level_clocks)]
#[diesel(treat_none_as_null = true)]
pub struct ClockProgress {
    pub priority: i32,
    pub target_minutes: i32,
    pub used_seconds: i64,
    pub running_since: Option<NaiveDateTime>,
    pub stopped: bool,
    pub due_at: Option<NaiveDateTime>,
    pub warn_at: Option<NaiveDateTime>,
    pub counted_at: Option<NaiveDateTime>,
}

impl From<&ServiceLevelClock> for ClockProgress {
    fn from(c: &ServiceLevelClock) -> Self {
        Self {
            priority: c.priority,
            target_minutes: c.target_minutes,
            used_seconds: c.used_seconds,
            running_since: c.running_since,
            stopped: c.stopped,
            due_at: c.due_at,
            warn_at: c.warn_at,
            counted_at: c.counted_at,
        }
    }
}

/// Absent values are written as NULL (the columns' default) rather than DEFAULT, so that a
/// ticket's new clocks go in one multi-row statement on SQLite too.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = service_level_clocks)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewServiceLevelClock {
    pub ticket_id: i64,
    pub hop_id: Option<i64>,
    pub organisation_id: i64,
    pub kind: ClockKind,
    /// The priority its target was taken for.
    pub priority: i32,
    pub target_minutes: i32,
    pub warning_percent: i32,
    pub used_seconds: i64,
    pub running_since: Option<NaiveDateTime>,
    pub stopped: bool,
    pub due_at: Option<NaiveDateTime>,
    pub warn_at: Option<NaiveDateTime>,
    pub counted_at: Option<NaiveDateTime>,
}
