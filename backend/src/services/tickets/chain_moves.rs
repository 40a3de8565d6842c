//! Which moves along the chain a caller may make on a ticket now, besides its lifecycle
//! actions: qualify it (its owner authority's guichet), orient it (the guichet, or whoever
//! holds it) and to which queues of its territory, refuse a hand-off (whoever received it).
//! The pages offer only these; the writes check again.

use serde::Serialize;

use super::access::visible_ticket;
use crate::db::repo::queues::{self, QueueFilter};
use crate::domain::ticket_lifecycle::{is_final, Party};
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::unit_of_work;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize)]
pub struct QueueChoice {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ChainMoves {
    pub qualify: bool,
    pub route: bool,
    pub refuse: bool,
    /// The level-0/1 queues of the ticket's territory it may be handed to (not its own).
    pub targets: Vec<QueueChoice>,
}

pub async fn chain_moves(
    state: &AppState,
    caller: &Caller,
    reference: String,
) -> Result<ChainMoves, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let (ticket, access) = visible_ticket(tx.conn, caller, &reference)?;
        let open = !is_final(ticket.status);
        let guichet = access.is(Party::Guichet);
        let handler = access.is(Party::Handler);
        let mut moves = ChainMoves {
            qualify: open && guichet,
            route: open && (guichet || handler),
            refuse: open && handler && !guichet,
            targets: Vec::new(),
        };
        if moves.route {
            moves.targets = queues::list(tx.conn, &QueueFilter::default())?
                .into_iter()
                .filter(|(q, o)| {
                    q.level <= 1
                        && q.id != ticket.current_queue_id
                        && o.territory_code.as_deref() == Some(ticket.territory_code.as_str())
                })
                .map(|(q, o)| QueueChoice {
                    label: format!("{} — {}", o.name, q.name),
                    code: q.code,
                })
                .collect();
        }
        Ok(moves)
    })
    .await
}
