//! Tokens: login, refresh, logout; and who am I.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::authenticated::{client_address, Authenticated};
use super::json::ApiJson;
use crate::error::{AppError, Problem};
use crate::services::admin::views::MeView;
use crate::services::auth::{self, ChangePassword, Origin, TokenRequest, TokenResponse};
use crate::services::me as me_service;
use crate::services::notifications::preferences::{
    self, NotificationPreferences, SetNotificationPreferences,
};
use crate::state::AppState;

fn origin(req: &HttpRequest) -> Origin {
    Origin {
        address: client_address(req),
    }
}

/// Exchanges credentials for an access token: a person's email and password (with a
/// refresh token), or a service account's client id and secret.
#[utoipa::path(tag = "auth", request_body = TokenRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 401, description = "`invalid_credentials`", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "Too many attempts; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/token")]
pub async fn issue_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<TokenRequest>,
) -> Result<HttpResponse, AppError> {
    let response = auth::issue_token(&state, origin(&req), body.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(response))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Spends a refresh token for a new access token and a new refresh token. Spending one
/// twice revokes every token of its login.
#[utoipa::path(tag = "auth", request_body = RefreshRequest, responses(
    (status = 200, body = TokenResponse),
    (status = 401, description = "`invalid_refresh_token`", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "Too many attempts; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/refresh")]
pub async fn refresh_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<RefreshRequest>,
) -> Result<HttpResponse, AppError> {
    let response = auth::refresh(&state, origin(&req), body.into_inner().refresh_token).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(response))
}

/// Logs out everywhere: every access and refresh token of the user stops working.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
    (status = 204, description = "Logged out"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "A service account cannot log out", body = Problem, content_type = "application/problem+json"),
))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<HttpResponse, AppError> {
    auth::logout(&state, &caller.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller and its role grants.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
    (status = 200, body = MeView),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
#[get("/me")]
pub async fn current_caller(caller: Authenticated) -> HttpResponse {
    HttpResponse::Ok().json(me_service::describe(&caller.0))
}

/// Changes the caller's own password; every session ends, this one included.
#[utoipa::path(tag = "auth", security(("bearer" = [])), request_body = ChangePassword, responses(
    (status = 204, description = "Password changed; log in again"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "A service account has no password", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`wrong_password` or `weak_password`", body = Problem, content_type = "application/problem+json"),
    (status = 503, description = "Too many password checks at once; see `Retry-After`", body = Problem, content_type = "application/problem+json"),
))]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: ApiJson<ChangePassword>,
) -> Result<HttpResponse, AppError> {
    auth::change_password(&state, &caller.0, body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// What the caller receives by mail: muted notices, queue notices as a daily digest.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses(
    (status = 200, body = NotificationPreferences),
    (status = 403, description = "A service account receives no mail", body = Problem, content_type = "application/problem+json"),
))]
#[get("/me/notifications")]
pub async fn notification_preferences(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(preferences::get(&state, &caller.0).await?))
}

/// Replaces the caller's choices (the acknowledgement and the resolution cannot be muted).
#[utoipa::path(tag = "auth", security(("bearer" = [])), request_body = SetNotificationPreferences, responses(
    (status = 200, body = NotificationPreferences),
    (status = 403, description = "A service account receives no mail", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`not_mutable`", body = Problem, content_type = "application/problem+json"),
))]
#[put("/me/notifications")]
pub async fn set_notification_preferences(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: ApiJson<SetNotificationPreferences>,
) -> Result<HttpResponse, AppError> {
    let chosen = preferences::set(&state, &caller.0, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(chosen))
}
