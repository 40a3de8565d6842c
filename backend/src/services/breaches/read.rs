//! `GET /breaches` and `GET /breaches/{id}`: a breach as its parties read it.

use chrono::{DateTime, Utc};

use super::views::{BreachEventView, BreachState, BreachSummary, BreachView, DecisionView};
use super::{readable, stored};
use crate::db::models::Breach;
use crate::db::repo::{breaches, territories, tickets};
use crate::db::DbConn;
use crate::domain::breach::BreachOutcome;
use crate::domain::french;
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::controller_scope::parties;
use crate::services::controller_scope::territories_listed;
use crate::services::unit_of_work;
use crate::services::views::Items;
use crate::state::AppState;

/// How many breaches a list holds at most.
const LIST_LIMIT: i64 = 200;

/// The event of a declaration, whose data names the DPDs told.
pub const DECLARED: &str = "declared";

pub(super) fn state_of(breach: &Breach, now: DateTime<Utc>) -> BreachState {
    match breach.outcome {
        Some(BreachOutcome::Notified) => BreachState::Notified,
        Some(BreachOutcome::NotNotified) => BreachState::NotNotified,
        None if breach.deadline_at.and_utc() <= now => BreachState::Overdue,
        None => BreachState::Waiting,
    }
}

/// The breach whole, as of `now`.
pub fn view(conn: &mut DbConn, breach: Breach, now: DateTime<Utc>) -> Result<BreachView, AppError> {
    let (scope, controller) = parties(conn, &stored(&breach))?;
    let zone = territories::zone(conn, &breach.territory_code)?;
    let events = breaches::events(conn, breach.id)?;
    let informed_dpos = events
        .iter()
        .find(|e| e.kind == DECLARED)
        .and_then(|e| serde_json::from_value(e.data.0["dpos"].clone()).ok())
        .unwrap_or_default();
    let ticket = match breach.ticket_id {
        Some(id) => tickets::find(conn, id)?.map(|t| t.reference),
        None => None,
    };
    let deadline = breach.deadline_at.and_utc();
    let state = state_of(&breach, now);
    let decision = match (breach.outcome, breach.outcome_recorded_at) {
        (Some(outcome), Some(at)) => Some(DecisionView {
            outcome,
            notified_at: breach.notified_at.map(|t| t.and_utc()),
            cnil_reference: breach.cnil_reference.clone(),
            reason: breach.outcome_reason.clone(),
            recorded_by: breach.outcome_recorded_by.clone().unwrap_or_default(),
            recorded_at: at.and_utc(),
        }),
        _ => None,
    };
    Ok(BreachView {
        id: breach.id,
        territory: breach.territory_code,
        ticket,
        nature: breach.nature,
        people_categories: breach.people_categories.0,
        people_count: breach.people_count,
        record_categories: breach.record_categories.0,
        record_count: breach.record_count,
        scope,
        controller,
        aware_at: breach.aware_at.and_utc(),
        deadline_at: deadline,
        deadline_label: french::date_time(deadline, zone),
        minutes_left: decision.is_none().then(|| (deadline - now).num_minutes()),
        state,
        decision,
        informed_dpos,
        declared_by: breach.declared_by,
        declared_at: breach.declared_at.and_utc(),
        journal: events
            .into_iter()
            .map(|e| BreachEventView {
                kind: e.kind,
                at: e.occurred_at.and_utc(),
                actor: e.actor_label,
                body: e.body,
            })
            .collect(),
    })
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<BreachView, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let breach = readable(tx.conn, caller, id)?;
        view(tx.conn, breach, tx.now)
    })
    .await
}

/// The breaches of the territories the caller reads (or of one of them), latest first;
/// `waiting`: only those whose decision is awaited (or only the decided ones).
pub async fn list(
    state: &AppState,
    caller: &Caller,
    territory: Option<String>,
    waiting: Option<bool>,
) -> Result<Items<BreachSummary>, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let codes = territories_listed(tx.conn, caller, territory)?;
        let mut items = Vec::new();
        for breach in breaches::list(tx.conn, &codes, waiting, LIST_LIMIT)? {
            let (scope, controller) = parties(tx.conn, &stored(&breach))?;
            items.push(BreachSummary {
                id: breach.id,
                state: state_of(&breach, tx.now),
                territory: breach.territory_code,
                nature: breach.nature,
                scope: scope.label,
                controller: controller.label,
                aware_at: breach.aware_at.and_utc(),
                deadline_at: breach.deadline_at.and_utc(),
            });
        }
        Ok(Items { items })
    })
    .await
}
