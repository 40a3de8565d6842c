//! Every answer the API tests receive is checked against the OpenAPI document: its status
//! is documented for the operation, and its body validates against the documented schema
//! (JSON Schema 2020-12, as OpenAPI 3.1 has it). The document cannot drift from the wire
//! without a test failing.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use serde_json::{json, Value};

/// The operation a request reaches: its path template and method, if documented.
fn operation(method: &str, path: &str) -> Option<(String, &'static Value)> {
    let document = guichet::openapi::document_value();
    let path = path.split('?').next().unwrap_or(path);
    let asked: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let paths = document["paths"].as_object()?;
    // Exact templates first: `/tickets/{reference}` must not shadow a literal segment.
    let mut candidates: Vec<(&String, &Value)> = paths
        .iter()
        .filter(|(template, _)| {
            let segments: Vec<&str> = template.split('/').collect();
            segments.len() == asked.len()
                && segments
                    .iter()
                    .zip(&asked)
                    .all(|(t, a)| t == a || (t.starts_with('{') && !a.is_empty()))
        })
        .collect();
    candidates.sort_by_key(|(template, _)| template.matches('{').count());
    let (template, item) = candidates.first()?;
    let operation = item.get(method.to_lowercase())?;
    Some(((*template).clone(), operation))
}

fn validator(key: &str, schema: &Value) -> &'static jsonschema::Validator {
    static CACHE: OnceLock<Mutex<HashMap<String, &'static jsonschema::Validator>>> =
        OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    cache.entry(key.to_owned()).or_insert_with(|| {
        let document = guichet::openapi::document_value();
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": document["components"],
            "allOf": [schema],
        });
        let validator = jsonschema::validator_for(&root)
            .unwrap_or_else(|e| panic!("the document's schema for {key} compiles: {e}"));
        Box::leak(Box::new(validator))
    })
}

/// Panics with the mismatch when an answer is not what the document says.
pub fn check(method: &str, path: &str, status: u16, content_type: &str, body: &Value) {
    if content_type.starts_with("application/problem+json") {
        crate::error_catalogue::check_problem(method, path, status, body);
    }
    let Some((template, operation)) = operation(method, path) else {
        // Not a documented operation: the pages, unknown paths (404) and methods (405).
        return;
    };
    let responses = &operation["responses"];
    let Some(response) = responses
        .get(status.to_string())
        .or_else(|| responses.get("default"))
    else {
        panic!(
            "contract: {method} {template} answered {status}, which the document does not list \
             (it lists {:?}): {body:#}",
            responses.as_object().map(|r| r.keys().collect::<Vec<_>>())
        );
    };
    let media = content_type.split(';').next().unwrap_or("").trim();
    let Some(content) = response.get("content") else {
        return;
    };
    let Some(documented) = content.get(media).or_else(|| content.get("*/*")) else {
        panic!(
            "contract: {method} {template} {status} answered {media}, the document has {:?}",
            content.as_object().map(|c| c.keys().collect::<Vec<_>>())
        );
    };
    if !(media.ends_with("json")) {
        return;
    }
    let Some(schema) = documented.get("schema") else {
        return;
    };
    let key = format!("{method} {template} {status} {media}");
    let validator = validator(&key, schema);
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "contract: {key}: the body does not match the document:\n{}\n{body:#}",
        errors.join("\n")
    );
}
