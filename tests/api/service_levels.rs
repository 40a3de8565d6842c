//! Service levels through the API, on the controlled clock: each ticket and each stay carries
//! its clocks; waits pause them; the job records one warning then one breach per clock,
//! never twice, with their outbox rows, on one instance or two; queues sort by next due
//! instant and filter breaches; territory admins write new policy versions that only new
//! tickets follow.

use chrono::{DateTime, Duration, DurationRound, TimeZone, Utc};
use futures_util::future::join_all;
use serde_json::{json, Value};

use guichet::db::repo::{outbox, tickets};
use guichet::services::jobs;

use crate::helpers::TestApp;
use crate::ticket_chain::{chain_on, Chain};

const METZ_COLLEGE: &str = "0579001Z";

/// A Paris wall-clock time as a UTC instant.
fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Paris
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// An instant of an answer, to the minute: the test clock goes on running between the
/// instants a test sets, by fractions of a second.
fn instant(value: &Value) -> DateTime<Utc> {
    let at: DateTime<Utc> = value
        .as_str()
        .unwrap_or_else(|| panic!("an instant, not {value}"))
        .parse()
        .unwrap();
    at.duration_trunc(Duration::minutes(1)).unwrap()
}

/// The chain with its clock on Monday 30 November 2026, 09:00 in Paris (term time).
async fn monday_morning() -> Chain {
    let app = TestApp::seeded();
    app.clock.set(paris(2026, 11, 30, 9, 0));
    chain_on(app).await
}

/// Moves the clock a second past `when` (what the test did at the instant before is behind
/// it, fractions of a second included) and signs the chain's people in again (a token lasts
/// an hour).
fn at(chain: &mut Chain, when: DateTime<Utc>) {
    chain.app.clock.set(when + Duration::seconds(1));
    chain.correspondent = chain.app.demo_token("correspondent", "ge");
    chain.guichet = chain.app.demo_token("guichet_agent", "ge");
    chain.moselle = chain.app.demo_token("collectivite_agent", "ge");
}

/// A write that must succeed: the ticket it answers.
async fn done(chain: &Chain, token: &str, reference: &str, route: &str, body: Value) -> Value {
    let answer = chain.write(token, reference, route, body).await;
    assert_eq!(answer.status, 200, "{route}: {:#}", answer.body);
    answer.body
}

fn reference(opened: &Value) -> String {
    opened["reference"].as_str().unwrap().to_owned()
}

/// The kinds of the journal events of `kind` of a ticket.
async fn journaled(chain: &Chain, reference: &str, kind: &str) -> Vec<Value> {
    chain
        .events(&chain.guichet, reference)
        .await
        .into_iter()
        .filter(|e| e["kind"] == kind)
        .collect()
}

fn notices(app: &TestApp, reference: &str, notice: &str) -> usize {
    let mut conn = app.conn();
    let ticket = tickets::find_by_reference(&mut conn, reference)
        .unwrap()
        .unwrap();
    outbox::of_ticket(&mut conn, ticket.id)
        .unwrap()
        .iter()
        .filter(|m| m.notice.as_str() == notice)
        .count()
}

