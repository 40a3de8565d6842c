//! The technical-file elements as form fields: asked when opening a ticket (what its category
//! requires) and when escalating it to the vendor (what the file still lacks), labelled in
//! French, filled again after an error with the error next to its field.

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, TimeZone, Utc};
use serde_json::{json, Value};

use crate::domain::technical_file::{Profile, TechnicalElement, TechnicalFile};

pub fn element_label(element: TechnicalElement) -> &'static str {
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

/// What a form was filled with, field by field (a field may come several times: the
/// profiles).
pub type Filled = BTreeMap<String, Vec<String>>;

/// Reads a posted form into its fields.
pub fn filled(body: &[u8]) -> Filled {
    let mut filled = Filled::new();
    for (name, value) in url::form_urlencoded::parse(body) {
        filled
            .entry(name.into_owned())
            .or_default()
            .push(value.into_owned());
    }
    filled
}

/// The first value sent for `name` ("" when none).
pub fn first<'a>(filled: &'a Filled, name: &str) -> &'a str {
    filled
        .get(name)
        .and_then(|v| v.first())
        .map_or("", String::as_str)
}

/// How a stored file fills the fields (to show what it already holds).
pub fn from_file(file: &TechnicalFile) -> Filled {
    let mut filled = Filled::new();
    let mut put = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            filled.insert(name.to_owned(), vec![v]);
        }
    };
    put("users_affected", file.users_affected.map(|n| n.to_string()));
    put("browser_device", file.browser_device.clone());
    put(
        "occurred_at",
        file.occurred_at.map(|t| {
            t.with_timezone(&chrono_tz::Europe::Paris)
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        }),
    );
    put("steps_to_reproduce", file.steps_to_reproduce.clone());
    put("error_message", file.error_message.clone());
    put("url", file.url.clone());
    filled.insert(
        "affected_profiles".to_owned(),
        file.affected_profiles
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect(),
    );
    filled
}

/// The fields of `elements` for the `technical_fields` partial.
pub fn fields(
    elements: &[TechnicalElement],
    filled: &Filled,
    errors: &BTreeMap<String, String>,
) -> Vec<Value> {
    elements
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
        .collect()
}

/// The technical file as filled, and what is wrong with it: unreadable values, and the
/// `required` elements left empty.
pub fn technical_file(
    filled: &Filled,
    required: &[TechnicalElement],
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
    for element in required {
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
