//! Tickets: opening, reading, lists, and every write (each with `If-Match`).

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::authenticated::Authenticated;
use super::errors::parse_json;
use super::idempotency::{once, Answer};
use super::params;
use crate::db::DbConn;
use crate::domain::ticket_lifecycle::TicketStatus;
use crate::error::{AppError, Problem};
use crate::services::caller::Caller;
use crate::services::tickets::actions::{
    self, ActionRequest, CommentRequest, LinkChild, QualifyRequest, RefuseRequest, RouteRequest,
};
use crate::services::tickets::attachments::{self, AttachmentView, Upload};
use crate::services::tickets::escalation::{self, EscalateRequest, VendorAnswer};
use crate::services::tickets::open::{self, OpenTicket};
use crate::services::tickets::read::{self, ListQuery};
use crate::services::tickets::views::{EventView, HopView, TicketPage, TicketView};
use crate::services::views::Items;
use crate::state::AppState;

/// The version named by `If-Match` (`"3"`, `W/"3"` or `3`); an unreadable value names no
/// version and fails the check.
fn if_match(req: &HttpRequest) -> Option<i32> {
    let raw = req.headers().get(header::IF_MATCH)?.to_str().unwrap_or("");
    let raw = raw.trim().trim_start_matches("W/").trim_matches('"');
    Some(raw.parse().unwrap_or(-1))
}

fn with_etag(mut response: actix_web::HttpResponseBuilder, view: &TicketView) -> HttpResponse {
    response
        .insert_header((header::ETAG, format!("\"{}\"", view.version)))
        .json(view)
}

/// Runs a ticket write with the caller, the reference and `If-Match`, answering the ticket
/// with its new ETag.
/// Runs a ticket write with the caller, the reference and `If-Match`.
async fn write_view<F>(
    state: &AppState,
    caller: Caller,
    reference: String,
    req: &HttpRequest,
    work: F,
) -> Result<TicketView, AppError>
where
    F: FnOnce(
            &mut DbConn,
            &Caller,
            &str,
            Option<i32>,
            DateTime<Utc>,
        ) -> Result<TicketView, AppError>
        + Send
        + 'static,
{
    let version = if_match(req);
    let now = state.now();
    state
        .db(move |c| work(c, &caller, &reference, version, now))
        .await
}

