//! The daily digest: the queue notices held for those who chose it become one message per
//! person listing the day's arrivals, in one transaction (the held rows are marked sent with
//! it, so that a crash gives neither a lost day nor a digest twice).

use std::collections::BTreeMap;

use serde_json::json;

use crate::db::models::{NewOutboxMessage, OutboxMessage};
use crate::db::repo::outbox;
use crate::db::text_columns::Json;
use crate::domain::notifications::{Notice, OutboxState};
use crate::error::AppError;
use crate::services::unit_of_work;
use crate::state::AppState;

/// Writes one digest per person with held notices; returns how many.
pub async fn compose(state: &AppState) -> Result<usize, AppError> {
    unit_of_work::write_anonymous(state, |tx| {
        let now = tx.now.naive_utc();
        let mut by_person: BTreeMap<String, Vec<OutboxMessage>> = BTreeMap::new();
        for row in outbox::held_for_digest(tx.conn)? {
            by_person
                .entry(row.recipient_email.clone())
                .or_default()
                .push(row);
        }
        let digests = by_person.len();
        for (email, rows) in by_person {
            let items: Vec<_> = rows
                .iter()
                .map(|row| {
                    let p = &row.payload.0;
                    json!({
                        "reference": p["reference"], "title": p["title"],
                        "establishment_name": p["establishment_name"],
                        "queue_name": p["queue_name"],
                    })
                })
                .collect();
            outbox::insert_many(
                tx.conn,
                &[NewOutboxMessage {
                    ticket_id: None,
                    event_id: None,
                    notice: Notice::QueueDigest,
                    recipient_user_id: rows[0].recipient_user_id,
                    recipient_email: email,
                    payload: Json(json!({ "reference": "", "items": items })),
                    state: OutboxState::Pending,
                    next_attempt_at: now,
                    created_at: now,
                }],
            )?;
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            outbox::mark_digested(tx.conn, &ids, now)?;
        }
        Ok(digests)
    })
    .await
}
