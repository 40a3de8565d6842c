//! Reading tickets: one ticket, its journal and hops, and the lists.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};

use super::access::{visible_ticket, Access};
use super::protection;
use super::views::*;
use crate::db::models::{Queue, Ticket, TicketEvent};
use crate::db::repo::tickets::{After, TicketFilter, TicketOrder, Visibility};
use crate::db::repo::{
    establishments, organisations, queues, ticket_events, ticket_hops, tickets, users,
};
use crate::db::DbConn;
use crate::domain::personal_identifiers::mask_in_place;
use crate::domain::role::Role;
use crate::domain::search_key::search_key;
use crate::domain::service_level_policy::ClockKind;
use crate::domain::ticket_lifecycle::{allowed_actions, TicketStatus};
use crate::domain::ticket_read::ReadPart;
use crate::error::AppError;
use crate::services::caller::{Caller, GrantScope};
use crate::services::cursor;
use crate::services::service_levels::clocks::next_due;
use crate::services::service_levels::views::ClockBoard;
use crate::services::unit_of_work;
use crate::state::AppState;

fn organisation_code(conn: &mut DbConn, id: i64) -> Result<String, AppError> {
    Ok(organisations::find(conn, id)?
        .ok_or_else(|| AppError::Internal(format!("organisation {id} missing")))?
        .code)
}

pub fn queue_ref(conn: &mut DbConn, queue: &Queue) -> Result<QueueRef, AppError> {
    Ok(QueueRef {
        code: queue.code.clone(),
        name: queue.name.clone(),
        level: queue.level,
        organisation: organisation_code(conn, queue.organisation_id)?,
    })
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub fn ticket_view(
    conn: &mut DbConn,
    ticket: Ticket,
    access: &Access,
    now: DateTime<Utc>,
) -> Result<TicketView, AppError> {
    let service_levels = ClockBoard::load(conn, &ticket, now)?.ticket_levels(conn, &ticket)?;
    let establishment = establishments::find(conn, &ticket.establishment_uai)?
        .map(|(e, _, _)| e.name)
        .unwrap_or_default();
    let requester = users::find(conn, ticket.requester_id)?
        .map(|u| u.email)
        .unwrap_or_default();
    let assignee = match ticket.assignee_id {
        Some(id) => users::find(conn, id)?.map(|u| u.email),
        None => None,
    };
    let third_party = match ticket.third_party_editor_id {
        Some(id) => Some(ThirdPartyView {
            editor: organisation_code(conn, id)?,
            external_reference: ticket.third_party_reference.clone(),
        }),
        None => None,
    };
    let parent = match ticket.parent_id {
        Some(id) => tickets::find(conn, id)?.map(|p| p.reference),
        None => None,
    };
    let status: TicketStatus = ticket.status;
    let mut view = TicketView {
        establishment_name: establishment,
        requester,
        ticket_type: ticket.ticket_type,
        impact: ticket.impact,
        urgency: ticket.urgency,
        priority: ticket.priority,
        status,
        pending_reason: ticket.pending_reason,
        level: ticket.level,
        owner_queue: queue_ref(conn, &access.owner_queue)?,
        current_queue: queue_ref(conn, &access.current_queue)?,
        assignee,
        technical_file: ticket.technical_file.0,
        third_party,
        escalation_justification: ticket.escalation_justification,
        is_major: ticket.is_major,
        parent,
        reopen_count: ticket.reopen_count,
        resolved_at: ticket.resolved_at.map(utc),
        created_at: utc(ticket.created_at),
        updated_at: utc(ticket.updated_at),
        version: ticket.version,
        allowed_actions: allowed_actions(status, ticket.pending_reason, &access.parties),
        service_levels,
        resolution: ticket.resolution,
        reference: ticket.reference,
        establishment: ticket.establishment_uai,
        title: ticket.title,
        description: ticket.description,
        category: ticket.category_code,
        masked_for_vendor: Vec::new(),
    };
    if access.vendor {
        protection::mask_ticket(&mut view);
    } else if access.is_agent() {
        view.masked_for_vendor = protection::masked_for_vendor(&view);
    }
    Ok(view)
}

/// The ticket as the caller sees it after a write (its part may have changed with it).
pub fn fresh_view(
    conn: &mut DbConn,
    caller: &Caller,
    ticket: Ticket,
    now: DateTime<Utc>,
) -> Result<TicketView, AppError> {
    let access = super::access::access(conn, caller, &ticket)?.ok_or_else(|| {
        AppError::Internal(format!(
            "{} lost sight of {}",
            caller.label(),
            ticket.reference
        ))
    })?;
    ticket_view(conn, ticket, &access, now)
}

pub async fn get(
    state: &AppState,
    caller: &Caller,
    reference: String,
) -> Result<TicketView, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let (ticket, access) = visible_ticket(tx.conn, caller, &reference)?;
        tx.note_read(caller, &ticket, ReadPart::Ticket, None);
        ticket_view(tx.conn, ticket, &access, tx.now)
    })
    .await
}

