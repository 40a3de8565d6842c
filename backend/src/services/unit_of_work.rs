//! How a use case reaches the database: on the blocking pool (diesel is synchronous and must
//! never hold an actix worker), with one pooled connection, and for a write in one
//! transaction that takes the write lock when it begins. A 403 leaves an audit row written
//! after the work's own transaction rolled back, so the refusal is never lost with it.
//! Actions registered with [`Tx::after_commit`] run once the transaction has committed.
//! Reads of tickets noted with [`Tx::note_read`] are in the access log before the read
//! returns.

use chrono::{DateTime, Utc};

use crate::db::models::{NewTicketRead, Ticket};
use crate::db::{memo, DbConn};
use crate::domain::ticket_read::ReadPart;
use crate::error::AppError;
use crate::services::audit;
use crate::services::caller::Caller;
use crate::state::AppState;

type AfterCommit = Box<dyn FnOnce() + Send>;

/// A use case's access to the database, and the instant it acts at.
pub struct Tx<'c> {
    pub conn: &'c mut DbConn,
    pub now: DateTime<Utc>,
    after_commit: Vec<AfterCommit>,
    notifies: bool,
    reads: Vec<NewTicketRead>,
}

impl<'c> Tx<'c> {
    fn new(conn: &'c mut DbConn, now: DateTime<Utc>) -> Self {
        Self {
            conn,
            now,
            after_commit: Vec::new(),
            notifies: true,
            reads: Vec::new(),
        }
    }

    /// Work replayed at a past instant inside a transaction its runner opened (the demo
    /// generator writes months of activity): the services write everything as usual but
    /// the outbox, because the notices of a simulated past must never be sent.
    pub fn replaying(conn: &'c mut DbConn, now: DateTime<Utc>) -> Self {
        Self {
            notifies: false,
            ..Self::new(conn, now)
        }
    }

    /// Whether the work's notices go to the outbox.
    pub fn notifies(&self) -> bool {
        self.notifies
    }

    /// Notes that `caller` is shown `part` of a ticket: the access log records it before the
    /// read answers (reads through [`read`] only).
    pub fn note_read(
        &mut self,
        caller: &Caller,
        ticket: &Ticket,
        part: ReadPart,
        attachment_id: Option<i64>,
    ) {
        self.reads.push(NewTicketRead {
            read_at: self.now.naive_utc(),
            ticket_id: ticket.id,
            territory_code: ticket.territory_code.clone(),
            user_id: caller.user_id(),
            client_id: caller.client_id().map(str::to_owned),
            part,
            attachment_id,
            channel: caller.channel,
            client_address: caller.address.clone(),
        });
    }

    /// Runs `action` once the transaction has committed (never if it rolls back).
    pub fn after_commit(&mut self, action: impl FnOnce() + Send + 'static) {
        self.after_commit.push(Box::new(action));
    }
}

/// Whether the work writes, and so takes its turn among the process's writers on SQLite
/// before it takes a connection (waiting for the turn does not hold one from the readers).
#[derive(Clone, Copy)]
enum Access {
    Read,
    Write,
}

async fn blocking<T: Send + 'static>(
    state: &AppState,
    access: Access,
    work: impl FnOnce(&mut DbConn, DateTime<Utc>) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let pool = state.pool.clone();
    let writers = state.writers.clone();
    let clock = state.clock.clone();
    tokio::task::spawn_blocking(move || {
        let _memo = memo::Scope::start();
        let _turn = match access {
            Access::Write => Some(writers.enter().ok_or_else(AppError::database_busy)?),
            Access::Read => None,
        };
        let mut conn = pool.get()?;
        // The instant is read once the writer's turn has come, so that writes are dated in
        // the order they happen.
        work(&mut conn, clock.now())
    })
    .await
    .map_err(|e| AppError::Internal(format!("blocking task: {e}")))?
}

fn in_transaction<T>(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    work: impl FnOnce(&mut Tx) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let (value, after_commit) = conn
        .write_transaction(|conn| {
            let mut tx = Tx::new(conn, now);
            let value = work(&mut tx)?;
            Ok::<_, AppError>((value, tx.after_commit))
        })
        // What the rolled-back work read may have been its own writes.
        .inspect_err(|_| memo::forget())?;
    for action in after_commit {
        action();
    }
    Ok(value)
}

/// Records a refusal of `caller` once the work is over.
fn audit_refusal<T>(
    conn: &mut DbConn,
    caller: &Caller,
    now: DateTime<Utc>,
    result: Result<T, AppError>,
) -> Result<T, AppError> {
    if let Err(AppError::Forbidden { detail }) = &result {
        audit::record_denial(conn, caller, detail, now)?;
    }
    result
}

/// A decision taken before any database work (a role check), its refusal audited like
/// any other.
pub async fn audited<T: Send + 'static>(
    state: &AppState,
    caller: &Caller,
    decision: Result<T, AppError>,
) -> Result<T, AppError> {
    if let Err(AppError::Forbidden { detail }) = &decision {
        let (caller, detail) = (caller.clone(), detail.clone());
        blocking(state, Access::Write, move |conn, now| {
            audit::record_denial(conn, &caller, &detail, now)
        })
        .await?;
    }
    decision
}

/// Reads for `caller`; the reads of tickets it noted are recorded before it returns.
pub async fn read<T, F>(state: &AppState, caller: &Caller, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut Tx, &Caller) -> Result<T, AppError> + Send + 'static,
{
    let caller = caller.clone();
    let (value, reads) = blocking(state, Access::Read, move |conn, now| {
        let mut tx = Tx::new(conn, now);
        let result = work(&mut tx, &caller);
        let reads = std::mem::take(&mut tx.reads);
        audit_refusal(tx.conn, &caller, now, result).map(|value| (value, reads))
    })
    .await?;
    state.access_log.record(reads).await?;
    Ok(value)
}

/// Writes for `caller`, in one transaction.
pub async fn write<T, F>(state: &AppState, caller: &Caller, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut Tx, &Caller) -> Result<T, AppError> + Send + 'static,
{
    let caller = caller.clone();
    blocking(state, Access::Write, move |conn, now| {
        let result = in_transaction(conn, now, |tx| work(tx, &caller));
        audit_refusal(conn, &caller, now, result)
    })
    .await
}

/// Reads on nobody's behalf (public reference data, health, logins before the caller is
/// known).
pub async fn read_anonymous<T, F>(state: &AppState, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut Tx) -> Result<T, AppError> + Send + 'static,
{
    blocking(state, Access::Read, move |conn, now| {
        work(&mut Tx::new(conn, now))
    })
    .await
}

/// Writes on nobody's behalf (the scheduled jobs, logins), in one transaction.
pub async fn write_anonymous<T, F>(state: &AppState, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut Tx) -> Result<T, AppError> + Send + 'static,
{
    blocking(state, Access::Write, move |conn, now| {
        in_transaction(conn, now, work)
    })
    .await
}
