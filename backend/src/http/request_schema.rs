//! Every JSON body is held to its schema in the OpenAPI document before any work is done: the
//! limits the document states (lengths, ranges, patterns) are the limits the service
//! enforces, and an invalid body is refused with 422 before the ticket's version or state is
//! looked at.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::error::ValidationErrorKind as Kind;
use jsonschema::{ValidationError, Validator};
use serde_json::{json, Value};

use crate::error::{AppError, FieldError};

/// The compiled schema of a component of the document.
fn validator(name: &str) -> Option<Arc<Validator>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Arc<Validator>>>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    cache
        .entry(name.to_owned())
        .or_insert_with(|| {
            let document = crate::openapi::document_value();
            document["components"]["schemas"].get(name)?;
            let root = json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "components": document["components"],
                "$ref": format!("#/components/schemas/{name}"),
            });
            jsonschema::validator_for(&root).ok().map(Arc::new)
        })
        .clone()
}

/// The cause of one schema violation, as the error catalogue names it, and its message.
fn cause(error: &ValidationError, field: &str) -> (&'static str, String) {
    let blank = error
        .instance
        .as_str()
        .is_some_and(|text| text.trim().is_empty());
    match &error.kind {
        Kind::MinLength { .. } | Kind::Pattern { .. } if blank => (
            "required",
            "texte requis (pas seulement des blancs)".to_owned(),
        ),
        Kind::MinLength { limit } if field.contains("password") => {
            ("weak_password", format!("{limit} caractères au moins"))
        }
        Kind::MinLength { limit } => ("invalid_value", format!("{limit} caractères au moins")),
        Kind::MaxLength { limit } => ("too_long", format!("{limit} caractères au plus")),
        Kind::Minimum { limit } => ("out_of_range", format!("au moins {limit}")),
        Kind::Maximum { limit } => ("out_of_range", format!("au plus {limit}")),
        Kind::Enum { options } => (
            "unknown_value",
            format!(
                "valeur inconnue ici ; valeurs admises : {}",
                options
                    .as_array()
                    .map(|o| o
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", "))
                    .unwrap_or_default()
            ),
        ),
        Kind::Pattern { .. } if field.ends_with("email") => {
            ("invalid_email", "adresse électronique invalide".to_owned())
        }
        Kind::Pattern { .. } => ("invalid_value", "forme refusée".to_owned()),
        _ => ("invalid_value", "valeur refusée".to_owned()),
    }
}

/// What is refused, by field: inside a `oneOf`/`anyOf` (a field that may also be `null`),
/// what the alternative the value meant refuses, not "this is not null".
fn refusals(error: &ValidationError) -> Vec<(String, &'static str, String)> {
    let here = error.instance_path.to_string();
    if let Kind::OneOfNotValid { context } | Kind::AnyOf { context } = &error.kind {
        let meant = context.iter().find(|branch| {
            !branch.is_empty()
                && !branch.iter().any(|e| {
                    matches!(e.kind, Kind::Type { .. }) && e.instance_path.to_string() == here
                })
        });
        if let Some(branch) = meant {
            return branch.iter().flat_map(refusals).collect();
        }
    }
    let field = field(error);
    let (code, message) = cause(error, &field);
    vec![(field, code, message)]
}

/// `/technical_file/users_affected` → `technical_file.users_affected`, `/muted/1` →
/// `muted[1]`: the paths the other refusals name.
fn field(error: &ValidationError) -> String {
    let path = error.instance_path.to_string();
    let mut dotted = String::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if segment.chars().all(|c| c.is_ascii_digit()) {
            dotted.push_str(&format!("[{segment}]"));
        } else {
            if !dotted.is_empty() {
                dotted.push('.');
            }
            dotted.push_str(segment);
        }
    }
    if dotted.is_empty() {
        "body".to_owned()
    } else {
        dotted
    }
}

/// 422 naming every field the schema `name` refuses in `body`; a body the document does not
/// describe passes.
pub fn check(name: &str, body: &Value) -> Result<(), AppError> {
    let Some(validator) = validator(name) else {
        return Ok(());
    };
    let refused: Vec<(String, &'static str, String)> = validator
        .iter_errors(body)
        .flat_map(|error| refusals(&error))
        .collect();
    let Some((first_field, first_code, first_message)) = refused.first().cloned() else {
        return Ok(());
    };
    Err(AppError::Invalid {
        code: first_code,
        detail: format!("Champ « {first_field} » : {first_message}"),
        errors: refused
            .into_iter()
            .map(|(field, code, message)| FieldError::new(field, code, message))
            .collect(),
    })
}
