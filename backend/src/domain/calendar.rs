//! Business-calendar arithmetic: the in-window definition of a territory, a school's holiday
//! zone and its département's public holidays.
//!
//! An instant is *in the window* when, in the window's time zone, its day is a window weekday
//! that is neither a public holiday nor a school holiday of the zone, and its time of day is in
//! `[opens, closes)`. The default window is Monday–Friday 08:00–22:00 Europe/Paris.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::public_holidays::is_public_holiday;

/// How far `next_window_start` looks ahead before giving up (a window with no weekday never
/// opens).
const SEARCH_HORIZON_DAYS: i64 = 800;

/// The weekly opening hours of a territory's service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessWindow {
    pub weekdays: Vec<Weekday>,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
    pub timezone: Tz,
}

impl BusinessWindow {
    /// Monday–Friday 08:00–22:00 Europe/Paris (the conventions' in-window definition).
    pub fn conventions_default() -> Self {
        Self {
            weekdays: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            opens: NaiveTime::from_hms_opt(8, 0, 0).expect("08:00"),
            closes: NaiveTime::from_hms_opt(22, 0, 0).expect("22:00"),
            timezone: chrono_tz::Europe::Paris,
        }
    }
}

/// A school holiday: the days without classes, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HolidayPeriod {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl HolidayPeriod {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.first_day <= day && day <= self.last_day
    }
}

/// The calendar that applies to one establishment (or one zone and département).
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    window: BusinessWindow,
    school_holidays: Vec<HolidayPeriod>,
    alsace_moselle: bool,
}

impl BusinessCalendar {
    pub fn new(
        window: BusinessWindow,
        school_holidays: Vec<HolidayPeriod>,
        alsace_moselle: bool,
    ) -> Self {
        Self {
            window,
            school_holidays,
            alsace_moselle,
        }
    }

    /// A window weekday that is neither a public holiday nor a school holiday.
    pub fn is_business_day(&self, day: NaiveDate) -> bool {
        self.window.weekdays.contains(&day.weekday())
            && !is_public_holiday(day, self.alsace_moselle)
            && !self.school_holidays.iter().any(|p| p.contains(day))
    }

