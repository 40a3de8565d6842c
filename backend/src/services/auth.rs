//! Tokens: login by password or client credentials, refresh with rotation and reuse
//! detection, logout everywhere.

use chrono::{DateTime, Duration, Utc};
use diesel::Connection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::jwt::{Subject, TokenKeys};
use crate::auth::rate_limit::LoginRateLimiter;
use crate::auth::{passwords, secrets};
use crate::db::models::{NewRefreshToken, User};
use crate::db::repo::{refresh_tokens, service_accounts, users};
use crate::db::DbConn;
use crate::error::AppError;
use crate::services::audit::{self, Actor, Event, Outcome};
use crate::services::caller::Caller;

/// What `POST /auth/token` accepts.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "grant_type", rename_all = "snake_case", deny_unknown_fields)]
pub enum TokenRequest {
    /// A person's local account.
    Password { email: String, password: String },
    /// A vendor integration's service account.
    ClientCredentials {
        client_id: String,
        client_secret: String,
    },
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Opaque, single use: spend it at `POST /auth/refresh`. Absent for service accounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// What the token use cases need besides the database.
pub struct TokenContext<'a> {
    pub keys: &'a TokenKeys,
    pub limiter: &'a LoginRateLimiter,
    pub refresh_ttl: Duration,
    pub now: DateTime<Utc>,
    pub address: &'a str,
}

fn invalid_credentials() -> AppError {
    AppError::Unauthorized {
        code: "invalid_credentials",
        detail: "Identifiants incorrects".into(),
    }
}

fn invalid_refresh_token() -> AppError {
    AppError::Unauthorized {
        code: "invalid_refresh_token",
        detail: "Jeton de rafraîchissement invalide, expiré ou déjà utilisé".into(),
    }
}

pub fn issue_token(
    conn: &mut DbConn,
    ctx: &TokenContext,
    request: TokenRequest,
) -> Result<TokenResponse, AppError> {
    match request {
        TokenRequest::Password { email, password } => login(conn, ctx, &email, &password),
        TokenRequest::ClientCredentials {
            client_id,
            client_secret,
        } => client_login(conn, ctx, &client_id, &client_secret),
    }
}

