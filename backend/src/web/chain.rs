//! The forms that move a ticket along the chain, on its page: the guichet qualifies it and
//! orients it (by the authority's rules, or by hand to a queue with a reason); whoever
//! received a hand-off may refuse it, with a reason; whoever holds it escalates it to the
//! vendor (the elements its technical file lacks shown next to their fields), the vendor's
//! agent answers or moves it to level 3; whoever it waits for gives the information; the
//! guichet declares a major incident and links tickets to it.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::forms::Notice;
use super::forms::{self, FormCommon};
use super::session::{SignedIn, WebError};
use super::technical_fields::{self, element_label, first};
use super::ticket::{after_change, render_with, submit, try_submit, FormErrors};
use crate::domain::priority::Level3;
use crate::domain::technical_file::{EscalationJustification, TechnicalElement};
use crate::services::tickets::actions::{
    DeclareMajor, InformationRequest, LinkChild, QualifyRequest, RefuseRequest, RouteRequest,
};
use crate::services::tickets::escalation::{AnswerKind, EscalateRequest, VendorAnswer};
use crate::services::tickets::page::{ticket_page, TicketPage};
use crate::state::AppState;

fn level_label(level: Level3) -> &'static str {
    match level {
        Level3::High => "Élevé",
        Level3::Medium => "Moyen",
        Level3::Low => "Faible",
    }
}

fn levels(chosen: Level3) -> Vec<Value> {
    Level3::ALL
        .iter()
        .map(|l| json!({ "value": l.as_str(), "label": level_label(*l), "selected": *l == chosen }))
        .collect()
}

fn justification_label(j: EscalationJustification) -> &'static str {
    match j {
        EscalationJustification::ProvenMalfunction => "Dysfonctionnement avéré",
        EscalationJustification::UnresolvedAtLevel1 => "Demande non résolue au niveau 1",
    }
}

fn answer_label(kind: AnswerKind) -> &'static str {
    match kind {
        AnswerKind::Question => "Question à l'autorité (le ticket attend sa réponse)",
        AnswerKind::Workaround => "Contournement (le ticket reste ouvert)",
        AnswerKind::Solution => "Solution (le ticket est résolu)",
    }
}

fn missing_message(element: TechnicalElement) -> String {
    format!(
        "{} : manquant, requis pour l'escalade au titulaire.",
        element_label(element)
    )
}

/// The escalation form: the elements the category requires, as the file holds them (or as
/// a refused form sent them), each one missing marked next to its field.
fn escalation(read: &TicketPage, refused: &FormErrors) -> Value {
    let Some(asked) = &read.moves.escalate else {
        return Value::Null;
    };
    let (filled, errors) = if refused.errors.is_empty() {
        let missing = asked
            .missing
            .iter()
            .map(|e| (e.as_str().to_owned(), missing_message(*e)))
            .collect();
        (
            technical_fields::from_file(&read.ticket.technical_file),
            missing,
        )
    } else {
        (refused.filled.clone(), refused.errors.clone())
    };
    let chosen = first(&filled, "justification");
    json!({
        "to_level": asked.to_level,
        "to_vendor": asked.to_level == 2,
        "fields": technical_fields::fields(&asked.required, &filled, &errors),
        "missing": !errors.is_empty(),
        "justification_error": errors.get("justification"),
        "justifications": EscalationJustification::ALL.iter().map(|j| json!({
            "value": j.as_str(), "label": justification_label(*j), "selected": j.as_str() == chosen,
        })).collect::<Vec<_>>(),
    })
}

/// What the ticket's page shows of these forms.
pub fn forms(read: &TicketPage, refused: &FormErrors) -> Value {
    let ticket = &read.ticket;
    let moves = &read.moves;
    let categories: Vec<Value> = if moves.qualify {
        read.categories
            .iter()
            .map(|(code, label)| json!({ "selected": *code == ticket.category, "value": code, "label": label }))
            .collect()
    } else {
        Vec::new()
    };
    json!({
        "qualify": moves.qualify,
        "route": moves.route,
        "refuse": moves.refuse,
        "targets": moves.targets,
        "categories": categories,
        "impacts": levels(ticket.impact),
        "urgencies": levels(ticket.urgency),
        "escalate": escalation(read, refused),
        "vendor_answer": moves.vendor_answer,
        "answers": AnswerKind::ALL.iter().map(|k| json!({
            "value": k.as_str(), "label": answer_label(*k),
        })).collect::<Vec<_>>(),
        "provide_information": moves.provide_information,
        "comment": moves.comment,
        "by_rule": moves.by_rule.as_ref().map(|sim| json!({
            "queue": sim.queue,
            "rule": sim.rule.as_ref().map(|r| format!("« {} » (position {})", r.name, r.position)),
            "why": sim.why,
        })),
        "declare_major": moves.declare_major,
        "link_children": moves.link_children,
    })
}

#[derive(Debug, Deserialize)]
pub struct QualifyForm {
    #[serde(flatten)]
    common: FormCommon,
    #[serde(default)]
    category: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    urgency: String,
}

/// `POST /tickets/{reference}/qualification`.
#[post("/tickets/{reference}/qualification")]
pub async fn qualify(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form: QualifyForm = forms::read(&body)?;
    let change = QualifyRequest {
        category: Some(form.category).filter(|c| !c.is_empty()),
        ticket_type: None,
        impact: form.impact.parse().ok(),
        urgency: form.urgency.parse().ok(),
        technical_file: None,
    };
    let reference = path.into_inner();
    submit(&state, &signed_in, reference, (&form.common, &body), change).await
}

