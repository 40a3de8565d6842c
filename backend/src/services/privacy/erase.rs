//! `privacy erase`: forgets a person (GDPR art. 17) and leaves the tickets and figures
//! coherent. The account keeps its id, so that the tickets the person opened keep a
//! requester, now anonymous, and the figures count them as before; everything that named the
//! person goes: their email and name wherever a text holds them (journals included, under an
//! anonymisation permit), their files, sessions, credentials, preferences and messages.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::scrub::{self, Found};
use crate::db::models::User;
use crate::db::repo::attachments::Attachment;
use crate::db::repo::personal_data;
use crate::db::DbConn;
use crate::error::AppError;
use crate::services::audit::{self, Actor, Event, Outcome};
use crate::services::notifications::mailer::mail_copies_dir;

/// What stands where a name or an email was.
pub const ERASED: &str = "[personne effacée]";
/// A name shorter than this is not looked for in free text (it would match inside words).
const SHORTEST_NAME: usize = 4;

/// What an erasure did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErasureReport {
    pub user_id: i64,
    /// Text values where the person's email or name was replaced.
    pub texts_rewritten: usize,
    /// Grants, tokens, sessions, preferences, cached answers and messages deleted.
    pub rows_deleted: usize,
    /// Files the person uploaded, deleted with their rows.
    pub files_deleted: usize,
    /// `.eml` copies of sent messages rewritten.
    pub mail_files_rewritten: usize,
}

/// Where the person's traces are, looked for before the erasure's transaction (a read:
/// scanning large tables must not hold SQLite's write lock).
#[derive(Debug, Clone)]
pub struct Plan {
    needles: Vec<String>,
    found: Vec<Found>,
}

/// What names the person: their email, their name, the names of the files they uploaded.
fn needles(user: &User, uploads: &[Attachment]) -> Vec<String> {
    let name = user.display_name.trim();
    let mut needles = vec![user.email.clone()];
    // A file's name often names its author (« note-camille-rousseau.txt »): the journal's
    // mentions of the person's uploads go with them.
    let others = std::iter::once(name).chain(uploads.iter().map(|u| u.filename.as_str()));
    for other in others {
        let owned = other.to_owned();
        if other.chars().count() >= SHORTEST_NAME && !needles.contains(&owned) {
            needles.push(owned);
        }
    }
    needles
}

pub fn plan(conn: &mut DbConn, user: &User) -> Result<Plan, AppError> {
    let uploads = personal_data::uploads_of(conn, &user.email)?;
    let needles = needles(user, &uploads);
    let found = scrub::find(conn, &needles)?;
    Ok(Plan { needles, found })
}

/// Erases `user` inside the caller's transaction, where `plan` found its traces (and in the
/// rows written since); `actor` is recorded in the audit log.
pub fn erase(
    conn: &mut DbConn,
    data_dir: &Path,
    user: &User,
    plan: &Plan,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<ErasureReport, AppError> {
    let email = user.email.clone();
    personal_data::take_permit(conn, &format!("erasure of user {}", user.id))?;
    let uploads = personal_data::uploads_of(conn, &email)?;
    let needles = needles(user, &uploads);
    let mut rows_deleted = personal_data::forget_belongings(conn, user.id, &email)?;
    let ids: Vec<i64> = uploads.iter().map(|a| a.id).collect();
    rows_deleted += personal_data::delete_attachments(conn, &ids)?;
    let mut texts_rewritten = scrub::rewrite(conn, &plan.found, &plan.needles, ERASED)?;
    // A file uploaded since the plan: its name is looked for now.
    let late: Vec<String> = needles
        .iter()
        .filter(|n| !plan.needles.contains(n))
        .cloned()
        .collect();
    let late_found = scrub::find(conn, &late)?;
    texts_rewritten += scrub::rewrite(conn, &late_found, &late, ERASED)?;
    // The titles just rewritten get their search key again.
    for f in plan.found.iter().chain(&late_found) {
        if (f.table, f.column) == ("tickets", "title") {
            personal_data::refresh_title_keys(conn, &f.ids, f.seen_up_to)?;
        }
    }
    personal_data::anonymise_user(
        conn,
        user.id,
        &format!("personne-effacee-{}@anonyme.invalid", user.id),
        "Personne effacée",
        now.naive_utc(),
    )?;
    personal_data::give_back_permit(conn)?;
    // The database is rewritten; the files go last, so that a failure above leaves them.
    let mut files_deleted = 0;
    for upload in &uploads {
        match std::fs::remove_file(data_dir.join(&upload.storage_path)) {
            Ok(()) => files_deleted += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(AppError::storage("effacement d'une pièce jointe", &e)),
        }
    }
    let mail_files_rewritten = rewrite_mail_copies(&mail_copies_dir(data_dir), &needles)?;
    let report = ErasureReport {
        user_id: user.id,
        texts_rewritten,
        rows_deleted,
        files_deleted,
        mail_files_rewritten,
    };
    audit::record(
        conn,
        Event::new("privacy_erase", Outcome::Success, actor)
            .territory(user.territory_code.as_deref())
            .target(format!("user:{}", user.id))
            .detail(json!(report)),
        now,
    )?;
    Ok(report)
}

/// Rewrites the `.eml` copies (no SMTP server configured) that hold a needle.
fn rewrite_mail_copies(dir: &Path, needles: &[String]) -> Result<usize, AppError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(0);
    };
    let mut rewritten = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if !needles.iter().any(|n| text.contains(n.as_str())) {
            continue;
        }
        let clean = needles
            .iter()
            .fold(text, |t, n| t.replace(n.as_str(), ERASED));
        std::fs::write(&path, clean).map_err(|e| AppError::storage("copie d'un message", &e))?;
        rewritten += 1;
    }
    Ok(rewritten)
}
