//! Numbers, dates and durations as French readers write them: `1 234,5`, `29 novembre 2026,
//! 14 h 05`, `2 h 05`.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

use super::ticket_lifecycle::TicketStatus;

/// The narrow no-break space French typography puts between thousands.
const THOUSANDS: char = '\u{202f}';

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// `value` with `decimals` decimals, a comma and grouped thousands.
pub fn number(value: f64, decimals: usize) -> String {
    let formatted = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = formatted.split_once('.').unwrap_or((&formatted, ""));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(THOUSANDS);
        }
        grouped.push(digit);
    }
    let sign = if value < 0.0 && formatted.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{fraction}")
    }
}

pub fn integer(value: i64) -> String {
    number(value as f64, 0)
}

/// A percentage with one decimal: `99,7 %`.
pub fn percent(value: f64) -> String {
    format!("{}\u{a0}%", number(value, 1))
}

/// A file's size: `812 o`, `14,2 Ko`, `3,5 Mo` (units of 1024).
pub fn size(bytes: i64) -> String {
    const UNITS: [&str; 3] = ["Ko", "Mo", "Go"];
    if bytes < 1024 {
        return format!("{bytes}\u{a0}o");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{}\u{a0}{}", number(value, 1), UNITS[unit])
}

/// `29 novembre 2026` (`1er` for the first of the month).
pub fn date(day: NaiveDate) -> String {
    let d = day.day();
    let ordinal = if d == 1 {
        "1er".to_owned()
    } else {
        d.to_string()
    };
    format!("{ordinal} {} {}", MONTHS[day.month0() as usize], day.year())
}

/// `novembre 2026`.
pub fn month(day: NaiveDate) -> String {
    format!("{} {}", MONTHS[day.month0() as usize], day.year())
}

/// `29 novembre 2026, 14 h 05` in `zone`.
pub fn date_time(instant: DateTime<Utc>, zone: Tz) -> String {
    let local = instant.with_timezone(&zone);
    format!(
        "{}, {} h {:02}",
        date(local.date_naive()),
        local.hour(),
        local.minute()
    )
}

/// Minutes as `45 min`, `2 h 05` or `3 j 2 h` (days of 24 hours).
pub fn duration(minutes: i64) -> String {
    match minutes {
        m if m < 60 => format!("{m} min"),
        m if m < 24 * 60 => format!("{} h {:02}", m / 60, m % 60),
        m => format!("{} j {} h", m / (24 * 60), m % (24 * 60) / 60),
    }
}

/// A ticket's status as the desk shows it.
pub fn ticket_status(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::New => "Nouveau",
        TicketStatus::Assigned => "Pris en charge",
        TicketStatus::InProgress => "En cours",
        TicketStatus::Pending => "En attente",
        TicketStatus::Resolved => "Résolu",
        TicketStatus::Closed => "Clos",
        TicketStatus::Cancelled => "Annulé",
    }
}

/// What a journal event of a ticket is, as the desk shows it.
pub fn event_kind(kind: &str) -> &'static str {
    match kind {
        "opened" => "Ticket ouvert",
        "status_changed" => "Changement de statut",
        "comment" => "Commentaire",
        "qualified" => "Qualification",
        "routed" => "Orientation",
        "queue_changed" => "Changement de file",
        "hand_off_refused" => "Transfert refusé",
        "escalated" => "Escalade au titulaire",
        "vendor_answer" => "Réponse du titulaire",
        "vendor_question" => "Question du titulaire",
        "vendor_workaround" => "Contournement du titulaire",
        "vendor_solution" => "Solution du titulaire",
        "information_provided" => "Information fournie",
        "attachment_added" => "Pièce jointe ajoutée",
        "solved_at_level_0" => "Résolu au niveau 0",
        "major_incident_declared" => "Incident majeur déclaré",
        "linked_to_major_incident" => "Rattaché à un incident majeur",
        "child_linked" => "Ticket rattaché",
        "resolved_with_major_incident" => "Résolu avec l'incident majeur",
        "closed_automatically" => "Clos automatiquement",
        "service_levels_changed" => "Niveaux de service recalculés",
        "personal_data_breach_declared" => "Violation de données déclarée",
        _ => "Événement",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn sizes_read_in_octets() {
        assert_eq!(size(812), "812\u{a0}o");
        assert_eq!(size(14_540), "14,2\u{a0}Ko");
        assert_eq!(size(3_670_016), "3,5\u{a0}Mo");
    }

    #[test]
    fn numbers_group_thousands_and_use_a_comma() {
        assert_eq!(number(1234.5, 1), "1\u{202f}234,5");
        assert_eq!(number(99.7, 1), "99,7");
        assert_eq!(integer(1_000_000), "1\u{202f}000\u{202f}000");
        assert_eq!(integer(999), "999");
        assert_eq!(number(-1234.0, 0), "-1\u{202f}234");
        assert_eq!(percent(97.0), "97,0\u{a0}%");
        let first = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(month(first), "novembre 2026");
    }

    #[test]
    fn dates_and_durations_read_in_french() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(date(day), "1er novembre 2026");
        let instant = Utc.with_ymd_and_hms(2026, 11, 29, 13, 5, 0).unwrap();
        assert_eq!(
            date_time(instant, chrono_tz::Europe::Paris),
            "29 novembre 2026, 14 h 05"
        );
        assert_eq!(duration(45), "45 min");
        assert_eq!(duration(125), "2 h 05");
        assert_eq!(duration(3 * 24 * 60 + 150), "3 j 2 h");
    }
}