#[derive(Debug, Deserialize)]
pub struct RouteForm {
    #[serde(flatten)]
    common: FormCommon,
    /// `regle` (by the rules) or `main` (by hand).
    #[serde(default)]
    mode: String,
    #[serde(default)]
    queue: String,
    #[serde(default)]
    reason: String,
}

/// `POST /tickets/{reference}/orientation`.
#[post("/tickets/{reference}/orientation")]
pub async fn route(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form: RouteForm = forms::read(&body)?;
    let by_rule = form.mode == "regle";
    let change = RouteRequest {
        by_rule,
        queue: Some(form.queue).filter(|q| !by_rule && !q.is_empty()),
        reason: Some(form.reason).filter(|r| !by_rule && !r.trim().is_empty()),
        external_reference: None,
    };
    let reference = path.into_inner();
    submit(&state, &signed_in, reference, (&form.common, &body), change).await
}

/// A form whose one field is a text: a refusal's reason, an answer, the information given.
#[derive(Debug, Deserialize)]
pub struct TextForm {
    #[serde(flatten)]
    common: FormCommon,
    #[serde(default)]
    body: String,
    /// What kind of answer (the vendor's form only).
    #[serde(default)]
    kind: String,
}

/// `POST /tickets/{reference}/refus`.
#[post("/tickets/{reference}/refus")]
pub async fn refuse(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form: TextForm = forms::read(&body)?;
    let change = RefuseRequest { reason: form.body };
    let reference = path.into_inner();
    submit(&state, &signed_in, reference, (&form.common, &body), change).await
}

/// `POST /tickets/{reference}/reponse-titulaire`: the vendor's agent answers.
#[post("/tickets/{reference}/reponse-titulaire")]
pub async fn vendor_answer(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form: TextForm = forms::read(&body)?;
    let kind = form.kind.parse::<AnswerKind>().map_err(|_| {
        crate::error::AppError::invalid_field("kind", "unknown_value", "type de réponse inconnu")
    })?;
    let change = VendorAnswer {
        kind,
        body: form.body,
    };
    let reference = path.into_inner();
    submit(&state, &signed_in, reference, (&form.common, &body), change).await
}

/// `POST /tickets/{reference}/information`: the information the ticket waits for.
#[post("/tickets/{reference}/information")]
pub async fn provide_information(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form: TextForm = forms::read(&body)?;
    let change = InformationRequest { body: form.body };
    let reference = path.into_inner();
    submit(&state, &signed_in, reference, (&form.common, &body), change).await
}

/// `POST /tickets/{reference}/escalade`: to the vendor (with the elements the file lacks),
/// or to level 3. Refused by the gate, the page shows each missing element next to its
/// field, with what was typed kept.
#[post("/tickets/{reference}/escalade")]
pub async fn escalate(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let common: FormCommon = forms::read(&body)?;
    let filled = technical_fields::filled(&body);
    let mut errors = BTreeMap::new();
    let file = technical_fields::technical_file(&filled, &[], &mut errors);
    let reference = path.into_inner();
    let mut notice = None;
    if errors.is_empty() {
        let change = EscalateRequest {
            justification: first(&filled, "justification").parse().ok(),
            technical_file: Some(file),
        };
        let sent = (&common, &body[..]);
        match try_submit(&state, &signed_in, reference.clone(), sent, change).await? {
            Ok(()) => return Ok(after_change(&reference)),
            Err(refused) => {
                for field in &refused.fields {
                    let name = field.field.trim_start_matches("technical_file.");
                    let message = match name.parse::<TechnicalElement>() {
                        Ok(element) => missing_message(element),
                        Err(_) => "Choisissez le motif de l'escalade.".to_owned(),
                    };
                    errors.insert(name.to_owned(), message);
                }
                notice = Some(refused);
            }
        }
    }
    let (status, notice) = match notice {
        Some(refused) => (StatusCode::CONFLICT, refused),
        None => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Notice {
                title: "Formulaire incomplet",
                message: "Corrigez les champs signalés du dossier technique.".to_owned(),
                fields: Vec::new(),
                since: None,
            },
        ),
    };
    let read = ticket_page(&state, &signed_in.session.caller, reference).await?;
    let refused = FormErrors { filled, errors };
    Ok(render_with(
        &state,
        &signed_in,
        status,
        &read,
        Some(notice),
        &refused,
    ))
}

/// `POST /tickets/{reference}/incident-majeur`: the guichet declares a major incident.
#[post("/tickets/{reference}/incident-majeur")]
pub async fn declare_major(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form: FormCommon = forms::read(&body)?;
    let reference = path.into_inner();
    submit(&state, &signed_in, reference, (&form, &body), DeclareMajor).await
}

/// `POST /tickets/{reference}/rattachement`: links another ticket to the major incident.
#[post("/tickets/{reference}/rattachement")]
pub async fn link_child(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form: TextForm = forms::read(&body)?;
    let change = LinkChild {
        child: form.body.trim().to_uppercase(),
    };
    let reference = path.into_inner();
    submit(&state, &signed_in, reference, (&form.common, &body), change).await
}
