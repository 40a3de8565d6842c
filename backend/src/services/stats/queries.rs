//! The figures' SQL: every query counts in the database over the tickets of one scope that
//! matter to a period `[from, to)` — opened before its end and not resolved before its start —
//! and binds the same three parameters: the scope's code ($1), `from` ($2) and `to` ($3).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::scope::TicketFilter;
use crate::db::DbConn;

/// The tickets of the scope that matter to the period.
fn scoped(filter: &TicketFilter) -> String {
    let condition = match filter {
        TicketFilter::Territory(_) => "t.territory_code = $1",
        TicketFilter::Establishment(_) => "t.establishment_uai = $1",
        TicketFilter::Organisation(_) => {
            "EXISTS (SELECT 1 FROM ticket_hops h0 JOIN queues q0 ON q0.id = h0.to_queue_id \
             JOIN organisations o0 ON o0.id = q0.organisation_id \
             WHERE h0.ticket_id = t.id AND o0.code = $1)"
        }
    };
    format!(
        "WITH scoped AS (SELECT t.id, t.level, t.status, t.current_queue_id, t.category_code, \
         t.establishment_uai, t.vendor_id, t.reopen_count, t.created_at, t.resolved_at \
         FROM tickets t WHERE {condition} \
         AND (t.resolved_at IS NULL OR t.resolved_at >= $2) AND t.created_at < $3) "
    )
}

fn code(filter: &TicketFilter) -> &str {
    match filter {
        TicketFilter::Territory(c)
        | TicketFilter::Organisation(c)
        | TicketFilter::Establishment(c) => c,
    }
}

/// Runs `sql` (written with PostgreSQL's `$n` placeholders) with the three parameters.
fn load<R>(
    conn: &mut DbConn,
    filter: &TicketFilter,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    sql: &str,
) -> QueryResult<Vec<R>>
where
    R: QueryableByName<diesel::pg::Pg> + QueryableByName<diesel::sqlite::Sqlite> + 'static,
{
    let sql = format!("{}{sql}", scoped(filter));
    let code = code(filter).to_owned();
    let (from, to) = (from.naive_utc(), to.naive_utc());
    match conn {
        DbConn::Postgres(pg) => diesel::sql_query(sql)
            .bind::<Text, _>(code)
            .bind::<Timestamp, _>(from)
            .bind::<Timestamp, _>(to)
            .load(pg),
        // SQLite numbers its parameters `?n`.
        DbConn::Sqlite(sqlite) => diesel::sql_query(sql.replace('$', "?"))
            .bind::<Text, _>(code)
            .bind::<Timestamp, _>(from)
            .bind::<Timestamp, _>(to)
            .load(sqlite),
    }
}

/// Opened, resolved and in backlog at the period's end, per combination of level, queue,
/// category and kind of school: one pass over the tickets, folded into each dimension after.
#[derive(Debug, Clone, QueryableByName)]
pub struct VolumeCell {
    #[diesel(sql_type = Text)]
    pub level: String,
    #[diesel(sql_type = Text)]
    pub queue: String,
    #[diesel(sql_type = Text)]
    pub queue_name: String,
    #[diesel(sql_type = Text)]
    pub category: String,
    #[diesel(sql_type = Text)]
    pub category_label: String,
    #[diesel(sql_type = Text)]
    pub school_kind: String,
    #[diesel(sql_type = BigInt)]
    pub opened: i64,
    #[diesel(sql_type = BigInt)]
    pub resolved: i64,
    #[diesel(sql_type = BigInt)]
    pub backlog: i64,
    /// Of the opened, those escalated to the vendor.
    #[diesel(sql_type = BigInt)]
    pub escalated: i64,
    /// Of the resolved, those reopened at least once.
    #[diesel(sql_type = BigInt)]
    pub reopened: i64,
}

