//! HTTP handlers, one file per resource: extract, validate shape, call one service, answer.

pub mod calendars;
pub mod errors;
pub mod health;
pub mod params;
pub mod reference;
