//! Eight clients at once on every kind of write, on either database: writers wait for each
//! other (no "database is locked"), a stale version is a 412, a duplicate a 409 — never a
//! 5xx, and nothing acknowledged is lost.

use futures_util::future::join_all;
use serde_json::json;

use crate::helpers::{Call, Response};
use crate::ticket_chain::{chain, Chain};

fn no_server_error(answers: &[Response]) {
    for answer in answers {
        assert!(
            answer.status.as_u16() < 500,
            "{}: {:#}",
            answer.status,
            answer.body
        );
    }
}

async fn open_many(chain: &Chain, n: usize) -> Vec<String> {
    let answers = join_all((0..n).map(|i| {
        chain.app.post_as(
            Some(&chain.correspondent),
            "/api/v1/tickets",
            json!({ "establishment": "0579001Z", "title": format!("Coupure {i}"), "description": "d", "category": "reseau-internet" }),
        )
    }))
    .await;
    no_server_error(&answers);
    answers
        .iter()
        .map(|a| {
            assert_eq!(a.status, 201, "{:#}", a.body);
            a.body["reference"].as_str().unwrap().to_owned()
        })
        .collect()
}

fn post(token: &str, path: String, etag: Option<&str>, body: serde_json::Value) -> Call {
    let call = Call::new("POST", &path).bearer(Some(token)).json(body);
    match etag {
        Some(etag) => call.header("If-Match", etag),
        None => call,
    }
}

#[actix_web::test]
async fn eight_writers_of_one_ticket_one_wins_the_others_are_told_it_changed() {
    let chain = chain().await;
    let reference = open_many(&chain, 1).await.remove(0);
    let etag = chain.get(&chain.guichet, &reference).await.etag.unwrap();
    let answers = join_all((0..8).map(|i| {
        let body = json!({ "impact": if i % 2 == 0 { "high" } else { "low" } });
        chain.app.call(post(
            &chain.guichet,
            format!("/api/v1/tickets/{reference}/qualification"),
            Some(&etag),
            body,
        ))
    }))
    .await;
    no_server_error(&answers);
    let won = answers.iter().filter(|a| a.status == 200).count();
    assert_eq!(won, 1);
    for lost in answers.iter().filter(|a| a.status != 200) {
        lost.assert_problem(412, "precondition_failed");
    }
    let journal = chain.events(&chain.guichet, &reference).await;
    assert_eq!(
        journal.iter().filter(|e| e["kind"] == "qualified").count(),
        1
    );
}

#[actix_web::test]
async fn eight_agents_acting_on_eight_tickets_all_succeed() {
    let chain = chain().await;
    let references = open_many(&chain, 8).await;
    let state = chain.app.state();
    for step in [
        json!({ "action": "assign" }),
        json!({ "action": "start" }),
        json!({ "action": "resolve", "resolution": "Réglé" }),
    ] {
        let etags = join_all(references.iter().map(|r| chain.get(&chain.guichet, r))).await;
        // The figures' merge job runs while they write.
        let (answers, merged) = futures_util::join!(
            join_all(references.iter().zip(&etags).map(|(r, read)| {
                chain.app.call(post(
                    &chain.guichet,
                    format!("/api/v1/tickets/{r}/actions"),
                    read.etag.as_deref(),
                    step.clone(),
                ))
            })),
            guichet::services::jobs::merge_tallies(&state)
        );
        merged.unwrap();
        no_server_error(&answers);
        assert!(answers.iter().all(|a| a.status == 200), "{step}");
    }
    for r in &references {
        assert_eq!(
            chain.get(&chain.correspondent, r).await.body["status"],
            "resolved"
        );
    }
    // Eight resolutions, each stopping clocks: the tallies hold them all.
    crate::figure_tallies::assert_tallies_agree(&chain.app, 2);
    let steering = chain.app.demo_token("steering", "ge");
    let figures = chain.app.get_as(&steering, "/api/v1/stats").await;
    assert_eq!(figures.body["tickets"]["resolved"], 8, "{:#}", figures.body);
}

#[actix_web::test]
async fn eight_comments_and_eight_files_at_once_are_all_kept() {
    let chain = chain().await;
    let reference = open_many(&chain, 1).await.remove(0);
    let comments = join_all((0..8).map(|i| {
        chain.app.call(post(
            if i % 2 == 0 {
                &chain.guichet
            } else {
                &chain.correspondent
            },
            format!("/api/v1/tickets/{reference}/comments"),
            None,
            json!({ "body": format!("Message {i}") }),
        ))
    }))
    .await;
    no_server_error(&comments);
    assert!(comments.iter().all(|a| a.status == 201));
    let uploads = join_all((0..8).map(|i| {
        chain.app.call(
            Call::new(
                "POST",
                &format!("/api/v1/tickets/{reference}/attachments?filename=journal-{i}.txt"),
            )
            .bearer(Some(&chain.correspondent))
            .bytes(format!("contenu {i}").as_bytes()),
        )
    }))
    .await;
    no_server_error(&uploads);
    assert!(uploads.iter().all(|a| a.status == 201));
    let journal = chain.events(&chain.guichet, &reference).await;
    assert_eq!(journal.iter().filter(|e| e["kind"] == "comment").count(), 8);
    let files = chain
        .app
        .get_as(
            &chain.guichet,
            &format!("/api/v1/tickets/{reference}/attachments"),
        )
        .await;
    assert_eq!(files.items().len(), 8);
}

