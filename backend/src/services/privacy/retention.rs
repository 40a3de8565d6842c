//! Closed tickets are kept whole while they may still help (a reopened problem, a yearly
//! review), then anonymised: by default at the end of the school year after next. Their
//! requester becomes an anonymous account, their texts, journal bodies, people's labels and
//! attachments go; what the figures count (dates, school, category, levels, statuses, clocks)
//! stays, so the figures do not move.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};

use crate::db::repo::{attachments, personal_data};
use crate::domain::personal_identifiers::mask;
use crate::error::AppError;
use crate::services::unit_of_work;
use crate::state::AppState;

/// What stands where a ticket's text was.
pub const ANONYMISED: &str = "[anonymisé]";
/// Tickets anonymised per transaction.
const PER_TURN: i64 = 100;

/// The first day of the school year `at` falls in (1 September).
fn school_year_start(at: NaiveDate) -> i32 {
    if at.month() >= 9 {
        at.year()
    } else {
        at.year() - 1
    }
}

/// Tickets closed before this instant are due: one closed during school year Y (from
/// 1 September Y) is kept to the end of school year Y + `years`, and anonymised from
/// 1 September Y + `years` + 1 (00:00 UTC).
pub fn cutoff(now: DateTime<Utc>, years: i64) -> NaiveDateTime {
    let year = school_year_start(now.date_naive()) - years as i32;
    NaiveDate::from_ymd_opt(year, 9, 1)
        .expect("1 September exists")
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
}

/// Anonymises the tickets whose retention is over; how many.
pub async fn anonymise_due(state: &AppState) -> Result<usize, AppError> {
    let years = state.settings.ticket_retention_school_years;
    let data_dir = state.settings.data_dir.clone();
    let mut total = 0;
    loop {
        let data_dir = data_dir.clone();
        let done = unit_of_work::write_anonymous(state, move |tx| {
            let now = tx.now.naive_utc();
            let due =
                personal_data::due_for_anonymisation(tx.conn, cutoff(tx.now, years), PER_TURN)?;
            if due.is_empty() {
                return Ok(0);
            }
            personal_data::take_permit(tx.conn, "retention of closed tickets")?;
            let requester = personal_data::anonymous_requester(tx.conn, now)?;
            let mut files = Vec::new();
            for &id in &due {
                personal_data::anonymise_ticket(tx.conn, id, requester, ANONYMISED, now)?;
                personal_data::anonymise_journal(tx.conn, id, ANONYMISED, |data| mask(data).0)?;
                personal_data::forget_ticket_messages(tx.conn, id)?;
                let held = attachments::list(tx.conn, id)?;
                let ids: Vec<i64> = held.iter().map(|a| a.id).collect();
                personal_data::delete_attachments(tx.conn, &ids)?;
                files.extend(held.into_iter().map(|a| data_dir.join(a.storage_path)));
            }
            personal_data::give_back_permit(tx.conn)?;
            // The rows are gone once the transaction commits; their files go then.
            tx.after_commit(move || {
                for file in files {
                    if let Err(e) = std::fs::remove_file(&file) {
                        tracing::warn!(file = %file.display(), error = %e, "attachment kept");
                    }
                }
            });
            Ok(due.len())
        })
        .await?;
        total += done;
        if done < PER_TURN as usize {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_ticket_is_kept_to_the_end_of_the_school_year_after_next() {
        let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap();
        let midnight = |y, m, d| {
            NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
        };
        // On 31 August 2029 (school year 2028-29) the tickets closed before 1 September 2026
        // are due; on 1 September 2029 those of 2026-27 too.
        assert_eq!(cutoff(at(2029, 8, 31), 2), midnight(2026, 9, 1));
        assert_eq!(cutoff(at(2029, 9, 1), 2), midnight(2027, 9, 1));
        assert_eq!(cutoff(at(2029, 9, 1), 1), midnight(2028, 9, 1));
    }
}
