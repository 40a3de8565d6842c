//! Persistence: one connection type over PostgreSQL and SQLite, its pool, the embedded
//! migrations, the schema, row models and repositories.

pub mod backend_specific;
pub mod cached;
pub mod connection;
pub mod memo;
pub mod migrations;
pub mod models;
pub mod pool;
pub mod repo;
pub mod schema;
pub mod text_columns;
pub mod writer_gate;

pub use connection::DbConn;
pub use pool::{connect_pool, lazy_pool, DbPool};
pub use writer_gate::WriterGate;
