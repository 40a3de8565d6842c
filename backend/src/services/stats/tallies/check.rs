//! Compares, for every territory, the figures read from the tallies with the figures
//! recounted from the tickets and clocks, month by month and over the whole span: after a
//! crash, a migration or a bulk load, an operator (and the fault tests) can tell that the
//! tallies hold what the tickets say.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

use super::super::{compute_by, scope, Counting};
use crate::db::repo::territories;
use crate::db::DbConn;
use crate::domain::figures::day_start;
use crate::error::AppError;

/// A period whose figures differ, with both versions.
#[derive(Debug, Clone)]
pub struct Difference {
    pub territory: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub tallied: serde_json::Value,
    pub recounted: serde_json::Value,
}

/// The periods checked: each of the `months` months up to the current one, and all of them.
fn periods(today: NaiveDate, months: u32) -> Vec<(NaiveDate, NaiveDate)> {
    let first = today.with_day(1).expect("first day");
    let end = first + Months::new(1);
    let start = first - Months::new(months.saturating_sub(1));
    let mut periods: Vec<_> = (0..months)
        .map(|i| (start + Months::new(i), start + Months::new(i + 1)))
        .collect();
    periods.push((start, end));
    periods
}

/// Every difference found over the last `months` months at `now`.
pub fn compare(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    months: u32,
) -> Result<Vec<Difference>, AppError> {
    let mut differences = Vec::new();
    for territory in territories::list(conn)? {
        let zone = territory.zone();
        for (from, to) in periods(now.with_timezone(&zone).date_naive(), months) {
            let (start, end) = (day_start(from, zone), day_start(to, zone));
            let mut figures = |how| -> Result<serde_json::Value, AppError> {
                let scope = scope::territory(&territory);
                let figures = compute_by(conn, scope, start, end, zone, how)?;
                serde_json::to_value(figures).map_err(|e| AppError::Internal(e.to_string()))
            };
            let tallied = figures(Counting::Tallies)?;
            let recounted = figures(Counting::Recount)?;
            if tallied != recounted {
                differences.push(Difference {
                    territory: territory.code.clone(),
                    from,
                    to,
                    tallied,
                    recounted,
                });
            }
        }
    }
    Ok(differences)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_up_to_the_current_one_then_all_of_them() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(
            periods(day(12, 6), 2),
            vec![
                (day(11, 1), day(12, 1)),
                (day(12, 1), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
                (day(11, 1), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
            ]
        );
    }
}
