//! Service levels: the policies of each territory, the clocks that the ticket writes keep,
//! the job that records warnings and breaches, and how clocks are shown.

pub mod alerts;
pub mod clocks;
pub mod policies;
pub mod views;
