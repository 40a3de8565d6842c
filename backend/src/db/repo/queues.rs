use diesel::prelude::*;

use super::{reconcile, Upsert};
use crate::db::memo;
use crate::db::models::{NewQueue, Organisation, Queue};
use crate::db::schema::{organisations, queues};
use crate::db::DbConn;

#[derive(Debug, Default, Clone)]
pub struct QueueFilter {
    /// Organisation code.
    pub organisation: Option<String>,
    pub level: Option<i32>,
    /// Territory code of the organisation.
    pub territory: Option<String>,
}

/// Queues with their organisation, ordered by code.
pub fn list(conn: &mut DbConn, filter: &QueueFilter) -> QueryResult<Vec<(Queue, Organisation)>> {
    let mut query = queues::table
        .inner_join(organisations::table)
        .select((Queue::as_select(), Organisation::as_select()))
        .order(queues::code)
        .into_boxed();
    if let Some(code) = &filter.organisation {
        query = query.filter(organisations::code.eq(code.clone()));
    }
    if let Some(level) = filter.level {
        query = query.filter(queues::level.eq(level));
    }
    if let Some(territory) = &filter.territory {
        query = query.filter(organisations::territory_code.eq(territory.clone()));
    }
    query.load(conn)
}

pub fn upsert(conn: &mut DbConn, row: &NewQueue) -> QueryResult<Upsert> {
    let existing = queues::table
        .filter(queues::code.eq(&row.code))
        .select(Queue::as_select())
        .first(conn)
        .optional()?;
    reconcile(
        conn,
        existing.map(NewQueue::from),
        row,
        |c| diesel::insert_into(queues::table).values(row).execute(c),
        |c| {
            diesel::update(queues::table.filter(queues::code.eq(&row.code)))
                .set(row)
                .execute(c)
        },
    )
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Queue>> {
    memo::cached("queue", id, || {
        queues::table
            .find(id)
            .select(Queue::as_select())
            .first(conn)
            .optional()
    })
}

pub fn find_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<Queue>> {
    memo::cached("queue by code", code, || {
        queues::table
            .filter(queues::code.eq(code))
            .select(Queue::as_select())
            .first(conn)
            .optional()
    })
}

/// An organisation's queues, optionally of one domain and level.
pub fn of_organisation(
    conn: &mut DbConn,
    organisation_id: i64,
    domain: Option<&str>,
    level: Option<i32>,
) -> QueryResult<Vec<Queue>> {
    let mut query = queues::table
        .filter(queues::organisation_id.eq(organisation_id))
        .select(Queue::as_select())
        .order(queues::code)
        .into_boxed();
    if let Some(domain) = domain {
        query = query.filter(queues::domain.eq(domain.to_owned()));
    }
    if let Some(level) = level {
        query = query.filter(queues::level.eq(level));
    }
    query.load(conn)
}