/// The journal as the caller may read it: public events, and the internal ones its part
/// in the ticket shows it.
pub async fn events(
    state: &AppState,
    caller: &Caller,
    reference: String,
) -> Result<Vec<EventView>, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let (ticket, access) = visible_ticket(tx.conn, caller, &reference)?;
        tx.note_read(caller, &ticket, ReadPart::Journal, None);
        journal_views(tx.conn, &ticket, &access)
    })
    .await
}

/// The journal of a ticket as `access` may read it.
pub fn journal_views(
    conn: &mut DbConn,
    ticket: &Ticket,
    access: &Access,
) -> Result<Vec<EventView>, AppError> {
    let mut events = ticket_events::list(conn, ticket.id, access.is_agent())?
        .into_iter()
        .filter(|e| access.internal.sees(e.visibility, e.id))
        .map(|e| event_view(conn, e))
        .collect::<Result<Vec<_>, _>>()?;
    if access.vendor {
        protection::mask_events(&mut events);
    }
    Ok(events)
}

/// A journal event as the API shows it.
pub fn event_view(conn: &mut DbConn, e: TicketEvent) -> Result<EventView, AppError> {
    Ok(EventView {
        id: e.id,
        occurred_at: utc(e.occurred_at),
        organisation: e
            .actor_organisation_id
            .map(|id| organisation_code(conn, id))
            .transpose()?,
        kind: e.kind,
        visibility: e.visibility,
        by_service_account: e.actor_client_id.is_some(),
        actor: e.actor_label,
        body: e.body,
        data: e.data.0,
    })
}

pub async fn hops(
    state: &AppState,
    caller: &Caller,
    reference: String,
) -> Result<Vec<HopView>, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let (ticket, access) = visible_ticket(tx.conn, caller, &reference)?;
        if !access.is_agent() {
            return Err(AppError::forbidden(
                "le parcours entre organisations est réservé aux agents",
            ));
        }
        tx.note_read(caller, &ticket, ReadPart::Hops, None);
        hop_list(tx.conn, &ticket, tx.now)
    })
    .await
}

/// The hops of a ticket with their clocks (for agents).
pub fn hop_list(
    conn: &mut DbConn,
    ticket: &Ticket,
    now: DateTime<Utc>,
) -> Result<Vec<HopView>, AppError> {
    let board = ClockBoard::load(conn, ticket, now)?;
    let code = |conn: &mut DbConn, id: i64| -> Result<String, AppError> {
        Ok(queues::find(conn, id)?.map(|q| q.code).unwrap_or_default())
    };
    ticket_hops::list(conn, ticket.id)?
        .into_iter()
        .map(|h| {
            Ok(HopView {
                from_queue: h.from_queue_id.map(|id| code(conn, id)).transpose()?,
                to_queue: code(conn, h.to_queue_id)?,
                reason: h.reason,
                routing_rule: h.routing_rule_id,
                entered_at: utc(h.entered_at),
                first_response_at: h.first_response_at.map(utc),
                left_at: h.left_at.map(utc),
                refused_reason: h.refused_reason,
                response: board.view(conn, Some(h.id), ClockKind::Response)?,
                resolution: board.view(conn, Some(h.id), ClockKind::Resolution)?,
            })
        })
        .collect()
}

