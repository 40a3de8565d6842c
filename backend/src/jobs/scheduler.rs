//! Runs the scheduled jobs in `serve`. The bodies are services (`services::jobs`), called
//! the same way by the tests; every instance schedules them, the job's lease picks one.

use std::future::Future;

use tokio_cron_scheduler::{Job, JobScheduler};

use crate::error::AppError;
use crate::services::jobs::{self, Ran};
use crate::state::AppState;

fn job<F, Fut>(cron: &str, name: &'static str, state: AppState, run: F) -> Result<Job, String>
where
    F: Fn(AppState) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = Result<Ran, AppError>> + Send + 'static,
{
    Job::new_async(cron, move |_, _| {
        let (state, run) = (state.clone(), run.clone());
        Box::pin(async move {
            match run(state).await {
                Ok(Some(done)) => tracing::info!(job = name, done, "scheduled job"),
                Ok(None) => tracing::debug!(job = name, "another instance holds the lease"),
                Err(e) => tracing::error!(job = name, error = %e, "scheduled job failed"),
            }
        })
    })
    .map_err(|e| e.to_string())
}

/// Starts the scheduled jobs; they run until the process ends.
pub async fn start(state: AppState) -> Result<JobScheduler, String> {
    let scheduler = JobScheduler::new().await.map_err(|e| e.to_string())?;
    // Every hour, at minute 7: close resolved tickets that are due.
    let auto_close = job("0 7 * * * *", "auto_close", state.clone(), |s| async move {
        jobs::auto_close(&s).await
    })?;
    // Every hour, at minute 37: forget expired keys and counters.
    let housekeeping = job("0 37 * * * *", "housekeeping", state, |s| async move {
        jobs::housekeeping(&s).await
    })?;
    for job in [auto_close, housekeeping] {
        scheduler.add(job).await.map_err(|e| e.to_string())?;
    }
    scheduler.start().await.map_err(|e| e.to_string())?;
    Ok(scheduler)
}
