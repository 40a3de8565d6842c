//! The access log keeps a read for the configured number of months, then forgets it.

use chrono::Months;

use crate::db::repo::ticket_reads;
use crate::error::AppError;
use crate::services::unit_of_work;
use crate::state::AppState;

/// Entries deleted per transaction: short turns, so that SQLite's other writers are never
/// held long behind a purge of a large backlog.
const PER_TURN: i64 = 5_000;

/// Deletes the reads older than the retention; how many went.
pub async fn purge_expired(state: &AppState) -> Result<usize, AppError> {
    let months = Months::new(state.settings.access_log_months as u32);
    let mut total = 0;
    loop {
        let purged = unit_of_work::write_anonymous(state, move |tx| {
            let cutoff = tx
                .now
                .naive_utc()
                .checked_sub_months(months)
                .ok_or_else(|| {
                    AppError::Internal("access log retention before the calendar".into())
                })?;
            Ok(ticket_reads::purge(tx.conn, cutoff, PER_TURN)?)
        })
        .await?;
        total += purged;
        if purged < PER_TURN as usize {
            return Ok(total);
        }
    }
}
