//! What every request handler and scheduled job shares.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::auth::hasher::PasswordHasherPool;
use crate::auth::jwt::TokenKeys;
use crate::clock::Clock;
use crate::db::DbPool;
use crate::settings::Settings;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<Settings>,
    pub keys: Arc<TokenKeys>,
    pub hasher: Arc<PasswordHasherPool>,
    pub clock: Clock,
    /// Names this process among the instances sharing the database (job leases).
    pub instance: String,
}

impl AppState {
    pub fn new(pool: DbPool, settings: Settings) -> Self {
        Self::with_clock(pool, settings, Clock::System)
    }

    pub fn with_clock(pool: DbPool, settings: Settings, clock: Clock) -> Self {
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
            hasher: Arc::new(PasswordHasherPool::new(
                settings.password_hashers,
                settings.password_queue,
            )),
            keys: Arc::new(keys),
            pool,
            settings: Arc::new(settings),
            clock,
            instance: format!(
                "{}-{}",
                std::process::id(),
                &crate::auth::secrets::random_token()[..8]
            ),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
