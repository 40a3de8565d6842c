//! Two instances of the service on one database stay correct: a scheduled job runs once
//! per period, login throttling counts across them, an `Idempotency-Key` holds across them,
//! and references stay unique.

use std::collections::BTreeSet;

use futures_util::future::join_all;
use serde_json::json;

use guichet::services::jobs;

use crate::helpers::{demo_email, Call, TestApp};

#[actix_web::test]
async fn a_scheduled_job_runs_once_across_instances() {
    let first = TestApp::seeded();
    let second = first.another_instance();
    let (a, b) = (first.state(), second.state());
    assert_ne!(a.instance, b.instance);
    let runs = join_all([jobs::auto_close(&a), jobs::auto_close(&b)]).await;
    let ran: Vec<_> = runs.into_iter().map(|r| r.unwrap()).collect();
    assert_eq!(ran.iter().filter(|r| r.is_some()).count(), 1, "{ran:?}");
    let housekeeping = join_all([jobs::housekeeping(&b), jobs::housekeeping(&a)]).await;
    assert_eq!(
        housekeeping
            .iter()
            .filter(|r| matches!(r, Ok(Some(_))))
            .count(),
        1
    );
    // The next period, one of them runs again.
    first.clock.advance(chrono::Duration::hours(1));
    let again = join_all([jobs::auto_close(&b), jobs::auto_close(&a)]).await;
    assert_eq!(again.iter().filter(|r| matches!(r, Ok(Some(_)))).count(), 1);
}

#[actix_web::test]
async fn login_attempts_count_across_instances() {
    use chrono::{Duration, DurationRound, Utc};
    let first = TestApp::seeded_with(&[("GUICHET_LOGIN_LIMIT_PER_ACCOUNT", "3")]);
    let minute = Utc::now().duration_trunc(Duration::minutes(1)).unwrap();
    first
        .clock
        .set(minute + Duration::minutes(1) + Duration::seconds(1));
    let second = first.another_instance();
    let email = demo_email("steering", "ge");
    for app in [&first, &second, &first] {
        app.login(&email, "wrong password")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    second
        .login(&email, "wrong password")
        .await
        .assert_problem(429, "too_many_requests");
}

#[actix_web::test]
async fn a_key_and_the_references_hold_across_instances() {
    let first = TestApp::seeded();
    let second = first.another_instance();
    let token = first.demo_token("correspondent", "ge");
    let body = json!({ "establishment": "0579001Z", "title": "Écran noir", "description": "d", "category": "materiel-poste" });
    let keyed = || {
        Call::new("POST", "/api/v1/tickets")
            .bearer(Some(&token))
            .header("Idempotency-Key", "both-doors")
            .json(body.clone())
    };
    let answers = join_all([
        first.call(keyed()),
        second.call(keyed()),
        first.call(keyed()),
        second.call(keyed()),
    ])
    .await;
    let references: BTreeSet<_> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.status, 201, "{:#}", a.body);
            a.body["reference"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(references.len(), 1, "one ticket for one key");

    let openings = join_all((0..8).map(|n| {
        let app = if n % 2 == 0 { &first } else { &second };
        app.post_as(
            Some(&token),
            "/api/v1/tickets",
            json!({ "establishment": "0579001Z", "title": format!("Panne {n}"), "description": "d", "category": "wifi" }),
        )
    }))
    .await;
    let references: BTreeSet<_> = openings
        .iter()
        .map(|a| {
            assert_eq!(a.status, 201, "{:#}", a.body);
            a.body["reference"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(references.len(), 8);
}