/// A ticket write answered with the ticket and its new ETag.
async fn write<F>(
    state: web::Data<AppState>,
    caller: Authenticated,
    reference: String,
    req: &HttpRequest,
    work: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(
            &mut DbConn,
            &Caller,
            &str,
            Option<i32>,
            DateTime<Utc>,
        ) -> Result<TicketView, AppError>
        + Send
        + 'static,
{
    let view = write_view(&state, caller.0, reference, req, work).await?;
    Ok(with_etag(HttpResponse::Ok(), &view))
}

/// The ticket as an answer that `Idempotency-Key` can replay.
fn ticket_answer(status: StatusCode, view: &TicketView) -> Result<Answer, AppError> {
    Ok(Answer::json(status, view)?.header("ETag", format!("\"{}\"", view.version)))
}

/// A ticket write under `Idempotency-Key`, its JSON body parsed as `T`.
async fn idempotent_write<T, F>(
    state: web::Data<AppState>,
    caller: Authenticated,
    reference: String,
    req: HttpRequest,
    body: web::Bytes,
    work: F,
) -> Result<HttpResponse, AppError>
where
    T: serde::de::DeserializeOwned + Send + 'static,
    F: FnOnce(
            &mut DbConn,
            &Caller,
            &str,
            Option<i32>,
            T,
            DateTime<Utc>,
        ) -> Result<TicketView, AppError>
        + Send
        + 'static,
{
    let request: T = parse_json(&body)?;
    let caller = caller.0;
    once(&state, &req, &caller.clone(), &body, || async {
        let view = write_view(
            &state,
            caller,
            reference,
            &req,
            move |c, caller, r, m, now| work(c, caller, r, m, request, now),
        )
        .await?;
        ticket_answer(StatusCode::OK, &view)
    })
    .await
}

const PROBLEM: &str = "application/problem+json";

/// Opens a ticket for one of the caller's establishments (a correspondent).
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer to the same key and body")),
    request_body = OpenTicket, responses(
    (status = 201, body = TicketView, headers(("ETag" = String))),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[post("/tickets")]
pub async fn open_ticket(
    state: web::Data<AppState>,
    caller: Authenticated,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let request: OpenTicket = parse_json(&body)?;
    let caller = caller.0;
    once(&state, &req, &caller.clone(), &body, || async {
        let now = state.now();
        let view = state
            .db(move |c| open::open(c, &caller, request, now))
            .await?;
        Ok(ticket_answer(StatusCode::CREATED, &view)?
            .header("Location", format!("/api/v1/tickets/{}", view.reference)))
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TicketParams {
    /// Queue code.
    pub queue: Option<String>,
    #[param(value_type = Option<TicketStatus>)]
    pub status: Option<String>,
    #[param(value_type = Option<i32>)]
    pub level: Option<String>,
    /// 1 to 5.
    #[param(value_type = Option<i32>)]
    pub priority: Option<String>,
    /// UAI.
    pub establishment: Option<String>,
    /// Category code.
    pub category: Option<String>,
    /// Words of the title.
    pub q: Option<String>,
    #[param(value_type = Option<i64>)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// The tickets the caller's roles reach (its establishments', its queues', those escalated
/// to its vendor), by priority then age.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(TicketParams), responses(
    (status = 200, body = TicketPage),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[get("/tickets")]
pub async fn list_tickets(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<TicketParams>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let query = ListQuery {
        status: params::vocabulary::<TicketStatus>("status", q.status.as_deref())?,
        level: params::integer("level", q.level.as_deref(), 0, 3)?.map(|l| l as i32),
        priority: params::integer("priority", q.priority.as_deref(), 1, 5)?.map(|p| p as i32),
        limit: params::page_limit(q.limit.as_deref())?,
        queue: params::text(q.queue),
        establishment: params::text(q.establishment).map(|u| u.to_uppercase()),
        category: params::text(q.category),
        text: params::text(q.q),
        cursor: params::text(q.cursor),
    };
    let page = state.db(move |c| read::list(c, &caller.0, query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(("reference" = String, Path)), responses(
    (status = 200, body = TicketView, headers(("ETag" = String))),
    (status = 404, body = Problem, content_type = PROBLEM),
))]
#[get("/tickets/{reference}")]
pub async fn get_ticket(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let reference = path.into_inner();
    let view = state
        .db(move |c| read::get(c, &caller.0, &reference))
        .await?;
    Ok(with_etag(HttpResponse::Ok(), &view))
}

/// The journal; correspondents see public events only.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(("reference" = String, Path)), responses(
    (status = 200, body = Items<EventView>),
    (status = 404, body = Problem, content_type = PROBLEM),
))]
#[get("/tickets/{reference}/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let reference = path.into_inner();
    let items = state
        .db(move |c| read::events(c, &caller.0, &reference))
        .await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// The stays of the ticket in each organisation's queues (agents only).
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(("reference" = String, Path)), responses(
    (status = 200, body = Items<HopView>),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
))]
#[get("/tickets/{reference}/hops")]
pub async fn list_hops(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let reference = path.into_inner();
    let items = state
        .db(move |c| read::hops(c, &caller.0, &reference))
        .await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// A comment, `public` (the school sees it) or `internal` (agents only).
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("reference" = String, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CommentRequest, responses(
    (status = 201, body = EventView),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[post("/tickets/{reference}/comments")]
pub async fn add_comment(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let reference = path.into_inner();
    let request: CommentRequest = parse_json(&body)?;
    let caller = caller.0;
    once(&state, &req, &caller.clone(), &body, || async {
        let now = state.now();
        let event = state
            .db(move |c| actions::comment(c, &caller, &reference, request, now))
            .await?;
        Answer::json(StatusCode::CREATED, &event)
    })
    .await
}

/// A lifecycle action (assign, start, suspend, resume, resolve, close, reopen, cancel).
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("reference" = String, Path), ("If-Match" = String, Header, description = "The ticket's ETag")),
    request_body = ActionRequest, responses(
    (status = 200, body = TicketView, headers(("ETag" = String))),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 409, description = "`invalid_transition`", body = Problem, content_type = PROBLEM),
    (status = 412, body = Problem, content_type = PROBLEM),
    (status = 428, body = Problem, content_type = PROBLEM),
))]
#[post("/tickets/{reference}/actions")]
pub async fn act(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Json<ActionRequest>,
) -> Result<HttpResponse, AppError> {
    let request = body.into_inner();
    write(
        state,
        caller,
        path.into_inner(),
        &req,
        move |c, caller, r, m, now| actions::act(c, caller, r, m, request, now),
    )
    .await
}

/// The guichet qualifies the ticket: category, type, impact, urgency.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("reference" = String, Path), ("If-Match" = String, Header)),
    request_body = QualifyRequest, responses(
    (status = 200, body = TicketView, headers(("ETag" = String))),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 412, body = Problem, content_type = PROBLEM),
    (status = 428, body = Problem, content_type = PROBLEM),
))]
#[post("/tickets/{reference}/qualification")]
pub async fn qualify(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Json<QualifyRequest>,
) -> Result<HttpResponse, AppError> {
    let request = body.into_inner();
    write(
        state,
        caller,
        path.into_inner(),
        &req,
        move |c, caller, r, m, now| actions::qualify(c, caller, r, m, request, now),
    )
    .await
}

