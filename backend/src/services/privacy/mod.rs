//! The GDPR rights the desk answers for the people it holds data on: everything about one
//! person as JSON ([`export`]), and forgetting them ([`erase`]); both through the admin API
//! (a territory's admins, for its users) and the command line, both audited.

pub mod erase;
pub mod export;
pub mod retention;
pub mod scrub;
pub mod use_cases;
