//! Who is told what: from one write's journal events to the notices it sends, each to an
//! audience that the outbox resolves to people from their role grants at that moment.
//! Internal events never reach a school.

use serde_json::Value;

use super::journal::Visibility;
use crate::text_enum;

text_enum! {
    /// What a message announces.
    Notice {
        /// To the requester: the ticket is registered (mandatory).
        TicketAcknowledged => "ticket_acknowledged",
        /// To the agents of the organisation whose queue receives the ticket.
        QueueArrival => "queue_arrival",
        /// To the agents of the organisation a refused hand-off returns to.
        HandOffRefused => "hand_off_refused",
        /// To the owner authority: the vendor asks for information.
        VendorQuestion => "vendor_question",
        /// To the owner authority and the requester: a workaround or the solution.
        VendorAnswer => "vendor_answer",
        /// To the requester: an agent's public comment.
        AgentComment => "agent_comment",
        /// To the requester: the ticket waits for the school's information.
        InformationRequested => "information_requested",
        /// To the requester: resolved, how to confirm or reopen (mandatory).
        Resolved => "resolved",
        /// To the agents of the handling organisation: the school reopened it.
        Reopened => "reopened",
        /// To the correspondents of every linked school.
        MajorDeclared => "major_declared",
        /// To the correspondents of every linked school.
        MajorResolved => "major_resolved",
        /// To an agent who chose it: the day's queue arrivals in one message.
        QueueDigest => "queue_digest",
        /// To the agents of the organisation whose clock nears its target.
        ServiceLevelWarning => "service_level_warning",
        /// To the agents of the organisation whose clock passed its target.
        ServiceLevelBreach => "service_level_breach",
        /// To a territory's steering users: the month's review is drafted.
        ReviewDrafted => "review_drafted",
        /// To the agents of a partner organisation: its own figures of the month.
        MonthlyFigures => "monthly_figures",
        /// To the people acting for the controller a breach designates: notify within 72 h.
        BreachToNotify => "breach_to_notify",
        /// To the same: 24 h left, 6 h left, the deadline passed.
        BreachDeadline => "breach_deadline",
        /// To each DPD of the territory: a breach declared, then its decision.
        BreachDpoInformation => "breach_dpo_information",
        /// To the people acting for the competent controller: a rights request forwarded.
        RightsRequestForwarded => "rights_request_forwarded",
    }
}

impl Notice {
    /// A user may not mute it.
    pub fn is_mandatory(self) -> bool {
        matches!(
            self,
            Notice::TicketAcknowledged
                | Notice::Resolved
                | Notice::BreachToNotify
                | Notice::BreachDeadline
                | Notice::BreachDpoInformation
                | Notice::RightsRequestForwarded
        )
    }

    /// What a person may mute: the digest goes with the queue notices it gathers.
    pub fn may_be_muted(self) -> bool {
        !self.is_mandatory() && self != Notice::QueueDigest
    }
}

text_enum! {
    /// Where an outbox row stands.
    OutboxState {
        /// To send (now, or at its next attempt).
        Pending => "pending",
        /// A queue notice held for its recipient's daily digest.
        Digest => "digest",
        Sent => "sent",
        /// Refused for good, or retries exhausted: an admin may retry it.
        Dead => "dead",
    }
}

/// Who a notice goes to, before it is resolved to people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// The person who opened the ticket.
    Requester,
    /// The agents of the organisation of this queue (by code).
    QueueOrganisation(String),
    /// The agents of the academic authority accountable for the ticket.
    OwnerAuthority,
    /// The agents of the organisation holding the ticket.
    HandlingOrganisation,
    /// The correspondents of the ticket's school and of every linked ticket's school.
    LinkedSchools,
}

impl Audience {
    /// Reaches people of the schools.
    fn is_school(&self) -> bool {
        matches!(self, Audience::Requester | Audience::LinkedSchools)
    }
}

/// One journal event of a write, as the planner needs it.
#[derive(Debug, Clone)]
pub struct Announced<'a> {
    pub kind: &'a str,
    pub visibility: Visibility,
    pub data: &'a Value,
    /// Written by the requester (their own comment is not announced back to them).
    pub by_requester: bool,
}

fn text<'a>(data: &'a Value, key: &str) -> &'a str {
    data.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// The notices one event sends.
