//! The arithmetic of the service figures: percentiles by nearest rank, shares, and the weekly
//! series in the territory's time zone.

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The rank (1-based) of the `percent`-th percentile among `n` sorted values, by nearest rank:
/// ⌈n × percent / 100⌉, so the median of 4 values is the 2nd and the 90th percentile of 10
/// values the 9th.
pub fn nearest_rank(n: i64, percent: i64) -> i64 {
    (n * percent + 99) / 100
}

/// `part` of `whole` in percent, one decimal; none of nothing.
pub fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// Seconds as minutes, rounded to the nearest.
pub fn minutes(seconds: i64) -> i64 {
    (seconds + 30).div_euclid(60)
}

/// The Monday on or before `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// The local midnight that starts `day` (the first instant of the day where midnight does
/// not exist).
pub fn day_start(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).expect("midnight");
    zone.from_local_datetime(&midnight)
        .earliest()
        .unwrap_or_else(|| zone.from_utc_datetime(&midnight))
        .with_timezone(&Utc)
}

/// Counts per hour (hours since the Unix epoch, as the database groups them) summed into
/// the local weeks (Monday 00:00) that meet `[from, to)`; every week is listed, empty or not.
pub fn weekly(
    hours: &[(i64, i64)],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    zone: Tz,
) -> Vec<(NaiveDate, i64)> {
    let first = week_start(from.with_timezone(&zone).date_naive());
    let mut weeks = Vec::new();
    let mut monday = first;
    while day_start(monday, zone) < to {
        weeks.push((monday, 0));
        monday = monday + Days::new(7);
    }
    for &(hour, count) in hours {
        let Some(instant) = DateTime::<Utc>::from_timestamp(hour * 3600, 0) else {
            continue;
        };
        let day = instant.with_timezone(&zone).date_naive();
        let index = (week_start(day) - first).num_days() / 7;
        if let Some(week) = usize::try_from(index).ok().and_then(|i| weeks.get_mut(i)) {
            week.1 += count;
        }
    }
    weeks
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Paris;

    #[test]
    fn nearest_ranks_by_hand() {
        assert_eq!(nearest_rank(1, 50), 1);
        assert_eq!(nearest_rank(1, 90), 1);
        assert_eq!(nearest_rank(4, 50), 2);
        assert_eq!(nearest_rank(5, 50), 3);
        assert_eq!(nearest_rank(10, 90), 9);
        assert_eq!(nearest_rank(11, 90), 10);
        assert_eq!(nearest_rank(100, 90), 90);
    }

    #[test]
    fn shares_and_minutes_round() {
        assert_eq!(share(1, 3), Some(33.3));
        assert_eq!(share(2, 3), Some(66.7));
        assert_eq!(share(0, 0), None);
        assert_eq!(minutes(89), 1);
        assert_eq!(minutes(90), 2);
    }

    #[test]
    fn hours_fall_in_the_local_week() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 10, d).unwrap();
        // Thursday 1 October to Monday 12 October (excluded): three local weeks.
        let (from, to) = (day_start(day(1), Paris), day_start(day(12), Paris));
        // Sunday 4 October 23:30 Paris is 21:30 UTC, still the first week; Monday
        // 5 October 00:30 Paris (22:30 UTC on Sunday) is the second.
        let hour = |t: &str| t.parse::<DateTime<Utc>>().unwrap().timestamp() / 3600;
        let hours = [
            (hour("2026-10-04T21:30:00Z"), 2),
            (hour("2026-10-04T22:30:00Z"), 3),
            (hour("2026-10-11T10:00:00Z"), 1),
        ];
        assert_eq!(
            weekly(&hours, from, to, Paris),
            vec![
                (NaiveDate::from_ymd_opt(2026, 9, 28).unwrap(), 2),
                (day(5), 4)
            ]
        );
    }
}
