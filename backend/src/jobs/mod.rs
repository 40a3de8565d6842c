//! The scheduler of `serve`: it calls the job services (`services::jobs`) on the app's clock.

mod one_at_a_time;
pub mod scheduler;
