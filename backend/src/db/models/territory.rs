use diesel::prelude::*;

use crate::db::schema::territories;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = territories)]
#[diesel(treat_none_as_null = true)]
pub struct Territory {
    pub code: String,
    pub name: String,
    pub ent_name: String,
    pub holiday_zone: String,
    pub vendor_id: Option<i64>,
    pub availability_in_window_bp: i32,
    pub availability_out_of_window_bp: i32,
    pub window_weekdays: String,
    pub window_opens_minute: i32,
    pub window_closes_minute: i32,
    pub window_excludes_school_holidays: bool,
    pub timezone: String,
}
