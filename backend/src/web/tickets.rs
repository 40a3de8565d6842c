//! The list of the tickets a person may see: a correspondent's schools, an agent's queues,
//! sorted as the API sorts them, a page at a time.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::render::{page, Frame};
use super::session::{SignedIn, WebError};
use crate::domain::french;
use crate::domain::ticket_lifecycle::TicketStatus;
use crate::services::tickets::read::{self, ListQuery};
use crate::services::tickets::views::TicketSummary;
use crate::state::AppState;

/// Tickets per page.
const PAGE: i64 = 50;

#[derive(Debug, Deserialize)]
pub struct ListParams {
    statut: Option<String>,
    suite: Option<String>,
}

/// The DSFR badge of a status.
fn badge(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::New => "fr-badge--new",
        TicketStatus::Assigned | TicketStatus::InProgress => "fr-badge--info",
        TicketStatus::Pending => "fr-badge--warning",
        TicketStatus::Resolved => "fr-badge--success",
        TicketStatus::Closed | TicketStatus::Cancelled => "",
    }
}

fn row(t: &TicketSummary, zone: chrono_tz::Tz) -> serde_json::Value {
    json!({
        "reference": t.reference,
        "title": t.title,
        "establishment": t.establishment,
        "status": french::ticket_status(t.status),
        "badge": badge(t.status),
        "priority": t.priority,
        "opened": french::date_time(t.created_at, zone),
        "breached": t.breached,
    })
}

/// `GET /tickets`: the caller's tickets, filtered by status.
#[get("/tickets")]
pub async fn list(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, WebError> {
    let params = params.into_inner();
    // An unknown status in the address shows every ticket rather than an error.
    let status = params
        .statut
        .as_deref()
        .and_then(|s| s.parse::<TicketStatus>().ok());
    let query = ListQuery {
        status,
        limit: PAGE,
        cursor: params.suite.filter(|c| !c.is_empty()),
        ..ListQuery::default()
    };
    let found = read::list(&state, &signed_in.session.caller, query).await?;
    let zone = chrono_tz::Europe::Paris;
    let statuses: Vec<_> = TicketStatus::ALL
        .iter()
        .map(|s| {
            json!({
                "value": s.as_str(),
                "label": french::ticket_status(*s),
                "selected": Some(*s) == status,
            })
        })
        .collect();
    let frame = Frame::signed_in(
        &signed_in.session,
        state.settings.web_state_brand,
        "tickets",
        "Tickets",
    );
    Ok(page(
        StatusCode::OK,
        "tickets",
        &frame,
        json!({
            "tickets": found.items.iter().map(|t| row(t, zone)).collect::<Vec<_>>(),
            "statuses": statuses,
            "status": status.map(TicketStatus::as_str),
            "next": found.next_cursor,
        }),
    ))
}