fn notices_of(event: &Announced, is_major: bool) -> Vec<(Notice, Audience)> {
    use Audience::*;
    let data = event.data;
    let mut notices = match event.kind {
        "opened" if text(data, "status") != "closed" => vec![
            (Notice::TicketAcknowledged, Requester),
            (
                Notice::QueueArrival,
                QueueOrganisation(text(data, "queue").to_owned()),
            ),
        ],
        // A refused hand-off says so itself (below), not as an arrival.
        "queue_changed" if text(data, "action") != "refuse" => vec![(
            Notice::QueueArrival,
            QueueOrganisation(text(data, "to").to_owned()),
        )],
        "hand_off_refused" => vec![(
            Notice::HandOffRefused,
            QueueOrganisation(text(data, "back_to").to_owned()),
        )],
        "vendor_question" => vec![(Notice::VendorQuestion, OwnerAuthority)],
        "vendor_workaround" | "vendor_solution" => vec![
            (Notice::VendorAnswer, OwnerAuthority),
            (Notice::VendorAnswer, Requester),
        ],
        "comment" if !event.by_requester => vec![(Notice::AgentComment, Requester)],
        "major_incident_declared" => vec![(Notice::MajorDeclared, LinkedSchools)],
        "service_level_warning" => vec![(
            Notice::ServiceLevelWarning,
            QueueOrganisation(text(data, "queue").to_owned()),
        )],
        "service_level_breach" => vec![(
            Notice::ServiceLevelBreach,
            QueueOrganisation(text(data, "queue").to_owned()),
        )],
        "status_changed" => {
            let (from, to) = (text(data, "from"), text(data, "to"));
            let mut notices = Vec::new();
            if to == "pending" && text(data, "pending_reason") == "requester" {
                notices.push((Notice::InformationRequested, Requester));
            }
            if to == "resolved" {
                notices.push((Notice::Resolved, Requester));
                if is_major {
                    notices.push((Notice::MajorResolved, LinkedSchools));
                }
            }
            if from == "resolved" && text(data, "action") == "reopen" {
                notices.push((Notice::Reopened, HandlingOrganisation));
            }
            notices
        }
        _ => Vec::new(),
    };
    if event.visibility == Visibility::Internal {
        notices.retain(|(_, audience)| !audience.is_school());
    }
    notices
}

impl Notice {
    /// Which notice a person told several things by one write receives: one message per
    /// person and write, the one that matters most.
    fn rank(self) -> u8 {
        match self {
            Notice::Resolved => 0,
            Notice::TicketAcknowledged => 1,
            Notice::MajorResolved => 2,
            Notice::MajorDeclared => 3,
            Notice::InformationRequested => 4,
            Notice::VendorAnswer => 5,
            Notice::VendorQuestion => 6,
            Notice::HandOffRefused => 7,
            Notice::Reopened => 8,
            Notice::QueueArrival => 9,
            Notice::AgentComment => 10,
            Notice::QueueDigest => 11,
            Notice::ServiceLevelBreach => 12,
            Notice::ServiceLevelWarning => 13,
            // Not about a ticket's write: never planned with the others.
            Notice::ReviewDrafted => 14,
            Notice::MonthlyFigures => 15,
            Notice::BreachToNotify => 16,
            Notice::BreachDeadline => 17,
            Notice::BreachDpoInformation => 18,
            Notice::RightsRequestForwarded => 19,
        }
    }
}

