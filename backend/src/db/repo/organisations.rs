use diesel::prelude::*;

use super::{reconcile, Upsert};
use crate::db::memo;
use crate::db::models::{NewOrganisation, Organisation};
use crate::db::schema::organisations;
use crate::db::DbConn;
use crate::domain::reference_kinds::CollectiviteSubkind;

/// Filters of the organisation list; `None` means any.
#[derive(Debug, Default, Clone)]
pub struct OrganisationFilter {
    pub kind: Option<String>,
    pub territory: Option<String>,
}

pub fn list(conn: &mut DbConn, filter: &OrganisationFilter) -> QueryResult<Vec<Organisation>> {
    let mut query = organisations::table
        .select(Organisation::as_select())
        .order(organisations::code)
        .into_boxed();
    if let Some(kind) = &filter.kind {
        query = query.filter(organisations::kind.eq(kind.clone()));
    }
    if let Some(territory) = &filter.territory {
        query = query.filter(organisations::territory_code.eq(territory.clone()));
    }
    query.load(conn)
}

pub fn find_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<Organisation>> {
    memo::cached("organisation by code", code, || {
        organisations::table
            .filter(organisations::code.eq(code))
            .select(Organisation::as_select())
            .first(conn)
            .optional()
    })
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Organisation>> {
    memo::cached("organisation", id, || {
        organisations::table
            .find(id)
            .select(Organisation::as_select())
            .first(conn)
            .optional()
    })
}

/// Writes the organisation by its code; returns its id and what was done.
pub fn upsert(conn: &mut DbConn, row: &NewOrganisation) -> QueryResult<(i64, Upsert)> {
    let existing = find_by_code(conn, &row.code)?;
    let id = existing.as_ref().map(|o| o.id);
    let outcome = reconcile(
        conn,
        existing.map(NewOrganisation::from),
        row,
        |c| {
            diesel::insert_into(organisations::table)
                .values(row)
                .execute(c)
        },
        |c| {
            diesel::update(organisations::table.filter(organisations::code.eq(&row.code)))
                .set(row)
                .execute(c)
        },
    )?;
    let id = match id {
        Some(id) => id,
        None => organisations::table
            .filter(organisations::code.eq(&row.code))
            .select(organisations::id)
            .first(conn)?,
    };
    Ok((id, outcome))
}

/// Sets the organisation's DPD address unless it has one (the seed's default).
pub fn set_dpo_email_if_unset(conn: &mut DbConn, id: i64, email: &str) -> QueryResult<usize> {
    memo::forget();
    diesel::update(
        organisations::table
            .find(id)
            .filter(organisations::dpo_email.is_null()),
    )
    .set(organisations::dpo_email.eq(email))
    .execute(conn)
}

/// Sets (or clears) the organisation's DPD address.
pub fn set_dpo_email(conn: &mut DbConn, id: i64, email: Option<&str>) -> QueryResult<usize> {
    memo::forget();
    diesel::update(organisations::table.find(id))
        .set(organisations::dpo_email.eq(email))
        .execute(conn)
}

/// The collectivité in charge of département `departement` in `territory`.
pub fn departemental(
    conn: &mut DbConn,
    territory: &str,
    departement: &str,
) -> QueryResult<Option<Organisation>> {
    organisations::table
        .filter(organisations::territory_code.eq(territory))
        .filter(organisations::departement.eq(departement))
        .filter(organisations::collectivite_subkind.eq(CollectiviteSubkind::Departement))
        .select(Organisation::as_select())
        .order(organisations::id)
        .first(conn)
        .optional()
}

/// The Région of a territory.
pub fn region_of(conn: &mut DbConn, territory: &str) -> QueryResult<Option<Organisation>> {
    organisations::table
        .filter(organisations::territory_code.eq(territory))
        .filter(organisations::collectivite_subkind.eq(CollectiviteSubkind::Region))
        .select(Organisation::as_select())
        .order(organisations::id)
        .first(conn)
        .optional()
}

/// The organisations of a territory that have a DPD address.
pub fn with_dpo(conn: &mut DbConn, territory: &str) -> QueryResult<Vec<Organisation>> {
    organisations::table
        .filter(organisations::territory_code.eq(territory))
        .filter(organisations::dpo_email.is_not_null())
        .select(Organisation::as_select())
        .order(organisations::code)
        .load(conn)
}
