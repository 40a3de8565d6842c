//! What a caller may see and do on one ticket.
//!
//! - A correspondent of the ticket's school is its requester: the ticket and its public
//!   journal.
//! - The owner authority (the level-1 authority accountable to the school) always sees the
//!   whole ticket; its guichet agents act as the guichet.
//! - The organisation whose queue holds the ticket handles it and sees it whole.
//! - Any other organisation whose queue the ticket passed through (it handed the ticket on,
//!   or refused it) keeps what it saw while it held it: the ticket, its public journal and
//!   the internal events up to its leaving, not those written after; it may not comment.

use crate::db::models::{Queue, Ticket};
use crate::db::repo::{queues, ticket_hops, tickets};
use crate::db::DbConn;
use crate::domain::journal::Visibility;
use crate::domain::role::Role;
use crate::domain::ticket_lifecycle::Party;
use crate::error::AppError;
use crate::services::caller::{Caller, GrantScope};

use super::not_found;

/// How much of the internal journal a caller reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InternalSight {
    None,
    /// Internal events up to this event id (an organisation the ticket left).
    UpTo(i64),
    All,
}

impl InternalSight {
    pub fn sees(self, visibility: Visibility, event_id: i64) -> bool {
        match (visibility, self) {
            (Visibility::Public, _) | (_, Self::All) => true,
            (Visibility::Internal, Self::UpTo(last)) => event_id <= last,
            (Visibility::Internal, Self::None) => false,
        }
    }
}

/// The caller's part in a ticket.
#[derive(Debug, Clone)]
pub struct Access {
    pub parties: Vec<Party>,
    pub internal: InternalSight,
    /// An agent of the ticket's owner authority.
    pub owner_authority: bool,
    /// The organisation the caller acts for on this ticket, for the journal.
    pub acting_organisation: Option<i64>,
    pub owner_queue: Queue,
    pub current_queue: Queue,
    /// The caller reads it as the vendor: its texts masked (see `protection`).
    pub vendor: bool,
}

impl Access {
    pub fn is(&self, party: Party) -> bool {
        self.parties.contains(&party)
    }

    /// Agents (present or past holders, the owner authority) see the journal's internal
    /// side, at least in part, and the hops.
    pub fn is_agent(&self) -> bool {
        self.internal != InternalSight::None
    }

    /// The requester, the handler, the guichet and the owner authority take part in the
    /// conversation; an organisation the ticket left does not.
    pub fn may_comment(&self) -> bool {
        !self.parties.is_empty() || self.owner_authority
    }

    /// Internal notes are written by those who see the whole journal.
    pub fn may_write_internal(&self) -> bool {
        self.internal == InternalSight::All && self.may_comment()
    }

    /// The scheduled jobs' view: everything.
    pub fn system(owner_queue: Queue, current_queue: Queue) -> Self {
        Self {
            parties: vec![Party::System],
            internal: InternalSight::All,
            owner_authority: false,
            acting_organisation: None,
            owner_queue,
            current_queue,
            vendor: false,
        }
    }
}

pub fn queue(conn: &mut DbConn, id: i64) -> Result<Queue, AppError> {
    queues::find(conn, id)?.ok_or_else(|| AppError::Internal(format!("queue {id} missing")))
}

/// The caller's access to a ticket; `None` when it may not see it at all.
pub fn access(
    conn: &mut DbConn,
    caller: &Caller,
    ticket: &Ticket,
) -> Result<Option<Access>, AppError> {
    let owner_queue = queue(conn, ticket.owner_queue_id)?;
    let current_queue = queue(conn, ticket.current_queue_id)?;
    let agent_of: Vec<(Role, i64)> = caller
        .grants
        .iter()
        .filter_map(|g| match (&g.role, &g.scope) {
            (role, GrantScope::Organisation { id, .. }) if role.is_agent() => Some((*role, *id)),
            _ => None,
        })
        .collect();
    // Past stays of the caller's organisations, read only for agents.
    let mut past_stays = Vec::new();
    if !agent_of.is_empty() {
        for hop in ticket_hops::list(conn, ticket.id)? {
            if hop.left_at.is_some() {
                let organisation = queue(conn, hop.to_queue_id)?.organisation_id;
                past_stays.push((organisation, hop.left_event_id.unwrap_or(0)));
            }
        }
    }
    let mut access = Access {
        parties: Vec::new(),
        internal: InternalSight::None,
        owner_authority: false,
        acting_organisation: None,
        owner_queue,
        current_queue,
        vendor: false,
    };
    let mut sees = false;
    for grant in &caller.grants {
        if let (Role::Correspondent, GrantScope::Establishment { uai, .. }) =
            (&grant.role, &grant.scope)
        {
            if *uai == ticket.establishment_uai {
                access.parties.push(Party::Requester);
                sees = true;
            }
        }
    }
    for (role, organisation) in agent_of {
        if organisation == access.current_queue.organisation_id {
            access.parties.push(Party::Handler);
            access.acting_organisation = Some(organisation);
            access.internal = InternalSight::All;
            sees = true;
        }
        if organisation == access.owner_queue.organisation_id {
            if role == Role::GuichetAgent {
                access.parties.push(Party::Guichet);
            }
            access.owner_authority = true;
            access.acting_organisation = access.acting_organisation.or(Some(organisation));
            access.internal = InternalSight::All;
            sees = true;
        }
        if let Some(last) = past_stays
            .iter()
            .filter(|(o, _)| *o == organisation)
            .map(|(_, last)| *last)
            .max()
        {
            access.internal = access.internal.max(InternalSight::UpTo(last));
            access.acting_organisation = access.acting_organisation.or(Some(organisation));
            sees = true;
        }
    }
    access.parties.dedup();
    access.vendor = super::protection::reads_as_vendor(caller) && !access.owner_authority;
    Ok(sees.then_some(access))
}

/// The ticket and the caller's access to it, or 404.
pub fn visible_ticket(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
) -> Result<(Ticket, Access), AppError> {
    let ticket =
        tickets::find_by_reference(conn, reference)?.ok_or_else(|| not_found(reference))?;
    let access = access(conn, caller, &ticket)?.ok_or_else(|| not_found(reference))?;
    Ok((ticket, access))
}
