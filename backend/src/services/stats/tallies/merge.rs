//! The tallies' merging: the rows of a territory's day, added one per change, become one row
//! per cell. Reading sums every row, merged or not, so the figures are the same before and
//! after; merging only keeps them quick to read. Each day is taken out and put back in one
//! transaction; a row another write adds meanwhile stays for the next run.

use crate::db::repo::tallies;
use crate::db::DbConn;
use crate::error::AppError;

use super::{clock_rows, ticket_rows};

/// Territory-days merged per transaction.
const DAYS: i64 = 50;

/// Merges up to `DAYS` territory-days of each table that have new rows; returns how many.
pub fn merge_some(conn: &mut DbConn) -> Result<usize, AppError> {
    let mut merged = 0;
    for (territory, day) in tallies::unmerged_ticket_days(conn, DAYS)? {
        let rows = ticket_rows(tallies::take_ticket_day(conn, &territory, day)?, true);
        tallies::add_tickets(conn, &rows)?;
        merged += 1;
    }
    for (territory, day) in tallies::unmerged_clock_days(conn, DAYS)? {
        let rows = clock_rows(tallies::take_clock_day(conn, &territory, day)?, true);
        tallies::add_clocks(conn, &rows)?;
        merged += 1;
    }
    Ok(merged)
}
