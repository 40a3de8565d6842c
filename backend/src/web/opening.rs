//! Opening a ticket, in two steps: the school and the category, then the form with the
//! technical-file elements that category requires — asked now, so that an escalation to the
//! vendor never lacks them. A correspondent who already solved it records the solution: the
//! ticket is created closed at level 0, for the figures.

use std::collections::BTreeMap;

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpResponse};
use chrono::{NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::render::{page, Frame};
use super::session::{SignedIn, WebError};
use crate::auth::secrets;
use crate::domain::technical_file::{Profile, TechnicalElement, TechnicalFile};
use crate::error::AppError;
use crate::services::idempotency::{IdempotentRequest, Keyed};
use crate::services::tickets::open::{self, OpenTicket};
use crate::services::tickets::opening_form::{self, Choice, OpeningChoices};
use crate::state::AppState;

fn element_label(element: TechnicalElement) -> &'static str {
    match element {
        TechnicalElement::AffectedProfiles => "Profils concernés",
        TechnicalElement::UsersAffected => "Nombre d'utilisateurs concernés",
        TechnicalElement::BrowserDevice => "Navigateur et appareil utilisés",
        TechnicalElement::OccurredAt => "Date et heure du problème",
        TechnicalElement::StepsToReproduce => "Étapes pour reproduire le problème",
        TechnicalElement::ErrorMessage => "Message d'erreur affiché",
        TechnicalElement::Url => "Adresse (URL) de la page en cause",
    }
}

fn element_input(element: TechnicalElement) -> &'static str {
    match element {
        TechnicalElement::AffectedProfiles => "profiles",
        TechnicalElement::UsersAffected => "number",
        TechnicalElement::OccurredAt => "datetime-local",
        TechnicalElement::Url => "url",
        TechnicalElement::StepsToReproduce | TechnicalElement::ErrorMessage => "textarea",
        TechnicalElement::BrowserDevice => "text",
    }
}

fn profile_label(profile: Profile) -> &'static str {
    match profile {
        Profile::Pupil => "Élèves",
        Profile::Parent => "Parents",
        Profile::Teacher => "Enseignants",
        Profile::Staff => "Personnels",
    }
}

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

/// What the form was filled with, field by field (a field may come several times: the
/// profiles).
type Filled = BTreeMap<String, Vec<String>>;

fn first<'a>(filled: &'a Filled, name: &str) -> &'a str {
    filled
        .get(name)
        .and_then(|v| v.first())
        .map_or("", String::as_str)
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
    let fields: Vec<Value> = opening
        .elements
        .iter()
        .map(|e| {
            let name = e.as_str();
            let profiles: Vec<Value> = Profile::ALL
                .iter()
                .map(|p| {
                    json!({ "value": p.as_str(), "label": profile_label(*p),
                        "checked": filled.get(name).is_some_and(|v| v.iter().any(|x| x == p.as_str())) })
                })
                .collect();
            json!({
                "name": name,
                "label": element_label(*e),
                "input": element_input(*e),
                "is_profiles": *e == TechnicalElement::AffectedProfiles,
                "is_textarea": element_input(*e) == "textarea",
                "profiles": profiles,
                "value": first(filled, name),
                "error": errors.get(name),
            })
        })
        .collect();
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

/// The technical file as filled, and what is wrong with it.
fn technical_file(
    filled: &Filled,
    elements: &[TechnicalElement],
    errors: &mut BTreeMap<String, String>,
) -> TechnicalFile {
    let text = |name: &str| Some(first(filled, name).trim().to_owned()).filter(|t| !t.is_empty());
    let mut file = TechnicalFile {
        affected_profiles: filled
            .get("affected_profiles")
            .into_iter()
            .flatten()
            .filter_map(|p| p.parse().ok())
            .collect(),
        browser_device: text("browser_device"),
        steps_to_reproduce: text("steps_to_reproduce"),
        error_message: text("error_message"),
        url: text("url"),
        ..TechnicalFile::default()
    };
    if let Some(n) = text("users_affected") {
        match n.parse::<u32>() {
            Ok(n) => file.users_affected = Some(n),
            Err(_) => {
                errors.insert(
                    "users_affected".into(),
                    "Indiquez un nombre entier, par exemple 30.".into(),
                );
            }
        }
    }
    if let Some(at) = text("occurred_at") {
        let local = NaiveDateTime::parse_from_str(&at, "%Y-%m-%dT%H:%M")
            .ok()
            .and_then(|t| chrono_tz::Europe::Paris.from_local_datetime(&t).earliest());
        match local {
            Some(t) => file.occurred_at = Some(t.with_timezone(&Utc)),
            None => {
                errors.insert(
                    "occurred_at".into(),
                    "Indiquez une date et une heure, par exemple 06/12/2026 14:05.".into(),
                );
            }
        }
    }
    for element in elements {
        if !file.has(*element) && !errors.contains_key(element.as_str()) {
            errors.insert(
                element.as_str().to_owned(),
                format!(
                    "{} : à renseigner pour cette catégorie.",
                    element_label(*element)
                ),
            );
        }
    }
    file
}

/// `POST /tickets/nouveau`: opens the ticket and shows it.
#[post("/tickets/nouveau")]
pub async fn submit(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let mut filled = Filled::new();
    for (name, value) in url::form_urlencoded::parse(&body) {
        filled
            .entry(name.into_owned())
            .or_default()
            .push(value.into_owned());
    }
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
    let file = technical_file(&filled, wanted, &mut errors);
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
