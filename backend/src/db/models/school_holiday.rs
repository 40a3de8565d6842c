use chrono::NaiveDate;
use diesel::prelude::*;

use crate::domain::reference_kinds::HolidayZone;

use crate::db::schema::school_holidays;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = school_holidays)]
pub struct SchoolHoliday {
    pub id: i64,
    pub zone: HolidayZone,
    pub school_year: String,
    pub name: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = school_holidays)]
pub struct NewSchoolHoliday {
    pub zone: HolidayZone,
    pub school_year: String,
    pub name: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl From<SchoolHoliday> for NewSchoolHoliday {
    fn from(h: SchoolHoliday) -> Self {
        Self {
            zone: h.zone,
            school_year: h.school_year,
            name: h.name,
            first_day: h.first_day,
            last_day: h.last_day,
        }
    }
}