pub fn volumes(
    conn: &mut DbConn,
    filter: &TicketFilter,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<VolumeCell>> {
    let sql = "SELECT CAST(s.level AS TEXT) AS level, q.code AS queue, q.name AS queue_name, \
         c.code AS category, c.label AS category_label, e.kind AS school_kind, \
         SUM(CASE WHEN s.created_at >= $2 THEN 1 ELSE 0 END) AS opened, \
         SUM(CASE WHEN s.resolved_at < $3 THEN 1 ELSE 0 END) AS resolved, \
         SUM(CASE WHEN s.status <> 'cancelled' AND (s.resolved_at IS NULL OR s.resolved_at >= $3) \
             THEN 1 ELSE 0 END) AS backlog, \
         SUM(CASE WHEN s.created_at >= $2 AND s.vendor_id IS NOT NULL THEN 1 ELSE 0 END) AS escalated, \
         SUM(CASE WHEN s.resolved_at < $3 AND s.reopen_count > 0 THEN 1 ELSE 0 END) AS reopened \
         FROM scoped s JOIN queues q ON q.id = s.current_queue_id \
         JOIN categories c ON c.code = s.category_code \
         JOIN establishments e ON e.uai = s.establishment_uai \
         GROUP BY s.level, q.code, q.name, c.code, c.label, e.kind";
    load(conn, filter, from, to, sql)
}

/// One service-level clock that ended in the period: a stay's (its organisation's) or the
/// ticket's own; the durations' percentiles and the compliance are counted from these.
#[derive(Debug, Clone, QueryableByName)]
pub struct EndedClock {
    /// 1 for a stay's clock, 0 for the ticket's own.
    #[diesel(sql_type = BigInt)]
    pub stay: i64,
    /// 1 for a response clock, 0 for a resolution clock.
    #[diesel(sql_type = BigInt)]
    pub response: i64,
    #[diesel(sql_type = BigInt)]
    pub priority: i64,
    /// Business seconds used.
    #[diesel(sql_type = BigInt)]
    pub seconds: i64,
    #[diesel(sql_type = BigInt)]
    pub breached: i64,
    #[diesel(sql_type = BigInt)]
    pub organisation_id: i64,
}

/// The clocks that ended: a ticket's response clock when it was opened in the period, its
/// resolution clock when it was resolved in it; a stay's clocks when the stay began in it.
/// Only numbers cross over: grouping and ranking them is cheaper in Rust than SQL's window
/// sort over millions of rows.
pub fn ended_clocks(
    conn: &mut DbConn,
    filter: &TicketFilter,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<EndedClock>> {
    let sql = "SELECT CAST(CASE WHEN c.hop_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS stay, \
         CAST(CASE WHEN c.kind = 'response' THEN 1 ELSE 0 END AS BIGINT) AS response, \
         CAST(c.priority AS BIGINT) AS priority, CAST(c.used_seconds AS BIGINT) AS seconds, \
         CAST(CASE WHEN c.breached_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS breached, \
         c.organisation_id AS organisation_id \
         FROM scoped s JOIN service_level_clocks c ON c.ticket_id = s.id \
         LEFT JOIN ticket_hops h ON h.id = c.hop_id \
         WHERE c.stopped = TRUE AND CASE \
           WHEN c.hop_id IS NOT NULL THEN h.entered_at >= $2 AND h.entered_at < $3 \
           WHEN c.kind = 'response' THEN s.created_at >= $2 \
           ELSE s.resolved_at < $3 END";
    load(conn, filter, from, to, sql)
}

/// Hand-offs refused in the period, by the organisation that refused.
#[derive(Debug, Clone, QueryableByName)]
pub struct RefusalRow {
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub refused: i64,
}

pub fn refusals(
    conn: &mut DbConn,
    filter: &TicketFilter,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<RefusalRow>> {
    let sql = "SELECT o.code AS code, o.name AS name, COUNT(*) AS refused FROM scoped s \
         JOIN ticket_hops h ON h.ticket_id = s.id JOIN queues q ON q.id = h.to_queue_id \
         JOIN organisations o ON o.id = q.organisation_id \
         WHERE h.refused_reason IS NOT NULL AND h.left_at >= $2 AND h.left_at < $3 \
         GROUP BY o.code, o.name ORDER BY refused DESC, o.code";
    load(conn, filter, from, to, sql)
}

/// Tickets opened and resolved per hour (hours since the Unix epoch), for the weekly series.
#[derive(Debug, Clone, QueryableByName)]
pub struct HourRow {
    #[diesel(sql_type = Text)]
    pub measure: String,
    #[diesel(sql_type = BigInt)]
    pub hour: i64,
    #[diesel(sql_type = BigInt)]
    pub tickets: i64,
}

pub fn hours(
    conn: &mut DbConn,
    filter: &TicketFilter,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<HourRow>> {
    let epoch = |column: &str| match conn {
        DbConn::Postgres(_) => format!("CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"),
        DbConn::Sqlite(_) => format!("CAST(strftime('%s', {column}) AS INTEGER)"),
    };
    let (opened, resolved) = (epoch("s.created_at"), epoch("s.resolved_at"));
    let sql = format!(
        "SELECT measure, hour, COUNT(*) AS tickets FROM ( \
           SELECT 'opened' AS measure, {opened} / 3600 AS hour FROM scoped s WHERE s.created_at >= $2 \
           UNION ALL SELECT 'resolved', {resolved} / 3600 FROM scoped s WHERE s.resolved_at < $3) x \
         GROUP BY measure, hour"
    );
    load(conn, filter, from, to, &sql)
}
