//! Notifications: each write leaves its outbox rows in its own transaction, addressed to the
//! people of the chain who must know, from their role grants; a change that rolls back
//! leaves none, and a school never hears of an internal event.

use std::collections::BTreeSet;

use diesel::connection::SimpleConnection;
use serde_json::json;

use guichet::db::repo::{outbox, tickets};
use guichet::domain::role::Role;

use crate::helpers::TestApp;
use crate::ticket_chain::{agent, chain, grant, Chain};

const CORRESPONDENT: &str = "correspondent.ge@demo.guichet.example";
const GUICHET: &str = "guichet-agent.ge@demo.guichet.example";
const DSI: &str = "authority-agent.ge@demo.guichet.example";
const MOSELLE: &str = "collectivite-agent.ge@demo.guichet.example";
const VENDOR: &str = "vendor-agent.ge@demo.guichet.example";
const METZ_COLLEGE: &str = "0579001Z";
const THIONVILLE_COLLEGE: &str = "0579002A";

/// The outbox of one ticket, read as it grows: what each step added.
struct Mailbox<'a> {
    app: &'a TestApp,
    reference: String,
    seen: usize,
}

impl<'a> Mailbox<'a> {
    fn of(app: &'a TestApp, reference: &str) -> Self {
        Self {
            app,
            reference: reference.to_owned(),
            seen: 0,
        }
    }

    /// (notice, recipient) of every row since the last call.
    fn new_messages(&mut self) -> BTreeSet<(String, String)> {
        let rows = self.rows();
        let fresh = rows[self.seen..]
            .iter()
            .map(|m| (m.notice.to_string(), m.recipient_email.clone()))
            .collect();
        self.seen = rows.len();
        fresh
    }

    fn rows(&self) -> Vec<guichet::db::models::OutboxMessage> {
        let mut conn = self.app.conn();
        let ticket = tickets::find_by_reference(&mut conn, &self.reference)
            .unwrap()
            .expect("the ticket exists");
        outbox::of_ticket(&mut conn, ticket.id).unwrap()
    }
}

/// What each notice's subject says.
fn subject_of(notice: &str) -> &'static str {
    match notice {
        "ticket_acknowledged" => "Demande enregistrée",
        "queue_arrival" => "Nouveau ticket dans votre file",
        "hand_off_refused" => "Transfert refusé",
        "vendor_question" => "Question du titulaire",
        "vendor_answer" => "Réponse du titulaire",
        "agent_comment" => "Nouveau message sur votre demande",
        "information_requested" => "Information demandée",
        "resolved" => "Demande résolue",
        "reopened" => "Ticket rouvert par l'établissement",
        "major_declared" => "Incident majeur en cours",
        "major_resolved" => "Incident majeur résolu",
        other => panic!("no subject for {other}"),
    }
}

/// Sends what the outbox holds through the test mailer and checks every message: to its
/// recipient, its subject, the text of its event, the link to its ticket.
async fn delivered_as_planned(app: &TestApp, reference: &str) {
    let mailbox = Mailbox::of(app, reference);
    guichet::services::notifications::dispatch::dispatch_due(&app.state())
        .await
        .unwrap();
    let inbox = app.inbox.lock().unwrap();
    for row in mailbox.rows() {
        let notice = row.notice.as_str();
        let subject = format!("[{reference}] {}", subject_of(notice));
        let body = row.payload.0["body"].as_str().unwrap_or_default();
        assert!(
            inbox.messages.iter().any(|m| m.to == row.recipient_email
                && m.subject.starts_with(&subject)
                && m.text.contains(body)
                && m.text.contains(&format!("/tickets/{reference}"))),
            "no « {subject} » saying « {body} » to {}",
            row.recipient_email
        );
    }
}

fn messages(pairs: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    pairs
        .iter()
        .map(|(n, e)| (n.to_string(), e.to_string()))
        .collect()
}

