//! HTTP handlers, one file per resource: extract, validate shape, call one service, answer.

pub mod admin;
pub mod auth;
pub mod authenticated;
pub mod availability;
pub mod breaches;
pub mod calendars;
pub mod docs;
pub mod errors;
pub mod guides;
pub mod health;
pub mod idempotency;
pub mod json;
pub mod negotiation;
pub mod params;
pub mod reference;
pub mod refusals;
pub mod request_schema;
pub mod reviews;
pub mod rights_requests;
pub mod routing;
pub mod service_levels;
pub mod stats;
pub mod tickets;
