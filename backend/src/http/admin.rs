//! Administration: users, role grants, service accounts, audit log, notifications. Admins act
//! within their territory; other roles get 403, objects outside the territory 404.

use actix_web::{delete, get, post, put, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::authenticated::Authenticated;
use super::json::ApiJson;
use super::params;
use crate::domain::notifications::OutboxState;
use crate::error::{AppError, Problem};
use crate::services::access_log;
use crate::services::access_log::list::AccessLogQuery;
use crate::services::access_log::views::AccessLogPage;
use crate::services::admin::organisations::{self, SetDpo};
use crate::services::admin::views::*;
use crate::services::admin::{audit_log, outbox, service_accounts, users};
use crate::services::privacy;
use crate::services::privacy::erase::ErasureReport;
use crate::services::views::{Items, OrganisationView};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Creates a user in the admin's territory (roles are granted separately).
#[utoipa::path(tag = "admin", security(("bearer" = [])), request_body = CreateUser, responses(
    (status = 201, body = UserView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`email_taken`", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/admin/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: ApiJson<CreateUser>,
) -> Result<HttpResponse, AppError> {
    let request = body.into_inner();
    let user = users::create_user(&state, &caller.0, request).await?;
    Ok(HttpResponse::Created().json(user))
}

/// Users of the admin's territory, by id.
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(PageParams), responses(
    (status = 200, body = UserPage),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/admin/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let limit = params::page_limit(query.limit.as_deref())?;
    let cursor = params::text(query.cursor);
    let page = users::list_users(&state, &caller.0, limit, cursor).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[utoipa::path(tag = "admin", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = UserView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/admin/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let user = users::get_user(&state, &caller.0, id).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Grants a role on exactly the scope its role takes.
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = GrantRequest, responses(
    (status = 201, body = UserView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "`grant_exists`", body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/admin/users/{id}/grants")]
pub async fn grant_role(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<i64>,
    body: ApiJson<GrantRequest>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let request = body.into_inner();
    let user = users::grant_role(&state, &caller.0, id, request).await?;
    Ok(HttpResponse::Created().json(user))
}

#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("id" = i64, Path), ("grant_id" = i64, Path)), responses(
    (status = 200, body = UserView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[delete("/admin/users/{id}/grants/{grant_id}")]
pub async fn revoke_grant(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, grant_id) = path.into_inner();
    let user = users::revoke_grant(&state, &caller.0, id, grant_id).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Everything the desk holds about a user of the admin's territory, as JSON (GDPR art. 15
/// and 20): account, roles, tickets opened, journal entries written, files uploaded, messages,
/// reads and security events. Audited (`privacy_export`).
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = Object),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[get("/admin/users/{id}/personal-data")]
pub async fn export_personal_data(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let export = privacy::use_cases::export_user(&state, &caller.0, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(export))
}

/// Erases a user of the admin's territory (GDPR art. 17): email and name replaced wherever a
/// text holds them, uploads, sessions, credentials and messages deleted; the account keeps
/// its id so that the tickets keep an anonymous requester. Audited (`privacy_erase`).
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = ErasureReport),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
))]
#[post("/admin/users/{id}/erase")]
pub async fn erase_user(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let report = privacy::use_cases::erase_user(&state, &caller.0, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Disables a user: their tokens stop working at once.
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = UserView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[post("/admin/users/{id}/disable")]
pub async fn disable_user(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    set_active(state, caller, path.into_inner(), false).await
}

#[utoipa::path(tag = "admin", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = UserView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[post("/admin/users/{id}/enable")]
pub async fn enable_user(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    set_active(state, caller, path.into_inner(), true).await
}

async fn set_active(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: i64,
    active: bool,
) -> Result<HttpResponse, AppError> {
    let user = users::set_active(&state, &caller.0, id, active).await?;
    Ok(HttpResponse::Ok().json(user))
}

#[utoipa::path(tag = "admin", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = SetPassword, responses(
    (status = 204, description = "Password set"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`weak_password`", body = Problem, content_type = "application/problem+json"),
))]
#[put("/admin/users/{id}/password")]
pub async fn set_password(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<i64>,
    body: ApiJson<SetPassword>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let request = body.into_inner();
    users::set_password(&state, &caller.0, id, request).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Creates a vendor integration's service account; the secret is in this answer only.
#[utoipa::path(tag = "admin", security(("bearer" = [])), request_body = CreateServiceAccount, responses(
    (status = 201, body = CreatedServiceAccount),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[post("/admin/service-accounts")]
pub async fn create_service_account(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: ApiJson<CreateServiceAccount>,
) -> Result<HttpResponse, AppError> {
    let request = body.into_inner();
    let created = service_accounts::create(&state, &caller.0, request).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(created))
}

#[utoipa::path(tag = "admin", security(("bearer" = [])), responses(
    (status = 200, body = Items<ServiceAccountView>),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/admin/service-accounts")]
pub async fn list_service_accounts(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<HttpResponse, AppError> {
    let items = service_accounts::list(&state, &caller.0).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// Revokes a service account: its tokens stop working at once.
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(("client_id" = String, Path)), responses(
    (status = 200, body = ServiceAccountView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
))]
#[post("/admin/service-accounts/{client_id}/revoke")]
pub async fn revoke_service_account(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let client_id = path.into_inner();
    let account = service_accounts::revoke(&state, &caller.0, client_id).await?;
    Ok(HttpResponse::Ok().json(account))
}

/// The security audit log of the admin's territories, newest first.
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(PageParams), responses(
    (status = 200, body = AuditPage),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/admin/audit-events")]
pub async fn list_audit_events(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let limit = params::page_limit(query.limit.as_deref())?;
    let cursor = params::text(query.cursor);
    let page = audit_log::list(&state, &caller.0, limit, cursor).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccessLogParams {
    /// Only the reads of this ticket (its reference).
    pub ticket: Option<String>,
    /// Only the reads of this user (an email).
    pub user: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Who read what: the reads of the admin's territories' tickets (ticket, journal, hops,
/// attachments, web page), newest first, for one ticket, one user, or all.
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(AccessLogParams), responses(
    (status = 200, body = AccessLogPage),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, body = Problem, content_type = "application/problem+json"),
))]
#[get("/admin/access-log")]
pub async fn list_access_log(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<AccessLogParams>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let wanted = AccessLogQuery {
        ticket: params::text(query.ticket),
        user: params::text(query.user),
        limit: params::page_limit(query.limit.as_deref())?,
        cursor: params::text(query.cursor),
    };
    let page = access_log::list::list(&state, &caller.0, wanted).await?;
    Ok(HttpResponse::Ok().json(page))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OutboxParams {
    /// Only the notifications in this state (`dead`: to look at and retry).
    #[param(value_type = Option<OutboxState>)]
    pub state: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The notifications of the admin's territories, newest first.
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(OutboxParams), responses(
    (status = 200, body = OutboxPage),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
#[get("/admin/outbox")]
pub async fn list_outbox(
    state: web::Data<AppState>,
    caller: Authenticated,
    query: web::Query<OutboxParams>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let filter = params::vocabulary::<OutboxState>("state", query.state.as_deref())?;
    let limit = params::page_limit(query.limit.as_deref())?;
    let cursor = params::text(query.cursor);
    let page = outbox::list(&state, &caller.0, filter, limit, cursor).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Puts a notification that failed for good back in line: it is sent again at the next pass.
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(("id" = i64, Path)), responses(
    (status = 200, body = OutboxMessageView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 409, body = Problem, content_type = "application/problem+json"),
))]
#[post("/admin/outbox/{id}/retry")]
pub async fn retry_outbox_message(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let message = outbox::retry(&state, &caller.0, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(message))
}

/// Sets the address of an organisation's data protection officer (an admin of its
/// territory): every DPD of a territory is told of its breaches.
#[utoipa::path(tag = "admin", security(("bearer" = [])), params(("code" = String, Path)),
    request_body = SetDpo, responses(
    (status = 200, body = OrganisationView),
    (status = 403, body = Problem, content_type = "application/problem+json"),
    (status = 404, body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "`invalid_email`", body = Problem, content_type = "application/problem+json"),
))]
#[put("/admin/organisations/{code}/dpo")]
pub async fn set_organisation_dpo(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<String>,
    body: ApiJson<SetDpo>,
) -> Result<HttpResponse, AppError> {
    let view =
        organisations::set_dpo(&state, &caller.0, path.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}
