//! The SQL differences between the backends, one `match` on the connection each.

use diesel::prelude::*;

use chrono::NaiveDateTime;

use super::models::{NewTicket, NewTicketRead, Ticket};
use super::schema::ticket_reads;
use super::schema::{idempotency_keys, job_leases, login_attempts, ticket_sequences, tickets};
use super::schema::{notification_preferences, outbox};
use super::DbConn;

/// Runs the same diesel code on the concrete connection of each backend, for the statements
/// `MultiConnection` does not carry (upserts, row locks).
macro_rules! on_each_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            DbConn::Postgres($c) => $body,
            DbConn::Sqlite($c) => $body,
        }
    };
}

/// Bumps the sequence of a territory's year and returns the value given, in one statement:
/// concurrent first uses of a year cannot collide on the row's creation.
pub fn next_sequence(conn: &mut DbConn, territory: &str, year: i32) -> QueryResult<i32> {
    on_each_backend!(conn, |c| diesel::insert_into(ticket_sequences::table)
        .values((
            ticket_sequences::territory_code.eq(territory),
            ticket_sequences::year.eq(year),
            ticket_sequences::last_value.eq(1),
        ))
        .on_conflict((ticket_sequences::territory_code, ticket_sequences::year))
        .do_update()
        .set(ticket_sequences::last_value.eq(ticket_sequences::last_value + 1))
        .returning(ticket_sequences::last_value)
        .get_result(c))
}

/// The ticket by reference, its row locked until the transaction ends on PostgreSQL (SQLite
/// holds the write lock already), so that concurrent writers of one ticket wait their turn.
pub fn ticket_for_update(conn: &mut DbConn, reference: &str) -> QueryResult<Option<Ticket>> {
    let by_reference = tickets::table.filter(tickets::reference.eq(reference));
    match conn {
        DbConn::Postgres(pg) => by_reference
            .select(Ticket::as_select())
            .for_update()
            .first(pg)
            .optional(),
        DbConn::Sqlite(sqlite) => by_reference
            .select(Ticket::as_select())
            .first(sqlite)
            .optional(),
    }
}

/// The ids of up to `limit` messages due at `now` and not leased, oldest first, locked until
/// the transaction ends; on PostgreSQL rows another instance is claiming are skipped (SKIP
/// LOCKED), on SQLite the write transaction already excludes every other claimer.
pub fn lock_due_messages(
    conn: &mut DbConn,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let due = outbox::table
        .filter(outbox::state.eq("pending"))
        .filter(outbox::next_attempt_at.le(now))
        .filter(
            outbox::leased_until
                .is_null()
                .or(outbox::leased_until.le(now)),
        )
        .order((outbox::next_attempt_at, outbox::id))
        .limit(limit)
        .select(outbox::id);
    match conn {
        DbConn::Postgres(pg) => due.for_update().skip_locked().load(pg),
        DbConn::Sqlite(sqlite) => due.load(sqlite),
    }
}

/// Writes a person's notification choices in one statement: concurrent writers of the same
/// person each replace the row, the last one wins, none fails on the key.
pub fn upsert_preferences(
    conn: &mut DbConn,
    row: &crate::db::repo::notification_preferences::Preferences,
) -> QueryResult<usize> {
    on_each_backend!(conn, |c| diesel::insert_into(
        notification_preferences::table
    )
    .values(row)
    .on_conflict(notification_preferences::user_id)
    .do_update()
    .set((
        notification_preferences::muted.eq(&row.muted),
        notification_preferences::queue_digest.eq(row.queue_digest),
        notification_preferences::updated_at.eq(row.updated_at),
    ))
    .execute(c))
}

/// Counts one login attempt in a bucket's window and returns the count so far.
pub fn count_attempt(
    conn: &mut DbConn,
    bucket: &str,
    window_start: NaiveDateTime,
) -> QueryResult<i32> {
    on_each_backend!(conn, |c| diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::bucket.eq(bucket),
            login_attempts::window_start.eq(window_start),
            login_attempts::attempts.eq(1),
        ))
        .on_conflict((login_attempts::bucket, login_attempts::window_start))
        .do_update()
        .set(login_attempts::attempts.eq(login_attempts::attempts + 1))
        .returning(login_attempts::attempts)
        .get_result(c))
}

/// Creates the lease row of a job if it has none (0 when it exists).
pub fn insert_lease_if_absent(
    conn: &mut DbConn,
    job: &str,
    holder: &str,
    until: NaiveDateTime,
) -> QueryResult<usize> {
    on_each_backend!(conn, |c| diesel::insert_into(job_leases::table)
        .values((
            job_leases::job.eq(job),
            job_leases::holder.eq(holder),
            job_leases::leased_until.eq(until),
        ))
        .on_conflict_do_nothing()
        .execute(c))
}

