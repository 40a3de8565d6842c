//! Row types, one file per table.

pub mod audit_event;
pub mod breach;
pub mod category;
pub mod establishment;
pub mod organisation;
pub mod outage;
pub mod outbox_message;
pub mod queue;
pub mod refresh_token;
pub mod review;
pub mod rights_request;
pub mod role_grant;
pub mod routing_rule;
pub mod school_holiday;
pub mod service_account;
pub mod service_level;
pub mod tally;
pub mod territory;
pub mod ticket;
pub mod ticket_event;
pub mod ticket_hop;
pub mod ticket_read;
pub mod user;
pub mod web_session;

pub use audit_event::{AuditEvent, NewAuditEvent};
pub use breach::{Breach, BreachEvent, NewBreach, NewBreachEvent};
pub use category::Category;
pub use establishment::Establishment;
pub use organisation::{NewOrganisation, Organisation};
pub use outage::{NewOutage, Outage};
pub use outbox_message::{NewOutboxMessage, OutboxMessage};
pub use queue::{NewQueue, Queue};
pub use refresh_token::{NewRefreshToken, RefreshToken};
pub use review::{ImprovementAction, NewImprovementAction, NewReview, Review};
pub use rights_request::{
    NewRightsRequest, NewRightsRequestEvent, RightsRequest, RightsRequestEvent,
};
pub use role_grant::{NewRoleGrant, RoleGrant};
pub use routing_rule::{NewRoutingRule, RoutingRule};
pub use school_holiday::{NewSchoolHoliday, SchoolHoliday};
pub use service_account::{NewServiceAccount, ServiceAccount};
pub use service_level::{
    ClockProgress, NewServiceLevelClock, NewServiceLevelPolicy, ServiceLevelClock,
    ServiceLevelPolicy,
};
pub use tally::{ClockCell, NewClockTally, NewTicketTally, TicketCell};
pub use territory::Territory;
pub use ticket::{NewTicket, Ticket};
pub use ticket_event::{NewTicketEvent, TicketEvent};
pub use ticket_hop::{NewTicketHop, TicketHop};
pub use ticket_read::{NewTicketRead, TicketRead};
pub use user::{NewUser, User};
pub use web_session::WebSession;
