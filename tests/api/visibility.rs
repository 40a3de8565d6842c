//! Who sees a ticket after it left: the owner authority always sees it whole; an
//! organisation that refused or handed it on keeps what it saw while it held it, not the
//! internal events written after, and may no longer comment. A wait for the vendor's
//! question is the authority's to answer (in one call), not the school's; a child linked to
//! a resolved major incident is resolved at once.

use serde_json::{json, Value};

use crate::ticket_chain::{agent, chain, grant, Chain};
use crate::tickets::at_moselle;
use guichet::domain::role::Role;

async fn note(chain: &Chain, token: &str, reference: &str, body: &str) {
    let written = chain
        .app
        .post_as(
            Some(token),
            &format!("/api/v1/tickets/{reference}/comments"),
            json!({ "body": body, "visibility": "internal" }),
        )
        .await;
    assert_eq!(written.status, 201, "{:#}", written.body);
}

fn bodies(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| e["body"].as_str().map(str::to_owned))
        .collect()
}

#[actix_web::test]
async fn an_organisation_that_refused_keeps_what_it_saw_and_nothing_after() {
    let chain = chain().await;
    let reference = at_moselle(&chain).await;
    note(
        &chain,
        &chain.moselle,
        &reference,
        "Note de la Moselle avant le refus",
    )
    .await;
    let refused = chain
        .write(
            &chain.moselle,
            &reference,
            "refusal",
            json!({ "reason": "Le collège dépend d'un autre marché" }),
        )
        .await;
    assert_eq!(refused.status, 200, "{:#}", refused.body);
    note(
        &chain,
        &chain.guichet,
        &reference,
        "Note du guichet après le refus",
    )
    .await;

    // The Moselle still reads the ticket and its own past, not what came after.
    assert_eq!(chain.get(&chain.moselle, &reference).await.status, 200);
    let seen = bodies(&chain.events(&chain.moselle, &reference).await);
    assert!(
        seen.contains(&"Note de la Moselle avant le refus".to_owned()),
        "{seen:?}"
    );
    assert!(
        seen.contains(&"Le collège dépend d'un autre marché".to_owned()),
        "{seen:?}"
    );
    assert!(
        !seen.contains(&"Note du guichet après le refus".to_owned()),
        "{seen:?}"
    );
    // It takes no part in the conversation any more.
    chain
        .app
        .post_as(
            Some(&chain.moselle),
            &format!("/api/v1/tickets/{reference}/comments"),
            json!({ "body": "Encore nous" }),
        )
        .await
        .assert_problem(403, "forbidden");
    // The owner authority's other agents see it whole.
    let all = bodies(&chain.events(&chain.dsi, &reference).await);
    assert!(
        all.contains(&"Note du guichet après le refus".to_owned()),
        "{all:?}"
    );
    assert!(
        all.contains(&"Note de la Moselle avant le refus".to_owned()),
        "{all:?}"
    );
}

#[actix_web::test]
async fn an_organisation_that_handed_the_ticket_on_sees_up_to_its_leaving() {
    let chain = chain().await;
    let reference = at_moselle(&chain).await;
    let handed = chain
        .write(
            &chain.moselle,
            &reference,
            "routing",
            json!({ "queue": "region-grand-est/reseau-materiel", "reason": "Matériel de la Région" }),
        )
        .await;
    assert_eq!(handed.status, 200, "{:#}", handed.body);
    let region = agent(
        &chain.app,
        "technicien@region-grand-est.example",
        "GE",
        grant(Role::CollectiviteAgent, None, Some("region-grand-est")),
    );
    note(&chain, &region, &reference, "Note de la Région").await;
    let seen = bodies(&chain.events(&chain.moselle, &reference).await);
    assert!(!seen.contains(&"Note de la Région".to_owned()), "{seen:?}");
    assert!(chain
        .events(&chain.moselle, &reference)
        .await
        .iter()
        .any(|e| e["kind"] == "routed"));
    assert!(bodies(&chain.events(&chain.dsi, &reference).await)
        .contains(&"Note de la Région".to_owned()));
}