#[actix_web::test]
async fn a_ticket_carries_its_clocks_and_each_stay_its_own() {
    let mut chain = monday_morning().await;
    let opened = chain
        .open(METZ_COLLEGE, "reseau-internet", "Plus de réseau au CDI")
        .await;
    let body = &opened.body;
    let levels = &body["service_levels"];
    // P3 (medium × medium) in the seeded policy: 240 minutes to answer, 1,680 to resolve.
    assert_eq!(body["priority"], 3);
    assert_eq!(levels["policy_version"], 1);
    assert_eq!(levels["response"]["target_minutes"], 240);
    assert_eq!(levels["response"]["state"], "running");
    assert_eq!(levels["response"]["organisation"], "ac-nancy-metz");
    assert_eq!(
        instant(&levels["response"]["due_at"]),
        paris(2026, 11, 30, 13, 0)
    );
    // 75 % of 240 minutes.
    assert_eq!(
        instant(&levels["response"]["warning_at"]),
        paris(2026, 11, 30, 12, 0)
    );
    // 1,680 minutes = two 14-hour days: Wednesday 09:00.
    assert_eq!(
        instant(&levels["resolution"]["due_at"]),
        paris(2026, 12, 2, 9, 0)
    );
    assert_eq!(instant(&levels["next_due_at"]), paris(2026, 11, 30, 13, 0));
    let reference = reference(body);

    // An hour later the guichet routes it to the Moselle: the ticket's clocks go on (a
    // hand-off answers nobody), the guichet's stay stops, the collectivité's starts.
    at(&mut chain, paris(2026, 11, 30, 10, 0));
    let routed = done(
        &chain,
        &chain.guichet,
        &reference,
        "routing",
        json!({ "by_rule": true }),
    )
    .await;
    let levels = &routed["service_levels"];
    assert_eq!(levels["response"]["state"], "running");
    assert_eq!(levels["response"]["used_minutes"], 60);
    assert_eq!(levels["response"]["left_minutes"], 180);
    assert_eq!(
        instant(&levels["response"]["due_at"]),
        paris(2026, 11, 30, 13, 0)
    );
    assert_eq!(levels["resolution"]["used_minutes"], 60);
    assert_eq!(
        instant(&levels["resolution"]["due_at"]),
        paris(2026, 12, 2, 9, 0)
    );
    let hops = chain
        .app
        .get_as(&chain.moselle, &format!("/api/v1/tickets/{reference}/hops"))
        .await;
    let hops = hops.items();
    assert_eq!(hops.len(), 2);
    assert_eq!(hops[0]["resolution"]["state"], "stopped");
    assert_eq!(hops[0]["resolution"]["used_minutes"], 60);
    assert_eq!(hops[1]["resolution"]["organisation"], "dep-57");
    assert_eq!(hops[1]["resolution"]["state"], "running");
    assert_eq!(hops[1]["resolution"]["used_minutes"], 0);
    assert_eq!(
        instant(&hops[1]["resolution"]["due_at"]),
        paris(2026, 12, 2, 10, 0)
    );

    // The collectivité takes it at 11:00 (its first answer) and asks the school for
    // information: every clock pauses; the school answers on Tuesday at 09:00 and the
    // Moselle resumes: the time left is counted from there.
    at(&mut chain, paris(2026, 11, 30, 11, 0));
    let started = done(
        &chain,
        &chain.moselle,
        &reference,
        "actions",
        json!({ "action": "start" }),
    )
    .await;
    // Taking it is the first answer to the school: the response clock stops, met.
    let levels = &started["service_levels"];
    assert_eq!(levels["response"]["state"], "stopped");
    assert_eq!(levels["response"]["used_minutes"], 120);
    assert_eq!(levels["response"]["due_at"], Value::Null);
    assert_eq!(levels["response"]["breached"], false);
    let asked = done(
        &chain,
        &chain.moselle,
        &reference,
        "actions",
        json!({ "action": "suspend", "pending_reason": "requester" }),
    )
    .await;
    let levels = &asked["service_levels"];
    assert_eq!(levels["resolution"]["state"], "paused");
    assert_eq!(levels["resolution"]["due_at"], Value::Null);
    assert_eq!(levels["next_due_at"], Value::Null);
    at(&mut chain, paris(2026, 12, 1, 9, 0));
    let read = chain.get(&chain.moselle, &reference).await;
    assert_eq!(
        read.body["service_levels"]["resolution"]["used_minutes"],
        120
    );
    let resumed = done(
        &chain,
        &chain.moselle,
        &reference,
        "actions",
        json!({ "action": "resume" }),
    )
    .await;
    let levels = &resumed["service_levels"];
    // 1,560 minutes left from Tuesday 09:00: 780 on Tuesday, 780 on Wednesday (to 21:00).
    assert_eq!(levels["resolution"]["state"], "running");
    assert_eq!(
        instant(&levels["resolution"]["due_at"]),
        paris(2026, 12, 2, 21, 0)
    );
    // Every change of a clock is explained in the journal.
    let changes = journaled(&chain, &reference, "service_levels_changed").await;
    let causes: Vec<&str> = changes
        .iter()
        .map(|e| e["data"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(causes, vec!["open", "route", "start", "suspend", "resume"]);
    let paused = &changes[3]["data"]["clocks"];
    assert!(paused
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["from"] == "running" && c["to"] == "paused"));
}

/// The warning and breach events a run recorded, and the messages they left.
async fn run_alerts(app: &TestApp) -> usize {
    jobs::service_level_alerts(&app.state())
        .await
        .unwrap()
        .unwrap()
}

#[actix_web::test]
async fn one_warning_then_one_breach_never_twice() {
    let mut chain = monday_morning().await;
    let opened = chain
        .open(METZ_COLLEGE, "reseau-internet", "Plus de réseau au CDI")
        .await;
    let reference = reference(&opened.body);
    // Before 75 % of the response target (180 of 240 minutes, at 12:00): nothing.
    at(&mut chain, paris(2026, 11, 30, 11, 59));
    assert_eq!(run_alerts(&chain.app).await, 0);
    // Past 12:00: the ticket's response clock and the guichet's stay warn, once.
    at(&mut chain, paris(2026, 11, 30, 12, 1));
    assert_eq!(run_alerts(&chain.app).await, 2);
    assert_eq!(run_alerts(&chain.app).await, 0);
    let app = &chain.app;
    let warnings = journaled(&chain, &reference, "service_level_warning").await;
    assert_eq!(warnings.len(), 2);
    assert!(warnings[0]["body"].as_str().unwrap().contains("75 %"));
    let guichet_agents = notices(app, &reference, "service_level_warning");
    assert!(guichet_agents >= 2, "{guichet_agents} warning messages");
    let read = chain.get(&chain.guichet, &reference).await;
    assert_eq!(read.body["service_levels"]["response"]["warned"], true);
    assert_eq!(read.body["service_levels"]["breached"], false);
    // Past 13:00 the target is reached: one breach per clock.
    at(&mut chain, paris(2026, 11, 30, 13, 1));
    assert_eq!(run_alerts(&chain.app).await, 2);
    at(&mut chain, paris(2026, 11, 30, 16, 0));
    assert_eq!(run_alerts(&chain.app).await, 0);
    let app = &chain.app;
    assert_eq!(
        journaled(&chain, &reference, "service_level_breach")
            .await
            .len(),
        2
    );
    assert!(notices(app, &reference, "service_level_breach") >= 2);
    let read = chain.get(&chain.guichet, &reference).await;
    assert_eq!(read.body["service_levels"]["breached"], true);
    assert_eq!(read.body["service_levels"]["response"]["left_minutes"], 0);
    // The queue filters the breached tickets.
    let breached = app
        .get_as(&chain.guichet, "/api/v1/tickets?breached=true")
        .await;
    assert_eq!(breached.field("reference"), vec![reference.clone()]);
    let on_time = app
        .get_as(&chain.guichet, "/api/v1/tickets?breached=false")
        .await;
    assert!(on_time.field("reference").is_empty());
    // The messages go out as the others do.
    let sent = guichet::services::notifications::dispatch::dispatch_due(&app.state())
        .await
        .unwrap();
    assert!(sent.total() >= 4);
    let subjects: Vec<String> = app
        .inbox
        .lock()
        .unwrap()
        .messages
        .iter()
        .map(|m| m.subject.clone())
        .collect();
    assert!(
        subjects
            .iter()
            .any(|s| s.contains("Délai dépassé") && s.contains(&reference)),
        "{subjects:?}"
    );
}

#[actix_web::test]
async fn two_instances_record_each_alert_once() {
    let mut chain = monday_morning().await;
    let mut references = Vec::new();
    for title in ["Réseau coupé", "Imprimante", "Wi-Fi"] {
        let opened = chain.open(METZ_COLLEGE, "reseau-internet", title).await;
        references.push(reference(&opened.body));
    }
    let second = chain.app.another_instance();
    at(&mut chain, paris(2026, 11, 30, 13, 30));
    let (a, b) = (chain.app.state(), second.state());
    let runs = join_all([
        jobs::service_level_alerts(&a),
        jobs::service_level_alerts(&b),
        jobs::service_level_alerts(&a),
        jobs::service_level_alerts(&b),
    ])
    .await;
    let recorded: usize = runs.into_iter().map(|r| r.unwrap().unwrap()).sum();
    // Each ticket: two response clocks (its own, the guichet's stay) warned and breached.
    assert_eq!(recorded, 3 * 4);
    for reference in &references {
        assert_eq!(
            journaled(&chain, reference, "service_level_warning")
                .await
                .len(),
            2
        );
        assert_eq!(
            journaled(&chain, reference, "service_level_breach")
                .await
                .len(),
            2
        );
    }
}

#[actix_web::test]
async fn queues_sort_by_the_next_due_instant() {
    let chain = monday_morning().await;
    let app = &chain.app;
    let slow = chain
        .open(METZ_COLLEGE, "reseau-internet", "Un poste lent")
        .await;
    app.clock.advance(Duration::minutes(10));
    // Opened later but more urgent: due first.
    let urgent = app
        .post_as(
            Some(&chain.correspondent),
            "/api/v1/tickets",
            json!({ "establishment": METZ_COLLEGE, "title": "Plus rien ne marche",
                    "description": "Tout le collège", "category": "reseau-internet",
                    "impact": "high", "urgency": "high" }),
        )
        .await;
    assert_eq!(urgent.status, 201, "{:#}", urgent.body);
    let (slow, urgent) = (reference(&slow.body), reference(&urgent.body));
    let by_due = app
        .get_as(&chain.guichet, "/api/v1/tickets?sort=due&limit=1")
        .await;
    assert_eq!(by_due.field("reference"), vec![urgent.clone()]);
    // P1 in the seeded policy: 30 minutes to answer, from 09:10.
    assert_eq!(
        instant(&by_due.items()[0]["next_due_at"]),
        paris(2026, 11, 30, 9, 40)
    );
    let cursor = by_due.body["next_cursor"].as_str().unwrap().to_owned();
    let next = app
        .get_as(
            &chain.guichet,
            &format!("/api/v1/tickets?sort=due&limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(next.field("reference"), vec![slow.clone()]);
    // A cursor of the other order names no page.
    app.get_as(
        &chain.guichet,
        &format!("/api/v1/tickets?sort=priority&cursor={cursor}"),
    )
    .await
    .assert_problem(422, "invalid_cursor");
    let due_soon = app
        .get_as(
            &chain.guichet,
            "/api/v1/tickets?due_before=2026-11-30T09:00:00Z",
        )
        .await;
    assert_eq!(due_soon.field("reference"), vec![urgent]);
    for bad in ["sort=soon", "breached=yes", "due_before=lundi"] {
        let answer = app
            .get_as(&chain.guichet, &format!("/api/v1/tickets?{bad}"))
            .await;
        assert_eq!(answer.status, 422, "{bad}: {:#}", answer.body);
    }
}

fn general_targets(response: i64) -> Value {
    Value::Array(
        (1..=5)
            .map(|p| json!({ "priority": p, "response_minutes": response * p, "resolution_minutes": response * p * 4 }))
            .collect(),
    )
}

#[actix_web::test]
async fn a_new_policy_version_applies_to_tickets_opened_after_it() {
    let chain = monday_morning().await;
    let app = &chain.app;
    let before = chain
        .open(
            METZ_COLLEGE,
            "reseau-internet",
            "Avant la nouvelle politique",
        )
        .await;
    let listed = app
        .get_as(&chain.guichet, "/api/v1/service-levels/policies")
        .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.field("territory"), vec!["GE", "HDF", "PARIS"]);
    let admin = app.demo_token("admin", "ge");
    let policy = json!({ "territory": "GE", "excludes_school_holidays": false,
                         "targets": general_targets(60) });
    let written = app
        .post_as(
            Some(&admin),
            "/api/v1/service-levels/policies",
            policy.clone(),
        )
        .await;
    assert_eq!(written.status, 201, "{:#}", written.body);
    assert_eq!(written.body["version"], 2);
    assert_eq!(written.body["current"], true);
    assert_eq!(written.body["warning_percent"], 75);
    let after = chain
        .open(
            METZ_COLLEGE,
            "reseau-internet",
            "Après la nouvelle politique",
        )
        .await;
    assert_eq!(after.body["service_levels"]["policy_version"], 2);
    assert_eq!(
        after.body["service_levels"]["response"]["target_minutes"],
        180
    );
    let kept = chain.get(&chain.guichet, &reference(&before.body)).await;
    assert_eq!(kept.body["service_levels"]["policy_version"], 1);
    assert_eq!(
        kept.body["service_levels"]["response"]["target_minutes"],
        240
    );
    let versions = app
        .get_as(
            &chain.guichet,
            "/api/v1/service-levels/policies?territory=GE",
        )
        .await;
    let current: Vec<bool> = versions
        .items()
        .iter()
        .map(|p| p["current"].as_bool().unwrap())
        .collect();
    assert_eq!(current, vec![false, true]);

    // Only a territory's admins write its policy.
    app.post_as(
        Some(&chain.guichet),
        "/api/v1/service-levels/policies",
        policy.clone(),
    )
    .await
    .assert_problem(403, "forbidden");
    let hdf_admin = app.demo_token("admin", "hdf");
    app.post_as(Some(&hdf_admin), "/api/v1/service-levels/policies", policy)
        .await
        .assert_problem(403, "forbidden");
    // An incoherent policy is refused line by line.
    let mut targets = general_targets(60);
    targets.as_array_mut().unwrap().remove(4);
    targets.as_array_mut().unwrap()[0]["resolution_minutes"] = json!(10);
    let refused = app
        .post_as(
            Some(&admin),
            "/api/v1/service-levels/policies",
            json!({ "territory": "GE", "excludes_school_holidays": true, "targets": targets }),
        )
        .await;
    refused.assert_problem(422, "invalid_policy");
    let fields: Vec<(String, String)> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        vec![
            (
                "targets[0]".to_owned(),
                "resolution_before_response".to_owned()
            ),
            ("targets".to_owned(), "missing_target".to_owned()),
        ]
    );
    app.post_as(
        Some(&admin),
        "/api/v1/service-levels/policies",
        json!({ "territory": "XX", "excludes_school_holidays": true, "targets": general_targets(5) }),
    )
    .await
    .assert_problem(422, "unknown_territory");
}

#[actix_web::test]
async fn eight_admins_writing_at_once_get_eight_versions() {
    let chain = monday_morning().await;
    let admin = chain.app.demo_token("admin", "ge");
    let writes = (0..8).map(|i| {
        chain.app.post_as(
            Some(&admin),
            "/api/v1/service-levels/policies",
            json!({ "territory": "GE", "excludes_school_holidays": true,
                    "targets": general_targets(10 + i) }),
        )
    });
    let answers = join_all(writes).await;
    let mut versions: Vec<i64> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.status, 201, "{:#}", a.body);
            a.body["version"].as_i64().unwrap()
        })
        .collect();
    versions.sort();
    assert_eq!(versions, (2..=9).collect::<Vec<_>>());
}

