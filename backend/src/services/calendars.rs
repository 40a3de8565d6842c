//! Calendars: school holidays per zone, public holidays, and the business calendar that
//! applies to one establishment.

use super::views::{Items, SchoolHolidayView};

use crate::db::repo::{establishments, school_holidays, territories};
use crate::db::DbConn;
use crate::domain::calendar::{BusinessCalendar, HolidayPeriod};
use crate::domain::public_holidays::{self, is_alsace_moselle, PublicHoliday};
use crate::domain::reference_kinds::HolidayZone;
use crate::domain::uai::Uai;
use crate::error::AppError;
use crate::services::unit_of_work;
use crate::state::AppState;

pub async fn list_school_holidays(
    state: &AppState,
    zone: Option<HolidayZone>,
) -> Result<Items<SchoolHolidayView>, AppError> {
    unit_of_work::read_anonymous(state, move |tx| {
        let conn = &mut *tx.conn;
        let items = school_holidays::list(conn, zone)?
            .into_iter()
            .map(|h| {
                Ok(SchoolHolidayView {
                    zone: h.zone,
                    school_year: h.school_year,
                    name: h.name,
                    first_day: h.first_day,
                    last_day: h.last_day,
                })
            })
            .collect::<Result<_, AppError>>()?;
        Ok(Items { items })
    })
    .await
}

/// The public holidays of a year; with a département, its local extras too.
pub fn list_public_holidays(year: i32, departement: Option<&str>) -> Items<PublicHoliday> {
    let alsace_moselle = departement.is_some_and(is_alsace_moselle);
    Items {
        items: public_holidays::public_holidays(year, alsace_moselle),
    }
}

/// The calendar of an establishment: its territory's window, its authority's holiday zone,
/// its département's public holidays.
pub fn for_establishment(conn: &mut DbConn, uai: &Uai) -> Result<BusinessCalendar, AppError> {
    school_calendar(conn, uai.as_str(), None)
}

/// The calendar of a school, its zone's school holidays excluded from business time when
/// `school_holidays` says so (`None`: as its territory's window says).
pub fn school_calendar(
    conn: &mut DbConn,
    uai: &str,
    school_holidays: Option<bool>,
) -> Result<BusinessCalendar, AppError> {
    let (establishment, authority, _) = establishments::find(conn, uai)?
        .ok_or_else(|| AppError::not_found(format!("Aucun établissement d'UAI {uai}")))?;
    let territory_code = authority.territory_code.ok_or_else(|| {
        AppError::Internal(format!("authority {} has no territory", authority.code))
    })?;
    let territory = territories::find(conn, &territory_code)?
        .ok_or_else(|| AppError::Internal(format!("territory {territory_code} missing")))?;
    let zone = authority.holiday_zone.unwrap_or(territory.holiday_zone);
    let holidays = if school_holidays.unwrap_or(territory.window_excludes_school_holidays) {
        zone_holidays(conn, zone)?
    } else {
        Vec::new()
    };
    Ok(BusinessCalendar::new(
        territory.business_window().map_err(AppError::Internal)?,
        holidays,
        is_alsace_moselle(&establishment.departement),
    ))
}

/// The calendar of a territory as a whole: its window, its zone's school holidays when its
/// window excludes them, the national public holidays.
pub fn territory_calendar(
    conn: &mut DbConn,
    territory: &crate::db::models::Territory,
) -> Result<BusinessCalendar, AppError> {
    let holidays = if territory.window_excludes_school_holidays {
        zone_holidays(conn, territory.holiday_zone)?
    } else {
        Vec::new()
    };
    Ok(BusinessCalendar::new(
        territory.business_window().map_err(AppError::Internal)?,
        holidays,
        false,
    ))
}

fn zone_holidays(conn: &mut DbConn, zone: HolidayZone) -> Result<Vec<HolidayPeriod>, AppError> {
    Ok(school_holidays::list(conn, Some(zone))?
        .into_iter()
        .map(|h| HolidayPeriod {
            first_day: h.first_day,
            last_day: h.last_day,
        })
        .collect())
}
