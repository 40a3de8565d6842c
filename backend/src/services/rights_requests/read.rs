//! `GET /rights-requests` and `GET /rights-requests/{id}`.

use super::views::{RightsRequestEventView, RightsRequestView};
use super::{readable, stored};
use crate::db::models::RightsRequest;
use crate::db::repo::{organisations, rights_requests, territories, tickets};
use crate::db::DbConn;
use crate::domain::french;
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::controller_scope::{parties, territories_listed};
use crate::services::unit_of_work;
use crate::services::views::Items;
use crate::state::AppState;

/// How many requests a list holds at most.
const LIST_LIMIT: i64 = 200;

/// The request whole.
pub fn view(conn: &mut DbConn, request: RightsRequest) -> Result<RightsRequestView, AppError> {
    let (scope, controller) = parties(conn, &stored(&request))?;
    let zone = territories::zone(conn, &request.territory_code)?;
    let ticket = match request.ticket_id {
        Some(id) => tickets::find(conn, id)?.map(|t| t.reference),
        None => None,
    };
    let received_by_organisation = match request.received_by_organisation_id {
        Some(id) => organisations::find(conn, id)?.map(|o| o.code),
        None => None,
    };
    let journal = rights_requests::events(conn, request.id)?
        .into_iter()
        .map(|e| RightsRequestEventView {
            kind: e.kind,
            at: e.occurred_at.and_utc(),
            actor: e.actor_label,
            body: e.body,
        })
        .collect();
    let due = request.due_at.and_utc();
    Ok(RightsRequestView {
        id: request.id,
        territory: request.territory_code,
        ticket,
        right: request.data_subject_right,
        right_label: format!("Droit {}", request.data_subject_right.label()),
        summary: request.summary,
        received_at: request.received_at.and_utc(),
        received_by_organisation,
        received_by: request.received_by,
        due_at: due,
        due_label: french::date_time(due, zone),
        scope,
        controller,
        forwarded_at: request.forwarded_at.map(|t| t.and_utc()),
        journal,
    })
}

pub async fn get(
    state: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<RightsRequestView, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let request = readable(tx.conn, caller, id)?;
        view(tx.conn, request)
    })
    .await
}

/// The requests of the territories the caller reads, the latest received first.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    territory: Option<String>,
) -> Result<Items<RightsRequestView>, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let codes = territories_listed(tx.conn, caller, territory)?;
        let mut items = Vec::new();
        for request in rights_requests::list(tx.conn, &codes, LIST_LIMIT)? {
            items.push(view(tx.conn, request)?);
        }
        Ok(Items { items })
    })
    .await
}
