//! Signing in to the desk with the académie's SSO (OpenID Connect): the browser is sent to
//! the provider with a fresh `state` and `nonce`, kept in a cookie of its own; the provider
//! posts the id_token back (`response_mode=form_post`); the state must be this browser's,
//! the token valid (the SSO's issuer, audience and key, as for the API) and carry the nonce;
//! its email names an active user, whose session opens. The cookie is spent either way.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::forms;
use super::render::{page, Frame};
use super::session::{over_tls, read_cookie, session_cookie, WebError};
use crate::auth::secrets;
use crate::error::AppError;
use crate::http::authenticated::client_address;
use crate::services::auth::Origin;
use crate::services::web_sessions;
use crate::state::AppState;

/// The cookie that ties the provider's answer to the browser that asked.
pub const SSO: &str = "guichet_sso";

/// The provider posts from its own site: `SameSite=None` (with `Secure`, over TLS) lets the
/// cookie come with that post; over plain HTTP (a workstation) browsers only accept `Lax`.
fn sso_cookie(req: &HttpRequest, value: String, minutes: i64) -> Cookie<'static> {
    let tls = over_tls(req);
    let mut cookie = Cookie::build(SSO, value)
        .path("/connexion/sso")
        .http_only(true)
        .same_site(if tls { SameSite::None } else { SameSite::Lax })
        .secure(tls)
        .max_age(actix_web::cookie::time::Duration::minutes(minutes))
        .finish();
    if minutes == 0 {
        cookie.make_removal();
    }
    cookie
}

fn not_configured() -> WebError {
    AppError::not_found("Aucune connexion par SSO n'est configurée").into()
}

/// `GET /connexion/sso`: to the provider's sign-in.
#[get("/connexion/sso")]
pub async fn start(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let sso = state.settings.sso.as_ref().ok_or_else(not_configured)?;
    let authorize = sso.authorize_url.as_deref().ok_or_else(not_configured)?;
    let (expected, nonce) = (secrets::random_token(), secrets::random_token());
    let return_to = format!("{}/connexion/sso", state.settings.mail.public_url);
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("response_type", "id_token")
        .append_pair("response_mode", "form_post")
        .append_pair("client_id", &sso.audience)
        .append_pair("redirect_uri", &return_to)
        .append_pair("scope", "openid email")
        .append_pair("state", &expected)
        .append_pair("nonce", &nonce)
        .finish();
    let separator = if authorize.contains('?') { '&' } else { '?' };
    let mut response = HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{authorize}{separator}{query}")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish();
    let _ = response.add_cookie(&sso_cookie(&req, format!("{expected}.{nonce}"), 10));
    Ok(response)
}

#[derive(Debug, Deserialize)]
pub struct ProviderAnswer {
    #[serde(default)]
    id_token: String,
    #[serde(default)]
    state: String,
    /// Set by the provider when the person did not sign in.
    #[serde(default)]
    error: Option<String>,
}

fn refused(state: &AppState, req: &HttpRequest, message: &str) -> HttpResponse {
    let mut response = page(
        StatusCode::UNAUTHORIZED,
        "error",
        &Frame::anonymous(state.settings.web_state_brand, "Connexion impossible"),
        json!({ "message": message }),
    );
    let _ = response.add_cookie(&sso_cookie(req, String::new(), 0));
    response
}

/// `POST /connexion/sso`: the provider's answer. Signed in, the page leads on to the desk
/// by a same-site step (the session cookie is `SameSite=Strict`: a browser arriving from
/// the provider's site would not send it yet).
#[post("/connexion/sso")]
pub async fn callback(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let sso = state.settings.sso.as_ref().ok_or_else(not_configured)?;
    let _ = sso.authorize_url.as_deref().ok_or_else(not_configured)?;
    let answer: ProviderAnswer = forms::read(&body)?;
    let kept = read_cookie(&req, SSO).unwrap_or_default();
    let (expected, nonce) = kept.split_once('.').unwrap_or(("", ""));
    if expected.is_empty() || !secrets::same_secret(expected, &answer.state) {
        return Ok(refused(
            &state,
            &req,
            "Cette réponse du SSO ne correspond à aucune connexion commencée dans ce navigateur. \
             Recommencez depuis la page de connexion.",
        ));
    }
    if answer.error.is_some() {
        return Ok(refused(
            &state,
            &req,
            "Le SSO n'a pas confirmé votre identité.",
        ));
    }
    let email = match state.keys.verify_external_id_token(&answer.id_token, nonce) {
        Ok(email) => email,
        Err(e) => {
            tracing::warn!(error = %e, "SSO id_token refused");
            return Ok(refused(
                &state,
                &req,
                "Le jeton du SSO n'a pas pu être vérifié.",
            ));
        }
    };
    let origin = Origin {
        address: client_address(&req),
    };
    match web_sessions::sso_sign_in(&state, origin, email).await {
        Ok(signed_in) => {
            let mut response = page(
                StatusCode::OK,
                "sso_done",
                &Frame::anonymous(state.settings.web_state_brand, "Connexion réussie"),
                json!({}),
            );
            let _ = response.add_cookie(&session_cookie(&req, signed_in.token));
            let _ = response.add_cookie(&sso_cookie(&req, String::new(), 0));
            Ok(response)
        }
        Err(AppError::Unauthorized { .. }) => Ok(refused(
            &state,
            &req,
            "Votre compte académique ne correspond à aucun compte actif du guichet : \
             demandez-le à votre administrateur.",
        )),
        Err(e) => Err(e.into()),
    }
}
