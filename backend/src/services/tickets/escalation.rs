//! Escalation to the vendor and the vendor's answers. Level 1 → 2 only with a justification
//! and a complete technical file (the required elements per category are data); 2 → 3 inside
//! the vendor. Every vendor answer is a journal event signed by its account.

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::access::Access;
use super::journal::{Entry, Visibility};
use super::pipeline::{TicketChange, TicketWrite};
use super::routing::territory_vendor;
use super::views::TicketView;
use crate::db::models::Queue;
use crate::db::repo::{establishments, queues, technical_file_requirements};
use crate::db::DbConn;
use crate::domain::reference_kinds::{CompetenceDomain, OrganisationKind};
use crate::domain::role::Role;
use crate::domain::technical_file::{
    check_escalation, EscalationJustification, EscalationRefusal, TechnicalElement, TechnicalFile,
};
use crate::domain::ticket_lifecycle::{is_final, Party, PendingReason, TicketStatus};
use crate::error::{AppError, FieldError};
use crate::services::caller::{Caller, GrantScope};
use crate::services::text::text_field;
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
            "missing_justification",
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

/// Who escalates: whoever holds the ticket or its guichet; from level 2 to 3, only the
/// vendor holding it.
pub fn may_escalate(level: i32, access: &Access) -> bool {
    match level {
        2 => access.is(Party::Handler),
        _ => access.is(Party::Handler) || access.is(Party::Guichet),
    }
}

/// A vendor agent of the organisation holding the ticket answers in the vendor's name.
pub fn answers_for_vendor(caller: Option<&Caller>, access: &Access) -> bool {
    let held = access.current_queue.organisation_id;
    access.is(Party::Handler)
        && caller.is_some_and(|caller| {
            caller.grants.iter().any(|g| {
                g.role == Role::VendorAgent
                    && matches!(g.scope, GrantScope::Organisation { id, kind: OrganisationKind::Vendor, .. } if id == held)
            })
        })
}

pub fn required_elements(
    conn: &mut DbConn,
    category: &str,
) -> Result<Vec<TechnicalElement>, AppError> {
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
impl TicketChange for EscalateRequest {
    type Reply = TicketView;

    fn action(&self) -> &'static str {
        "escalate"
    }

    fn authorise(&self, w: &TicketWrite) -> Result<(), AppError> {
        if may_escalate(w.ticket.level, &w.access) {
            Ok(())
        } else if w.ticket.level == 2 {
            Err(w.deny("passer un ticket au niveau 3"))
        } else {
            Err(w.deny("escalader un ticket"))
        }
    }

    fn apply(self, w: &mut TicketWrite) -> Result<TicketView, AppError> {
        let status = w.ticket.status;
        if is_final(status) || status == TicketStatus::Resolved {
            return Err(AppError::Conflict {
                code: "invalid_transition",
                detail: format!("Un ticket {status} ne s'escalade pas"),
            });
        }
        let mut file = w.ticket.technical_file.0.clone();
        if let Some(update) = self.technical_file {
            file.merge(update);
        }
        let (target, justification) = if w.ticket.level == 2 {
            let vendor = w.ticket.vendor_id.unwrap_or_default();
            (vendor_queue(w.conn, vendor, 3)?, None)
        } else {
            let required = required_elements(w.conn, &w.ticket.category_code)?;
            let justification =
                check_escalation(w.ticket.level as u8, self.justification, &file, &required)
                    .map_err(refusal)?;
            let (_, authority, _) = establishments::find(w.conn, &w.ticket.establishment_uai)?
                .ok_or_else(|| AppError::Internal("ticket without establishment".into()))?;
            let vendor = territory_vendor(w.conn, &authority)?;
            (vendor_queue(w.conn, vendor.id, 2)?, Some(justification))
        };
        w.first_response()?;
        let reason = match justification {
            Some(j) => format!("escalade au titulaire : {j}"),
            None => "passage au niveau 3".to_owned(),
        };
        w.journal(Entry::public(
            "escalated",
            json!({ "level": target.level, "queue": target.code, "justification": justification }),
        ))?;
        w.hop_to(&target, &reason, None, None)?;
        w.ticket.technical_file.0 = file;
        if let Some(j) = justification {
            w.ticket.escalation_justification = Some(j);
        }
        w.view()
    }
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
    #[schema(
        min_length = 1,
        max_length = 20000,
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub body: String,
}

/// A vendor agent (or its service account) answers a ticket held in the vendor's queue.
impl TicketChange for VendorAnswer {
    type Reply = TicketView;

    fn action(&self) -> &'static str {
        "vendor_answer"
    }

    fn authorise(&self, w: &TicketWrite) -> Result<(), AppError> {
        if answers_for_vendor(w.caller, &w.access) {
            Ok(())
        } else {
            Err(w.deny("répondre au nom du titulaire"))
        }
    }

    fn apply(self, w: &mut TicketWrite) -> Result<TicketView, AppError> {
        let body = text_field("body", &self.body, 20_000)?;
        let status = w.ticket.status;
        if is_final(status) || status == TicketStatus::Resolved {
            return Err(AppError::Conflict {
                code: "invalid_transition",
                detail: format!("Le ticket est {status} : il n'attend plus de réponse"),
            });
        }
        w.first_response()?;
        let (kind, visibility) = match self.kind {
            AnswerKind::Question => ("vendor_question", Visibility::Internal),
            AnswerKind::Workaround => ("vendor_workaround", Visibility::Public),
            AnswerKind::Solution => ("vendor_solution", Visibility::Public),
        };
        w.journal(Entry {
            kind,
            visibility,
            body: Some(&body),
            data: json!({ "level": w.ticket.level }),
        })?;
        match self.kind {
            AnswerKind::Question => {
                w.ticket.status = TicketStatus::Pending;
                w.ticket.pending_reason = Some(PendingReason::VendorInfo);
            }
            AnswerKind::Solution => {
                w.ticket.status = TicketStatus::Resolved;
                w.ticket.pending_reason = None;
                w.ticket.resolution = Some(body.clone());
                w.ticket.resolved_at = Some(w.now.naive_utc());
            }
            AnswerKind::Workaround => {}
        }
        w.view()
    }
}
