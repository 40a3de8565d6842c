//! The national school calendar as the ministry publishes it in open data
//! (`fr-en-calendrier-scolaire`): its CSV export (one row per holiday, population and
//! académie: description, population, start date, end date, académies, zones, school year)
//! or its iCalendar files. Both give, for each holiday, the day classes end (after class)
//! and the morning they resume; guichet keeps the days without classes in between.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate};

use super::reference_kinds::HolidayZone;

/// A holiday of one zone, as stored: the days without classes, both ends included.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OfficialPeriod {
    pub school_year: String,
    pub name: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl OfficialPeriod {
    /// From "classes end after `ends`" and "classes resume on `resumes`".
    fn between(school_year: String, name: String, ends: NaiveDate, resumes: NaiveDate) -> Self {
        Self {
            school_year,
            name,
            first_day: ends + Duration::days(1),
            last_day: resumes - Duration::days(1),
        }
    }
}

/// What a file could not give.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarFileError {
    #[error("colonne « {0} » absente de l'en-tête")]
    MissingColumn(&'static str),
    #[error("ligne {line} : {reason}")]
    Row { line: usize, reason: String },
    #[error("fichier illisible : {0}")]
    Unreadable(String),
    #[error("aucune période pour la zone {0} dans ce fichier")]
    NothingForZone(HolidayZone),
    #[error("{name} {school_year} figure deux fois avec des dates différentes")]
    Conflict { name: String, school_year: String },
}

/// The periods of `zone` a file holds: its CSV export or an iCalendar file, told apart by
/// their first line.
pub fn parse(text: &str, zone: HolidayZone) -> Result<Vec<OfficialPeriod>, CalendarFileError> {
    let text = text.trim_start_matches('\u{feff}');
    let periods = if text.trim_start().starts_with("BEGIN:VCALENDAR") {
        parse_ics(text, zone)?
    } else {
        parse_csv(text, zone)?
    };
    let mut unique: BTreeMap<(String, String), OfficialPeriod> = BTreeMap::new();
    for period in periods {
        // A kept period ends on or after it starts (a one-day bridge: same day).
        if period.last_day < period.first_day {
            continue;
        }
        let key = (period.school_year.clone(), period.name.clone());
        match unique.get(&key) {
            Some(known) if *known != period => {
                return Err(CalendarFileError::Conflict {
                    name: key.1,
                    school_year: key.0,
                })
            }
            _ => {
                unique.insert(key, period);
            }
        }
    }
    if unique.is_empty() {
        return Err(CalendarFileError::NothingForZone(zone));
    }
    let mut periods: Vec<OfficialPeriod> = unique.into_values().collect();
    periods.sort_by_key(|p| p.first_day);
    Ok(periods)
}

/// A date of the export: `2026-10-17`, or an instant (`2026-10-16T22:00:00+00:00`) read as
/// its date in Paris, where the ministry's midnight is.
fn day(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().or_else(|| {
        DateTime::parse_from_rfc3339(raw)
            .ok()
            .map(|t| t.with_timezone(&chrono_tz::Europe::Paris).date_naive())
    })
}

/// The header names of the export, with their labels (`use_labels_for_header`) and their
/// field identifiers.
const COLUMNS: [(&str, &[&str]); 5] = [
    ("description", &["description"]),
    ("population", &["population"]),
    ("start_date", &["date de début", "start_date"]),
    ("end_date", &["date de fin", "end_date"]),
    ("zones", &["zones"]),
];
const SCHOOL_YEAR: (&str, &[&str]) = ("annee_scolaire", &["annee_scolaire", "année scolaire"]);

fn parse_csv(text: &str, zone: HolidayZone) -> Result<Vec<OfficialPeriod>, CalendarFileError> {
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.contains(';') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| CalendarFileError::Unreadable(e.to_string()))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let column = |(name, labels): (&'static str, &[&str])| {
        headers
            .iter()
            .position(|h| labels.contains(&h.as_str()))
            .ok_or(CalendarFileError::MissingColumn(name))
    };
    let [description, population, start, end, zones] = COLUMNS.map(column);
    let (description, population, start, end, zones) =
        (description?, population?, start?, end?, zones?);
    let school_year = column(SCHOOL_YEAR)?;
    let wanted = format!("zone {zone}").to_lowercase();
    let mut periods = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| CalendarFileError::Row {
            line,
            reason: e.to_string(),
        })?;
        let field = |n: usize| row.get(n).unwrap_or_default().trim();
        // The teachers' dates differ from the pupils' at the summer: the pupils' count.
        let pupils = matches!(field(population), "" | "-" | "Élèves" | "Elèves" | "Eleves");
        if field(zones).to_lowercase() != wanted || !pupils {
            continue;
        }
        // A row without an end (the start of a summer alone) says nothing of a period.
        if field(end).is_empty() {
            continue;
        }
        let date = |n: usize, what: &str| {
            day(field(n)).ok_or_else(|| CalendarFileError::Row {
                line,
                reason: format!("{what} « {} » illisible", field(n)),
            })
        };
        periods.push(OfficialPeriod::between(
            field(school_year).to_owned(),
            field(description).to_owned(),
            date(start, "date de début")?,
            date(end, "date de fin")?,
        ));
    }
    Ok(periods)
}

/// The school year of a holiday starting on `day`: September to August.
fn school_year_of(day: NaiveDate) -> String {
    let first = if day.month() >= 8 {
        day.year()
    } else {
        day.year() - 1
    };
    format!("{first}-{}", first + 1)
}

