//! Every route of the API, driven by every kind of caller, on an object inside and outside
//! the caller's scope: each cell's status is checked. Later issues add their routes here.

use std::fmt::Write;

use serde_json::{json, Value};

use guichet::services::admin::provisioning::{ensure_user, UserSpec};

use crate::helpers::{Call, TestApp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Anonymous,
    Correspondent,
    GuichetAgent,
    AuthorityAgent,
    CollectiviteAgent,
    VendorAgent,
    Steering,
    /// Admin of Grand Est.
    Admin,
    GlobalAdmin,
    /// A Grand Est vendor integration.
    ServiceAccount,
}

const ACTORS: [Actor; 10] = [
    Actor::Anonymous,
    Actor::Correspondent,
    Actor::GuichetAgent,
    Actor::AuthorityAgent,
    Actor::CollectiviteAgent,
    Actor::VendorAgent,
    Actor::Steering,
    Actor::Admin,
    Actor::GlobalAdmin,
    Actor::ServiceAccount,
];

/// Where the object of a route lies for a Grand Est caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    In,
    Out,
}

/// The objects the routes act on.
struct Fixture {
    target_ge: i64,
    target_hdf: i64,
    account_ge: String,
    account_hdf: String,
    /// A ticket of a Metz collège, at the Nancy-Metz guichet; and one of a Paris school.
    ticket_in: String,
    ticket_out: String,
    /// An attachment of each.
    attachment_in: i64,
    attachment_out: i64,
    /// A routing rule of Nancy-Metz, and one of Lille.
    rule_in: i64,
    rule_out: i64,
    /// Guichet agents who can read each ticket's ETag.
    reader_in: String,
    reader_out: String,
    /// A Grand Est review and a Hauts-de-France one, each with an action.
    review_in: i64,
    review_out: i64,
    action_in: i64,
    action_out: i64,
    /// A breach of all of Grand Est (the Région notifies it), and one of Hauts-de-France.
    breach_in: i64,
    breach_out: i64,
    /// A rights request received in Grand Est, and one in Hauts-de-France.
    request_in: i64,
    request_out: i64,
}

impl Fixture {
    fn review(&self, scope: Scope) -> i64 {
        match scope {
            Scope::In => self.review_in,
            Scope::Out => self.review_out,
        }
    }

    fn breach(&self, scope: Scope) -> i64 {
        match scope {
            Scope::In => self.breach_in,
            Scope::Out => self.breach_out,
        }
    }

    fn rights_request(&self, scope: Scope) -> i64 {
        match scope {
            Scope::In => self.request_in,
            Scope::Out => self.request_out,
        }
    }

    fn action(&self, scope: Scope) -> i64 {
        match scope {
            Scope::In => self.action_in,
            Scope::Out => self.action_out,
        }
    }

    fn ticket(&self, scope: Scope) -> &str {
        match scope {
            Scope::In => &self.ticket_in,
            Scope::Out => &self.ticket_out,
        }
    }
}

struct Route {
    name: &'static str,
    method: &'static str,
    path: fn(&Fixture, Scope) -> String,
    body: fn(Scope, usize) -> Option<Value>,
    /// The statuses each actor may get, by scope.
    expect: fn(Actor, Scope) -> &'static [u16],
    /// Sends the ticket's current ETag in `If-Match`.
    if_match: bool,
    /// Sends these bytes as the body instead of JSON.
    raw: Option<&'static [u8]>,
}

/// The period the availability routes read.
const PERIOD: &str = "from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z";

fn territory(scope: Scope) -> &'static str {
    match scope {
        Scope::In => "GE",
        Scope::Out => "HDF",
    }
}

/// A review: its territory's steering users and admins read it; other roles read none.
fn review_reader(actor: Actor, scope: Scope) -> &'static [u16] {
    match (actor, scope) {
        (Actor::Anonymous, _) => &[401],
        (Actor::GlobalAdmin, _) | (Actor::Steering | Actor::Admin, Scope::In) => &[200],
        (Actor::Steering | Actor::Admin, Scope::Out) => &[404],
        _ => &[403],
    }
}

/// Routes on a territory's records: whoever has a part in Grand Est reads its own.
fn in_territory(actor: Actor, scope: Scope) -> &'static [u16] {
    match (actor, scope) {
        (Actor::Anonymous, _) => &[401],
        (Actor::GlobalAdmin, _) | (_, Scope::In) => &[200],
        _ => &[404],
    }
}

/// Breaches: the agents of a territory's organisations and its admins deal with them; the
/// other roles get 403, another territory's breach is a 404.
fn on_breach(ok: &'static [u16], out: &'static [u16]) -> impl Fn(Actor, Scope) -> &'static [u16] {
    move |actor, scope| match (actor, scope) {
        (Actor::Anonymous, _) => &[401],
        (Actor::Correspondent | Actor::Steering, _) => &[403],
        (Actor::GlobalAdmin, _) | (_, Scope::In) => ok,
        _ => out,
    }
}

/// A breach of a whole territory, known an hour ago.
fn breach_body(scope: Scope) -> Value {
    json!({
        "territory": territory(scope), "aware_at": chrono::Utc::now() - chrono::Duration::hours(1),
        "nature": "Matrice", "people_categories": ["pupils"], "people_count": 1,
        "record_categories": ["identity"], "record_count": 1, "scope": "territory",
    })
}

