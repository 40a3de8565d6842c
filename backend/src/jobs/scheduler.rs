//! The scheduler of `serve`: runs the job bodies on the blocking pool.

use tokio_cron_scheduler::{Job, JobScheduler};

use crate::db::DbPool;
use crate::jobs::auto_close;

/// Starts the scheduled jobs; they run until the process ends.
pub async fn start(pool: DbPool, auto_close_business_days: i64) -> Result<JobScheduler, String> {
    let scheduler = JobScheduler::new().await.map_err(|e| e.to_string())?;
    // Every hour, at minute 7: close resolved tickets that are due.
    let job = Job::new_async("0 7 * * * *", move |_, _| {
        let pool = pool.clone();
        Box::pin(async move {
            let outcome = tokio::task::spawn_blocking(move || {
                let mut conn = pool.get().map_err(|e| e.to_string())?;
                auto_close::close_resolved(&mut conn, chrono::Utc::now(), auto_close_business_days)
                    .map_err(|e| e.to_string())
            })
            .await;
            match outcome {
                Ok(Ok(closed)) => tracing::info!(closed, "auto-close job"),
                Ok(Err(e)) => tracing::error!(error = %e, "auto-close job failed"),
                Err(e) => tracing::error!(error = %e, "auto-close job panicked"),
            }
        })
    })
    .map_err(|e| e.to_string())?;
    scheduler.add(job).await.map_err(|e| e.to_string())?;
    scheduler.start().await.map_err(|e| e.to_string())?;
    Ok(scheduler)
}
