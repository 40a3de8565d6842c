//! Runs the scheduled jobs in `serve`. The bodies are services (`services::jobs`), called
//! the same way by the tests; every instance schedules them, the job's lease picks one.

use std::future::Future;

use tokio_cron_scheduler::{Job, JobScheduler};

use super::one_at_a_time::OneAtATime;
use crate::error::AppError;
use crate::services::jobs::{self, Ran};
use crate::state::AppState;

/// When a job runs: on a cron schedule, or every so many seconds.
enum Every {
    Cron(String),
    Seconds(u64),
}

fn job<F, Fut>(every: Every, name: &'static str, state: AppState, run: F) -> Result<Job, String>
where
    F: Fn(AppState) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = Result<Ran, AppError>> + Send + 'static,
{
    let runs = OneAtATime::default();
    let body = move |_, _| {
        let (state, run, runs) = (state.clone(), run.clone(), runs.clone());
        Box::pin(async move {
            let Some(_running) = runs.start() else {
                tracing::debug!(job = name, "the previous run is still going");
                return;
            };
            match run(state).await {
                Ok(Some(0)) => tracing::trace!(job = name, "nothing to do"),
                Ok(Some(done)) => tracing::info!(job = name, done, "scheduled job"),
                Ok(None) => tracing::debug!(job = name, "another instance holds the lease"),
                Err(e) => tracing::error!(job = name, error = %e, "scheduled job failed"),
            }
        }) as std::pin::Pin<Box<dyn Future<Output = ()> + Send>>
    };
    match every {
        Every::Cron(cron) => Job::new_async(cron.as_str(), body),
        Every::Seconds(seconds) => {
            Job::new_repeated_async(std::time::Duration::from_secs(seconds), body)
        }
    }
    .map_err(|e| e.to_string())
}

/// Starts the scheduled jobs; they run until the process ends.
pub async fn start(state: AppState) -> Result<JobScheduler, String> {
    let scheduler = JobScheduler::new().await.map_err(|e| e.to_string())?;
    // Every hour, at minute 7: close resolved tickets that are due.
    let auto_close = job(
        Every::Cron("0 7 * * * *".into()),
        "auto_close",
        state.clone(),
        |s| async move { jobs::auto_close(&s).await },
    )?;
    // Every hour, at minute 37: forget expired keys and counters.
    let housekeeping = job(
        Every::Cron("0 37 * * * *".into()),
        "housekeeping",
        state.clone(),
        |s| async move { jobs::housekeeping(&s).await },
    )?;
    // Every day at 02:17 UTC: anonymise the closed tickets whose retention is over.
    let retention = job(
        Every::Cron("0 17 2 * * *".into()),
        "ticket_retention",
        state.clone(),
        |s| async move { jobs::ticket_retention(&s).await },
    )?;
    // Every day at 16:00 UTC (the end of a school day in France): the queue digests.
    let digests = job(
        Every::Cron("0 0 16 * * *".into()),
        "queue_digest",
        state.clone(),
        |s| async move { jobs::queue_digests(&s).await },
    )?;
    // Daily by default (GUICHET_REVIEW_CRON): last month's reviews and the partners' figures
    // when missing, so that a run a crash cut is made up the next day.
    let monthly_reviews = job(
        Every::Cron(state.settings.review_cron.clone()),
        "monthly_reviews",
        state.clone(),
        |s| async move { jobs::monthly_reviews(&s).await },
    )?;
    // Every minute: the service-level warnings and breaches that are due.
    let service_levels = job(
        Every::Seconds(60),
        "service_level_alerts",
        state.clone(),
        |s| async move { jobs::service_level_alerts(&s).await },
    )?;
    // Every minute: the breaches' reminders (24 h and 6 h left, deadline passed).
    let breaches = job(
        Every::Seconds(60),
        "breach_deadlines",
        state.clone(),
        |s| async move { jobs::breach_deadlines(&s).await },
    )?;
    // Every minute: the figures' tallies added since, merged day by day.
    let tallies = job(
        Every::Seconds(60),
        "merge_tallies",
        state.clone(),
        |s| async move { jobs::merge_tallies(&s).await },
    )?;
    // Every few seconds: send the notifications that are due.
    let poll = state.settings.mail.poll_seconds;
    let notifications = job(
        Every::Seconds(poll),
        "notifications",
        state,
        |s| async move { jobs::dispatch_notifications(&s).await },
    )?;
    for job in [
        auto_close,
        housekeeping,
        retention,
        digests,
        monthly_reviews,
        service_levels,
        breaches,
        tallies,
        notifications,
    ] {
        scheduler.add(job).await.map_err(|e| e.to_string())?;
    }
    scheduler.start().await.map_err(|e| e.to_string())?;
    Ok(scheduler)
}
