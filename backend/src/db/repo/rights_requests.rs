use diesel::prelude::*;

use crate::db::models::{
    NewRightsRequest, NewRightsRequestEvent, RightsRequest, RightsRequestEvent,
};
use crate::db::schema::{rights_request_events, rights_requests};
use crate::db::DbConn;

pub fn insert(conn: &mut DbConn, row: &NewRightsRequest) -> QueryResult<RightsRequest> {
    diesel::insert_into(rights_requests::table)
        .values(row)
        .returning(rights_requests::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<RightsRequest>> {
    rights_requests::table
        .find(id)
        .select(RightsRequest::as_select())
        .first(conn)
        .optional()
}

/// The requests of these territories, the latest received first.
pub fn list(
    conn: &mut DbConn,
    territories: &[String],
    limit: i64,
) -> QueryResult<Vec<RightsRequest>> {
    rights_requests::table
        .filter(rights_requests::territory_code.eq_any(territories))
        .select(RightsRequest::as_select())
        .order((
            rights_requests::received_at.desc(),
            rights_requests::id.desc(),
        ))
        .limit(limit)
        .load(conn)
}

pub fn insert_event(
    conn: &mut DbConn,
    row: &NewRightsRequestEvent,
) -> QueryResult<RightsRequestEvent> {
    diesel::insert_into(rights_request_events::table)
        .values(row)
        .returning(rights_request_events::all_columns)
        .get_result(conn)
}

/// A request's journal, in the order it was written.
pub fn events(conn: &mut DbConn, request_id: i64) -> QueryResult<Vec<RightsRequestEvent>> {
    rights_request_events::table
        .filter(rights_request_events::request_id.eq(request_id))
        .select(RightsRequestEvent::as_select())
        .order(rights_request_events::id)
        .load(conn)
}
