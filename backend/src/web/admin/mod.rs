//! The admins' pages: users and their role grants, the routing rules of their authorities
//! with the simulation beside them, the vendors' service accounts. Every write goes through
//! the admin services of the API, which check the admin's scope and audit it; a refused
//! write is said above the page as it is now.

pub mod rules;
pub mod service_accounts;
pub mod users;

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use serde_json::Value;

use super::forms::Notice;
use super::render::{page, Frame};
use super::session::SignedIn;
use crate::state::AppState;

/// Renders an admin page (`template`) in the « admin » section, with its notice if any.
pub fn admin_page(
    state: &AppState,
    signed_in: &SignedIn,
    (template, title): (&str, &str),
    notice: Option<Notice>,
    mut data: Value,
) -> HttpResponse {
    let status = if notice.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    data["notice"] = serde_json::to_value(notice).unwrap_or(Value::Null);
    let frame = Frame::signed_in(
        &signed_in.session,
        state.settings.web_state_brand,
        "admin",
        title,
    );
    page(status, template, &frame, data)
}

/// Back to `path` after a write (303: reloading does not send it again).
pub fn back_to(path: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, path.to_owned()))
        .finish()
}
