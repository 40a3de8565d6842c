//! Credentials and tokens: password hashing, random secrets, JWT access tokens, and the
//! rate limiter of the token endpoint. No database access here.

pub mod hasher;
pub mod jwt;
pub mod passwords;
pub mod secrets;
