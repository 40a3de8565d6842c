use diesel::prelude::*;

use crate::db::models::{NewRoleGrant, RoleGrant};
use crate::db::schema::role_grants;
use crate::db::DbConn;

pub fn list_for_user(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<RoleGrant>> {
    role_grants::table
        .filter(role_grants::user_id.eq(user_id))
        .select(RoleGrant::as_select())
        .order(role_grants::id)
        .load(conn)
}

pub fn insert(conn: &mut DbConn, row: &NewRoleGrant) -> QueryResult<RoleGrant> {
    diesel::insert_into(role_grants::table)
        .values(row)
        .returning(role_grants::all_columns)
        .get_result::<RoleGrant>(conn)
}

pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(role_grants::table.find(id)).execute(conn)
}
