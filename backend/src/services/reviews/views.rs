//! Reviews as the API shows them.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::models::{ImprovementAction, Organisation, Review};
use crate::domain::review::{ActionStatus, Audience, ReviewStatus};
use crate::services::availability::figures::AvailabilityReport;
use crate::services::stats::views::Figures;
use crate::services::views::OrganisationRef;

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub fn organisation_ref(o: &Organisation) -> OrganisationRef {
    OrganisationRef {
        code: o.code.clone(),
        name: o.name.clone(),
        kind: o.kind,
    }
}

/// A review without its content (lists).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewSummary {
    pub id: i64,
    pub territory: String,
    pub audience: Audience,
    pub title: String,
    pub from: DateTime<Utc>,
    /// Excluded.
    pub to: DateTime<Utc>,
    pub status: ReviewStatus,
    pub held_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<&Review> for ReviewSummary {
    fn from(r: &Review) -> Self {
        Self {
            id: r.id,
            territory: r.territory_code.clone(),
            audience: r.audience,
            title: r.title.clone(),
            from: utc(r.period_from),
            to: utc(r.period_to),
            status: r.status,
            held_at: r.held_at.map(utc),
            published_at: r.published_at.map(utc),
            created_by: r.created_by.clone(),
            created_at: utc(r.created_at),
        }
    }
}

/// One entry of a major incident's public journal.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// The journal event's kind (`opened`, `declared_major`, `comment`, `resolved`…).
    pub kind: String,
    /// The organisation that acted, if any.
    pub organisation: Option<String>,
    pub body: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MajorIncident {
    pub reference: String,
    pub title: String,
    pub status: String,
    pub opened_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Tickets linked to it.
    pub children: i64,
    pub timeline: Vec<TimelineEntry>,
}

/// What a review shows of its period: live while it is prepared, frozen when published.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReviewContent {
    /// When these figures were counted.
    pub computed_at: DateTime<Utc>,
    pub figures: Figures,
    pub availability: AvailabilityReport,
    pub major_incidents: Vec<MajorIncident>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImprovementActionView {
    pub id: i64,
    /// The review that decided it.
    pub review: i64,
    pub title: String,
    pub owner: OrganisationRef,
    pub due_on: NaiveDate,
    pub status: ActionStatus,
    /// References of the tickets it answers.
    pub tickets: Vec<String>,
    /// Decided by an earlier review and still open.
    pub carried_forward: bool,
}

impl ImprovementActionView {
    pub fn new(
        action: &ImprovementAction,
        owner: &Organisation,
        tickets: Vec<String>,
        shown_on: i64,
    ) -> Self {
        Self {
            id: action.id,
            review: action.review_id,
            title: action.title.clone(),
            owner: organisation_ref(owner),
            due_on: action.due_on,
            status: action.status,
            tickets,
            carried_forward: action.review_id != shown_on,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewView {
    #[serde(flatten)]
    pub summary: ReviewSummary,
    pub participants: Vec<OrganisationRef>,
    /// Its own actions, then those of earlier reviews still open.
    pub actions: Vec<ImprovementActionView>,
    #[schema(value_type = ReviewContent)]
    pub content: serde_json::Value,
}