/// The notices of a write's events, each with the index of the event it announces, the most
/// important first: whoever is reached by several keeps only the first (see the outbox).
pub fn plan(events: &[Announced], is_major: bool) -> Vec<(usize, Notice, Audience)> {
    let mut planned: Vec<(usize, Notice, Audience)> = events
        .iter()
        .enumerate()
        .flat_map(|(i, event)| {
            notices_of(event, is_major)
                .into_iter()
                .map(move |(notice, audience)| (i, notice, audience))
        })
        .collect();
    planned.sort_by_key(|(i, notice, _)| (notice.rank(), *i));
    planned
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event<'a>(kind: &'a str, visibility: Visibility, data: &'a Value) -> Announced<'a> {
        Announced {
            kind,
            visibility,
            data,
            by_requester: false,
        }
    }

    fn notices(events: &[Announced], is_major: bool) -> Vec<(Notice, Audience)> {
        plan(events, is_major)
            .into_iter()
            .map(|(_, n, a)| (n, a))
            .collect()
    }

    #[test]
    fn an_opening_acknowledges_and_tells_the_receiving_queue() {
        let data = json!({ "queue": "ac-nancy-metz/guichet", "status": "new" });
        assert_eq!(
            notices(&[event("opened", Visibility::Public, &data)], false),
            vec![
                (Notice::TicketAcknowledged, Audience::Requester),
                (
                    Notice::QueueArrival,
                    Audience::QueueOrganisation("ac-nancy-metz/guichet".into())
                ),
            ]
        );
        let solved = json!({ "queue": "ac-nancy-metz/guichet", "status": "closed" });
        assert!(notices(&[event("opened", Visibility::Public, &solved)], false).is_empty());
    }

    #[test]
    fn a_refused_hand_off_tells_the_sender_once() {
        let refused = json!({ "back_to": "ac-nancy-metz/guichet" });
        let moved = json!({ "action": "refuse", "to": "ac-nancy-metz/guichet" });
        assert_eq!(
            notices(
                &[
                    event("hand_off_refused", Visibility::Internal, &refused),
                    event("queue_changed", Visibility::Internal, &moved),
                ],
                false
            ),
            vec![(
                Notice::HandOffRefused,
                Audience::QueueOrganisation("ac-nancy-metz/guichet".into())
            )]
        );
    }

    #[test]
    fn internal_events_never_reach_a_school() {
        let empty = json!({});
        for kind in [
            "comment",
            "vendor_workaround",
            "vendor_solution",
            "major_incident_declared",
        ] {
            let planned = notices(&[event(kind, Visibility::Internal, &empty)], true);
            assert!(
                planned.iter().all(|(_, a)| !a.is_school()),
                "{kind}: {planned:?}"
            );
        }
        let resolved = json!({ "from": "in_progress", "to": "resolved" });
        assert!(notices(
            &[event("status_changed", Visibility::Internal, &resolved)],
            true
        )
        .is_empty());
    }

    #[test]
    fn the_requester_is_not_told_of_their_own_comment() {
        let empty = json!({});
        let mut own = event("comment", Visibility::Public, &empty);
        own.by_requester = true;
        assert!(notices(&[own], false).is_empty());
    }

    #[test]
    fn what_matters_most_comes_first() {
        let resolved = json!({ "action": "resolve", "from": "in_progress", "to": "resolved" });
        let empty = json!({});
        assert_eq!(
            notices(
                &[
                    event("comment", Visibility::Public, &empty),
                    event("vendor_solution", Visibility::Public, &empty),
                    event("status_changed", Visibility::Public, &resolved),
                ],
                false
            ),
            vec![
                (Notice::Resolved, Audience::Requester),
                (Notice::VendorAnswer, Audience::OwnerAuthority),
                (Notice::VendorAnswer, Audience::Requester),
                (Notice::AgentComment, Audience::Requester),
            ]
        );
    }

    #[test]
    fn waits_resolutions_reopenings_and_major_incidents() {
        let wait = json!({ "from": "in_progress", "to": "pending", "pending_reason": "requester" });
        assert_eq!(
            notices(&[event("status_changed", Visibility::Public, &wait)], false),
            vec![(Notice::InformationRequested, Audience::Requester)]
        );
        let vendor_wait =
            json!({ "from": "in_progress", "to": "pending", "pending_reason": "vendor_info" });
        assert!(notices(
            &[event("status_changed", Visibility::Public, &vendor_wait)],
            false
        )
        .is_empty());
        let resolved = json!({ "from": "in_progress", "to": "resolved" });
        assert_eq!(
            notices(
                &[event("status_changed", Visibility::Public, &resolved)],
                true
            ),
            vec![
                (Notice::Resolved, Audience::Requester),
                (Notice::MajorResolved, Audience::LinkedSchools)
            ]
        );
        let reopened = json!({ "action": "reopen", "from": "resolved", "to": "in_progress" });
        assert_eq!(
            notices(
                &[event("status_changed", Visibility::Public, &reopened)],
                false
            ),
            vec![(Notice::Reopened, Audience::HandlingOrganisation)]
        );
        let empty = json!({});
        assert_eq!(
            notices(
                &[event("vendor_question", Visibility::Internal, &empty)],
                false
            ),
            vec![(Notice::VendorQuestion, Audience::OwnerAuthority)]
        );
    }
}
