//! Amplifies a generated sample to a région's size: its tickets, their hops and their
//! service-level clocks copied `n` times with new identifiers (and references suffixed
//! `/n`), at the same instants. The figures read those three tables; the journal is not
//! copied. Writing a million tickets' stories through the services takes hours (see the
//! performance work); copying a sample of them keeps their distributions for the
//! benchmark in minutes.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::DbConn;

#[derive(QueryableByName)]
pub(super) struct Name {
    #[diesel(sql_type = Text)]
    pub name: String,
}

#[derive(QueryableByName)]
pub(super) struct Highest {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
}

/// The columns of `table`, in their order.
pub(super) fn columns(conn: &mut DbConn, table: &str) -> QueryResult<Vec<String>> {
    let names: Vec<Name> = match conn {
        DbConn::Postgres(pg) => diesel::sql_query(
            "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_name = $1 ORDER BY ordinal_position",
        )
        .bind::<Text, _>(table)
        .load(pg)?,
        DbConn::Sqlite(sqlite) => diesel::sql_query("SELECT name FROM pragma_table_info(?1)")
            .bind::<Text, _>(table)
            .load(sqlite)?,
    };
    Ok(names.into_iter().map(|n| n.name).collect())
}

fn highest(conn: &mut DbConn, table: &str) -> QueryResult<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}");
    let rows: Vec<Highest> = match conn {
        DbConn::Postgres(pg) => diesel::sql_query(sql).load(pg)?,
        DbConn::Sqlite(sqlite) => diesel::sql_query(sql).load(sqlite)?,
    };
    Ok(rows.first().map(|r| r.id).unwrap_or(0))
}

/// The offsets of copy `n` for each table's identifiers.
struct Offsets {
    tickets: i64,
    hops: i64,
    clocks: i64,
}

/// How a column of `table` is written in copy `n`.
fn copied(table: &str, column: &str, n: usize, o: &Offsets) -> String {
    match (table, column) {
        ("tickets", "id") | (_, "ticket_id") | ("tickets", "parent_id") => {
            format!("{column} + {}", o.tickets)
        }
        ("tickets", "reference") => format!("reference || '/{n}'"),
        ("ticket_hops", "id") | ("service_level_clocks", "hop_id") => {
            format!("{column} + {}", o.hops)
        }
        ("service_level_clocks", "id") => format!("id + {}", o.clocks),
        _ => column.to_owned(),
    }
}

/// Copies the first `sample` tickets (identifiers 1 to `sample`, as the generator writes
/// them in an empty database) until the database holds `total`. Returns how many tickets
/// it added.
pub fn amplify(conn: &mut DbConn, sample: usize, total: usize) -> QueryResult<usize> {
    let tables = ["tickets", "ticket_hops", "service_level_clocks"];
    let mut lists = Vec::new();
    for table in tables {
        lists.push(columns(conn, table)?);
    }
    let base = Offsets {
        tickets: highest(conn, "tickets")?,
        hops: highest(conn, "ticket_hops")?,
        clocks: highest(conn, "service_level_clocks")?,
    };
    let mut added = 0;
    let mut n = 1;
    while sample + added < total {
        let rows = (total - sample - added).min(sample);
        let offsets = Offsets {
            tickets: base.tickets * n as i64,
            hops: base.hops * n as i64,
            clocks: base.clocks * n as i64,
        };
        conn.transaction(|conn| {
            for (table, list) in tables.iter().zip(&lists) {
                let values: Vec<String> =
                    list.iter().map(|c| copied(table, c, n, &offsets)).collect();
                let key = if *table == "tickets" {
                    "id"
                } else {
                    "ticket_id"
                };
                let sql = format!(
                    "INSERT INTO {table} ({}) SELECT {} FROM {table} WHERE {key} <= {rows}",
                    list.join(", "),
                    values.join(", ")
                );
                conn.batch_execute(&sql)?;
            }
            Ok::<_, diesel::result::Error>(())
        })?;
        added += rows;
        n += 1;
    }
    if let DbConn::Postgres(pg) = conn {
        // Identifiers were given: the identity columns start after them.
        for table in tables {
            pg.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))?;
        }
    }
    Ok(added)
}
