//! Drives requests at a given concurrency: `clients` threads, each with its own keep-alive
//! connection, take the next request number until `requests` are done; each request's
//! latency is kept. A request that fails stops the measure: a bench that meets a 5xx must
//! say so, not average it away.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::Agent;

/// What the clients measured.
pub struct Outcome {
    pub latencies: Vec<Duration>,
    pub elapsed: Duration,
}

/// An HTTP client of the bench: plain HTTP, answers of every status returned as they are.
pub fn agent() -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Runs request number `i` (0 to `requests - 1`) with `request(agent, i)` from `clients`
/// threads at once.
pub fn drive<F>(clients: usize, requests: usize, request: F) -> Result<Outcome, String>
where
    F: Fn(&Agent, usize) -> Result<(), String> + Sync,
{
    let next = AtomicUsize::new(0);
    let failure: Mutex<Option<String>> = Mutex::new(None);
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(requests);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..clients)
            .map(|_| {
                scope.spawn(|| {
                    let agent = agent();
                    let mut own = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= requests {
                            break;
                        }
                        let sent = Instant::now();
                        if let Err(e) = request(&agent, i) {
                            failure.lock().expect("not poisoned").get_or_insert(e);
                            // The others stop at their next request.
                            next.store(requests, Ordering::Relaxed);
                            break;
                        }
                        own.push(sent.elapsed());
                    }
                    own
                })
            })
            .collect();
        for worker in workers {
            latencies.extend(worker.join().unwrap_or_default());
        }
    });
    let elapsed = started.elapsed();
    if let Some(e) = failure.into_inner().expect("not poisoned") {
        return Err(e);
    }
    Ok(Outcome { latencies, elapsed })
}

/// Sends a request and reads its answer; the body, if its status is the one expected.
pub fn expect(
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    status: u16,
    what: &str,
) -> Result<String, String> {
    let mut response = response.map_err(|e| format!("{what} : {e}"))?;
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(|e| format!("{what} : {e}"))?;
    if response.status().as_u16() != status {
        return Err(format!("{what} : {} {body}", response.status()));
    }
    Ok(body)
}
