//! Availability against the conventions' two-window commitment: at least 99.7 % Monday–Friday
//! 08:00–22:00 outside school holidays, 97 % the rest of the time. A period splits into its
//! in-window and out-of-window time (the territory's calendar decides); the outages of a
//! service, merged where they overlap, are lost time in each.

use chrono::{DateTime, Utc};

use super::calendar::BusinessCalendar;
use crate::text_enum;

text_enum! {
    /// What was unavailable.
    OutageService {
        /// The ENT itself.
        EntPlatform => "ent_platform",
        /// The authorities' sign-in (the académie's identity provider).
        Authentication => "authentication",
        /// The feed of the directory (pupils, staff, classes).
        DirectoryFeed => "directory_feed",
    }
}

/// A span of time `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The spans clipped to `[from, to)`, merged where they overlap or touch, in order.
pub fn merged(spans: &[Span], from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Span> {
    let mut clipped: Vec<Span> = spans
        .iter()
        .map(|s| Span {
            start: s.start.max(from),
            end: s.end.min(to),
        })
        .filter(|s| s.start < s.end)
        .collect();
    clipped.sort_by_key(|s| s.start);
    let mut out: Vec<Span> = Vec::new();
    for span in clipped {
        match out.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => out.push(span),
        }
    }
    out
}

/// The time of a period and the time lost in it, in seconds, in and out of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Measured {
    pub in_window: i64,
    pub out_of_window: i64,
    pub lost_in_window: i64,
    pub lost_out_of_window: i64,
}

impl Measured {
    /// Share available in the window, in percent (100 when the window holds no time).
    pub fn in_window_percent(&self) -> f64 {
        percent(self.in_window, self.lost_in_window)
    }

    pub fn out_of_window_percent(&self) -> f64 {
        percent(self.out_of_window, self.lost_out_of_window)
    }
}

fn percent(total: i64, lost: i64) -> f64 {
    if total <= 0 {
        100.0
    } else {
        100.0 * (total - lost) as f64 / total as f64
    }
}

/// Measures `[from, to)` with the outages of one service.
pub fn measure(
    calendar: &BusinessCalendar,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    outages: &[Span],
) -> Measured {
    let wall = (to - from).num_seconds().max(0);
    let in_window = calendar.business_seconds_between(from, to);
    let mut measured = Measured {
        in_window,
        out_of_window: wall - in_window,
        ..Measured::default()
    };
    for span in merged(outages, from, to) {
        let lost = (span.end - span.start).num_seconds();
        let lost_in = calendar.business_seconds_between(span.start, span.end);
        measured.lost_in_window += lost_in;
        measured.lost_out_of_window += lost - lost_in;
    }
    measured
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::calendar::BusinessWindow;

    fn paris(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        chrono_tz::Europe::Paris
            .with_ymd_and_hms(2026, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn span(start: DateTime<Utc>, end: DateTime<Utc>) -> Span {
        Span { start, end }
    }

    #[test]
    fn overlapping_outages_count_once_and_split_at_the_window() {
        let cal = BusinessCalendar::new(BusinessWindow::conventions_default(), vec![], false);
        // A term week: Monday 30 Nov 00:00 to Monday 7 Dec 00:00.
        let (from, to) = (paris(11, 30, 0, 0), paris(12, 7, 0, 0));
        let outages = [
            span(paris(12, 1, 10, 0), paris(12, 1, 10, 30)),
            // Overlaps the first: together 10:00–10:45.
            span(paris(12, 1, 10, 15), paris(12, 1, 10, 45)),
            // Across closing time: 10 minutes in, 20 out.
            span(paris(12, 1, 21, 50), paris(12, 1, 22, 20)),
            // A Saturday night.
            span(paris(12, 5, 3, 0), paris(12, 5, 5, 0)),
            // Outside the period.
            span(paris(11, 29, 10, 0), paris(11, 29, 11, 0)),
        ];
        let m = measure(&cal, from, to, &outages);
        assert_eq!(m.in_window, 5 * 14 * 3600);
        assert_eq!(m.out_of_window, 7 * 24 * 3600 - 5 * 14 * 3600);
        assert_eq!(m.lost_in_window, (45 + 10) * 60);
        assert_eq!(m.lost_out_of_window, (20 + 120) * 60);
        // 1 − 55/4200 and 1 − 140/5880.
        assert!((m.in_window_percent() - 98.690_476).abs() < 1e-5);
        assert!((m.out_of_window_percent() - 97.619_048).abs() < 1e-5);
    }

    #[test]
    fn an_outage_running_over_the_period_is_clipped() {
        let cal = BusinessCalendar::new(BusinessWindow::conventions_default(), vec![], false);
        let (from, to) = (paris(11, 30, 8, 0), paris(11, 30, 9, 0));
        let m = measure(
            &cal,
            from,
            to,
            &[span(paris(11, 29, 0, 0), paris(12, 2, 0, 0))],
        );
        assert_eq!((m.in_window, m.lost_in_window), (3600, 3600));
        assert_eq!(m.in_window_percent(), 0.0);
        assert_eq!(m.out_of_window_percent(), 100.0);
    }
}
