//! The OpenAPI document: generated from the routes, committed as openapi/openapi.json.

use std::path::Path;

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

/// The document the routes describe.
pub fn api() -> utoipa::openapi::OpenApi {
    let (_, api) = routes(App::new().into_utoipa_app()).split_for_parts();
    api
}

/// The document as committed: pretty JSON with a final newline.
pub fn document() -> String {
    let mut json = api()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    json.push('\n');
    json
}

/// The methods a path answers, by the document's path templates (`{param}` matches one
/// segment): what a 405 lists in `Allow`. Empty when no route has this path.
pub fn allowed_methods(path: &str) -> Vec<String> {
    static ROUTES: std::sync::OnceLock<Vec<(Vec<String>, Vec<String>)>> =
        std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        let document: serde_json::Value =
            serde_json::from_str(&document()).expect("the document is JSON");
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