async fn opened(chain: &Chain, uai: &str, title: &str) -> String {
    chain.open(uai, "messagerie", title).await.body["reference"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn ok(response: crate::helpers::Response) -> crate::helpers::Response {
    assert!(
        response.status.is_success(),
        "{} {:#}",
        response.status,
        response.body
    );
    response
}

#[actix_web::test]
async fn each_step_of_the_chain_tells_whom_it_concerns() {
    let chain = chain().await;
    let reference = opened(&chain, METZ_COLLEGE, "Messagerie inaccessible").await;
    let mut mailbox = Mailbox::of(&chain.app, &reference);

    // Opening: the acknowledgement to the requester, the notice to the guichet's agents.
    assert_eq!(
        mailbox.new_messages(),
        messages(&[
            ("ticket_acknowledged", CORRESPONDENT),
            ("queue_arrival", GUICHET),
            ("queue_arrival", DSI),
        ])
    );

    // A hand-off tells the receiving organisation; its refusal tells the sender.
    ok(chain
        .write(
            &chain.guichet,
            &reference,
            "routing",
            json!({ "queue": "dep-57/reseau-materiel", "reason": "Réseau du collège" }),
        )
        .await)
    .await;
    assert_eq!(
        mailbox.new_messages(),
        messages(&[("queue_arrival", MOSELLE)])
    );
    ok(chain
        .write(
            &chain.moselle,
            &reference,
            "refusal",
            json!({ "reason": "La messagerie n'est pas de notre ressort" }),
        )
        .await)
    .await;
    assert_eq!(
        mailbox.new_messages(),
        messages(&[("hand_off_refused", GUICHET), ("hand_off_refused", DSI)])
    );

    // Escalation: the vendor hears of the ticket only now, when it is handed to it.
    ok(chain
        .write(
            &chain.guichet,
            &reference,
            "escalation",
            json!({
                "justification": "proven_malfunction",
                "technical_file": {
                    "affected_profiles": ["teacher"], "occurred_at": "2026-11-24T07:45:00Z",
                    "steps_to_reproduce": "Ouvrir la messagerie", "error_message": "Erreur 500",
                    "browser_device": "Firefox 128", "url": "https://ent.example/messagerie",
                    "users_affected": 40
                }
            }),
        )
        .await)
    .await;
    assert_eq!(
        mailbox.new_messages(),
        messages(&[("queue_arrival", VENDOR)])
    );

    // The vendor's question goes to the owner authority, not to the school.
    ok(chain
        .write(
            &chain.vendor_client,
            &reference,
            "vendor-answers",
            json!({ "kind": "question", "body": "Quel navigateur ?" }),
        )
        .await)
    .await;
    assert_eq!(
        mailbox.new_messages(),
        messages(&[("vendor_question", GUICHET), ("vendor_question", DSI)])
    );
    ok(chain
        .write(
            &chain.guichet,
            &reference,
            "information",
            json!({ "body": "Firefox 128" }),
        )
        .await)
    .await;
    assert!(mailbox.new_messages().is_empty());

    // A workaround: the owner authority and the school.
    ok(chain
        .write(
            &chain.vendor_client,
            &reference,
            "vendor-answers",
            json!({ "kind": "workaround", "body": "Passer par le webmail" }),
        )
        .await)
    .await;
    assert_eq!(
        mailbox.new_messages(),
        messages(&[
            ("vendor_answer", GUICHET),
            ("vendor_answer", DSI),
            ("vendor_answer", CORRESPONDENT),
        ])
    );

    // An internal note reaches no one at the school; a public comment reaches the requester.
    ok(chain
        .write(
            &chain.guichet,
            &reference,
            "comments",
            json!({ "visibility": "internal", "body": "Note entre agents : relancer" }),
        )
        .await)
    .await;
    assert!(mailbox.new_messages().is_empty());
    ok(chain
        .write(
            &chain.guichet,
            &reference,
            "comments",
            json!({ "visibility": "public", "body": "Le titulaire corrige" }),
        )
        .await)
    .await;
    assert_eq!(
        mailbox.new_messages(),
        messages(&[("agent_comment", CORRESPONDENT)])
    );

    // The solution: the requester gets one message, the resolution; the authority the answer.
    ok(chain
        .write(
            &chain.vendor_client,
            &reference,
            "vendor-answers",
            json!({ "kind": "solution", "body": "Correctif déployé" }),
        )
        .await)
    .await;
    assert_eq!(
        mailbox.new_messages(),
        messages(&[
            ("resolved", CORRESPONDENT),
            ("vendor_answer", GUICHET),
            ("vendor_answer", DSI),
        ])
    );

    // Reopened by the school: the organisation holding it (the vendor) is told.
    ok(chain
        .write(
            &chain.correspondent,
            &reference,
            "actions",
            json!({ "action": "reopen", "comment": "Toujours en panne" }),
        )
        .await)
    .await;
    assert_eq!(mailbox.new_messages(), messages(&[("reopened", VENDOR)]));

    // No message to a school ever carries an internal event.
    let rows = mailbox.rows();
    let mut conn = chain.app.conn();
    for row in rows.iter().filter(|r| r.recipient_email == CORRESPONDENT) {
        let event = row.event_id.expect("an event");
        let events =
            guichet::db::repo::ticket_events::list(&mut conn, row.ticket_id.unwrap(), true)
                .unwrap();
        let announced = events.iter().find(|e| e.id == event).unwrap();
        assert_eq!(announced.visibility.as_str(), "public", "{row:?}");
        assert!(!row.payload.0.to_string().contains("Note entre agents"));
    }
    drop(conn);
    delivered_as_planned(&chain.app, &reference).await;
    let inbox = chain.app.inbox.lock().unwrap();
    assert!(inbox
        .messages
        .iter()
        .filter(|m| m.to == CORRESPONDENT)
        .all(|m| !m.text.contains("Note entre agents") && !m.html.contains("Note entre agents")));
}

#[actix_web::test]
async fn information_asked_of_the_school_reaches_the_requester() {
    let chain = chain().await;
    let reference = opened(&chain, METZ_COLLEGE, "Messagerie lente").await;
    let mut mailbox = Mailbox::of(&chain.app, &reference);
    mailbox.new_messages();
    ok(chain
        .write(
            &chain.guichet,
            &reference,
            "actions",
            json!({ "action": "start" }),
        )
        .await)
    .await;
    assert!(
        mailbox.new_messages().is_empty(),
        "nobody is told of their own start"
    );
    ok(chain
        .write(
            &chain.guichet,
            &reference,
            "actions",
            json!({ "action": "suspend", "pending_reason": "requester",
                    "comment": "Depuis quel poste ?" }),
        )
        .await)
    .await;
    assert_eq!(
        mailbox.new_messages(),
        messages(&[("information_requested", CORRESPONDENT)])
    );
    delivered_as_planned(&chain.app, &reference).await;
    let inbox = chain.app.inbox.lock().unwrap();
    let asked = inbox
        .messages
        .iter()
        .find(|m| m.subject.contains("Information demandée"))
        .unwrap();
    assert!(
        asked.text.contains("« Depuis quel poste ? »"),
        "{}",
        asked.text
    );
}

#[actix_web::test]
async fn a_major_incident_tells_every_linked_school() {
    let chain = chain().await;
    let thionville = agent(
        &chain.app,
        "correspondant.thionville@college.example",
        "GE",
        grant(Role::Correspondent, Some(THIONVILLE_COLLEGE), None),
    );
    let parent = opened(&chain, METZ_COLLEGE, "L'ENT ne répond plus").await;
    let child = ok(chain
        .app
        .post_as(
            Some(&thionville),
            "/api/v1/tickets",
            json!({ "establishment": THIONVILLE_COLLEGE, "title": "ENT indisponible",
                    "description": "Plus rien ne répond", "category": "messagerie" }),
        )
        .await)
    .await
    .body["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut mailbox = Mailbox::of(&chain.app, &parent);
    mailbox.new_messages();

    ok(chain
        .write(&chain.guichet, &parent, "major", json!({}))
        .await)
    .await;
    assert_eq!(
        mailbox.new_messages(),
        messages(&[("major_declared", CORRESPONDENT)])
    );
    ok(chain
        .write(
            &chain.guichet,
            &parent,
            "children",
            json!({ "child": child }),
        )
        .await)
    .await;
    ok(chain
        .write(
            &chain.guichet,
            &parent,
            "actions",
            json!({ "action": "start" }),
        )
        .await)
    .await;
    mailbox.new_messages();
    ok(chain
        .write(
            &chain.guichet,
            &parent,
            "actions",
            json!({ "action": "resolve", "resolution": "Serveur redémarré" }),
        )
        .await)
    .await;
    assert_eq!(
        mailbox.new_messages(),
        messages(&[
            ("resolved", CORRESPONDENT),
            ("major_resolved", "correspondant.thionville@college.example"),
        ])
    );
    delivered_as_planned(&chain.app, &parent).await;
}

/// Makes the database give up on any resolution, mid-write (as a database busy beyond its
/// timeout would): the status change and its events are written, then the update fails.
fn refuse_resolutions(app: &TestApp) {
    let sql = match app.db.url {
        guichet::settings::DatabaseUrl::Sqlite(_) => {
            "CREATE TRIGGER refuse_resolutions BEFORE UPDATE ON tickets \
             WHEN NEW.status = 'resolved' \
             BEGIN SELECT RAISE(ABORT, 'database is locked (test)'); END;"
        }
        guichet::settings::DatabaseUrl::Postgres(_) => {
            "CREATE FUNCTION refuse_resolutions() RETURNS trigger AS $$ BEGIN \
               IF NEW.status = 'resolved' THEN RAISE EXCEPTION 'database is locked (test)'; \
               END IF; RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER refuse_resolutions BEFORE UPDATE ON tickets \
               FOR EACH ROW EXECUTE FUNCTION refuse_resolutions();"
        }
    };
    app.conn().batch_execute(sql).unwrap();
}

#[actix_web::test]
async fn a_change_that_rolls_back_leaves_no_message() {
    let chain = chain().await;
    let reference = opened(&chain, METZ_COLLEGE, "Messagerie bloquée").await;
    ok(chain
        .write(
            &chain.guichet,
            &reference,
            "actions",
            json!({ "action": "start" }),
        )
        .await)
    .await;
    let mut mailbox = Mailbox::of(&chain.app, &reference);
    mailbox.new_messages();
    let journal = chain.events(&chain.guichet, &reference).await.len();

    refuse_resolutions(&chain.app);
    let refused = chain
        .write(
            &chain.guichet,
            &reference,
            "actions",
            json!({ "action": "resolve", "resolution": "Réglé",
                    "comment": "Le correctif est passé" }),
        )
        .await;
    assert_eq!(refused.status, 503, "{:#}", refused.body);
    assert!(
        mailbox.new_messages().is_empty(),
        "no message for a change that rolled back"
    );
    assert_eq!(
        chain.events(&chain.guichet, &reference).await.len(),
        journal
    );
    assert_eq!(
        chain.get(&chain.guichet, &reference).await.body["status"],
        "in_progress"
    );
}
