//! The access log at size: fills `ticket_reads` with reads of the territory's tickets by its
//! users, spread over the retention year, then times the admins' queries (by ticket, by
//! person, all) through the service's own query.

use std::time::{Duration, Instant};

use chrono::{Duration as Span, Utc};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::{demo_caller, timing, Timing};
use crate::db::models::NewTicketRead;
use crate::db::repo::{ticket_reads, tickets};
use crate::db::schema::{tickets as tickets_table, users};
use crate::db::DbConn;
use crate::domain::ticket_read::{Channel, ReadPart};
use crate::services::access_log::list::{page, AccessLogQuery};

/// Rows per insert: PostgreSQL takes at most 65,535 parameters in a statement (8 a row).
const CHUNK: usize = 5_000;

/// Adds reads until the log holds `wanted`; how long it took.
pub fn fill(conn: &mut DbConn, wanted: usize) -> Result<Duration, String> {
    let started = Instant::now();
    let held = ticket_reads::count(conn).map_err(|e| e.to_string())? as usize;
    if held >= wanted {
        return Ok(Duration::ZERO);
    }
    let ticket_ids: Vec<i64> = tickets_table::table
        .select(tickets_table::id)
        .filter(tickets_table::territory_code.eq("GE"))
        .load(conn)
        .map_err(|e| e.to_string())?;
    let user_ids: Vec<i64> = users::table
        .select(users::id)
        .filter(users::territory_code.eq("GE"))
        .load(conn)
        .map_err(|e| e.to_string())?;
    if ticket_ids.is_empty() || user_ids.is_empty() {
        return Err("aucun ticket ou utilisateur du Grand Est à lire".into());
    }
    let mut rng = StdRng::seed_from_u64(2026);
    let missing = wanted - held;
    let year_ago = Utc::now().naive_utc() - Span::days(365);
    let step = Span::days(365).num_milliseconds() / missing as i64;
    let mut rows = Vec::with_capacity(CHUNK);
    for n in 0..missing {
        rows.push(NewTicketRead {
            read_at: year_ago + Span::milliseconds(step * n as i64),
            ticket_id: ticket_ids[rng.gen_range(0..ticket_ids.len())],
            territory_code: "GE".into(),
            user_id: Some(user_ids[rng.gen_range(0..user_ids.len())]),
            client_id: None,
            part: ReadPart::ALL[rng.gen_range(0..ReadPart::ALL.len())],
            attachment_id: None,
            channel: if rng.gen_bool(0.5) {
                Channel::Web
            } else {
                Channel::Api
            },
            client_address: Some(format!("10.0.{}.{}", rng.gen::<u8>(), rng.gen::<u8>())),
        });
        if rows.len() == CHUNK || n + 1 == missing {
            conn.write_transaction(|c| ticket_reads::insert_many(c, &rows))
                .map_err(|e| e.to_string())?;
            rows.clear();
        }
    }
    crate::db::backend_specific::analyze(conn).map_err(|e| e.to_string())?;
    Ok(started.elapsed())
}

/// The admins' queries: one ticket's reads, one person's (first and later pages), all.
pub fn time(conn: &mut DbConn, samples: usize) -> Result<Vec<Timing>, String> {
    let admin = demo_caller(conn, "admin.ge@demo.guichet.example")?;
    let agent = "guichet-agent.ge@demo.guichet.example".to_owned();
    let read_tickets: Vec<i64> = ticket_reads::list(conn, &Default::default(), samples as i64)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(r, _, _)| r.ticket_id)
        .collect();
    if read_tickets.is_empty() {
        // `--access-reads 0` on an empty log: nothing to time.
        return Ok(Vec::new());
    }
    let mut by_ticket = Vec::new();
    let references: Vec<String> = read_tickets
        .into_iter()
        .map(|id| {
            tickets::find(conn, id)
                .map_err(|e| e.to_string())?
                .map(|t| t.reference)
                .ok_or_else(|| format!("ticket {id} absent"))
        })
        .collect::<Result<_, _>>()?;
    let mut run = |query: AccessLogQuery| -> Result<(Duration, Option<String>), String> {
        let started = Instant::now();
        let answer = page(conn, &admin, &query).map_err(|e| e.to_string())?;
        Ok((started.elapsed(), answer.next_cursor))
    };
    let base = AccessLogQuery {
        limit: 50,
        ..Default::default()
    };
    for reference in references {
        by_ticket.push(
            run(AccessLogQuery {
                ticket: Some(reference),
                ..base.clone()
            })?
            .0,
        );
    }
    let mut by_person = Vec::new();
    let mut later = Vec::new();
    let mut everything = Vec::new();
    let person = AccessLogQuery {
        user: Some(agent),
        ..base.clone()
    };
    for _ in 0..samples {
        by_person.push(run(person.clone())?.0);
        everything.push(run(base.clone())?.0);
    }
    let mut next = person;
    for _ in 0..samples {
        let (took, cursor) = run(next.clone())?;
        later.push(took);
        match cursor {
            Some(cursor) => next.cursor = Some(cursor),
            None => break,
        }
    }
    Ok(vec![
        timing("accès : un ticket, 1re page", by_ticket),
        timing("accès : une personne, 1re page", by_person),
        timing("accès : une personne, pages suivantes", later),
        timing("accès : tout le territoire, 1re page", everything),
    ])
}
