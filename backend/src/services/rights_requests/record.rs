//! `POST /rights-requests`: the party that received a request to exercise a right records
//! it. The scope of the people concerned designates the competent controller; received by
//! another party, the request is forwarded to it at once, in the same transaction: a journal
//! entry and a message to the people acting for it.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::read::view;
use super::stored;
use super::views::RightsRequestView;
use crate::db::models::{NewRightsRequest, NewRightsRequestEvent};
use crate::db::repo::{rights_requests, territories};
use crate::db::text_columns::Json;
use crate::domain::breach::{ControllerKind, PeopleScope};
use crate::domain::french;
use crate::domain::notifications::Notice;
use crate::domain::rights_request::{answer_deadline, DataSubjectRight};
use crate::error::AppError;
use crate::services::caller::{Caller, GrantScope};
use crate::services::controller_scope::{
    controller_people, deals_with_personal_data, parties, resolve, territories_read,
    ticket_in_territory, ScopeFields,
};
use crate::services::notifications::outbox;
use crate::services::text::text_field;
use crate::services::unit_of_work;
use crate::state::AppState;

/// A rights request received.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "territory": "GE", "right": "access", "received_at": "2026-11-30T09:00:00Z",
    "summary": "Un parent demande la copie des données de son enfant, élève de seconde.",
    "scope": "establishments", "establishments": ["0519001G"]
}))]
pub struct RightsRequestBody {
    /// Territory code.
    pub territory: String,
    /// The ticket it came in (a reference the caller sees).
    pub ticket: Option<String>,
    pub right: DataSubjectRight,
    /// What is asked, without more personal data than needed (at most 4,000 characters).
    pub summary: String,
    /// When it was received; the month to answer runs from then.
    pub received_at: DateTime<Utc>,
    pub scope: PeopleScope,
    /// For `academie`: the code of its academic (or agricultural) authority.
    pub authority: Option<String>,
    /// For `departement`: its number (`57`, `2A`).
    pub departement: Option<String>,
    /// For `establishments`: their UAIs (1 to 20), e.g. the pupil's school.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub establishments: Vec<String>,
}

pub async fn record(
    state: &AppState,
    caller: &Caller,
    body: RightsRequestBody,
) -> Result<RightsRequestView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        deals_with_personal_data(caller)?;
        let territory = body.territory.to_uppercase();
        if !territories_read(tx.conn, caller)?.contains(&territory) {
            return Err(AppError::invalid_field(
                "territory",
                "unknown_territory",
                format!("territoire {territory} inconnu ou hors de votre périmètre"),
            ));
        }
        let ticket = match &body.ticket {
            Some(reference) => Some(ticket_in_territory(tx.conn, caller, reference, &territory)?),
            None => None,
        };
        if body.received_at > tx.now + Duration::minutes(5) {
            return Err(AppError::invalid_field(
                "received_at",
                "in_the_future",
                "la réception ne peut pas être à venir",
            ));
        }
        let summary = text_field("summary", &body.summary, 4000)?;
        let scoped = resolve(
            tx.conn,
            &territory,
            &ScopeFields {
                scope: body.scope,
                authority: body.authority.as_deref(),
                departement: body.departement.as_deref(),
                establishments: &body.establishments,
            },
        )?;
        // The party that received it: the caller's organisation in the territory (an admin
        // records for none).
        let receiver = caller.grants.iter().find_map(|g| match &g.scope {
            GrantScope::Organisation { id, territory: t, .. }
                if g.role.is_agent() && t.as_deref() == Some(territory.as_str()) =>
            {
                Some(*id)
            }
            _ => None,
        });
        let controller_kind = body.scope.controller();
        let controller_id = scoped.controller.as_ref().map(|o| o.id);
        // No head of establishment has an account yet: theirs is always forwarded.
        let competent = controller_kind != ControllerKind::HeadsOfEstablishment
            && receiver.is_some()
            && receiver == controller_id;
        let zone = territories::zone(tx.conn, &territory)?;
        let request = rights_requests::insert(
            tx.conn,
            &NewRightsRequest {
                territory_code: territory.clone(),
                ticket_id: ticket.as_ref().map(|t| t.id),
                data_subject_right: body.right,
                summary,
                received_at: body.received_at.naive_utc(),
                due_at: answer_deadline(body.received_at, zone).naive_utc(),
                received_by_organisation_id: receiver,
                received_by_user_id: caller.user_id(),
                received_by: caller.label().to_owned(),
                scope: body.scope,
                scope_organisation_id: scoped.scope_organisation.as_ref().map(|o| o.id),
                scope_establishments: Json(scoped.establishments),
                controller_kind,
                controller_organisation_id: controller_id,
                forwarded_at: (!competent).then(|| tx.now.naive_utc()),
                created_at: tx.now.naive_utc(),
            },
        )?;
        let (_, controller) = parties(tx.conn, &stored(&request))?;
        let due = french::date_time(request.due_at.and_utc(), zone);
        let right = format!("droit {}", request.data_subject_right.label());
        let (kind, text) = if competent {
            (
                "received",
                format!(
                    "Demande d'exercice du {right} reçue par le responsable de traitement \
                     compétent ({}) : réponse due le {due}.",
                    controller.label
                ),
            )
        } else {
            (
                "forwarded",
                format!(
                    "Demande d'exercice du {right} reçue par {} et transmise aussitôt au \
                     responsable de traitement compétent, {} : réponse due le {due}.",
                    caller.label(),
                    controller.label
                ),
            )
        };
        rights_requests::insert_event(
            tx.conn,
            &NewRightsRequestEvent {
                request_id: request.id,
                kind: kind.to_owned(),
                actor_user_id: caller.user_id(),
                actor_label: caller.label().to_owned(),
                body: text,
                data: Json(json!({ "controller": controller.organisation, "establishments": request.scope_establishments.0 })),
                occurred_at: tx.now.naive_utc(),
            },
        )?;
        if !competent && tx.notifies() {
            let people: Vec<_> = controller_people(tx.conn, &stored(&request))?
                .into_iter()
                .filter(|p| Some(p.id) != caller.user_id())
                .collect();
            let payload = json!({
                "reference": "",
                "path": format!("/api/v1/rights-requests/{}", request.id),
                "request": {
                    "right": right,
                    "summary": request.summary,
                    "received": french::date_time(request.received_at.and_utc(), zone),
                    "received_by": caller.label(),
                    "controller": controller.label,
                    "reason": controller.reason,
                    "due": due,
                },
            });
            outbox::announce(tx.conn, tx.now, &people, Notice::RightsRequestForwarded, &payload)?;
        }
        view(tx.conn, request)
    })
    .await
}
