//! Idempotency-Key on creation, comments, escalation and vendor answers.

use serde_json::json;

use guichet::auth::secrets::digest_bytes;
use guichet::db::repo::idempotency_keys;

use crate::helpers::Call;
use crate::ticket_chain::chain;

#[actix_web::test]
async fn a_replayed_creation_answers_the_first_ticket() {
    let chain = chain().await;
    let body = json!({ "establishment": "0579001Z", "title": "Vidéoprojecteur muet", "description": "Aucun son", "category": "materiel-poste" });
    let create = |key: &str, body: serde_json::Value| {
        chain.app.call(
            Call::new("POST", "/api/v1/tickets")
                .bearer(Some(&chain.correspondent))
                .header("Idempotency-Key", key)
                .json(body),
        )
    };
    let first = create("open-1", body.clone()).await;
    assert_eq!(first.status, 201, "{:#}", first.body);
    let again = create("open-1", body.clone()).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body["reference"], first.body["reference"]);
    assert_eq!(again.etag, first.etag);
    let listed = chain
        .app
        .get_as(&chain.correspondent, "/api/v1/tickets?q=videoprojecteur")
        .await;
    assert_eq!(listed.items().len(), 1, "one ticket, not two");

    let mut other = body.clone();
    other["title"] = json!("Autre chose");
    create("open-1", other)
        .await
        .assert_problem(422, "idempotency_key_reused");
    create(&"k".repeat(201), body.clone())
        .await
        .assert_problem(422, "invalid_idempotency_key");

    // Another caller's key is its own.
    let stranger = chain
        .app
        .call(
            Call::new("POST", "/api/v1/tickets")
                .bearer(Some(&chain.other_correspondent))
                .header("Idempotency-Key", "open-1")
                .json(json!({ "establishment": "0679002W", "title": "t", "description": "d", "category": "wifi" })),
        )
        .await;
    assert_eq!(stranger.status, 201, "{:#}", stranger.body);

    // A key claimed and never answered (left by a crash under an older version) does not
    // block its owner: the request runs, and is replayed after.
    let me = chain.app.get_as(&chain.correspondent, "/api/v1/me").await;
    let owner = format!("user:{}", me.body["id"]);
    let bytes = serde_json::to_vec(&body).unwrap();
    idempotency_keys::claim(
        &mut chain.app.conn(),
        &owner,
        "POST /api/v1/tickets",
        "open-2",
        &digest_bytes(&bytes),
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
    let ran = create("open-2", body.clone()).await;
    assert_eq!(ran.status, 201, "{:#}", ran.body);
    let again = create("open-2", body).await;
    assert_eq!(again.body["reference"], ran.body["reference"]);
    assert_eq!(again.headers["idempotent-replayed"], "true");
}

#[actix_web::test]
async fn comments_escalations_and_answers_run_once_per_key() {
    let chain = chain().await;
    let opened = chain
        .open(
            "0579001Z",
            "cahier-de-textes",
            "Le cahier de textes ne s'ouvre pas",
        )
        .await;
    let reference = opened.body["reference"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/tickets/{reference}/comments");
    for _ in 0..2 {
        let posted = chain
            .app
            .call(
                Call::new("POST", &path)
                    .bearer(Some(&chain.correspondent))
                    .header("Idempotency-Key", "c-1")
                    .json(json!({ "body": "Même chose en salle 3" })),
            )
            .await;
        assert_eq!(posted.status, 201);
    }
    let comments = chain.events(&chain.correspondent, &reference).await;
    assert_eq!(
        comments.iter().filter(|e| e["kind"] == "comment").count(),
        1
    );

    // An escalation refused for an incomplete file is replayed as refused…
    let etag = chain.get(&chain.guichet, &reference).await.etag.unwrap();
    let escalate = |key: &'static str, body: serde_json::Value, etag: String| {
        chain.app.call(
            Call::new("POST", &format!("/api/v1/tickets/{reference}/escalation"))
                .bearer(Some(&chain.guichet))
                .header("If-Match", &etag)
                .header("Idempotency-Key", key)
                .json(body),
        )
    };
    let incomplete = json!({ "justification": "unresolved_at_level_1" });
    escalate("e-1", incomplete.clone(), etag.clone())
        .await
        .assert_problem(422, "incomplete_technical_file");
    escalate("e-1", incomplete, etag.clone())
        .await
        .assert_problem(422, "incomplete_technical_file");
    // …and an accepted one is replayed, not refused for its now stale ETag.
    let complete = json!({
        "justification": "unresolved_at_level_1",
        "technical_file": { "affected_profiles": ["teacher"], "users_affected": 12, "occurred_at": "2026-11-24T09:00:00Z",
            "steps_to_reproduce": "Ouvrir le cahier de textes", "error_message": "Erreur 502",
            "browser_device": "Firefox 140", "url": "https://ent.example/cdt" }
    });
    let accepted = escalate("e-2", complete.clone(), etag.clone()).await;
    assert_eq!(accepted.status, 200, "{:#}", accepted.body);
    let replayed = escalate("e-2", complete, etag).await;
    assert_eq!(replayed.status, 200);
    assert_eq!(replayed.body["version"], accepted.body["version"]);
    let escalations = chain.events(&chain.guichet, &reference).await;
    assert_eq!(
        escalations
            .iter()
            .filter(|e| e["kind"] == "escalated")
            .count(),
        1
    );

    let vendor_etag = chain
        .get(&chain.vendor_client, &reference)
        .await
        .etag
        .unwrap();
    for _ in 0..2 {
        let answered = chain
            .app
            .call(
                Call::new(
                    "POST",
                    &format!("/api/v1/tickets/{reference}/vendor-answers"),
                )
                .bearer(Some(&chain.vendor_client))
                .header("If-Match", &vendor_etag)
                .header("Idempotency-Key", "a-1")
                .json(json!({ "kind": "workaround", "body": "Videz le cache du navigateur" })),
            )
            .await;
        assert_eq!(answered.status, 200, "{:#}", answered.body);
    }
    let answers = chain.events(&chain.correspondent, &reference).await;
    assert_eq!(
        answers
            .iter()
            .filter(|e| e["kind"] == "vendor_workaround")
            .count(),
        1
    );
}

