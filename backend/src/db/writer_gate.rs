//! The queue of this process's SQLite writers.
//!
//! SQLite lets one writer at a time hold the database; the others wait in its busy handler,
//! which sleeps and polls. Polling is not a queue: under a steady flow of writes a waiter can
//! miss every free moment until its busy timeout runs out (a 503 at the rentrée). Within the
//! process the writers therefore queue here, first come first served, and reach SQLite one
//! at a time; the busy timeout is left for the other processes on the same file.
//! PostgreSQL runs writers side by side: there the gate is open.

use std::time::Duration;

use parking_lot::{FairMutex, FairMutexGuard};

use crate::settings::DatabaseUrl;

/// How long a writer waits for its turn before the request is answered 503: well beyond
/// what a queue of write transactions takes, short of a client's patience.
const TURN_WAIT: Duration = Duration::from_secs(15);

#[derive(Debug, Default)]
pub struct WriterGate(Option<FairMutex<()>>);

/// A writer's turn, held until dropped (PostgreSQL: nothing is held).
pub struct Turn<'g>(#[allow(dead_code)] Option<FairMutexGuard<'g, ()>>);

impl WriterGate {
    pub fn for_database(url: &DatabaseUrl) -> Self {
        match url {
            DatabaseUrl::Sqlite(_) => Self(Some(FairMutex::new(()))),
            DatabaseUrl::Postgres(_) => Self(None),
        }
    }

    /// Waits for this writer's turn; `None` when the queue did not move within
    /// [`TURN_WAIT`].
    pub fn enter(&self) -> Option<Turn<'_>> {
        match &self.0 {
            None => Some(Turn(None)),
            Some(queue) => queue.try_lock_for(TURN_WAIT).map(|guard| Turn(Some(guard))),
        }
    }

    /// Whether the database runs one writer at a time.
    pub fn serialises_writers(&self) -> bool {
        self.0.is_some()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[test]
    fn sqlite_writers_take_turns_in_order_of_arrival() {
        let gate = Arc::new(WriterGate::for_database(&DatabaseUrl::Sqlite(
            "x.db".into(),
        )));
        let order = Arc::new(Mutex::new(Vec::new()));
        let first = gate.enter().expect("free gate");
        let waiters: Vec<_> = (0..4)
            .map(|n| {
                let (gate, order) = (gate.clone(), order.clone());
                let waiter = std::thread::spawn(move || {
                    let _turn = gate.enter().expect("turn");
                    order.lock().unwrap().push(n);
                });
                // Each waiter is queued before the next one arrives.
                std::thread::sleep(Duration::from_millis(50));
                waiter
            })
            .collect();
        assert!(
            order.lock().unwrap().is_empty(),
            "nobody passes a held turn"
        );
        drop(first);
        for waiter in waiters {
            waiter.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3]);
    }

    #[test]
    fn postgres_writers_do_not_queue() {
        let gate = WriterGate::for_database(&DatabaseUrl::Postgres("postgres://x".into()));
        let _one = gate.enter().expect("open");
        assert!(gate.enter().is_some());
        assert!(!gate.serialises_writers());
    }
}
