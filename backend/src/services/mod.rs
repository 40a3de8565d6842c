//! Use cases: one function each; they decide, in one transaction, and return views.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod availability;
pub mod breaches;
pub mod calendar_import;
pub mod calendars;
pub mod caller;
pub mod cursor;
pub mod health;
pub mod idempotency;
pub mod jobs;
pub mod me;
pub mod notifications;
pub mod reference;
pub mod reviews;
pub mod routing_rules;
pub mod seed;
pub mod service_levels;
pub mod stats;
pub mod text;
pub mod tickets;
pub mod unit_of_work;
pub mod views;
pub mod web_sessions;
