//! The one place routes are mounted: the server, the tests and the OpenAPI document all use
//! [`routes`].

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::{web, App, Error};
use utoipa::OpenApi;
use utoipa_actix_web::{scope, AppExt, UtoipaApp};
use utoipa_swagger_ui::SwaggerUi;

use crate::http::{
    admin, auth, availability, breaches, calendars, docs, errors, guides, health, json, reference,
    reviews, rights_requests, routing, service_levels, stats, tickets,
};
use crate::openapi::ApiDoc;
use crate::state::AppState;

/// Mounts every route on `app` and collects them into the OpenAPI document.
pub fn routes<T>(app: UtoipaApp<T>) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = Error, InitError = ()>,
{
    app.openapi(ApiDoc::openapi())
        .service(
            scope("/api/v1")
                .service(reference::list_territories)
                .service(reference::list_organisations)
                .service(reference::list_establishments)
                .service(reference::get_establishment)
                .service(reference::list_queues)
                .service(reference::list_categories)
                .service(calendars::list_school_holidays)
                .service(calendars::list_public_holidays)
                .service(auth::issue_token)
                .service(auth::refresh_token)
                .service(auth::logout)
                .service(auth::current_caller)
                .service(auth::change_password)
                .service(auth::notification_preferences)
                .service(auth::set_notification_preferences)
                .service(admin::create_user)
                .service(admin::list_users)
                .service(admin::get_user)
                .service(admin::grant_role)
                .service(admin::revoke_grant)
                .service(admin::export_personal_data)
                .service(admin::erase_user)
                .service(admin::disable_user)
                .service(admin::enable_user)
                .service(admin::set_password)
                .service(admin::create_service_account)
                .service(admin::list_service_accounts)
                .service(admin::revoke_service_account)
                .service(admin::list_audit_events)
                .service(admin::list_access_log)
                .service(admin::list_outbox)
                .service(admin::retry_outbox_message)
                .service(admin::set_organisation_dpo)
                .service(tickets::open_ticket)
                .service(tickets::list_tickets)
                .service(tickets::get_ticket)
                .service(tickets::list_events)
                .service(tickets::list_hops)
                .service(tickets::add_comment)
                .service(tickets::act)
                .service(tickets::qualify)
                .service(tickets::route)
                .service(tickets::refuse)
                .service(tickets::escalate)
                .service(tickets::vendor_answer)
                .service(tickets::declare_major)
                .service(tickets::link_child)
                .service(tickets::provide_information)
                .service(tickets::upload_attachment)
                .service(tickets::list_attachments)
                .service(tickets::download_attachment)
                .service(routing::list_rules)
                .service(routing::create_rule)
                .service(routing::update_rule)
                .service(routing::delete_rule)
                .service(routing::simulate)
                .service(service_levels::list_policies)
                .service(service_levels::create_policy)
                .service(availability::availability)
                .service(availability::list_outages)
                .service(availability::record_outage)
                .service(availability::end_outage)
                .service(stats::figures)
                .service(reviews::list_reviews)
                .service(reviews::create_review)
                .service(reviews::get_review)
                .service(reviews::change_review_status)
                .service(reviews::add_action)
                .service(reviews::change_action_status)
                .service(breaches::list_breaches)
                .service(breaches::declare_breach)
                .service(breaches::get_breach)
                .service(breaches::record_decision)
                .service(rights_requests::list_rights_requests)
                .service(rights_requests::record_rights_request)
                .service(rights_requests::get_rights_request),
        )
        .service(
            scope("/health")
                .service(health::live)
                .service(health::ready),
        )
        .default_service(web::to(errors::no_route))
}

/// The application, ready for `HttpServer` or `actix_web::test::init_service`.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let app = App::new()
        .app_data(web::Data::new(state))
        .app_data(errors::query_config())
        .app_data(errors::path_config())
        .app_data(web::PayloadConfig::new(json::MAX_JSON_BYTES))
        .into_utoipa_app();
    let (app, _) = routes(app).split_for_parts();
    let document = crate::openapi::document_value().clone();
    app.service(docs::docs)
        .configure(crate::web::configure)
        .service(guides::guide)
        .service(
            SwaggerUi::new("/docs/{_:.*}")
                .external_urls_from_iter_unchecked([("/openapi.json", document)]),
        )
        .wrap_fn(|req, srv| {
        let method = req.method().clone();
        let path = req.path().to_owned();
        let started = Instant::now();
        let (call, refused) = match nul_in_request(&req) {
            Some(field) => (None, Some(req.error_response(json::nul_byte(&field)))),
            None => (Some(srv.call(req)), None),
        };
        async move {
            let response = match (call, refused) {
                (Some(call), _) => call.await.map(ServiceResponse::map_into_left_body),
                (None, refused) => Ok(refused
                    .expect("a refused request has its answer")
                    .map_into_right_body()),
            };
            let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
            match &response {
                Ok(r) => tracing::info!(%method, %path, status = r.status().as_u16(), elapsed_ms, "request"),
                Err(e) => tracing::warn!(%method, %path, error = %e, elapsed_ms, "request failed"),
            }
            response
        }
    })
}

/// The query parameter (or the path) whose decoded text holds a NUL character: no database
/// stores one, so it is refused before any handler runs.
fn nul_in_request(req: &ServiceRequest) -> Option<String> {
    if req.path().contains('\0') || req.uri().path().to_ascii_lowercase().contains("%00") {
        return Some("path".to_owned());
    }
    url::form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        .map(|(k, _)| k.replace('\0', ""))
}
