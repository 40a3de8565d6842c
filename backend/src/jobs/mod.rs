//! The scheduler of `serve`: it calls the job services (`services::jobs`) on the app's clock.

pub mod scheduler;
