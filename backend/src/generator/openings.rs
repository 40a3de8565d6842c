//! When tickets are opened: on days with classes far more than on weekends and during the
//! holidays, in the morning more than in the evening, with the rentrée's peak in September.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Europe::Paris;
use rand::distributions::{Distribution, WeightedIndex};
use rand::Rng;

use super::cast::School;

/// Local hours 08:00 to 20:59, and how many tickets each sees, relatively.
const HOURS: [(u32, f64); 13] = [
    (8, 0.6),
    (9, 1.0),
    (10, 1.0),
    (11, 0.8),
    (12, 0.4),
    (13, 0.5),
    (14, 0.8),
    (15, 0.8),
    (16, 0.7),
    (17, 0.4),
    (18, 0.2),
    (19, 0.1),
    (20, 0.1),
];

/// The busiest day's weight: the first three weeks of September.
const PEAK: f64 = 3.0;

/// How busy `day` is for `school`, relatively to an ordinary school day.
pub fn day_weight(school: &School, day: NaiveDate) -> f64 {
    let season = match (day.month(), day.day()) {
        (9, 1..=21) => PEAK,
        (9, _) => 1.8,
        (10, _) => 1.3,
        _ => 1.0,
    };
    if school.class_days.is_business_day(day) {
        season
    } else {
        0.06 * season
    }
}

/// A local time of `day` for an opening, as an instant.
pub fn local_instant(day: NaiveDate, hour: u32, rng: &mut impl Rng) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(hour, rng.gen_range(0..60), rng.gen_range(0..60))
        .unwrap_or(NaiveTime::MIN);
    match day.and_time(time).and_local_timezone(Paris).earliest() {
        Some(local) => local.with_timezone(&Utc),
        // The hour skipped by the spring switch: an hour later.
        None => (day.and_time(time) + Duration::hours(1))
            .and_local_timezone(Paris)
            .earliest()
            .map(|l| l.with_timezone(&Utc))
            .unwrap_or_else(|| day.and_time(time).and_utc()),
    }
}

/// `count` openings between `start` and `end`, in the order they happen: the school drawn
/// by its weight, the day by its busyness (rejection sampling), then the hour by its.
pub fn draw(
    schools: &[School],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    count: usize,
    rng: &mut impl Rng,
) -> Vec<(DateTime<Utc>, usize)> {
    let by_weight =
        WeightedIndex::new(schools.iter().map(|s| s.weight)).expect("schools with a weight");
    let hours = WeightedIndex::new(HOURS.iter().map(|(_, w)| *w)).expect("positive weights");
    let first = start.with_timezone(&Paris).date_naive();
    let days = (end.with_timezone(&Paris).date_naive() - first)
        .num_days()
        .max(0)
        + 1;
    let mut openings = Vec::with_capacity(count);
    while openings.len() < count {
        let school = by_weight.sample(rng);
        let day = first + Duration::days(rng.gen_range(0..days));
        if rng.gen::<f64>() * PEAK > day_weight(&schools[school], day) {
            continue;
        }
        let at = local_instant(day, HOURS[hours.sample(rng)].0, rng);
        if at > start && at < end {
            openings.push((at, school));
        }
    }
    openings.sort();
    openings
}
