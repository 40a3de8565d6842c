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
use crate::error::AppError;
use crate::services::caller::GrantScope;
use crate::services::reference::{list_categories, list_queues};
use crate::services::tickets::read::{self, ListQuery};
use crate::services::tickets::views::{TicketPage, TicketSummary};
use crate::state::AppState;

/// Tickets per page.
const PAGE: i64 = 50;

/// The filters of the list, as the address carries them (unreadable values are ignored:
/// the list shows more rather than an error).
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    statut: Option<String>,
    priorite: Option<String>,
    niveau: Option<String>,
    file: Option<String>,
    categorie: Option<String>,
    etablissement: Option<String>,
    q: Option<String>,
    suite: Option<String>,
}

fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn number_in(value: &Option<String>, low: i32, high: i32) -> Option<i32> {
    given(value)
        .and_then(|v| v.parse::<i32>().ok())
        .filter(|n| (low..=high).contains(n))
}

/// The filters as the address of the next page carries them.
fn filters_of(params: &ListParams) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("statut", &params.statut),
        ("priorite", &params.priorite),
        ("niveau", &params.niveau),
        ("file", &params.file),
        ("categorie", &params.categorie),
        ("etablissement", &params.etablissement),
        ("q", &params.q),
    ] {
        if let Some(value) = given(value) {
            query.append_pair(name, &value);
        }
    }
    query.finish()
}

/// Options of a select: `(value, label)`, the one chosen marked.
fn options(choices: Vec<(String, String)>, chosen: Option<&str>) -> Vec<serde_json::Value> {
    choices
        .into_iter()
        .map(|(value, label)| {
            json!({ "selected": Some(value.as_str()) == chosen, "value": value, "label": label })
        })
        .collect()
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
        "last_activity": t.last_public_activity_at.map(|at| french::date_time(at, zone)),
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
    let caller = &signed_in.session.caller;
    let status = given(&params.statut).and_then(|s| s.parse::<TicketStatus>().ok());
    let query = ListQuery {
        status,
        priority: number_in(&params.priorite, 1, 5),
        level: number_in(&params.niveau, 0, 3),
        queue: given(&params.file),
        category: given(&params.categorie),
        establishment: given(&params.etablissement).map(|u| u.to_uppercase()),
        text: given(&params.q),
        limit: PAGE,
        cursor: given(&params.suite),
        ..ListQuery::default()
    };
    let (found, notice) = match read::list(&state, caller, query).await {
        Ok(page) => (page, None),
        // An unknown queue or a stale cursor: say so above an empty list.
        Err(AppError::Invalid { detail, .. }) => (
            TicketPage {
                items: Vec::new(),
                next_cursor: None,
            },
            Some(detail),
        ),
        Err(e) => return Err(e.into()),
    };
    let zone = chrono_tz::Europe::Paris;
    let statuses = options(
        TicketStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_owned(), french::ticket_status(*s).to_owned()))
            .collect(),
        status.map(TicketStatus::as_str),
    );
    let chosen = |v: &Option<String>| given(v);
    let priorities = options(
        (1..=5).map(|p| (p.to_string(), format!("P{p}"))).collect(),
        chosen(&params.priorite).as_deref(),
    );
    let levels = options(
        (0..=3)
            .map(|l| (l.to_string(), format!("Niveau {l}")))
            .collect(),
        chosen(&params.niveau).as_deref(),
    );
    let categories = options(
        list_categories(&state)
            .await?
            .items
            .into_iter()
            .map(|c| (c.code, c.label))
            .collect(),
        chosen(&params.categorie).as_deref(),
    );
    let mut queues = Vec::new();
    for grant in &caller.grants {
        if let GrantScope::Organisation { code, .. } = &grant.scope {
            for q in list_queues(&state, Some(code.clone()), None).await?.items {
                queues.push((q.code, q.name));
            }
        }
    }
    let queues = options(queues, chosen(&params.file).as_deref());
    let filters = filters_of(&params);
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
            "priorities": priorities,
            "levels": levels,
            "categories": categories,
            "queues": queues,
            "establishment": given(&params.etablissement),
            "q": given(&params.q),
            "notice": notice,
            "next": found.next_cursor.map(|cursor| {
                let mut next = url::form_urlencoded::Serializer::new(filters.clone());
                next.append_pair("suite", &cursor);
                next.finish()
            }),
        }),
    ))
}
