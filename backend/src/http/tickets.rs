//! Tickets: opening, reading, lists, and every write (each with `If-Match`). Handlers
//! parse and answer; the services decide.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::authenticated::Authenticated;
use super::idempotency::{self, respond, Decorate};
use super::json::ApiJson;
use super::params;
use crate::db::repo::tickets::TicketOrder;
use crate::domain::ticket_lifecycle::TicketStatus;
use crate::error::{AppError, Problem};
use crate::services::tickets::actions::{
    ActionRequest, CommentRequest, DeclareMajor, InformationRequest, LinkChild, QualifyRequest,
    RefuseRequest, RouteRequest,
};
use crate::services::tickets::attachments::{self, AttachmentView, Upload};
use crate::services::tickets::escalation::{EscalateRequest, VendorAnswer};
use crate::services::tickets::open::{self, OpenTicket};
use crate::services::tickets::pipeline::{self, Target, TicketChange};
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

/// How a change is answered: its status, and the headers its body gives.
struct Answered(StatusCode, Decorate);

/// The ticket with its new ETag.
const TICKET: Answered = Answered(StatusCode::OK, idempotency::etag);
/// A new journal event.
const CREATED_EVENT: Answered = Answered(StatusCode::CREATED, idempotency::nothing);

/// Runs a change of the ticket named by the path, with `If-Match` and, when the request
/// carries one, its `Idempotency-Key`.
async fn change<C: TicketChange>(
    state: &AppState,
    caller: &Authenticated,
    req: &HttpRequest,
    reference: String,
    body: &[u8],
    Answered(status, decorate): Answered,
    command: C,
) -> Result<HttpResponse, AppError> {
    let key = idempotency::key(req, &caller.0, body)?;
    let target = Target {
        reference,
        if_match: if_match(req),
    };
    let keyed = pipeline::change(state, &caller.0, target, key, status.as_u16(), command).await?;
    respond(keyed, status, decorate)
}

/// A change answered with the ticket and its new ETag.
async fn ticket_change<
    C: TicketChange<Reply = TicketView> + serde::de::DeserializeOwned + utoipa::ToSchema,
>(
    state: web::Data<AppState>,
    caller: Authenticated,
    req: HttpRequest,
    path: web::Path<String>,
    body: ApiJson<C>,
) -> Result<HttpResponse, AppError> {
    let raw = body.raw.clone();
    change(
        &state,
        &caller,
        &req,
        path.into_inner(),
        &raw,
        TICKET,
        body.into_inner(),
    )
    .await
}

const PROBLEM: &str = "application/problem+json";

/// Opens a ticket for one of the caller's establishments (a correspondent).
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,200}$", description = "Replays the first answer to the same key and body")),
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
    body: ApiJson<OpenTicket>,
) -> Result<HttpResponse, AppError> {
    let key = idempotency::key(&req, &caller.0, &body.raw)?;
    let keyed = open::open(&state, &caller.0, body.into_inner(), key).await?;
    respond(keyed, StatusCode::CREATED, idempotency::created_ticket)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TicketParams {
    /// Queue code.
    pub queue: Option<String>,
    #[param(value_type = Option<TicketStatus>)]
    pub status: Option<String>,
    #[param(value_type = Option<i32>, minimum = 0, maximum = 3)]
    pub level: Option<String>,
    /// 1 to 5.
    #[param(value_type = Option<i32>, minimum = 1, maximum = 5)]
    pub priority: Option<String>,
    /// UAI.
    pub establishment: Option<String>,
    /// Category code.
    pub category: Option<String>,
    /// Words of the title.
    pub q: Option<String>,
    /// `priority` (priority then age, the default without `q`), `due` (next due instant
    /// first, tickets without one last) or `recent` (newest first, the default with `q`).
    #[param(value_type = Option<TicketOrder>)]
    pub sort: Option<String>,
    /// `true`: only the tickets one of whose clocks went past its target; `false`: the others.
    #[param(value_type = Option<bool>)]
    pub breached: Option<String>,
    /// Only the tickets due before this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub due_before: Option<String>,
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// The tickets the caller's roles reach (its establishments', its queues', those escalated
/// to its vendor), by priority then age, by next due instant, or newest first (a title search).
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
        order: params::vocabulary::<TicketOrder>("sort", q.sort.as_deref())?,
        breached: params::boolean("breached", q.breached.as_deref())?,
        due_before: params::instant("due_before", q.due_before.as_deref())?,
        cursor: params::text(q.cursor),
    };
    let page = read::list(&state, &caller.0, query).await?;
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
    let view = read::get(&state, &caller.0, path.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", view.version)))
        .json(view))
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
    let items = read::events(&state, &caller.0, path.into_inner()).await?;
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
    let items = read::hops(&state, &caller.0, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// A comment, `public` (the school sees it) or `internal` (agents only).
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("reference" = String, Path), ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,200}$", description = "Replays the first answer to the same key and body")),
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
    body: ApiJson<CommentRequest>,
) -> Result<HttpResponse, AppError> {
    let raw = body.raw.clone();
    change(
        &state,
        &caller,
        &req,
        path.into_inner(),
        &raw,
        CREATED_EVENT,
        body.into_inner(),
    )
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
    req: HttpRequest,
    path: web::Path<String>,
    body: ApiJson<ActionRequest>,
) -> Result<HttpResponse, AppError> {
    ticket_change(state, caller, req, path, body).await
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
    req: HttpRequest,
    path: web::Path<String>,
    body: ApiJson<QualifyRequest>,
) -> Result<HttpResponse, AppError> {
    ticket_change(state, caller, req, path, body).await
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
    req: HttpRequest,
    path: web::Path<String>,
    body: ApiJson<RouteRequest>,
) -> Result<HttpResponse, AppError> {
    ticket_change(state, caller, req, path, body).await
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
    req: HttpRequest,
    path: web::Path<String>,
    body: ApiJson<RefuseRequest>,
) -> Result<HttpResponse, AppError> {
    ticket_change(state, caller, req, path, body).await
}

