use diesel::prelude::*;

use super::{reconcile, Upsert};
use crate::db::models::{NewRoutingRule, RoutingRule};
use crate::db::schema::routing_rules;
use crate::db::DbConn;

/// An authority's rules by position.
pub fn list(conn: &mut DbConn, authority_id: i64) -> QueryResult<Vec<RoutingRule>> {
    routing_rules::table
        .filter(routing_rules::authority_id.eq(authority_id))
        .select(RoutingRule::as_select())
        .order(routing_rules::position)
        .load(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<RoutingRule>> {
    routing_rules::table
        .find(id)
        .select(RoutingRule::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConn, row: &NewRoutingRule) -> QueryResult<RoutingRule> {
    diesel::insert_into(routing_rules::table)
        .values(row)
        .returning(routing_rules::all_columns)
        .get_result::<RoutingRule>(conn)
}

pub fn update(conn: &mut DbConn, id: i64, row: &NewRoutingRule) -> QueryResult<usize> {
    diesel::update(routing_rules::table.find(id))
        .set(row)
        .execute(conn)
}

pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::delete(routing_rules::table.find(id)).execute(conn)
}

/// Writes a seeded rule by its key (authority, position).
pub fn upsert(conn: &mut DbConn, row: &NewRoutingRule) -> QueryResult<Upsert> {
    let key = routing_rules::authority_id
        .eq(row.authority_id)
        .and(routing_rules::position.eq(row.position));
    let existing = routing_rules::table
        .filter(key)
        .select(RoutingRule::as_select())
        .first(conn)
        .optional()?;
    reconcile(
        conn,
        existing.map(NewRoutingRule::from),
        row,
        |c| {
            diesel::insert_into(routing_rules::table)
                .values(row)
                .execute(c)
        },
        |c| {
            diesel::update(routing_rules::table.filter(key))
                .set(row)
                .execute(c)
        },
    )
}
