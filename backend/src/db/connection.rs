//! The one connection type: PostgreSQL or SQLite, chosen at run time by the URL's scheme.

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};

use crate::settings::DatabaseUrl;

/// SQLite is listed last: its `establish` accepts any string.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Per-connection SQLite settings: enforce foreign keys, write-ahead log, durable commits,
/// and wait for a busy writer instead of failing at once.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; \
                              PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";

impl DbConn {
    /// Opens a connection on the backend the URL names, so that each backend's own error
    /// (PostgreSQL's above all) is the one reported.
    pub fn open(url: &DatabaseUrl) -> Result<Self, ConnectionError> {
        match url {
            DatabaseUrl::Postgres(raw) => PgConnection::establish(raw).map(Self::Postgres),
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_str().ok_or_else(|| {
                    ConnectionError::InvalidConnectionUrl("chemin SQLite non UTF-8".into())
                })?;
                let mut conn = SqliteConnection::establish(path)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(Self::Sqlite(conn))
            }
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "postgresql",
            Self::Sqlite(_) => "sqlite",
        }
    }
}
