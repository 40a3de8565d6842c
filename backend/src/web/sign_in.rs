//! Signing in and out of the desk, with the accounts of the API.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::forms::{local_path, TokenOnly};
use super::render::{page, Frame};
use super::session::{cookie, read_cookie, session_cookie, SignedIn, WebError, LOGIN, SESSION};
use crate::auth::secrets;
use crate::error::AppError;
use crate::http::authenticated::client_address;
use crate::services::auth::Origin;
use crate::services::web_sessions;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct Back {
    retour: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    retour: Option<String>,
}

/// The form, with a fresh token in a cookie and in a hidden field: a form posted from
/// another site cannot carry both.
fn sign_in_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    email: &str,
    back: Option<String>,
    error: Option<String>,
) -> HttpResponse {
    let token = secrets::random_token();
    let mut response = page(
        status,
        "sign_in",
        &Frame::anonymous(state.settings.web_state_brand, "Connexion"),
        json!({ "email": email, "csrf": token, "retour": back, "error": error,
            "sso": state.settings.sso.as_ref().is_some_and(|s| s.authorize_url.is_some()) }),
    );
    // A response built by `page` always takes a cookie.
    let _ = response.add_cookie(&cookie(req, LOGIN, token, 1));
    response
}

/// `GET /connexion`: the sign-in form.
#[get("/connexion")]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<Back>,
) -> HttpResponse {
    let back = local_path(query.retour.as_deref());
    sign_in_page(&req, &state, StatusCode::OK, "", back, None)
}

/// `POST /connexion`: checks the password, opens the session, goes back where asked.
#[post("/connexion")]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, WebError> {
    let form = form.into_inner();
    let back = local_path(form.retour.as_deref());
    let expected = read_cookie(&req, LOGIN).unwrap_or_default();
    if expected.is_empty() || !secrets::same_secret(&expected, &form.csrf) {
        return Err(WebError::StaleForm);
    }
    let origin = Origin {
        address: client_address(&req),
    };
    match web_sessions::sign_in(&state, origin, &form.email, form.password).await {
        Ok(signed_in) => {
            let mut response = HttpResponse::SeeOther()
                .insert_header((header::LOCATION, back.unwrap_or_else(|| "/".to_owned())))
                .finish();
            let _ = response.add_cookie(&session_cookie(&req, signed_in.token));
            let _ = response.add_cookie(&cookie(&req, LOGIN, String::new(), 0));
            Ok(response)
        }
        Err(AppError::Unauthorized { .. }) => Ok(sign_in_page(
            &req,
            &state,
            StatusCode::UNAUTHORIZED,
            &form.email,
            back,
            Some("Adresse électronique ou mot de passe incorrect.".to_owned()),
        )),
        Err(e @ AppError::TooManyRequests { .. }) => Ok(sign_in_page(
            &req,
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            &form.email,
            back,
            Some(format!("{e}.")),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /deconnexion`: ends this browser's session.
#[post("/deconnexion")]
pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    signed_in: SignedIn,
    form: web::Form<TokenOnly>,
) -> Result<HttpResponse, WebError> {
    signed_in.check_form(&form.csrf)?;
    web_sessions::sign_out(&state, &signed_in.session.caller, signed_in.token).await?;
    let mut response = HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/connexion"))
        .finish();
    let _ = response.add_cookie(&cookie(&req, SESSION, String::new(), 0));
    Ok(response)
}
