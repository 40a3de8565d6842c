//! Escalation to the vendor and the vendor's answers. Level 1 → 2 only with a justification
//! and a complete technical file (the required elements per category are data); 2 → 3 inside
//! the vendor. Every vendor answer is a journal event signed by its account.

use chrono::{DateTime, Utc};
use diesel::Connection;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::access::visible_ticket;
use super::actions::{change_status, hop, move_to, StatusChange};
use super::journal::{record_by, Entry, Visibility};
use super::open::text_field;
use super::read::fresh_view;
use super::routing::territory_vendor;
use super::views::TicketView;
use super::{check_version, save};
use crate::db::models::Queue;
use crate::db::repo::{
    establishments, organisations, queues, technical_file_requirements, ticket_hops,
};
use crate::db::DbConn;
use crate::domain::reference_kinds::{CompetenceDomain, OrganisationKind};
use crate::domain::role::Role;
use crate::domain::technical_file::{
    check_escalation, EscalationJustification, EscalationRefusal, TechnicalElement, TechnicalFile,
};
use crate::domain::ticket_lifecycle::{is_final, Party, PendingReason, TicketAction, TicketStatus};
use crate::error::{AppError, FieldError};
use crate::services::audit;
use crate::services::caller::{Caller, GrantScope};
use crate::text_enum;

/// Asked when a category lists no requirement of its own.
const DEFAULT_REQUIREMENTS: [TechnicalElement; 4] = [
    TechnicalElement::AffectedProfiles,
    TechnicalElement::OccurredAt,
    TechnicalElement::StepsToReproduce,
    TechnicalElement::ErrorMessage,
];

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalateRequest {
    /// Required from level 1: a proven malfunction, or a request unresolved at level 1.
    #[serde(default)]
    pub justification: Option<EscalationJustification>,
    /// Elements to add to the ticket's technical file first.
    #[serde(default)]
    pub technical_file: Option<TechnicalFile>,
}

