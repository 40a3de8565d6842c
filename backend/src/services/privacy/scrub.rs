//! Rewrites a text wherever the desk may hold it: every text column a person's name or email
//! can reach (free text, journals, messages, cached answers), in one statement per column.
//!
//! The facts of a declared personal-data breach (its nature, its description) are the one
//! exception: the law has them kept as declared, and the database refuses any change.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::DbConn;

/// Every `(table, column)` whose text may carry a person's name or email.
pub const TEXT_COLUMNS: &[(&str, &str)] = &[
    ("tickets", "title"),
    ("tickets", "description"),
    ("tickets", "resolution"),
    ("tickets", "technical_file"),
    ("tickets", "third_party_reference"),
    ("ticket_events", "actor_label"),
    ("ticket_events", "body"),
    ("ticket_events", "data"),
    ("attachments", "filename"),
    ("attachments", "uploaded_by_label"),
    ("outbox", "recipient_email"),
    ("outbox", "payload"),
    ("outbox", "last_error"),
    ("audit_events", "actor_label"),
    ("audit_events", "target"),
    ("audit_events", "detail"),
    ("idempotency_keys", "response_body"),
    ("reviews", "title"),
    ("reviews", "snapshot"),
    ("reviews", "created_by"),
    ("improvement_actions", "title"),
    ("outages", "description"),
    ("outages", "recorded_by"),
    ("rights_requests", "summary"),
    ("rights_requests", "received_by"),
    ("rights_request_events", "actor_label"),
    ("rights_request_events", "body"),
    ("rights_request_events", "data"),
    ("personal_data_breach_events", "actor_label"),
    ("organisations", "dpo_email"),
    ("service_accounts", "name"),
];

/// The rows of one column that held a needle when looked at, and the highest id the table
/// had then (rows added since are looked at again when rewriting).
#[derive(Debug, Clone)]
pub struct Found {
    pub table: &'static str,
    pub column: &'static str,
    pub ids: Vec<i64>,
    pub seen_up_to: i64,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

fn ids(conn: &mut DbConn, sql: String, binds: &[&str]) -> QueryResult<Vec<i64>> {
    let rows: Vec<Id> = match conn {
        DbConn::Postgres(pg) => binds
            .iter()
            .fold(diesel::sql_query(sql).into_boxed(), |q, b| {
                q.bind::<Text, _>(b.to_string())
            })
            .load(pg)?,
        // SQLite numbers its parameters `?n`.
        DbConn::Sqlite(sqlite) => binds
            .iter()
            .fold(
                diesel::sql_query(sql.replace('$', "?")).into_boxed(),
                |q, b| q.bind::<Text, _>(b.to_string()),
            )
            .load(sqlite)?,
    };
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Looks for the needles in every column of [`TEXT_COLUMNS`]: a read, so that scanning large
/// tables never holds SQLite's write lock. Needles shorter than 3 characters are ignored.
pub fn find(conn: &mut DbConn, needles: &[String]) -> QueryResult<Vec<Found>> {
    let needles: Vec<&String> = needles.iter().filter(|n| n.trim().len() >= 3).collect();
    let mut found = Vec::new();
    for (table, column) in TEXT_COLUMNS {
        let seen_up_to = ids(
            conn,
            format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}"),
            &[],
        )?[0];
        let mut hits = Vec::new();
        for needle in &needles {
            // LIKE's wildcards in the needle only widen the rows looked at; REPLACE is exact.
            let pattern = format!("%{needle}%");
            hits.extend(ids(
                conn,
                format!("SELECT id FROM {table} WHERE {column} LIKE $1"),
                &[&pattern],
            )?);
        }
        hits.sort_unstable();
        hits.dedup();
        found.push(Found {
            table,
            column,
            ids: hits,
            seen_up_to,
        });
    }
    Ok(found)
}

/// Rows rewritten per statement.
const CHUNK: usize = 500;

/// Replaces each needle by `replacement` in the rows [`find`] saw and in the rows added since;
/// how many values changed. Case matters (as the text was written).
pub fn rewrite(
    conn: &mut DbConn,
    found: &[Found],
    needles: &[String],
    replacement: &str,
) -> QueryResult<usize> {
    let mut changed = 0;
    for f in found {
        let mut scopes: Vec<String> = f
            .ids
            .chunks(CHUNK)
            .map(|chunk| {
                let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
                format!("id IN ({})", list.join(","))
            })
            .collect();
        scopes.push(format!("id > {}", f.seen_up_to));
        for needle in needles.iter().filter(|n| n.trim().len() >= 3) {
            let pattern = format!("%{needle}%");
            for scope in &scopes {
                let sql = format!(
                    "UPDATE {table} SET {column} = REPLACE({column}, $1, $2) \
                     WHERE {scope} AND {column} LIKE $3",
                    table = f.table,
                    column = f.column
                );
                changed += match conn {
                    DbConn::Postgres(pg) => diesel::sql_query(sql)
                        .bind::<Text, _>(needle)
                        .bind::<Text, _>(replacement)
                        .bind::<Text, _>(&pattern)
                        .execute(pg)?,
                    DbConn::Sqlite(sqlite) => diesel::sql_query(sql.replace('$', "?"))
                        .bind::<Text, _>(needle)
                        .bind::<Text, _>(replacement)
                        .bind::<Text, _>(&pattern)
                        .execute(sqlite)?,
                };
            }
        }
    }
    Ok(changed)
}
