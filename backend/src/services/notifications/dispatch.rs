//! The dispatcher: claims the due messages of the outbox (a lease on each, taken with SKIP
//! LOCKED on PostgreSQL, so that two instances never claim the same row), renders and sends
//! each, and records the outcome: sent; to retry after an exponential, jittered delay; or dead
//! after a permanent refusal or the last attempt, for an admin to look at and retry.
//! A crash between sending and recording sends that message again when its lease ends
//! (`GUICHET_MAIL_LEASE_SECONDS`): a message may exceptionally arrive twice, never not at all.

use chrono::Duration;

use super::mailer::{Letter, Outcome};
use crate::db::repo::{outbox, users};
use crate::domain::notifications::OutboxState;
use crate::error::AppError;
use crate::services::unit_of_work;
use crate::state::AppState;

/// Messages claimed per run.
const BATCH: i64 = 100;
/// The longest wait between two attempts.
const MAX_DELAY_SECONDS: i64 = 6 * 3600;

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub sent: usize,
    pub retried: usize,
    pub dead: usize,
}

impl Report {
    pub fn total(&self) -> usize {
        self.sent + self.retried + self.dead
    }
}

/// The wait before attempt `attempt + 1`: `base` doubled per failed attempt, capped at six
/// hours, spread by ±20 % (`jitter` in 0..1) so that retries of one outage do not all fall
/// on the same second.
pub fn backoff(base_seconds: i64, attempt: i32, jitter: f64) -> Duration {
    let doubled = base_seconds.saturating_mul(1_i64 << (attempt - 1).clamp(0, 30));
    let capped = doubled.min(MAX_DELAY_SECONDS) as f64;
    Duration::milliseconds((capped * 1000.0 * (0.8 + 0.4 * jitter.clamp(0.0, 1.0))) as i64)
}

fn jitter() -> f64 {
    f64::from(getrandom::u32().unwrap_or(u32::MAX / 2)) / f64::from(u32::MAX)
}

/// Sends what is due now; every instance may run it at once.
pub async fn dispatch_due(state: &AppState) -> Result<Report, AppError> {
    let lease = Duration::seconds(state.settings.mail.lease_seconds);
    let claimed = unit_of_work::write_anonymous(state, move |tx| {
        let now = tx.now.naive_utc();
        let rows = outbox::claim_due(tx.conn, now, now + lease, BATCH)?;
        let mut letters = Vec::with_capacity(rows.len());
        for row in rows {
            let name = match row.recipient_user_id {
                Some(id) => users::find(tx.conn, id)?.map(|u| u.display_name),
                None => None,
            };
            letters.push((row, name.unwrap_or_default()));
        }
        Ok(letters)
    })
    .await?;
    let mail = &state.settings.mail;
    let mut report = Report::default();
    // Past its lease a claimed row may be taken by another pass: stop sending before (with a
    // margin for one slow send); what is left goes out when its lease ends.
    let stop_at = state.now() + lease - (lease / 4).min(Duration::seconds(30));
    for (row, name) in claimed {
        if state.now() >= stop_at {
            break;
        }
        let (mailer, settings) = (state.mailer.clone(), state.settings.clone());
        let (id, attempt) = (row.id, row.attempts + 1);
        let outcome = tokio::task::spawn_blocking(move || {
            let reference = row.payload.0["reference"].as_str().unwrap_or_default();
            match mailer.renderer().render(
                row.notice,
                &row.payload.0,
                &name,
                &settings.mail.public_url,
                settings.auto_close_business_days,
            ) {
                Ok(rendered) => mailer.send(&Letter {
                    outbox_id: row.id,
                    to_address: &row.recipient_email,
                    to_name: &name,
                    reference,
                    rendered,
                }),
                Err(e) => Outcome::Permanent(e),
            }
        })
        .await
        .map_err(|e| AppError::Internal(format!("dispatch: {e}")))?;
        let now = state.now();
        let (after, retry_at, error) = match outcome {
            Outcome::Sent => (OutboxState::Sent, None, None),
            Outcome::Transient(e) if attempt < mail.max_attempts => {
                let at = now + backoff(mail.retry_seconds, attempt, jitter());
                (OutboxState::Pending, Some(at.naive_utc()), Some(e))
            }
            Outcome::Transient(e) | Outcome::Permanent(e) => (OutboxState::Dead, None, Some(e)),
        };
        match after {
            OutboxState::Sent => report.sent += 1,
            OutboxState::Pending | OutboxState::Digest => report.retried += 1,
            OutboxState::Dead => {
                tracing::warn!(id, error = ?error, "notification dead-lettered");
                report.dead += 1
            }
        }
        unit_of_work::write_anonymous(state, move |tx| {
            let now = tx.now.naive_utc();
            Ok(outbox::record_attempt(
                tx.conn,
                id,
                after,
                retry_at,
                error.as_deref(),
                now,
            )?)
        })
        .await?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_is_capped_and_spread() {
        assert_eq!(backoff(30, 1, 0.5), Duration::seconds(30));
        assert_eq!(backoff(30, 2, 0.5), Duration::seconds(60));
        assert_eq!(backoff(30, 5, 0.5), Duration::seconds(480));
        assert_eq!(backoff(30, 40, 0.5), Duration::hours(6));
        assert_eq!(backoff(30, 1, 0.0), Duration::seconds(24));
        assert_eq!(backoff(30, 1, 1.0), Duration::seconds(36));
    }
}