/// The tickets a caller's grants reach; 403 for roles that handle no ticket.
pub fn visibility(conn: &mut DbConn, caller: &Caller) -> Result<Visibility, AppError> {
    let mut v = Visibility::default();
    let mut any = false;
    for grant in &caller.grants {
        match (&grant.role, &grant.scope) {
            (Role::Correspondent, GrantScope::Establishment { uai, .. }) => {
                v.establishments.push(uai.clone());
                any = true;
            }
            (Role::GuichetAgent, GrantScope::Organisation { id, .. }) => {
                let ids: Vec<i64> = queues::of_organisation(conn, *id, None, None)?
                    .iter()
                    .map(|q| q.id)
                    .collect();
                v.owner_queues.extend(&ids);
                v.current_queues.extend(&ids);
                v.visited_queues.extend(&ids);
                any = true;
            }
            (
                Role::AuthorityAgent | Role::CollectiviteAgent,
                GrantScope::Organisation { id, .. },
            ) => {
                let ids: Vec<i64> = queues::of_organisation(conn, *id, None, None)?
                    .iter()
                    .map(|q| q.id)
                    .collect();
                v.current_queues.extend(&ids);
                v.visited_queues.extend(&ids);
                any = true;
            }
            (Role::VendorAgent, GrantScope::Organisation { id, .. }) => {
                v.vendors.push(*id);
                any = true;
            }
            _ => {}
        }
    }
    if any {
        Ok(v)
    } else {
        Err(AppError::forbidden("votre rôle ne traite pas de tickets"))
    }
}

/// The filters of a list, as given.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    /// Queue code.
    pub queue: Option<String>,
    pub status: Option<TicketStatus>,
    pub level: Option<i32>,
    pub priority: Option<i32>,
    pub establishment: Option<String>,
    pub category: Option<String>,
    pub text: Option<String>,
    pub breached: Option<bool>,
    pub due_before: Option<DateTime<Utc>>,
    /// By default, priority then age; newest first for a title search.
    pub order: Option<TicketOrder>,
    pub limit: i64,
    pub cursor: Option<String>,
}

const CURSOR_TIME: &str = "%Y-%m-%dT%H:%M:%S%.f";

/// The cursor of a page's last row, in the page's order.
fn encode_cursor(order: TicketOrder, t: &Ticket) -> String {
    match order {
        TicketOrder::Priority => format!(
            "{}|{}|{}",
            t.priority,
            t.created_at.format(CURSOR_TIME),
            t.id
        ),
        TicketOrder::Due => format!("due|{}|{}", t.next_due_at.format(CURSOR_TIME), t.id),
        TicketOrder::Recent => format!("recent|{}", t.id),
    }
}

