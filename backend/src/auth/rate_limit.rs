//! Throttling of the token endpoint, per account and per client address (in memory, per
//! process).

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Keys kept before stale ones are pruned.
const PRUNE_ABOVE: usize = 10_000;

pub struct LoginRateLimiter {
    per_account: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl LoginRateLimiter {
    /// Bursts of `per_account` attempts per account and `per_address` per address, each
    /// replenished over a minute.
    pub fn new(per_account: NonZeroU32, per_address: NonZeroU32) -> Self {
        Self {
            per_account: RateLimiter::keyed(Quota::per_minute(per_account)),
            per_address: RateLimiter::keyed(Quota::per_minute(per_address)),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one attempt; `Err(wait)` when over either limit.
    pub fn check(&self, account: &str, address: &str) -> Result<(), Duration> {
        for (limiter, key) in [
            (&self.per_address, address),
            (&self.per_account, &account.to_lowercase()),
        ] {
            if limiter.len() > PRUNE_ABOVE {
                limiter.retain_recent();
            }
            if let Err(not_until) = limiter.check_key(&key.to_owned()) {
                return Err(not_until.wait_time_from(self.clock.now()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: u32) -> NonZeroU32 {
        NonZeroU32::new(v).unwrap()
    }

    #[test]
    fn an_account_is_throttled_after_its_burst() {
        let limiter = LoginRateLimiter::new(n(3), n(100));
        for _ in 0..3 {
            assert!(limiter.check("a@x.fr", "10.0.0.1").is_ok());
        }
        let wait = limiter.check("A@X.fr", "10.0.0.2").unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(limiter.check("b@x.fr", "10.0.0.1").is_ok());
    }

    #[test]
    fn an_address_is_throttled_across_accounts() {
        let limiter = LoginRateLimiter::new(n(100), n(2));
        assert!(limiter.check("a@x.fr", "10.0.0.1").is_ok());
        assert!(limiter.check("b@x.fr", "10.0.0.1").is_ok());
        assert!(limiter.check("c@x.fr", "10.0.0.1").is_err());
        assert!(limiter.check("c@x.fr", "10.0.0.9").is_ok());
    }
}
