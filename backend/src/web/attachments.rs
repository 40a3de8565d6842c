//! Files on a ticket's page: sent with an ordinary form (`multipart/form-data`, no
//! JavaScript), downloaded always as files. The same service as the API decides who may
//! add and see them; a file too large or empty is said above the ticket.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use futures_util::StreamExt;

use super::forms::Notice;
use super::session::{SignedIn, WebError};
use super::ticket::{after_change, show_ticket};
use crate::error::AppError;
use crate::http::tickets::file_download;
use crate::services::tickets::attachments::{self, Upload};
use crate::state::AppState;

/// What the form sent: its token, and the file with its name.
#[derive(Default)]
struct Sent {
    csrf: String,
    filename: String,
    bytes: Vec<u8>,
}

/// Why the form's file was not taken.
enum Unread {
    TooLarge,
    Broken(String),
}

/// Reads the parts as they come, stopping as soon as the file passes `limit` bytes.
async fn read_parts(mut parts: Multipart, limit: usize) -> Result<Sent, Unread> {
    let mut sent = Sent::default();
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(|e| Unread::Broken(e.to_string()))?;
        let name = part.name().unwrap_or_default().to_owned();
        let filename = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_owned);
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(|e| Unread::Broken(e.to_string()))?;
            if bytes.len() + chunk.len() > limit {
                return Err(Unread::TooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf" => sent.csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "fichier" => {
                sent.filename = filename.unwrap_or_default();
                sent.bytes = bytes;
            }
            _ => {}
        }
    }
    Ok(sent)
}

/// `POST /tickets/{reference}/pieces-jointes`: attaches the file sent.
#[post("/tickets/{reference}/pieces-jointes")]
pub async fn upload(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    parts: Multipart,
) -> Result<HttpResponse, WebError> {
    let reference = path.into_inner();
    let limit = state.settings.max_attachment_bytes as usize;
    let refused = |message: String| Notice {
        title: "Fichier non joint",
        message,
        fields: Vec::new(),
        since: None,
    };
    let notice = match read_parts(parts, limit).await {
        Err(Unread::TooLarge) => refused(format!(
            "Le fichier dépasse la taille admise ({} Mo au plus).",
            limit / (1024 * 1024)
        )),
        Err(Unread::Broken(e)) => refused(format!("Le formulaire n'a pas pu être lu ({e}).")),
        Ok(sent) => {
            signed_in.check_form(&sent.csrf)?;
            if sent.filename.is_empty() {
                refused("Choisissez un fichier.".to_owned())
            } else {
                let upload = Upload {
                    filename: sent.filename,
                    comment: None,
                    bytes: sent.bytes,
                };
                let caller = &signed_in.session.caller;
                match attachments::add(&state, caller, reference.clone(), upload).await {
                    Ok(_) => return Ok(after_change(&reference)),
                    Err(AppError::Invalid { errors, detail, .. }) => {
                        refused(errors.first().map_or(detail, |f| f.message.clone()))
                    }
                    Err(e @ AppError::Forbidden { .. }) => refused(e.to_string()),
                    Err(e) => return Err(e.into()),
                }
            }
        }
    };
    show_ticket(
        &state,
        &signed_in,
        reference,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some(notice),
    )
    .await
}

/// `GET /tickets/{reference}/pieces-jointes/{id}`: the file, as a download.
#[get("/tickets/{reference}/pieces-jointes/{id}")]
pub async fn download(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, WebError> {
    let (reference, id) = path.into_inner();
    let (attachment, bytes) =
        attachments::read(&state, &signed_in.session.caller, reference, id).await?;
    Ok(file_download(attachment, bytes))
}