#[actix_web::test]
async fn a_key_claimed_by_a_write_that_died_before_committing_is_not_stuck() {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let chain = chain().await;
    let me = chain.app.get_as(&chain.correspondent, "/api/v1/me").await;
    let owner = format!("user:{}", me.body["id"]);
    let body = json!({ "establishment": "0579001Z", "title": "Coupure", "description": "d", "category": "wifi" });
    // A write claims its key inside its transaction, does its work, and the process dies
    // before the commit: the database drops the uncommitted claim with the work.
    {
        let mut conn = guichet::db::DbConn::open(&chain.app.db.url).unwrap();
        match &mut conn {
            guichet::db::DbConn::Postgres(pg) => AnsiTransactionManager::begin_transaction(pg),
            guichet::db::DbConn::Sqlite(sqlite) => {
                AnsiTransactionManager::begin_transaction(sqlite)
            }
        }
        .unwrap();
        assert!(idempotency_keys::claim(
            &mut conn,
            &owner,
            "POST /api/v1/tickets",
            "died",
            &digest_bytes(body.to_string().as_bytes()),
            chrono::Utc::now().naive_utc(),
        )
        .unwrap());
        // The connection is lost as with a killed process: closed, never committed.
        drop(conn);
    }
    let retried = chain
        .app
        .call(
            Call::new("POST", "/api/v1/tickets")
                .bearer(Some(&chain.correspondent))
                .header("Idempotency-Key", "died")
                .json(body),
        )
        .await;
    assert_eq!(retried.status, 201, "{:#}", retried.body);
}

#[actix_web::test]
async fn the_same_body_with_other_whitespace_or_key_order_is_the_same_request() {
    let chain = chain().await;
    let send = |raw: &'static str| {
        chain.app.call(
            Call::new("POST", "/api/v1/tickets")
                .bearer(Some(&chain.correspondent))
                .header("Idempotency-Key", "spaced")
                .header("Content-Type", "application/json")
                .bytes(raw.as_bytes()),
        )
    };
    let first =
        send(r#"{"establishment":"0579001Z","title":"Wi-Fi","description":"d","category":"wifi"}"#)
            .await;
    assert_eq!(first.status, 201, "{:#}", first.body);
    let again = send(
        "{\n  \"category\": \"wifi\",\n  \"description\": \"d\",\n  \"title\": \"Wi-Fi\",\n  \"establishment\": \"0579001Z\"\n}\n",
    )
    .await;
    assert_eq!(again.status, 201, "{:#}", again.body);
    assert_eq!(again.body["reference"], first.body["reference"]);
    assert_eq!(again.headers["idempotent-replayed"], "true");
}

#[actix_web::test]
async fn keys_expire_after_their_lifetime_and_the_housekeeping_job_forgets_them() {
    use diesel::prelude::*;
    use guichet::db::schema::idempotency_keys as keys;
    let app = crate::helpers::TestApp::seeded_with(&[("GUICHET_IDEMPOTENCY_KEY_HOURS", "1")]);
    let body = json!({ "establishment": "0579001Z", "title": "Imprimante", "description": "d", "category": "materiel-poste" });
    let send = |token: String, body: serde_json::Value| {
        app.call(
            Call::new("POST", "/api/v1/tickets")
                .bearer(Some(&token))
                .header("Idempotency-Key", "expiring")
                .json(body),
        )
    };
    let first = send(app.demo_token("correspondent", "ge"), body.clone()).await;
    assert_eq!(first.status, 201);
    let count = || {
        keys::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap()
    };
    assert_eq!(count(), 1);
    app.clock.advance(chrono::Duration::hours(2));
    // Past its lifetime the key names nothing: the request runs anew.
    let later = send(app.demo_token("correspondent", "ge"), body).await;
    assert_eq!(later.status, 201);
    assert_ne!(later.body["reference"], first.body["reference"]);
    assert!(!later.headers.contains_key("idempotent-replayed"));
    app.clock.advance(chrono::Duration::hours(2));
    let purged = guichet::services::jobs::housekeeping(&app.state())
        .await
        .unwrap();
    assert_eq!(purged, Some(1));
    assert_eq!(count(), 0);
}
