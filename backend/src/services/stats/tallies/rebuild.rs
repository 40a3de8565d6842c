//! Counts the tallies again from the tickets and their clocks: for a database that had
//! tickets before the tallies existed, after the bench copied rows directly, or to repair.
//! Run inside one transaction by its caller, so that readers see the old tallies or the new.

use std::collections::HashMap;

use chrono_tz::Tz;

use super::{clock_cell, clock_rows, net, ticket_rows, TicketPart};
use crate::db::repo::{establishments, tallies, territories};
use crate::db::DbConn;
use crate::error::AppError;

/// Rows read at a time.
const PAGE: i64 = 20_000;

/// What a rebuild counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rebuilt {
    pub tickets: usize,
    pub clocks: usize,
}

/// Rebuilds, in one transaction, when there are tickets and no tally.
pub fn if_missing(conn: &mut DbConn) -> Result<Option<Rebuilt>, AppError> {
    if !tallies::missing(conn)? {
        return Ok(None);
    }
    conn.write_transaction(rebuild).map(Some)
}

pub fn rebuild(conn: &mut DbConn) -> Result<Rebuilt, AppError> {
    tallies::clear(conn)?;
    let zones: HashMap<String, Tz> = territories::list(conn)?
        .into_iter()
        .map(|t| (t.code.clone(), t.zone()))
        .collect();
    let zone = |territory: &str| {
        zones
            .get(territory)
            .copied()
            .unwrap_or(chrono_tz::Europe::Paris)
    };
    let kinds: HashMap<String, String> = establishments::kinds(conn)?.into_iter().collect();
    let mut counted = Rebuilt {
        tickets: 0,
        clocks: 0,
    };
    let mut cells = Vec::new();
    let mut after = 0;
    loop {
        let page = tallies::ticket_places(conn, after, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.0;
        counted.tickets += page.len();
        for (
            _,
            territory,
            uai,
            created_at,
            resolved_at,
            level,
            queue_id,
            category,
            vendor,
            status,
            reopens,
        ) in page
        {
            let part = TicketPart {
                created_at,
                resolved_at,
                level,
                queue_id,
                category_code: category,
                escalated: vendor.is_some(),
                cancelled: status == crate::domain::ticket_lifecycle::TicketStatus::Cancelled,
                reopened: reopens > 0,
            };
            let kind = kinds.get(&uai).map_or("", String::as_str);
            cells.extend(
                part.cells(&territory, zone(&territory), kind)
                    .into_iter()
                    .map(|c| (c, 1)),
            );
        }
        // Summed as it goes: a million tickets fit in the cells of their days.
        cells = net(cells);
    }
    tallies::add_tickets(conn, &ticket_rows(cells, true))?;

    let mut cells = Vec::new();
    let mut after = 0;
    loop {
        let page = tallies::counted_clocks(conn, after, PAGE)?;
        let Some((last, _)) = page.last() else { break };
        after = last.id;
        counted.clocks += page.len();
        cells.extend(
            page.iter()
                .filter_map(|(clock, territory)| clock_cell(clock, territory, zone(territory)))
                .map(|c| (c, 1)),
        );
        cells = net(cells);
    }
    tallies::add_clocks(conn, &clock_rows(cells, true))?;
    Ok(counted)
}
