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
/// and wait for a busy writer instead of failing at once. The soft heap limit (for the
/// whole process) bounds what SQLite keeps of the database's pages: each connection of the
/// pool would otherwise cache up to 2 MB of them, and a text search under load held 77 MiB
/// (heaptrack, a million tickets); beyond the limit SQLite reuses its pages, which the
/// system still holds in its own file cache.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; \
                              PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                              PRAGMA soft_heap_limit = 16777216;";

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

impl DbConn {
    /// Runs `work` in a write transaction. On SQLite the transaction takes the write lock
    /// when it begins (`BEGIN IMMEDIATE`): a deferred one that reads first cannot upgrade
    /// its lock when another writer holds it and fails at once ("database is locked"),
    /// where an immediate one waits within the busy timeout.
    pub fn write_transaction<T, E>(
        &mut self,
        work: impl FnOnce(&mut Self) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        use diesel::connection::{AnsiTransactionManager, TransactionManager};
        match self {
            Self::Sqlite(sqlite) => {
                AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?
            }
            Self::Postgres(pg) => AnsiTransactionManager::begin_transaction(pg)?,
        }
        match work(self) {
            Ok(value) => {
                <Self as Connection>::TransactionManager::commit_transaction(self)?;
                Ok(value)
            }
            Err(e) => {
                // The work's error is the one to report; a failed rollback leaves the
                // connection broken, and the pool discards it.
                let _ = <Self as Connection>::TransactionManager::rollback_transaction(self);
                Err(e)
            }
        }
    }
}
