//! Use cases: one function each; they decide, in one transaction, and return views.

pub mod calendars;
pub mod health;
pub mod reference;
pub mod seed;
pub mod views;
