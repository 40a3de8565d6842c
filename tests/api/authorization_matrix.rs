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
}

struct Route {
    name: &'static str,
    method: &'static str,
    path: fn(&Fixture, Scope) -> String,
    body: fn(Scope, usize) -> Option<Value>,
    /// The statuses each actor may get, by scope.
    expect: fn(Actor, Scope) -> &'static [u16],
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
    };
    vec![
        Route {
            name: "health live",
            method: "GET",
            path: |_, _| "/health/live".into(),
            body: no_body,
            expect: |_, _| &[200],
        },
        Route {
            name: "health ready",
            method: "GET",
            path: |_, _| "/health/ready".into(),
            body: no_body,
            expect: |_, _| &[200],
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
        },
        Route {
            name: "refresh with an unknown token",
            method: "POST",
            path: |_, _| "/api/v1/auth/refresh".into(),
            body: |_, _| Some(json!({ "refresh_token": "unknown" })),
            expect: |_, _| &[401],
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
        },
        Route {
            name: "get user",
            method: "GET",
            path: user_path(""),
            body: no_body,
            expect: |a, s| admin_object(&[200])(a, s),
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
        },
        Route {
            name: "revoke grant",
            method: "DELETE",
            path: user_path("/grants/999999"),
            body: no_body,
            expect: |a, s| admin_object(&[404])(a, s),
        },
        Route {
            name: "disable user",
            method: "POST",
            path: user_path("/disable"),
            body: empty_body,
            expect: |a, s| admin_object(&[200])(a, s),
        },
        Route {
            name: "enable user",
            method: "POST",
            path: user_path("/enable"),
            body: empty_body,
            expect: |a, s| admin_object(&[200])(a, s),
        },
        Route {
            name: "set password",
            method: "PUT",
            path: user_path("/password"),
            body: |_, _| Some(json!({ "password": "a long matrix password" })),
            expect: |a, s| admin_object(&[204])(a, s),
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
        },
        // Last: it ends the caller's tokens, so the second call ("Out") is refused.
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

#[actix_web::test]
async fn every_route_with_every_role_in_and_out_of_scope() {
    let app = TestApp::seeded();
    let global = app.token_of("admin@demo.guichet.example");
    let (account_ge, _) = service_account(&app, &global, "titulaire-ent-grand-est").await;
    let (account_hdf, _) = service_account(&app, &global, "titulaire-ent-hdf").await;
    let (actor_client, actor_secret) =
        service_account(&app, &global, "titulaire-ent-grand-est").await;
    let fixture = Fixture {
        target_ge: target(&app, "target.ge@matrix.example", "GE"),
        target_hdf: target(&app, "target.hdf@matrix.example", "HDF"),
        account_ge,
        account_hdf,
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
                let status = app.call(call).await.status.as_u16();
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
    assert!(cells > 400, "{cells} cells");
    assert!(
        failures.is_empty(),
        "authorisation matrix mismatches:\n{failures}"
    );
}
