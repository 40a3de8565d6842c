//! A service-level clock: business time used against a target, which runs, pauses and stops
//! as the ticket moves, and the instants at which it warns and is due.
//!
//! The time used is kept in business seconds; while the clock runs, the time since it last
//! started is added on reading. Its due instant (and warning instant) is recomputed from the
//! time left whenever it starts again; when it pauses or stops, an instant already reached
//! is kept (the breach happened) and one not yet reached is dropped (nothing is due while
//! nothing runs).

use chrono::{DateTime, Utc};

use super::calendar::BusinessCalendar;
use super::service_level_policy::ClockKind;
use super::ticket_lifecycle::{PendingReason, TicketStatus};
use crate::text_enum;

text_enum! {
    /// Where a clock stands.
    ClockState {
        Running => "running",
        /// Waiting for the school or a third party: its time does not count.
        Paused => "paused",
        /// Met (answered, resolved) or ended (the stay is over).
        Stopped => "stopped",
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    pub target_seconds: i64,
    /// Share of the target at which the clock warns, in percent.
    pub warning_percent: i64,
    /// Business seconds used up to `running_since` (or in all, when not running).
    pub used_seconds: i64,
    pub running_since: Option<DateTime<Utc>>,
    pub stopped: bool,
    pub due_at: Option<DateTime<Utc>>,
    pub warn_at: Option<DateTime<Utc>>,
}

impl Clock {
    /// A clock created at `now` in the state `state`.
    pub fn new(
        target_minutes: i64,
        warning_percent: i64,
        calendar: &BusinessCalendar,
        now: DateTime<Utc>,
        state: ClockState,
    ) -> Self {
        let mut clock = Self {
            target_seconds: target_minutes * 60,
            warning_percent,
            used_seconds: 0,
            running_since: None,
            stopped: false,
            due_at: None,
            warn_at: None,
        };
        clock.move_to(calendar, now, state);
        clock
    }

    pub fn state(&self) -> ClockState {
        match (self.running_since, self.stopped) {
            (Some(_), _) => ClockState::Running,
            (None, true) => ClockState::Stopped,
            (None, false) => ClockState::Paused,
        }
    }

    /// Business seconds used at `now`.
    pub fn used_at(&self, calendar: &BusinessCalendar, now: DateTime<Utc>) -> i64 {
        let running = self
            .running_since
            .map_or(0, |since| calendar.business_seconds_between(since, now));
        self.used_seconds + running
    }

    /// The business seconds after which the clock warns.
    pub fn warning_seconds(&self) -> i64 {
        self.target_seconds * self.warning_percent / 100
    }

    /// Moves the clock to `state` at `now`; `false` if it was already there.
    pub fn move_to(
        &mut self,
        calendar: &BusinessCalendar,
        now: DateTime<Utc>,
        state: ClockState,
    ) -> bool {
        if self.state() == state {
            return false;
        }
        self.used_seconds = self.used_at(calendar, now);
        self.running_since = (state == ClockState::Running).then_some(now);
        self.stopped = state == ClockState::Stopped;
        self.place_instants(calendar, now);
        true
    }

    /// Gives the clock another target at `now` (the ticket's priority changed): the time
    /// used stays, the instants follow the new target; `false` if it had that target.
    pub fn retarget(
        &mut self,
        calendar: &BusinessCalendar,
        now: DateTime<Utc>,
        target_minutes: i64,
    ) -> bool {
        if self.target_seconds == target_minutes * 60 {
            return false;
        }
        self.used_seconds = self.used_at(calendar, now);
        if self.running_since.is_some() {
            self.running_since = Some(now);
        }
        self.target_seconds = target_minutes * 60;
        // The instants of the old target mean nothing for the new one; one the new target
        // has already passed is placed now.
        self.due_at = None;
        self.warn_at = None;
        self.place_instants(calendar, now);
        true
    }

    /// The warning and due instants after a change at `now`: one not reached is computed
    /// from the time left if the clock runs (nothing is due while it does not); one reached
    /// keeps its instant (or takes `now` if it had none).
    fn place_instants(&mut self, calendar: &BusinessCalendar, now: DateTime<Utc>) {
        let (used, running) = (self.used_seconds, self.running_since.is_some());
        let at = |threshold: i64, kept: Option<DateTime<Utc>>| {
            if used >= threshold {
                kept.or(Some(now))
            } else if running {
                calendar.add_business_seconds(now, threshold - used)
            } else {
                None
            }
        };
        self.due_at = at(self.target_seconds, self.due_at);
        self.warn_at = at(self.warning_seconds(), self.warn_at);
    }
}

/// Where a ticket is, as its clocks need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketSituation {
    pub status: TicketStatus,
    pub pending_reason: Option<PendingReason>,
    /// Some organisation has answered the school.
    pub responded: bool,
}

