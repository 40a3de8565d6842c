//! An r2d2 pool whose manager opens connections through [`DbConn::open`].

use std::time::Duration;

use diesel::r2d2::{ManageConnection, Pool, R2D2Connection};
use diesel::ConnectionError;

use super::DbConn;
use crate::settings::DatabaseUrl;

pub type DbPool = Pool<ConnectionManager>;

#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConn;
    type Error = ConnectionError;

    fn connect(&self) -> Result<DbConn, ConnectionError> {
        DbConn::open(&self.url)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), ConnectionError> {
        conn.ping()
            .map_err(ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

/// Builds the pool and opens its first connection, so that a bad URL or an unreachable
/// server fails at start with the database's own message.
pub fn connect_pool(url: &DatabaseUrl, max_size: u32, timeout: Duration) -> Result<DbPool, String> {
    // Fail fast with the backend's own error rather than r2d2's time-out.
    DbConn::open(url).map_err(|e| e.to_string())?;
    Ok(lazy_pool(url, max_size, timeout))
}

/// A pool that connects on demand: when the database is down, a request waits at most
/// `timeout` for a connection, then answers 503.
pub fn lazy_pool(url: &DatabaseUrl, max_size: u32, timeout: Duration) -> DbPool {
    Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        // A checkout pings a server's connection in case it was cut; a SQLite file's
        // cannot be, and the ping was one statement more on every request.
        .test_on_check_out(!matches!(url, DatabaseUrl::Sqlite(_)))
        .connection_timeout(timeout)
        .build_unchecked(ConnectionManager {
            url: url.with_connect_timeout(timeout),
        })
}
