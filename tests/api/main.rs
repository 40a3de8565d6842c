//! Integration tests: each test gets a fresh database (a temp SQLite file, or a fresh
//! PostgreSQL database when TEST_DATABASE_URL is set).

mod admin;
mod attachments;
mod auth_tokens;
mod authorization_matrix;
mod availability;
mod bad_input;
mod bench;
mod calendar_import;
mod calendars;
mod concurrency;
mod contract;
mod docs;
mod email_templates;
mod enums;
mod error_catalogue;
mod health;
mod helpers;
mod idempotency;
mod journal_replay;
mod mail_delivery;
mod notifications;
mod openapi;
mod reference;
mod references;
mod routing;
mod schema;
mod seed;
mod service_levels;
mod sessions;
mod settings_docs;
mod territories;
mod ticket_chain;
mod tickets;
mod two_instances;
mod visibility;
