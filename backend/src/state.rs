//! What every request handler and scheduled job shares.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use crate::auth::hasher::PasswordHasherPool;
use crate::auth::jwt::TokenKeys;
use crate::clock::Clock;
use crate::db::{DbPool, WriterGate};
use crate::services::access_log::recorder::AccessRecorder;
use crate::services::notifications::mailer::Mailer;
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
    /// Renders and sends the notifications of the outbox.
    pub mailer: Arc<Mailer>,
    /// The queue of this process's writers on SQLite (open on PostgreSQL).
    pub writers: Arc<WriterGate>,
    /// The writer of the access log (who read which ticket).
    pub access_log: Arc<AccessRecorder>,
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
        // The settings are validated when read and the templates by the tests.
        let mailer = Mailer::from_settings(&settings.mail, &settings.data_dir)
            .unwrap_or_else(|e| panic!("notifications: {e}"));
        let writers = Arc::new(WriterGate::for_database(&settings.database_url));
        Self {
            access_log: Arc::new(AccessRecorder::start(pool.clone(), writers.clone())),
            writers,
            mailer: Arc::new(mailer),
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