fn no_body(_: Scope, _: usize) -> Option<Value> {
    None
}

fn empty_body(_: Scope, _: usize) -> Option<Value> {
    Some(json!({}))
}

/// Routes any authenticated caller may read.
fn reader(actor: Actor, _: Scope) -> &'static [u16] {
    match actor {
        Actor::Anonymous => &[401],
        _ => &[200],
    }
}

fn is_admin(actor: Actor) -> bool {
    matches!(actor, Actor::Admin | Actor::GlobalAdmin)
}

/// Admin routes on an object: a Grand Est admin sees Grand Est objects only.
fn admin_object(ok: &'static [u16]) -> impl Fn(Actor, Scope) -> &'static [u16] {
    move |actor, scope| match (actor, scope) {
        (Actor::Anonymous, _) => &[401],
        (Actor::Admin, Scope::Out) => &[404],
        (a, _) if is_admin(a) => ok,
        _ => &[403],
    }
}

/// Routes on a ticket: nobody sees the Paris ticket; the Metz one is seen by its school's
/// correspondent, the Nancy-Metz guichet and the authority's agents (its queue is theirs).
fn on_ticket(
    actor: Actor,
    scope: Scope,
    correspondent: &'static [u16],
    guichet: &'static [u16],
    authority: &'static [u16],
) -> &'static [u16] {
    match (actor, scope) {
        (Actor::Anonymous, _) => &[401],
        (_, Scope::Out) => &[404],
        (Actor::Correspondent, _) => correspondent,
        (Actor::GuichetAgent, _) => guichet,
        (Actor::AuthorityAgent, _) => authority,
        _ => &[404],
    }
}

fn ticket_write(
    name: &'static str,
    route: &'static str,
    body: fn(Scope, usize) -> Option<Value>,
    expect: fn(Actor, Scope) -> &'static [u16],
) -> Route {
    let path: fn(&Fixture, Scope) -> String = match route {
        "actions" => |f, s| format!("/api/v1/tickets/{}/actions", f.ticket(s)),
        "qualification" => |f, s| format!("/api/v1/tickets/{}/qualification", f.ticket(s)),
        "escalation" => |f, s| format!("/api/v1/tickets/{}/escalation", f.ticket(s)),
        "vendor-answers" => |f, s| format!("/api/v1/tickets/{}/vendor-answers", f.ticket(s)),
        "major" => |f, s| format!("/api/v1/tickets/{}/major", f.ticket(s)),
        "children" => |f, s| format!("/api/v1/tickets/{}/children", f.ticket(s)),
        "refusal" => |f, s| format!("/api/v1/tickets/{}/refusal", f.ticket(s)),
        "routing" => |f, s| format!("/api/v1/tickets/{}/routing", f.ticket(s)),
        "information" => |f, s| format!("/api/v1/tickets/{}/information", f.ticket(s)),
        _ => unreachable!(),
    };
    Route {
        name,
        method: "POST",
        path,
        body,
        expect,
        if_match: true,
        raw: None,
    }
}

