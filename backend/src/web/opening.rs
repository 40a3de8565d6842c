//! Opening a ticket, in two steps: the school and the category, then the form with the
//! technical-file elements that category requires — asked now, so that an escalation to the
//! vendor never lacks them. A correspondent who already solved it records the solution: the
//! ticket is created closed at level 0, for the figures.

use std::collections::BTreeMap;

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::render::{page, Frame};
use super::session::{SignedIn, WebError};
use super::technical_fields::{self, first, Filled};
use crate::auth::secrets;
use crate::domain::technical_file::TechnicalElement;
use crate::error::AppError;
use crate::services::idempotency::{IdempotentRequest, Keyed};
use crate::services::tickets::open::{self, OpenTicket};
use crate::services::tickets::opening_form::{self, Choice, OpeningChoices};
use crate::state::AppState;

fn frame(state: &AppState, signed_in: &SignedIn, title: &str) -> Frame {
    Frame::signed_in(
        &signed_in.session,
        state.settings.web_state_brand,
        "nouveau",
        title,
    )
}

fn choose_page(
    state: &AppState,
    signed_in: &SignedIn,
    choices: &OpeningChoices,
    error: Option<&str>,
) -> HttpResponse {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page(
        status,
        "opening_choose",
        &frame(state, signed_in, "Ouvrir un ticket — étape 1 sur 2"),
        json!({ "schools": choices.schools, "categories": choices.categories, "error": error }),
    )
}

/// `GET /tickets/nouveau`: step 1, the school and the category.
#[get("/tickets/nouveau")]
pub async fn choose(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, WebError> {
    let choices = opening_form::choices(&state, &signed_in.session.caller).await?;
    Ok(choose_page(&state, &signed_in, &choices, None))
}

#[derive(Debug, Deserialize)]
pub struct Chosen {
    #[serde(default)]
    etablissement: String,
    #[serde(default)]
    categorie: String,
}

/// The school and the category of step 1, with what the category requires.
struct Opening {
    school: Choice,
    category: Choice,
    elements: Vec<TechnicalElement>,
}

/// Step 2's page: the form, filled again with what was sent and the errors next to their
/// fields (and summed up at the top).
fn form_page(
    state: &AppState,
    signed_in: &SignedIn,
    status: StatusCode,
    opening: &Opening,
    filled: &Filled,
    errors: &BTreeMap<String, String>,
) -> HttpResponse {
    let fields = technical_fields::fields(&opening.elements, filled, errors);
    let summary: Vec<Value> = errors
        .iter()
        .map(|(field, message)| json!({ "field": field, "message": message }))
        .collect();
    page(
        status,
        "opening_form",
        &frame(state, signed_in, "Ouvrir un ticket — étape 2 sur 2"),
        json!({
            "school": opening.school,
            "category": opening.category,
            "fields": fields,
            "title": first(filled, "title"),
            "description": first(filled, "description"),
            "solved": first(filled, "solved"),
            "errors": summary,
            "title_error": errors.get("title"),
            "description_error": errors.get("description"),
            "key": match first(filled, "key") { "" => secrets::random_token(), key => key.to_owned() },
        }),
    )
}

/// The school and category of step 1, checked against what the caller may choose.
async fn chosen(
    state: &AppState,
    signed_in: &SignedIn,
    uai: &str,
    category: &str,
) -> Result<Result<Opening, HttpResponse>, WebError> {
    let caller = &signed_in.session.caller;
    let choices = opening_form::choices(state, caller).await?;
    let school = choices.schools.iter().find(|s| s.code == uai).cloned();
    let found = opening_form::required_elements(state, caller, category.to_owned()).await?;
    Ok(match (school, found) {
        (Some(school), Some((category, elements))) => Ok(Opening {
            school,
            category,
            elements,
        }),
        _ => Err(choose_page(
            state,
            signed_in,
            &choices,
            Some("Choisissez un de vos établissements et une catégorie."),
        )),
    })
}

/// `GET /tickets/nouveau/formulaire`: step 2, the form of that category.
#[get("/tickets/nouveau/formulaire")]
pub async fn form(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    query: web::Query<Chosen>,
) -> Result<HttpResponse, WebError> {
    let opening = match chosen(&state, &signed_in, &query.etablissement, &query.categorie).await? {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    Ok(form_page(
        &state,
        &signed_in,
        StatusCode::OK,
        &opening,
        &Filled::new(),
        &BTreeMap::new(),
    ))
}

/// `POST /tickets/nouveau`: opens the ticket and shows it.
#[post("/tickets/nouveau")]
pub async fn submit(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let filled = technical_fields::filled(&body);
    signed_in.check_form(first(&filled, "csrf"))?;
    let opening = match chosen(
        &state,
        &signed_in,
        first(&filled, "etablissement"),
        first(&filled, "categorie"),
    )
    .await?
    {
        Ok(found) => found,
        Err(page) => return Ok(page),
    };
    let mut errors = BTreeMap::new();
    let solved = Some(first(&filled, "solved").trim().to_owned()).filter(|s| !s.is_empty());
    // A ticket already solved needs no technical file: nobody will escalate it.
    let wanted: &[TechnicalElement] = if solved.is_some() {
        &[]
    } else {
        &opening.elements
    };
    let file = technical_fields::technical_file(&filled, wanted, &mut errors);
    for (name, label) in [("title", "l'objet"), ("description", "la description")] {
        if first(&filled, name).trim().is_empty() {
            errors.insert(name.to_owned(), format!("Indiquez {label}."));
        }
    }
    let request = OpenTicket {
        establishment: opening.school.code.clone(),
        title: first(&filled, "title").to_owned(),
        description: first(&filled, "description").to_owned(),
        category: opening.category.code.clone(),
        impact: None,
        urgency: None,
        technical_file: Some(file),
        solved_at_level_0: solved,
    };
    if errors.is_empty() {
        let caller = &signed_in.session.caller;
        let sent = json!(filled).to_string();
        let key = match first(&filled, "key") {
            "" => None,
            key => Some(IdempotentRequest::new(
                caller,
                key,
                "WEB open".to_owned(),
                sent.as_bytes(),
            )?),
        };
        match open::open(&state, caller, request, key).await {
            Ok(opened) => {
                let reference = match opened {
                    Keyed::Fresh(ticket) => ticket.reference,
                    // A form sent twice: the ticket the first one opened.
                    Keyed::Replayed(first) => first.body["reference"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                };
                return Ok(HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, format!("/tickets/{reference}")))
                    .finish());
            }
            Err(AppError::Invalid { errors: found, .. }) => {
                for e in found {
                    errors.insert(e.field.clone(), e.message.clone());
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(form_page(
        &state,
        &signed_in,
        StatusCode::UNPROCESSABLE_ENTITY,
        &opening,
        &filled,
        &errors,
    ))
}
