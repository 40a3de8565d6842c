//! What the API answers about rights requests.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::rights_request::DataSubjectRight;
use crate::services::controller_scope::{ControllerView, PeopleScopeView};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RightsRequestEventView {
    pub kind: String,
    pub at: DateTime<Utc>,
    pub actor: String,
    /// What happened, in French.
    pub body: String,
}

/// A rights request whole, with its journal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RightsRequestView {
    pub id: i64,
    pub territory: String,
    /// The ticket it came in.
    pub ticket: Option<String>,
    pub right: DataSubjectRight,
    /// « Droit d'accès », in French.
    pub right_label: String,
    pub summary: String,
    pub received_at: DateTime<Utc>,
    /// The organisation that received it (code); none when an admin recorded it.
    pub received_by_organisation: Option<String>,
    pub received_by: String,
    /// One month after receipt (GDPR art. 12.3).
    pub due_at: DateTime<Utc>,
    /// The deadline in the territory's local time, in French.
    pub due_label: String,
    pub scope: PeopleScopeView,
    pub controller: ControllerView,
    /// When it was forwarded to the competent controller; none when it received it itself.
    pub forwarded_at: Option<DateTime<Utc>>,
    pub journal: Vec<RightsRequestEventView>,
}