/// Admin-only routing-rule routes: a Grand Est admin reaches Nancy-Metz, not Lille.
fn rule_admin(ok: &'static [u16]) -> impl Fn(Actor, Scope) -> &'static [u16] {
    admin_object(ok)
}

fn rule_spec(scope: Scope, position: usize, name: &str) -> Value {
    let authority = if scope == Scope::In {
        "ac-nancy-metz"
    } else {
        "ac-lille"
    };
    json!({ "authority": authority, "position": position, "name": name, "at_opening": false,
            "conditions": { "category": "wifi" }, "target": { "kind": "collectivite_in_charge" } })
}

fn user_path(suffix: &'static str) -> fn(&Fixture, Scope) -> String {
    match suffix {
        "" => |f, s| format!("/api/v1/admin/users/{}", f.user(s)),
        "/grants" => |f, s| format!("/api/v1/admin/users/{}/grants", f.user(s)),
        "/grants/999999" => |f, s| format!("/api/v1/admin/users/{}/grants/999999", f.user(s)),
        "/disable" => |f, s| format!("/api/v1/admin/users/{}/disable", f.user(s)),
        "/enable" => |f, s| format!("/api/v1/admin/users/{}/enable", f.user(s)),
        "/password" => |f, s| format!("/api/v1/admin/users/{}/password", f.user(s)),
        _ => unreachable!(),
    }
}

impl Fixture {
    fn user(&self, scope: Scope) -> i64 {
        match scope {
            Scope::In => self.target_ge,
            Scope::Out => self.target_hdf,
        }
    }
}

fn routes() -> Vec<Route> {
    let read = |name, path: fn(&Fixture, Scope) -> String| Route {
        name,
        method: "GET",
        path,
        body: no_body,
        expect: reader,
        if_match: false,
        raw: None,
    };
    vec![
        Route {
            name: "health live",
            method: "GET",
            path: |_, _| "/health/live".into(),
            body: no_body,
            expect: |_, _| &[200],
            if_match: false,
            raw: None,
        },
        Route {
            name: "health ready",
            method: "GET",
            path: |_, _| "/health/ready".into(),
            body: no_body,
            expect: |_, _| &[200],
            if_match: false,
            raw: None,
        },
        Route {
            name: "token with wrong credentials",
            method: "POST",
            path: |_, _| "/api/v1/auth/token".into(),
            body: |_, _| {
                Some(
                    json!({ "grant_type": "password", "email": "x@y.example", "password": "nope" }),
                )
            },
            expect: |_, _| &[401],
            if_match: false,
            raw: None,
        },
        Route {
            name: "refresh with an unknown token",
            method: "POST",
            path: |_, _| "/api/v1/auth/refresh".into(),
            body: |_, _| Some(json!({ "refresh_token": "unknown" })),
            expect: |_, _| &[401],
            if_match: false,
            raw: None,
        },
        read("me", |_, _| "/api/v1/me".into()),
        read("territories", |_, _| "/api/v1/territories".into()),
        read("organisations", |_, _| {
            "/api/v1/organisations?territory=GE".into()
        }),
        read("establishments", |_, _| "/api/v1/establishments".into()),
        read("establishment", |_, s| match s {
            Scope::In => "/api/v1/establishments/0540038Y".into(),
            Scope::Out => "/api/v1/establishments/0750655E".into(),
        }),
        read("queues", |_, _| "/api/v1/queues".into()),
        read("categories", |_, _| "/api/v1/categories".into()),
        read("school holidays", |_, _| {
            "/api/v1/calendars/school-holidays".into()
        }),
        read("public holidays", |_, _| {
            "/api/v1/calendars/public-holidays?year=2026".into()
        }),
        read("service-level policies", |_, s| match s {
            Scope::In => "/api/v1/service-levels/policies?territory=GE".into(),
            Scope::Out => "/api/v1/service-levels/policies?territory=HDF".into(),
        }),
        Route {
            name: "write a policy version",
            method: "POST",
            path: |_, _| "/api/v1/service-levels/policies".into(),
            body: |s, _| {
                let territory = if s == Scope::In { "GE" } else { "HDF" };
                let targets: Vec<Value> = (1..=5)
                    .map(|p| json!({ "priority": p, "response_minutes": 60 * p, "resolution_minutes": 600 * p }))
                    .collect();
                Some(
                    json!({ "territory": territory, "targets": targets, "excludes_school_holidays": false }),
                )
            },
            expect: |a, s| match (a, s) {
                (Actor::Anonymous, _) => &[401],
                (Actor::GlobalAdmin, _) | (Actor::Admin, Scope::In) => &[201],
                _ => &[403],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "availability",
            method: "GET",
            path: |_, s| format!("/api/v1/availability?territory={}&{PERIOD}", territory(s)),
            body: no_body,
            expect: in_territory,
            if_match: false,
            raw: None,
        },
        Route {
            name: "outages",
            method: "GET",
            path: |_, s| format!("/api/v1/outages?territory={}&{PERIOD}", territory(s)),
            body: no_body,
            expect: in_territory,
            if_match: false,
            raw: None,
        },
        Route {
            name: "record an outage",
            method: "POST",
            path: |_, _| "/api/v1/outages".into(),
            body: |s, _| {
                Some(
                    json!({ "territory": territory(s), "service": "ent_platform",
                             "started_at": "2026-11-02T08:00:00Z", "ended_at": "2026-11-02T08:30:00Z",
                             "description": "Matrice" }),
                )
            },
            // The territory's admins and its authorities' agents record outages.
            expect: |a, s| match (a, s) {
                (Actor::Anonymous, _) => &[401],
                (Actor::GlobalAdmin, _) => &[201],
                // Another territory is an unknown value of the body.
                (_, Scope::Out) => &[422],
                (Actor::Admin | Actor::GuichetAgent | Actor::AuthorityAgent, _) => &[201],
                _ => &[403],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "territory figures",
            method: "GET",
            path: |_, s| format!("/api/v1/stats?scope=territory:{}", territory(s)),
            body: no_body,
            // Steering users and admins read their territory's figures.
            expect: |a, s| match (a, s) {
                (Actor::Anonymous, _) => &[401],
                (Actor::Correspondent, _) => &[403],
                (Actor::GlobalAdmin, _) | (Actor::Steering | Actor::Admin, Scope::In) => &[200],
                _ => &[404],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "authority figures",
            method: "GET",
            path: |_, s| match s {
                Scope::In => "/api/v1/stats?scope=authority:ac-nancy-metz".into(),
                Scope::Out => "/api/v1/stats?scope=authority:ac-lille".into(),
            },
            body: no_body,
            // And agents their own organisation's.
            expect: |a, s| match (a, s) {
                (Actor::Anonymous, _) => &[401],
                (Actor::Correspondent, _) => &[403],
                (Actor::GlobalAdmin, _) => &[200],
                (
                    Actor::Steering | Actor::Admin | Actor::GuichetAgent | Actor::AuthorityAgent,
                    Scope::In,
                ) => &[200],
                _ => &[404],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "list reviews",
            method: "GET",
            path: |_, s| format!("/api/v1/reviews?territory={}", territory(s)),
            body: no_body,
            expect: |a, _| match a {
                Actor::Anonymous => &[401],
                Actor::Steering | Actor::Admin | Actor::GlobalAdmin => &[200],
                _ => &[403],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "create review",
            method: "POST",
            path: |_, _| "/api/v1/reviews".into(),
            body: |s, _| {
                Some(json!({ "territory": territory(s), "audience": "cotec",
                             "from": "2026-10-01", "to": "2026-11-01" }))
            },
            expect: |a, s| match (a, s) {
                (Actor::Anonymous, _) => &[401],
                (Actor::Admin, Scope::Out) => &[422],
                (a, _) if is_admin(a) => &[201],
                _ => &[403],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "get review",
            method: "GET",
            path: |f, s| format!("/api/v1/reviews/{}", f.review(s)),
            body: no_body,
            expect: review_reader,
            if_match: false,
            raw: None,
        },
        Route {
            name: "review status",
            method: "POST",
            path: |f, s| format!("/api/v1/reviews/{}/status", f.review(s)),
            body: |_, _| Some(json!({ "status": "held" })),
            // Held by the first admin; the second finds it held.
            expect: |a, s| admin_object(&[200, 409])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "add improvement action",
            method: "POST",
            path: |f, s| format!("/api/v1/reviews/{}/actions", f.review(s)),
            body: |s, _| {
                let owner = if s == Scope::In { "dep-57" } else { "ac-lille" };
                Some(json!({ "title": "Matrice", "owner": owner, "due_on": "2027-01-15" }))
            },
            expect: |a, s| admin_object(&[201])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "improvement action status",
            method: "POST",
            path: |f, s| format!("/api/v1/improvement-actions/{}/status", f.action(s)),
            body: |_, _| Some(json!({ "status": "in_progress" })),
            expect: |a, s| admin_object(&[200, 409])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "list users",
            method: "GET",
            path: |_, _| "/api/v1/admin/users".into(),
            body: no_body,
            expect: |a, _| match a {
                Actor::Anonymous => &[401],
                a if is_admin(a) => &[200],
                _ => &[403],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "create user",
            method: "POST",
            path: |_, _| "/api/v1/admin/users".into(),
            body: |s, n| {
                let territory = if s == Scope::In { "GE" } else { "HDF" };
                Some(
                    json!({ "email": format!("new{n}@matrix.example"), "display_name": "N", "territory": territory }),
                )
            },
            expect: |a, s| match (a, s) {
                (Actor::Anonymous, _) => &[401],
                (Actor::Admin, Scope::Out) => &[422],
                (a, _) if is_admin(a) => &[201],
                _ => &[403],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "get user",
            method: "GET",
            path: user_path(""),
            body: no_body,
            expect: |a, s| admin_object(&[200])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "grant role",
            method: "POST",
            path: user_path("/grants"),
            body: |s, _| {
                let territory = if s == Scope::In { "GE" } else { "HDF" };
                Some(json!({ "role": "steering", "territory": territory }))
            },
            // The second admin finds the grant made by the first.
            expect: |a, s| admin_object(&[201, 409])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "revoke grant",
            method: "DELETE",
            path: user_path("/grants/999999"),
            body: no_body,
            expect: |a, s| admin_object(&[404])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "disable user",
            method: "POST",
            path: user_path("/disable"),
            body: empty_body,
            expect: |a, s| admin_object(&[200])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "enable user",
            method: "POST",
            path: user_path("/enable"),
            body: empty_body,
            expect: |a, s| admin_object(&[200])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "set password",
            method: "PUT",
            path: user_path("/password"),
            body: |_, _| Some(json!({ "password": "a long matrix password" })),
            expect: |a, s| admin_object(&[204])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "create service account",
            method: "POST",
            path: |_, _| "/api/v1/admin/service-accounts".into(),
            body: |s, _| {
                let vendor = if s == Scope::In {
                    "titulaire-ent-grand-est"
                } else {
                    "titulaire-ent-hdf"
                };
                Some(json!({ "name": "Matrice", "vendor": vendor }))
            },
            expect: |a, s| match (a, s) {
                (Actor::Anonymous, _) => &[401],
                (Actor::Admin, Scope::Out) => &[422],
                (a, _) if is_admin(a) => &[201],
                _ => &[403],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "list service accounts",
            method: "GET",
            path: |_, _| "/api/v1/admin/service-accounts".into(),
            body: no_body,
            expect: |a, _| match a {
                Actor::Anonymous => &[401],
                a if is_admin(a) => &[200],
                _ => &[403],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "revoke service account",
            method: "POST",
            path: |f, s| match s {
                Scope::In => format!("/api/v1/admin/service-accounts/{}/revoke", f.account_ge),
                Scope::Out => format!("/api/v1/admin/service-accounts/{}/revoke", f.account_hdf),
            },
            body: empty_body,
            expect: |a, s| admin_object(&[200])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "access log of a ticket",
            method: "GET",
            path: |f, s| format!("/api/v1/admin/access-log?ticket={}", f.ticket(s)),
            body: no_body,
            expect: |a, s| admin_object(&[200])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "access log of a user",
            method: "GET",
            path: |_, s| {
                let territory = if s == Scope::In { "ge" } else { "hdf" };
                let email = crate::helpers::demo_email("correspondent", territory);
                format!("/api/v1/admin/access-log?user={email}")
            },
            body: no_body,
            expect: |a, s| admin_object(&[200])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "audit events",
            method: "GET",
            path: |_, _| "/api/v1/admin/audit-events".into(),
            body: no_body,
            expect: |a, _| match a {
                Actor::Anonymous => &[401],
                a if is_admin(a) => &[200],
                _ => &[403],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "open ticket",
            method: "POST",
            path: |_, _| "/api/v1/tickets".into(),
            body: |s, _| {
                let uai = if s == Scope::In {
                    "0579001Z"
                } else {
                    "0750655E"
                };
                Some(
                    json!({ "establishment": uai, "title": "Matrice", "description": "Matrice", "category": "messagerie" }),
                )
            },
            expect: |a, s| match (a, s) {
                (Actor::Anonymous, _) => &[401],
                (Actor::Correspondent, Scope::In) => &[201],
                (Actor::Correspondent, Scope::Out) => &[422],
                _ => &[403],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "list tickets",
            method: "GET",
            path: |_, _| "/api/v1/tickets".into(),
            body: no_body,
            expect: |a, _| match a {
                Actor::Anonymous => &[401],
                Actor::Steering | Actor::Admin | Actor::GlobalAdmin => &[403],
                _ => &[200],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "get ticket",
            method: "GET",
            path: |f, s| format!("/api/v1/tickets/{}", f.ticket(s)),
            body: no_body,
            expect: |a, s| on_ticket(a, s, &[200], &[200], &[200]),
            if_match: false,
            raw: None,
        },
        Route {
            name: "ticket events",
            method: "GET",
            path: |f, s| format!("/api/v1/tickets/{}/events", f.ticket(s)),
            body: no_body,
            expect: |a, s| on_ticket(a, s, &[200], &[200], &[200]),
            if_match: false,
            raw: None,
        },
        Route {
            name: "ticket hops",
            method: "GET",
            path: |f, s| format!("/api/v1/tickets/{}/hops", f.ticket(s)),
            body: no_body,
            expect: |a, s| on_ticket(a, s, &[403], &[200], &[200]),
            if_match: false,
            raw: None,
        },
        Route {
            name: "list attachments",
            method: "GET",
            path: |f, s| format!("/api/v1/tickets/{}/attachments", f.ticket(s)),
            body: no_body,
            expect: |a, s| on_ticket(a, s, &[200], &[200], &[200]),
            if_match: false,
            raw: None,
        },
        Route {
            name: "download attachment",
            method: "GET",
            path: |f, s| match s {
                Scope::In => format!(
                    "/api/v1/tickets/{}/attachments/{}",
                    f.ticket_in, f.attachment_in
                ),
                Scope::Out => format!(
                    "/api/v1/tickets/{}/attachments/{}",
                    f.ticket_out, f.attachment_out
                ),
            },
            body: no_body,
            expect: |a, s| on_ticket(a, s, &[200], &[200], &[200]),
            if_match: false,
            raw: None,
        },
        Route {
            name: "upload attachment",
            method: "POST",
            path: |f, s| {
                format!(
                    "/api/v1/tickets/{}/attachments?filename=matrice.txt",
                    f.ticket(s)
                )
            },
            body: no_body,
            expect: |a, s| on_ticket(a, s, &[201], &[201], &[201]),
            if_match: false,
            raw: Some(b"matrice"),
        },
        Route {
            name: "comment",
            method: "POST",
            path: |f, s| format!("/api/v1/tickets/{}/comments", f.ticket(s)),
            body: |_, _| Some(json!({ "body": "Matrice" })),
            expect: |a, s| on_ticket(a, s, &[201], &[201], &[201]),
            if_match: false,
            raw: None,
        },
        ticket_write(
            "assign",
            "actions",
            |_, _| Some(json!({ "action": "assign" })),
            |a, s| on_ticket(a, s, &[403], &[200], &[200]),
        ),
        ticket_write(
            "qualify",
            "qualification",
            |_, _| Some(json!({ "urgency": "low" })),
            |a, s| on_ticket(a, s, &[403], &[200], &[403]),
        ),
        // Without a justification: refused as incomplete by those who may escalate.
        ticket_write(
            "escalate",
            "escalation",
            |_, _| Some(json!({})),
            |a, s| on_ticket(a, s, &[403], &[422], &[422]),
        ),
        ticket_write(
            "vendor answer",
            "vendor-answers",
            |_, _| Some(json!({ "kind": "workaround", "body": "x" })),
            |a, s| on_ticket(a, s, &[403], &[403], &[403]),
        ),
        ticket_write(
            "declare major",
            "major",
            |_, _| Some(json!({})),
            |a, s| on_ticket(a, s, &[403], &[200], &[403]),
        ),
        // The Paris ticket is no child the Grand Est guichet can see.
        ticket_write(
            "link child",
            "children",
            |_, _| Some(json!({ "child": "PARIS-2026-999999" })),
            |a, s| on_ticket(a, s, &[403], &[422], &[403]),
        ),
        // Nobody sent it: nothing to refuse.
        ticket_write(
            "refuse",
            "refusal",
            |_, _| Some(json!({ "reason": "Matrice" })),
            |a, s| on_ticket(a, s, &[403], &[409], &[409]),
        ),
        // The second mover finds it there already.
        ticket_write(
            "route",
            "routing",
            |_, _| Some(json!({ "queue": "ac-nancy-metz/dane", "reason": "Matrice" })),
            |a, s| on_ticket(a, s, &[403], &[200, 422], &[200, 422]),
        ),
        // Another territory's queue is as unknown as a missing one.
        ticket_write(
            "route across territories",
            "routing",
            |_, _| Some(json!({ "queue": "ac-paris/dane", "reason": "Matrice" })),
            |a, s| on_ticket(a, s, &[403], &[422], &[422]),
        ),
        // Nothing waits for information on these tickets.
        ticket_write(
            "provide information",
            "information",
            |_, _| Some(json!({ "body": "Matrice" })),
            |a, s| on_ticket(a, s, &[409], &[409], &[409]),
        ),
        Route {
            name: "routing rule to another territory's queue",
            method: "POST",
            path: |_, _| "/api/v1/routing/rules".into(),
            body: |s, n| {
                let mut rule = rule_spec(s, 2000 + n, "Matrice ailleurs");
                rule["target"] = json!({ "kind": "queue", "queue": "ac-paris/dane" });
                Some(rule)
            },
            expect: |a, s| match (a, s) {
                (Actor::GlobalAdmin, _) => &[422],
                _ => rule_admin(&[422])(a, s),
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "change own password (wrong current one)",
            method: "POST",
            path: |_, _| "/api/v1/me/password".into(),
            body: |_, _| {
                Some(
                    json!({ "current_password": "not the password", "new_password": "a brand new long password" }),
                )
            },
            expect: |a, _| match a {
                Actor::Anonymous => &[401],
                Actor::ServiceAccount => &[403],
                _ => &[422],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "list routing rules",
            method: "GET",
            path: |_, s| match s {
                Scope::In => "/api/v1/routing/rules?authority=ac-nancy-metz".into(),
                Scope::Out => "/api/v1/routing/rules?authority=ac-lille".into(),
            },
            body: no_body,
            expect: |a, s| match (a, s) {
                (Actor::GuichetAgent, Scope::In) => &[200],
                (Actor::GuichetAgent, Scope::Out) => &[404],
                _ => rule_admin(&[200])(a, s),
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "create routing rule",
            method: "POST",
            path: |_, _| "/api/v1/routing/rules".into(),
            body: |s, n| Some(rule_spec(s, 1000 + n, "Matrice")),
            expect: |a, s| rule_admin(&[201])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "update routing rule",
            method: "PUT",
            path: |f, s| match s {
                Scope::In => format!("/api/v1/routing/rules/{}", f.rule_in),
                Scope::Out => format!("/api/v1/routing/rules/{}", f.rule_out),
            },
            body: |s, _| Some(rule_spec(s, 900, "Matrice renommée")),
            expect: |a, s| rule_admin(&[200])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "delete routing rule",
            method: "DELETE",
            path: |_, _| "/api/v1/routing/rules/999999".into(),
            body: no_body,
            expect: |a, _| match a {
                Actor::Anonymous => &[401],
                a if is_admin(a) => &[404],
                _ => &[403],
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "simulate routing",
            method: "POST",
            path: |_, _| "/api/v1/routing/simulate".into(),
            body: |s, _| {
                let uai = if s == Scope::In {
                    "0579001Z"
                } else {
                    "0750655E"
                };
                Some(json!({ "uai": uai, "category": "wifi" }))
            },
            // A Paris school is unknown to Grand Est agents and admins (territories are walls).
            expect: |a, s| match (a, s) {
                (Actor::Anonymous, _) => &[401],
                (Actor::GlobalAdmin, _) => &[200],
                (Actor::Admin | Actor::GuichetAgent | Actor::AuthorityAgent, Scope::In) => &[200],
                (Actor::Admin | Actor::GuichetAgent | Actor::AuthorityAgent, Scope::Out) => &[404],
                _ => &[403],
            },
            if_match: false,
            raw: None,
        },
        // Last: it ends the caller's tokens, so the second call ("Out") is refused.
        Route {
            name: "list breaches",
            method: "GET",
            path: |_, s| format!("/api/v1/breaches?territory={}", territory(s)),
            body: no_body,
            expect: |a, s| on_breach(&[200], &[404])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "declare breach",
            method: "POST",
            path: |_, _| "/api/v1/breaches".into(),
            body: |s, _| Some(breach_body(s)),
            expect: |a, s| on_breach(&[201], &[422])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "get breach",
            method: "GET",
            path: |f, s| format!("/api/v1/breaches/{}", f.breach(s)),
            body: no_body,
            expect: |a, s| on_breach(&[200], &[404])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "breach decision",
            method: "POST",
            path: |f, s| format!("/api/v1/breaches/{}/decision", f.breach(s)),
            body: |_, _| Some(json!({ "outcome": "not_notified", "reason": "Matrice" })),
            // The Région notifies: none of the demo agents acts for it; its admins record.
            expect: |a, s| match (a, s) {
                (a, _) if is_admin(a) => admin_object(&[200, 409])(a, s),
                _ => on_breach(&[403], &[404])(a, s),
            },
            if_match: false,
            raw: None,
        },
        Route {
            name: "list rights requests",
            method: "GET",
            path: |_, s| format!("/api/v1/rights-requests?territory={}", territory(s)),
            body: no_body,
            expect: |a, s| on_breach(&[200], &[404])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "record rights request",
            method: "POST",
            path: |_, _| "/api/v1/rights-requests".into(),
            body: |s, _| {
                Some(json!({
                    "territory": territory(s), "right": "access", "summary": "Matrice",
                    "received_at": chrono::Utc::now() - chrono::Duration::hours(1),
                    "scope": "territory",
                }))
            },
            expect: |a, s| on_breach(&[201], &[422])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "get rights request",
            method: "GET",
            path: |f, s| format!("/api/v1/rights-requests/{}", f.rights_request(s)),
            body: no_body,
            expect: |a, s| on_breach(&[200], &[404])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "set organisation DPO",
            method: "PUT",
            path: |_, s| {
                let code = if s == Scope::In { "dep-57" } else { "dep-59" };
                format!("/api/v1/admin/organisations/{code}/dpo")
            },
            body: |_, _| Some(json!({ "dpo_email": "dpd@matrice.example" })),
            expect: |a, s| admin_object(&[200])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "export a user's personal data",
            method: "GET",
            path: |f, s| format!("/api/v1/admin/users/{}/personal-data", f.user(s)),
            body: no_body,
            expect: |a, s| admin_object(&[200])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "erase a user",
            method: "POST",
            path: |f, s| format!("/api/v1/admin/users/{}/erase", f.user(s)),
            body: no_body,
            // Erased by the first admin; the second finds nothing left to erase.
            expect: |a, s| admin_object(&[200, 409])(a, s),
            if_match: false,
            raw: None,
        },
        Route {
            name: "logout",
            method: "POST",
            path: |_, _| "/api/v1/auth/logout".into(),
            body: no_body,
            expect: |a, s| match (a, s) {
                (Actor::Anonymous, _) => &[401],
                (Actor::ServiceAccount, _) => &[403],
                (_, Scope::In) => &[204],
                (_, Scope::Out) => &[401],
            },
            if_match: false,
            raw: None,
        },
    ]
}

async fn service_account(app: &TestApp, admin: &str, vendor: &str) -> (String, String) {
    let created = app
        .post_as(
            Some(admin),
            "/api/v1/admin/service-accounts",
            json!({ "name": "Fixture", "vendor": vendor }),
        )
        .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    (
        created.body["client_id"].as_str().unwrap().to_owned(),
        created.body["client_secret"].as_str().unwrap().to_owned(),
    )
}

/// A ticket opened by a territory's demo correspondent, with an attachment.
async fn ticket(app: &TestApp, role: &str, territory: &str, uai: &str) -> (String, i64) {
    let token = app.demo_token(role, territory);
    let opened = app
        .post_as(
            Some(&token),
            "/api/v1/tickets",
            json!({ "establishment": uai, "title": "Cible", "description": "Cible", "category": "messagerie" }),
        )
        .await;
    assert_eq!(opened.status, 201, "{:#}", opened.body);
    let reference = opened.body["reference"].as_str().unwrap().to_owned();
    let attached = app
        .call(
            Call::new(
                "POST",
                &format!("/api/v1/tickets/{reference}/attachments?filename=cible.txt"),
            )
            .bearer(Some(&token))
            .bytes(b"cible"),
        )
        .await;
    assert_eq!(attached.status, 201, "{:#}", attached.body);
    (reference, attached.body["id"].as_i64().unwrap())
}

/// How many permission denials the audit log holds.
fn denials(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use guichet::db::schema::audit_events;
    audit_events::table
        .filter(audit_events::action.eq("permission_denied"))
        .count()
        .get_result(&mut app.conn())
        .expect("audit count")
}

fn target(app: &TestApp, email: &str, territory: &str) -> i64 {
    let spec = UserSpec {
        email: email.into(),
        display_name: "Cible".into(),
        territory: Some(territory.into()),
        grants: vec![],
    };
    ensure_user(&mut app.conn(), &spec, || None, "test", chrono::Utc::now())
        .unwrap()
        .user_id
}

/// A draft review of a territory with one improvement action: (review, action).
async fn review(app: &TestApp, admin: &str, territory: &str, owner: &str) -> (i64, i64) {
    let created = app
        .post_as(
            Some(admin),
            "/api/v1/reviews",
            json!({ "territory": territory, "audience": "costra", "from": "2026-11-01", "to": "2026-12-01" }),
        )
        .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    let action = app
        .post_as(
            Some(admin),
            &format!("/api/v1/reviews/{id}/actions"),
            json!({ "title": "Matrice", "owner": owner, "due_on": "2027-01-15" }),
        )
        .await;
    assert_eq!(action.status, 201, "{:#}", action.body);
    (id, action.body["id"].as_i64().unwrap())
}

#[actix_web::test]
async fn every_route_with_every_role_in_and_out_of_scope() {
    let app = TestApp::seeded();
    let global = app.token_of("admin@demo.guichet.example");
    let (account_ge, _) = service_account(&app, &global, "titulaire-ent-grand-est").await;
    let (account_hdf, _) = service_account(&app, &global, "titulaire-ent-hdf").await;
    let (actor_client, actor_secret) =
        service_account(&app, &global, "titulaire-ent-grand-est").await;
    let (ticket_in, attachment_in) = ticket(&app, "correspondent", "ge", "0579001Z").await;
    let (ticket_out, attachment_out) = ticket(&app, "correspondent", "paris", "0750655E").await;
    let rule = |scope: Scope| {
        let app = &app;
        let global = global.clone();
        async move {
            let created = app
                .post_as(
                    Some(&global),
                    "/api/v1/routing/rules",
                    rule_spec(scope, 900, "Matrice"),
                )
                .await;
            assert_eq!(created.status, 201, "{:#}", created.body);
            created.body["id"].as_i64().unwrap()
        }
    };
    let review_in = review(&app, &global, "GE", "dep-57").await;
    let review_out = review(&app, &global, "HDF", "ac-lille").await;
    let breach = |scope: Scope| {
        let app = &app;
        let global = global.clone();
        async move {
            let declared = app
                .post_as(Some(&global), "/api/v1/breaches", breach_body(scope))
                .await;
            assert_eq!(declared.status, 201, "{:#}", declared.body);
            declared.body["id"].as_i64().unwrap()
        }
    };
    let rights_request = |scope: Scope| {
        let app = &app;
        let global = global.clone();
        async move {
            let body = json!({
                "territory": territory(scope), "right": "access", "summary": "Matrice",
                "received_at": chrono::Utc::now() - chrono::Duration::hours(1), "scope": "territory",
            });
            let recorded = app
                .post_as(Some(&global), "/api/v1/rights-requests", body)
                .await;
            assert_eq!(recorded.status, 201, "{:#}", recorded.body);
            recorded.body["id"].as_i64().unwrap()
        }
    };
    let fixture = Fixture {
        target_ge: target(&app, "target.ge@matrix.example", "GE"),
        target_hdf: target(&app, "target.hdf@matrix.example", "HDF"),
        account_ge,
        account_hdf,
        ticket_in,
        ticket_out,
        attachment_in,
        attachment_out,
        rule_in: rule(Scope::In).await,
        rule_out: rule(Scope::Out).await,
        reader_in: app.demo_token("guichet_agent", "ge"),
        reader_out: app.demo_token("guichet_agent", "paris"),
        review_in: review_in.0,
        review_out: review_out.0,
        action_in: review_in.1,
        action_out: review_out.1,
        breach_in: breach(Scope::In).await,
        breach_out: breach(Scope::Out).await,
        request_in: rights_request(Scope::In).await,
        request_out: rights_request(Scope::Out).await,
    };
    let client_token = app
        .post_as(
            None,
            "/api/v1/auth/token",
            json!({ "grant_type": "client_credentials", "client_id": actor_client, "client_secret": actor_secret }),
        )
        .await
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = |actor: Actor| -> Option<String> {
        let role = match actor {
            Actor::Anonymous => return None,
            Actor::GlobalAdmin => return Some(global.clone()),
            Actor::ServiceAccount => return Some(client_token.clone()),
            Actor::Correspondent => "correspondent",
            Actor::GuichetAgent => "guichet_agent",
            Actor::AuthorityAgent => "authority_agent",
            Actor::CollectiviteAgent => "collectivite_agent",
            Actor::VendorAgent => "vendor_agent",
            Actor::Steering => "steering",
            Actor::Admin => "admin",
        };
        Some(app.demo_token(role, "ge"))
    };
    let tokens: Vec<(Actor, Option<String>)> = ACTORS.iter().map(|a| (*a, token(*a))).collect();

    let mut failures = String::new();
    let mut cells = 0;
    for route in routes() {
        for (actor, token) in &tokens {
            for scope in [Scope::In, Scope::Out] {
                cells += 1;
                let mut call = Call::new(route.method, &(route.path)(&fixture, scope))
                    .bearer(token.as_deref());
                if let Some(body) = (route.body)(scope, cells) {
                    call = call.json(body);
                }
                if let Some(raw) = route.raw {
                    call = call.bytes(raw);
                }
                if route.if_match {
                    let reader = match scope {
                        Scope::In => &fixture.reader_in,
                        Scope::Out => &fixture.reader_out,
                    };
                    let read = app
                        .get_as(
                            reader,
                            &format!("/api/v1/tickets/{}", fixture.ticket(scope)),
                        )
                        .await;
                    call = call.header("If-Match", &read.etag.expect("the reader sees the ticket"));
                }
                let denials_before = denials(&app);
                let status = app.call(call).await.status.as_u16();
                // Every 403 leaves its row in the audit log.
                if status == 403 && denials(&app) != denials_before + 1 {
                    let _ = writeln!(
                        failures,
                        "{:<28} {:<18} {:?}: a 403 without its audit row",
                        route.name,
                        format!("{actor:?}"),
                        scope
                    );
                }
                let expected = (route.expect)(*actor, scope);
                if !expected.contains(&status) {
                    let _ = writeln!(
                        failures,
                        "{:<28} {:<18} {:?}: got {status}, expected {expected:?}",
                        route.name,
                        format!("{actor:?}"),
                        scope
                    );
                }
            }
        }
    }
    assert!(cells > 800, "{cells} cells");
    assert!(
        failures.is_empty(),
        "authorisation matrix mismatches:\n{failures}"
    );
}
