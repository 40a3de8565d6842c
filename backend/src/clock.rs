//! The application's time source: the system clock, or one that tests set and move, so
//! that time-driven behaviour (auto-close today, service-level clocks next) is tested
//! through the API. The scheduled jobs and token checks read it too.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

#[derive(Clone)]
pub enum Clock {
    System,
    /// The system clock shifted by an offset that can be changed: time still flows, from
    /// wherever it was set.
    Adjustable(Arc<Mutex<Duration>>),
}

impl Clock {
    pub fn adjustable() -> Self {
        Self::Adjustable(Arc::new(Mutex::new(Duration::zero())))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Self::System => Utc::now(),
            Self::Adjustable(offset) => {
                Utc::now() + *offset.lock().unwrap_or_else(|e| e.into_inner())
            }
        }
    }

    /// Makes it `to` now (the system clock cannot be set: this does nothing to it).
    pub fn set(&self, to: DateTime<Utc>) {
        if let Self::Adjustable(offset) = self {
            *offset.lock().unwrap_or_else(|e| e.into_inner()) = to - Utc::now();
        }
    }

    /// Moves an adjustable clock forward.
    pub fn advance(&self, by: Duration) {
        if let Self::Adjustable(offset) = self {
            *offset.lock().unwrap_or_else(|e| e.into_inner()) += by;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adjustable_clock_moves_when_told_and_all_its_clones_see_it() {
        let clock = Clock::adjustable();
        let seen_by_a_job = clock.clone();
        let start = DateTime::parse_from_rfc3339("2026-11-30T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        clock.set(start);
        let read = seen_by_a_job.now();
        assert!(
            read >= start && read < start + Duration::seconds(5),
            "{read}"
        );
        clock.advance(Duration::hours(3));
        assert!(seen_by_a_job.now() >= start + Duration::hours(3));
        assert!(Clock::System.now() < start + Duration::hours(3) || Utc::now() > start);
    }
}
