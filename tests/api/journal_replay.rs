//! The journal has no gaps: after random walks of actions by every party of the chain (many
//! seeds), replaying each ticket's journal from its opening gives the ticket's current
//! status, pending reason, level and queue. No step answers a server error.

use serde_json::{json, Value};

use crate::helpers::Call;
use crate::ticket_chain::{agent, chain, grant, Chain};
use guichet::domain::role::Role;

/// A small deterministic generator (xorshift64*), so that a failing seed can be replayed.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const QUEUES: [&str; 6] = [
    "ac-nancy-metz/dane",
    "ac-nancy-metz/dsi",
    "dep-57/reseau-materiel",
    "region-grand-est/reseau-materiel",
    "ac-reims/dane",
    "ac-paris/dane",
];

fn file() -> Value {
    json!({
        "affected_profiles": ["teacher", "pupil"], "users_affected": 25,
        "occurred_at": "2026-11-24T07:45:00Z", "steps_to_reproduce": "Ouvrir la page",
        "error_message": "Erreur 500", "browser_device": "Firefox 128", "url": "https://ent.example/x"
    })
}

/// One random step: a route and its body.
fn step(dice: &mut Dice) -> (&'static str, Value) {
    match dice.next() % 10 {
        0..=2 => {
            // Cancelling ends a walk: rarely.
            let action = *dice.pick(&[
                "assign", "start", "suspend", "resume", "resolve", "close", "reopen", "start",
                "resolve", "assign", "suspend", "resume", "reopen", "close", "start", "cancel",
            ]);
            let reason = *dice.pick(&["requester", "third_party"]);
            (
                "actions",
                json!({ "action": action, "pending_reason": reason, "resolution": "Réglé" }),
            )
        }
        3 => {
            if dice.next().is_multiple_of(2) {
                ("routing", json!({ "by_rule": true }))
            } else {
                (
                    "routing",
                    json!({ "queue": dice.pick(&QUEUES), "reason": "À vous" }),
                )
            }
        }
        4 => ("refusal", json!({ "reason": "Pas chez nous" })),
        5 => (
            "escalation",
            json!({ "justification": "proven_malfunction", "technical_file": file() }),
        ),
        6 => {
            let kind = *dice.pick(&["question", "workaround", "solution"]);
            ("vendor-answers", json!({ "kind": kind, "body": "Réponse" }))
        }
        7 => ("information", json!({ "body": "Voici" })),
        8 => (
            "qualification",
            json!({ "impact": dice.pick(&["high", "medium", "low"]), "urgency": "high" }),
        ),
        _ => (
            "comments",
            json!({ "body": "Un mot", "visibility": dice.pick(&["public", "internal"]) }),
        ),
    }
}

/// The ticket's status, pending reason, level and queue as its journal tells them.
fn replay(events: &[Value]) -> (Value, Value, Value, Value) {
    let opened = events
        .iter()
        .find(|e| e["kind"] == "opened")
        .expect("an opening");
    let data = &opened["data"];
    let (mut status, mut pending, mut level, mut queue) = (
        data["status"].clone(),
        data["pending_reason"].clone(),
        data["level"].clone(),
        data["queue"].clone(),
    );
    for event in events {
        let data = &event["data"];
        match event["kind"].as_str() {
            Some("status_changed") => {
                assert_eq!(data["from"], status, "a status change from where it was");
                status = data["to"].clone();
                pending = data["pending_reason"].clone();
            }
            Some("queue_changed") => {
                assert_eq!(data["from"], queue, "a queue change from where it was");
                queue = data["to"].clone();
                level = data["level"].clone();
            }
            _ => {}
        }
    }
    (status, pending, level, queue)
}

/// The tokens of the parties, by the organisation whose queue may hold the ticket.
struct Parties {
    correspondent: String,
    by_organisation: Vec<(&'static str, String)>,
}

impl Parties {
    fn all(&self) -> Vec<&String> {
        let mut all: Vec<&String> = self.by_organisation.iter().map(|(_, t)| t).collect();
        all.push(&self.correspondent);
        all
    }

    /// Mostly whoever holds the ticket now, sometimes the school, sometimes anyone.
    fn choose<'a>(&'a self, dice: &mut Dice, holder: &str) -> &'a String {
        let handler = self
            .by_organisation
            .iter()
            .find(|(o, _)| *o == holder)
            .map(|(_, t)| t);
        match (dice.next() % 10, handler) {
            (0..=5, Some(handler)) => handler,
            (6..=7, _) => &self.correspondent,
            _ => {
                let all = self.all();
                all[(dice.next() % all.len() as u64) as usize]
            }
        }
    }
}