/// Orients the ticket by the authority's rules, or hands it to a queue with a reason.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("reference" = String, Path), ("If-Match" = String, Header)),
    request_body = RouteRequest, responses(
    (status = 200, body = TicketView, headers(("ETag" = String))),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 412, body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
    (status = 428, body = Problem, content_type = PROBLEM),
))]
#[post("/tickets/{reference}/routing")]
pub async fn route(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Json<RouteRequest>,
) -> Result<HttpResponse, AppError> {
    let request = body.into_inner();
    write(
        state,
        caller,
        path.into_inner(),
        &req,
        move |c, caller, r, m, now| actions::route(c, caller, r, m, request, now),
    )
    .await
}

/// The receiving organisation refuses the hand-off, with a reason: back to the sender.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("reference" = String, Path), ("If-Match" = String, Header)),
    request_body = RefuseRequest, responses(
    (status = 200, body = TicketView, headers(("ETag" = String))),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 409, body = Problem, content_type = PROBLEM),
    (status = 412, body = Problem, content_type = PROBLEM),
    (status = 428, body = Problem, content_type = PROBLEM),
))]
#[post("/tickets/{reference}/refusal")]
pub async fn refuse(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Json<RefuseRequest>,
) -> Result<HttpResponse, AppError> {
    let request = body.into_inner();
    write(
        state,
        caller,
        path.into_inner(),
        &req,
        move |c, caller, r, m, now| actions::refuse(c, caller, r, m, request, now),
    )
    .await
}

/// Escalates to the vendor (level 1 → 2, with a justification and a complete technical
/// file), or inside the vendor (2 → 3).
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("reference" = String, Path), ("If-Match" = String, Header), ("Idempotency-Key" = Option<String>, Header)),
    request_body = EscalateRequest, responses(
    (status = 200, body = TicketView, headers(("ETag" = String))),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 409, body = Problem, content_type = PROBLEM),
    (status = 412, body = Problem, content_type = PROBLEM),
    (status = 422, description = "`incomplete_technical_file`, each missing element in `errors`", body = Problem, content_type = PROBLEM),
    (status = 428, body = Problem, content_type = PROBLEM),
))]
#[post("/tickets/{reference}/escalation")]
pub async fn escalate(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    idempotent_write::<EscalateRequest, _>(
        state,
        caller,
        path.into_inner(),
        req,
        body,
        escalation::escalate,
    )
    .await
}

/// The vendor answers: a question to the authority, a workaround, or the solution.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("reference" = String, Path), ("If-Match" = String, Header), ("Idempotency-Key" = Option<String>, Header)),
    request_body = VendorAnswer, responses(
    (status = 200, body = TicketView, headers(("ETag" = String))),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 412, body = Problem, content_type = PROBLEM),
    (status = 428, body = Problem, content_type = PROBLEM),
))]
#[post("/tickets/{reference}/vendor-answers")]
pub async fn vendor_answer(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    idempotent_write::<VendorAnswer, _>(
        state,
        caller,
        path.into_inner(),
        req,
        body,
        escalation::answer,
    )
    .await
}