/// Claims an idempotency key (1) unless a row holds it (0). On PostgreSQL a claim still
/// uncommitted elsewhere makes this wait for that transaction's outcome.
pub fn claim_idempotency_key(
    conn: &mut DbConn,
    owner: &str,
    route: &str,
    key: &str,
    request_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    on_each_backend!(conn, |c| diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::owner.eq(owner),
            idempotency_keys::route.eq(route),
            idempotency_keys::idem_key.eq(key),
            idempotency_keys::request_hash.eq(request_hash),
            idempotency_keys::created_at.eq(now),
        ))
        .on_conflict_do_nothing()
        .execute(c))
}

/// Inserts many rows of one table: one multi-row statement on PostgreSQL; SQLite's batch
/// insert cannot leave a column to its default, so there one statement a row (cheap inside a
/// transaction).
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConn::Postgres(pg) => diesel::insert_into($table).values($rows).execute(pg),
            DbConn::Sqlite(sqlite) => $rows.iter().try_fold(0, |inserted, row| {
                diesel::insert_into($table)
                    .values(row)
                    .execute(sqlite)
                    .map(|n| inserted + n)
            }),
        }
    };
}

/// Many tickets at once (the generator, the benchmark).
pub fn insert_tickets(conn: &mut DbConn, rows: &[NewTicket]) -> QueryResult<usize> {
    insert_rows!(conn, tickets::table, rows)
}

/// Many entries of the access log at once (one batch of its writer).
pub fn insert_ticket_reads(conn: &mut DbConn, rows: &[NewTicketRead]) -> QueryResult<usize> {
    insert_rows!(conn, ticket_reads::table, rows)
}

/// Refreshes the planner's statistics after a bulk load (PostgreSQL's autovacuum would do
/// it later; SQLite keeps none until asked).
pub fn analyze(conn: &mut DbConn) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConn::Postgres(pg) => pg.batch_execute("ANALYZE tickets; ANALYZE ticket_hops;"),
        DbConn::Sqlite(sqlite) => sqlite.batch_execute("ANALYZE;"),
    }
}

/// Lets the current transaction commit without waiting for its WAL to reach the disk
/// (PostgreSQL). Safe for what a later durable commit relies on: the WAL is written in
/// order, so that commit makes this one durable too. SQLite has no such mode here.
pub fn commit_without_waiting(conn: &mut DbConn) -> QueryResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConn::Postgres(pg) => pg.batch_execute("SET LOCAL synchronous_commit = off"),
        DbConn::Sqlite(_) => Ok(()),
    }
}

/// Locks a territory's row until the transaction ends on PostgreSQL (SQLite holds the write
/// lock already): the writes that number something per territory follow each other. The
/// lock is `FOR NO KEY UPDATE`, which the key-share locks of the foreign-key checks of
/// concurrent ticket openings do not wait for (nor it for them).
pub fn lock_territory(conn: &mut DbConn, code: &str) -> QueryResult<()> {
    use crate::db::schema::territories;
    let row = territories::table.find(code).select(territories::code);
    match conn {
        DbConn::Postgres(pg) => row
            .for_no_key_update()
            .first::<String>(pg)
            .optional()
            .map(|_| ()),
        DbConn::Sqlite(sqlite) => row.first::<String>(sqlite).optional().map(|_| ()),
    }
}

/// Raw SQL whose parameters are all text, numbered `$1`, `$2`… as PostgreSQL writes them
/// (SQLite is given `?1`, `?2`…, which it reads the same way, repeats included).
fn with_texts<'a, DB>(
    sql: String,
    binds: &[String],
) -> diesel::query_builder::BoxedSqlQuery<'a, DB, diesel::query_builder::SqlQuery>
where
    DB: diesel::backend::Backend + diesel::sql_types::HasSqlType<diesel::sql_types::Text>,
    String: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
{
    binds
        .iter()
        .fold(diesel::sql_query(sql).into_boxed(), |query, value| {
            query.bind::<diesel::sql_types::Text, _>(value.clone())
        })
}

/// Runs a statement with text parameters; how many rows it changed.
pub fn execute_with_texts(conn: &mut DbConn, sql: &str, binds: &[String]) -> QueryResult<usize> {
    match conn {
        DbConn::Postgres(pg) => with_texts(sql.to_owned(), binds).execute(pg),
        DbConn::Sqlite(sqlite) => with_texts(sql.replace('$', "?"), binds).execute(sqlite),
    }
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// The `id` column of a query with text parameters.
pub fn ids_with_texts(conn: &mut DbConn, sql: &str, binds: &[String]) -> QueryResult<Vec<i64>> {
    let rows: Vec<Id> = match conn {
        DbConn::Postgres(pg) => with_texts(sql.to_owned(), binds).load(pg)?,
        DbConn::Sqlite(sqlite) => with_texts(sql.replace('$', "?"), binds).load(sqlite)?,
    };
    Ok(rows.into_iter().map(|r| r.id).collect())
}
