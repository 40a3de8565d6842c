//! Pure rules of the support chain: no I/O, exhaustively unit-tested.

pub mod calendar;
pub mod public_holidays;
pub mod reference_kinds;
pub mod role;
pub mod search_key;
pub mod text_enum;
pub mod uai;
