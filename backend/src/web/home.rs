//! `/`: the desk's home. A signed-in person goes to their tickets (steering and admins alone:
//! to the reviews); anybody else finds the sign-in and the documentation of the API.

use actix_web::http::{header, StatusCode};
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde_json::json;

use super::render::{handles_tickets, page, Frame};
use super::session::{read_cookie, SESSION};
use crate::http::authenticated::client_address;
use crate::services::web_sessions;
use crate::state::AppState;

#[get("/")]
pub async fn home(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Some(token) = read_cookie(&req, SESSION) {
        // A session that cannot be read (database down) shows the home page instead.
        if let Ok(Some(session)) = web_sessions::resume(&state, token, client_address(&req)).await {
            let start = if handles_tickets(&session.caller) {
                "/tickets"
            } else {
                "/revues"
            };
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, start))
                .finish();
        }
    }
    page(
        StatusCode::OK,
        "home",
        &Frame::anonymous(state.settings.web_state_brand, "Accueil"),
        json!({}),
    )
}
