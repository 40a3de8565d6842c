//! `privacy export`: everything the desk holds about one person, as JSON (GDPR art. 15 and
//! 20): their account and roles, the tickets they opened, what they wrote in journals, the
//! files they uploaded, the messages sent to them, what they read, and their security events.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::db::models::User;
use crate::db::repo::{personal_data, role_grants, tickets};
use crate::db::DbConn;
use crate::error::AppError;
use crate::services::audit::{self, Actor, Event, Outcome};

/// The latest reads listed one by one (the count covers them all).
const READS_LISTED: i64 = 1_000;

fn at(t: chrono::NaiveDateTime) -> String {
    t.and_utc().to_rfc3339()
}

/// The export of `user`, recorded in the audit log as done by `actor`.
pub fn export(
    conn: &mut DbConn,
    user: &User,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<Value, AppError> {
    let grants: Vec<Value> = role_grants::list_for_user(conn, user.id)?
        .into_iter()
        .map(|g| {
            json!({ "role": g.role, "establishment": g.establishment_uai,
                    "organisation_id": g.organisation_id, "territory": g.territory_code,
                    "granted_at": at(g.granted_at) })
        })
        .collect();
    let opened: Vec<Value> = personal_data::tickets_requested(conn, user.id)?
        .into_iter()
        .map(|(reference, uai, title, description, status, created)| {
            json!({ "reference": reference, "establishment": uai, "title": title,
                    "description": description, "status": status, "created_at": at(created) })
        })
        .collect();
    let written: Vec<Value> = personal_data::entries_written(conn, user.id)?
        .into_iter()
        .map(|(reference, when, kind, body)| {
            json!({ "ticket": reference, "occurred_at": at(when), "kind": kind, "body": body })
        })
        .collect();
    let mut uploads = Vec::new();
    for a in personal_data::uploads_of(conn, &user.email)? {
        let ticket = tickets::find(conn, a.ticket_id)?.map(|t| t.reference);
        uploads.push(json!({ "ticket": ticket, "filename": a.filename,
                             "content_type": a.content_type, "size_bytes": a.size_bytes,
                             "created_at": at(a.created_at) }));
    }
    let messages: Vec<Value> = personal_data::messages_to(conn, user.id, &user.email)?
        .into_iter()
        .map(|(notice, created, state, sent)| {
            json!({ "notice": notice, "created_at": at(created), "state": state,
                    "sent_at": sent.map(at) })
        })
        .collect();
    let (read_count, reads) = personal_data::reads_by(conn, user.id, READS_LISTED)?;
    let reads: Vec<Value> = reads
        .into_iter()
        .map(|(reference, part, when, address)| {
            json!({ "ticket": reference, "part": part, "read_at": at(when),
                    "client_address": address })
        })
        .collect();
    let security: Vec<Value> = personal_data::security_events(conn, user.id)?
        .into_iter()
        .map(|(action, outcome, when, address)| {
            json!({ "action": action, "outcome": outcome, "occurred_at": at(when),
                    "client_address": address })
        })
        .collect();
    audit::record(
        conn,
        Event::new("privacy_export", Outcome::Success, actor)
            .territory(user.territory_code.as_deref())
            .target(format!("user:{}", user.id)),
        now,
    )?;
    Ok(json!({
        "exported_at": now.to_rfc3339(),
        "account": { "id": user.id, "email": user.email, "display_name": user.display_name,
                     "territory": user.territory_code, "active": user.active,
                     "created_at": at(user.created_at) },
        "roles": grants,
        "tickets_opened": opened,
        "journal_entries": written,
        "attachments": uploads,
        "messages": messages,
        "reads": { "count": read_count, "latest": reads },
        "security_events": security,
    }))
}
