//! Attachments of tickets and comments: kept under the data directory, typed by their
//! content (not by what the client says), given only to callers who may see the ticket (and
//! the comment they hang on).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::access::{visible_ticket, Access};
use super::journal::{Entry, Visibility};
use super::pipeline::{self, Target, TicketChange, TicketWrite};
use crate::auth::secrets;
use crate::db::repo::attachments::{self, Attachment, NewAttachment};
use crate::db::repo::ticket_events;
use crate::db::DbConn;
use crate::domain::ticket_read::ReadPart;
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::idempotency::Keyed;
use crate::services::unit_of_work;
use crate::state::AppState;

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
    Ok(match attachment.event_id {
        Some(id) => {
            ticket_events::find(conn, id)?.is_some_and(|e| access.internal.sees(e.visibility, e.id))
        }
        None => true,
    })
}

pub struct Upload {
    pub filename: String,
    pub comment: Option<i64>,
    pub bytes: Vec<u8>,
}

/// A file written under the data directory's `incoming/`, not yet part of any ticket.
struct Staged {
    incoming: PathBuf,
    /// Where it goes, relative to the data directory.
    relative: PathBuf,
    sha256: String,
    size: i64,
    content_type: String,
}

/// Writes the bytes to a new file and flushes it to the disk; nothing is left behind when
/// that fails (a full disk is a 503).
fn stage(data_dir: &Path, bytes: &[u8]) -> Result<Staged, AppError> {
    let sha256 = secrets::digest_bytes(bytes);
    let name = format!("{}-{}", &sha256[..16], &secrets::random_token()[..12]);
    let incoming = data_dir.join("incoming").join(&name);
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(incoming.parent().expect("a parent folder"))?;
        let mut file = std::fs::File::create(&incoming)?;
        file.write_all(bytes)?;
        file.sync_all()
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_file(&incoming);
        return Err(AppError::storage(
            &format!("storing {}", incoming.display()),
            &e,
        ));
    }
    Ok(Staged {
        relative: PathBuf::from("attachments").join(&sha256[..2]).join(name),
        incoming,
        sha256,
        size: bytes.len() as i64,
        content_type: sniff(bytes),
    })
}

struct AddAttachment {
    staged: Staged,
    filename: String,
    comment: Option<i64>,
    data_dir: PathBuf,
}

impl TicketChange for AddAttachment {
    type Reply = AttachmentView;
    const NEEDS_VERSION: bool = false;

    fn action(&self) -> &'static str {
        "attach"
    }

    fn authorise(&self, w: &TicketWrite) -> Result<(), AppError> {
        if w.access.may_comment() {
            Ok(())
        } else {
            Err(w.deny("joindre un fichier à un ticket que votre organisation ne traite plus"))
        }
    }

    fn apply(self, w: &mut TicketWrite) -> Result<AttachmentView, AppError> {
        let visibility = match self.comment {
            Some(id) => {
                let event = ticket_events::find(w.conn, id)?
                    .filter(|e| e.ticket_id == w.ticket.id && e.kind == "comment")
                    .filter(|e| w.access.internal.sees(e.visibility, e.id))
                    .ok_or_else(|| {
                        AppError::invalid_field(
                            "comment",
                            "unknown_comment",
                            format!("aucun commentaire {id} sur ce ticket"),
                        )
                    })?;
                event.visibility
            }
            None => Visibility::Public,
        };
        let staged = &self.staged;
        let attachment = attachments::insert(
            w.conn,
            &NewAttachment {
                ticket_id: w.ticket.id,
                event_id: self.comment,
                content_type: staged.content_type.clone(),
                size_bytes: staged.size,
                sha256: staged.sha256.clone(),
                storage_path: staged.relative.to_string_lossy().into_owned(),
                uploaded_by_label: w.caller.map(|c| c.label().to_owned()).unwrap_or_default(),
                created_at: w.now.naive_utc(),
                filename: self.filename.clone(),
            },
        )?;
        w.journal(Entry {
            kind: "attachment_added",
            visibility,
            body: None,
            data: json!({ "attachment": attachment.id, "filename": self.filename }),
        })?;
        // Moved into place inside the transaction: if it then rolls back, the caller removes
        // the file; if the process dies first, an unreferenced file is all that remains.
        let target = self.data_dir.join(&staged.relative);
        let moved = std::fs::create_dir_all(target.parent().expect("a parent folder"))
            .and_then(|()| std::fs::rename(&staged.incoming, &target));
        moved.map_err(|e| AppError::storage("placing an attachment", &e))?;
        Ok(view(attachment))
    }
}