fn decode_cursor(raw: &str, order: TicketOrder) -> Result<After, AppError> {
    let key = cursor::decode(raw)?;
    let bad = || {
        AppError::invalid_field(
            "cursor",
            "invalid_cursor",
            "curseur de pagination illisible",
        )
    };
    // Both databases store years 1 to 9999 alike; a cursor outside names no ticket.
    let instant = |t: Option<&str>| {
        t.and_then(|t| NaiveDateTime::parse_from_str(t, CURSOR_TIME).ok())
            .filter(|t| (1..=9999).contains(&t.year()))
            .ok_or_else(bad)
    };
    let mut parts = key.splitn(3, '|');
    let first = parts.next();
    let after = match order {
        TicketOrder::Due if first == Some("due") => {
            let due = instant(parts.next())?;
            After::Due(
                due,
                parts.next().and_then(|i| i.parse().ok()).ok_or_else(bad)?,
            )
        }
        TicketOrder::Recent if first == Some("recent") => {
            After::Recent(parts.next().and_then(|i| i.parse().ok()).ok_or_else(bad)?)
        }
        TicketOrder::Priority if first != Some("due") && first != Some("recent") => {
            let priority = first.and_then(|p| p.parse().ok()).ok_or_else(bad)?;
            let created = instant(parts.next())?;
            let id = parts.next().and_then(|i| i.parse().ok()).ok_or_else(bad)?;
            After::Priority(priority, created, id)
        }
        // A cursor of the other order.
        _ => return Err(bad()),
    };
    Ok(after)
}

pub async fn list(
    state: &AppState,
    caller: &Caller,
    query: ListQuery,
) -> Result<TicketPage, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        list_page(tx.conn, caller, query)
    })
    .await
}

/// One page of the tickets the caller's grants reach (also the benchmark's measure).
pub fn list_page(
    conn: &mut DbConn,
    caller: &Caller,
    query: ListQuery,
) -> Result<TicketPage, AppError> {
    let visibility = visibility(conn, caller)?;
    let queue = match &query.queue {
        Some(code) => Some(
            queues::find_by_code(conn, code)?
                .ok_or_else(|| {
                    AppError::invalid_field(
                        "queue",
                        "unknown_queue",
                        format!("file {code} inconnue"),
                    )
                })?
                .id,
        ),
        None => None,
    };
    let text = query.text.map(|t| search_key(&t)).filter(|t| !t.is_empty());
    let order = query.order.unwrap_or(if text.is_some() {
        TicketOrder::Recent
    } else {
        TicketOrder::Priority
    });
    let filter = TicketFilter {
        queue,
        status: query.status,
        level: query.level,
        priority: query.priority,
        establishment: query.establishment,
        category: query.category,
        text,
        breached: query.breached,
        due_before: query.due_before.map(|t| t.naive_utc()),
        order,
        after: query
            .cursor
            .as_deref()
            .map(|c| decode_cursor(c, order))
            .transpose()?,
    };
    let rows = tickets::list(conn, &visibility, &filter, query.limit + 1)?;
    let (rows, next_cursor) = cursor::page(rows, query.limit, |t| encode_cursor(order, t));
    let mut items = Vec::with_capacity(rows.len());
    let ids: Vec<i64> = rows.iter().map(|t| t.id).collect();
    let last_public: HashMap<i64, NaiveDateTime> = ticket_events::last_public(conn, &ids)?
        .into_iter()
        .filter_map(|(id, at)| Some((id, at?)))
        .collect();
    // A page holds few distinct queues: read each once.
    let mut queue_codes: HashMap<i64, String> = HashMap::new();
    let vendor = protection::reads_as_vendor(caller);
    for mut t in rows {
        if vendor {
            mask_in_place(&mut t.title);
        }
        let current_queue = match queue_codes.get(&t.current_queue_id) {
            Some(code) => code.clone(),
            None => {
                let code = queues::find(conn, t.current_queue_id)?
                    .map(|q| q.code)
                    .unwrap_or_default();
                queue_codes.insert(t.current_queue_id, code.clone());
                code
            }
        };
        items.push(TicketSummary {
            last_public_activity_at: last_public.get(&t.id).copied().map(utc),
            status: t.status,
            created_at: utc(t.created_at),
            reference: t.reference,
            establishment: t.establishment_uai,
            title: t.title,
            category: t.category_code,
            priority: t.priority,
            level: t.level,
            current_queue,
            is_major: t.is_major,
            next_due_at: next_due(t.next_due_at),
            breached: t.breached,
        });
    }
    Ok(TicketPage { items, next_cursor })
}
