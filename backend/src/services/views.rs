//! What the reference reads return (serialised as the API's JSON).

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::reference_kinds::{
    CollectiviteSubkind, CompetenceDomain, EstablishmentKind, HolidayZone, OrganisationKind,
    Sector, TicketType,
};

/// An organisation named from another object.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationRef {
    pub code: String,
    pub name: String,
    pub kind: OrganisationKind,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AvailabilityCommitments {
    /// Minimum availability inside the business window, in percent (99.7).
    pub in_window_percent: f64,
    /// Minimum availability outside it, in percent (97).
    pub out_of_window_percent: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BusinessWindowView {
    /// ISO weekdays, 1 = Monday.
    pub weekdays: Vec<u32>,
    /// Local opening time, "HH:MM".
    pub opens: String,
    /// Local closing time, "HH:MM" (excluded).
    pub closes: String,
    pub timezone: String,
    /// Whether school holidays of the establishment's zone are out of the window.
    pub excludes_school_holidays: bool,
    /// Whether public holidays (with the Alsace-Moselle extras in 57, 67, 68) are out of it.
    pub excludes_public_holidays: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TerritoryView {
    pub code: String,
    pub name: String,
    pub ent_name: String,
    pub holiday_zone: HolidayZone,
    pub vendor: Option<OrganisationRef>,
    pub availability: AvailabilityCommitments,
    pub business_window: BusinessWindowView,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationView {
    pub code: String,
    pub kind: OrganisationKind,
    pub collectivite_subkind: Option<CollectiviteSubkind>,
    pub name: String,
    pub territory: Option<String>,
    /// Code of the parent organisation.
    pub parent: Option<String>,
    pub contact_email: Option<String>,
    pub holiday_zone: Option<HolidayZone>,
    /// Its data protection officer's address (published, GDPR art. 37.7).
    pub dpo_email: Option<String>,
    /// The département a départemental collectivité is in charge of.
    pub departement: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EstablishmentView {
    pub uai: String,
    pub name: String,
    pub kind: EstablishmentKind,
    pub sector: Sector,
    pub departement: String,
    pub territory: Option<String>,
    /// The holiday zone of its authority.
    pub holiday_zone: Option<HolidayZone>,
    pub uses_vie_scolaire_module: bool,
    /// The academic (or agricultural) authority.
    pub authority: OrganisationRef,
    /// The collectivité in charge of its equipment and network.
    pub collectivite: OrganisationRef,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EstablishmentPage {
    pub items: Vec<EstablishmentView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueView {
    pub code: String,
    pub name: String,
    pub level: i32,
    pub domain: CompetenceDomain,
    pub organisation: OrganisationRef,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryView {
    pub code: String,
    pub label: String,
    pub domain: CompetenceDomain,
    pub default_type: TicketType,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SchoolHolidayView {
    pub zone: HolidayZone,
    pub school_year: String,
    pub name: String,
    /// First day without classes.
    pub first_day: NaiveDate,
    /// Last day without classes (classes resume the next day).
    pub last_day: NaiveDate,
}

/// A list that does not paginate (it cannot grow large).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}
