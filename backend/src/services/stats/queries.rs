//! The figures' SQL: every query counts in the database over the tickets of one scope that
//! matter to a period `[from, to)` — opened before its end and not resolved before its start —
//! and binds the same three parameters: the scope's code ($1), `from` ($2) and `to` ($3).

use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::QueryId;
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, SingleValue, SqlType, Text, Timestamp};
use diesel::sqlite::Sqlite;

use super::clocks::ClockCount;
use super::scope::TicketFilter;
use crate::db::DbConn;
use crate::domain::figures::minutes;

/// Whether the ticket `t` is in the scope.
fn condition(filter: &TicketFilter) -> &'static str {
    match filter {
        TicketFilter::Territory(_) => "t.territory_code = $1",
        TicketFilter::Establishment(_) => "t.establishment_uai = $1",
        TicketFilter::Organisation(_) => {
            "EXISTS (SELECT 1 FROM ticket_hops h0 JOIN queues q0 ON q0.id = h0.to_queue_id \
             JOIN organisations o0 ON o0.id = q0.organisation_id \
             WHERE h0.ticket_id = t.id AND o0.code = $1)"
        }
    }
}

/// The tickets of the scope that matter to the period.
fn scoped(filter: &TicketFilter) -> String {
    let condition = condition(filter);
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

/// Runs `sql` (written with PostgreSQL's `$n` placeholders) after the scope's tickets, with
/// the three parameters.
fn load<R>(
    conn: &mut DbConn,
    filter: &TicketFilter,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    sql: &str,
) -> QueryResult<Vec<R>>
where
    R: QueryableByName<Pg> + QueryableByName<Sqlite> + 'static,
{
    let sql = format!("{}{sql}", scoped(filter));
    let bounds = (from.naive_utc(), to.naive_utc());
    load_between::<R, Timestamp, _>(conn, &sql, code(filter), bounds)
}

/// Runs `sql` (written with PostgreSQL's `$n` placeholders) on both databases with its three
/// parameters: a code ($1) and the bounds of a period ($2, $3) of SQL type `ST`.
pub fn load_between<R, ST, V>(
    conn: &mut DbConn,
    sql: &str,
    code: &str,
    (from, to): (V, V),
) -> QueryResult<Vec<R>>
where
    R: QueryableByName<Pg> + QueryableByName<Sqlite> + 'static,
    ST: SqlType + SingleValue + QueryId + 'static,
    Pg: HasSqlType<ST>,
    Sqlite: HasSqlType<ST>,
    V: ToSql<ST, Pg> + ToSql<ST, Sqlite> + Send + 'static,
{
    let code = code.to_owned();
    match conn {
        DbConn::Postgres(pg) => diesel::sql_query(sql)
            .bind::<Text, _>(code)
            .bind::<ST, _>(from)
            .bind::<ST, _>(to)
            .load(pg),
        // SQLite numbers its parameters `?n`.
        DbConn::Sqlite(sqlite) => diesel::sql_query(sql.replace('$', "?"))
            .bind::<Text, _>(code)
            .bind::<ST, _>(from)
            .bind::<ST, _>(to)
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

/// One service-level clock that ended in the period, as stored.
#[derive(Debug, Clone, QueryableByName)]
struct EndedClock {
    /// 1 for a stay's clock, 0 for the ticket's own.
    #[diesel(sql_type = BigInt)]
    stay: i64,
    /// 1 for a response clock, 0 for a resolution clock.
    #[diesel(sql_type = BigInt)]
    response: i64,
    #[diesel(sql_type = BigInt)]
    priority: i64,
    /// Business seconds used.
    #[diesel(sql_type = BigInt)]
    seconds: i64,
    #[diesel(sql_type = BigInt)]
    breached: i64,
    #[diesel(sql_type = BigInt)]
    organisation_id: i64,
}

/// The clocks that ended: a ticket's response clock when it was opened in the period, its
/// resolution clock when it was resolved in it; a stay's clocks when the stay began in it.
/// A clock is breached once its target is used, whether or not the alerts job has recorded
/// it yet. Only numbers cross over: grouping and ranking them is cheaper in Rust than SQL's
/// window sort over millions of rows.
pub fn ended_clocks(
    conn: &mut DbConn,
    filter: &TicketFilter,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<ClockCount>> {
    let sql = "SELECT CAST(CASE WHEN c.hop_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS stay, \
         CAST(CASE WHEN c.kind = 'response' THEN 1 ELSE 0 END AS BIGINT) AS response, \
         CAST(c.priority AS BIGINT) AS priority, CAST(c.used_seconds AS BIGINT) AS seconds, \
         CAST(CASE WHEN c.breached_at IS NOT NULL OR c.used_seconds >= c.target_minutes * 60 \
             THEN 1 ELSE 0 END AS BIGINT) AS breached, \
         c.organisation_id AS organisation_id \
         FROM scoped s JOIN service_level_clocks c ON c.ticket_id = s.id \
         LEFT JOIN ticket_hops h ON h.id = c.hop_id \
         WHERE c.stopped = TRUE AND CASE \
           WHEN c.hop_id IS NOT NULL THEN h.entered_at >= $2 AND h.entered_at < $3 \
           WHEN c.kind = 'response' THEN s.created_at >= $2 \
           ELSE s.resolved_at < $3 END";
    let clocks: Vec<EndedClock> = load(conn, filter, from, to, sql)?;
    Ok(clocks
        .into_iter()
        .map(|c| ClockCount {
            stay: c.stay == 1,
            response: c.response == 1,
            priority: c.priority,
            minutes: minutes(c.seconds),
            breached: c.breached == 1,
            organisation_id: c.organisation_id,
            clocks: 1,
        })
        .collect())
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

/// Read from the refused hops of the period (a partial index holds them), then their
/// tickets' scope.
pub fn refusals(
    conn: &mut DbConn,
    filter: &TicketFilter,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> QueryResult<Vec<RefusalRow>> {
    let sql = format!(
        "SELECT o.code AS code, o.name AS name, COUNT(*) AS refused FROM ticket_hops h \
         JOIN tickets t ON t.id = h.ticket_id JOIN queues q ON q.id = h.to_queue_id \
         JOIN organisations o ON o.id = q.organisation_id \
         WHERE h.refused_reason IS NOT NULL AND h.left_at >= $2 AND h.left_at < $3 AND {} \
         GROUP BY o.code, o.name ORDER BY refused DESC, o.code",
        condition(filter)
    );
    load_between::<_, Timestamp, _>(conn, &sql, code(filter), (from.naive_utc(), to.naive_utc()))
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
