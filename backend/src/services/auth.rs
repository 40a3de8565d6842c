//! Tokens: login by password or client credentials, refresh with rotation and reuse
//! detection, logout everywhere.

use chrono::{DateTime, Duration, DurationRound, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::jwt::{Subject, TokenKeys};
use crate::auth::secrets;
use crate::db::models::{NewRefreshToken, User};
use crate::db::repo::{login_attempts, refresh_tokens, service_accounts, users};
use crate::db::DbConn;
use crate::error::AppError;
use crate::services::admin::users::{checked_password, end_sessions};
use crate::services::audit::{self, Actor, Event, Outcome};
use crate::services::caller::Caller;
use crate::services::unit_of_work;
use crate::state::AppState;

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

/// Where a token request comes from.
pub struct Origin {
    pub address: String,
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

/// 503 when every password hasher is busy and the queue is full.
pub fn hashers_busy() -> AppError {
    AppError::unavailable(
        "Trop de connexions simultanées : réessayez dans un instant",
        1,
    )
}

/// Counts an attempt per account and per address, in minute windows shared by every
/// instance; `Some(seconds to wait)` once over either limit. The wait is rounded up: a
/// client that waits that long is never refused again for the same window.
fn over_limit(
    state_limits: (u32, u32),
    conn: &mut DbConn,
    account: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Option<u64>, AppError> {
    let (per_account, per_address) = state_limits;
    let window = now.duration_trunc(Duration::minutes(1)).unwrap_or(now);
    let wait = (window + Duration::minutes(1) - now).num_milliseconds();
    let wait = (wait.max(1) as u64).div_ceil(1000);
    let by_address =
        login_attempts::count(conn, &format!("address:{address}"), window.naive_utc())?;
    let by_account = login_attempts::count(
        conn,
        &format!("account:{}", account.to_lowercase()),
        window.naive_utc(),
    )?;
    let over = by_address > per_address as i32 || by_account > per_account as i32;
    Ok(over.then_some(wait))
}

fn limits(state: &AppState) -> (u32, u32) {
    (
        state.settings.login_limit_per_account.get(),
        state.settings.login_limit_per_address.get(),
    )
}

/// Counts the attempt; over the limits, records it and answers 429 (the count and the
/// record are kept: they commit, the 429 follows).
async fn throttle(state: &AppState, origin: &Origin, account: &str) -> Result<(), AppError> {
    let limits = limits(state);
    let (account, address) = (account.to_owned(), origin.address.clone());
    let refused = unit_of_work::write_anonymous(state, move |tx| {
        let Some(wait) = over_limit(limits, tx.conn, &account, &address, tx.now)? else {
            return Ok(None);
        };
        let event = Event::new(
            "login_rate_limited",
            Outcome::Denied,
            Actor::anonymous(Some(&account), &address),
        );
        audit::record(tx.conn, event, tx.now)?;
        Ok(Some(wait))
    })
    .await?;
    match refused {
        Some(retry_after_secs) => Err(AppError::TooManyRequests { retry_after_secs }),
        None => Ok(()),
    }
}

pub async fn issue_token(
    state: &AppState,
    origin: Origin,
    request: TokenRequest,
) -> Result<TokenResponse, AppError> {
    match request {
        TokenRequest::Password { email, password } => login(state, origin, &email, password).await,
        TokenRequest::ClientCredentials {
            client_id,
            client_secret,
        } => client_login(state, origin, client_id, client_secret).await,
    }
}

async fn login(
    state: &AppState,
    origin: Origin,
    email: &str,
    password: String,
) -> Result<TokenResponse, AppError> {
    let keys = state.keys.clone();
    let refresh_ttl = Duration::days(state.settings.refresh_token_days);
    password_login(state, origin, email, password, move |conn, user, now| {
        let family = secrets::random_token();
        let refresh = new_refresh_token(conn, user.id, &family, now, refresh_ttl)?;
        Ok(tokens(
            &keys,
            now,
            &Subject::User(user.id),
            user.token_version,
            Some(refresh),
        ))
    })
    .await
}

/// A person signs in with their password, for the API or the web desk: throttled, checked,
/// audited as `login`; on success `signed_in` runs in the transaction that records it.
pub async fn password_login<T, F>(
    state: &AppState,
    origin: Origin,
    email: &str,
    password: String,
    signed_in: F,
) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn, &User, DateTime<Utc>) -> Result<T, AppError> + Send + 'static,
{
    let email = email.trim().to_lowercase();
    throttle(state, &origin, &email).await?;
    let found = {
        let email = email.clone();
        unit_of_work::read_anonymous(state, move |tx| Ok(users::find_by_email(tx.conn, &email)?))
            .await?
    };
    let stored_hash = found
        .as_ref()
        .filter(|u| u.active)
        .and_then(|u| u.password_hash.clone());
    let verified = state
        .hasher
        .verify(password, stored_hash)
        .await
        .map_err(|_| hashers_busy())?;
    let outcome = unit_of_work::write_anonymous(state, move |tx| {
        let territory = found.as_ref().and_then(|u| u.territory_code.clone());
        let mut actor = Actor::anonymous(Some(&email), &origin.address);
        actor.user_id = found.as_ref().map(|u| u.id);
        let Some(user) = found.filter(|_| verified) else {
            let event =
                Event::new("login", Outcome::Failure, actor).territory(territory.as_deref());
            audit::record(tx.conn, event, tx.now)?;
            return Ok(Err(invalid_credentials()));
        };
        let event = Event::new("login", Outcome::Success, actor).territory(territory.as_deref());
        audit::record(tx.conn, event, tx.now)?;
        signed_in(tx.conn, &user, tx.now).map(Ok)
    })
    .await?;
    outcome
}

/// A new access token, with the refresh token of a user's login.
fn tokens(
    keys: &TokenKeys,
    now: DateTime<Utc>,
    subject: &Subject,
    version: i32,
    refresh_token: Option<String>,
) -> TokenResponse {
    TokenResponse {
        access_token: keys.issue(subject, version, now),
        token_type: "Bearer",
        expires_in: keys.access_ttl().num_seconds(),
        refresh_token,
    }
}

/// Stores a new refresh token of `family` for the user and returns the opaque value.
fn new_refresh_token(
    conn: &mut DbConn,
    user_id: i64,
    family: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<String, AppError> {
    let token = secrets::random_token();
    refresh_tokens::insert(
        conn,
        &NewRefreshToken {
            user_id,
            family: family.to_owned(),
            token_hash: secrets::digest(&token),
            issued_at: now.naive_utc(),
            expires_at: (now + ttl).naive_utc(),
        },
    )?;
    Ok(token)
}

async fn client_login(
    state: &AppState,
    origin: Origin,
    client_id: String,
    secret: String,
) -> Result<TokenResponse, AppError> {
    throttle(state, &origin, &client_id).await?;
    let keys = state.keys.clone();
    unit_of_work::write_anonymous(state, move |tx| {
        let account = service_accounts::find_by_client_id(tx.conn, &client_id)?;
        let mut actor = Actor::anonymous(Some(&client_id), &origin.address);
        actor.client_id = account.as_ref().map(|a| a.client_id.clone());
        let territory = account.as_ref().map(|a| a.territory_code.clone());
        let valid = account.as_ref().is_some_and(|a| {
            a.active && secrets::same_secret(&a.secret_hash, &secrets::digest(&secret))
        });
        let outcome = if valid {
            Outcome::Success
        } else {
            Outcome::Failure
        };
        let event = Event::new("client_login", outcome, actor).territory(territory.as_deref());
        audit::record(tx.conn, event, tx.now)?;
        Ok(match account.filter(|_| valid) {
            Some(account) => Ok(tokens(
                &keys,
                tx.now,
                &Subject::Client(account.client_id),
                0,
                None,
            )),
            None => Err(invalid_credentials()),
        })
    })
    .await?
}

/// Spends a refresh token for a new pair. A token spent twice betrays a theft: every token
/// of its user, access and refresh, stops working. Throttled like logins.
pub async fn refresh(
    state: &AppState,
    origin: Origin,
    token: String,
) -> Result<TokenResponse, AppError> {
    let owner = {
        let hash = secrets::digest(&token);
        unit_of_work::read_anonymous(state, move |tx| {
            let stored = refresh_tokens::find_by_hash(tx.conn, &hash)?;
            Ok(match stored {
                Some(t) => users::find(tx.conn, t.user_id)?.map(|u| u.email),
                None => None,
            })
        })
        .await?
    };
    throttle(state, &origin, owner.as_deref().unwrap_or("(inconnu)")).await?;
    let keys = state.keys.clone();
    let refresh_ttl = Duration::days(state.settings.refresh_token_days);
    unit_of_work::write_anonymous(state, move |tx| {
        let (conn, now) = (&mut *tx.conn, tx.now);
        let Some(stored) = refresh_tokens::find_by_hash(conn, &secrets::digest(&token))? else {
            let event = Event::new(
                "refresh",
                Outcome::Failure,
                Actor::anonymous(None, &origin.address),
            );
            audit::record(conn, event, now)?;
            return Ok(Err(invalid_refresh_token()));
        };
        let user = users::find(conn, stored.user_id)?
            .ok_or_else(|| AppError::Internal("refresh token without user".into()))?;
        let mut actor = Actor::anonymous(Some(&user.email), &origin.address);
        actor.user_id = Some(user.id);
        let territory = user.territory_code.clone();
        let spent = stored.used_at.is_some()
            || (stored.revoked_at.is_none()
                && refresh_tokens::mark_used(conn, stored.id, now.naive_utc())? == 0);
        if spent {
            refresh_tokens::revoke_family(conn, &stored.family, now.naive_utc())?;
            end_sessions(conn, user.id, now)?;
            let event = Event::new("refresh_token_reuse", Outcome::Denied, actor)
                .territory(territory.as_deref())
                .detail(serde_json::json!({ "family_revoked": true, "sessions_ended": true }));
            audit::record(conn, event, now)?;
            return Ok(Err(invalid_refresh_token()));
        }
        let expired = stored.expires_at <= now.naive_utc();
        if stored.revoked_at.is_some() || expired || !user.active {
            let event =
                Event::new("refresh", Outcome::Failure, actor).territory(territory.as_deref());
            audit::record(conn, event, now)?;
            return Ok(Err(invalid_refresh_token()));
        }
        let next = new_refresh_token(conn, user.id, &stored.family, now, refresh_ttl)?;
        let event = Event::new("refresh", Outcome::Success, actor).territory(territory.as_deref());
        audit::record(conn, event, now)?;
        Ok(Ok(tokens(
            &keys,
            now,
            &Subject::User(user.id),
            user.token_version,
            Some(next),
        )))
    })
    .await?
}

/// Logs the user out everywhere: every access token issued so far and every refresh token
/// stop working.
pub async fn logout(state: &AppState, caller: &Caller) -> Result<(), AppError> {
    unit_of_work::write(state, caller, |tx, caller| {
        let Some(user_id) = caller.user_id() else {
            return Err(audit::deny("se déconnecter (compte de service)"));
        };
        end_sessions(tx.conn, user_id, tx.now)?;
        let event =
            Event::new("logout", Outcome::Success, Actor::of(caller)).territory(caller.territory());
        audit::record(tx.conn, event, tx.now)
    })
    .await
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    #[schema(min_length = 12, max_length = 256)]
    pub new_password: String,
}

/// A user changes their own password: every session ends, this one included.
pub async fn change_password(
    state: &AppState,
    caller: &Caller,
    request: ChangePassword,
) -> Result<(), AppError> {
    let Some(user_id) = caller.user_id() else {
        return unit_of_work::audited(
            state,
            caller,
            Err(audit::deny("changer de mot de passe (compte de service)")),
        )
        .await;
    };
    let stored = unit_of_work::read(state, caller, move |tx, _| {
        Ok(users::find(tx.conn, user_id)?.and_then(|u| u.password_hash))
    })
    .await?;
    let verified = state
        .hasher
        .verify(request.current_password, stored)
        .await
        .map_err(|_| hashers_busy())?;
    if !verified {
        return Err(AppError::invalid_field(
            "current_password",
            "wrong_password",
            "le mot de passe actuel ne correspond pas",
        ));
    }
    let hash = checked_password(state, "new_password", &request.new_password).await?;
    unit_of_work::write(state, caller, move |tx, caller| {
        end_sessions(tx.conn, user_id, tx.now)?;
        users::set_password(tx.conn, user_id, &hash, tx.now.naive_utc())?;
        let event = Event::new("password_changed", Outcome::Success, Actor::of(caller))
            .territory(caller.territory());
        audit::record(tx.conn, event, tx.now)
    })
    .await
}
