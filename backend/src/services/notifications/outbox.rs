//! From the journal events of one write to its outbox rows, in that write's transaction: a
//! change that rolls back leaves no message, a change that commits leaves all of them.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::db::models::{NewOutboxMessage, Ticket, TicketEvent, User};
use crate::db::repo::{
    establishments, notification_preferences, organisations, outbox, queues, recipients, tickets,
    users,
};
use crate::db::text_columns::Json;
use crate::db::DbConn;
use crate::domain::journal::Visibility;
use crate::domain::notifications::{plan, Announced, Audience, Notice, OutboxState};
use crate::domain::reference_kinds::OrganisationKind;
use crate::error::AppError;
use crate::services::tickets::protection;

/// The people of an audience, now.
fn people(conn: &mut DbConn, ticket: &Ticket, audience: &Audience) -> Result<Vec<User>, AppError> {
    let organisation_of_queue = |conn: &mut DbConn, id: i64| -> Result<Option<i64>, AppError> {
        Ok(queues::find(conn, id)?.map(|q| q.organisation_id))
    };
    let organisation = match audience {
        Audience::Requester => {
            return Ok(users::find(conn, ticket.requester_id)?
                .filter(|u| u.active)
                .into_iter()
                .collect())
        }
        Audience::LinkedSchools => {
            let mut uais = vec![ticket.establishment_uai.clone()];
            uais.extend(
                tickets::children(conn, ticket.id)?
                    .into_iter()
                    .map(|child| child.establishment_uai),
            );
            return Ok(recipients::correspondents_of(conn, &uais)?);
        }
        Audience::QueueOrganisation(code) => {
            queues::find_by_code(conn, code)?.map(|q| q.organisation_id)
        }
        Audience::OwnerAuthority => organisation_of_queue(conn, ticket.owner_queue_id)?,
        Audience::HandlingOrganisation => organisation_of_queue(conn, ticket.current_queue_id)?,
    };
    match organisation {
        Some(id) => Ok(recipients::agents_of(conn, id)?),
        None => Ok(Vec::new()),
    }
}

/// Whether the audience is a vendor's agents.
fn reaches_vendor(
    conn: &mut DbConn,
    ticket: &Ticket,
    audience: &Audience,
) -> Result<bool, AppError> {
    let queue = match audience {
        Audience::QueueOrganisation(code) => queues::find_by_code(conn, code)?,
        Audience::HandlingOrganisation => queues::find(conn, ticket.current_queue_id)?,
        _ => None,
    };
    let Some(queue) = queue else {
        return Ok(false);
    };
    Ok(organisations::find(conn, queue.organisation_id)?
        .is_some_and(|o| o.kind == OrganisationKind::Vendor))
}

/// What a message about `event` says, as things are now: the templates render it later.
fn payload(
    conn: &mut DbConn,
    ticket: &Ticket,
    event: &TicketEvent,
    body: Option<&str>,
) -> Result<serde_json::Value, AppError> {
    let school = establishments::find(conn, &ticket.establishment_uai)?
        .map(|(establishment, _, _)| establishment.name)
        .unwrap_or_default();
    let queue = queues::find(conn, ticket.current_queue_id)?;
    Ok(json!({
        "reference": ticket.reference,
        "title": ticket.title,
        "establishment": ticket.establishment_uai,
        "establishment_name": school,
        "status": ticket.status,
        "level": ticket.level,
        "queue": queue.as_ref().map(|q| &q.code),
        "queue_name": queue.as_ref().map(|q| &q.name),
        "event": event.kind,
        "body": body,
        "actor": event.actor_label,
        "occurred_at": event.occurred_at,
        "resolved_at": ticket.resolved_at,
    }))
}

