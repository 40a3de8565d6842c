//! Outage records: written by the authorities' agents (or opened with a major incident and
//! ended with it), listed per territory.

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::{reads_territory, records_outages, unknown_territory};
use crate::db::models::{NewOutage, Outage, Ticket};
use crate::db::repo::{organisations, outages, queues, territories, tickets};
use crate::db::DbConn;
use crate::domain::availability::OutageService;
use crate::domain::reference_kinds::OrganisationKind;
use crate::error::AppError;
use crate::services::audit::{self, Actor, Event, Outcome};
use crate::services::caller::Caller;
use crate::services::text::text_field;
use crate::services::unit_of_work;
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutageRequest {
    /// Territory code.
    pub territory: String,
    /// Code of the académie (academic authority) when only it was concerned.
    #[serde(default)]
    pub academie: Option<String>,
    pub service: OutageService,
    pub started_at: DateTime<Utc>,
    /// Absent while the outage lasts.
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutageEnd {
    pub ended_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutageView {
    pub id: i64,
    pub territory: String,
    /// Code of the académie concerned; none for the whole territory.
    pub academie: Option<String>,
    pub service: OutageService,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Reference of the major incident it belongs to.
    pub major_incident: Option<String>,
    pub description: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

pub fn view(conn: &mut DbConn, o: Outage) -> Result<OutageView, AppError> {
    let academie = match o.academie_id {
        Some(id) => organisations::find(conn, id)?.map(|a| a.code),
        None => None,
    };
    let major_incident = match o.major_incident_id {
        Some(id) => tickets::find(conn, id)?.map(|t| t.reference),
        None => None,
    };
    Ok(OutageView {
        id: o.id,
        territory: o.territory_code,
        academie,
        service: o.service,
        started_at: o.started_at.and_utc(),
        ended_at: o.ended_at.map(|t| t.and_utc()),
        major_incident,
        description: o.description,
        recorded_by: o.recorded_by,
        recorded_at: o.recorded_at.and_utc(),
    })
}

/// An outage lies between 2000 and 2100; its end follows its start.
fn ends_after_start(started: DateTime<Utc>, ended: Option<DateTime<Utc>>) -> Result<(), AppError> {
    for (field, at) in [("started_at", Some(started)), ("ended_at", ended)] {
        if at.is_some_and(|t| !(2000..=2100).contains(&t.year())) {
            return Err(AppError::invalid_field(
                field,
                "out_of_range",
                "une indisponibilité se situe entre 2000 et 2100",
            ));
        }
    }
    match ended {
        Some(end) if end <= started => Err(AppError::invalid_field(
            "ended_at",
            "out_of_range",
            "la fin doit suivre le début",
        )),
        _ => Ok(()),
    }
}

/// Records an outage (an authority's agent or an admin of the territory).
pub async fn record(
    state: &AppState,
    caller: &Caller,
    request: OutageRequest,
) -> Result<OutageView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        let territory = request.territory.to_uppercase();
        if territories::find(tx.conn, &territory)?.is_none() || !reads_territory(caller, &territory)
        {
            return Err(AppError::invalid_field(
                "territory",
                "unknown_territory",
                format!("territoire {territory} inconnu"),
            ));
        }
        if !records_outages(caller, &territory) {
            return Err(audit::deny("consigner une indisponibilité"));
        }
        let description = text_field("description", &request.description, 2000)?;
        ends_after_start(request.started_at, request.ended_at)?;
        let academie_id = match &request.academie {
            Some(code) => Some(
                organisations::find_by_code(tx.conn, code)?
                    .filter(|o| {
                        o.kind == OrganisationKind::AcademicAuthority
                            && o.territory_code.as_deref() == Some(territory.as_str())
                    })
                    .ok_or_else(|| {
                        AppError::invalid_field(
                            "academie",
                            "unknown_academie",
                            format!("{code} n'est pas une académie du territoire {territory}"),
                        )
                    })?
                    .id,
            ),
            None => None,
        };
        let row = outages::insert(
            tx.conn,
            &NewOutage {
                territory_code: territory.clone(),
                academie_id,
                service: request.service,
                started_at: request.started_at.naive_utc(),
                ended_at: request.ended_at.map(|t| t.naive_utc()),
                major_incident_id: None,
                description,
                recorded_by: caller.label().to_owned(),
                recorded_at: tx.now.naive_utc(),
            },
        )?;
        let event = Event::new("outage_recorded", Outcome::Success, Actor::of(caller))
            .territory(Some(&territory))
            .target(format!("outage:{}", row.id))
            .detail(json!({ "service": row.service }));
        audit::record(tx.conn, event, tx.now)?;
        view(tx.conn, row)
    })
    .await
}

/// Ends an outage that lasts (409 `outage_ended` if it is over); 404 outside the caller's
/// territories.
pub async fn end(
    state: &AppState,
    caller: &Caller,
    id: i64,
    request: OutageEnd,
) -> Result<OutageView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        let missing = || AppError::not_found(format!("Aucune indisponibilité {id}"));
        let outage = outages::find(tx.conn, id)?.ok_or_else(missing)?;
        if !reads_territory(caller, &outage.territory_code) {
            return Err(missing());
        }
        if !records_outages(caller, &outage.territory_code) {
            return Err(audit::deny("clore une indisponibilité"));
        }
        ends_after_start(outage.started_at.and_utc(), Some(request.ended_at))?;
        // The update only takes a lasting outage: of concurrent ends, one wins, the others
        // are told it is over.
        if outages::end(tx.conn, id, request.ended_at.naive_utc())? == 0 {
            return Err(AppError::Conflict {
                code: "outage_ended",
                detail: format!("L'indisponibilité {id} est déjà close"),
            });
        }
        let ended = outages::find(tx.conn, id)?.ok_or_else(missing)?;
        view(tx.conn, ended)
    })
    .await
}

/// The outages of a territory overlapping `[from, to)`.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    territory: String,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<OutageView>, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        if territories::find(tx.conn, &territory)?.is_none() || !reads_territory(caller, &territory)
        {
            return Err(unknown_territory(&territory));
        }
        outages::overlapping(tx.conn, &territory, from.naive_utc(), to.naive_utc())?
            .into_iter()
            .map(|o| view(tx.conn, o))
            .collect()
    })
    .await
}

/// The outage a major incident opens: the ENT of its territory, from the declaration, for
/// its académie when the owner is one; the authority may correct it.
pub fn open_for_major_incident(
    conn: &mut DbConn,
    ticket: &Ticket,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Outage, AppError> {
    let owner = queues::find(conn, ticket.owner_queue_id)?
        .map(|q| q.organisation_id)
        .map(|id| organisations::find(conn, id))
        .transpose()?
        .flatten();
    let academie_id = owner
        .filter(|o| o.kind == OrganisationKind::AcademicAuthority)
        .map(|o| o.id);
    Ok(outages::insert(
        conn,
        &NewOutage {
            territory_code: ticket.territory_code.clone(),
            academie_id,
            service: OutageService::EntPlatform,
            started_at: now.naive_utc(),
            ended_at: None,
            major_incident_id: Some(ticket.id),
            description: format!("Incident majeur {} : {}", ticket.reference, ticket.title),
            recorded_by: by.to_owned(),
            recorded_at: now.naive_utc(),
        },
    )?)
}

/// Ends the outages of a major incident whose treatment is over.
pub fn end_for_major_incident(
    conn: &mut DbConn,
    ticket: &Ticket,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    outages::end_of_major_incident(conn, ticket.id, now.naive_utc())?;
    Ok(())
}
