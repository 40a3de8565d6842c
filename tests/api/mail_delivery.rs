//! The dispatcher: what the outbox holds goes out once, threaded, in French; a mail server
//! that answers 4xx is retried later, one that answers 5xx sends the message to the dead
//! letters that admins list and retry; two instances never send a message twice.

use chrono::Duration;
use serde_json::json;

use guichet::db::repo::{outbox, tickets};
use guichet::domain::notifications::OutboxState;
use guichet::services::notifications::dispatch::dispatch_due;
use guichet::services::notifications::mailer::{Letter, Mailer, Outcome};
use guichet::services::notifications::render::Rendered;

use crate::helpers::TestApp;
use crate::ticket_chain::{chain, Chain};

const CORRESPONDENT: &str = "correspondent.ge@demo.guichet.example";

async fn opened(chain: &Chain) -> String {
    chain
        .open("0579001Z", "messagerie", "Messagerie inaccessible")
        .await
        .body["reference"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The outbox rows of a ticket.
fn rows(app: &TestApp, reference: &str) -> Vec<guichet::db::models::OutboxMessage> {
    let mut conn = app.conn();
    let ticket = tickets::find_by_reference(&mut conn, reference)
        .unwrap()
        .unwrap();
    outbox::of_ticket(&mut conn, ticket.id).unwrap()
}

fn states(app: &TestApp, reference: &str) -> Vec<(OutboxState, i32)> {
    rows(app, reference)
        .into_iter()
        .map(|m| (m.state, m.attempts))
        .collect()
}

fn acknowledgement_state(app: &TestApp, reference: &str) -> (OutboxState, i32) {
    rows(app, reference)
        .into_iter()
        .find(|m| m.recipient_email == CORRESPONDENT)
        .map(|m| (m.state, m.attempts))
        .unwrap()
}

#[actix_web::test]
async fn each_message_goes_out_once_threaded_and_in_french() {
    let chain = chain().await;
    let reference = opened(&chain).await;
    let state = chain.app.state();
    let report = dispatch_due(&state).await.unwrap();
    assert_eq!(report.sent, 3, "{report:?}");
    assert_eq!(
        dispatch_due(&state).await.unwrap().total(),
        0,
        "nothing twice"
    );

    let inbox = chain.app.inbox.lock().unwrap();
    let ack = inbox
        .messages
        .iter()
        .find(|m| m.to == CORRESPONDENT)
        .expect("the acknowledgement");
    assert_eq!(
        ack.subject,
        format!("[{reference}] Demande enregistrée : Messagerie inaccessible")
    );
    assert!(
        ack.text
            .contains("Bonjour Correspondant ENT — démo Grand Est,"),
        "{}",
        ack.text
    );
    assert!(ack
        .text
        .contains("Collège démo Les Tilleuls — Metz (0579001Z)"));
    assert!(ack
        .text
        .contains(&format!("http://127.0.0.1:8080/tickets/{reference}")));
    assert!(ack.html.contains("Demande enregistrée") || ack.html.contains("enregistrée"));
    assert!(ack.raw.contains("multipart/alternative"), "{}", ack.raw);
    assert!(ack.raw.contains("Content-Type: text/plain; charset=utf-8"));
    assert!(ack.raw.contains("Content-Type: text/html; charset=utf-8"));
    assert!(ack
        .raw
        .contains(&format!("In-Reply-To: <{reference}@127.0.0.1>")));
    assert!(ack
        .raw
        .contains(&format!("References: <{reference}@127.0.0.1>")));
    assert!(ack.raw.contains("Message-ID: <outbox-"));
    drop(inbox);
    assert!(states(&chain.app, &reference)
        .iter()
        .all(|(state, attempts)| *state == OutboxState::Sent && *attempts == 1));
}

#[actix_web::test]
async fn a_busy_mail_server_is_retried_later_with_a_growing_delay() {
    let chain = chain().await;
    let reference = opened(&chain).await;
    let state = chain.app.state();
    {
        let mut inbox = chain.app.inbox.lock().unwrap();
        for _ in 0..3 {
            inbox
                .failures
                .push_back(Outcome::Transient("451 4.3.0 try later".into()));
        }
    }
    let first = dispatch_due(&state).await.unwrap();
    assert_eq!((first.retried, first.sent), (3, 0));
    assert!(chain.app.inbox.lock().unwrap().messages.is_empty());
    // Not due again before its delay (30 s ± 20 %).
    chain.app.clock.advance(Duration::seconds(20));
    assert_eq!(dispatch_due(&state).await.unwrap().total(), 0);
    chain.app.clock.advance(Duration::seconds(20));
    let second = dispatch_due(&state).await.unwrap();
    assert_eq!(second.sent, 3, "{second:?}");
    assert_eq!(
        acknowledgement_state(&chain.app, &reference),
        (OutboxState::Sent, 2)
    );
    assert_eq!(chain.app.inbox.lock().unwrap().messages.len(), 3);
}

#[actix_web::test]
async fn a_refused_message_is_a_dead_letter_that_an_admin_retries() {
    let chain = chain().await;
    let reference = opened(&chain).await;
    let state = chain.app.state();
    chain
        .app
        .inbox
        .lock()
        .unwrap()
        .failures
        .push_back(Outcome::Permanent("550 5.1.1 mailbox unavailable".into()));
    let report = dispatch_due(&state).await.unwrap();
    assert_eq!((report.dead, report.sent), (1, 2), "{report:?}");

    let admin = chain.app.demo_token("admin", "ge");
    let dead = chain
        .app
        .get_as(&admin, "/api/v1/admin/outbox?state=dead")
        .await;
    assert_eq!(dead.status, 200, "{:#}", dead.body);
    let items = dead.items();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["ticket"], reference.as_str());
    assert_eq!(items[0]["state"], "dead");
    assert!(items[0]["last_error"].as_str().unwrap().contains("550"));
    let id = items[0]["id"].as_i64().unwrap();

    // Another territory's admin does not see it; a guichet agent may not retry it.
    let paris = chain.app.demo_token("admin", "paris");
    assert!(chain
        .app
        .get_as(&paris, "/api/v1/admin/outbox?state=dead")
        .await
        .items()
        .is_empty());
    chain
        .app
        .post_as(
            Some(&paris),
            &format!("/api/v1/admin/outbox/{id}/retry"),
            json!({}),
        )
        .await
        .assert_problem(404, "not_found");
    chain
        .app
        .post_as(
            Some(&chain.guichet),
            &format!("/api/v1/admin/outbox/{id}/retry"),
            json!({}),
        )
        .await
        .assert_problem(403, "forbidden");

    let retried = chain
        .app
        .post_as(
            Some(&admin),
            &format!("/api/v1/admin/outbox/{id}/retry"),
            json!({}),
        )
        .await;
    assert_eq!(retried.status, 200, "{:#}", retried.body);
    assert_eq!(retried.body["state"], "pending");
    assert_eq!(dispatch_due(&state).await.unwrap().sent, 1);
    assert_eq!(
        acknowledgement_state(&chain.app, &reference).0,
        OutboxState::Sent
    );
    chain
        .app
        .post_as(
            Some(&admin),
            &format!("/api/v1/admin/outbox/{id}/retry"),
            json!({}),
        )
        .await
        .assert_problem(409, "not_dead");
    chain
        .app
        .get_as(&admin, "/api/v1/admin/outbox?state=lost")
        .await
        .assert_problem(422, "unknown_value");
}

#[actix_web::test]
async fn retries_end_in_the_dead_letters() {
    let app = TestApp::seeded_with(&[("GUICHET_MAIL_MAX_ATTEMPTS", "2")]);
    let chain = crate::ticket_chain::chain_on(app).await;
    let reference = opened(&chain).await;
    let state = chain.app.state();
    {
        let mut inbox = chain.app.inbox.lock().unwrap();
        for _ in 0..6 {
            inbox
                .failures
                .push_back(Outcome::Transient("connection refused".into()));
        }
    }
    assert_eq!(dispatch_due(&state).await.unwrap().retried, 3);
    chain.app.clock.advance(Duration::minutes(5));
    assert_eq!(dispatch_due(&state).await.unwrap().dead, 3);
    assert_eq!(
        acknowledgement_state(&chain.app, &reference),
        (OutboxState::Dead, 2)
    );
}

#[actix_web::test]
async fn two_instances_send_each_message_once() {
    let chain = chain().await;
    for i in 0..5 {
        chain
            .open("0579001Z", "messagerie", &format!("Panne {i}"))
            .await;
    }
    let other = chain.app.another_instance();
    let (a, b) = (chain.app.state(), other.state());
    let (one, two) = futures_util::join!(dispatch_due(&a), dispatch_due(&b));
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(one.sent + two.sent, 15, "{one:?} {two:?}");
    let inbox = chain.app.inbox.lock().unwrap();
    assert_eq!(inbox.messages.len(), 15);
    let mut ids: Vec<&str> = inbox
        .messages
        .iter()
        .map(|m| {
            m.raw
                .split("Message-ID: ")
                .nth(1)
                .unwrap()
                .lines()
                .next()
                .unwrap()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 15, "each Message-ID once");
}

#[test]
fn without_an_smtp_server_messages_are_eml_files() {
    let dir = tempfile::tempdir().unwrap();
    let settings = guichet::settings::Settings::from_lookup(|name| match name {
        "GUICHET_JWT_SECRET" => Some("x".repeat(32)),
        _ => None,
    })
    .unwrap();
    assert!(settings.mail.smtp.is_none(), "no SMTP host by default");
    let mailer = Mailer::from_settings(&settings.mail, dir.path()).unwrap();
    assert!(mailer.describe().contains(".eml"));
    let outcome = mailer.send(&Letter {
        outbox_id: 7,
        to_address: "camille.martin@ac-nancy-metz.example",
        to_name: "Camille Martin",
        reference: "GE-2026-000042",
        rendered: Rendered {
            subject: "[GE-2026-000042] Demande résolue : Élèves".into(),
            html: "<p>Résolu</p>".into(),
            text: "Résolu, à bientôt".into(),
        },
    });
    assert_eq!(outcome, Outcome::Sent);
    let files: Vec<_> = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(files.len(), 1);
    let eml = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(
        eml.contains("Message-ID: <outbox-7.GE-2026-000042@127.0.0.1>"),
        "{eml}"
    );
    assert!(
        eml.contains("To: \"Camille Martin\" <camille.martin@ac-nancy-metz.example>")
            || eml.contains("To: Camille Martin <camille.martin@ac-nancy-metz.example>"),
        "{eml}"
    );
}

#[actix_web::test]
async fn people_choose_what_they_receive_and_may_take_a_daily_digest() {
    let chain = chain().await;
    let app = &chain.app;
    let dsi = &chain.dsi;
    let defaults = app.get_as(&chain.guichet, "/api/v1/me/notifications").await;
    assert_eq!(defaults.status, 200, "{:#}", defaults.body);
    assert_eq!(defaults.body["muted"], json!([]));
    assert_eq!(defaults.body["queue_digest"], false);
    assert_eq!(
        defaults.body["mandatory"],
        json!([
            "ticket_acknowledged",
            "resolved",
            "breach_to_notify",
            "breach_deadline",
            "breach_dpo_information",
            "rights_request_forwarded"
        ])
    );

    let put = |token: &str, body: serde_json::Value| {
        app.call(
            crate::helpers::Call::new("PUT", "/api/v1/me/notifications")
                .bearer(Some(token))
                .json(body),
        )
    };
    let refused = put(
        &chain.correspondent,
        json!({ "muted": ["agent_comment", "resolved"] }),
    )
    .await;
    refused.assert_problem(422, "unknown_value");
    assert_eq!(refused.body["errors"][0]["field"], "muted[1]");
    assert!(refused.body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("agent_comment"));
    app.get_as(&chain.vendor_client, "/api/v1/me/notifications")
        .await
        .assert_problem(403, "forbidden");

    let muted = put(&chain.guichet, json!({ "muted": ["queue_arrival"] })).await;
    assert_eq!(muted.status, 200, "{:#}", muted.body);
    assert_eq!(muted.body["muted"], json!(["queue_arrival"]));
    assert_eq!(put(dsi, json!({ "queue_digest": true })).await.status, 200);

    let reference = opened(&chain).await;
    let held: Vec<_> = rows(app, &reference)
        .into_iter()
        .map(|m| (m.recipient_email, m.state))
        .collect();
    assert_eq!(
        held,
        vec![
            (CORRESPONDENT.to_owned(), OutboxState::Pending),
            (
                "authority-agent.ge@demo.guichet.example".to_owned(),
                OutboxState::Digest
            ),
        ],
        "the guichet agent muted arrivals; the DSI agent takes them as a digest"
    );
    let state = app.state();
    assert_eq!(
        dispatch_due(&state).await.unwrap().sent,
        1,
        "only the acknowledgement now"
    );

    let composed = guichet::services::notifications::digest::compose(&state)
        .await
        .unwrap();
    assert_eq!(composed, 1);
    assert_eq!(
        guichet::services::notifications::digest::compose(&state)
            .await
            .unwrap(),
        0,
        "a held notice goes into one digest only"
    );
    assert_eq!(dispatch_due(&state).await.unwrap().sent, 1);
    let inbox = app.inbox.lock().unwrap();
    let digest = inbox
        .messages
        .iter()
        .find(|m| m.to == "authority-agent.ge@demo.guichet.example")
        .expect("the digest");
    assert_eq!(
        digest.subject,
        "Vos files aujourd'hui : 1 nouveau(x) ticket(s)"
    );
    assert!(digest
        .text
        .contains(&format!("- {reference} : Messagerie inaccessible")));
    assert!(digest.text.contains(&format!("/tickets/{reference}")));
    assert!(
        !digest.raw.contains("In-Reply-To"),
        "a digest belongs to no ticket's thread"
    );
}
