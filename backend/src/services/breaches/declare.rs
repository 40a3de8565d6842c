//! `POST /breaches`: an agent declares a personal-data breach, on its own or from a ticket.
//! The scope designates the controller (art. 7), the deadline runs 72 hours from awareness,
//! and in the same transaction the people acting for the controller and every DPD of the
//! territory get their message.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::notices::{self, dpos};
use super::read::{view, DECLARED};
use super::views::BreachView;
use crate::db::models::{NewBreach, NewBreachEvent};
use crate::db::repo::breaches;
use crate::db::text_columns::Json;
use crate::domain::breach::{notification_deadline, PeopleCategory, PeopleScope, RecordCategory};
use crate::domain::notifications::Notice;
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::controller_scope::{
    deals_with_personal_data, territories_read, ticket_in_territory,
};
use crate::services::controller_scope::{resolve, ScopeFields};
use crate::services::text::text_field;
use crate::services::tickets::journal::{record, Author, Entry};
use crate::services::unit_of_work;
use crate::state::AppState;

/// How far ahead of the server's clock an awareness instant may be (clocks drift).
const CLOCK_TOLERANCE_MINUTES: i64 = 5;

/// A breach to declare.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "territory": "GE", "aware_at": "2026-11-30T08:00:00Z",
    "nature": "Export des notes de deux collèges envoyé par erreur à une liste de diffusion externe.",
    "people_categories": ["pupils", "legal_representatives"], "people_count": 1200,
    "record_categories": ["identity", "assessments"], "record_count": 9600,
    "scope": "establishments", "establishments": ["0579001Z", "0579002A"]
}))]
pub struct BreachRequest {
    /// Territory code.
    pub territory: String,
    /// The ticket it was reported in (a reference the caller sees).
    pub ticket: Option<String>,
    /// When the declaring party became aware of it; the 72 hours run from then.
    pub aware_at: DateTime<Utc>,
    /// What happened (at most 4,000 characters).
    pub nature: String,
    #[schema(min_items = 1)]
    pub people_categories: Vec<PeopleCategory>,
    /// Approximate number of people affected.
    pub people_count: i64,
    #[schema(min_items = 1)]
    pub record_categories: Vec<RecordCategory>,
    /// Approximate number of records affected.
    pub record_count: i64,
    pub scope: PeopleScope,
    /// For `academie`: the code of its academic (or agricultural) authority.
    pub authority: Option<String>,
    /// For `departement`: its number (`57`, `2A`).
    pub departement: Option<String>,
    /// For `establishments`: their UAIs (1 to 20).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub establishments: Vec<String>,
}

fn count(field: &str, value: i64) -> Result<i64, AppError> {
    if (0..=100_000_000).contains(&value) {
        Ok(value)
    } else {
        Err(AppError::invalid_field(
            field,
            "out_of_range",
            "un nombre de 0 à 100 000 000",
        ))
    }
}

fn categories<T: Copy + Ord>(field: &str, values: &[T]) -> Result<Vec<T>, AppError> {
    if values.is_empty() {
        return Err(AppError::invalid_field(
            field,
            "required",
            "au moins une catégorie",
        ));
    }
    let mut values = values.to_vec();
    values.sort();
    values.dedup();
    Ok(values)
}

pub async fn declare(
    state: &AppState,
    caller: &Caller,
    request: BreachRequest,
) -> Result<BreachView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        deals_with_personal_data(caller)?;
        let territory = request.territory.to_uppercase();
        if !territories_read(tx.conn, caller)?.contains(&territory) {
            return Err(AppError::invalid_field(
                "territory",
                "unknown_territory",
                format!("territoire {territory} inconnu ou hors de votre périmètre"),
            ));
        }
        let ticket = match &request.ticket {
            Some(reference) => Some(ticket_in_territory(tx.conn, caller, reference, &territory)?),
            None => None,
        };
        if request.aware_at > tx.now + Duration::minutes(CLOCK_TOLERANCE_MINUTES) {
            return Err(AppError::invalid_field(
                "aware_at",
                "in_the_future",
                "la prise de connaissance ne peut pas être à venir",
            ));
        }
        let nature = text_field("nature", &request.nature, 4000)?;
        let people_categories = categories("people_categories", &request.people_categories)?;
        let record_categories = categories("record_categories", &request.record_categories)?;
        let people_count = count("people_count", request.people_count)?;
        let record_count = count("record_count", request.record_count)?;
        let scoped = resolve(
            tx.conn,
            &territory,
            &ScopeFields {
                scope: request.scope,
                authority: request.authority.as_deref(),
                departement: request.departement.as_deref(),
                establishments: &request.establishments,
            },
        )?;
        let aware_at = request.aware_at;
        let breach = breaches::insert(
            tx.conn,
            &NewBreach {
                territory_code: territory.clone(),
                ticket_id: ticket.as_ref().map(|t| t.id),
                nature,
                people_categories: Json(people_categories),
                people_count,
                record_categories: Json(record_categories),
                record_count,
                scope: request.scope,
                scope_organisation_id: scoped.scope_organisation.as_ref().map(|o| o.id),
                scope_establishments: Json(scoped.establishments),
                controller_kind: request.scope.controller(),
                controller_organisation_id: scoped.controller.as_ref().map(|o| o.id),
                aware_at: aware_at.naive_utc(),
                deadline_at: notification_deadline(aware_at).naive_utc(),
                declared_by_user_id: caller.user_id(),
                declared_by: caller.label().to_owned(),
                declared_at: tx.now.naive_utc(),
            },
        )?;
        let told = dpos(tx.conn, &territory)?;
        let payload = notices::payload(tx.conn, &breach, json!({}))?;
        let described = &payload["breach"];
        let body = format!(
            "Violation déclarée par {} : la notifie {}, avant le {}.",
            breach.declared_by,
            described["controller"].as_str().unwrap_or_default(),
            described["deadline"].as_str().unwrap_or_default(),
        );
        breaches::insert_event(
            tx.conn,
            &NewBreachEvent {
                breach_id: breach.id,
                kind: DECLARED.to_owned(),
                actor_user_id: caller.user_id(),
                actor_label: caller.label().to_owned(),
                body,
                data: Json(json!({ "dpos": told })),
                occurred_at: tx.now.naive_utc(),
            },
        )?;
        if let Some(ticket) = &ticket {
            let text = format!(
                "Violation de données personnelles n° {} déclarée.",
                breach.id
            );
            let entry = Entry::internal(
                "personal_data_breach_declared",
                json!({ "breach": breach.id }),
            )
            .with_body(&text);
            record(
                tx.conn,
                ticket.id,
                &Author::caller(caller, None),
                entry,
                tx.now,
            )?;
        }
        if tx.notifies() {
            notices::to_controller(tx.conn, tx.now, &breach, Notice::BreachToNotify, &payload)?;
            let sentence = format!(
                "une violation de données personnelles a été déclarée sur le territoire {} \
                 (prise de connaissance : {}).",
                described["territory"].as_str().unwrap_or_default(),
                described["aware"].as_str().unwrap_or_default()
            );
            // The same description, with what the DPDs are told.
            let mut information = payload.clone();
            information["breach"]["subject"] =
                json!("Violation de données déclarée : information du DPD");
            information["breach"]["sentence"] = json!(sentence);
            notices::to_dpos(tx.conn, tx.now, &told, &information)?;
        }
        view(tx.conn, breach, tx.now)
    })
    .await
}
