//! The breach deadline job: for each breach whose decision is awaited, the reminder due
//! (24 hours left, 6 hours left, the deadline passed), once, as a journal entry and a
//! message to the people acting for the controller. The record is a conditional update of
//! the breach's stage: of two instances, or two runs, one records and the other finds it
//! done; a run that comes late records only the latest reminder.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::notices;
use crate::db::models::NewBreachEvent;
use crate::db::repo::{breaches, territories};
use crate::db::text_columns::Json;
use crate::db::DbConn;
use crate::domain::breach::DeadlineAlert;
use crate::domain::french;
use crate::domain::notifications::Notice;
use crate::error::AppError;
use crate::services::unit_of_work;
use crate::state::AppState;

/// How many reminders one transaction records at most.
const BATCH: i64 = 100;

/// Records the reminders due at the app's clock; how many.
pub async fn record_due(state: &AppState) -> Result<usize, AppError> {
    let mut total = 0;
    loop {
        let recorded = unit_of_work::write_anonymous(state, |tx| {
            let mut done = 0;
            // The latest reminder first: a breach it claims is past the earlier ones.
            for alert in DeadlineAlert::ALL.iter().rev().copied() {
                // Due when the deadline is at most this far ahead.
                let before = (tx.now + alert.ahead()).naive_utc();
                for breach in breaches::awaiting_alert(tx.conn, alert.stage(), before, BATCH)? {
                    if remind(tx.conn, breach.id, alert, tx.now, tx.notifies())? {
                        done += 1;
                    }
                }
            }
            Ok(done)
        })
        .await?;
        total += recorded;
        if recorded == 0 {
            return Ok(total);
        }
    }
}

/// Records `alert` for one breach unless it or a later one is; `true` if this call did.
fn remind(
    conn: &mut DbConn,
    id: i64,
    alert: DeadlineAlert,
    now: DateTime<Utc>,
    notifies: bool,
) -> Result<bool, AppError> {
    if breaches::claim_alert(conn, id, alert.stage())? == 0 {
        return Ok(false);
    }
    let breach = breaches::find(conn, id)?
        .ok_or_else(|| AppError::Internal(format!("breach {id} vanished")))?;
    let zone = territories::zone(conn, &breach.territory_code)?;
    let sentence = alert.sentence(&french::date_time(breach.deadline_at.and_utc(), zone));
    breaches::insert_event(
        conn,
        &NewBreachEvent {
            breach_id: id,
            kind: format!("deadline_{alert}"),
            actor_user_id: None,
            actor_label: "guichet".to_owned(),
            body: sentence.clone(),
            data: Json(json!({ "alert": alert })),
            occurred_at: now.naive_utc(),
        },
    )?;
    if notifies {
        let title = match alert {
            DeadlineAlert::DayLeft => "24 heures pour notifier",
            DeadlineAlert::SixHoursLeft => "6 heures pour notifier",
            DeadlineAlert::Overdue => "Délai de notification dépassé",
        };
        let payload = notices::payload(
            conn,
            &breach,
            json!({ "alert": title, "sentence": sentence }),
        )?;
        notices::to_controller(conn, now, &breach, Notice::BreachDeadline, &payload)?;
    }
    Ok(true)
}
