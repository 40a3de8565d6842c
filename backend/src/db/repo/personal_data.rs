//! What erasing a person touches beyond the text columns: their account, their sessions and
//! credentials, their own messages and uploads, and the permit that lets the journals' text
//! be rewritten.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::repo::attachments::Attachment;
use crate::db::schema::{
    anonymisation_permits, attachments, idempotency_keys, login_attempts, notification_preferences,
    outbox, refresh_tokens, role_grants, tickets, users, web_sessions,
};
use crate::db::DbConn;
use crate::domain::search_key::search_key;

/// Lets this transaction rewrite the journals' text (see the migration `erasure`).
pub fn take_permit(conn: &mut DbConn, reason: &str) -> QueryResult<()> {
    diesel::insert_into(anonymisation_permits::table)
        .values((
            anonymisation_permits::id.eq(1),
            anonymisation_permits::reason.eq(reason),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn give_back_permit(conn: &mut DbConn) -> QueryResult<()> {
    diesel::delete(anonymisation_permits::table)
        .execute(conn)
        .map(|_| ())
}

/// The account keeps its id (tickets, journals and the access log point to it) and loses
/// everything that named or let in the person.
pub fn anonymise_user(
    conn: &mut DbConn,
    id: i64,
    email: &str,
    display_name: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::email.eq(email),
            users::display_name.eq(display_name),
            users::password_hash.eq(None::<String>),
            users::active.eq(false),
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Deletes the person's grants, tokens, sessions, preferences, cached answers, login
/// counters and the messages addressed to them; how many rows went.
pub fn forget_belongings(conn: &mut DbConn, id: i64, email: &str) -> QueryResult<usize> {
    let mut gone = 0;
    gone += diesel::delete(role_grants::table.filter(role_grants::user_id.eq(id))).execute(conn)?;
    gone += diesel::delete(refresh_tokens::table.filter(refresh_tokens::user_id.eq(id)))
        .execute(conn)?;
    gone +=
        diesel::delete(web_sessions::table.filter(web_sessions::user_id.eq(id))).execute(conn)?;
    gone += diesel::delete(
        notification_preferences::table.filter(notification_preferences::user_id.eq(id)),
    )
    .execute(conn)?;
    gone += diesel::delete(
        idempotency_keys::table.filter(idempotency_keys::owner.eq(format!("user:{id}"))),
    )
    .execute(conn)?;
    gone += diesel::delete(
        login_attempts::table.filter(login_attempts::bucket.eq(format!("account:{email}"))),
    )
    .execute(conn)?;
    gone += diesel::delete(
        outbox::table.filter(
            outbox::recipient_user_id
                .eq(id)
                .or(outbox::recipient_email.eq(email)),
        ),
    )
    .execute(conn)?;
    Ok(gone)
}

/// The files the person uploaded (their label is the uploader's email).
pub fn uploads_of(conn: &mut DbConn, email: &str) -> QueryResult<Vec<Attachment>> {
    attachments::table
        .filter(attachments::uploaded_by_label.eq(email))
        .select(Attachment::as_select())
        .load(conn)
}

pub fn delete_attachments(conn: &mut DbConn, ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(attachments::table.filter(attachments::id.eq_any(ids))).execute(conn)
}

/// Recomputes the search key of the tickets `ids` and of those created after `after` (their
/// title may just have been rewritten).
pub fn refresh_title_keys(conn: &mut DbConn, ids: &[i64], after: i64) -> QueryResult<usize> {
    let rewritten: Vec<(i64, String)> = tickets::table
        .filter(tickets::id.eq_any(ids).or(tickets::id.gt(after)))
        .select((tickets::id, tickets::title))
        .load(conn)?;
    for (id, title) in &rewritten {
        diesel::update(tickets::table.find(id))
            .set(tickets::title_search.eq(search_key(title)))
            .execute(conn)?;
    }
    Ok(rewritten.len())
}

/// The tickets a person opened: reference, establishment, title, description, status,
/// opened at.
pub type RequestedTicket = (String, String, String, String, String, NaiveDateTime);

pub fn tickets_requested(conn: &mut DbConn, id: i64) -> QueryResult<Vec<RequestedTicket>> {
    tickets::table
        .filter(tickets::requester_id.eq(id))
        .order(tickets::id)
        .select((
            tickets::reference,
            tickets::establishment_uai,
            tickets::title,
            tickets::description,
            tickets::status,
            tickets::created_at,
        ))
        .load(conn)
}

/// The journal entries a person wrote: ticket, when, kind, text.
pub type WrittenEntry = (String, NaiveDateTime, String, Option<String>);

pub fn entries_written(conn: &mut DbConn, id: i64) -> QueryResult<Vec<WrittenEntry>> {
    use crate::db::schema::ticket_events;
    ticket_events::table
        .inner_join(tickets::table)
        .filter(ticket_events::actor_user_id.eq(id))
        .order(ticket_events::id)
        .select((
            tickets::reference,
            ticket_events::occurred_at,
            ticket_events::kind,
            ticket_events::body,
        ))
        .load(conn)
}

/// The messages addressed to a person: notice, written at, state, sent at.
pub type Message = (String, NaiveDateTime, String, Option<NaiveDateTime>);

pub fn messages_to(conn: &mut DbConn, id: i64, email: &str) -> QueryResult<Vec<Message>> {
    outbox::table
        .filter(
            outbox::recipient_user_id
                .eq(id)
                .or(outbox::recipient_email.eq(email)),
        )
        .order(outbox::id)
        .select((
            outbox::notice,
            outbox::created_at,
            outbox::state,
            outbox::sent_at,
        ))
        .load(conn)
}

/// The security events a person caused: action, outcome, when, from where.
pub type Security = (String, String, NaiveDateTime, Option<String>);

pub fn security_events(conn: &mut DbConn, id: i64) -> QueryResult<Vec<Security>> {
    use crate::db::schema::audit_events;
    audit_events::table
        .filter(audit_events::actor_user_id.eq(id))
        .order(audit_events::id)
        .select((
            audit_events::action,
            audit_events::outcome,
            audit_events::occurred_at,
            audit_events::client_address,
        ))
        .load(conn)
}

/// The tickets a person read: ticket, part, when, from where (newest first, `limit` at most),
/// and how many reads the log holds in all.
pub type Read = (String, String, NaiveDateTime, Option<String>);

pub fn reads_by(conn: &mut DbConn, id: i64, limit: i64) -> QueryResult<(i64, Vec<Read>)> {
    use crate::db::schema::ticket_reads;
    let all = ticket_reads::table
        .filter(ticket_reads::user_id.eq(id))
        .count()
        .get_result(conn)?;
    let latest = ticket_reads::table
        .inner_join(tickets::table)
        .filter(ticket_reads::user_id.eq(id))
        .order(ticket_reads::id.desc())
        .limit(limit)
        .select((
            tickets::reference,
            ticket_reads::part,
            ticket_reads::read_at,
            ticket_reads::client_address,
        ))
        .load(conn)?;
    Ok((all, latest))
}

/// Closed or cancelled tickets, not yet anonymised, last changed before `cutoff` (oldest
/// first, `limit` at most).
pub fn due_for_anonymisation(
    conn: &mut DbConn,
    cutoff: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    tickets::table
        .filter(tickets::anonymised_at.is_null())
        .filter(tickets::status.eq_any(["closed", "cancelled"]))
        .filter(tickets::updated_at.lt(cutoff))
        .order(tickets::updated_at)
        .limit(limit)
        .select(tickets::id)
        .load(conn)
}

/// The ticket's text replaced by `text`, its requester by `requester`, its technical file
/// emptied; its figures' columns (dates, category, school, levels, statuses) untouched.
pub fn anonymise_ticket(
    conn: &mut DbConn,
    id: i64,
    requester: i64,
    text: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(tickets::table.find(id))
        .set((
            tickets::requester_id.eq(requester),
            tickets::title.eq(text),
            tickets::title_search.eq(search_key(text)),
            tickets::description.eq(text),
            tickets::technical_file.eq("{}"),
            tickets::anonymised_at.eq(now),
        ))
        .execute(conn)?;
    diesel::update(
        tickets::table
            .find(id)
            .filter(tickets::resolution.is_not_null()),
    )
    .set(tickets::resolution.eq(text))
    .execute(conn)
}

/// The journal of a ticket: bodies replaced by `text`, people's labels too (organisations'
/// and the system's stay), and `data` passed through `clean`.
pub fn anonymise_journal(
    conn: &mut DbConn,
    ticket_id: i64,
    text: &str,
    clean: impl Fn(&str) -> String,
) -> QueryResult<usize> {
    use crate::db::schema::ticket_events;
    diesel::update(
        ticket_events::table
            .filter(ticket_events::ticket_id.eq(ticket_id))
            .filter(ticket_events::body.is_not_null()),
    )
    .set(ticket_events::body.eq(text))
    .execute(conn)?;
    diesel::update(
        ticket_events::table
            .filter(ticket_events::ticket_id.eq(ticket_id))
            .filter(ticket_events::actor_user_id.is_not_null()),
    )
    .set(ticket_events::actor_label.eq(text))
    .execute(conn)?;
    let data: Vec<(i64, String)> = ticket_events::table
        .filter(ticket_events::ticket_id.eq(ticket_id))
        .select((ticket_events::id, ticket_events::data))
        .load(conn)?;
    let mut changed = 0;
    for (id, value) in data {
        let cleaned = clean(&value);
        if cleaned != value {
            changed += diesel::update(ticket_events::table.find(id))
                .set(ticket_events::data.eq(cleaned))
                .execute(conn)?;
        }
    }
    Ok(changed)
}

/// Deletes the ticket's messages already sent or given up (their payload quotes it).
pub fn forget_ticket_messages(conn: &mut DbConn, ticket_id: i64) -> QueryResult<usize> {
    diesel::delete(
        outbox::table
            .filter(outbox::ticket_id.eq(ticket_id))
            .filter(outbox::state.ne("pending")),
    )
    .execute(conn)
}

/// The account that stands as the requester of anonymised tickets (made at first use).
pub fn anonymous_requester(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<i64> {
    const EMAIL: &str = "anonyme@anonyme.invalid";
    if let Some(user) = crate::db::repo::users::find_by_email(conn, EMAIL)? {
        return Ok(user.id);
    }
    let row = crate::db::models::NewUser {
        email: EMAIL.into(),
        display_name: "Demandeur anonymisé".into(),
        password_hash: None,
        active: false,
        token_version: 0,
        territory_code: None,
        created_at: now,
        updated_at: now,
    };
    Ok(crate::db::repo::users::insert(conn, &row)?.id)
}
