//! The access log's writer: reads are recorded by batches, and a read is answered only once
//! its entry is committed.
//!
//! Writing each entry in its read would make every read a writer, and on SQLite the readers
//! would then queue one by one behind the write lock. Here a read hands its entries to one
//! thread and waits; the thread commits whatever has arrived meanwhile in one transaction
//! (group commit), so a thousand concurrent reads cost a few commits, not a thousand, and
//! no answer leaves before the trace of its read is on disk. When the log cannot be written
//! the read fails with it (503): nothing is shown without being recorded.

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::Arc;

use tokio::sync::oneshot;

use crate::db::models::NewTicketRead;
use crate::db::repo::ticket_reads;
use crate::db::{DbPool, WriterGate};
use crate::error::AppError;

/// Entries waiting for the writer beyond which reads are refused (503) rather than queued
/// without bound.
const QUEUE: usize = 20_000;
/// Entries committed in one transaction at most.
const BATCH: usize = 2_000;

type Outcome = Result<(), AppError>;

struct Pending {
    rows: Vec<NewTicketRead>,
    done: oneshot::Sender<Outcome>,
}

/// The handle of the access log's writer thread (it ends when the last handle goes).
pub struct AccessRecorder {
    queue: SyncSender<Pending>,
}

impl AccessRecorder {
    pub fn start(pool: DbPool, writers: Arc<WriterGate>) -> Self {
        let (queue, arrivals) = mpsc::sync_channel(QUEUE);
        std::thread::Builder::new()
            .name("access-log".into())
            .spawn(move || write_batches(&arrivals, &pool, &writers))
            .expect("spawning the access log's writer");
        Self { queue }
    }

    /// Records `rows` and returns once they are committed.
    pub async fn record(&self, rows: Vec<NewTicketRead>) -> Result<(), AppError> {
        if rows.is_empty() {
            return Ok(());
        }
        let (done, committed) = oneshot::channel();
        match self.queue.try_send(Pending { rows, done }) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(AppError::database_busy()),
            Err(TrySendError::Disconnected(_)) => {
                return Err(AppError::Internal("the access log's writer stopped".into()))
            }
        }
        committed
            .await
            .map_err(|_| AppError::Internal("the access log's writer dropped a read".into()))?
    }
}

fn write_batches(arrivals: &Receiver<Pending>, pool: &DbPool, writers: &WriterGate) {
    while let Ok(first) = arrivals.recv() {
        let mut batch = vec![first];
        let mut size = batch[0].rows.len();
        while size < BATCH {
            match arrivals.try_recv() {
                Ok(next) => {
                    size += next.rows.len();
                    batch.push(next);
                }
                Err(_) => break,
            }
        }
        let rows: Vec<NewTicketRead> = batch
            .iter_mut()
            .flat_map(|p| std::mem::take(&mut p.rows))
            .collect();
        let outcome = commit(pool, writers, &rows);
        if let Err(e) = &outcome {
            tracing::error!(entries = rows.len(), error = %e, "access log not written");
        }
        for pending in batch {
            // A read whose client went away no longer waits: nothing to tell.
            let _ = pending.done.send(replicate(&outcome));
        }
    }
}

fn commit(pool: &DbPool, writers: &WriterGate, rows: &[NewTicketRead]) -> Outcome {
    let _turn = writers.enter().ok_or_else(AppError::database_busy)?;
    let mut conn = pool.get()?;
    conn.write_transaction(|conn| ticket_reads::insert_many(conn, rows).map(|_| ()))?;
    Ok(())
}

/// The batch's outcome for each of its reads.
fn replicate(outcome: &Outcome) -> Outcome {
    match outcome {
        Ok(()) => Ok(()),
        Err(AppError::Unavailable {
            code,
            detail,
            retry_after_secs,
        }) => Err(AppError::Unavailable {
            code,
            detail: detail.clone(),
            retry_after_secs: *retry_after_secs,
        }),
        Err(e) => Err(AppError::Internal(format!("access log: {e}"))),
    }
}
