use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{NewServiceAccount, ServiceAccount};
use crate::db::schema::service_accounts;
use crate::db::DbConn;

pub fn insert(conn: &mut DbConn, row: &NewServiceAccount) -> QueryResult<ServiceAccount> {
    diesel::insert_into(service_accounts::table)
        .values(row)
        .returning(service_accounts::all_columns)
        .get_result::<ServiceAccount>(conn)
}

pub fn find_by_client_id(
    conn: &mut DbConn,
    client_id: &str,
) -> QueryResult<Option<ServiceAccount>> {
    service_accounts::table
        .filter(service_accounts::client_id.eq(client_id))
        .select(ServiceAccount::as_select())
        .first(conn)
        .optional()
}

/// Service accounts of a territory (or all when `None`).
pub fn list(conn: &mut DbConn, territory: Option<&str>) -> QueryResult<Vec<ServiceAccount>> {
    let mut query = service_accounts::table
        .select(ServiceAccount::as_select())
        .order(service_accounts::id)
        .into_boxed();
    if let Some(territory) = territory {
        query = query.filter(service_accounts::territory_code.eq(territory.to_owned()));
    }
    query.load(conn)
}

pub fn revoke(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(service_accounts::table.find(id))
        .set((
            service_accounts::active.eq(false),
            service_accounts::revoked_at.eq(now),
        ))
        .execute(conn)
}
