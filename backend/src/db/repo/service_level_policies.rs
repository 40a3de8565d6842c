use diesel::prelude::*;

use crate::db::memo;
use crate::db::models::{NewServiceLevelPolicy, ServiceLevelPolicy};
use crate::db::schema::service_level_policies;
use crate::db::DbConn;

/// The policy new tickets of a territory are opened under: its latest version.
pub fn current(conn: &mut DbConn, territory: &str) -> QueryResult<Option<ServiceLevelPolicy>> {
    memo::cached("current policy", territory, || {
        service_level_policies::table
            .filter(service_level_policies::territory_code.eq(territory))
            .order(service_level_policies::version.desc())
            .select(ServiceLevelPolicy::as_select())
            .first(conn)
            .optional()
    })
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<ServiceLevelPolicy>> {
    memo::cached("policy", id, || {
        service_level_policies::table
            .find(id)
            .select(ServiceLevelPolicy::as_select())
            .first(conn)
            .optional()
    })
}

/// Every version, by territory then version; only those of `territories` when given.
pub fn list(
    conn: &mut DbConn,
    territories: Option<Vec<String>>,
) -> QueryResult<Vec<ServiceLevelPolicy>> {
    let mut query = service_level_policies::table
        .select(ServiceLevelPolicy::as_select())
        .order((
            service_level_policies::territory_code,
            service_level_policies::version,
        ))
        .into_boxed();
    if let Some(codes) = territories {
        query = query.filter(service_level_policies::territory_code.eq_any(codes));
    }
    query.load(conn)
}

/// Inserts a version; two writers of the same version meet the unique key (409).
pub fn insert(conn: &mut DbConn, row: &NewServiceLevelPolicy) -> QueryResult<ServiceLevelPolicy> {
    memo::forget();
    diesel::insert_into(service_level_policies::table)
        .values(row)
        .returning(service_level_policies::all_columns)
        .get_result(conn)
}
