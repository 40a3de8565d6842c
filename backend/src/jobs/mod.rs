//! Scheduled jobs: their bodies are plain functions, called by the scheduler in `serve` and
//! directly by the tests with a controlled clock.

pub mod auto_close;
pub mod scheduler;
