//! Who read what: the access log of tickets, written by [`recorder`], read by the admins
//! ([`list`]), and kept for the configured time (the housekeeping purges the rest).

pub mod list;
pub mod recorder;
pub mod retention;
pub mod views;
