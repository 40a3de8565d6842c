//! Bad input gets a clear problem+json answer on both databases, never a 500: NUL
//! characters anywhere, cursors that name no time, bodies that are not JSON or too big,
//! and concurrent writes that collide on a unique key.

use serde_json::json;

use crate::helpers::{Call, TestApp};
use crate::ticket_chain::chain;

#[actix_web::test]
async fn a_nul_character_is_refused_wherever_it_comes() {
    let chain = chain().await;
    let app = &chain.app;
    let opened = app
        .post_as(
            Some(&chain.correspondent),
            "/api/v1/tickets",
            json!({ "establishment": "0579001Z", "title": "Écran\u{0}noir", "description": "d", "category": "messagerie" }),
        )
        .await;
    opened.assert_problem(422, "invalid_text");
    assert_eq!(opened.body["errors"][0]["field"], "title");
    let reference = chain
        .open("0579001Z", "messagerie", "Un vrai ticket")
        .await
        .body["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post_as(
        Some(&chain.correspondent),
        &format!("/api/v1/tickets/{reference}/comments"),
        json!({ "body": "avant\u{0}après" }),
    )
    .await
    .assert_problem(422, "invalid_text");
    for body in [
        json!({ "grant_type": "password", "email": "a\u{0}@b.example", "password": "x" }),
        json!({ "grant_type": "client_credentials", "client_id": "c\u{0}", "client_secret": "x" }),
    ] {
        app.post_as(None, "/api/v1/auth/token", body)
            .await
            .assert_problem(422, "invalid_text");
    }
    for query in [
        "q=r%00seau",
        "establishment=0579001Z%00",
        "queue=ac-nancy-metz%00/guichet",
        "category=wifi%00",
        "cursor=%00",
    ] {
        let answer = app
            .get_as(&chain.correspondent, &format!("/api/v1/tickets?{query}"))
            .await;
        answer.assert_problem(422, "invalid_text");
    }
    app.get_as(&chain.correspondent, "/api/v1/tickets/GE-2026%00")
        .await
        .assert_problem(422, "invalid_text");
    app.get_as(&chain.correspondent, "/api/v1/establishments?q=coll%00ege")
        .await
        .assert_problem(422, "invalid_text");
    // Nothing was written by the refused requests: one ticket, one opening event.
    let listed = app.get_as(&chain.correspondent, "/api/v1/tickets").await;
    assert_eq!(listed.items().len(), 1);
}

#[actix_web::test]
async fn a_cursor_outside_the_calendar_is_a_422() {
    use base64::Engine;
    let app = TestApp::seeded();
    let token = app.demo_token("correspondent", "ge");
    let encode = |raw: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
    for raw in [
        "3|-4713-01-01T00:00:00|1",
        "3|20000-01-01T00:00:00|1",
        "3|0000-12-31T23:59:59|1",
        "x|2026-01-01T00:00:00|1",
    ] {
        app.get_as(&token, &format!("/api/v1/tickets?cursor={}", encode(raw)))
            .await
            .assert_problem(422, "invalid_cursor");
    }
}

#[actix_web::test]
async fn a_json_route_takes_json_of_a_reasonable_size() {
    let chain = chain().await;
    let app = &chain.app;
    let body = br#"{"establishment":"0579001Z","title":"t","description":"d","category":"wifi"}"#;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut call = Call::new("POST", "/api/v1/tickets")
            .bearer(Some(&chain.correspondent))
            .bytes(body);
        if let Some(content_type) = content_type {
            call = call.header("Content-Type", content_type);
        }
        app.call(call)
            .await
            .assert_problem(415, "unsupported_media_type");
    }
    let huge = json!({ "establishment": "0579001Z", "title": "t", "description": "d".repeat(300_000), "category": "wifi" });
    app.post_as(Some(&chain.correspondent), "/api/v1/tickets", huge)
        .await
        .assert_problem(413, "payload_too_large");
    // None of them opened a ticket.
    let listed = app.get_as(&chain.correspondent, "/api/v1/tickets").await;
    assert!(listed.items().is_empty());
}

#[actix_web::test]
async fn concurrent_creations_of_one_account_give_one_account_and_409s() {
    let app = TestApp::seeded();
    let admin = app.demo_token("admin", "ge");
    let calls = (0..8).map(|_| {
        app.post_as(
            Some(&admin),
            "/api/v1/admin/users",
            json!({ "email": "meme.personne@ecole.example", "display_name": "Même personne" }),
        )
    });
    let answers = futures_util::future::join_all(calls).await;
    let created = answers.iter().filter(|a| a.status == 201).count();
    assert_eq!(
        created,
        1,
        "{:#?}",
        answers.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    for answer in answers.iter().filter(|a| a.status != 201) {
        assert_eq!(answer.status, 409, "{:#}", answer.body);
        assert_eq!(answer.content_type, "application/problem+json");
        assert!(["email_taken", "already_exists"].contains(&answer.body["code"].as_str().unwrap()));
    }
}

/// What the document states of a body, the service enforces before looking at the ticket: an
/// invalid body is a 422 naming the field even with a stale `If-Match`, and a write without
/// `If-Match` is a 428 whatever the ticket's state.
#[actix_web::test]
async fn the_documented_limits_come_before_the_tickets_state() {
    let chain = chain().await;
    let opened = chain
        .open("0579001Z", "messagerie", "Messagerie lente")
        .await;
    let reference = opened.body["reference"].as_str().unwrap().to_owned();
    let post = |route: &str, if_match: Option<&str>, body: serde_json::Value| {
        let mut call = Call::new("POST", &format!("/api/v1/tickets/{reference}/{route}"))
            .bearer(Some(&chain.guichet))
            .json(body);
        if let Some(etag) = if_match {
            call = call.header("If-Match", etag);
        }
        chain.app.call(call)
    };

    let too_many = post(
        "escalation",
        Some("\"999\""),
        json!({ "justification": "proven_malfunction",
                "technical_file": { "users_affected": 2_147_483_648_u64 } }),
    )
    .await;
    too_many.assert_problem(422, "out_of_range");
    assert_eq!(
        too_many.body["errors"][0]["field"],
        "technical_file.users_affected"
    );

    let blank = post("refusal", Some(""), json!({ "reason": "   " })).await;
    blank.assert_problem(422, "required");
    assert_eq!(blank.body["errors"][0]["field"], "reason");
    let long = post("comments", None, json!({ "body": "x".repeat(20_001) })).await;
    long.assert_problem(422, "too_long");

    // Nothing waits for information here (409 with If-Match), but without it: 428 first.
    post("information", None, json!({ "body": "Firefox 128" }))
        .await
        .assert_problem(428, "precondition_required");
    let etag = chain.get(&chain.guichet, &reference).await.etag.unwrap();
    post("information", Some(&etag), json!({ "body": "Firefox 128" }))
        .await
        .assert_problem(409, "not_waiting");
}
