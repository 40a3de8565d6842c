//! Requests to exercise a data subject's rights (GDPR art. 15 to 22): one sent to a party
//! that is not the competent controller is forwarded to it at once (convention art. 7), and
//! the answer is due one month after receipt (art. 12.3).

use chrono::{DateTime, Months, Utc};
use chrono_tz::Tz;

use crate::text_enum;

text_enum! {
    /// The right a data subject exercises.
    DataSubjectRight {
        Access => "access",
        Rectification => "rectification",
        Erasure => "erasure",
        Restriction => "restriction",
        Portability => "portability",
        Objection => "objection",
    }
}

impl DataSubjectRight {
    /// In French, after « droit ».
    pub fn label(self) -> &'static str {
        match self {
            Self::Access => "d'accès",
            Self::Rectification => "de rectification",
            Self::Erasure => "à l'effacement",
            Self::Restriction => "à la limitation du traitement",
            Self::Portability => "à la portabilité",
            Self::Objection => "d'opposition",
        }
    }
}

/// The answer is due one calendar month after receipt, on the territory's calendar (a
/// request received on 31 January is due on the last day of February).
pub fn answer_deadline(received_at: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
    let local = received_at.with_timezone(&zone);
    local
        .checked_add_months(Months::new(1))
        .map(|due| due.with_timezone(&Utc))
        .unwrap_or(received_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Europe::Paris;

    fn paris(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Paris
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_answer_is_due_one_calendar_month_after_receipt() {
        assert_eq!(
            answer_deadline(paris(2026, 11, 30, 10), Paris),
            paris(2026, 12, 30, 10)
        );
        // The last day of a shorter month.
        assert_eq!(
            answer_deadline(paris(2027, 1, 31, 9), Paris),
            paris(2027, 2, 28, 9)
        );
        // Across the spring clock change, the same wall-clock hour.
        assert_eq!(
            answer_deadline(paris(2027, 3, 15, 9), Paris),
            paris(2027, 4, 15, 9)
        );
    }
}
