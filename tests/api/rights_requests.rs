//! Requests to exercise a data subject's rights through the API: the party that received one
//! records it; the scope designates the competent controller; received elsewhere, it is
//! forwarded at once (journal entry and message, in the same transaction), with the answer
//! due one month after receipt.

use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;
use futures_util::future::join_all;
use serde_json::{json, Value};

use guichet::db::schema::outbox;

use crate::helpers::{demo_email, TestApp};

/// A lycée of Reims whose demo correspondent is Grand Est's.
const REIMS_LYCEE: &str = "0519001G";

fn paris(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Paris
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn monday() -> TestApp {
    let app = TestApp::seeded();
    app.clock.set(paris(2026, 11, 30, 10));
    app
}

fn body(scope: Value) -> Value {
    let mut body = json!({
        "territory": "GE",
        "right": "access",
        "received_at": paris(2026, 11, 30, 9),
        "summary": "Un parent demande la copie des données de son enfant, élève de seconde.",
    });
    for (key, value) in scope.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

async fn record(app: &TestApp, token: &str, body: Value) -> Value {
    let answer = app
        .post_as(Some(token), "/api/v1/rights-requests", body)
        .await;
    assert_eq!(answer.status, 201, "{:#}", answer.body);
    answer.body
}

fn forwarded_to(app: &TestApp) -> Vec<(String, Value)> {
    outbox::table
        .filter(outbox::notice.eq("rights_request_forwarded"))
        .order(outbox::id)
        .select((outbox::recipient_email, outbox::payload))
        .load::<(String, String)>(&mut app.conn())
        .unwrap()
        .into_iter()
        .map(|(to, payload)| (to, serde_json::from_str(&payload).unwrap()))
        .collect()
}

fn kinds(request: &Value) -> Vec<&str> {
    request["journal"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn a_request_received_at_the_academie_for_a_pupil_of_one_lycee_goes_to_its_head() {
    let app = monday();
    let guichet = app.demo_token("guichet_agent", "ge");
    let request = record(
        &app,
        &guichet,
        body(json!({ "scope": "establishments", "establishments": [REIMS_LYCEE] })),
    )
    .await;
    assert_eq!(request["right_label"], "Droit d'accès");
    assert_eq!(request["received_by_organisation"], "ac-nancy-metz");
    assert_eq!(request["controller"]["kind"], "heads_of_establishment");
    assert_eq!(
        request["controller"]["establishments"][0]["uai"],
        REIMS_LYCEE
    );
    assert!(request["forwarded_at"].is_string(), "{request:#}");
    // One month after receipt: 30 December, 09:00 in Paris.
    assert_eq!(
        request["due_at"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        paris(2026, 12, 30, 9)
    );
    assert_eq!(request["due_label"], "30 décembre 2026, 9 h 00");
    assert_eq!(kinds(&request), ["forwarded"]);
    let said = request["journal"][0]["body"].as_str().unwrap();
    assert!(said.contains("transmise aussitôt"), "{said}");
    assert!(said.contains("Jean-Jaurès"), "{said}");

    // The lycée's correspondent is told (for the head), not the agent who forwarded it.
    let told = forwarded_to(&app);
    let to: Vec<&str> = told.iter().map(|(to, _)| to.as_str()).collect();
    assert!(
        to.contains(&demo_email("correspondent", "ge").as_str()),
        "{to:?}"
    );
    assert!(
        !to.contains(&demo_email("guichet_agent", "ge").as_str()),
        "{to:?}"
    );
    let payload = &told[0].1;
    assert_eq!(
        payload["path"],
        format!("/api/v1/rights-requests/{}", request["id"])
    );
    assert_eq!(payload["request"]["due"], "30 décembre 2026, 9 h 00");

    // Its territory's parties read it; others do not.
    let path = format!("/api/v1/rights-requests/{}", request["id"]);
    let moselle = app.demo_token("collectivite_agent", "ge");
    assert_eq!(app.get_as(&moselle, &path).await.status, 200);
    let lille = app.demo_token("guichet_agent", "hdf");
    app.get_as(&lille, &path)
        .await
        .assert_problem(404, "not_found");
    let correspondent = app.demo_token("correspondent", "ge");
    app.get_as(&correspondent, &path)
        .await
        .assert_problem(403, "forbidden");
    let listed = app
        .get_as(&guichet, "/api/v1/rights-requests?territory=GE")
        .await;
    assert_eq!(listed.items().len(), 1);
}

#[actix_web::test]
async fn a_request_received_by_the_competent_controller_stays_there() {
    let app = monday();
    let moselle = app.demo_token("collectivite_agent", "ge");
    let kept = record(
        &app,
        &moselle,
        body(json!({ "right": "erasure", "scope": "departement", "departement": "57" })),
    )
    .await;
    assert_eq!(kept["controller"]["organisation"], "dep-57");
    assert_eq!(kept["forwarded_at"], Value::Null);
    assert_eq!(kinds(&kept), ["received"]);
    assert!(forwarded_to(&app).is_empty());

    // About every user of the académie, the Moselle forwards it to Nancy-Metz.
    let sent = record(
        &app,
        &moselle,
        body(json!({ "right": "objection", "scope": "academie", "authority": "ac-nancy-metz" })),
    )
    .await;
    assert_eq!(sent["controller"]["organisation"], "ac-nancy-metz");
    assert_eq!(kinds(&sent), ["forwarded"]);
    let to: Vec<String> = forwarded_to(&app).into_iter().map(|(to, _)| to).collect();
    assert!(to.contains(&demo_email("guichet_agent", "ge")), "{to:?}");
    assert!(
        !to.contains(&demo_email("collectivite_agent", "ge")),
        "{to:?}"
    );

    // Bad input is refused with its code.
    let future = app
        .post_as(
            Some(&moselle),
            "/api/v1/rights-requests",
            body(json!({ "scope": "territory", "received_at": paris(2026, 12, 1, 9) })),
        )
        .await;
    future.assert_problem(422, "in_the_future");
    let elsewhere = app
        .post_as(
            Some(&moselle),
            "/api/v1/rights-requests",
            body(json!({ "scope": "establishments", "establishments": ["0590117G"] })),
        )
        .await;
    elsewhere.assert_problem(422, "unknown_establishment");
}

#[actix_web::test]
async fn eight_parties_at_once_record_eight_requests() {
    let app = monday();
    let tokens: Vec<String> = [
        "guichet_agent",
        "authority_agent",
        "collectivite_agent",
        "vendor_agent",
    ]
    .iter()
    .cycle()
    .take(8)
    .map(|role| app.demo_token(role, "ge"))
    .collect();
    let answers = join_all(tokens.iter().map(|token| {
        let app = &app;
        async move {
            app.post_as(
                Some(token),
                "/api/v1/rights-requests",
                body(json!({ "scope": "establishments", "establishments": [REIMS_LYCEE] })),
            )
            .await
        }
    }))
    .await;
    let mut ids: Vec<i64> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.status, 201, "{:#}", a.body);
            assert_eq!(kinds(&a.body), ["forwarded"]);
            a.body["id"].as_i64().unwrap()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 8);
    // The correspondent is told of each, once.
    let to_correspondent = forwarded_to(&app)
        .into_iter()
        .filter(|(to, _)| *to == demo_email("correspondent", "ge"))
        .count();
    assert_eq!(to_correspondent, 8);
}
