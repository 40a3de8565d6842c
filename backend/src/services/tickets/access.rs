//! What a caller may see and do on one ticket.

use crate::db::models::{Queue, Ticket};
use crate::db::repo::{queues, ticket_hops, tickets};
use crate::db::DbConn;
use crate::domain::role::Role;
use crate::domain::ticket_lifecycle::Party;
use crate::error::AppError;
use crate::services::caller::{Caller, GrantScope};

use super::not_found;

/// The caller's part in a ticket.
#[derive(Debug, Clone)]
pub struct Access {
    pub parties: Vec<Party>,
    /// Agents see internal notes; correspondents do not.
    pub sees_internal: bool,
    /// The organisation the caller acts for on this ticket, for the journal.
    pub acting_organisation: Option<i64>,
    pub owner_queue: Queue,
    pub current_queue: Queue,
}

impl Access {
    pub fn is(&self, party: Party) -> bool {
        self.parties.contains(&party)
    }
}

fn queue(conn: &mut DbConn, id: i64) -> Result<Queue, AppError> {
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
    let mut parties = Vec::new();
    let mut sees = false;
    let mut sees_internal = false;
    let mut acting_organisation = None;
    // Organisations whose queues the ticket passed through (their agents keep sight of it).
    let needs_visits = caller.grants.iter().any(|g| {
        matches!(
            g.role,
            Role::AuthorityAgent | Role::CollectiviteAgent | Role::GuichetAgent
        )
    });
    let visited = if needs_visits {
        let mut orgs = Vec::new();
        for hop in ticket_hops::list(conn, ticket.id)? {
            orgs.push(queue(conn, hop.to_queue_id)?.organisation_id);
        }
        orgs
    } else {
        Vec::new()
    };
    for grant in &caller.grants {
        match (&grant.role, &grant.scope) {
            (Role::Correspondent, GrantScope::Establishment { uai, .. })
                if *uai == ticket.establishment_uai =>
            {
                parties.push(Party::Requester);
                sees = true;
            }
            (role, GrantScope::Organisation { id, .. }) => {
                let agent = matches!(
                    role,
                    Role::GuichetAgent
                        | Role::AuthorityAgent
                        | Role::CollectiviteAgent
                        | Role::VendorAgent
                );
                if !agent {
                    continue;
                }
                if *role == Role::GuichetAgent && *id == owner_queue.organisation_id {
                    parties.push(Party::Guichet);
                    acting_organisation = acting_organisation.or(Some(*id));
                    sees = true;
                    sees_internal = true;
                }
                if *id == current_queue.organisation_id {
                    parties.push(Party::Handler);
                    acting_organisation = Some(*id);
                    sees = true;
                    sees_internal = true;
                }
                let handed_to_vendor = *role == Role::VendorAgent && ticket.vendor_id == Some(*id);
                let visited_by_org = *role != Role::VendorAgent && visited.contains(id);
                if handed_to_vendor || visited_by_org {
                    sees = true;
                    sees_internal = true;
                    acting_organisation = acting_organisation.or(Some(*id));
                }
            }
            _ => {}
        }
    }
    if !sees {
        return Ok(None);
    }
    Ok(Some(Access {
        parties,
        sees_internal,
        acting_organisation,
        owner_queue,
        current_queue,
    }))
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