#[actix_web::test]
async fn the_vendors_question_is_answered_by_the_owner_authority_in_one_call() {
    let chain = chain().await;
    let opened = chain
        .open(
            "0579001Z",
            "espaces-collaboratifs",
            "Les espaces de classe ont disparu",
        )
        .await;
    let reference = opened.body["reference"].as_str().unwrap().to_owned();
    let file = json!({
        "affected_profiles": ["teacher"], "users_affected": 30, "occurred_at": "2026-11-24T07:45:00Z",
        "steps_to_reproduce": "Ouvrir Mes espaces", "error_message": "Aucun espace",
        "browser_device": "Firefox", "url": "https://ent.example/espaces"
    });
    let escalated = chain
        .write(
            &chain.guichet,
            &reference,
            "escalation",
            json!({ "justification": "proven_malfunction", "technical_file": file }),
        )
        .await;
    assert_eq!(escalated.status, 200, "{:#}", escalated.body);
    let asked = chain
        .write(
            &chain.vendor_client,
            &reference,
            "vendor-answers",
            json!({ "kind": "question", "body": "Quel navigateur exactement ?" }),
        )
        .await;
    assert_eq!(asked.body["pending_reason"], "vendor_info");

    // The school cannot resume a wait that is not its own, nor answer it.
    let school = chain.get(&chain.correspondent, &reference).await;
    assert!(!school.body["allowed_actions"]
        .as_array()
        .unwrap()
        .contains(&json!("resume")));
    chain
        .write(
            &chain.correspondent,
            &reference,
            "actions",
            json!({ "action": "resume" }),
        )
        .await
        .assert_problem(403, "forbidden");
    chain
        .write(
            &chain.correspondent,
            &reference,
            "information",
            json!({ "body": "Firefox" }),
        )
        .await
        .assert_problem(403, "forbidden");

    // The owner authority answers and the ticket resumes, in one call.
    let answered = chain
        .write(
            &chain.guichet,
            &reference,
            "information",
            json!({ "body": "Firefox 128 ESR" }),
        )
        .await;
    assert_eq!(answered.status, 200, "{:#}", answered.body);
    assert_eq!(answered.body["status"], "in_progress");
    assert_eq!(answered.body["pending_reason"], Value::Null);
    let vendor = chain.events(&chain.vendor_client, &reference).await;
    assert!(vendor
        .iter()
        .any(|e| e["kind"] == "information_provided" && e["body"] == "Firefox 128 ESR"));
    let school = chain.events(&chain.correspondent, &reference).await;
    assert!(!school.iter().any(|e| e["kind"] == "information_provided"));
    // Nothing waits any more.
    chain
        .write(
            &chain.guichet,
            &reference,
            "information",
            json!({ "body": "encore" }),
        )
        .await
        .assert_problem(409, "not_waiting");
}

#[actix_web::test]
async fn a_child_linked_to_a_resolved_major_incident_is_resolved_at_once() {
    let chain = chain().await;
    let parent = chain
        .open(
            "0579001Z",
            "messagerie",
            "Messagerie indisponible pour tous",
        )
        .await
        .body["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let child = chain
        .open("0579001Z", "messagerie", "Plus de messagerie au collège")
        .await
        .body["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let late = chain
        .open(
            "0579001Z",
            "messagerie",
            "Messagerie : encore un signalement",
        )
        .await
        .body["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    for (route, body) in [
        ("major", json!({})),
        ("actions", json!({ "action": "start" })),
        (
            "actions",
            json!({ "action": "resolve", "resolution": "Serveur de messagerie redémarré" }),
        ),
    ] {
        let answer = chain.write(&chain.guichet, &parent, route, body).await;
        assert_eq!(answer.status, 200, "{route}: {:#}", answer.body);
    }
    let linked = chain
        .write(
            &chain.guichet,
            &parent,
            "children",
            json!({ "child": child }),
        )
        .await;
    assert_eq!(linked.status, 200, "{:#}", linked.body);
    let child_now = chain.get(&chain.correspondent, &child).await;
    assert_eq!(child_now.body["status"], "resolved");
    assert_eq!(
        child_now.body["resolution"],
        "Serveur de messagerie redémarré"
    );
    assert_eq!(child_now.body["parent"], parent);
    // Once the incident is closed, it takes no more children.
    let closed = chain
        .write(
            &chain.correspondent,
            &parent,
            "actions",
            json!({ "action": "close" }),
        )
        .await;
    assert_eq!(closed.body["status"], "closed", "{:#}", closed.body);
    chain
        .write(
            &chain.guichet,
            &parent,
            "children",
            json!({ "child": late }),
        )
        .await
        .assert_problem(409, "major_incident_closed");
    assert_eq!(
        chain.get(&chain.correspondent, &late).await.body["status"],
        "new"
    );
}
