//! Row types, one file per table.

pub mod category;
pub mod establishment;
pub mod organisation;
pub mod queue;
pub mod school_holiday;
pub mod territory;

pub use category::Category;
pub use establishment::Establishment;
pub use organisation::{NewOrganisation, Organisation};
pub use queue::{NewQueue, Queue};
pub use school_holiday::{NewSchoolHoliday, SchoolHoliday};
pub use territory::Territory;