    pub fn in_window(&self, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&self.window.timezone);
        let time = local.time();
        self.is_business_day(local.date_naive())
            && self.window.opens <= time
            && time < self.window.closes
    }

    /// The window of a business day as UTC instants `[open, close)`.
    fn window_of(&self, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let at = |time: NaiveTime| {
            let local = day.and_time(time);
            // Opening hours never fall in a DST gap in practice; if one did, take the
            // earliest valid reading, or the UTC reading as a last resort.
            self.window
                .timezone
                .from_local_datetime(&local)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|| Utc.from_utc_datetime(&local))
        };
        (at(self.window.opens), at(self.window.closes))
    }

    /// The earliest in-window instant at or after `at`: `at` itself when it is in the window,
    /// else the next opening. `None` if the window never opens within about two years.
    pub fn next_window_start(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.in_window(at) {
            return Some(at);
        }
        let first_day = at.with_timezone(&self.window.timezone).date_naive();
        (0..SEARCH_HORIZON_DAYS)
            .map(|offset| first_day + Duration::days(offset))
            .filter(|day| self.is_business_day(*day))
            .map(|day| self.window_of(day).0)
            .find(|open| *open >= at)
    }

    /// Business days after the day of `from` up to the day of `to`, both local: a ticket
    /// resolved on a Monday has 5 business days behind it on the next Monday.
    pub fn business_days_after(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        let tz = &self.window.timezone;
        let first = from.with_timezone(tz).date_naive();
        let last = to.with_timezone(tz).date_naive();
        first
            .iter_days()
            .skip(1)
            .take_while(|day| *day <= last)
            .filter(|day| self.is_business_day(*day))
            .count() as i64
    }

    /// In-window minutes between two instants (0 when `to` is not after `from`); partial
    /// minutes are dropped.
    pub fn business_minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        self.business_seconds_between(from, to) / 60
    }

    /// In-window seconds between two instants (0 when `to` is not after `from`).
    pub fn business_seconds_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let tz = &self.window.timezone;
        let first_day = from.with_timezone(tz).date_naive();
        let last_day = to.with_timezone(tz).date_naive();
        first_day
            .iter_days()
            .take_while(|day| *day <= last_day)
            .filter(|day| self.is_business_day(*day))
            .map(|day| {
                let (open, close) = self.window_of(day);
                let start = open.max(from);
                let end = close.min(to);
                (end - start).num_seconds().max(0)
            })
            .sum()
    }

    /// The instant at which `seconds` in-window seconds have passed since `from`: the due
    /// instant of a clock running from `from` with `seconds` left. A budget that ends exactly
    /// at closing time is due at closing time. `None` if the window does not give that much
    /// within about two years.
    pub fn add_business_seconds(&self, from: DateTime<Utc>, seconds: i64) -> Option<DateTime<Utc>> {
        if seconds <= 0 {
            return Some(from);
        }
        let mut left = seconds;
        let first_day = from.with_timezone(&self.window.timezone).date_naive();
        for day in (0..SEARCH_HORIZON_DAYS).map(|offset| first_day + Duration::days(offset)) {
            if !self.is_business_day(day) {
                continue;
            }
            let (open, close) = self.window_of(day);
            let start = open.max(from);
            if start >= close {
                continue;
            }
            let available = (close - start).num_seconds();
            if left <= available {
                return Some(start + Duration::seconds(left));
            }
            left -= available;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A Paris wall-clock time as a UTC instant.
    fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Paris
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn period(first: NaiveDate, last: NaiveDate) -> HolidayPeriod {
        HolidayPeriod {
            first_day: first,
            last_day: last,
        }
    }

    /// Winter and spring 2026 of zone B (classes end 14 Feb, resume 2 Mar; 11 → 27 Apr).
    fn zone_b() -> Vec<HolidayPeriod> {
        vec![
            period(day(2026, 2, 15), day(2026, 3, 1)),
            period(day(2026, 4, 12), day(2026, 4, 26)),
        ]
    }

    /// Winter and spring 2026 of zone C (21 Feb → 9 Mar; 18 Apr → 4 May).
    fn zone_c() -> Vec<HolidayPeriod> {
        vec![
            period(day(2026, 2, 22), day(2026, 3, 8)),
            period(day(2026, 4, 19), day(2026, 5, 3)),
        ]
    }

    fn calendar(holidays: Vec<HolidayPeriod>, alsace_moselle: bool) -> BusinessCalendar {
        BusinessCalendar::new(
            BusinessWindow::conventions_default(),
            holidays,
            alsace_moselle,
        )
    }

    #[test]
    fn good_friday_is_off_in_strasbourg_but_not_in_reims() {
        let good_friday = day(2026, 4, 3);
        let strasbourg = calendar(zone_b(), true);
        let reims = calendar(zone_b(), false);
        assert!(!strasbourg.is_business_day(good_friday));
        assert!(reims.is_business_day(good_friday));
        assert!(!strasbourg.in_window(paris(2026, 4, 3, 10, 0)));
        assert!(reims.in_window(paris(2026, 4, 3, 10, 0)));
    }

    #[test]
    fn the_window_opens_at_eight_and_closes_at_ten_pm() {
        let cal = calendar(zone_b(), false);
        // Tuesday 24 November 2026 (term time).
        assert!(!cal.in_window(paris(2026, 11, 24, 7, 59)));
        assert!(cal.in_window(paris(2026, 11, 24, 8, 0)));
        assert!(cal.in_window(paris(2026, 11, 24, 21, 59)));
        assert!(!cal.in_window(paris(2026, 11, 24, 22, 0)));
    }

    #[test]
    fn the_window_follows_paris_time_across_dst() {
        let cal = calendar(vec![], false);
        // In summer time 08:00 Paris is 06:00 UTC; in winter time it is 07:00 UTC.
        let summer = Utc.with_ymd_and_hms(2026, 6, 9, 6, 0, 0).unwrap();
        let winter = Utc.with_ymd_and_hms(2026, 12, 8, 6, 0, 0).unwrap();
        assert!(cal.in_window(summer));
        assert!(!cal.in_window(winter));
    }

    #[test]
    fn zone_b_and_zone_c_holidays_differ() {
        let b = calendar(zone_b(), false);
        let c = calendar(zone_c(), false);
        // Monday 16 Feb 2026: zone B on holiday, zone C in class.
        assert!(!b.is_business_day(day(2026, 2, 16)));
        assert!(c.is_business_day(day(2026, 2, 16)));
        // Monday 2 Mar 2026: zone B resumes, zone C on holiday.
        assert!(b.is_business_day(day(2026, 3, 2)));
        assert!(!c.is_business_day(day(2026, 3, 2)));
    }

    #[test]
    fn weekends_are_out_of_the_window() {
        let cal = calendar(vec![], false);
        assert!(!cal.is_business_day(day(2026, 11, 28))); // Saturday
        assert!(!cal.is_business_day(day(2026, 11, 29))); // Sunday
        assert!(!cal.in_window(paris(2026, 11, 28, 10, 0)));
    }

    #[test]
    fn next_window_start_skips_nights_weekends_and_holidays() {
        let cal = calendar(zone_b(), false);
        // Inside the window: the instant itself.
        let inside = paris(2026, 11, 24, 10, 30);
        assert_eq!(cal.next_window_start(inside), Some(inside));
        // Early morning: the same day's opening.
        assert_eq!(
            cal.next_window_start(paris(2026, 11, 24, 6, 0)),
            Some(paris(2026, 11, 24, 8, 0))
        );
        // Friday 22:00: Monday 08:00.
        assert_eq!(
            cal.next_window_start(paris(2026, 11, 27, 22, 0)),
            Some(paris(2026, 11, 30, 8, 0))
        );
        // Friday 13 Feb 2026 evening, zone B winter holidays: Monday 2 March.
        assert_eq!(
            cal.next_window_start(paris(2026, 2, 13, 23, 0)),
            Some(paris(2026, 3, 2, 8, 0))
        );
    }

    #[test]
    fn a_window_without_weekdays_never_opens() {
        let mut window = BusinessWindow::conventions_default();
        window.weekdays.clear();
        let cal = BusinessCalendar::new(window, vec![], false);
        assert_eq!(cal.next_window_start(paris(2026, 11, 24, 10, 0)), None);
    }

    #[test]
    fn business_minutes_count_only_window_time() {
        let cal = calendar(zone_b(), false);
        // Same day, inside.
        assert_eq!(
            cal.business_minutes_between(paris(2026, 11, 24, 9, 0), paris(2026, 11, 24, 9, 45)),
            45
        );
        // Tuesday 21:00 → Wednesday 09:00: one hour on each side.
        assert_eq!(
            cal.business_minutes_between(paris(2026, 11, 24, 21, 0), paris(2026, 11, 25, 9, 0)),
            120
        );
        // Friday 21:30 → Monday 08:30 across a weekend: 30 + 30.
        assert_eq!(
            cal.business_minutes_between(paris(2026, 11, 27, 21, 30), paris(2026, 11, 30, 8, 30)),
            60
        );
        // A whole term week is 5 × 14 h.
        assert_eq!(
            cal.business_minutes_between(paris(2026, 11, 23, 0, 0), paris(2026, 11, 30, 0, 0)),
            5 * 14 * 60
        );
        // Reversed or empty intervals count nothing.
        assert_eq!(
            cal.business_minutes_between(paris(2026, 11, 24, 10, 0), paris(2026, 11, 24, 9, 0)),
            0
        );
    }

    #[test]
    fn business_days_after_skip_weekends_and_holidays() {
        let cal = calendar(zone_b(), false);
        // Resolved Monday 23 November 2026: five business days on Monday 30.
        let resolved = paris(2026, 11, 23, 10, 0);
        assert_eq!(
            cal.business_days_after(resolved, paris(2026, 11, 27, 18, 0)),
            4
        );
        assert_eq!(
            cal.business_days_after(resolved, paris(2026, 11, 29, 18, 0)),
            4
        );
        assert_eq!(
            cal.business_days_after(resolved, paris(2026, 11, 30, 8, 0)),
            5
        );
        assert_eq!(cal.business_days_after(resolved, resolved), 0);
        // Across the zone B winter break, nothing counts.
        assert_eq!(
            cal.business_days_after(paris(2026, 2, 13, 12, 0), paris(2026, 3, 1, 12, 0)),
            0
        );
    }

    #[test]
    fn business_minutes_skip_public_and_school_holidays() {
        let reims = calendar(zone_b(), false);
        let strasbourg = calendar(zone_b(), true);
        // Thursday 2 → Tuesday 7 April 2026: Good Friday counts only in Reims; Easter Monday
        // counts nowhere. Thursday 14 h + (Friday 14 h in Reims) + Tuesday 0.
        let from = paris(2026, 4, 2, 8, 0);
        let to = paris(2026, 4, 7, 8, 0);
        assert_eq!(reims.business_minutes_between(from, to), 2 * 14 * 60);
        assert_eq!(strasbourg.business_minutes_between(from, to), 14 * 60);
        // The whole zone B winter break counts nothing.
        assert_eq!(
            reims.business_minutes_between(paris(2026, 2, 14, 0, 0), paris(2026, 3, 2, 0, 0)),
            0
        );
    }
}