fn refusal(refusal: EscalationRefusal) -> AppError {
    match refusal {
        EscalationRefusal::NotAtLevelOne(level) => AppError::Conflict {
            code: "invalid_transition",
            detail: format!("Seul un ticket de niveau 1 s'escalade au titulaire (niveau {level})"),
        },
        EscalationRefusal::MissingJustification => AppError::invalid_field(
            "justification",
            "required",
            "proven_malfunction ou unresolved_at_level_1",
        ),
        EscalationRefusal::MissingElements(missing) => AppError::Invalid {
            code: "incomplete_technical_file",
            detail: format!(
                "Dossier technique incomplet : il manque {}",
                missing
                    .iter()
                    .map(|e| e.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            errors: missing
                .iter()
                .map(|e| {
                    FieldError::new(
                        format!("technical_file.{e}"),
                        "missing",
                        "élément requis pour l'escalade",
                    )
                })
                .collect(),
        },
    }
}

fn required_elements(conn: &mut DbConn, category: &str) -> Result<Vec<TechnicalElement>, AppError> {
    let required = technical_file_requirements::for_category(conn, category)?;
    if required.is_empty() {
        return Ok(DEFAULT_REQUIREMENTS.to_vec());
    }
    Ok(required)
}

fn vendor_queue(conn: &mut DbConn, vendor_id: i64, level: i32) -> Result<Queue, AppError> {
    queues::of_organisation(
        conn,
        vendor_id,
        Some(CompetenceDomain::VendorSupport.as_str()),
        Some(level),
    )?
    .into_iter()
    .next()
    .ok_or_else(|| AppError::Conflict {
        code: "routing_target_missing",
        detail: format!("Le titulaire n'a pas de file de niveau {level}"),
    })
}

/// Level 1 → the territory vendor's level 2; level 2 → its level 3.
pub fn escalate(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
    if_match: Option<i32>,
    request: EscalateRequest,
    now: DateTime<Utc>,
) -> Result<TicketView, AppError> {
    let (mut ticket, access) = visible_ticket(conn, caller, reference)?;
    if !(access.is(Party::Handler) || access.is(Party::Guichet)) {
        return Err(audit::deny(conn, caller, "escalader un ticket", now));
    }
    check_version(&ticket, if_match)?;
    let status: TicketStatus = ticket.status;
    if is_final(status) || status == TicketStatus::Resolved {
        return Err(AppError::Conflict {
            code: "invalid_transition",
            detail: format!("Un ticket {status} ne s'escalade pas"),
        });
    }
    let mut file = ticket.technical_file.0.clone();
    if let Some(update) = request.technical_file {
        file.merge(update);
    }
    let (target, justification) = if ticket.level == 2 {
        if !access.is(Party::Handler) {
            return Err(audit::deny(
                conn,
                caller,
                "passer un ticket au niveau 3",
                now,
            ));
        }
        let vendor = ticket.vendor_id.unwrap_or_default();
        (vendor_queue(conn, vendor, 3)?, None)
    } else {
        let required = required_elements(conn, &ticket.category_code)?;
        let justification =
            check_escalation(ticket.level as u8, request.justification, &file, &required)
                .map_err(refusal)?;
        let (_, authority, _) = establishments::find(conn, &ticket.establishment_uai)?
            .ok_or_else(|| AppError::Internal("ticket without establishment".into()))?;
        let vendor = territory_vendor(conn, &authority)?;
        (vendor_queue(conn, vendor.id, 2)?, Some(justification))
    };
    conn.transaction(|conn| {
        if let Some(current) = ticket_hops::current(conn, ticket.id)? {
            ticket_hops::first_response(conn, current.id, now.naive_utc())?;
        }
        let reason = match justification {
            Some(j) => format!("escalade au titulaire : {j}"),
            None => "passage au niveau 3".to_owned(),
        };
        hop(conn, &ticket, &target, &reason, None, None, now)?;
        move_to(conn, &mut ticket, &target)?;
        ticket.technical_file.0 = file;
        if let Some(j) = justification {
            ticket.escalation_justification = Some(j);
        }
        let version = ticket.version;
        let ticket = save(conn, ticket, version, now)?;
        let entry = Entry::public(
            "escalated",
            json!({ "level": ticket.level, "queue": target.code, "justification": justification }),
        );
        record_by(conn, caller, &access, ticket.id, entry, now)?;
        fresh_view(conn, caller, ticket)
    })
}

text_enum! {
    /// What a vendor answers.
    AnswerKind {
        /// Asks the authority for information: the ticket waits, pending(vendor_info).
        Question => "question",
        /// A way around the problem; the ticket stays open.
        Workaround => "workaround",
        /// The solution: the ticket is resolved.
        Solution => "solution",
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorAnswer {
    pub kind: AnswerKind,
    pub body: String,
}

/// A vendor agent (or its service account) answers a ticket held in the vendor's queue.
pub fn answer(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
    if_match: Option<i32>,
    request: VendorAnswer,
    now: DateTime<Utc>,
) -> Result<TicketView, AppError> {
    let (ticket, access) = visible_ticket(conn, caller, reference)?;
    let vendor_handler = access.is(Party::Handler)
        && caller.grants.iter().any(|g| {
            g.role == Role::VendorAgent
                && matches!(g.scope, GrantScope::Organisation { id, .. } if id == access.current_queue.organisation_id)
        });
    let held_by_vendor = organisations::find(conn, access.current_queue.organisation_id)?
        .is_some_and(|o| o.kind == OrganisationKind::Vendor);
    if !(vendor_handler && held_by_vendor) {
        return Err(audit::deny(
            conn,
            caller,
            "répondre au nom du titulaire",
            now,
        ));
    }
    check_version(&ticket, if_match)?;
    let body = text_field("body", &request.body, 20_000)?;
    let status: TicketStatus = ticket.status;
    if is_final(status) || status == TicketStatus::Resolved {
        return Err(AppError::Conflict {
            code: "invalid_transition",
            detail: format!("Le ticket est {status} : il n'attend plus de réponse"),
        });
    }
    conn.transaction(|conn| {
        if let Some(current) = ticket_hops::current(conn, ticket.id)? {
            ticket_hops::first_response(conn, current.id, now.naive_utc())?;
        }
        let ticket = match request.kind {
            AnswerKind::Question => change_status(
                conn,
                caller,
                &access,
                ticket,
                StatusChange {
                    to: TicketStatus::Pending,
                    action: TicketAction::Suspend,
                    pending_reason: Some(PendingReason::VendorInfo),
                    resolution: None,
                },
                now,
            )?,
            AnswerKind::Solution => change_status(
                conn,
                caller,
                &access,
                ticket,
                StatusChange {
                    to: TicketStatus::Resolved,
                    action: TicketAction::Resolve,
                    pending_reason: None,
                    resolution: Some(body.clone()),
                },
                now,
            )?,
            AnswerKind::Workaround => ticket,
        };
        let (kind, visibility) = match request.kind {
            AnswerKind::Question => ("vendor_question", Visibility::Internal),
            AnswerKind::Workaround => ("vendor_workaround", Visibility::Public),
            AnswerKind::Solution => ("vendor_solution", Visibility::Public),
        };
        let entry = Entry {
            kind,
            visibility,
            body: Some(&body),
            data: json!({ "level": ticket.level }),
        };
        record_by(conn, caller, &access, ticket.id, entry, now)?;
        fresh_view(conn, caller, ticket)
    })
}
