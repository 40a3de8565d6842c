//! Password hashing on a small bounded pool of threads. An argon2 hash allocates 7 MiB
//! while it runs; on the general blocking pool every thread that ever hashed keeps its
//! allocator arena, so a burst of logins grows the process without bound. Here at most
//! `threads` hashes run at once, at most `queue` wait, and beyond that the caller is told to
//! come back later (503) instead of queueing without end.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use super::passwords;

type Job = Box<dyn FnOnce() + Send>;

/// All hashers are busy and the queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saturated;

pub struct PasswordHasherPool {
    jobs: SyncSender<Job>,
}

impl PasswordHasherPool {
    pub fn new(threads: usize, queue: usize) -> Self {
        let (jobs, waiting) = sync_channel::<Job>(queue);
        let waiting = Arc::new(Mutex::new(waiting));
        for n in 0..threads.max(1) {
            let waiting = waiting.clone();
            std::thread::Builder::new()
                .name(format!("password-hasher-{n}"))
                .spawn(move || work(&waiting))
                .expect("a password hasher thread starts");
        }
        Self { jobs }
    }

    /// Queues `job` now (or refuses it now); its result arrives through the receiver.
    fn submit<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<tokio::sync::oneshot::Receiver<T>, Saturated> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(job());
        });
        match self.jobs.try_send(job) {
            Ok(()) => Ok(rx),
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => Err(Saturated),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Saturated> {
        self.submit(job)?.await.map_err(|_| Saturated)
    }

    /// Whether `password` matches the PHC string (`None` stored: spends the same time on a
    /// dummy hash and answers false, so unknown accounts answer as slowly as known ones).
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, Saturated> {
        self.run(move || match phc {
            Some(phc) => passwords::verify(&password, &phc),
            None => {
                passwords::verify_dummy(&password);
                false
            }
        })
        .await
    }

    pub async fn hash(&self, password: String) -> Result<String, Saturated> {
        self.run(move || passwords::hash(&password)).await
    }
}

fn work(waiting: &Mutex<Receiver<Job>>) {
    loop {
        let job = match waiting.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn hashes_verify_and_a_full_queue_refuses() {
        let pool = PasswordHasherPool::new(1, 1);
        let phc = pool.hash("correct horse battery".into()).await.unwrap();
        assert!(pool
            .verify("correct horse battery".into(), Some(phc.clone()))
            .await
            .unwrap());
        assert!(!pool.verify("wrong".into(), None).await.unwrap());
        // The one hasher busy, the one place in the queue taken: the next is refused at once.
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (started, running) = std::sync::mpsc::channel::<()>();
        let busy = pool
            .submit(move || {
                started.send(()).unwrap();
                hold.recv().unwrap();
            })
            .unwrap();
        running.recv().unwrap();
        let waiting = pool
            .submit(|| passwords::hash("two password here"))
            .unwrap();
        assert_eq!(
            pool.submit(|| passwords::hash("three password here")).err(),
            Some(Saturated)
        );
        release.send(()).unwrap();
        busy.await.unwrap();
        assert!(waiting.await.unwrap().starts_with("$argon2id$"));
    }
}
