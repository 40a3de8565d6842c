//! `POST /breaches/{id}/decision`: the controller (or who acts for it) records the
//! notification to the CNIL, or the decision not to notify with its reason; once, for good.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::notices::{self, dpos};
use super::read::view;
use super::views::BreachView;
use super::{readable, records_decision};
use crate::db::models::NewBreachEvent;
use crate::db::repo::breaches::{self, Decision};
use crate::db::repo::territories;
use crate::db::text_columns::Json;
use crate::domain::breach::BreachOutcome;
use crate::domain::french;
use crate::error::AppError;
use crate::services::audit;
use crate::services::caller::Caller;
use crate::services::text::text_field;
use crate::services::unit_of_work;
use crate::state::AppState;

/// The controller's decision.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "outcome": "notified", "notified_at": "2026-12-01T15:30:00Z", "cnil_reference": "NOTIF-2026-012345"
}))]
pub struct DecisionRequest {
    pub outcome: BreachOutcome,
    /// `notified`: when the CNIL was notified.
    pub notified_at: Option<DateTime<Utc>>,
    /// `notified`: the reference the CNIL gave.
    pub cnil_reference: Option<String>,
    /// `not_notified`: why (required); `notified` after the deadline: why so late (required).
    pub reason: Option<String>,
}

fn not_allowed(field: &str) -> AppError {
    AppError::invalid_field(
        field,
        "field_not_allowed",
        "sans objet pour une violation non notifiée",
    )
}

pub async fn record(
    state: &AppState,
    caller: &Caller,
    id: i64,
    request: DecisionRequest,
) -> Result<BreachView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        let breach = readable(tx.conn, caller, id)?;
        if !records_decision(tx.conn, caller, &breach)? {
            return Err(audit::deny(
                "enregistrer la décision du responsable de traitement",
            ));
        }
        let reason = |required: bool| -> Result<Option<String>, AppError> {
            match &request.reason {
                Some(reason) => text_field("reason", reason, 4000).map(Some),
                None if required => Err(AppError::invalid_field(
                    "reason",
                    "required",
                    "la raison est requise",
                )),
                None => Ok(None),
            }
        };
        let (notified_at, reference, reason) = match request.outcome {
            BreachOutcome::Notified => {
                let at = request.notified_at.ok_or_else(|| {
                    AppError::invalid_field("notified_at", "required", "date de la notification requise")
                })?;
                if at > tx.now + Duration::minutes(5) || at < breach.aware_at.and_utc() {
                    return Err(AppError::invalid_field(
                        "notified_at",
                        "out_of_range",
                        "entre la prise de connaissance et maintenant",
                    ));
                }
                let reference = text_field(
                    "cnil_reference",
                    request.cnil_reference.as_deref().unwrap_or_default(),
                    100,
                )?;
                // A late notification states the reasons for the delay (GDPR art. 33.1).
                let late = at > breach.deadline_at.and_utc();
                (Some(at), Some(reference), reason(late)?)
            }
            BreachOutcome::NotNotified => {
                if request.notified_at.is_some() {
                    return Err(not_allowed("notified_at"));
                }
                if request.cnil_reference.is_some() {
                    return Err(not_allowed("cnil_reference"));
                }
                (None, None, reason(true)?)
            }
        };
        let written = breaches::record_decision(
            tx.conn,
            id,
            &Decision {
                outcome: request.outcome,
                notified_at: notified_at.map(|t| t.naive_utc()),
                cnil_reference: reference.as_deref(),
                reason: reason.as_deref(),
                recorded_by: caller.label(),
                recorded_at: tx.now.naive_utc(),
            },
        )?;
        if written == 0 {
            return Err(AppError::Conflict {
                code: "already_decided",
                detail: format!(
                    "La décision sur la violation {id} est déjà enregistrée : elle ne change plus."
                ),
            });
        }
        let breach = breaches::find(tx.conn, id)?
            .ok_or_else(|| AppError::Internal(format!("breach {id} vanished")))?;
        let zone = territories::zone(tx.conn, &breach.territory_code)?;
        let sentence = match (notified_at, &reference) {
            (Some(at), Some(reference)) => format!(
                "la violation a été notifiée à la CNIL le {} (référence {reference}).",
                french::date_time(at, zone)
            ),
            _ => format!(
                "le responsable de traitement a décidé de ne pas notifier la violation à la CNIL : {}",
                reason.as_deref().unwrap_or_default()
            ),
        };
        breaches::insert_event(
            tx.conn,
            &NewBreachEvent {
                breach_id: id,
                kind: request.outcome.as_str().to_owned(),
                actor_user_id: caller.user_id(),
                actor_label: caller.label().to_owned(),
                body: format!("Décision enregistrée par {} : {sentence}", caller.label()),
                data: Json(json!({
                    "notified_at": notified_at,
                    "cnil_reference": reference,
                    "reason": reason,
                })),
                occurred_at: tx.now.naive_utc(),
            },
        )?;
        if tx.notifies() {
            let payload = notices::payload(
                tx.conn,
                &breach,
                json!({ "subject": "Violation de données : décision du responsable de traitement", "sentence": sentence }),
            )?;
            let told = dpos(tx.conn, &breach.territory_code)?;
            notices::to_dpos(tx.conn, tx.now, &told, &payload)?;
        }
        view(tx.conn, breach, tx.now)
    })
    .await
}