#[actix_web::test]
async fn a_requalification_retargets_and_a_reopening_resumes() {
    let mut chain = monday_morning().await;
    let opened = chain
        .open(METZ_COLLEGE, "reseau-internet", "Plus de réseau au CDI")
        .await;
    let reference = reference(&opened.body);
    // Requalified P1 at 09:20: 30 minutes to answer from the opening (due 09:30, 10 left),
    // 240 to resolve (13:00).
    at(&mut chain, paris(2026, 11, 30, 9, 20));
    let qualified = done(
        &chain,
        &chain.guichet,
        &reference,
        "qualification",
        json!({ "impact": "high", "urgency": "high" }),
    )
    .await;
    let levels = &qualified["service_levels"];
    assert_eq!(levels["response"]["target_minutes"], 30);
    assert_eq!(levels["response"]["used_minutes"], 20);
    assert_eq!(levels["response"]["left_minutes"], 10);
    assert_eq!(
        instant(&levels["response"]["due_at"]),
        paris(2026, 11, 30, 9, 30)
    );
    assert_eq!(
        instant(&levels["resolution"]["due_at"]),
        paris(2026, 11, 30, 13, 0)
    );
    let retargeted = journaled(&chain, &reference, "service_levels_changed").await;
    let last = &retargeted.last().unwrap()["data"];
    assert_eq!(last["action"], "qualify");
    assert!(last["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["previous_target_minutes"] == 240 && c["target_minutes"] == 30));
    // Taken at 09:25 (in time), resolved at 10:00: 60 minutes used of the resolution's 240.
    at(&mut chain, paris(2026, 11, 30, 9, 25));
    done(
        &chain,
        &chain.guichet,
        &reference,
        "actions",
        json!({ "action": "start" }),
    )
    .await;
    at(&mut chain, paris(2026, 11, 30, 10, 0));
    let resolved = done(
        &chain,
        &chain.guichet,
        &reference,
        "actions",
        json!({ "action": "resolve", "resolution": "Borne Wi-Fi redémarrée" }),
    )
    .await;
    let levels = &resolved["service_levels"];
    assert_eq!(levels["resolution"]["state"], "stopped");
    assert_eq!(levels["resolution"]["used_minutes"], 60);
    // The school reopens it on Tuesday at 09:00: 180 minutes left, due 12:00.
    at(&mut chain, paris(2026, 12, 1, 9, 0));
    let reopened = done(
        &chain,
        &chain.correspondent,
        &reference,
        "actions",
        json!({ "action": "reopen" }),
    )
    .await;
    let levels = &reopened["service_levels"];
    assert_eq!(levels["resolution"]["state"], "running");
    assert_eq!(levels["resolution"]["used_minutes"], 60);
    assert_eq!(
        instant(&levels["resolution"]["due_at"]),
        paris(2026, 12, 1, 12, 0)
    );
    // Answered at 09:25: the response clock stays stopped, met.
    assert_eq!(levels["response"]["state"], "stopped");
    assert_eq!(levels["response"]["breached"], false);
}