/// Attaches a file to a ticket, or to one of its comments.
pub async fn add(
    state: &AppState,
    caller: &Caller,
    reference: String,
    upload: Upload,
) -> Result<AttachmentView, AppError> {
    let filename = clean_filename(&upload.filename)?;
    if upload.bytes.is_empty() {
        return Err(AppError::invalid_field(
            "body",
            "empty_file",
            "fichier vide",
        ));
    }
    let data_dir = state.settings.data_dir.clone();
    let staged = {
        let data_dir = data_dir.clone();
        tokio::task::spawn_blocking(move || stage(&data_dir, &upload.bytes))
            .await
            .map_err(|e| AppError::Internal(format!("blocking task: {e}")))??
    };
    let (incoming, placed) = (staged.incoming.clone(), data_dir.join(&staged.relative));
    let change = AddAttachment {
        staged,
        filename,
        comment: upload.comment,
        data_dir,
    };
    let target = Target {
        reference,
        if_match: None,
    };
    match pipeline::change(state, caller, target, None, 201, change).await {
        Ok(Keyed::Fresh(view)) => Ok(view),
        Ok(Keyed::Replayed(_)) => Err(AppError::Internal("an upload has no key".into())),
        Err(e) => {
            let _ = std::fs::remove_file(&incoming);
            let _ = std::fs::remove_file(&placed);
            Err(e)
        }
    }
}

pub async fn list(
    state: &AppState,
    caller: &Caller,
    reference: String,
) -> Result<Vec<AttachmentView>, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let (ticket, access) = visible_ticket(tx.conn, caller, &reference)?;
        tx.note_read(caller, &ticket, ReadPart::Attachments, None);
        visible_list(tx.conn, ticket.id, &access)
    })
    .await
}

/// The attachments of a ticket `access` may see.
pub fn visible_list(
    conn: &mut DbConn,
    ticket_id: i64,
    access: &Access,
) -> Result<Vec<AttachmentView>, AppError> {
    let mut items = Vec::new();
    for attachment in attachments::list(conn, ticket_id)? {
        if visible(conn, access, &attachment)? {
            items.push(view(attachment));
        }
    }
    Ok(items)
}

/// The attachment and its bytes; 404 when the caller may not see it.
pub async fn read(
    state: &AppState,
    caller: &Caller,
    reference: String,
    id: i64,
) -> Result<(AttachmentView, Vec<u8>), AppError> {
    let data_dir = state.settings.data_dir.clone();
    unit_of_work::read(state, caller, move |tx, caller| {
        let (ticket, access) = visible_ticket(tx.conn, caller, &reference)?;
        let attachment = attachments::list(tx.conn, ticket.id)?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| AppError::not_found(format!("Aucune pièce jointe {id}")))?;
        if !visible(tx.conn, &access, &attachment)? {
            return Err(AppError::not_found(format!("Aucune pièce jointe {id}")));
        }
        let bytes = std::fs::read(data_dir.join(&attachment.storage_path))
            .map_err(|e| AppError::Internal(format!("reading attachment {id}: {e}")))?;
        tx.note_read(caller, &ticket, ReadPart::Attachment, Some(id));
        Ok((view(attachment), bytes))
    })
    .await
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
