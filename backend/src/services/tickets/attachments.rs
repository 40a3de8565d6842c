//! Attachments of tickets and comments: kept under the data directory, typed by their
//! content (not by what the client says), given only to callers who may see the ticket (and
//! the comment they hang on).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use diesel::Connection;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::access::{visible_ticket, Access};
use super::journal::{record_by, Entry, Visibility};
use crate::auth::secrets;
use crate::db::repo::attachments::{self, Attachment, NewAttachment};
use crate::db::repo::ticket_events;
use crate::db::DbConn;
use crate::error::AppError;
use crate::services::caller::Caller;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: i64,
    pub filename: String,
    /// Sniffed from the content.
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// The comment (journal event id) it belongs to, if any.
    pub comment: Option<i64>,
    pub uploaded_by: String,
    pub created_at: DateTime<Utc>,
}

fn view(a: Attachment) -> AttachmentView {
    AttachmentView {
        id: a.id,
        filename: a.filename,
        content_type: a.content_type,
        size_bytes: a.size_bytes,
        sha256: a.sha256,
        comment: a.event_id,
        uploaded_by: a.uploaded_by_label,
        created_at: a.created_at.and_utc(),
    }
}

/// The last path component, without control characters; 1 to 200 characters.
pub fn clean_filename(raw: &str) -> Result<String, AppError> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() || cleaned.chars().count() > 200 {
        return Err(AppError::invalid_field(
            "filename",
            "invalid_filename",
            "nom de fichier de 1 à 200 caractères",
        ));
    }
    Ok(cleaned)
}

/// The media type the bytes show, whatever the name or the client says.
pub fn sniff(bytes: &[u8]) -> String {
    match infer::get(bytes) {
        Some(kind) => kind.mime_type().to_owned(),
        None if std::str::from_utf8(bytes).is_ok() => "text/plain; charset=utf-8".to_owned(),
        None => "application/octet-stream".to_owned(),
    }
}

/// Who may see what an attachment hangs on.
fn visible(conn: &mut DbConn, access: &Access, attachment: &Attachment) -> Result<bool, AppError> {
    if access.sees_internal {
        return Ok(true);
    }
    Ok(match attachment.event_id {
        Some(id) => {
            ticket_events::find(conn, id)?.is_some_and(|e| e.visibility == Visibility::Public)
        }
        None => true,
    })
}

pub struct Upload {
    pub filename: String,
    pub comment: Option<i64>,
    pub bytes: Vec<u8>,
}

pub fn add(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
    upload: Upload,
    data_dir: &Path,
    now: DateTime<Utc>,
) -> Result<AttachmentView, AppError> {
    let (ticket, access) = visible_ticket(conn, caller, reference)?;
    let filename = clean_filename(&upload.filename)?;
    if upload.bytes.is_empty() {
        return Err(AppError::invalid_field("body", "empty", "fichier vide"));
    }
    let visibility = match upload.comment {
        Some(id) => {
            let event = ticket_events::find(conn, id)?
                .filter(|e| e.ticket_id == ticket.id && e.kind == "comment")
                .filter(|e| access.sees_internal || e.visibility == Visibility::Public)
                .ok_or_else(|| {
                    AppError::invalid_field(
                        "comment",
                        "unknown",
                        format!("aucun commentaire {id} sur ce ticket"),
                    )
                })?;
            event.visibility
        }
        None => Visibility::Public,
    };
    let sha256 = secrets::digest_bytes(&upload.bytes);
    let relative = PathBuf::from("attachments")
        .join(ticket.id.to_string())
        .join(format!(
            "{}-{}",
            &sha256[..16],
            &secrets::random_token()[..12]
        ));
    let path = data_dir.join(&relative);
    let stored = || -> std::io::Result<()> {
        std::fs::create_dir_all(path.parent().expect("a parent folder"))?;
        std::fs::write(&path, &upload.bytes)
    };
    stored().map_err(|e| AppError::Internal(format!("storing {}: {e}", path.display())))?;
    let saved = conn.transaction(|conn| {
        let attachment = attachments::insert(
            conn,
            &NewAttachment {
                ticket_id: ticket.id,
                event_id: upload.comment,
                content_type: sniff(&upload.bytes),
                size_bytes: upload.bytes.len() as i64,
                sha256: sha256.clone(),
                storage_path: relative.to_string_lossy().into_owned(),
                uploaded_by_label: caller.label().to_owned(),
                created_at: now.naive_utc(),
                filename: filename.clone(),
            },
        )?;
        let entry = Entry {
            kind: "attachment_added",
            visibility,
            body: None,
            data: json!({ "attachment": attachment.id, "filename": filename }),
        };
        record_by(conn, caller, &access, ticket.id, entry, now)?;
        Ok::<_, AppError>(attachment)
    });
    if saved.is_err() {
        let _ = std::fs::remove_file(&path);
    }
    Ok(view(saved?))
}

pub fn list(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
) -> Result<Vec<AttachmentView>, AppError> {
    let (ticket, access) = visible_ticket(conn, caller, reference)?;
    let mut items = Vec::new();
    for attachment in attachments::list(conn, ticket.id)? {
        if visible(conn, &access, &attachment)? {
            items.push(view(attachment));
        }
    }
    Ok(items)
}

/// The attachment and its bytes; 404 when the caller may not see it.
pub fn read(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
    id: i64,
    data_dir: &Path,
) -> Result<(AttachmentView, Vec<u8>), AppError> {
    let (ticket, access) = visible_ticket(conn, caller, reference)?;
    let attachment = attachments::list(conn, ticket.id)?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| AppError::not_found(format!("Aucune pièce jointe {id}")))?;
    if !visible(conn, &access, &attachment)? {
        return Err(AppError::not_found(format!("Aucune pièce jointe {id}")));
    }
    let bytes = std::fs::read(data_dir.join(&attachment.storage_path))
        .map_err(|e| AppError::Internal(format!("reading attachment {id}: {e}")))?;
    Ok((view(attachment), bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_lose_their_paths_and_control_characters() {
        assert_eq!(
            clean_filename("../../etc/capture.png").unwrap(),
            "capture.png"
        );
        assert_eq!(
            clean_filename("C:\\Users\\x\\rapport.pdf").unwrap(),
            "rapport.pdf"
        );
        assert_eq!(clean_filename("a\u{0}b.txt").unwrap(), "ab.txt");
        assert!(clean_filename("../").is_err());
        assert!(clean_filename("").is_err());
    }

    #[test]
    fn the_type_comes_from_the_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(sniff(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(
            sniff("journal d'erreurs".as_bytes()),
            "text/plain; charset=utf-8"
        );
        assert_eq!(sniff(&[0xff, 0xfe, 0x00, 0x01]), "application/octet-stream");
    }
}