fn parse_ics(text: &str, zone: HolidayZone) -> Result<Vec<OfficialPeriod>, CalendarFileError> {
    let wanted = format!("zone {zone}").to_lowercase();
    let mut periods = Vec::new();
    for calendar in ical::IcalParser::new(text.as_bytes()) {
        let calendar = calendar.map_err(|e| CalendarFileError::Unreadable(e.to_string()))?;
        for (i, event) in calendar.events.iter().enumerate() {
            let property = |name: &str| {
                event
                    .properties
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(name))
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            };
            let summary = property("SUMMARY");
            let place = format!(
                "{summary} {} {}",
                property("LOCATION"),
                property("DESCRIPTION")
            )
            .to_lowercase();
            // A file of all zones names each event's zone; a file of one zone may not.
            if place.contains("zone ") && !place.contains(&wanted) {
                continue;
            }
            let date = |name: &str| {
                let raw = property(name);
                let digits: String = raw.chars().take(8).collect();
                NaiveDate::parse_from_str(&digits, "%Y%m%d").map_err(|_| CalendarFileError::Row {
                    line: i + 1,
                    reason: format!("{name} « {raw} » illisible (événement « {summary} »)"),
                })
            };
            let (ends, resumes) = (date("DTSTART")?, date("DTEND")?);
            let name = summary
                .split(" - ")
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned();
            periods.push(OfficialPeriod::between(
                school_year_of(ends),
                name,
                ends,
                resumes,
            ));
        }
    }
    Ok(periods)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const CSV: &str = "\u{feff}Description;Population;Date de début;Date de fin;Académies;Zones;annee_scolaire
Vacances de la Toussaint;-;2026-10-16T22:00:00+00:00;2026-11-01T23:00:00+00:00;Nancy-Metz;Zone B;2026-2027
Vacances de la Toussaint;-;2026-10-16T22:00:00+00:00;2026-11-01T23:00:00+00:00;Reims;Zone B;2026-2027
Vacances de la Toussaint;-;2026-10-16T22:00:00+00:00;2026-11-01T23:00:00+00:00;Paris;Zone C;2026-2027
Vacances d'Été;Enseignants;2027-07-02T22:00:00+00:00;2027-08-30T22:00:00+00:00;Reims;Zone B;2026-2027
Vacances d'Été;Élèves;2027-07-02T22:00:00+00:00;2027-08-31T22:00:00+00:00;Reims;Zone B;2026-2027
";

    #[test]
    fn the_csv_export_gives_the_days_without_classes_of_the_zone() {
        let periods = parse(CSV, HolidayZone::B).unwrap();
        assert_eq!(
            periods,
            vec![
                OfficialPeriod {
                    school_year: "2026-2027".into(),
                    name: "Vacances de la Toussaint".into(),
                    first_day: d(2026, 10, 18),
                    last_day: d(2026, 11, 1),
                },
                // The pupils' summer: the rentrée is 1 September 2027.
                OfficialPeriod {
                    school_year: "2026-2027".into(),
                    name: "Vacances d'Été".into(),
                    first_day: d(2027, 7, 4),
                    last_day: d(2027, 8, 31),
                },
            ]
        );
        assert_eq!(
            parse(CSV, HolidayZone::A),
            Err(CalendarFileError::NothingForZone(HolidayZone::A))
        );
    }

    #[test]
    fn plain_dates_and_field_names_are_read_too() {
        let csv = "description,population,start_date,end_date,location,zones,annee_scolaire
Vacances de Noël,-,2026-12-19,2027-01-04,Paris,Zone C,2026-2027
";
        let periods = parse(csv, HolidayZone::C).unwrap();
        assert_eq!(periods[0].first_day, d(2026, 12, 20));
        assert_eq!(periods[0].last_day, d(2027, 1, 3));
    }

    #[test]
    fn a_file_without_its_columns_or_with_twins_is_refused() {
        assert_eq!(
            parse("Description;Zones\nx;Zone B\n", HolidayZone::B),
            Err(CalendarFileError::MissingColumn("population"))
        );
        let twins =
            "Description;Population;Date de début;Date de fin;Académies;Zones;annee_scolaire
Vacances d'Hiver;-;2027-02-20;2027-03-08;Reims;Zone B;2026-2027
Vacances d'Hiver;-;2027-02-13;2027-03-01;Lille;Zone B;2026-2027
";
        assert!(matches!(
            parse(twins, HolidayZone::B),
            Err(CalendarFileError::Conflict { .. })
        ));
        let unreadable =
            "Description;Population;Date de début;Date de fin;Académies;Zones;annee_scolaire
Vacances d'Hiver;-;le 20 février;2027-03-08;Reims;Zone B;2026-2027
";
        assert!(matches!(
            parse(unreadable, HolidayZone::B),
            Err(CalendarFileError::Row { line: 2, .. })
        ));
    }

    #[test]
    fn an_icalendar_file_of_all_zones() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270220\r\nDTEND;VALUE=DATE:20270308\r\nSUMMARY:Vacances d'Hiver - Zone B\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270206\r\nDTEND;VALUE=DATE:20270222\r\nSUMMARY:Vacances d'Hiver - Zone C\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
        let periods = parse(ics, HolidayZone::B).unwrap();
        assert_eq!(
            periods,
            vec![OfficialPeriod {
                school_year: "2026-2027".into(),
                name: "Vacances d'Hiver".into(),
                first_day: d(2027, 2, 21),
                last_day: d(2027, 3, 7),
            }]
        );
    }
}