/// Declares the ticket a major incident.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("reference" = String, Path), ("If-Match" = String, Header)), responses(
    (status = 200, body = TicketView, headers(("ETag" = String))),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 412, body = Problem, content_type = PROBLEM),
    (status = 428, body = Problem, content_type = PROBLEM),
))]
#[post("/tickets/{reference}/major")]
pub async fn declare_major(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    write(
        state,
        caller,
        path.into_inner(),
        &req,
        actions::declare_major,
    )
    .await
}

/// Links another ticket to this major incident (If-Match: this ticket's ETag).
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("reference" = String, Path), ("If-Match" = String, Header)),
    request_body = LinkChild, responses(
    (status = 200, body = TicketView, headers(("ETag" = String))),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 409, body = Problem, content_type = PROBLEM),
    (status = 412, body = Problem, content_type = PROBLEM),
    (status = 428, body = Problem, content_type = PROBLEM),
))]
#[post("/tickets/{reference}/children")]
pub async fn link_child(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Json<LinkChild>,
) -> Result<HttpResponse, AppError> {
    let request = body.into_inner();
    write(
        state,
        caller,
        path.into_inner(),
        &req,
        move |c, caller, r, m, now| actions::link_child(c, caller, r, m, request, now),
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file's name (its path is dropped).
    pub filename: String,
    /// Id of the comment (journal event) the file goes with.
    #[param(value_type = Option<i64>)]
    pub comment: Option<String>,
}

/// Attaches a file (the raw request body) to the ticket, or to one of its comments.
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(("reference" = String, Path), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses(
    (status = 201, body = AttachmentView),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 413, description = "Over GUICHET_MAX_ATTACHMENT_BYTES", body = Problem, content_type = PROBLEM),
    (status = 422, body = Problem, content_type = PROBLEM),
))]
#[post("/tickets/{reference}/attachments")]
pub async fn upload_attachment(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
    query: web::Query<UploadParams>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let limit = state.settings.max_attachment_bytes as usize;
    let bytes = match payload.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) => {
            return Err(AppError::BadRequest {
                code: "invalid_body",
                detail: format!("Corps illisible : {e}"),
            })
        }
        Err(_) => {
            return Err(AppError::PayloadTooLarge {
                detail: format!("Une pièce jointe ne dépasse pas {limit} octets"),
            })
        }
    };
    let query = query.into_inner();
    let comment = params::integer("comment", query.comment.as_deref(), 1, i64::MAX)?;
    let upload = Upload {
        filename: query.filename,
        comment,
        bytes: bytes.to_vec(),
    };
    let reference = path.into_inner();
    let data_dir = state.settings.data_dir.clone();
    let now = state.now();
    let attachment = state
        .db(move |c| attachments::add(c, &caller.0, &reference, upload, &data_dir, now))
        .await?;
    Ok(HttpResponse::Created().json(attachment))
}

#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(("reference" = String, Path)), responses(
    (status = 200, body = Items<AttachmentView>),
    (status = 404, body = Problem, content_type = PROBLEM),
))]
#[get("/tickets/{reference}/attachments")]
pub async fn list_attachments(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let reference = path.into_inner();
    let items = state
        .db(move |c| attachments::list(c, &caller.0, &reference))
        .await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// The file, always as a download (`Content-Disposition: attachment`, `nosniff`).
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(("reference" = String, Path), ("id" = i64, Path)), responses(
    (status = 200, description = "The file's bytes", content_type = "application/octet-stream"),
    (status = 404, body = Problem, content_type = PROBLEM),
))]
#[get("/tickets/{reference}/attachments/{id}")]
pub async fn download_attachment(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (reference, id) = path.into_inner();
    let data_dir = state.settings.data_dir.clone();
    let (attachment, bytes) = state
        .db(move |c| attachments::read(c, &caller.0, &reference, id, &data_dir))
        .await?;
    let disposition = header::ContentDisposition {
        disposition: header::DispositionType::Attachment,
        parameters: vec![header::DispositionParam::FilenameExt(
            header::ExtendedValue {
                charset: header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: attachment.filename.into_bytes(),
            },
        )],
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, attachment.content_type))
        .insert_header(disposition)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes))
}
