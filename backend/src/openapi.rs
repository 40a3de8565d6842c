//! The OpenAPI document: generated from the routes, committed as openapi/openapi.json.

use std::path::Path;

use serde_json::{json, Value};

use actix_web::App;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::startup::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "guichet",
        description = "Guichet unique du support des ENT : chaîne de support entre établissements, \
                       autorités académiques, collectivités et titulaire du marché.\n\n\
                       Toute erreur est un `application/problem+json` portant un `code` stable : \
                       voir le [catalogue des erreurs](/guides/errors). Le titulaire répond \
                       par l'API en suivant le \
                       [guide d'intégration du titulaire](/guides/vendor-integration).",
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Jetons d'accès : connexion, rafraîchissement, déconnexion"),
        (name = "tickets", description = "Tickets le long de la chaîne de support : ouverture, qualification, routage, escalade, réponses du titulaire"),
        (name = "routing", description = "Règles de routage des autorités et simulation"),
        (name = "admin", description = "Administration d'un territoire : utilisateurs, rôles, comptes de service, journal d'audit"),
        (name = "reference", description = "Données de référence : territoires, organisations, établissements, files, catégories"),
        (name = "service-levels", description = "Niveaux de service : politiques des territoires (délais par priorité, en minutes ouvrées)"),
        (name = "availability", description = "Disponibilité : indisponibilités consignées et taux au regard de l'engagement (99,7 % / 97 %)"),
        (name = "stats", description = "Chiffres du service pour le pilotage : volumes, délais par organisation, respect des niveaux de service, séries hebdomadaires"),
        (name = "reviews", description = "Revues d'incidents des instances de pilotage : chiffres figés à la publication, incidents majeurs, disponibilité, actions d'amélioration"),
        (name = "breaches", description = "Protection des données : violations (responsable de traitement désigné par le périmètre, convention art. 7 ; échéance de 72 heures ; information des DPD ; décision enregistrée une fois) et demandes d'exercice de droits transmises aussitôt au responsable compétent"),
        (name = "calendars", description = "Calendriers : vacances scolaires et jours fériés"),
        (name = "health", description = "Sondes de vie et de disponibilité"),
    )
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme the routes' `security` refers to.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.bearer_format = Some("JWT".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(bearer));
    }
}

/// The document: what the routes describe, completed with the answers every route shares.
pub fn document_value() -> &'static Value {
    static DOCUMENT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let (_, api) = routes(App::new().into_utoipa_app()).split_for_parts();
        let mut document = serde_json::to_value(&api).expect("the OpenAPI document serialises");
        complete(&mut document);
        document
    })
}

/// The document as committed: pretty JSON with a final newline.
pub fn document() -> String {
    let mut json =
        serde_json::to_string_pretty(document_value()).expect("the OpenAPI document serialises");
    json.push('\n');
    json
}

/// A problem+json answer.
fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/problem+json": {
            "schema": { "$ref": "#/components/schemas/Problem" }
        } }
    })
}

/// Adds to every operation the answers that come from the shared machinery rather than from
/// its own logic, so that the document lists every status a route can give: 400 for an
/// unreadable path, query or body; 401 and 403 where a token is needed; 404 where the path
/// names an object; 413 and 415 for JSON bodies; 422 for invalid values; 503 when the
/// database cannot answer.
fn complete(document: &mut Value) {
    shared_answers(document);
    harden_requests(document);
    crate::openapi_examples::add_examples(document);
}

/// No text the service stores may hold a NUL character (PostgreSQL refuses it).
const NO_NUL: &str = "^[^\\x00]*$";

/// States in the schemas of what clients send what the service enforces for every field:
/// no unknown property, no NUL character in a text.
fn harden_requests(document: &mut Value) {
    let mut reached: Vec<String> = Vec::new();
    let mut pending: Vec<Value> = Vec::new();
    if let Some(paths) = document["paths"].as_object_mut() {
        for item in paths.values_mut() {
            for operation in item
                .as_object_mut()
                .into_iter()
                .flat_map(|o| o.values_mut())
            {
                // `get_mut`, not indexing: indexing a missing key would insert a null.
                let Some(operation) = operation.as_object_mut() else {
                    continue;
                };
                let mut holders: Vec<&mut Value> = Vec::new();
                for (key, value) in operation.iter_mut() {
                    match key.as_str() {
                        "parameters" => holders.extend(value.as_array_mut().into_iter().flatten()),
                        "requestBody" => holders.extend(
                            value
                                .get_mut("content")
                                .and_then(Value::as_object_mut)
                                .into_iter()
                                .flat_map(|c| c.values_mut()),
                        ),
                        _ => {}
                    }
                }
                for holder in holders {
                    if let Some(schema) = holder.get_mut("schema") {
                        harden(schema);
                        pending.push(schema.clone());
                    }
                }
            }
        }
    }
    // Every component a request reaches, through its references.
    while let Some(schema) = pending.pop() {
        for name in references(&schema) {
            if !reached.contains(&name) {
                pending.push(document["components"]["schemas"][&name].clone());
                reached.push(name);
            }
        }
    }
    for name in reached {
        harden(&mut document["components"]["schemas"][&name]);
    }
}

