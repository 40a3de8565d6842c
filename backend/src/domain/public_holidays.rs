//! French public holidays (jours fériés), computed for any year, with the two extra days of
//! Alsace-Moselle (départements 57, 67, 68): Good Friday and 26 December.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

/// Départements under the local law of Alsace-Moselle.
const ALSACE_MOSELLE: [&str; 3] = ["57", "67", "68"];

/// Whether a département keeps the Alsace-Moselle extra public holidays.
pub fn is_alsace_moselle(departement: &str) -> bool {
    ALSACE_MOSELLE.contains(&departement)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PublicHoliday {
    pub date: NaiveDate,
    /// French name of the day.
    pub name: &'static str,
    /// True for the days kept only in Alsace-Moselle.
    pub alsace_moselle_only: bool,
}

/// Easter Sunday of the Gregorian calendar (anonymous algorithm, Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

/// The public holidays of `year`, in date order.
pub fn public_holidays(year: i32, alsace_moselle: bool) -> Vec<PublicHoliday> {
    let fixed = |month, day| NaiveDate::from_ymd_opt(year, month, day).expect("fixed holiday");
    let easter = easter_sunday(year);
    let common = |date, name| PublicHoliday {
        date,
        name,
        alsace_moselle_only: false,
    };
    let mut days = vec![
        common(fixed(1, 1), "Jour de l'an"),
        common(easter + Duration::days(1), "Lundi de Pâques"),
        common(fixed(5, 1), "Fête du Travail"),
        common(fixed(5, 8), "Victoire 1945"),
        common(easter + Duration::days(39), "Ascension"),
        common(easter + Duration::days(50), "Lundi de Pentecôte"),
        common(fixed(7, 14), "Fête nationale"),
        common(fixed(8, 15), "Assomption"),
        common(fixed(11, 1), "Toussaint"),
        common(fixed(11, 11), "Armistice 1918"),
        common(fixed(12, 25), "Noël"),
    ];
    if alsace_moselle {
        let local = |date, name| PublicHoliday {
            date,
            name,
            alsace_moselle_only: true,
        };
        days.push(local(easter - Duration::days(2), "Vendredi saint"));
        days.push(local(fixed(12, 26), "Saint-Étienne"));
    }
    days.sort_by_key(|d| d.date);
    days
}

/// Whether `date` is a public holiday (with the Alsace-Moselle days when asked).
pub fn is_public_holiday(date: NaiveDate, alsace_moselle: bool) -> bool {
    public_holidays(date.year(), alsace_moselle)
        .iter()
        .any(|h| h.date == date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn easter_dates_are_right() {
        assert_eq!(easter_sunday(2024), day(2024, 3, 31));
        assert_eq!(easter_sunday(2025), day(2025, 4, 20));
        assert_eq!(easter_sunday(2026), day(2026, 4, 5));
        assert_eq!(easter_sunday(2027), day(2027, 3, 28));
    }

    #[test]
    fn movable_feasts_of_2026() {
        assert!(is_public_holiday(day(2026, 4, 6), false)); // Easter Monday
        assert!(is_public_holiday(day(2026, 5, 14), false)); // Ascension
        assert!(is_public_holiday(day(2026, 5, 25), false)); // Whit Monday
    }

    #[test]
    fn alsace_moselle_adds_good_friday_and_saint_stephen() {
        assert!(!is_public_holiday(day(2026, 4, 3), false));
        assert!(is_public_holiday(day(2026, 4, 3), true));
        assert!(!is_public_holiday(day(2026, 12, 26), false));
        assert!(is_public_holiday(day(2026, 12, 26), true));
        assert_eq!(public_holidays(2026, false).len(), 11);
        assert_eq!(public_holidays(2026, true).len(), 13);
    }

    #[test]
    fn alsace_moselle_departements() {
        assert!(is_alsace_moselle("57"));
        assert!(is_alsace_moselle("67"));
        assert!(is_alsace_moselle("68"));
        assert!(!is_alsace_moselle("51"));
        assert!(!is_alsace_moselle("54"));
    }
}
