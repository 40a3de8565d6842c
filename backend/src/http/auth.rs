//! Tokens: login, refresh, logout; and who am I.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Duration;
use serde::Deserialize;
use utoipa::ToSchema;

use super::authenticated::{client_address, Authenticated};
use crate::error::{AppError, Problem};
use crate::services::admin::views::MeView;
use crate::services::auth::{self, TokenContext, TokenRequest, TokenResponse};
use crate::services::me as me_service;
use crate::state::AppState;

/// Runs a token use case with its context, on the blocking pool.
async fn with_token_context<T, F>(state: &AppState, address: String, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut crate::db::DbConn, &TokenContext) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let keys = state.keys.clone();
    let limiter = state.limiter.clone();
    let refresh_ttl = Duration::days(state.settings.refresh_token_days);
    let now = state.now();
    state
        .db(move |conn| {
            let ctx = TokenContext {
                keys: &keys,
                limiter: &limiter,
                refresh_ttl,
                now,
                address: &address,
            };
            work(conn, &ctx)
        })
        .await
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
    body: web::Json<TokenRequest>,
) -> Result<HttpResponse, AppError> {
    let request = body.into_inner();
    let response = with_token_context(&state, client_address(&req), move |c, ctx| {
        auth::issue_token(c, ctx, request)
    })
    .await?;
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
))]
#[post("/auth/refresh")]
pub async fn refresh_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, AppError> {
    let presented = body.into_inner().refresh_token;
    let response = with_token_context(&state, client_address(&req), move |c, ctx| {
        auth::refresh(c, ctx, &presented)
    })
    .await?;
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
    let now = state.now();
    state.db(move |c| auth::logout(c, &caller.0, now)).await?;
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
