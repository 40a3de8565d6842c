//! Everything a ticket's web page shows, read in one transaction: the ticket, its journal as
//! the caller may read it, its hops (for agents), its attachments, the moves the caller may
//! make and the categories (their labels, and the choice when qualifying).

use super::access::visible_ticket;
use super::attachments::{visible_list, AttachmentView};
use super::chain_moves::{moves_on, ChainMoves};
use super::read::{hop_list, journal_views, ticket_view};
use super::views::{EventView, HopView, TicketView};
use crate::db::repo::categories;
use crate::domain::ticket_read::ReadPart;
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::unit_of_work;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct TicketPage {
    pub ticket: TicketView,
    pub events: Vec<EventView>,
    /// `None` for who is not an agent of the ticket.
    pub hops: Option<Vec<HopView>>,
    pub moves: ChainMoves,
    /// Every category, as (code, label).
    pub categories: Vec<(String, String)>,
    pub attachments: Vec<AttachmentView>,
}

pub async fn ticket_page(
    state: &AppState,
    caller: &Caller,
    reference: String,
) -> Result<TicketPage, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let (ticket, access) = visible_ticket(tx.conn, caller, &reference)?;
        tx.note_read(caller, &ticket, ReadPart::Page, None);
        let events = journal_views(tx.conn, &ticket, &access)?;
        let hops = if access.is_agent() {
            Some(hop_list(tx.conn, &ticket, tx.now)?)
        } else {
            None
        };
        let moves = moves_on(tx.conn, caller, &ticket, &access)?;
        let attachments = visible_list(tx.conn, ticket.id, &access)?;
        let categories = categories::list(tx.conn)?
            .into_iter()
            .map(|c| (c.code, c.label))
            .collect();
        let ticket = ticket_view(tx.conn, ticket, &access, tx.now)?;
        Ok(TicketPage {
            ticket,
            events,
            hops,
            moves,
            categories,
            attachments,
        })
    })
    .await
}