#[actix_web::test]
async fn eight_escalations_and_vendor_answers_at_once() {
    let chain = chain().await;
    let references = open_many(&chain, 8).await;
    let file = json!({
        "affected_profiles": ["teacher"], "users_affected": 3, "occurred_at": "2026-11-24T07:45:00Z",
        "steps_to_reproduce": "Ouvrir", "error_message": "Erreur", "browser_device": "Firefox",
        "url": "https://ent.example/x"
    });
    let etags = join_all(references.iter().map(|r| chain.get(&chain.guichet, r))).await;
    let escalations = join_all(references.iter().zip(&etags).map(|(r, read)| {
        chain.app.call(post(
            &chain.guichet,
            format!("/api/v1/tickets/{r}/escalation"),
            read.etag.as_deref(),
            json!({ "justification": "proven_malfunction", "technical_file": file }),
        ))
    }))
    .await;
    no_server_error(&escalations);
    assert!(
        escalations.iter().all(|a| a.status == 200),
        "{:#?}",
        escalations[0].body
    );
    let etags = join_all(
        references
            .iter()
            .map(|r| chain.get(&chain.vendor_client, r)),
    )
    .await;
    let answers = join_all(references.iter().zip(&etags).map(|(r, read)| {
        chain.app.call(
            post(
                &chain.vendor_client,
                format!("/api/v1/tickets/{r}/vendor-answers"),
                read.etag.as_deref(),
                json!({ "kind": "solution", "body": "Corrigé en production" }),
            )
            .header("Idempotency-Key", &format!("answer-{r}")),
        )
    }))
    .await;
    no_server_error(&answers);
    assert!(answers.iter().all(|a| a.status == 200));
}

#[actix_web::test]
async fn eight_admins_writing_rules_and_grants_at_once() {
    let chain = chain().await;
    let admin = chain.app.demo_token("admin", "ge");
    let rules = join_all((0..8).map(|i| {
        chain.app.post_as(
            Some(&admin),
            "/api/v1/routing/rules",
            json!({ "authority": "ac-reims", "position": 77, "name": format!("Règle {i}"),
                    "at_opening": false, "conditions": { "category": "wifi" },
                    "target": { "kind": "collectivite_in_charge" } }),
        )
    }))
    .await;
    no_server_error(&rules);
    assert_eq!(
        rules.iter().filter(|a| a.status == 201).count(),
        1,
        "{:#?}",
        rules.iter().map(|a| &a.body).collect::<Vec<_>>()
    );
    for other in rules.iter().filter(|a| a.status != 201) {
        assert_eq!(other.status, 409, "{:#}", other.body);
    }
    let me = chain.app.get_as(&chain.moselle, "/api/v1/me").await;
    let id = me.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/admin/users/{id}/grants");
    let grants = join_all((0..8).map(|_| {
        chain.app.post_as(
            Some(&admin),
            &path,
            json!({ "role": "steering", "territory": "GE" }),
        )
    }))
    .await;
    no_server_error(&grants);
    assert_eq!(grants.iter().filter(|a| a.status == 201).count(), 1);
    assert!(grants.iter().all(|a| a.status == 201 || a.status == 409));
}

#[actix_web::test]
async fn eight_preference_writes_and_eight_retries_of_one_dead_letter_at_once() {
    use guichet::services::notifications::dispatch::dispatch_due;
    use guichet::services::notifications::mailer::Outcome;

    let chain = chain().await;
    let app = &chain.app;
    let choices = join_all((0..8).map(|i| {
        app.call(
            Call::new("PUT", "/api/v1/me/notifications")
                .bearer(Some(&chain.guichet))
                .json(
                    json!({ "muted": if i % 2 == 0 { json!(["agent_comment"]) } else { json!([]) },
                              "queue_digest": i % 2 == 1 }),
                ),
        )
    }))
    .await;
    no_server_error(&choices);
    assert!(
        choices.iter().all(|a| a.status == 200),
        "every write is kept"
    );
    let kept = app.get_as(&chain.guichet, "/api/v1/me/notifications").await;
    assert!(
        choices.iter().any(|a| a.body == kept.body),
        "the choice kept is one of those written: {:#}",
        kept.body
    );

    // One dead letter, eight admins retrying it at once: one puts it back, the others are
    // told it is no longer dead; it goes out once.
    chain
        .open("0579001Z", "messagerie", "Une seule relance")
        .await;
    app.inbox
        .lock()
        .unwrap()
        .failures
        .push_back(Outcome::Permanent("550 refused".into()));
    let state = app.state();
    assert_eq!(dispatch_due(&state).await.unwrap().dead, 1);
    let admin = app.demo_token("admin", "ge");
    let dead = app.get_as(&admin, "/api/v1/admin/outbox?state=dead").await;
    let id = dead.items()[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/admin/outbox/{id}/retry");
    let retries = join_all((0..8).map(|_| app.post_as(Some(&admin), &path, json!({})))).await;
    no_server_error(&retries);
    assert_eq!(retries.iter().filter(|a| a.status == 200).count(), 1);
    assert!(retries.iter().all(|a| a.status == 200 || a.status == 409));
    let before = app.inbox.lock().unwrap().messages.len();
    assert_eq!(dispatch_due(&state).await.unwrap().sent, 1);
    assert_eq!(app.inbox.lock().unwrap().messages.len(), before + 1);
    let listed = app.get_as(&admin, "/api/v1/admin/outbox?state=dead").await;
    assert!(listed.items().is_empty());
}
