//! Opening a ticket (a correspondent): it enters at level 1 in the guichet queue of the
//! school's authority, unless a rule applying at opening sends it straight to its treating
//! queue; or it is recorded as solved at level 0.

use chrono::Datelike;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::journal::{record, Author, Entry};
use super::pipeline::idempotency_ttl;
use super::read::fresh_view;
use super::routing::{category as find_category, decide, domain_queue, Decision};
use super::views::TicketView;
use crate::db::models::{Category, Establishment, NewTicket, NewTicketHop, Queue};
use crate::db::repo::{
    establishments, organisations, service_level_policies, ticket_hops, tickets,
};
use crate::db::text_columns::Json;
use crate::domain::priority::{priority, Level3};
use crate::domain::reference_kinds::{CompetenceDomain, OrganisationKind};
use crate::domain::role::Role;
use crate::domain::search_key::search_key;
use crate::domain::technical_file::TechnicalFile;
use crate::domain::ticket_lifecycle::{PendingReason, TicketStatus};
use crate::error::{AppError, FieldError};
use crate::services::audit;
use crate::services::caller::{Caller, GrantScope};
use crate::services::idempotency::{self, IdempotentRequest, Keyed};
use crate::services::notifications::outbox;
use crate::services::reference::parse_uai;
use crate::services::service_levels::clocks;
use crate::services::stats::tallies;
use crate::services::text::text_field;
use crate::services::unit_of_work::{self, Tx};
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenTicket {
    /// UAI of one of the caller's establishments.
    pub establishment: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub title: String,
    #[schema(
        min_length = 1,
        max_length = 20000,
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub description: String,
    /// Category code (the guichet may requalify it).
    pub category: String,
    #[serde(default)]
    pub impact: Option<Level3>,
    #[serde(default)]
    pub urgency: Option<Level3>,
    #[serde(default)]
    pub technical_file: Option<TechnicalFile>,
    /// The resolution, when the correspondent solved it at level 0 and records it for the
    /// figures: the ticket is created closed at level 0.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 20000,
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub solved_at_level_0: Option<String>,
}

/// The ticket reference `<TERRITORY>-<YEAR>-<6 digits>`.
fn reference(territory: &str, year: i32, sequence: i32) -> String {
    format!("{territory}-{year}-{sequence:06}")
}

/// What an opening needs, checked before anything is written.
struct Opening {
    request: OpenTicket,
    title: String,
    description: String,
    resolution: Option<String>,
    establishment: Establishment,
    category: Category,
    guichet: Queue,
    decision: Option<Decision>,
    territory: String,
    year: i32,
}

/// Checks the caller and the request, and finds where the ticket enters.
fn prepare(tx: &mut Tx, caller: &Caller, request: OpenTicket) -> Result<Opening, AppError> {
    if !caller.has_role(Role::Correspondent) {
        return Err(audit::deny("ouvrir un ticket"));
    }
    let uai = parse_uai(&request.establishment)?;
    let mine = caller.grants.iter().any(|g| {
        g.role == Role::Correspondent
            && matches!(&g.scope, GrantScope::Establishment { uai: u, .. } if u == uai.as_str())
    });
    if !mine {
        return Err(AppError::Invalid {
            code: "field_not_allowed",
            detail: format!("Vous n'êtes pas correspondant de l'établissement {uai}"),
            errors: vec![FieldError::new(
                "establishment",
                "not_allowed",
                "hors de vos établissements",
            )],
        });
    }
    let title = text_field("title", &request.title, 200)?;
    let description = text_field("description", &request.description, 20_000)?;
    let resolution = request
        .solved_at_level_0
        .as_deref()
        .map(|r| text_field("solved_at_level_0", r, 20_000))
        .transpose()?;
    let category = find_category(tx.conn, &request.category)?;
    let (establishment, authority, collectivite) = establishments::find(tx.conn, uai.as_str())?
        .ok_or_else(|| AppError::not_found(format!("Aucun établissement d'UAI {uai}")))?;
    let guichet = domain_queue(tx.conn, &authority, CompetenceDomain::Guichet)?;
    let decision = match resolution {
        Some(_) => None,
        None => decide(
            tx.conn,
            &establishment,
            &authority,
            &collectivite,
            &category,
            true,
        )?,
    };
    let territory = authority.territory_code.clone().ok_or_else(|| {
        AppError::Internal(format!("authority {} has no territory", authority.code))
    })?;
    Ok(Opening {
        request,
        title,
        description,
        resolution,
        establishment,
        category,
        guichet,
        decision,
        territory,
        year: tx.now.with_timezone(&chrono_tz::Europe::Paris).year(),
    })
}

/// Takes the next reference number of the territory's year. Where writers run side by side
/// (PostgreSQL) it is taken in a transaction of its own, committed without waiting for the
/// disk (a later durable commit makes it durable too), so that concurrent openings do not
/// queue behind the sequence row for their whole transaction; a failed opening then leaves a
/// gap in the numbers, as a database sequence would. SQLite runs one writer at a time: there
/// the number is taken inside the opening's transaction.
async fn early_reference(
    state: &AppState,
    caller: &Caller,
    request: &OpenTicket,
) -> Result<Option<String>, AppError> {
    if state.writers.serialises_writers() {
        return Ok(None);
    }
    let request = request.clone();
    unit_of_work::write(state, caller, move |tx, caller| {
        let opening = prepare(tx, caller, request)?;
        crate::db::backend_specific::commit_without_waiting(tx.conn)?;
        let sequence = tickets::next_sequence(tx.conn, &opening.territory, opening.year)?;
        Ok(Some(reference(&opening.territory, opening.year, sequence)))
    })
    .await
}

