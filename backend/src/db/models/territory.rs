use chrono::{NaiveTime, Weekday};
use diesel::prelude::*;

use crate::domain::calendar::BusinessWindow;
use crate::domain::reference_kinds::HolidayZone;

use crate::db::schema::territories;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = territories)]
#[diesel(treat_none_as_null = true)]
pub struct Territory {
    pub code: String,
    pub name: String,
    pub ent_name: String,
    pub holiday_zone: HolidayZone,
    pub vendor_id: Option<i64>,
    pub availability_in_window_bp: i32,
    pub availability_out_of_window_bp: i32,
    pub window_weekdays: String,
    pub window_opens_minute: i32,
    pub window_closes_minute: i32,
    pub window_excludes_school_holidays: bool,
    pub timezone: String,
}

impl Territory {
    /// The time zone its days and weeks are counted in (the seed checks it; Paris if not).
    pub fn zone(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::Europe::Paris)
    }

    /// The business window its stored columns define (weekdays `1,…,7` from Monday, opening
    /// and closing minutes, an IANA time zone); the seed checks them, so an error is a bug.
    pub fn business_window(&self) -> Result<BusinessWindow, String> {
        let broken = |what: &str| format!("territory {}: bad {what}", self.code);
        let weekdays = self
            .window_weekdays
            .split(',')
            .map(|d| {
                d.trim()
                    .parse::<u8>()
                    .ok()
                    .filter(|n| (1..=7).contains(n))
                    .and_then(|n| Weekday::try_from(n - 1).ok())
                    .ok_or_else(|| broken("window_weekdays"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let time = |minutes: i32| {
            NaiveTime::from_hms_opt((minutes / 60) as u32, (minutes % 60) as u32, 0)
                .ok_or_else(|| broken("window minutes"))
        };
        Ok(BusinessWindow {
            weekdays,
            opens: time(self.window_opens_minute)?,
            closes: time(self.window_closes_minute)?,
            timezone: self.timezone.parse().map_err(|_| broken("timezone"))?,
        })
    }
}