/// Counts the attempt against the limits; over them, records and answers 429.
fn throttle(conn: &mut DbConn, ctx: &TokenContext, account: &str) -> Result<(), AppError> {
    if let Err(wait) = ctx.limiter.check(account, ctx.address) {
        let event = Event::new(
            "login_rate_limited",
            Outcome::Denied,
            Actor::anonymous(Some(account), ctx.address),
        );
        audit::record(conn, event, ctx.now)?;
        return Err(AppError::TooManyRequests {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    Ok(())
}

fn login(
    conn: &mut DbConn,
    ctx: &TokenContext,
    email: &str,
    password: &str,
) -> Result<TokenResponse, AppError> {
    let email = email.trim().to_lowercase();
    throttle(conn, ctx, &email)?;
    let user = users::find_by_email(conn, &email)?;
    let verified = match &user {
        Some(User {
            active: true,
            password_hash: Some(hash),
            ..
        }) => passwords::verify(password, hash),
        _ => {
            passwords::verify_dummy(password);
            false
        }
    };
    let territory = user.as_ref().and_then(|u| u.territory_code.clone());
    let mut actor = Actor::anonymous(Some(&email), ctx.address);
    actor.user_id = user.as_ref().map(|u| u.id);
    let user = match user.filter(|_| verified) {
        Some(user) => user,
        None => {
            let event =
                Event::new("login", Outcome::Failure, actor).territory(territory.as_deref());
            audit::record(conn, event, ctx.now)?;
            return Err(invalid_credentials());
        }
    };
    conn.transaction(|conn| {
        let refresh = new_refresh_token(conn, ctx, user.id, &secrets::random_token())?;
        let event = Event::new("login", Outcome::Success, actor).territory(territory.as_deref());
        audit::record(conn, event, ctx.now)?;
        Ok(tokens(
            ctx,
            &Subject::User(user.id),
            user.token_version,
            Some(refresh),
        ))
    })
}

/// A new access token, with the refresh token of a user's login.
fn tokens(
    ctx: &TokenContext,
    subject: &Subject,
    version: i32,
    refresh_token: Option<String>,
) -> TokenResponse {
    TokenResponse {
        access_token: ctx.keys.issue(subject, version, ctx.now),
        token_type: "Bearer",
        expires_in: ctx.keys.access_ttl().num_seconds(),
        refresh_token,
    }
}

/// Stores a new refresh token of `family` for the user and returns the opaque value.
fn new_refresh_token(
    conn: &mut DbConn,
    ctx: &TokenContext,
    user_id: i64,
    family: &str,
) -> Result<String, AppError> {
    let token = secrets::random_token();
    refresh_tokens::insert(
        conn,
        &NewRefreshToken {
            user_id,
            family: family.to_owned(),
            token_hash: secrets::digest(&token),
            issued_at: ctx.now.naive_utc(),
            expires_at: (ctx.now + ctx.refresh_ttl).naive_utc(),
        },
    )?;
    Ok(token)
}

/// Constant-time comparison of two digests.
fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn client_login(
    conn: &mut DbConn,
    ctx: &TokenContext,
    client_id: &str,
    secret: &str,
) -> Result<TokenResponse, AppError> {
    throttle(conn, ctx, client_id)?;
    let account = service_accounts::find_by_client_id(conn, client_id)?;
    let mut actor = Actor::anonymous(Some(client_id), ctx.address);
    actor.client_id = account.as_ref().map(|a| a.client_id.clone());
    let territory = account.as_ref().map(|a| a.territory_code.clone());
    let valid = account
        .as_ref()
        .is_some_and(|a| a.active && same_digest(&a.secret_hash, &secrets::digest(secret)));
    let outcome = if valid {
        Outcome::Success
    } else {
        Outcome::Failure
    };
    let event = Event::new("client_login", outcome, actor).territory(territory.as_deref());
    audit::record(conn, event, ctx.now)?;
    match account.filter(|_| valid) {
        Some(account) => Ok(tokens(ctx, &Subject::Client(account.client_id), 0, None)),
        None => Err(invalid_credentials()),
    }
}

/// Spends a refresh token for a new pair. A token spent twice betrays a theft: its whole
/// family is revoked.
pub fn refresh(
    conn: &mut DbConn,
    ctx: &TokenContext,
    token: &str,
) -> Result<TokenResponse, AppError> {
    let stored = refresh_tokens::find_by_hash(conn, &secrets::digest(token))?;
    let Some(stored) = stored else {
        let event = Event::new(
            "refresh",
            Outcome::Failure,
            Actor::anonymous(None, ctx.address),
        );
        audit::record(conn, event, ctx.now)?;
        return Err(invalid_refresh_token());
    };
    let user = users::find(conn, stored.user_id)?
        .ok_or_else(|| AppError::Internal("refresh token without user".into()))?;
    let mut actor = Actor::anonymous(Some(&user.email), ctx.address);
    actor.user_id = Some(user.id);
    let territory = user.territory_code.clone();

    let spent = stored.used_at.is_some()
        || (stored.revoked_at.is_none()
            && refresh_tokens::mark_used(conn, stored.id, ctx.now.naive_utc())? == 0);
    if spent {
        refresh_tokens::revoke_family(conn, &stored.family, ctx.now.naive_utc())?;
        let event = Event::new("refresh_token_reuse", Outcome::Denied, actor)
            .territory(territory.as_deref())
            .detail(serde_json::json!({ "family_revoked": true }));
        audit::record(conn, event, ctx.now)?;
        return Err(invalid_refresh_token());
    }
    let expired = stored.expires_at <= ctx.now.naive_utc();
    if stored.revoked_at.is_some() || expired || !user.active {
        let event = Event::new("refresh", Outcome::Failure, actor).territory(territory.as_deref());
        audit::record(conn, event, ctx.now)?;
        return Err(invalid_refresh_token());
    }
    conn.transaction(|conn| {
        let next = new_refresh_token(conn, ctx, user.id, &stored.family)?;
        let event = Event::new("refresh", Outcome::Success, actor).territory(territory.as_deref());
        audit::record(conn, event, ctx.now)?;
        Ok(tokens(
            ctx,
            &Subject::User(user.id),
            user.token_version,
            Some(next),
        ))
    })
}

/// Logs the user out everywhere: every access token issued so far and every refresh token
/// stop working.
pub fn logout(conn: &mut DbConn, caller: &Caller, now: DateTime<Utc>) -> Result<(), AppError> {
    let Some(user_id) = caller.user_id() else {
        return Err(audit::deny(
            conn,
            caller,
            "se déconnecter (compte de service)",
            now,
        ));
    };
    conn.transaction(|conn| {
        users::bump_token_version(conn, user_id, now.naive_utc())?;
        refresh_tokens::revoke_all_for_user(conn, user_id, now.naive_utc())?;
        let event =
            Event::new("logout", Outcome::Success, Actor::of(caller)).territory(caller.territory());
        audit::record(conn, event, now)
    })
}
