//! Scheduled work shared by every instance on one database: a run happens on the instance
//! that takes the job's lease, so with several instances each job still runs once per
//! period.

use chrono::Duration;

use crate::db::repo::{idempotency_keys, job_leases, login_attempts, web_sessions};
use crate::error::AppError;
use crate::services::tickets::auto_close;
use crate::services::unit_of_work;
use crate::state::AppState;

/// Takes `job`'s lease for `period` (less a margin, so that the next period's run is never
/// refused by a lease that has not quite expired); `false` when another instance holds it.
async fn lease(state: &AppState, job: &'static str, period: Duration) -> Result<bool, AppError> {
    let holder = state.instance.clone();
    let margin = Duration::seconds((period.num_seconds() / 10).clamp(1, 300));
    unit_of_work::write_anonymous(state, move |tx| {
        let now = tx.now.naive_utc();
        Ok(job_leases::claim(
            tx.conn,
            job,
            &holder,
            now,
            now + period - margin,
        )?)
    })
    .await
}

/// What a run did: `None` when another instance had the lease.
pub type Ran = Option<usize>;

/// Closes the resolved tickets that are due (hourly).
pub async fn auto_close(state: &AppState) -> Result<Ran, AppError> {
    if !lease(state, "auto_close", Duration::hours(1)).await? {
        return Ok(None);
    }
    auto_close::close_due(state).await.map(Some)
}

/// Sends the notifications that are due (every few seconds, on every instance: each
/// message is claimed by one).
pub async fn dispatch_notifications(state: &AppState) -> Result<Ran, AppError> {
    let report = crate::services::notifications::dispatch::dispatch_due(state).await?;
    Ok(Some(report.total()))
}

/// Records the service-level warnings and breaches that are due (every minute, on every
/// instance: each alert is recorded by one).
pub async fn service_level_alerts(state: &AppState) -> Result<Ran, AppError> {
    let recorded = crate::services::service_levels::alerts::record_due(state).await?;
    Ok(Some(recorded.warnings + recorded.breaches))
}

/// Records the breaches' deadline reminders that are due (every minute, on every instance:
/// each reminder is recorded by one).
pub async fn breach_deadlines(state: &AppState) -> Result<Ran, AppError> {
    crate::services::breaches::alerts::record_due(state)
        .await
        .map(Some)
}

/// Merges the figures' tallies added since the last run (every minute, on every instance:
/// two merging one day at once lose nothing, each takes out only the rows it puts back).
pub async fn merge_tallies(state: &AppState) -> Result<Ran, AppError> {
    let mut total = 0;
    loop {
        let merged = unit_of_work::write_anonymous(state, |tx| {
            crate::services::stats::tallies::merge::merge_some(tx.conn)
        })
        .await?;
        total += merged;
        if merged == 0 {
            return Ok(Some(total));
        }
    }
}

/// Anonymises the closed tickets whose retention is over (daily).
pub async fn ticket_retention(state: &AppState) -> Result<Ran, AppError> {
    if !lease(state, "ticket_retention", Duration::hours(24)).await? {
        return Ok(None);
    }
    crate::services::privacy::retention::anonymise_due(state)
        .await
        .map(Some)
}

/// Gathers the day's held queue notices into one digest per person (daily).
pub async fn queue_digests(state: &AppState) -> Result<Ran, AppError> {
    if !lease(state, "queue_digest", Duration::hours(24)).await? {
        return Ok(None);
    }
    crate::services::notifications::digest::compose(state)
        .await
        .map(Some)
}

/// Drafts last month's reviews that are missing and sends the partners their monthly figures
/// with them (daily by default: a territory already drafted is skipped, so the runs after
/// the 1st write nothing, unless a crash cut the 1st's).
pub async fn monthly_reviews(state: &AppState) -> Result<Ran, AppError> {
    if !lease(state, "monthly_reviews", Duration::hours(1)).await? {
        return Ok(None);
    }
    crate::services::reviews::monthly::draft_last_month(state)
        .await
        .map(Some)
}

/// Forgets expired idempotency keys, old login counters, expired web sessions and the
/// access log's reads past their retention (hourly).
pub async fn housekeeping(state: &AppState) -> Result<Ran, AppError> {
    if !lease(state, "housekeeping", Duration::hours(1)).await? {
        return Ok(None);
    }
    let ttl = Duration::hours(state.settings.idempotency_key_hours);
    let forgotten = unit_of_work::write_anonymous(state, move |tx| {
        let now = tx.now.naive_utc();
        let keys = idempotency_keys::purge(tx.conn, now - ttl)?;
        let attempts = login_attempts::purge(tx.conn, now - Duration::hours(1))?;
        // Web sessions nobody signed out of end here, once expired.
        let sessions = web_sessions::delete_expired(tx.conn, now)?;
        Ok(keys + attempts + sessions)
    })
    .await?;
    let reads = crate::services::access_log::retention::purge_expired(state).await?;
    Ok(Some(forgotten + reads))
}
