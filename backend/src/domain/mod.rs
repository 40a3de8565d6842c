//! Pure rules of the support chain: no I/O, exhaustively unit-tested.

pub mod audit;
pub mod availability;
pub mod breach;
pub mod calendar;
pub mod figures;
pub mod french;
pub mod journal;
pub mod notifications;
pub mod official_calendar;
pub mod personal_identifiers;
pub mod priority;
pub mod public_holidays;
pub mod reference_kinds;
pub mod review;
pub mod rights_request;
pub mod role;
pub mod routing;
pub mod search_key;
pub mod service_level_clock;
pub mod service_level_policy;
pub mod svg_chart;
pub mod technical_file;
pub mod text_enum;
pub mod ticket_lifecycle;
pub mod ticket_read;
pub mod uai;
