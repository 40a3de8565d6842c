//! Opening a ticket (a correspondent): it enters at level 1 in the guichet queue of the
//! school's authority, unless a rule applying at opening sends it straight to its treating
//! queue; or it is recorded as solved at level 0.

use chrono::{DateTime, Datelike, Utc};
use diesel::Connection;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::journal::{record, Author, Entry};
use super::read::fresh_view;
use super::routing::{category as find_category, decide, domain_queue};
use super::views::TicketView;
use crate::db::models::{NewTicket, NewTicketHop};
use crate::db::repo::{establishments, organisations, ticket_hops, tickets};
use crate::db::text_columns::Json;
use crate::db::DbConn;
use crate::domain::priority::{priority, Level3};
use crate::domain::reference_kinds::{CompetenceDomain, OrganisationKind};
use crate::domain::role::Role;
use crate::domain::search_key::search_key;
use crate::domain::technical_file::TechnicalFile;
use crate::domain::ticket_lifecycle::{PendingReason, TicketStatus};
use crate::error::{AppError, FieldError};
use crate::services::audit;
use crate::services::caller::{Caller, GrantScope};
use crate::services::reference::parse_uai;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenTicket {
    /// UAI of one of the caller's establishments.
    pub establishment: String,
    pub title: String,
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
    pub solved_at_level_0: Option<String>,
}

/// Non-empty, bounded text.
pub fn text_field(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(AppError::invalid_field(
            field,
            "invalid_length",
            format!("de 1 à {max} caractères"),
        ));
    }
    Ok(value.to_owned())
}

/// The ticket reference `<TERRITORY>-<YEAR>-<6 digits>`.
fn reference(territory: &str, year: i32, sequence: i32) -> String {
    format!("{territory}-{year}-{sequence:06}")
}

pub fn open(
    conn: &mut DbConn,
    caller: &Caller,
    request: OpenTicket,
    now: DateTime<Utc>,
) -> Result<TicketView, AppError> {
    if !caller.has_role(Role::Correspondent) {
        return Err(audit::deny(conn, caller, "ouvrir un ticket", now));
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
    let category = find_category(conn, &request.category)?;
    let (establishment, authority, collectivite) = establishments::find(conn, uai.as_str())?
        .ok_or_else(|| AppError::not_found(format!("Aucun établissement d'UAI {uai}")))?;
    let guichet = domain_queue(conn, &authority, CompetenceDomain::Guichet)?;
    let decision = match resolution {
        Some(_) => None,
        None => decide(
            conn,
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
    let impact = request.impact.unwrap_or(Level3::Medium);
    let urgency = request.urgency.unwrap_or(Level3::Medium);
    let (current, level, status) = match (&resolution, &decision) {
        (Some(_), _) => (guichet.clone(), 0, TicketStatus::Closed),
        (None, Some(d)) => (d.queue.clone(), 1, TicketStatus::New),
        (None, None) => (guichet.clone(), 1, TicketStatus::New),
    };
    let third_party = decision.as_ref().and_then(|d| d.editor.clone());
    let vendor_id = match &decision {
        Some(d) => {
            let owner = organisations::find(conn, d.queue.organisation_id)?;
            owner
                .filter(|o| o.kind == OrganisationKind::Vendor)
                .map(|o| o.id)
        }
        None => None,
    };
    let paris_year = now.with_timezone(&chrono_tz::Europe::Paris).year();
    conn.transaction(|conn| {
        let sequence = tickets::next_sequence(conn, &territory, paris_year)?;
        let mut row = NewTicket {
            reference: reference(&territory, paris_year, sequence),
            territory_code: territory.clone(),
            establishment_uai: establishment.uai.clone(),
            requester_id: caller.user_id().unwrap_or_default(),
            title_search: search_key(&title),
            title: title.clone(),
            description: description.clone(),
            category_code: category.code.clone(),
            ticket_type: category.default_type,
            impact,
            urgency,
            priority: i32::from(priority(impact, urgency)),
            status,
            pending_reason: None,
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
        };
        if third_party.is_some() {
            row.status = TicketStatus::Pending;
            row.pending_reason = Some(PendingReason::ThirdParty);
        }
        let ticket = tickets::insert(conn, &row)?;
        let author = || Author::Caller(caller, None);
        record(
            conn,
            ticket.id,
            author(),
            Entry::public("opened", json!({ "level": level, "queue": current.code }))
                .with_body(&description),
            now,
        )?;
        if let Some(resolution) = &resolution {
            record(
                conn,
                ticket.id,
                author(),
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
        if let Some(d) = &decision {
            let rule = d
                .rule
                .as_ref()
                .map(|r| json!({ "id": r.id, "name": r.name }));
            record(
                conn,
                ticket.id,
                Author::System,
                Entry::internal(
                    "routed",
                    json!({ "queue": d.queue.code, "rule": rule, "why": d.why }),
                ),
                now,
            )?;
        }
        fresh_view(conn, caller, ticket)
    })
}
