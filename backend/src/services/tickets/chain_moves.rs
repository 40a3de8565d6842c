//! Which moves along the chain a caller may make on a ticket now, besides its lifecycle
//! actions: qualify it (its owner authority's guichet), orient it (the guichet, or whoever
//! holds it) and to which queues of its territory, refuse a hand-off (whoever received it),
//! escalate it (with what its technical file still lacks), answer as the vendor, give the
//! information it waits for, declare it a major incident and link tickets to it. The pages offer only these; the writes check again.

use serde::Serialize;

use super::access::{visible_ticket, Access};
use super::actions::waits_for;
use super::escalation::{answers_for_vendor, may_escalate, required_elements};
use crate::db::models::Ticket;
use crate::db::repo::establishments;
use crate::db::repo::queues::{self, QueueFilter};
use crate::db::DbConn;
use crate::domain::technical_file::TechnicalElement;
use crate::domain::ticket_lifecycle::{is_final, Party, TicketStatus};
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::routing_rules::{simulation, Simulation};
use crate::services::unit_of_work;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize)]
pub struct QueueChoice {
    pub code: String,
    pub label: String,
}

/// An escalation the caller may ask for.
#[derive(Debug, Clone, Serialize)]
pub struct EscalationMove {
    /// 2 (to the vendor) or 3 (inside the vendor).
    pub to_level: i32,
    /// What the category requires before the vendor (empty towards level 3).
    pub required: Vec<TechnicalElement>,
    /// Which of them the ticket's technical file lacks.
    pub missing: Vec<TechnicalElement>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ChainMoves {
    pub qualify: bool,
    pub route: bool,
    pub refuse: bool,
    /// The level-0/1 queues of the ticket's territory it may be handed to (not its own).
    pub targets: Vec<QueueChoice>,
    pub escalate: Option<EscalationMove>,
    /// The caller answers in the name of the vendor holding the ticket.
    pub vendor_answer: bool,
    /// The ticket waits for information from the caller.
    pub provide_information: bool,
    /// The caller may comment and attach files.
    pub comment: bool,
    /// Where the authority's rules would send it now, and why (beside « orient by rule »).
    pub by_rule: Option<Simulation>,
    /// The guichet may declare it a major incident.
    pub declare_major: bool,
    /// The guichet may link other tickets to it (a major incident, open).
    pub link_children: bool,
}

pub async fn chain_moves(
    state: &AppState,
    caller: &Caller,
    reference: String,
) -> Result<ChainMoves, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let (ticket, access) = visible_ticket(tx.conn, caller, &reference)?;
        moves_on(tx.conn, caller, &ticket, &access)
    })
    .await
}

/// The moves `access` allows on `ticket`.
pub fn moves_on(
    conn: &mut DbConn,
    caller: &Caller,
    ticket: &Ticket,
    access: &Access,
) -> Result<ChainMoves, AppError> {
    let open = !is_final(ticket.status);
    let guichet = access.is(Party::Guichet);
    let handler = access.is(Party::Handler);
    let unresolved = open && ticket.status != TicketStatus::Resolved;
    let mut moves = ChainMoves {
        qualify: open && guichet,
        route: open && (guichet || handler),
        refuse: open && handler && !guichet,
        targets: Vec::new(),
        escalate: None,
        vendor_answer: unresolved && answers_for_vendor(Some(caller), access),
        provide_information: waits_for(ticket, access) == Some(true),
        comment: access.may_comment(),
        by_rule: None,
        declare_major: open && guichet && !ticket.is_major && ticket.parent_id.is_none(),
        link_children: open && guichet && ticket.is_major,
    };
    if unresolved && (1..=2).contains(&ticket.level) && may_escalate(ticket.level, access) {
        let required = if ticket.level == 1 {
            required_elements(conn, &ticket.category_code)?
        } else {
            Vec::new()
        };
        moves.escalate = Some(EscalationMove {
            to_level: ticket.level + 1,
            missing: ticket.technical_file.0.missing(&required),
            required,
        });
    }
    if moves.route {
        let (school, authority, collectivite) =
            establishments::find(conn, &ticket.establishment_uai)?
                .ok_or_else(|| AppError::Internal("ticket without establishment".into()))?;
        moves.by_rule = Some(simulation(
            conn,
            (&school, &authority, &collectivite),
            &ticket.category_code,
        )?);
        let territory = QueueFilter {
            territory: Some(ticket.territory_code.clone()),
            ..QueueFilter::default()
        };
        moves.targets = queues::list(conn, &territory)?
            .into_iter()
            .filter(|(q, _)| q.level <= 1 && q.id != ticket.current_queue_id)
            .map(|(q, o)| QueueChoice {
                label: format!("{} — {}", o.name, q.name),
                code: q.code,
            })
            .collect();
    }
    Ok(moves)
}