/// Walks one ticket; how many steps were accepted, and its queue and status changes.
async fn walk(
    chain: &Chain,
    seed: u64,
    parties: &Parties,
    owners: &[(String, String)],
) -> (usize, usize, usize) {
    let mut dice = Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let (uai, owner) = dice.pick(owners);
    let category = *dice.pick(&[
        "reseau-internet",
        "messagerie",
        "connexion-educonnect",
        "espaces-collaboratifs",
        "vs-notes",
        "logiciel-tiers",
    ]);
    let opened = chain.open(uai, category, &format!("Marche {seed}")).await;
    let reference = opened.body["reference"].as_str().unwrap().to_owned();
    let mut changes = 0;
    for n in 0..30 {
        let seen = chain.get(owner, &reference).await;
        let holder = seen.body["current_queue"]["organisation"]
            .as_str()
            .unwrap()
            .to_owned();
        let actor = parties.choose(&mut dice, &holder);
        let (route, mut body) = step(&mut dice);
        // Mostly an action the actor may take now, as a person at the desk would.
        let mine = chain.get(actor, &reference).await;
        let allowed = mine.body["allowed_actions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let allowed: Vec<Value> = allowed
            .into_iter()
            .filter(|a| *a != "cancel" || dice.next().is_multiple_of(8))
            .collect();
        if route == "actions" && !allowed.is_empty() && !dice.next().is_multiple_of(3) {
            body["action"] = dice.pick(&allowed).clone();
        }
        let etag = mine.etag.or(seen.etag).unwrap();
        let path = format!("/api/v1/tickets/{reference}/{route}");
        let mut call = Call::new("POST", &path)
            .bearer(Some(actor))
            .json(body.clone());
        if route != "comments" {
            call = call.header("If-Match", &etag);
        }
        let answer = chain.app.call(call).await;
        assert!(
            answer.status.as_u16() < 500,
            "seed {seed} step {n} {route} {body}: {} {:#}",
            answer.status,
            answer.body
        );
        if answer.status.is_success() {
            changes += 1;
        }
    }
    let ticket = chain.get(owner, &reference).await.body;
    let events = chain.events(owner, &reference).await;
    let (status, pending, level, queue) = replay(&events);
    let context = format!("seed {seed} {reference}: {events:#?}");
    assert_eq!(status, ticket["status"], "status, {context}");
    assert_eq!(
        pending, ticket["pending_reason"],
        "pending reason, {context}"
    );
    assert_eq!(level, ticket["level"], "level, {context}");
    assert_eq!(queue, ticket["current_queue"]["code"], "queue, {context}");
    let moves = events
        .iter()
        .filter(|e| e["kind"] == "queue_changed")
        .count();
    let statuses = events
        .iter()
        .filter(|e| e["kind"] == "status_changed")
        .count();
    (changes, moves, statuses)
}

#[actix_web::test]
async fn replaying_the_journal_gives_the_ticket_after_random_walks() {
    let chain = chain().await;
    let reims = agent(
        &chain.app,
        "guichet@ac-reims.example",
        "GE",
        grant(Role::GuichetAgent, None, Some("ac-reims")),
    );
    let region = agent(
        &chain.app,
        "technicien@region-grand-est.example",
        "GE",
        grant(Role::CollectiviteAgent, None, Some("region-grand-est")),
    );
    let parties = Parties {
        correspondent: chain.correspondent.clone(),
        by_organisation: vec![
            ("ac-nancy-metz", chain.guichet.clone()),
            ("ac-reims", reims.clone()),
            ("dep-57", chain.moselle.clone()),
            ("region-grand-est", region),
            ("titulaire-ent-grand-est", chain.vendor_client.clone()),
        ],
    };
    let owners = vec![
        ("0579001Z".to_owned(), chain.guichet.clone()),
        ("0519001G".to_owned(), reims),
    ];
    let (mut changes, mut moves, mut statuses) = (0, 0, 0);
    for seed in 1..=32 {
        let (c, m, s) = walk(&chain, seed, &parties, &owners).await;
        changes += c;
        moves += m;
        statuses += s;
    }
    // The walks did walk: many steps were accepted, tickets moved and changed status.
    eprintln!("{changes} accepted steps, {moves} queue changes, {statuses} status changes");
    assert!(changes >= 240, "{changes} accepted steps");
    assert!(
        moves >= 16 && statuses >= 40,
        "{moves} moves, {statuses} status changes"
    );
}
