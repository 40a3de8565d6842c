//! `guichet calendar import`: replaces a zone's school holidays from a date on with those of
//! the national calendar file (its CSV export or an iCalendar file), in one transaction, and
//! says what changed. The seeded calendar stays until an import replaces it.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use diesel::Connection;

use crate::db::models::NewSchoolHoliday;
use crate::db::repo::school_holidays;
use crate::db::DbConn;
use crate::domain::official_calendar::{parse, CalendarFileError, OfficialPeriod};
use crate::domain::reference_kinds::HolidayZone;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    File(#[from] CalendarFileError),
    #[error("base de données : {0}")]
    Database(#[from] diesel::result::Error),
}

/// What an import changed in a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub zone: HolidayZone,
    pub from: NaiveDate,
    pub added: Vec<OfficialPeriod>,
    pub removed: Vec<OfficialPeriod>,
    pub unchanged: usize,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Zone {} à partir du {} : {} ajoutée(s), {} retirée(s), {} inchangée(s)",
            self.zone,
            self.from.format("%d/%m/%Y"),
            self.added.len(),
            self.removed.len(),
            self.unchanged
        )?;
        let line = |f: &mut fmt::Formatter<'_>, sign: char, p: &OfficialPeriod| {
            writeln!(
                f,
                "  {sign} {} {} : du {} au {} (reprise le {})",
                p.name,
                p.school_year,
                p.first_day.format("%d/%m/%Y"),
                p.last_day.format("%d/%m/%Y"),
                (p.last_day + chrono::Duration::days(1)).format("%d/%m/%Y")
            )
        };
        for p in &self.removed {
            line(f, '-', p)?;
        }
        for p in &self.added {
            line(f, '+', p)?;
        }
        Ok(())
    }
}

/// Replaces the holidays of `zone` that end on or after `from` with those of the file.
pub fn import(
    conn: &mut DbConn,
    text: &str,
    zone: HolidayZone,
    from: NaiveDate,
) -> Result<ImportReport, ImportError> {
    let wanted: BTreeSet<OfficialPeriod> = parse(text, zone)?
        .into_iter()
        .filter(|p| p.last_day >= from)
        .collect();
    conn.transaction(|conn| {
        let before: BTreeSet<OfficialPeriod> = school_holidays::list(conn, Some(zone))?
            .into_iter()
            .filter(|h| h.last_day >= from)
            .map(|h| OfficialPeriod {
                school_year: h.school_year,
                name: h.name,
                first_day: h.first_day,
                last_day: h.last_day,
            })
            .collect();
        school_holidays::delete_from(conn, zone, from)?;
        for p in &wanted {
            school_holidays::upsert(
                conn,
                &NewSchoolHoliday {
                    zone,
                    school_year: p.school_year.clone(),
                    name: p.name.clone(),
                    first_day: p.first_day,
                    last_day: p.last_day,
                },
            )?;
        }
        Ok(ImportReport {
            zone,
            from,
            added: wanted.difference(&before).cloned().collect(),
            removed: before.difference(&wanted).cloned().collect(),
            unchanged: wanted.intersection(&before).count(),
        })
    })
}