/// Escalates to the vendor (level 1 → 2, with a justification and a complete technical
/// file), or inside the vendor (2 → 3).
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("reference" = String, Path), ("If-Match" = String, Header), ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,200}$", description = "Replays the first answer to the same key and body")),
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
    req: HttpRequest,
    path: web::Path<String>,
    body: ApiJson<EscalateRequest>,
) -> Result<HttpResponse, AppError> {
    ticket_change(state, caller, req, path, body).await
}

/// The vendor answers: a question to the authority, a workaround, or the solution.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("reference" = String, Path), ("If-Match" = String, Header), ("Idempotency-Key" = Option<String>, Header, pattern = "^[!-~]{1,200}$", description = "Replays the first answer to the same key and body")),
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
    req: HttpRequest,
    path: web::Path<String>,
    body: ApiJson<VendorAnswer>,
) -> Result<HttpResponse, AppError> {
    ticket_change(state, caller, req, path, body).await
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
    change(
        &state,
        &caller,
        &req,
        path.into_inner(),
        &[],
        TICKET,
        DeclareMajor,
    )
    .await
}

/// Gives the information a pending ticket waits for and resumes it: the school answers a
/// wait for the requester, the owner authority a question of the vendor.
#[utoipa::path(tag = "tickets", security(("bearer" = [])),
    params(("reference" = String, Path), ("If-Match" = String, Header)),
    request_body = InformationRequest, responses(
    (status = 200, body = TicketView, headers(("ETag" = String))),
    (status = 403, body = Problem, content_type = PROBLEM),
    (status = 404, body = Problem, content_type = PROBLEM),
    (status = 409, description = "`not_waiting`", body = Problem, content_type = PROBLEM),
    (status = 412, body = Problem, content_type = PROBLEM),
    (status = 428, body = Problem, content_type = PROBLEM),
))]
#[post("/tickets/{reference}/information")]
pub async fn provide_information(
    state: web::Data<AppState>,
    caller: Authenticated,
    req: HttpRequest,
    path: web::Path<String>,
    body: ApiJson<InformationRequest>,
) -> Result<HttpResponse, AppError> {
    ticket_change(state, caller, req, path, body).await
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
    req: HttpRequest,
    path: web::Path<String>,
    body: ApiJson<LinkChild>,
) -> Result<HttpResponse, AppError> {
    ticket_change(state, caller, req, path, body).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file's name (a path is reduced to its last part).
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\x00-\\x1f\\x7f-\\x9f/\\\\]*[^\\x00-\\x1f\\x7f-\\x9f/\\\\.\\s][^\\x00-\\x1f\\x7f-\\x9f/\\\\]*$"
    )]
    pub filename: String,
    /// Id of the comment (journal event) the file goes with.
    #[param(value_type = Option<i64>, minimum = 1)]
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
    let attachment = attachments::add(&state, &caller.0, path.into_inner(), upload).await?;
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
    let items = attachments::list(&state, &caller.0, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// The file, always as a download (`Content-Disposition: attachment`, `nosniff`).
#[utoipa::path(tag = "tickets", security(("bearer" = [])), params(("reference" = String, Path), ("id" = i64, Path)), responses(
    (status = 200, description = "The file's bytes, typed by their content", content_type = "*/*"),
    (status = 404, body = Problem, content_type = PROBLEM),
))]
#[get("/tickets/{reference}/attachments/{id}")]
pub async fn download_attachment(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (reference, id) = path.into_inner();
    let (attachment, bytes) = attachments::read(&state, &caller.0, reference, id).await?;
    Ok(file_download(attachment, bytes))
}

/// An attachment's bytes, always as a download (`Content-Disposition: attachment`, typed
/// by the content, `nosniff`): no file is ever shown inside our pages.
pub fn file_download(attachment: AttachmentView, bytes: Vec<u8>) -> HttpResponse {
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
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, attachment.content_type))
        .insert_header(disposition)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(bytes)
}
