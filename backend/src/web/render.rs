//! Pages from the templates of `templates/web` (compiled in, strict, HTML-escaped), with the
//! headers every page of the desk carries.

use std::sync::OnceLock;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, HttpResponseBuilder};
use handlebars::Handlebars;
use rust_embed::RustEmbed;
use serde::Serialize;
use serde_json::{json, Value};

use crate::domain::role::Role;
use crate::services::caller::{Caller, Principal};
use crate::services::web_sessions::Session;

#[derive(RustEmbed)]
#[folder = "templates/web/"]
#[include = "*.hbs"]
struct Templates;

/// Scripts and styles come from this origin only (no inline script), nothing frames us.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self'; object-src 'none'; \
    base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

fn registry() -> &'static Handlebars<'static> {
    static REGISTRY: OnceLock<Handlebars<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry
            .register_embed_templates_with_extension::<Templates>(".hbs")
            .expect("templates/web compile (tested)");
        registry
    })
}

/// Compiles every template: the tests call it so that a broken template fails them.
pub fn check_templates() -> Result<usize, String> {
    let mut registry = Handlebars::new();
    registry
        .register_embed_templates_with_extension::<Templates>(".hbs")
        .map_err(|e| e.to_string())?;
    Ok(registry.get_templates().len())
}

/// What the layout shows around every page.
#[derive(Debug, Clone, Serialize)]
pub struct Frame {
    /// The page's title, before « — guichet ».
    pub title: String,
    /// The signed-in person, if any.
    pub user: Option<String>,
    /// The token the page's forms carry.
    pub csrf: Option<String>,
    /// The State's brand block (a setting).
    pub brand: bool,
    /// The section of the navigation the page belongs to.
    pub section: &'static str,
    /// The person opens tickets (a correspondent).
    pub opens: bool,
    /// The person handles or follows tickets (any role but steering and admin alone).
    pub tickets: bool,
    /// The person reads the reviews (steering, admins).
    pub steers: bool,
    /// The person administers users, rules and service accounts.
    pub administers: bool,
    /// The person reads service figures (steering, admins, agents).
    pub figures: bool,
}

impl Frame {
    /// The frame of a page seen by a signed-in person.
    pub fn signed_in(session: &Session, brand: bool, section: &'static str, title: &str) -> Self {
        Self {
            title: title.to_owned(),
            user: Some(display_name(&session.caller)),
            csrf: Some(session.csrf_token.clone()),
            brand,
            section,
            opens: session.caller.has_role(Role::Correspondent),
            tickets: handles_tickets(&session.caller),
            steers: session.caller.has_role(Role::Steering) || session.caller.has_role(Role::Admin),
            administers: session.caller.has_role(Role::Admin),
            figures: crate::services::stats::scope::reads_figures(&session.caller),
        }
    }

    /// The frame of a page seen before signing in.
    pub fn anonymous(brand: bool, title: &str) -> Self {
        Self {
            title: title.to_owned(),
            user: None,
            csrf: None,
            brand,
            section: "",
            opens: false,
            tickets: false,
            steers: false,
            administers: false,
            figures: false,
        }
    }
}

/// Whether any of the person's roles reaches tickets (steering and admins read figures).
pub fn handles_tickets(caller: &Caller) -> bool {
    caller
        .grants
        .iter()
        .any(|g| !matches!(g.role, Role::Steering | Role::Admin))
}

fn display_name(caller: &Caller) -> String {
    match &caller.principal {
        Principal::User { display_name, .. } => display_name.clone(),
        Principal::ServiceAccount { name, .. } => name.clone(),
    }
}

/// The headers of every page: no caching of personal data, no sniffing, no framing.
pub fn secured(mut builder: HttpResponseBuilder) -> HttpResponseBuilder {
    builder
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    builder
}

/// Renders `template` with the frame and the page's own data (`page` in the template).
pub fn page(status: StatusCode, template: &str, frame: &Frame, data: Value) -> HttpResponse {
    let context = json!({ "frame": frame, "page": data });
    match registry().render(template, &context) {
        Ok(body) => secured(HttpResponse::build(status)).body(body),
        Err(e) => {
            tracing::error!(template, error = %e, "page rendering failed");
            plain_error(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// An error page: a title and a message in French.
pub fn error_page(status: StatusCode, frame: &Frame, message: &str) -> HttpResponse {
    page(status, "error", frame, json!({ "message": message }))
}

/// 404 for a path of the desk that names nothing.
pub fn not_found() -> HttpResponse {
    error_page(
        StatusCode::NOT_FOUND,
        &Frame::anonymous(false, "Page introuvable"),
        "La page demandée n'existe pas ou n'est pas accessible avec votre compte.",
    )
}

/// When even the error page cannot be rendered.
fn plain_error(status: StatusCode) -> HttpResponse {
    secured(HttpResponse::build(status))
        .body("<!doctype html><html lang=\"fr\"><title>Erreur — guichet</title><h1>Erreur interne</h1></html>")
}
