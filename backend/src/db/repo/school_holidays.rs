use diesel::prelude::*;

use super::{reconcile, Upsert};
use crate::db::memo;
use crate::db::models::{NewSchoolHoliday, SchoolHoliday};
use crate::db::schema::school_holidays;
use crate::db::DbConn;
use crate::domain::reference_kinds::HolidayZone;

/// The holidays of a zone (or of every zone), in date order.
pub fn list(conn: &mut DbConn, zone: Option<HolidayZone>) -> QueryResult<Vec<SchoolHoliday>> {
    memo::cached("holidays", format!("{zone:?}"), || {
        let mut query = school_holidays::table
            .select(SchoolHoliday::as_select())
            .order((school_holidays::first_day, school_holidays::zone))
            .into_boxed();
        if let Some(zone) = zone {
            query = query.filter(school_holidays::zone.eq(zone));
        }
        query.load(conn)
    })
}

/// Writes a holiday by its key (zone, school year, name).
pub fn upsert(conn: &mut DbConn, row: &NewSchoolHoliday) -> QueryResult<Upsert> {
    let key = school_holidays::zone
        .eq(row.zone)
        .and(school_holidays::school_year.eq(row.school_year.clone()))
        .and(school_holidays::name.eq(row.name.clone()));
    let existing = school_holidays::table
        .filter(key.clone())
        .select(SchoolHoliday::as_select())
        .first(conn)
        .optional()?;
    reconcile(
        conn,
        existing.map(NewSchoolHoliday::from),
        row,
        |c| {
            diesel::insert_into(school_holidays::table)
                .values(row)
                .execute(c)
        },
        |c| {
            diesel::update(school_holidays::table.filter(key))
                .set(row)
                .execute(c)
        },
    )
}

/// Removes the holidays of a zone that end on or after `from`.
pub fn delete_from(
    conn: &mut DbConn,
    zone: HolidayZone,
    from: chrono::NaiveDate,
) -> QueryResult<usize> {
    memo::forget();
    diesel::delete(
        school_holidays::table
            .filter(school_holidays::zone.eq(zone))
            .filter(school_holidays::last_day.ge(from)),
    )
    .execute(conn)
}
