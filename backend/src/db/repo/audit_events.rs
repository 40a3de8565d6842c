use diesel::prelude::*;

use crate::db::models::{AuditEvent, NewAuditEvent};
use crate::db::schema::audit_events;
use crate::db::DbConn;

pub fn insert(conn: &mut DbConn, row: &NewAuditEvent) -> QueryResult<usize> {
    diesel::insert_into(audit_events::table)
        .values(row)
        .execute(conn)
}

/// Newest first: events of `territories` (every event when `None`), with ids below `before`.
pub fn list(
    conn: &mut DbConn,
    territories: Option<&[String]>,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<AuditEvent>> {
    let mut query = audit_events::table
        .select(AuditEvent::as_select())
        .order(audit_events::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(territories) = territories {
        query = query.filter(audit_events::territory_code.eq_any(territories.to_vec()));
    }
    if let Some(before) = before {
        query = query.filter(audit_events::id.lt(before));
    }
    query.load(conn)
}
