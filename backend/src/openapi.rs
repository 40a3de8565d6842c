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
                       autorités académiques, collectivités et titulaire du marché.",
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "auth", description = "Jetons d'accès : connexion, rafraîchissement, déconnexion"),
        (name = "tickets", description = "Tickets le long de la chaîne de support : ouverture, qualification, routage, escalade, réponses du titulaire"),
        (name = "routing", description = "Règles de routage des autorités et simulation"),
        (name = "admin", description = "Administration d'un territoire : utilisateurs, rôles, comptes de service, journal d'audit"),
        (name = "reference", description = "Données de référence : territoires, organisations, établissements, files, catégories"),
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
