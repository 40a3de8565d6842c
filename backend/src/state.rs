//! What every request handler shares.

use std::sync::Arc;

use actix_web::web;
use chrono::{DateTime, Duration, Utc};

use crate::auth::jwt::TokenKeys;
use crate::auth::rate_limit::LoginRateLimiter;
use crate::db::{DbConn, DbPool};
use crate::error::AppError;
use crate::settings::Settings;

/// The time source: the system clock, or a fixed instant in tests.
#[derive(Clone)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Self::System => Utc::now(),
            Self::Fixed(at) => *at,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<Settings>,
    pub keys: Arc<TokenKeys>,
    pub limiter: Arc<LoginRateLimiter>,
    pub clock: Clock,
}

impl AppState {
    pub fn new(pool: DbPool, settings: Settings) -> Self {
        let mut keys = TokenKeys::hs256(
            &settings.jwt_secret,
            &settings.jwt_issuer,
            &settings.jwt_audience,
            Duration::minutes(settings.access_token_minutes),
        );
        if let Some(sso) = &settings.sso {
            // Checked when the settings were read.
            keys = keys.with_external(sso.external_issuer().expect("validated SSO key"));
        }
        Self {
            limiter: Arc::new(LoginRateLimiter::new(
                settings.login_limit_per_account,
                settings.login_limit_per_address,
            )),
            keys: Arc::new(keys),
            pool,
            settings: Arc::new(settings),
            clock: Clock::System,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Runs `work` with a pooled connection on the blocking thread pool: diesel is
    /// synchronous and must never hold an actix worker.
    pub async fn db<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await?
    }
}
