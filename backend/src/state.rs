//! What every request handler shares.

use std::sync::Arc;

use actix_web::web;

use crate::db::{DbConn, DbPool};
use crate::error::AppError;
use crate::settings::Settings;

#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<Settings>,
}

impl AppState {
    pub fn new(pool: DbPool, settings: Settings) -> Self {
        Self {
            pool,
            settings: Arc::new(settings),
        }
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
