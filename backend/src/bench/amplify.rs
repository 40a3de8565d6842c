//! Amplifies a generated sample to a région's size: its tickets, their hops and their
//! service-level clocks copied `n` times with new identifiers (and references suffixed
//! `/n`). Every instant of copy `n` is moved back by the same amount (under two weeks, a
//! different one per copy), so that a ticket's durations are kept while its copies do not
//! pile up at one instant: five hundred copies sharing their original's instant made a
//! list's first page walk through hundreds of other territories' copies before reaching its
//! own, which real tickets, each opened at its own instant, never do. The figures read
//! those three tables; the journal is not copied. Writing a million tickets' stories
//! through the services takes hours (see the performance work); copying a sample of them
//! keeps their distributions for the benchmark in minutes.

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

/// The rows of a statement without parameters, on either backend.
pub(super) fn rows<T>(conn: &mut DbConn, sql: String) -> QueryResult<Vec<T>>
where
    T: QueryableByName<diesel::pg::Pg> + QueryableByName<diesel::sqlite::Sqlite> + 'static,
{
    match conn {
        DbConn::Postgres(pg) => diesel::sql_query(sql).load(pg),
        DbConn::Sqlite(sqlite) => diesel::sql_query(sql).load(sqlite),
    }
}

fn highest(conn: &mut DbConn, table: &str) -> QueryResult<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}");
    let rows: Vec<Highest> = rows(conn, sql)?;
    Ok(rows.first().map(|r| r.id).unwrap_or(0))
}

/// The offsets of copy `n` for each table's identifiers, and how far back its instants go.
struct Offsets {
    tickets: i64,
    hops: i64,
    clocks: i64,
    seconds: i64,
}

/// How far back copy `n`'s instants are moved: spread evenly over two weeks (the fractional
/// parts of multiples of the golden ratio fill an interval evenly, whatever `n`).
fn shift_seconds(n: usize) -> i64 {
    const SPAN: f64 = 14.0 * 86_400.0;
    ((n as f64 * 0.618_033_988_75).fract() * SPAN) as i64
}

/// `column`, an instant, `seconds` earlier; the "no due instant" far in the future stays.
fn earlier(conn: &DbConn, column: &str, seconds: i64) -> String {
    let moved = match conn {
        DbConn::Postgres(_) => format!("{column} - interval '{seconds} seconds'"),
        DbConn::Sqlite(_) => {
            format!("strftime('%Y-%m-%d %H:%M:%f', {column}, '-{seconds} seconds')")
        }
    };
    format!("CASE WHEN {column} >= '9000-01-01' THEN {column} ELSE {moved} END")
}

/// How a column of `table` is written in copy `n`.
fn copied(conn: &DbConn, table: &str, column: &str, n: usize, o: &Offsets) -> String {
    if column.ends_with("_at") || column.ends_with("_since") {
        return earlier(conn, column, o.seconds);
    }
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
        seconds: 0,
    };
    let mut added = 0;
    let mut n = 1;
    while sample + added < total {
        let rows = (total - sample - added).min(sample);
        let offsets = Offsets {
            tickets: base.tickets * n as i64,
            hops: base.hops * n as i64,
            clocks: base.clocks * n as i64,
            seconds: shift_seconds(n),
        };
        conn.transaction(|conn| {
            for (table, list) in tables.iter().zip(&lists) {
                let values: Vec<String> = list
                    .iter()
                    .map(|c| copied(conn, table, c, n, &offsets))
                    .collect();
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

#[cfg(test)]
mod tests {
    use super::shift_seconds;

    #[test]
    fn copies_are_moved_back_under_two_weeks_each_by_its_own_amount_spread_over_every_day() {
        let shifts: Vec<i64> = (1..=500).map(shift_seconds).collect();
        assert!(shifts.iter().all(|s| (0..14 * 86_400).contains(s)));
        let mut distinct = shifts.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 500);
        let mut per_day = [0; 14];
        for s in &shifts {
            per_day[(s / 86_400) as usize] += 1;
        }
        // 500 copies over 14 days: about 36 a day, none far from it.
        assert!(per_day.iter().all(|d| (30..=42).contains(d)), "{per_day:?}");
    }
}
