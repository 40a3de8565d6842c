//! Rewrites a text wherever the desk may hold it: every text column a person's name or email
//! can reach (free text, journals, messages, cached answers), in one statement per column.
//!
//! The facts of a declared personal-data breach (its nature, its description) are the one
//! exception: the law has them kept as declared, and the database refuses any change.

use diesel::QueryResult;

use crate::db::backend_specific::{execute_with_texts, ids_with_texts};
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

/// `column LIKE $first OR column LIKE $first+1 …`, one term per needle, and its patterns.
fn holding(column: &str, needles: &[String], first: usize) -> (String, Vec<String>) {
    let terms: Vec<String> = (0..needles.len())
        .map(|i| format!("{column} LIKE ${}", first + i))
        .collect();
    // LIKE's wildcards in a needle only widen the rows looked at; REPLACE is exact.
    let patterns = needles.iter().map(|n| format!("%{n}%")).collect();
    (format!("({})", terms.join(" OR ")), patterns)
}

/// Looks for the needles in every column of [`TEXT_COLUMNS`], one scan a column: a read, so
/// that scanning large tables never holds SQLite's write lock. The caller picks needles long
/// enough not to match inside other words.
pub fn find(conn: &mut DbConn, needles: &[String]) -> QueryResult<Vec<Found>> {
    let mut found = Vec::new();
    if needles.is_empty() {
        return Ok(found);
    }
    for (table, column) in TEXT_COLUMNS {
        let seen_up_to = ids_with_texts(
            conn,
            &format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}"),
            &[],
        )?[0];
        let (condition, patterns) = holding(column, needles, 1);
        let ids = ids_with_texts(
            conn,
            &format!("SELECT id FROM {table} WHERE {condition}"),
            &patterns,
        )?;
        found.push(Found {
            table,
            column,
            ids,
            seen_up_to,
        });
    }
    Ok(found)
}

/// Rows rewritten per statement.
const CHUNK: usize = 500;

/// Replaces every needle by `replacement` in the rows [`find`] saw and in the rows added
/// since, one statement per column (and per 500 rows); how many values changed. Case matters
/// (as the text was written).
pub fn rewrite(
    conn: &mut DbConn,
    found: &[Found],
    needles: &[String],
    replacement: &str,
) -> QueryResult<usize> {
    if needles.is_empty() {
        return Ok(0);
    }
    // $1 is the replacement, $2… the needles, then their patterns.
    let mut binds = vec![replacement.to_owned()];
    binds.extend(needles.iter().cloned());
    let mut changed = 0;
    for f in found {
        let replaced = (0..needles.len()).fold(f.column.to_owned(), |inner, i| {
            format!("REPLACE({inner}, ${}, $1)", i + 2)
        });
        let (condition, patterns) = holding(f.column, needles, needles.len() + 2);
        let mut scopes: Vec<String> = f
            .ids
            .chunks(CHUNK)
            .map(|chunk| {
                let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
                format!("id IN ({})", list.join(","))
            })
            .collect();
        scopes.push(format!("id > {}", f.seen_up_to));
        let binds: Vec<String> = binds.iter().chain(&patterns).cloned().collect();
        for scope in scopes {
            let sql = format!(
                "UPDATE {table} SET {column} = {replaced} WHERE {scope} AND {condition}",
                table = f.table,
                column = f.column
            );
            changed += execute_with_texts(conn, &sql, &binds)?;
        }
    }
    Ok(changed)
}
