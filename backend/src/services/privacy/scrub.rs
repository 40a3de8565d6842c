//! Rewrites a text wherever the desk may hold it: every text column a person's name or email
//! can reach (free text, journals, messages, cached answers), in one statement per column.
//!
//! The facts of a declared personal-data breach (its nature, its description) are the one
//! exception: the law has them kept as declared, and the database refuses any change.

use diesel::prelude::*;
use diesel::sql_types::Text;

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

/// Replaces `needle` by `replacement` in every column of [`TEXT_COLUMNS`]; how many values
/// changed. Case matters (as the text was written); an empty needle changes nothing.
pub fn replace_everywhere(
    conn: &mut DbConn,
    needle: &str,
    replacement: &str,
) -> QueryResult<usize> {
    if needle.trim().is_empty() {
        return Ok(0);
    }
    // LIKE's wildcards in the needle only widen the rows looked at; REPLACE is exact.
    let pattern = format!("%{needle}%");
    let mut changed = 0;
    for (table, column) in TEXT_COLUMNS {
        let sql = format!(
            "UPDATE {table} SET {column} = REPLACE({column}, $1, $2) WHERE {column} LIKE $3"
        );
        changed += match conn {
            DbConn::Postgres(pg) => diesel::sql_query(sql)
                .bind::<Text, _>(needle)
                .bind::<Text, _>(replacement)
                .bind::<Text, _>(&pattern)
                .execute(pg)?,
            // SQLite numbers its parameters `?n`.
            DbConn::Sqlite(sqlite) => diesel::sql_query(sql.replace('$', "?"))
                .bind::<Text, _>(needle)
                .bind::<Text, _>(replacement)
                .bind::<Text, _>(&pattern)
                .execute(sqlite)?,
        };
    }
    Ok(changed)
}