/// The component names a schema refers to.
fn references(schema: &Value) -> Vec<String> {
    match schema {
        Value::Object(map) => {
            let mut found: Vec<String> = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .map(|n| vec![n.to_owned()])
                .unwrap_or_default();
            for value in map.values() {
                found.extend(references(value));
            }
            found
        }
        Value::Array(items) => items.iter().flat_map(references).collect(),
        _ => Vec::new(),
    }
}

fn is_type(schema: &Value, wanted: &str) -> bool {
    match &schema["type"] {
        Value::String(t) => t == wanted,
        Value::Array(types) => types.iter().any(|t| t == wanted),
        _ => false,
    }
}

fn harden(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    if map.contains_key("properties") && !map.contains_key("additionalProperties") {
        map.insert("additionalProperties".into(), Value::Bool(false));
    }
    let free_text =
        !map.contains_key("enum") && !map.contains_key("format") && !map.contains_key("pattern");
    if is_type(&Value::Object(map.clone()), "string") && free_text {
        map.insert("pattern".into(), Value::String(NO_NUL.into()));
    }
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            "properties" => {
                for property in value
                    .as_object_mut()
                    .into_iter()
                    .flat_map(|p| p.values_mut())
                {
                    harden(property);
                }
            }
            "items" | "additionalProperties" => harden(value),
            "oneOf" | "anyOf" | "allOf" => {
                for variant in value.as_array_mut().into_iter().flatten() {
                    harden(variant);
                }
            }
            _ => {}
        }
    }
}

fn status_description(status: &str) -> &'static str {
    match status {
        "200" => "Succès",
        "201" => "Créé",
        "204" => "Fait, sans contenu",
        _ => "Voir le problème (`code`)",
    }
}

/// The answers every route shares (see [`complete`]).
fn shared_answers(document: &mut Value) {
    let Some(paths) = document["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (_, operation) in item.iter_mut() {
            let secured = operation["security"]
                .as_array()
                .is_some_and(|s| !s.is_empty());
            let has_parameters = operation["parameters"]
                .as_array()
                .is_some_and(|p| !p.is_empty());
            let json_body = operation["requestBody"]["content"]
                .get("application/json")
                .is_some();
            let versioned = operation["parameters"].as_array().is_some_and(|p| {
                p.iter()
                    .any(|p| p["in"] == "header" && p["name"] == "If-Match")
            });
            let mut answers: Vec<(&str, &str)> = Vec::new();
            if has_parameters || json_body {
                answers.push((
                    "400",
                    "Requête illisible (chemin, paramètres ou corps JSON)",
                ));
                answers.push(("422", "Valeurs invalides : `errors` nomme chaque champ"));
            }
            if secured {
                answers.push(("401", "Jeton absent, invalide ou expiré"));
                answers.push(("403", "Le rôle de l'appelant ne permet pas cette action"));
            }
            if path.contains('{') {
                answers.push(("404", "Objet absent ou hors du périmètre de l'appelant"));
            }
            if versioned {
                answers.push(("409", "Impossible dans l'état actuel du ticket"));
                answers.push(("412", "Le ticket a changé depuis la lecture (ETag périmé)"));
                answers.push(("428", "En-tête If-Match requis"));
            }
            if json_body {
                answers.push(("413", "Corps trop volumineux"));
                answers.push(("415", "Le corps doit être du JSON (application/json)"));
            }
            if path != "/health/live" {
                answers.push((
                    "503",
                    "Base de données injoignable ou saturée, disque plein : voir Retry-After",
                ));
            }
            let Some(responses) = operation["responses"].as_object_mut() else {
                continue;
            };
            for (status, description) in answers {
                responses
                    .entry(status)
                    .or_insert_with(|| problem(description));
            }
            // OpenAPI requires a description on every response.
            for (status, response) in responses.iter_mut() {
                if let Some(response) = response.as_object_mut() {
                    response
                        .entry("description")
                        .or_insert_with(|| Value::String(status_description(status).into()));
                }
            }
        }
    }
}

/// The methods a path answers, by the document's path templates (`{param}` matches one
/// segment): what a 405 lists in `Allow`. Empty when no route has this path.
pub fn allowed_methods(path: &str) -> Vec<String> {
    static ROUTES: std::sync::OnceLock<Vec<(Vec<String>, Vec<String>)>> =
        std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        let document = document_value();
        let mut routes: Vec<(Vec<String>, Vec<String>)> = document["paths"]
            .as_object()
            .map(|paths| {
                paths
                    .iter()
                    .map(|(template, operations)| {
                        let methods = operations
                            .as_object()
                            .map(|o| o.keys().map(|m| m.to_uppercase()).collect())
                            .unwrap_or_default();
                        (segments(template), methods)
                    })
                    .collect()
            })
            .unwrap_or_default();
        // The pages served beside the API.
        for page in ["/", "/openapi.json", "/docs"] {
            routes.push((segments(page), vec!["GET".to_owned()]));
        }
        routes
    });
    let asked = segments(path);
    routes
        .iter()
        .filter(|(template, _)| {
            template.len() == asked.len()
                && template
                    .iter()
                    .zip(&asked)
                    .all(|(t, a)| t == a || (t.starts_with('{') && !a.is_empty()))
        })
        .flat_map(|(_, methods)| methods.iter().cloned())
        .collect()
}

fn segments(path: &str) -> Vec<String> {
    path.trim_end_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect()
}

/// Whether the committed file matches the routes.
pub fn is_current(path: &Path) -> std::io::Result<bool> {
    Ok(std::fs::read_to_string(path)? == document())
}
