//! The OpenAPI document: generated from the routes, committed as openapi/openapi.json.

use std::path::Path;

use actix_web::App;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::startup::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "guichet",
        description = "Guichet unique du support des ENT : chaîne de support entre établissements, \
                       autorités académiques, collectivités et titulaire du marché.",
    ),
    tags(
        (name = "reference", description = "Données de référence : territoires, organisations, établissements, files, catégories"),
        (name = "calendars", description = "Calendriers : vacances scolaires et jours fériés"),
        (name = "health", description = "Sondes de vie et de disponibilité"),
    )
)]
pub struct ApiDoc;

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
