//! The service-level job: records each clock's warning (at its share of the target) and its
//! breach (at the target), once per clock, as an internal journal event of its ticket and a
//! notice to the organisation whose time it measures. The record is a conditional update of
//! the clock: of two instances on one database, or two runs, one records and the other finds
//! it done.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::clocks::mark;
use crate::db::models::{ServiceLevelClock, Ticket};
use crate::db::repo::{organisations, queues, service_level_clocks, ticket_hops, tickets};
use crate::db::DbConn;
use crate::domain::service_level_policy::ClockKind;
use crate::error::AppError;
use crate::services::notifications::outbox;
use crate::services::tickets::journal::{record, Author, Entry};
use crate::services::unit_of_work;
use crate::state::AppState;

/// How many alerts one transaction records at most.
const BATCH: i64 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alert {
    Warning,
    Breach,
}

impl Alert {
    fn kind(self) -> &'static str {
        match self {
            Alert::Warning => "service_level_warning",
            Alert::Breach => "service_level_breach",
        }
    }
}

/// What one run recorded.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub warnings: usize,
    pub breaches: usize,
}

/// Records the warnings and breaches due at the app's clock.
pub async fn record_due(state: &AppState) -> Result<Recorded, AppError> {
    let mut total = Recorded::default();
    loop {
        let batch = unit_of_work::write_anonymous(state, |tx| {
            let now = tx.now;
            let mut done = Recorded::default();
            for id in service_level_clocks::warnings_due(tx.conn, now.naive_utc(), BATCH)? {
                if alert(tx.conn, id, Alert::Warning, now)? {
                    done.warnings += 1;
                }
            }
            for id in service_level_clocks::breaches_due(tx.conn, now.naive_utc(), BATCH)? {
                if alert(tx.conn, id, Alert::Breach, now)? {
                    done.breaches += 1;
                }
            }
            Ok(done)
        })
        .await?;
        total.warnings += batch.warnings;
        total.breaches += batch.breaches;
        if batch.warnings + batch.breaches == 0 {
            return Ok(total);
        }
    }
}

/// Records one alert of one clock if nobody did; `true` if this call did.
fn alert(
    conn: &mut DbConn,
    clock_id: i64,
    alert: Alert,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let claimed = match alert {
        Alert::Warning => service_level_clocks::record_warning(conn, clock_id, now.naive_utc())?,
        Alert::Breach => service_level_clocks::record_breach(conn, clock_id, now.naive_utc())?,
    };
    if claimed == 0 {
        return Ok(false);
    }
    let clock = service_level_clocks::find(conn, clock_id)?
        .ok_or_else(|| AppError::Internal(format!("clock {clock_id} vanished")))?;
    let mut ticket = tickets::find(conn, clock.ticket_id)?
        .ok_or_else(|| AppError::Internal(format!("ticket {} missing", clock.ticket_id)))?;
    let (queue, text) = describe(conn, &ticket, &clock, alert)?;
    let entry = Entry::internal(
        alert.kind(),
        json!({
            "clock": if clock.hop_id.is_some() { "stay" } else { "ticket" },
            "kind": clock.kind,
            "queue": queue,
            "target_minutes": clock.target_minutes,
            "due_at": clock.due_at.map(|t| t.and_utc()),
        }),
    )
    .with_body(&text);
    let event = record(conn, ticket.id, &Author::system(), entry, now)?;
    let clocks = service_level_clocks::of_ticket(conn, ticket.id)?;
    mark(conn, &mut ticket, &clocks)?;
    outbox::enqueue(conn, &ticket, std::slice::from_ref(&event), now)?;
    Ok(true)
}

/// The queue whose organisation is told (the stay's, or the owner's for the ticket's own
/// clock) and the sentence the journal and the message carry.
fn describe(
    conn: &mut DbConn,
    ticket: &Ticket,
    clock: &ServiceLevelClock,
    alert: Alert,
) -> Result<(String, String), AppError> {
    let queue_id = match clock.hop_id {
        Some(hop) => ticket_hops::list(conn, ticket.id)?
            .into_iter()
            .find(|h| h.id == hop)
            .map_or(ticket.current_queue_id, |h| h.to_queue_id),
        None => ticket.owner_queue_id,
    };
    let queue = queues::find(conn, queue_id)?
        .ok_or_else(|| AppError::Internal(format!("queue {queue_id} missing")))?;
    let organisation = organisations::find(conn, clock.organisation_id)?
        .map(|o| o.name)
        .unwrap_or_default();
    let what = match clock.kind {
        ClockKind::Response => "de première réponse",
        ClockKind::Resolution => "de résolution",
    };
    let whose = match clock.hop_id {
        Some(_) => format!("de {organisation} sur son passage"),
        None => "du ticket".to_owned(),
    };
    let due = clock
        .due_at
        .map(|t| {
            t.and_utc()
                .with_timezone(&chrono_tz::Europe::Paris)
                .format("%d/%m/%Y à %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| "—".to_owned());
    let text = match alert {
        Alert::Warning => format!(
            "Le délai {what} {whose} (P{}, {} minutes ouvrées) atteint {} % : échéance le {due}.",
            ticket.priority, clock.target_minutes, clock.warning_percent
        ),
        Alert::Breach => format!(
            "Le délai {what} {whose} (P{}, {} minutes ouvrées) est dépassé depuis le {due}.",
            ticket.priority, clock.target_minutes
        ),
    };
    Ok((queue.code, text))
}
