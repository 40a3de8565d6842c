//! What the API answers about breaches.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::breach::{BreachOutcome, PeopleCategory, RecordCategory};
use crate::services::controller_scope::{ControllerView, PeopleScopeView};
use crate::text_enum;

text_enum! {
    /// Where a breach stands.
    BreachState {
        /// The controller's decision is awaited, the deadline still ahead.
        Waiting => "waiting",
        /// The decision is awaited and the 72 hours are over.
        Overdue => "overdue",
        Notified => "notified",
        NotNotified => "not_notified",
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DecisionView {
    pub outcome: BreachOutcome,
    pub notified_at: Option<DateTime<Utc>>,
    pub cnil_reference: Option<String>,
    /// Why it was not notified.
    pub reason: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A data protection officer told of the breach.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct InformedDpo {
    pub organisation: String,
    pub email: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BreachEventView {
    pub kind: String,
    pub at: DateTime<Utc>,
    pub actor: String,
    /// What happened, in French.
    pub body: String,
}

/// A breach in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BreachSummary {
    pub id: i64,
    pub territory: String,
    pub nature: String,
    pub scope: String,
    pub controller: String,
    pub aware_at: DateTime<Utc>,
    pub deadline_at: DateTime<Utc>,
    pub state: BreachState,
}

/// A breach whole, with its journal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BreachView {
    pub id: i64,
    pub territory: String,
    /// The ticket it was declared from.
    pub ticket: Option<String>,
    pub nature: String,
    pub people_categories: Vec<PeopleCategory>,
    /// Approximate number of people affected.
    pub people_count: i64,
    pub record_categories: Vec<RecordCategory>,
    /// Approximate number of records affected.
    pub record_count: i64,
    pub scope: PeopleScopeView,
    pub controller: ControllerView,
    pub aware_at: DateTime<Utc>,
    /// 72 hours after awareness.
    pub deadline_at: DateTime<Utc>,
    /// The deadline in the territory's local time, in French.
    pub deadline_label: String,
    pub state: BreachState,
    /// Minutes left before the deadline while the decision is awaited (negative once over).
    pub minutes_left: Option<i64>,
    pub decision: Option<DecisionView>,
    pub informed_dpos: Vec<InformedDpo>,
    pub declared_by: String,
    pub declared_at: DateTime<Utc>,
    pub journal: Vec<BreachEventView>,
}
