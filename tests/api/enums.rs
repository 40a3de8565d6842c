//! Every closed vocabulary, serialised by the service, is exactly the enum the document
//! publishes: a client generated from the document sends and reads the same words.

use std::collections::BTreeSet;

use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

use guichet::domain::audit::AuditOutcome;
use guichet::domain::availability::OutageService;
use guichet::domain::breach::{
    BreachOutcome, ControllerKind, PeopleCategory, PeopleScope, RecordCategory,
};
use guichet::domain::journal::Visibility;
use guichet::domain::notifications::{Notice, OutboxState};
use guichet::domain::priority::Level3;
use guichet::domain::reference_kinds::{
    CollectiviteSubkind, CompetenceDomain, EstablishmentKind, HolidayZone, OrganisationKind,
    Sector, TicketType,
};
use guichet::domain::review::{ActionStatus, Audience, ReviewStatus};
use guichet::domain::rights_request::DataSubjectRight;
use guichet::domain::role::Role;
use guichet::domain::routing::TargetKind;
use guichet::domain::service_level_clock::ClockState;
use guichet::domain::service_level_policy::{ClockKind, HandlerKind};
use guichet::domain::technical_file::{EscalationJustification, Profile};
use guichet::domain::ticket_lifecycle::{PendingReason, TicketAction, TicketStatus};
use guichet::domain::ticket_read::{Channel, ReadPart};
use guichet::services::breaches::views::BreachState;
use guichet::services::stats::scope::ScopeKind;
use guichet::services::tickets::escalation::AnswerKind;

/// Serialises every variant and parses every documented value: both sets must be equal.
fn matches_document<T>(name: &str, all: &[T]) -> Result<(), String>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let document = guichet::openapi::document_value();
    let documented: BTreeSet<String> = document["components"]["schemas"][name]["enum"]
        .as_array()
        .ok_or(format!("{name}: no enum in the document"))?
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect();
    let sent: BTreeSet<String> = all
        .iter()
        .map(|v| match serde_json::to_value(v) {
            Ok(Value::String(s)) => s,
            other => panic!("{name}: {v:?} serialises as {other:?}"),
        })
        .collect();
    if sent != documented {
        return Err(format!(
            "{name}: the service sends {sent:?}, the document says {documented:?}"
        ));
    }
    for value in &documented {
        serde_json::from_value::<T>(Value::String(value.clone()))
            .map_err(|e| format!("{name}: the documented `{value}` is refused: {e}"))?;
    }
    Ok(())
}

#[test]
fn every_vocabulary_is_published_as_serialised() {
    let results = [
        matches_document("AnswerKind", AnswerKind::ALL),
        matches_document("AuditOutcome", AuditOutcome::ALL),
        matches_document("ClockKind", ClockKind::ALL),
        matches_document("ClockState", ClockState::ALL),
        matches_document("HandlerKind", HandlerKind::ALL),
        matches_document("CollectiviteSubkind", CollectiviteSubkind::ALL),
        matches_document("CompetenceDomain", CompetenceDomain::ALL),
        matches_document("EscalationJustification", EscalationJustification::ALL),
        matches_document("EstablishmentKind", EstablishmentKind::ALL),
        matches_document("HolidayZone", HolidayZone::ALL),
        matches_document("Level3", Level3::ALL),
        matches_document("Notice", Notice::ALL),
        matches_document("OrganisationKind", OrganisationKind::ALL),
        matches_document("OutageService", OutageService::ALL),
        matches_document("ScopeKind", ScopeKind::ALL),
        matches_document("Audience", Audience::ALL),
        matches_document("ReviewStatus", ReviewStatus::ALL),
        matches_document("ActionStatus", ActionStatus::ALL),
        matches_document("OutboxState", OutboxState::ALL),
        matches_document("PendingReason", PendingReason::ALL),
        matches_document("Profile", Profile::ALL),
        matches_document("Role", Role::ALL),
        matches_document("Sector", Sector::ALL),
        matches_document("TargetKind", TargetKind::ALL),
        matches_document("TicketAction", TicketAction::ALL),
        matches_document("TicketStatus", TicketStatus::ALL),
        matches_document("TicketType", TicketType::ALL),
        matches_document("Visibility", Visibility::ALL),
        matches_document("BreachOutcome", BreachOutcome::ALL),
        matches_document("PeopleScope", PeopleScope::ALL),
        matches_document("BreachState", BreachState::ALL),
        matches_document("ControllerKind", ControllerKind::ALL),
        matches_document("PeopleCategory", PeopleCategory::ALL),
        matches_document("RecordCategory", RecordCategory::ALL),
        matches_document("DataSubjectRight", DataSubjectRight::ALL),
        matches_document("ReadPart", ReadPart::ALL),
        matches_document("Channel", Channel::ALL),
    ];
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The other way round: every enum the document declares is one of the vocabularies above
/// (TechnicalElement never travels as a value: it names fields of `technical_file`).
#[test]
fn the_document_declares_no_other_vocabulary() {
    let document = guichet::openapi::document_value();
    let declared: BTreeSet<&str> = document["components"]["schemas"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, schema)| schema.get("enum").is_some())
        .map(|(name, _)| name.as_str())
        .collect();
    let checked: BTreeSet<&str> = [
        "AnswerKind",
        "AuditOutcome",
        "ClockKind",
        "ClockState",
        "CollectiviteSubkind",
        "CompetenceDomain",
        "EscalationJustification",
        "EstablishmentKind",
        "HandlerKind",
        "HolidayZone",
        "Level3",
        "Notice",
        "OrganisationKind",
        "OutageService",
        "ScopeKind",
        "Audience",
        "ReviewStatus",
        "ActionStatus",
        "OutboxState",
        "PendingReason",
        "Profile",
        "Role",
        "Sector",
        "TargetKind",
        "TicketAction",
        "TicketStatus",
        "TicketType",
        "Visibility",
        "BreachOutcome",
        "PeopleScope",
        "BreachState",
        "ControllerKind",
        "PeopleCategory",
        "RecordCategory",
        "DataSubjectRight",
        "ReadPart",
        "Channel",
    ]
    .into();
    assert_eq!(declared, checked);
}
