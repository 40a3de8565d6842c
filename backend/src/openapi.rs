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

/// The document as committed: pretty JSON with a final newline.
pub fn document() -> String {
    let (_, api) = routes(App::new().into_utoipa_app()).split_for_parts();
    let mut json = api
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    json.push('\n');
    json
}

/// Whether the committed file matches the routes.
pub fn is_current(path: &Path) -> std::io::Result<bool> {
    Ok(std::fs::read_to_string(path)? == document())
}
