//! The figures as the API shows them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::scope::ScopeView;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Period {
    pub from: DateTime<Utc>,
    /// Excluded.
    pub to: DateTime<Utc>,
}

/// Tickets opened in the period, resolved in it and still open at its end.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Volumes {
    pub opened: i64,
    pub resolved: i64,
    /// Open at the end of the period (as the tickets stand now: a ticket reopened later
    /// counts from its last resolution).
    pub backlog: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VolumeBy {
    /// Level (0–3), queue code, category code or kind of school.
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub volumes: Volumes,
}

/// Durations in business minutes of the clocks' calendar, by nearest rank.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Durations {
    /// How many clocks ended.
    pub count: i64,
    pub median_minutes: Option<i64>,
    pub p90_minutes: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Compliance {
    pub met: i64,
    pub breached: i64,
    /// Share met, percent (one decimal); none when no clock ended.
    pub percent: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PriorityCompliance {
    /// 1 (highest) to 5.
    pub priority: i64,
    pub response: Compliance,
    pub resolution: Compliance,
}

/// One organisation's stays on the scope's tickets that began in the period.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrganisationFigures {
    pub code: String,
    pub name: String,
    /// Until the organisation's first answer.
    pub response: Durations,
    /// How long it kept the ticket (until it resolved it or handed it on).
    pub resolution: Durations,
    pub response_compliance: Compliance,
    pub resolution_compliance: Compliance,
    /// Hand-offs it refused in the period.
    pub refused: i64,
}

/// Where the tickets resolved in the period were solved, percent of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SolvedAt {
    pub level_0: Option<f64>,
    pub level_1: Option<f64>,
    /// Levels 2 and 3.
    pub vendor: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Refusals {
    pub code: String,
    pub name: String,
    pub refused: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Week {
    /// The Monday that starts the week (in the territory's time zone).
    pub week: NaiveDate,
    pub opened: i64,
    pub resolved: i64,
}

/// The service figures of a scope over a period.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Figures {
    pub scope: ScopeView,
    pub period: Period,
    pub tickets: Volumes,
    pub by_level: Vec<VolumeBy>,
    pub by_queue: Vec<VolumeBy>,
    pub by_category: Vec<VolumeBy>,
    pub by_school_kind: Vec<VolumeBy>,
    /// The five categories with the most tickets opened.
    pub top_categories: Vec<VolumeBy>,
    /// The tickets' own clocks: response for those opened in the period, resolution for
    /// those resolved in it.
    pub response: Durations,
    pub resolution: Durations,
    pub compliance_by_priority: Vec<PriorityCompliance>,
    pub organisations: Vec<OrganisationFigures>,
    pub solved_at: SolvedAt,
    /// Of the tickets opened in the period, percent escalated to the vendor.
    pub escalation_rate: Option<f64>,
    /// Of the tickets resolved in the period, percent reopened at least once.
    pub reopen_rate: Option<f64>,
    /// The vendors' stays: until their first answer, and until they gave the ticket back.
    pub vendor_response: Durations,
    pub vendor_resolution: Durations,
    pub refusals: Vec<Refusals>,
    pub weekly: Vec<Week>,
}
