use diesel::prelude::*;

use super::{reconcile, Upsert};
use crate::db::memo;
use crate::db::models::{Establishment, Organisation};
use crate::db::schema::{establishments, organisations};
use crate::db::DbConn;

/// An establishment with its academic authority and its collectivité.
pub type EstablishmentRow = (Establishment, Organisation, Organisation);

#[derive(Debug, Default, Clone)]
pub struct EstablishmentFilter {
    /// Authority code.
    pub authority: Option<String>,
    /// Collectivité code.
    pub collectivite: Option<String>,
    pub kind: Option<String>,
    /// Already normalised with `search_key`.
    pub text: Option<String>,
    /// Keyset: only UAIs after this one.
    pub after_uai: Option<String>,
}

macro_rules! joined {
    () => {{
        let (authority, collectivite) =
            diesel::alias!(organisations as authority, organisations as collectivite);
        let query = establishments::table
            .inner_join(
                authority.on(establishments::authority_id.eq(authority.field(organisations::id))),
            )
            .inner_join(
                collectivite
                    .on(establishments::collectivite_id.eq(collectivite.field(organisations::id))),
            )
            .select((
                Establishment::as_select(),
                authority.fields(organisations::all_columns),
                collectivite.fields(organisations::all_columns),
            ));
        (query, authority, collectivite)
    }};
}

pub fn find(conn: &mut DbConn, uai: &str) -> QueryResult<Option<EstablishmentRow>> {
    memo::cached("establishment", uai, || {
        let (query, _, _) = joined!();
        query
            .filter(establishments::uai.eq(uai))
            .first::<(Establishment, Organisation, Organisation)>(conn)
            .optional()
    })
}

/// Reads the schools of `uais` in one statement, for the [`find`]s that follow in the unit
/// of work (a correspondent's grants).
pub fn read_ahead(conn: &mut DbConn, uais: &[String]) -> QueryResult<()> {
    if uais.len() < 2 {
        return Ok(());
    }
    let (query, _, _) = joined!();
    let rows = query.filter(establishments::uai.eq_any(uais)).load::<(
        Establishment,
        Organisation,
        Organisation,
    )>(conn)?;
    for row in rows {
        memo::remember("establishment", row.0.uai.clone(), Some(row));
    }
    Ok(())
}

/// One page of establishments in UAI order, `limit` rows at most.
pub fn list(
    conn: &mut DbConn,
    filter: &EstablishmentFilter,
    limit: i64,
) -> QueryResult<Vec<EstablishmentRow>> {
    let (query, authority, collectivite) = joined!();
    let mut query = query.order(establishments::uai).limit(limit).into_boxed();
    if let Some(code) = &filter.authority {
        query = query.filter(authority.field(organisations::code).eq(code.clone()));
    }
    if let Some(code) = &filter.collectivite {
        query = query.filter(collectivite.field(organisations::code).eq(code.clone()));
    }
    if let Some(kind) = &filter.kind {
        query = query.filter(establishments::kind.eq(kind.clone()));
    }
    if let Some(text) = &filter.text {
        query = query.filter(establishments::search_key.like(format!("%{text}%")));
    }
    if let Some(after) = &filter.after_uai {
        query = query.filter(establishments::uai.gt(after.clone()));
    }
    query.load::<(Establishment, Organisation, Organisation)>(conn)
}

pub fn upsert(conn: &mut DbConn, row: &Establishment) -> QueryResult<Upsert> {
    let existing = establishments::table
        .find(&row.uai)
        .select(Establishment::as_select())
        .first(conn)
        .optional()?;
    reconcile(
        conn,
        existing,
        row,
        |c| {
            diesel::insert_into(establishments::table)
                .values(row)
                .execute(c)
        },
        |c| {
            diesel::update(establishments::table.find(&row.uai))
                .set(row)
                .execute(c)
        },
    )
}

/// The kind of a school, as stored (`college`, `lycee`…).
pub fn kind_of(conn: &mut DbConn, uai: &str) -> QueryResult<Option<String>> {
    memo::cached("establishment kind", uai, || {
        establishments::table
            .find(uai)
            .select(establishments::kind)
            .first::<String>(conn)
            .optional()
    })
}

/// Every school's kind, by UAI.
pub fn kinds(conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
    establishments::table
        .select((establishments::uai, establishments::kind))
        .load(conn)
}
