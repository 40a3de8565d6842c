//! The figures of a territory over whole local days, read from the tallies: the volumes by
//! cell, the opened and resolved tickets per day, the clocks that ended, each summed in SQL
//! over a few thousand rows where recounting would read every ticket and clock of the period.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use chrono_tz::Tz;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date, Integer, Text};

use crate::db::repo::{categories, queues};
use crate::db::DbConn;
use crate::domain::figures::day_start;
use crate::error::AppError;
use crate::services::stats::clocks::ClockCount;
use crate::services::stats::queries::{load_between, HourRow, VolumeCell};

/// What the figures count, before they are folded.
pub struct Counts {
    pub cells: Vec<VolumeCell>,
    pub clocks: Vec<ClockCount>,
    pub hours: Vec<HourRow>,
}

#[derive(QueryableByName)]
struct TicketSum {
    #[diesel(sql_type = Text)]
    measure: String,
    #[diesel(sql_type = Integer)]
    level: i32,
    #[diesel(sql_type = BigInt)]
    queue_id: i64,
    #[diesel(sql_type = Text)]
    category_code: String,
    #[diesel(sql_type = Text)]
    school_kind: String,
    #[diesel(sql_type = Bool)]
    escalated: bool,
    #[diesel(sql_type = Bool)]
    cancelled: bool,
    #[diesel(sql_type = Bool)]
    reopened: bool,
    /// 1 for the period's days, 0 for the days before (they make the backlog).
    #[diesel(sql_type = BigInt)]
    in_period: i64,
    #[diesel(sql_type = BigInt)]
    tickets: i64,
}

#[derive(QueryableByName)]
struct DaySum {
    #[diesel(sql_type = Text)]
    measure: String,
    #[diesel(sql_type = Date)]
    day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    tickets: i64,
}

#[derive(QueryableByName)]
struct ClockSum {
    #[diesel(sql_type = Bool)]
    stay: bool,
    #[diesel(sql_type = BigInt)]
    organisation_id: i64,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Integer)]
    priority: i32,
    #[diesel(sql_type = Bool)]
    breached: bool,
    #[diesel(sql_type = BigInt)]
    minutes: i64,
    #[diesel(sql_type = BigInt)]
    clocks: i64,
}

/// The counts of `territory` over the local days `[from, to)`.
pub fn counts(
    conn: &mut DbConn,
    territory: &str,
    (from, to): (NaiveDate, NaiveDate),
    zone: Tz,
) -> Result<Counts, AppError> {
    Ok(Counts {
        cells: cells(conn, territory, (from, to))?,
        clocks: clocks(conn, territory, (from, to))?,
        hours: days(conn, territory, (from, to), zone)?,
    })
}

/// Every day up to the period's end: the backlog at its end is what was opened and not
/// cancelled before it, less what was resolved.
fn cells(
    conn: &mut DbConn,
    territory: &str,
    period: (NaiveDate, NaiveDate),
) -> Result<Vec<VolumeCell>, AppError> {
    let sql = "SELECT measure, level, queue_id, category_code, school_kind, escalated, \
         cancelled, reopened, CAST(CASE WHEN day >= $2 THEN 1 ELSE 0 END AS BIGINT) AS in_period, \
         CAST(SUM(tickets) AS BIGINT) AS tickets \
         FROM ticket_tallies WHERE territory_code = $1 AND day < $3 \
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9";
    let sums: Vec<TicketSum> = load_between::<_, Date, _>(conn, sql, territory, period)?;
    let queues: HashMap<i64, (String, String)> = queues::list(conn, &Default::default())?
        .into_iter()
        .map(|(q, _)| (q.id, (q.code, q.name)))
        .collect();
    let labels: HashMap<String, String> = categories::list(conn)?
        .into_iter()
        .map(|c| (c.code, c.label))
        .collect();
    let mut cells: BTreeMap<(i32, i64, String, String), VolumeCell> = BTreeMap::new();
    for sum in sums {
        let key = (
            sum.level,
            sum.queue_id,
            sum.category_code.clone(),
            sum.school_kind.clone(),
        );
        let cell = cells.entry(key).or_insert_with(|| {
            let (queue, queue_name) = queues.get(&sum.queue_id).cloned().unwrap_or_default();
            VolumeCell {
                level: sum.level.to_string(),
                queue,
                queue_name,
                category_label: labels.get(&sum.category_code).cloned().unwrap_or_default(),
                category: sum.category_code.clone(),
                school_kind: sum.school_kind.clone(),
                opened: 0,
                resolved: 0,
                backlog: 0,
                escalated: 0,
                reopened: 0,
            }
        });
        let (n, in_period) = (sum.tickets, sum.in_period == 1);
        match sum.measure.as_str() {
            "opened" => {
                if in_period {
                    cell.opened += n;
                    cell.escalated += if sum.escalated { n } else { 0 };
                }
                cell.backlog += if sum.cancelled { 0 } else { n };
            }
            _ => {
                if in_period {
                    cell.resolved += n;
                    cell.reopened += if sum.reopened { n } else { 0 };
                }
                cell.backlog -= if sum.cancelled { 0 } else { n };
            }
        }
    }
    Ok(cells.into_values().collect())
}

/// Opened and resolved per day of the period, placed at the hour each day starts (the
/// weekly series reads hours).
fn days(
    conn: &mut DbConn,
    territory: &str,
    period: (NaiveDate, NaiveDate),
    zone: Tz,
) -> Result<Vec<HourRow>, AppError> {
    let sql = "SELECT measure, day, CAST(SUM(tickets) AS BIGINT) AS tickets \
         FROM ticket_tallies WHERE territory_code = $1 AND day >= $2 AND day < $3 \
         GROUP BY measure, day";
    let sums: Vec<DaySum> = load_between::<_, Date, _>(conn, sql, territory, period)?;
    Ok(sums
        .into_iter()
        .map(|s| HourRow {
            measure: s.measure,
            hour: day_start(s.day, zone).timestamp().div_euclid(3600),
            tickets: s.tickets,
        })
        .collect())
}

fn clocks(
    conn: &mut DbConn,
    territory: &str,
    period: (NaiveDate, NaiveDate),
) -> Result<Vec<ClockCount>, AppError> {
    let sql = "SELECT stay, organisation_id, kind, priority, breached, minutes, \
         CAST(SUM(clocks) AS BIGINT) AS clocks \
         FROM clock_tallies WHERE territory_code = $1 AND day >= $2 AND day < $3 \
         GROUP BY 1, 2, 3, 4, 5, 6";
    let sums: Vec<ClockSum> = load_between::<_, Date, _>(conn, sql, territory, period)?;
    Ok(sums
        .into_iter()
        .filter(|s| s.clocks != 0)
        .map(|s| ClockCount {
            stay: s.stay,
            response: s.kind == "response",
            priority: i64::from(s.priority),
            minutes: s.minutes,
            breached: s.breached,
            organisation_id: s.organisation_id,
            clocks: s.clocks,
        })
        .collect())
}
