//! Sign-ins to the web desk: the same accounts, passwords and throttling as the API, held by
//! a server-side row that the browser names with an opaque cookie. A session ends with
//! logout, after `SESSION_HOURS`, or as soon as the user's token version moves (password
//! change, disabling, logout everywhere), like the API's tokens.

use chrono::{DateTime, Duration, Utc};

use crate::auth::secrets;
use crate::db::models::{User, WebSession};
use crate::db::repo::{users, web_sessions};
use crate::db::DbConn;
use crate::error::AppError;
use crate::services::audit::{self, Actor, Event, Outcome};
use crate::services::auth::{password_login, Origin};
use crate::services::caller::{user_caller, Caller};
use crate::services::unit_of_work;
use crate::state::AppState;

/// How long a sign-in lasts: a working day.
pub const SESSION_HOURS: i64 = 12;

/// What the browser keeps of a new sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The cookie's value.
    pub token: String,
}

/// A live session: who it is and the token its forms carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub caller: Caller,
    pub csrf_token: String,
}

/// Writes the row of a new session of `user`; the cookie's value.
fn open_session(conn: &mut DbConn, user: &User, now: DateTime<Utc>) -> Result<SignedIn, AppError> {
    let token = secrets::random_token();
    web_sessions::insert(
        conn,
        &WebSession {
            id: 0,
            user_id: user.id,
            token_hash: secrets::digest(&token),
            token_version: user.token_version,
            csrf_token: secrets::random_token(),
            created_at: now.naive_utc(),
            expires_at: (now + Duration::hours(SESSION_HOURS)).naive_utc(),
        },
    )?;
    Ok(SignedIn { token })
}

/// Checks the password and opens a session.
pub async fn sign_in(
    state: &AppState,
    origin: Origin,
    email: &str,
    password: String,
) -> Result<SignedIn, AppError> {
    password_login(state, origin, email, password, open_session).await
}

/// Opens a session for the user the académie's SSO vouched for (its id_token checked by
/// the caller); an unknown or disabled address is refused. Both are audited as logins.
pub async fn sso_sign_in(
    state: &AppState,
    origin: Origin,
    email: String,
) -> Result<SignedIn, AppError> {
    unit_of_work::write_anonymous(state, move |tx| {
        let found = users::find_by_email(tx.conn, &email)?.filter(|u| u.active);
        let mut actor = Actor::anonymous(Some(&email), &origin.address);
        actor.user_id = found.as_ref().map(|u| u.id);
        let territory = found.as_ref().and_then(|u| u.territory_code.clone());
        let outcome = if found.is_some() {
            Outcome::Success
        } else {
            Outcome::Failure
        };
        let event = Event::new("login_sso", outcome, actor).territory(territory.as_deref());
        audit::record(tx.conn, event, tx.now)?;
        match found {
            Some(user) => open_session(tx.conn, &user, tx.now),
            None => Err(AppError::Unauthorized {
                code: "invalid_credentials",
                detail: format!("Aucun compte actif pour {email}"),
            }),
        }
    })
    .await
}

/// The session a cookie names, if it is still live; `None` sends the browser to sign in.
pub async fn resume(
    state: &AppState,
    token: String,
    address: String,
) -> Result<Option<Session>, AppError> {
    let session = unit_of_work::read_anonymous(state, move |tx| {
        let now = tx.now.naive_utc();
        let Some(session) = web_sessions::find_live(tx.conn, &secrets::digest(&token), now)? else {
            return Ok(None);
        };
        let current = users::find(tx.conn, session.user_id)?
            .is_some_and(|u| u.active && u.token_version == session.token_version);
        if !current {
            return Ok(None);
        }
        Ok(
            user_caller(tx.conn, session.user_id)?.map(|caller| Session {
                caller,
                csrf_token: session.csrf_token,
            }),
        )
    })
    .await?;
    Ok(session.map(|mut s| {
        s.caller.address = Some(address);
        s.caller.channel = crate::domain::ticket_read::Channel::Web;
        s
    }))
}

/// Ends the session of this browser (and the expired ones of everybody, while at it).
pub async fn sign_out(state: &AppState, caller: &Caller, token: String) -> Result<(), AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        web_sessions::delete_by_hash(tx.conn, &secrets::digest(&token))?;
        web_sessions::delete_expired(tx.conn, tx.now.naive_utc())?;
        let event = Event::new("logout", Outcome::Success, Actor::of(caller))
            .territory(caller.territory())
            .detail(serde_json::json!({ "web": true }));
        audit::record(tx.conn, event, tx.now)
    })
    .await
}

/// Whether a form's token is its session's (compared in constant time).
pub fn csrf_matches(session: &Session, submitted: &str) -> bool {
    secrets::same_secret(&session.csrf_token, submitted)
}
