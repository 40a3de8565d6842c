use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::db::cached::Cached;
use crate::db::models::{NewTicket, Ticket};
use crate::db::schema::{ticket_hops, tickets};
use crate::db::DbConn;
use crate::domain::ticket_lifecycle::TicketStatus;

/// The next sequence number of a territory's year (1 for the first ticket).
pub fn next_sequence(conn: &mut DbConn, territory: &str, year: i32) -> QueryResult<i32> {
    crate::db::backend_specific::next_sequence(conn, territory, year)
}

/// The ticket by reference, locked for the rest of the write transaction.
pub fn find_for_update(conn: &mut DbConn, reference: &str) -> QueryResult<Option<Ticket>> {
    crate::db::backend_specific::ticket_for_update(conn, reference)
}

pub fn insert(conn: &mut DbConn, row: &NewTicket) -> QueryResult<Ticket> {
    diesel::insert_into(tickets::table)
        .values(row)
        .returning(tickets::all_columns)
        .get_result::<Ticket>(conn)
}

pub fn find_by_reference(conn: &mut DbConn, reference: &str) -> QueryResult<Option<Ticket>> {
    tickets::table
        .filter(tickets::reference.eq(reference))
        .select(Ticket::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Ticket>> {
    tickets::table
        .find(id)
        .select(Ticket::as_select())
        .first(conn)
        .optional()
}

/// Writes the ticket if its stored version is still `expected_version`, bumping it. 0 rows:
/// someone else wrote first.
pub fn update_if_version(
    conn: &mut DbConn,
    ticket: &Ticket,
    expected_version: i32,
) -> QueryResult<usize> {
    let mut row = ticket.clone();
    row.version = expected_version + 1;
    Cached(
        diesel::update(
            tickets::table
                .find(ticket.id)
                .filter(tickets::version.eq(expected_version)),
        )
        .set(&row)
        .returning(tickets::id),
    )
    .rows_written(conn)
}

pub fn children(conn: &mut DbConn, parent_id: i64) -> QueryResult<Vec<Ticket>> {
    tickets::table
        .filter(tickets::parent_id.eq(parent_id))
        .select(Ticket::as_select())
        .order(tickets::id)
        .load(conn)
}

pub fn count_children(conn: &mut DbConn, parent_id: i64) -> QueryResult<i64> {
    tickets::table
        .filter(tickets::parent_id.eq(parent_id))
        .count()
        .get_result(conn)
}

/// The major incidents of a territory open at some moment of `[from, to)`, by opening.
pub fn major_incidents(
    conn: &mut DbConn,
    territory: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<Ticket>> {
    tickets::table
        .filter(tickets::territory_code.eq(territory))
        .filter(tickets::is_major.eq(true))
        .filter(tickets::created_at.lt(to))
        .filter(
            tickets::resolved_at
                .is_null()
                .or(tickets::resolved_at.ge(from)),
        )
        .select(Ticket::as_select())
        .order((tickets::created_at, tickets::id))
        .load(conn)
}

/// Resolved tickets resolved before `before` (candidates for closing by themselves).
pub fn resolved_before(
    conn: &mut DbConn,
    before: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Ticket>> {
    tickets::table
        .filter(tickets::status.eq(TicketStatus::Resolved))
        .filter(tickets::resolved_at.le(before))
        .select(Ticket::as_select())
        .order(tickets::resolved_at)
        .limit(limit)
        .load(conn)
}

/// Which tickets a caller may list: the union of its grants' sets.
#[derive(Debug, Default, Clone)]
pub struct Visibility {
    pub establishments: Vec<String>,
    pub owner_queues: Vec<i64>,
    pub current_queues: Vec<i64>,
    /// Queues whose past stays also make a ticket visible.
    pub visited_queues: Vec<i64>,
    pub vendors: Vec<i64>,
}

#[derive(Debug, Default, Clone)]
pub struct TicketFilter {
    pub queue: Option<i64>,
    pub status: Option<TicketStatus>,
    pub level: Option<i32>,
    pub priority: Option<i32>,
    pub establishment: Option<String>,
    pub category: Option<String>,
    pub text: Option<String>,
    /// Only the tickets whose clocks went past a target (or only the others).
    pub breached: Option<bool>,
    /// Only the tickets due before this instant.
    pub due_before: Option<NaiveDateTime>,
    pub order: TicketOrder,
    /// Keyset: where the last page ended, in the page's order.
    pub after: Option<After>,
}

crate::text_enum! {
    /// How a list is ordered.
    #[derive(Default)]
    TicketOrder {
        /// Priority, then age (the queue view).
        #[default]
        Priority => "priority",
        /// Next due instant first (what breaches next); tickets with none last.
        Due => "due",
        /// Newest first (the default of a title search: the text index yields its matches
        /// in this order, so a common word's page costs what a rare word's does).
        Recent => "recent",
    }
}

/// The last row of a page, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    Priority(i32, NaiveDateTime, i64),
    Due(NaiveDateTime, i64),
    Recent(i64),
}

type Condition =
    Box<dyn BoxableExpression<tickets::table, <DbConn as Connection>::Backend, SqlType = Bool>>;

fn visibility_condition(v: &Visibility) -> Condition {
    // Only the terms that name something: a `false OR …` would keep SQLite from searching
    // the index of a lone term (a correspondent's schools).
    let mut terms: Vec<Condition> = Vec::new();
    if !v.establishments.is_empty() {
        terms.push(Box::new(
            tickets::establishment_uai.eq_any(v.establishments.clone()),
        ));
    }
    if !v.owner_queues.is_empty() {
        terms.push(Box::new(
            tickets::owner_queue_id.eq_any(v.owner_queues.clone()),
        ));
    }
    if !v.current_queues.is_empty() {
        terms.push(Box::new(
            tickets::current_queue_id.eq_any(v.current_queues.clone()),
        ));
    }
    if !v.visited_queues.is_empty() {
        // A correlated EXISTS, looked up by ticket: `id IN (the hops of those queues)` under
        // an OR is a subplan PostgreSQL rescans for every row once the hops outgrow its work
        // memory (minutes for a title search at a million tickets).
        let visited = ticket_hops::table
            .filter(ticket_hops::ticket_id.eq(tickets::id))
            .filter(ticket_hops::to_queue_id.eq_any(v.visited_queues.clone()));
        terms.push(Box::new(diesel::dsl::exists(visited)));
    }
    if !v.vendors.is_empty() {
        terms.push(Box::new(
            tickets::vendor_id
                .assume_not_null()
                .eq_any(v.vendors.clone()),
        ));
    }
    terms
        .into_iter()
        .reduce(|all, term| Box::new(all.or(term)))
        .unwrap_or_else(|| Box::new(sql::<Bool>("1 = 0")))
}

/// The tickets whose title's search key matches `pattern`, found through the text index:
/// PostgreSQL's planner reads its trigram index for `LIKE` itself; SQLite's FTS5 index is a
/// table of its own, asked for the matching ids.
fn title_contains(conn: &DbConn, pattern: String) -> Condition {
    match conn {
        DbConn::Postgres(_) => Box::new(tickets::title_search.like(pattern)),
        DbConn::Sqlite(_) => Box::new(
            sql::<Bool>(
                "tickets.id IN (SELECT rowid FROM tickets_title_search \
                 WHERE tickets_title_search.title_search LIKE ",
            )
            .bind::<diesel::sql_types::Text, _>(pattern)
            .sql(")"),
        ),
    }
}

type Filtered = tickets::BoxedQuery<'static, <DbConn as Connection>::Backend>;

/// One page of visible tickets, in the filter's order.
pub fn list(
    conn: &mut DbConn,
    visibility: &Visibility,
    filter: &TicketFilter,
    limit: i64,
) -> QueryResult<Vec<Ticket>> {
    match (&filter.text, filter.order, &*conn) {
        (Some(text), TicketOrder::Recent, DbConn::Sqlite(_)) => {
            newest_title_matches(conn, visibility, filter, &format!("%{text}%"), limit)
        }
        _ => {
            let mut query = filtered(visibility, filter);
            if let Some(text) = &filter.text {
                query = query.filter(title_contains(conn, format!("%{text}%")));
            }
            with_values_plan(conn, |conn| {
                query.select(Ticket::as_select()).limit(limit).load(conn)
            })
        }
    }
}

/// Runs a list's query planned with its values on PostgreSQL. diesel prepares a statement
/// once per connection, and after five runs PostgreSQL may switch it to a generic plan,
/// chosen without the values: for a title search that plan ANDs the text index with every
/// ticket below the cursor and sorts the matches (150 ms at a million tickets) where the
/// values' own plan walks the newest tickets (0.1 ms). Only the lists pay the planning:
/// a write's many small statements keep their cached plans.
fn with_values_plan<T>(
    conn: &mut DbConn,
    query: impl FnOnce(&mut DbConn) -> QueryResult<T>,
) -> QueryResult<T> {
    use diesel::connection::SimpleConnection;
    if !matches!(conn, DbConn::Postgres(_)) {
        return query(conn);
    }
    conn.batch_execute("SET plan_cache_mode = force_custom_plan")?;
    let result = query(conn);
    conn.batch_execute("RESET plan_cache_mode")?;
    result
}

/// SQLite's text index yields a word's matches newest first and stops when asked: the page
/// is read from batches of them, so a word in every tenth title costs no more than a rare
/// one. (PostgreSQL's planner walks the newest tickets itself when the word is common.)
fn newest_title_matches(
    conn: &mut DbConn,
    visibility: &Visibility,
    filter: &TicketFilter,
    pattern: &str,
    limit: i64,
) -> QueryResult<Vec<Ticket>> {
    let mut below = match filter.after {
        Some(After::Recent(id)) => id,
        _ => i64::MAX,
    };
    let mut batch: i64 = 200;
    let mut page: Vec<Ticket> = Vec::new();
    loop {
        let ids = crate::db::backend_specific::ids_with_texts(
            conn,
            "SELECT rowid AS id FROM tickets_title_search \
             WHERE title_search LIKE $1 AND rowid < CAST($2 AS INTEGER) \
             ORDER BY rowid DESC LIMIT CAST($3 AS INTEGER)",
            &[pattern.to_owned(), below.to_string(), batch.to_string()],
        )?;
        let Some(&last) = ids.last() else { break };
        let exhausted = (ids.len() as i64) < batch;
        let rows: Vec<Ticket> = filtered(visibility, filter)
            .filter(tickets::id.eq_any(ids))
            .select(Ticket::as_select())
            .limit(limit - page.len() as i64)
            .load(conn)?;
        page.extend(rows);
        if page.len() as i64 >= limit || exhausted {
            break;
        }
        below = last;
        // Few of the matches are visible (a narrow scope): ask for more at once.
        batch = (batch * 2).min(5000);
    }
    Ok(page)
}

/// The visible tickets that pass the filter (all but its text), in its order, from where
/// the last page ended.
fn filtered(visibility: &Visibility, filter: &TicketFilter) -> Filtered {
    let mut query = tickets::table
        .filter(visibility_condition(visibility))
        .into_boxed();
    query = match filter.order {
        TicketOrder::Priority => query.order((tickets::priority, tickets::created_at, tickets::id)),
        TicketOrder::Due => query.order((tickets::next_due_at, tickets::id)),
        TicketOrder::Recent => query.order(tickets::id.desc()),
    };
    if let Some(breached) = filter.breached {
        query = query.filter(tickets::breached.eq(breached));
    }
    if let Some(before) = filter.due_before {
        query = query.filter(tickets::next_due_at.lt(before));
    }
    if let Some(queue) = filter.queue {
        query = query.filter(tickets::current_queue_id.eq(queue));
    }
    if let Some(status) = &filter.status {
        query = query.filter(tickets::status.eq(*status));
    }
    if let Some(level) = filter.level {
        query = query.filter(tickets::level.eq(level));
    }
    if let Some(priority) = filter.priority {
        query = query.filter(tickets::priority.eq(priority));
    }
    if let Some(uai) = &filter.establishment {
        query = query.filter(tickets::establishment_uai.eq(uai.clone()));
    }
    if let Some(category) = &filter.category {
        query = query.filter(tickets::category_code.eq(category.clone()));
    }
    // A row-value comparison (both backends have it) lets the index that orders the page
    // also start it; the equivalent OR chain makes PostgreSQL filter row by row.
    match filter.after {
        Some(After::Priority(priority, created_at, id)) => {
            query = query.filter(
                sql::<Bool>("(tickets.priority, tickets.created_at, tickets.id) > (")
                    .bind::<diesel::sql_types::Integer, _>(priority)
                    .sql(", ")
                    .bind::<diesel::sql_types::Timestamp, _>(created_at)
                    .sql(", ")
                    .bind::<diesel::sql_types::BigInt, _>(id)
                    .sql(")"),
            );
        }
        Some(After::Due(due, id)) => {
            query = query.filter(
                sql::<Bool>("(tickets.next_due_at, tickets.id) > (")
                    .bind::<diesel::sql_types::Timestamp, _>(due)
                    .sql(", ")
                    .bind::<diesel::sql_types::BigInt, _>(id)
                    .sql(")"),
            );
        }
        Some(After::Recent(id)) => query = query.filter(tickets::id.lt(id)),
        None => {}
    }
    query
}

/// Inserts many tickets (the benchmark's fill).
pub fn insert_many(conn: &mut DbConn, rows: &[NewTicket]) -> QueryResult<usize> {
    crate::db::backend_specific::insert_tickets(conn, rows)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    tickets::table.count().get_result(conn)
}