impl TicketSituation {
    fn treatment_over(&self) -> bool {
        super::ticket_lifecycle::treatment_over(self.status)
    }
}

/// The state of one of the ticket's own clocks: they pause while the ticket waits for the
/// school or a third party, not while the vendor waits for the authority (that time is the
/// chain's); a hand-off changes nothing to them.
pub fn ticket_clock_state(kind: ClockKind, ticket: &TicketSituation) -> ClockState {
    let answered = kind == ClockKind::Response && ticket.responded;
    if ticket.treatment_over() || answered {
        ClockState::Stopped
    } else if matches!(
        ticket.pending_reason,
        Some(PendingReason::Requester | PendingReason::ThirdParty)
    ) {
        ClockState::Paused
    } else {
        ClockState::Running
    }
}

/// A stay of the ticket in one organisation, as its clocks need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaySituation {
    /// The ticket has left it.
    pub left: bool,
    /// That organisation has answered on this stay.
    pub responded: bool,
}

/// The state of a stay's clock: it stops when the ticket leaves or the treatment ends, and
/// pauses on every wait, the vendor's question to the authority included (the organisation
/// that asked waits for the answer).
pub fn stay_clock_state(
    kind: ClockKind,
    ticket: &TicketSituation,
    stay: &StaySituation,
) -> ClockState {
    let answered = kind == ClockKind::Response && stay.responded;
    if stay.left || ticket.treatment_over() || answered {
        ClockState::Stopped
    } else if ticket.pending_reason.is_some() {
        ClockState::Paused
    } else {
        ClockState::Running
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate, TimeZone};

    use super::*;
    use crate::domain::calendar::{BusinessWindow, HolidayPeriod};

    fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Paris
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn period(first: (i32, u32, u32), last: (i32, u32, u32)) -> HolidayPeriod {
        HolidayPeriod {
            first_day: NaiveDate::from_ymd_opt(first.0, first.1, first.2).unwrap(),
            last_day: NaiveDate::from_ymd_opt(last.0, last.1, last.2).unwrap(),
        }
    }

    /// The seeded 2026-27 periods: Toussaint is the same in both zones, winter is not.
    fn zone(name: char) -> Vec<HolidayPeriod> {
        let mut periods = vec![
            period((2026, 10, 18), (2026, 11, 1)),
            period((2026, 12, 20), (2027, 1, 3)),
        ];
        periods.push(match name {
            'B' => period((2027, 2, 21), (2027, 3, 7)),
            _ => period((2027, 2, 7), (2027, 2, 21)),
        });
        periods
    }

    fn calendar(holidays: Vec<HolidayPeriod>, alsace_moselle: bool) -> BusinessCalendar {
        BusinessCalendar::new(
            BusinessWindow::conventions_default(),
            holidays,
            alsace_moselle,
        )
    }

    /// A clock of `minutes` started at `at`, warning at 75 %.
    fn started(cal: &BusinessCalendar, minutes: i64, at: DateTime<Utc>) -> Clock {
        Clock::new(minutes, 75, cal, at, ClockState::Running)
    }

    #[test]
    fn a_due_time_across_a_weekend() {
        let cal = calendar(vec![], false);
        // Friday 27 Nov 2026 20:00, 4 h: 2 h on Friday, 2 h from Monday 08:00.
        let clock = started(&cal, 240, paris(2026, 11, 27, 20, 0));
        assert_eq!(clock.due_at, Some(paris(2026, 11, 30, 10, 0)));
        // 75 % is 180 minutes: 2 h on Friday, 1 h on Monday.
        assert_eq!(clock.warn_at, Some(paris(2026, 11, 30, 9, 0)));
    }

    #[test]
    fn good_friday_counts_in_reims_but_not_in_strasbourg() {
        // Thursday 2 April 2026 20:00, 4 h.
        let at = paris(2026, 4, 2, 20, 0);
        let reims = started(&calendar(vec![], false), 240, at);
        assert_eq!(reims.due_at, Some(paris(2026, 4, 3, 10, 0)));
        // Strasbourg: Good Friday, the weekend and Easter Monday are off: Tuesday 10:00.
        let strasbourg = started(&calendar(vec![], true), 240, at);
        assert_eq!(strasbourg.due_at, Some(paris(2026, 4, 7, 10, 0)));
    }

    #[test]
    fn the_toussaint_holidays_for_zone_b_and_zone_c() {
        // Friday 16 Oct 2026 20:00, 4 h: 2 h on Friday, then the holidays (18 Oct – 1 Nov)
        // and the 1 Nov holiday: Monday 2 Nov 10:00 in both zones.
        let at = paris(2026, 10, 16, 20, 0);
        for name in ['B', 'C'] {
            let clock = started(&calendar(zone(name), false), 240, at);
            assert_eq!(clock.due_at, Some(paris(2026, 11, 2, 10, 0)), "zone {name}");
        }
        // A policy that does not exclude school holidays: Monday 19 Oct 10:00.
        let clock = started(&calendar(vec![], false), 240, at);
        assert_eq!(clock.due_at, Some(paris(2026, 10, 19, 10, 0)));
        // The winter break differs. Friday 19 Feb 2027 20:00, 4 h: zone C is on holiday
        // until Sunday 21, so all 4 h fall on Monday 22 (12:00); zone B counts 2 h on Friday,
        // then breaks from 21 Feb to 7 March: Monday 8 March 10:00.
        let at = paris(2027, 2, 19, 20, 0);
        let b = started(&calendar(zone('B'), false), 240, at);
        let c = started(&calendar(zone('C'), false), 240, at);
        assert_eq!(b.due_at, Some(paris(2027, 3, 8, 10, 0)));
        assert_eq!(c.due_at, Some(paris(2027, 2, 22, 12, 0)));
    }

    #[test]
    fn the_ten_pm_edge() {
        let cal = calendar(vec![], false);
        // Tuesday 21:00, 1 h: due at closing time, not the next morning.
        let clock = started(&cal, 60, paris(2026, 11, 24, 21, 0));
        assert_eq!(clock.due_at, Some(paris(2026, 11, 24, 22, 0)));
        // Opened at 22:00 sharp: nothing counts before Wednesday 08:00.
        let clock = started(&cal, 60, paris(2026, 11, 24, 22, 0));
        assert_eq!(clock.due_at, Some(paris(2026, 11, 25, 9, 0)));
        assert_eq!(clock.used_at(&cal, paris(2026, 11, 25, 8, 0)), 0);
        // 21:59:30: 30 s on Tuesday, 59 min 30 s on Wednesday.
        let at = paris(2026, 11, 24, 21, 59) + Duration::seconds(30);
        let clock = started(&cal, 60, at);
        assert_eq!(
            clock.due_at,
            Some(paris(2026, 11, 25, 8, 59) + Duration::seconds(30))
        );
    }

    #[test]
    fn a_pause_and_a_resume() {
        let cal = calendar(vec![], false);
        // Monday 23 Nov 09:00, 4 h; paused at 10:00 (1 h used).
        let mut clock = started(&cal, 240, paris(2026, 11, 23, 9, 0));
        assert!(clock.move_to(&cal, paris(2026, 11, 23, 10, 0), ClockState::Paused));
        assert_eq!(clock.used_seconds, 3600);
        assert_eq!((clock.due_at, clock.warn_at), (None, None));
        // Nothing counts while paused.
        assert_eq!(clock.used_at(&cal, paris(2026, 11, 25, 13, 0)), 3600);
        // Resumed on Wednesday 14:00 with 3 h left: due 17:00, warning at 16:00.
        assert!(clock.move_to(&cal, paris(2026, 11, 25, 14, 0), ClockState::Running));
        assert_eq!(clock.due_at, Some(paris(2026, 11, 25, 17, 0)));
        assert_eq!(clock.warn_at, Some(paris(2026, 11, 25, 16, 0)));
        // Moving to the state it is in changes nothing.
        assert!(!clock.move_to(&cal, paris(2026, 11, 25, 15, 0), ClockState::Running));
    }

    #[test]
    fn a_breach_reached_before_a_pause_is_kept() {
        let cal = calendar(vec![], false);
        let mut clock = started(&cal, 60, paris(2026, 11, 23, 9, 0));
        clock.move_to(&cal, paris(2026, 11, 23, 11, 0), ClockState::Paused);
        assert_eq!(clock.used_seconds, 7200);
        assert_eq!(clock.due_at, Some(paris(2026, 11, 23, 10, 0)));
        assert_eq!(clock.warn_at, Some(paris(2026, 11, 23, 9, 45)));
        clock.move_to(&cal, paris(2026, 11, 24, 9, 0), ClockState::Running);
        assert_eq!(clock.due_at, Some(paris(2026, 11, 23, 10, 0)));
    }

    #[test]
    fn a_hand_off_keeps_the_ticket_clock_and_starts_the_stay_clock() {
        let cal = calendar(vec![], false);
        let kind = ClockKind::Resolution;
        // Opened Monday 23 Nov 09:00 with an 8-hour resolution target.
        let mut ticket_clock = started(&cal, 480, paris(2026, 11, 23, 9, 0));
        let before = TicketSituation {
            status: TicketStatus::InProgress,
            pending_reason: None,
            responded: true,
        };
        // Handed to the vendor at 11:00: the ticket is new in the vendor's queue.
        let after = TicketSituation {
            status: TicketStatus::New,
            ..before
        };
        assert_eq!(ticket_clock_state(kind, &before), ClockState::Running);
        let handed = paris(2026, 11, 23, 11, 0);
        assert!(!ticket_clock.move_to(&cal, handed, ticket_clock_state(kind, &after)));
        assert_eq!(ticket_clock.due_at, Some(paris(2026, 11, 23, 17, 0)));
        // The authority's stay ends; the vendor's starts with its own 4-hour target.
        let left = StaySituation {
            left: true,
            responded: true,
        };
        let fresh = StaySituation {
            left: false,
            responded: false,
        };
        assert_eq!(stay_clock_state(kind, &after, &left), ClockState::Stopped);
        let state = stay_clock_state(kind, &after, &fresh);
        let vendor = Clock::new(240, 75, &cal, handed, state);
        assert_eq!(vendor.due_at, Some(paris(2026, 11, 23, 15, 0)));
        assert_eq!(
            ticket_clock.used_at(&cal, paris(2026, 11, 23, 12, 0)),
            3 * 3600
        );
        assert_eq!(vendor.used_at(&cal, paris(2026, 11, 23, 12, 0)), 3600);
    }

    #[test]
    fn a_reopen_resumes_the_resolution_clock_where_it_stopped() {
        let cal = calendar(vec![], false);
        let mut clock = started(&cal, 480, paris(2026, 11, 23, 9, 0));
        let resolved = TicketSituation {
            status: TicketStatus::Resolved,
            pending_reason: None,
            responded: true,
        };
        let state = ticket_clock_state(ClockKind::Resolution, &resolved);
        assert_eq!(state, ClockState::Stopped);
        clock.move_to(&cal, paris(2026, 11, 23, 12, 0), state);
        assert_eq!(clock.used_seconds, 3 * 3600);
        // Reopened on Tuesday 10:00 with 5 h left: due 15:00.
        let reopened = TicketSituation {
            status: TicketStatus::InProgress,
            ..resolved
        };
        let state = ticket_clock_state(ClockKind::Resolution, &reopened);
        clock.move_to(&cal, paris(2026, 11, 24, 10, 0), state);
        assert_eq!(clock.due_at, Some(paris(2026, 11, 24, 15, 0)));
        // The response clock, answered, stays stopped.
        assert_eq!(
            ticket_clock_state(ClockKind::Response, &reopened),
            ClockState::Stopped
        );
    }

    #[test]
    fn a_requalification_retargets_the_running_clock() {
        let cal = calendar(vec![], false);
        // P3 (4 h) opened Monday 09:00; requalified P1 (1 h) at 09:20: due 10:00.
        let mut clock = started(&cal, 240, paris(2026, 11, 23, 9, 0));
        assert!(clock.retarget(&cal, paris(2026, 11, 23, 9, 20), 60));
        assert_eq!(clock.used_seconds, 20 * 60);
        assert_eq!(clock.due_at, Some(paris(2026, 11, 23, 10, 0)));
        assert_eq!(clock.warn_at, Some(paris(2026, 11, 23, 9, 45)));
        // Requalified P1 after 90 minutes: past the new target at once.
        let mut late = started(&cal, 240, paris(2026, 11, 23, 9, 0));
        late.retarget(&cal, paris(2026, 11, 23, 10, 30), 60);
        assert_eq!(late.due_at, Some(paris(2026, 11, 23, 10, 30)));
        assert!(!late.retarget(&cal, paris(2026, 11, 23, 10, 31), 60));
    }

    #[test]
    fn a_change_across_the_daylight_saving_switch() {
        let cal = calendar(vec![], false);
        // Friday 27 March 2026 20:00 (UTC+1), 4 h: Monday 30 March 10:00 (UTC+2).
        let clock = started(&cal, 240, paris(2026, 3, 27, 20, 0));
        assert_eq!(
            clock.due_at,
            Some(Utc.with_ymd_and_hms(2026, 3, 30, 8, 0, 0).unwrap())
        );
        // Autumn: Friday 29 Oct 2027 20:00 (UTC+2), the switch on Sunday 31, Monday 1 Nov a
        // public holiday: Tuesday 2 Nov 10:00 (UTC+1).
        let clock = started(&cal, 240, paris(2027, 10, 29, 20, 0));
        assert_eq!(
            clock.due_at,
            Some(Utc.with_ymd_and_hms(2027, 11, 2, 9, 0, 0).unwrap())
        );
    }

    #[test]
    fn waits_pause_the_right_clocks() {
        let waiting = |reason| TicketSituation {
            status: TicketStatus::Pending,
            pending_reason: Some(reason),
            responded: true,
        };
        let stay = StaySituation {
            left: false,
            responded: true,
        };
        let kind = ClockKind::Resolution;
        for reason in [PendingReason::Requester, PendingReason::ThirdParty] {
            assert_eq!(
                ticket_clock_state(kind, &waiting(reason)),
                ClockState::Paused
            );
            assert_eq!(
                stay_clock_state(kind, &waiting(reason), &stay),
                ClockState::Paused
            );
        }
        // The vendor asked the authority: the chain's time runs, the vendor's does not.
        let asked = waiting(PendingReason::VendorInfo);
        assert_eq!(ticket_clock_state(kind, &asked), ClockState::Running);
        assert_eq!(stay_clock_state(kind, &asked, &stay), ClockState::Paused);
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        fn state(n: u8) -> ClockState {
            [ClockState::Running, ClockState::Paused, ClockState::Stopped][n as usize % 3]
        }

        proptest! {
            /// For random walks of moves at random instants: the business time used never
            /// exceeds the wall time, never decreases, and does not grow while the clock
            /// does not run.
            #[test]
            fn used_time_is_bounded_monotonic_and_still_while_paused(
                start_offset in 0i64..(400 * 86_400),
                steps in proptest::collection::vec((0i64..(5 * 86_400), 0u8..3), 1..40),
                alsace_moselle in any::<bool>(),
            ) {
                let cal = calendar(zone('B'), alsace_moselle);
                let start = paris(2026, 1, 1, 0, 0) + Duration::seconds(start_offset);
                let mut clock = Clock::new(240, 75, &cal, start, ClockState::Running);
                let mut now = start;
                let mut last = 0;
                for (advance, next) in steps {
                    let was = clock.state();
                    let before = clock.used_at(&cal, now);
                    now += Duration::seconds(advance);
                    let used = clock.used_at(&cal, now);
                    prop_assert!(used >= last, "decreased: {used} < {last}");
                    prop_assert!(used <= (now - start).num_seconds(), "more than the wall time");
                    if was != ClockState::Running {
                        prop_assert_eq!(used, before, "grew while {}", was);
                    }
                    clock.move_to(&cal, now, state(next));
                    prop_assert_eq!(clock.used_at(&cal, now), used, "a move changed the time used");
                    if let Some(due) = clock.due_at {
                        if clock.state() == ClockState::Running && used < clock.target_seconds {
                            prop_assert!(due > now);
                            prop_assert_eq!(clock.used_at(&cal, due), clock.target_seconds);
                        }
                    }
                    last = used;
                }
            }
        }
    }
}