/// Writes the outbox rows of `events`, the journal events one write made on `ticket` (its
/// state after the write). Nobody is told of their own action, but for the mandatory
/// acknowledgement and resolution; a write sends each person one message, about what matters
/// most to them (the planner's order).
pub fn enqueue(
    conn: &mut DbConn,
    ticket: &Ticket,
    events: &[TicketEvent],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let announced: Vec<Announced> = events
        .iter()
        .map(|event| Announced {
            kind: &event.kind,
            visibility: event.visibility,
            data: &event.data.0,
            by_requester: event.actor_user_id == Some(ticket.requester_id),
        })
        .collect();
    let mut rows = Vec::new();
    let mut told: BTreeSet<String> = BTreeSet::new();
    // A status change says nothing itself: the message carries the words written with it
    // (the question of a wait, the comment of a resolution), public ones only for schools.
    let written = |public_only: bool| {
        events
            .iter()
            .filter(|e| !public_only || e.visibility == Visibility::Public)
            .find_map(|e| e.body.as_deref())
    };
    for (index, notice, audience) in plan(&announced, ticket.is_major) {
        let event = &events[index];
        let for_school = matches!(audience, Audience::Requester | Audience::LinkedSchools);
        let body = event.body.as_deref().or_else(|| written(for_school));
        let mut payload = payload(conn, ticket, event, body)?;
        // The vendor's agents read the ticket's texts masked, in messages as on the API.
        if reaches_vendor(conn, ticket, &audience)? {
            protection::mask_json(&mut payload);
        }
        let people = people(conn, ticket, &audience)?;
        let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
        let choices = notification_preferences::of_users(conn, &ids)?;
        for person in people {
            let own_action = event.actor_user_id == Some(person.id);
            if own_action && !notice.is_mandatory() {
                continue;
            }
            let chosen = choices.get(&person.id);
            if chosen.as_ref().is_some_and(|p| p.mutes(notice)) {
                continue;
            }
            // Queue notices wait for the daily digest of those who chose it.
            let state = match chosen {
                Some(p) if p.queue_digest && notice == Notice::QueueArrival => OutboxState::Digest,
                _ => OutboxState::Pending,
            };
            // Belt and braces: an internal event's text never leaves for a school.
            debug_assert!(
                event.visibility == Visibility::Public
                    || !matches!(audience, Audience::Requester | Audience::LinkedSchools)
            );
            if !told.insert(person.email.clone()) {
                continue;
            }
            rows.push(NewOutboxMessage {
                ticket_id: Some(ticket.id),
                event_id: Some(event.id),
                notice,
                recipient_user_id: Some(person.id),
                recipient_email: person.email,
                payload: Json(payload.clone()),
                state,
                next_attempt_at: now.naive_utc(),
                created_at: now.naive_utc(),
            });
        }
    }
    outbox::insert_many(conn, &rows)?;
    Ok(())
}

/// One message of `notice`, not about a ticket's write, to each of `people` who has not
/// muted it, saying `payload` (a review, figures, a breach).
pub fn announce(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    people: &[User],
    notice: Notice,
    payload: &serde_json::Value,
) -> Result<(), AppError> {
    let mut rows = Vec::new();
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let choices = notification_preferences::of_users(conn, &ids)?;
    for person in people {
        let muted = choices.get(&person.id).is_some_and(|p| p.mutes(notice));
        if !muted {
            rows.push(message(
                now,
                Some(person.id),
                &person.email,
                notice,
                payload,
            ));
        }
    }
    outbox::insert_many(conn, &rows)?;
    Ok(())
}

/// One message of `notice` to an address that is nobody's account (a DPD's mailbox).
pub fn announce_to_address(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    email: &str,
    notice: Notice,
    payload: &serde_json::Value,
) -> Result<(), AppError> {
    outbox::insert_many(conn, &[message(now, None, email, notice, payload)])?;
    Ok(())
}

fn message(
    now: DateTime<Utc>,
    user_id: Option<i64>,
    email: &str,
    notice: Notice,
    payload: &serde_json::Value,
) -> NewOutboxMessage {
    NewOutboxMessage {
        ticket_id: None,
        event_id: None,
        notice,
        recipient_user_id: user_id,
        recipient_email: email.to_owned(),
        payload: Json(payload.clone()),
        state: OutboxState::Pending,
        next_attempt_at: now.naive_utc(),
        created_at: now.naive_utc(),
    }
}
