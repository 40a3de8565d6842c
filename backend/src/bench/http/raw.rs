//! The database's own limit for a creation: the rows one ticket's opening wrote (found by
//! its ticket id: the ticket, its journal, its hop, its service-level clocks, its
//! notifications, and the territory's sequence), copied in one transaction per ticket
//! straight through diesel, with none of the service's work around them. The ratio of the
//! service's creations per second to these is what the service itself costs.

use std::collections::HashMap;
use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::load::Outcome;
use crate::db::pool::DbPool;
use crate::db::DbConn;

use super::super::amplify::{columns, rows, Highest, Name};

/// The tables a ticket's opening writes rows of, keyed by `ticket_id`, in the order their
/// references need: the hops before the clocks that name them, the journal before the
/// notifications that name its entries.
const CHILDREN: [&str; 4] = [
    "ticket_events",
    "ticket_hops",
    "service_level_clocks",
    "outbox",
];

/// One table's rows of the template: its columns and the rows' ids.
struct Rows {
    table: &'static str,
    columns: Vec<String>,
    ids: Vec<i64>,
}

/// The template's rows and their column lists, read once: the timed copies only write.
pub struct Shape {
    template: i64,
    territory: String,
    tickets: Vec<String>,
    children: Vec<Rows>,
}

fn ids(conn: &mut DbConn, sql: String) -> QueryResult<Vec<i64>> {
    let rows: Vec<Highest> = rows(conn, sql)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

impl Shape {
    pub fn of(conn: &mut DbConn, template: i64) -> QueryResult<Shape> {
        let mut children = Vec::new();
        for table in CHILDREN {
            let sql = format!("SELECT id FROM {table} WHERE ticket_id = {template} ORDER BY id");
            children.push(Rows {
                table,
                columns: columns(conn, table)?,
                ids: ids(conn, sql)?,
            });
        }
        let sql = format!("SELECT territory_code AS name FROM tickets WHERE id = {template}");
        let territory: Vec<Name> = rows(conn, sql)?;
        Ok(Shape {
            template,
            territory: territory
                .into_iter()
                .next()
                .ok_or(diesel::result::Error::NotFound)?
                .name,
            tickets: columns(conn, "tickets")?,
            children,
        })
    }

    /// Copies one row of `table` with some columns rewritten; the copy's id.
    fn copy_row(
        conn: &mut DbConn,
        table: &str,
        list: &[String],
        id: i64,
        rewritten: &HashMap<&str, String>,
    ) -> QueryResult<i64> {
        let kept: Vec<&String> = list.iter().filter(|c| *c != "id").collect();
        let values: Vec<String> = kept
            .iter()
            .map(|c| rewritten.get(c.as_str()).cloned().unwrap_or((*c).clone()))
            .collect();
        let names: Vec<&str> = kept.iter().map(|c| c.as_str()).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) SELECT {} FROM {table} WHERE id = {id} RETURNING id",
            names.join(", "),
            values.join(", ")
        );
        ids(conn, sql)?.pop().ok_or(diesel::result::Error::NotFound)
    }

    /// One opening's rows, copied as ticket number `n`, in one write transaction.
    pub fn copy(&self, conn: &mut DbConn, n: usize) -> QueryResult<()> {
        conn.write_transaction(|conn| {
            // The territory's sequence, on a year no real ticket uses.
            crate::db::repo::tickets::next_sequence(conn, &self.territory, 9999)?;
            let reference = HashMap::from([("reference", format!("reference || '/r{n}'"))]);
            let ticket = Self::copy_row(conn, "tickets", &self.tickets, self.template, &reference)?;
            // The copies' ids of the template's events and hops, for the rows naming them.
            let mut events: HashMap<i64, i64> = HashMap::new();
            let mut hops: HashMap<i64, i64> = HashMap::new();
            for Rows {
                table,
                columns: list,
                ids,
            } in &self.children
            {
                for &id in ids {
                    let mut rewritten = HashMap::from([("ticket_id", ticket.to_string())]);
                    let mapped = |column: &str, map: &HashMap<i64, i64>| {
                        // CASE keeps a NULL NULL; every other value is one of the template's.
                        let arms: String = map
                            .iter()
                            .map(|(old, new)| format!(" WHEN {old} THEN {new}"))
                            .collect();
                        format!("CASE {column}{arms} ELSE {column} END")
                    };
                    if !events.is_empty() {
                        rewritten.insert("event_id", mapped("event_id", &events));
                    }
                    if !hops.is_empty() {
                        rewritten.insert("hop_id", mapped("hop_id", &hops));
                    }
                    let copy = Self::copy_row(conn, table, list, id, &rewritten)?;
                    match *table {
                        "ticket_events" => {
                            events.insert(id, copy);
                        }
                        "ticket_hops" => {
                            hops.insert(id, copy);
                        }
                        _ => {}
                    }
                }
            }
            Ok(())
        })
    }
}

/// Copies `requests` openings of the template from `clients` threads, each with its own
/// connection of `pool`.
pub fn drive(
    pool: &DbPool,
    shape: &Shape,
    clients: usize,
    requests: usize,
    first: usize,
) -> Result<Outcome, String> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    // SQLite has one writer: the service queues its writers in order of arrival (the writer
    // gate), so do the raw ones, rather than let them spin on the busy timeout.
    let gate = parking_lot::FairMutex::new(());
    let sqlite = matches!(*pool.get().map_err(|e| e.to_string())?, DbConn::Sqlite(_));
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(requests);
    let results: Vec<Result<Vec<std::time::Duration>, String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..clients)
            .map(|_| {
                scope.spawn(|| {
                    let mut conn = pool.get().map_err(|e| e.to_string())?;
                    let mut own = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= requests {
                            return Ok(own);
                        }
                        let sent = Instant::now();
                        let turn = sqlite.then(|| gate.lock());
                        shape
                            .copy(&mut conn, first + i)
                            .map_err(|e| format!("copie brute : {e}"))?;
                        drop(turn);
                        own.push(sent.elapsed());
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| Err("fil paniqué".into())))
            .collect()
    });
    for result in results {
        latencies.extend(result?);
    }
    Ok(Outcome {
        latencies,
        elapsed: started.elapsed(),
    })
}

/// Marks the copies' notifications sent: the next server would otherwise send them (the
/// journal is append-only, so the copies themselves stay).
pub fn settle(conn: &mut DbConn) -> QueryResult<()> {
    conn.batch_execute(
        "UPDATE outbox SET state = 'sent', sent_at = created_at \
         WHERE state <> 'sent' AND ticket_id IN \
         (SELECT id FROM tickets WHERE reference LIKE '%/r%')",
    )
}
