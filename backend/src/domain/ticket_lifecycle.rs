//! The ticket lifecycle (ITIL): which action moves a ticket from which status to which, and
//! which party may take it. One table, tested cell by cell.

use crate::text_enum;

text_enum! {
    TicketStatus {
        New => "new",
        Assigned => "assigned",
        InProgress => "in_progress",
        Pending => "pending",
        Resolved => "resolved",
        Closed => "closed",
        Cancelled => "cancelled",
    }
}

text_enum! {
    /// Whom a pending ticket waits for.
    PendingReason {
        Requester => "requester",
        ThirdParty => "third_party",
        VendorInfo => "vendor_info",
    }
}

text_enum! {
    TicketAction {
        /// Give the ticket to an agent of its current queue.
        Assign => "assign",
        /// Begin the treatment.
        Start => "start",
        /// Wait for someone (with a pending reason).
        Suspend => "suspend",
        /// Take a pending ticket back.
        Resume => "resume",
        Resolve => "resolve",
        /// Confirm a resolution (the requester, or the auto-close job).
        Close => "close",
        /// Refuse a resolution.
        Reopen => "reopen",
        Cancel => "cancel",
    }
}

/// Who acts on a ticket, relative to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    /// A correspondent of the ticket's establishment.
    Requester,
    /// An agent of the organisation whose queue holds the ticket.
    Handler,
    /// A guichet agent of the ticket's owner authority.
    Guichet,
    /// The scheduled jobs.
    System,
}

use Party::*;
use TicketAction::*;
use TicketStatus::*;

/// (from, action, to, who may).
const TRANSITIONS: &[(TicketStatus, TicketAction, TicketStatus, &[Party])] = &[
    (New, Assign, Assigned, &[Handler, Guichet]),
    (Assigned, Assign, Assigned, &[Handler, Guichet]),
    (InProgress, Assign, InProgress, &[Handler, Guichet]),
    (New, Start, InProgress, &[Handler]),
    (Assigned, Start, InProgress, &[Handler]),
    (InProgress, Suspend, Pending, &[Handler]),
    (Pending, Resume, InProgress, &[Handler, Requester]),
    (InProgress, Resolve, Resolved, &[Handler]),
    (Pending, Resolve, Resolved, &[Handler]),
    (Resolved, Close, Closed, &[Requester, System]),
    (Resolved, Reopen, InProgress, &[Requester]),
    (New, Cancel, Cancelled, &[Requester, Guichet]),
    (Assigned, Cancel, Cancelled, &[Requester, Guichet]),
    (InProgress, Cancel, Cancelled, &[Guichet]),
    (Pending, Cancel, Cancelled, &[Guichet]),
];

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionError {
    /// No such move from this status.
    Invalid,
    /// The move exists, but not for this party.
    NotYours,
}

/// The status `action` leads to from `from`, if `party` may take it. A requester resumes
/// only a wait for itself: what the vendor waits for is the authority's to give.
pub fn transition(
    from: TicketStatus,
    pending: Option<PendingReason>,
    action: TicketAction,
    party: Party,
) -> Result<TicketStatus, TransitionError> {
    let (_, _, to, parties) = TRANSITIONS
        .iter()
        .find(|(f, a, _, _)| *f == from && *a == action)
        .ok_or(TransitionError::Invalid)?;
    let waits_for_another =
        action == Resume && party == Requester && pending != Some(PendingReason::Requester);
    if parties.contains(&party) && !waits_for_another {
        Ok(*to)
    } else {
        Err(TransitionError::NotYours)
    }
}

/// The actions open from a status to any of `parties` (for the API's `allowed_actions`).
pub fn allowed_actions(
    from: TicketStatus,
    pending: Option<PendingReason>,
    parties: &[Party],
) -> Vec<TicketAction> {
    TRANSITIONS
        .iter()
        .filter(|(f, a, _, _)| {
            *f == from
                && parties
                    .iter()
                    .any(|p| transition(from, pending, *a, *p).is_ok())
        })
        .map(|(_, a, _, _)| *a)
        .collect()
}

/// Whether the treatment is over: resolved (awaiting confirmation), closed or cancelled.
pub fn treatment_over(status: TicketStatus) -> bool {
    matches!(status, Resolved | Closed | Cancelled)
}

/// Whether a status ends the ticket's life.
pub fn is_final(status: TicketStatus) -> bool {
    matches!(status, Closed | Cancelled)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTIES: [Party; 4] = [Requester, Handler, Guichet, System];

    /// The whole table written out: every (status, action) pair not listed is invalid.
    #[test]
    fn every_cell_of_the_lifecycle() {
        let expected: &[(TicketStatus, TicketAction, TicketStatus, &[Party])] = &[
            (New, Assign, Assigned, &[Handler, Guichet]),
            (Assigned, Assign, Assigned, &[Handler, Guichet]),
            (InProgress, Assign, InProgress, &[Handler, Guichet]),
            (New, Start, InProgress, &[Handler]),
            (Assigned, Start, InProgress, &[Handler]),
            (InProgress, Suspend, Pending, &[Handler]),
            (Pending, Resume, InProgress, &[Handler, Requester]),
            (InProgress, Resolve, Resolved, &[Handler]),
            (Pending, Resolve, Resolved, &[Handler]),
            (Resolved, Close, Closed, &[Requester, System]),
            (Resolved, Reopen, InProgress, &[Requester]),
            (New, Cancel, Cancelled, &[Requester, Guichet]),
            (Assigned, Cancel, Cancelled, &[Requester, Guichet]),
            (InProgress, Cancel, Cancelled, &[Guichet]),
            (Pending, Cancel, Cancelled, &[Guichet]),
        ];
        for from in TicketStatus::ALL {
            for action in TicketAction::ALL {
                let row = expected
                    .iter()
                    .find(|(f, a, _, _)| f == from && a == action);
                for party in PARTIES {
                    let got = transition(*from, Some(PendingReason::Requester), *action, party);
                    let want = match row {
                        None => Err(TransitionError::Invalid),
                        Some((_, _, to, who)) if who.contains(&party) => Ok(*to),
                        Some(_) => Err(TransitionError::NotYours),
                    };
                    assert_eq!(got, want, "{from} --{action}--> by {party:?}");
                }
            }
        }
    }

    #[test]
    fn final_statuses_allow_nothing() {
        for status in [Closed, Cancelled] {
            assert!(is_final(status));
            assert!(allowed_actions(status, None, &PARTIES).is_empty());
        }
    }

    #[test]
    fn a_requester_may_close_or_reopen_a_resolved_ticket() {
        assert_eq!(
            allowed_actions(Resolved, None, &[Requester]),
            vec![Close, Reopen]
        );
    }

    #[test]
    fn a_requester_resumes_only_a_wait_for_itself() {
        assert_eq!(
            transition(
                Pending,
                Some(PendingReason::Requester),
                Resume,
                Party::Requester
            ),
            Ok(InProgress)
        );
        for other in [PendingReason::VendorInfo, PendingReason::ThirdParty] {
            assert_eq!(
                transition(Pending, Some(other), Resume, Party::Requester),
                Err(TransitionError::NotYours)
            );
            assert_eq!(
                transition(Pending, Some(other), Resume, Handler),
                Ok(InProgress)
            );
            assert!(!allowed_actions(Pending, Some(other), &[Party::Requester]).contains(&Resume));
        }
    }
}