/// Opens a ticket for one of the caller's establishments (a correspondent).
pub async fn open(
    state: &AppState,
    caller: &Caller,
    request: OpenTicket,
    key: Option<IdempotentRequest>,
) -> Result<Keyed<TicketView>, AppError> {
    let early = early_reference(state, caller, &request).await?;
    let ttl = idempotency_ttl(state);
    unit_of_work::write(state, caller, move |tx, caller| {
        idempotency::once(tx, key.as_ref(), ttl, 201, |tx| {
            open_in(tx, caller, request, early)
        })
    })
    .await
}

/// Opens a ticket inside a transaction already open, numbered `early` when a reference was
/// taken before, or next in its territory's year.
pub fn open_in(
    tx: &mut Tx,
    caller: &Caller,
    request: OpenTicket,
    early: Option<String>,
) -> Result<TicketView, AppError> {
    let opening = prepare(tx, caller, request)?;
    let reference = match early {
        Some(reference) => reference,
        None => {
            let sequence = tickets::next_sequence(tx.conn, &opening.territory, opening.year)?;
            reference(&opening.territory, opening.year, sequence)
        }
    };
    insert(tx, caller, opening, reference)
}

fn insert(
    tx: &mut Tx,
    caller: &Caller,
    opening: Opening,
    reference: String,
) -> Result<TicketView, AppError> {
    let Opening {
        request,
        title,
        description,
        resolution,
        establishment,
        category,
        guichet,
        decision,
        territory,
        ..
    } = opening;
    let now = tx.now;
    let notifies = tx.notifies();
    let conn = &mut *tx.conn;
    let impact = request.impact.unwrap_or(Level3::Medium);
    let urgency = request.urgency.unwrap_or(Level3::Medium);
    let (current, level, status) = match (&resolution, &decision) {
        (Some(_), _) => (guichet.clone(), 0, TicketStatus::Closed),
        (None, Some(d)) => (d.queue.clone(), 1, TicketStatus::New),
        (None, None) => (guichet.clone(), 1, TicketStatus::New),
    };
    let third_party = decision.as_ref().and_then(|d| d.editor.clone());
    // The policy of the moment: the ticket keeps it whatever versions come after.
    let policy = match resolution {
        Some(_) => None,
        None => service_level_policies::current(conn, &territory)?.map(|p| p.id),
    };
    let vendor_id = match &decision {
        Some(d) => organisations::find(conn, d.queue.organisation_id)?
            .filter(|o| o.kind == OrganisationKind::Vendor)
            .map(|o| o.id),
        None => None,
    };
    let (status, pending_reason) = match third_party {
        Some(_) => (TicketStatus::Pending, Some(PendingReason::ThirdParty)),
        None => (status, None),
    };
    let row = NewTicket {
        reference,
        territory_code: territory,
        establishment_uai: establishment.uai.clone(),
        requester_id: caller.user_id().unwrap_or_default(),
        title_search: search_key(&title),
        title,
        description: description.clone(),
        category_code: category.code.clone(),
        ticket_type: category.default_type,
        impact,
        urgency,
        priority: i32::from(priority(impact, urgency)),
        status,
        pending_reason,
        level,
        owner_queue_id: guichet.id,
        current_queue_id: current.id,
        technical_file: Json(request.technical_file.clone().unwrap_or_default()),
        vendor_id,
        third_party_editor_id: third_party.as_ref().map(|e| e.id),
        resolution: resolution.clone(),
        resolved_at: resolution.as_ref().map(|_| now.naive_utc()),
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
        version: 1,
        service_level_policy_id: policy,
    };
    let mut ticket = tickets::insert(conn, &row)?;
    tallies::ticket_changed(conn, None, &ticket)?;
    let author = Author::caller(caller, None);
    // The opening states where the ticket starts: the journal replays from here.
    let opened = record(
        conn,
        ticket.id,
        &author,
        Entry::public(
            "opened",
            json!({ "level": level, "queue": current.code, "status": status,
                    "pending_reason": pending_reason }),
        )
        .with_body(&description),
        now,
    )?;
    // The acknowledgement and the queue's notice commit with the ticket.
    if notifies {
        outbox::enqueue(conn, &ticket, std::slice::from_ref(&opened), now)?;
    }
    if let Some(resolution) = &resolution {
        record(
            conn,
            ticket.id,
            &author,
            Entry::public("solved_at_level_0", json!({})).with_body(resolution),
            now,
        )?;
    } else {
        ticket_hops::insert(
            conn,
            &NewTicketHop {
                ticket_id: ticket.id,
                from_queue_id: None,
                to_queue_id: current.id,
                reason: match &decision {
                    Some(_) => "ouverture : règle de routage directe".to_owned(),
                    None => "ouverture au guichet unique".to_owned(),
                },
                routing_rule_id: decision
                    .as_ref()
                    .and_then(|d| d.rule.as_ref())
                    .map(|r| r.id),
                entered_at: now.naive_utc(),
            },
        )?;
    }
    // The clocks start with the first stay (none for a ticket solved at level 0).
    if resolution.is_none() {
        clocks::keep(conn, &mut ticket, &author, "open", now)?;
    }
    if let Some(d) = &decision {
        let rule = d
            .rule
            .as_ref()
            .map(|r| json!({ "id": r.id, "name": r.name }));
        record(
            conn,
            ticket.id,
            &Author::system(),
            Entry::internal(
                "routed",
                json!({ "queue": d.queue.code, "rule": rule, "why": d.why }),
            ),
            now,
        )?;
    }
    fresh_view(conn, caller, ticket, now)
}
