//! The ticket lifecycle through the API: transitions and who may make them, comments and
//! their visibility, hand-off refusals, level-0 records, third-party software, major
//! incidents, lists.

use serde_json::json;

use crate::ticket_chain::{chain, Chain};

const METZ_COLLEGE: &str = "0579001Z";
const REIMS_LYCEE: &str = "0519001G";

/// A network ticket of a Metz collège, oriented by rule to the Département de la Moselle.
pub async fn at_moselle(chain: &Chain) -> String {
    let opened = chain
        .open(
            METZ_COLLEGE,
            "reseau-internet",
            "Le switch du bâtiment B est éteint",
        )
        .await;
    let reference = opened.body["reference"].as_str().unwrap().to_owned();
    let routed = chain
        .write(
            &chain.guichet,
            &reference,
            "routing",
            json!({ "by_rule": true }),
        )
        .await;
    assert_eq!(
        routed.body["current_queue"]["code"],
        "dep-57/reseau-materiel"
    );
    reference
}

#[actix_web::test]
async fn the_lifecycle_through_the_api() {
    let chain = chain().await;
    let reference = at_moselle(&chain).await;

    // Not from this status: 409. Not for this party: 403.
    chain
        .write(
            &chain.correspondent,
            &reference,
            "actions",
            json!({ "action": "close" }),
        )
        .await
        .assert_problem(409, "invalid_transition");
    chain
        .write(
            &chain.correspondent,
            &reference,
            "actions",
            json!({ "action": "start" }),
        )
        .await
        .assert_problem(403, "forbidden");

    let assigned = chain
        .write(
            &chain.moselle,
            &reference,
            "actions",
            json!({ "action": "assign" }),
        )
        .await;
    assert_eq!(assigned.status, 200, "{:#}", assigned.body);
    assert_eq!(assigned.body["status"], "assigned");
    assert_eq!(
        assigned.body["assignee"],
        "collectivite-agent.ge@demo.guichet.example"
    );
    chain
        .write(
            &chain.moselle,
            &reference,
            "actions",
            json!({ "action": "assign", "assignee": "correspondent.ge@demo.guichet.example" }),
        )
        .await
        .assert_problem(422, "not_an_agent");

    let started = chain
        .write(
            &chain.moselle,
            &reference,
            "actions",
            json!({ "action": "start" }),
        )
        .await;
    assert_eq!(started.body["status"], "in_progress");
    chain
        .write(
            &chain.moselle,
            &reference,
            "actions",
            json!({ "action": "suspend" }),
        )
        .await
        .assert_problem(422, "required");
    let waiting = chain
        .write(
            &chain.moselle,
            &reference,
            "actions",
            json!({ "action": "suspend", "pending_reason": "requester" }),
        )
        .await;
    assert_eq!(waiting.body["status"], "pending");
    assert_eq!(waiting.body["pending_reason"], "requester");
    let resumed = chain
        .write(
            &chain.correspondent,
            &reference,
            "actions",
            json!({ "action": "resume" }),
        )
        .await;
    assert_eq!(resumed.body["status"], "in_progress", "{:#}", resumed.body);
    assert_eq!(resumed.body["pending_reason"], serde_json::Value::Null);

    chain
        .write(
            &chain.moselle,
            &reference,
            "actions",
            json!({ "action": "resolve" }),
        )
        .await
        .assert_problem(422, "required");
    let resolved = chain
        .write(
            &chain.moselle,
            &reference,
            "actions",
            json!({ "action": "resolve", "resolution": "Switch remplacé" }),
        )
        .await;
    assert_eq!(resolved.body["status"], "resolved");
    assert_eq!(
        resolved.body["allowed_actions"],
        json!([]),
        "the collectivité waits for the school"
    );

    let reopened = chain
        .write(
            &chain.correspondent,
            &reference,
            "actions",
            json!({ "action": "reopen", "comment": "Toujours en panne au 2e étage" }),
        )
        .await;
    assert_eq!(reopened.body["status"], "in_progress");
    assert_eq!(reopened.body["reopen_count"], 1);
    chain
        .write(
            &chain.moselle,
            &reference,
            "actions",
            json!({ "action": "resolve", "resolution": "Second switch remplacé" }),
        )
        .await;
    let closed = chain
        .write(
            &chain.correspondent,
            &reference,
            "actions",
            json!({ "action": "close" }),
        )
        .await;
    assert_eq!(closed.body["status"], "closed");
    chain
        .write(
            &chain.guichet,
            &reference,
            "routing",
            json!({ "queue": "ac-nancy-metz/dane", "reason": "x" }),
        )
        .await
        .assert_problem(409, "invalid_transition");

    // The hop to the collectivité records its first response.
    let hops = chain
        .app
        .get_as(&chain.guichet, &format!("/api/v1/tickets/{reference}/hops"))
        .await;
    let stay = &hops.items()[1];
    assert_eq!(stay["to_queue"], "dep-57/reseau-materiel");
    assert!(stay["first_response_at"].is_string());
    chain
        .app
        .get_as(
            &chain.correspondent,
            &format!("/api/v1/tickets/{reference}/hops"),
        )
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn internal_notes_stay_among_agents() {
    let chain = chain().await;
    let reference = at_moselle(&chain).await;
    let path = format!("/api/v1/tickets/{reference}/comments");
    let comment = |token: String, body: serde_json::Value| {
        let path = path.clone();
        let app = &chain.app;
        async move { app.post_as(Some(&token), &path, body).await }
    };
    let note = comment(
        chain.moselle.clone(),
        json!({ "body": "Intervention du prestataire jeudi", "visibility": "internal" }),
    )
    .await;
    assert_eq!(note.status, 201, "{:#}", note.body);
    let public = comment(
        chain.moselle.clone(),
        json!({ "body": "Un technicien passe jeudi" }),
    )
    .await;
    assert_eq!(public.body["visibility"], "public");
    comment(
        chain.correspondent.clone(),
        json!({ "body": "secret", "visibility": "internal" }),
    )
    .await
    .assert_problem(422, "field_not_allowed");
    comment(chain.correspondent.clone(), json!({ "body": "  " }))
        .await
        .assert_problem(422, "required");

    let school = chain.events(&chain.correspondent, &reference).await;
    let bodies: Vec<&str> = school.iter().filter_map(|e| e["body"].as_str()).collect();
    assert!(bodies.contains(&"Un technicien passe jeudi"));
    assert!(!bodies.contains(&"Intervention du prestataire jeudi"));
    let agents = chain.events(&chain.guichet, &reference).await;
    assert!(agents
        .iter()
        .any(|e| e["body"] == "Intervention du prestataire jeudi"));
    assert!(agents
        .iter()
        .all(|e| e["actor"].is_string() && e["occurred_at"].is_string()));
}

#[actix_web::test]
async fn a_receiving_organisation_refuses_with_a_reason() {
    let chain = chain().await;
    let opened = chain
        .open(METZ_COLLEGE, "messagerie", "La messagerie est très lente")
        .await;
    let reference = opened.body["reference"].as_str().unwrap().to_owned();
    let handed = chain
        .write(
            &chain.guichet,
            &reference,
            "routing",
            json!({ "queue": "dep-57/reseau-materiel", "reason": "Lenteur réseau probable" }),
        )
        .await;
    assert_eq!(
        handed.body["current_queue"]["code"],
        "dep-57/reseau-materiel"
    );
    chain
        .write(
            &chain.moselle,
            &reference,
            "refusal",
            json!({ "reason": " " }),
        )
        .await
        .assert_problem(422, "required");
    let refused = chain
        .write(
            &chain.moselle,
            &reference,
            "refusal",
            json!({ "reason": "Le réseau de l'établissement fonctionne : problème applicatif" }),
        )
        .await;
    assert_eq!(refused.status, 200, "{:#}", refused.body);
    assert_eq!(
        refused.body["current_queue"]["code"],
        "ac-nancy-metz/guichet"
    );
    let hops = chain
        .app
        .get_as(&chain.guichet, &format!("/api/v1/tickets/{reference}/hops"))
        .await;
    let refused_stay = hops
        .items()
        .iter()
        .find(|h| h["to_queue"] == "dep-57/reseau-materiel")
        .unwrap();
    assert!(refused_stay["refused_reason"]
        .as_str()
        .unwrap()
        .contains("applicatif"));
    assert!(refused_stay["left_at"].is_string());
    // What comes back by a refusal cannot be refused in turn.
    chain
        .write(
            &chain.guichet,
            &reference,
            "refusal",
            json!({ "reason": "non" }),
        )
        .await
        .assert_problem(409, "nothing_to_refuse");
    // Nor can a correspondent refuse anything.
    chain
        .write(
            &chain.correspondent,
            &reference,
            "refusal",
            json!({ "reason": "non" }),
        )
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn level_zero_work_and_third_party_software_are_recorded() {
    let chain = chain().await;
    let solved = chain
        .app
        .post_as(
            Some(&chain.correspondent),
            "/api/v1/tickets",
            json!({ "establishment": METZ_COLLEGE, "title": "Mot de passe élève oublié", "description": "Réinitialisé en salle info",
                    "category": "identifiants-envoi", "solved_at_level_0": "Mot de passe réinitialisé par le correspondant" }),
        )
        .await;
    assert_eq!(solved.status, 201, "{:#}", solved.body);
    assert_eq!(solved.body["level"], 0);
    assert_eq!(solved.body["status"], "closed");

    let opened = chain
        .open(
            METZ_COLLEGE,
            "logiciel-tiers",
            "PRONOTE n'exporte plus les bulletins",
        )
        .await;
    let reference = opened.body["reference"].as_str().unwrap().to_owned();
    let routed = chain
        .write(
            &chain.guichet,
            &reference,
            "routing",
            json!({ "by_rule": true, "external_reference": "IDX-2026-4411" }),
        )
        .await;
    assert_eq!(routed.status, 200, "{:#}", routed.body);
    assert_eq!(routed.body["status"], "pending");
    assert_eq!(routed.body["pending_reason"], "third_party");
    assert_eq!(
        routed.body["third_party"]["editor"],
        "editeur-index-education"
    );
    assert_eq!(
        routed.body["third_party"]["external_reference"],
        "IDX-2026-4411"
    );

    // Opening for a school that is not the caller's: refused as a field it may not set.
    chain
        .app
        .post_as(
            Some(&chain.correspondent),
            "/api/v1/tickets",
            json!({ "establishment": "0750655E", "title": "x", "description": "x", "category": "wifi" }),
        )
        .await
        .assert_problem(422, "field_not_allowed");
    chain
        .app
        .post_as(
            Some(&chain.guichet),
            "/api/v1/tickets",
            json!({ "establishment": METZ_COLLEGE, "title": "x", "description": "x", "category": "wifi" }),
        )
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn resolving_a_major_incident_resolves_its_children() {
    let chain = chain().await;
    let parent = chain
        .open(METZ_COLLEGE, "ent-indisponible", "L'ENT ne répond plus")
        .await;
    let parent_ref = parent.body["reference"].as_str().unwrap().to_owned();
    let child = chain
        .open(
            METZ_COLLEGE,
            "ent-indisponible",
            "Connexion impossible ce matin",
        )
        .await;
    let child_ref = child.body["reference"].as_str().unwrap().to_owned();

    chain
        .write(
            &chain.guichet,
            &parent_ref,
            "children",
            json!({ "child": child_ref }),
        )
        .await
        .assert_problem(409, "not_major");
    let major = chain
        .write(&chain.guichet, &parent_ref, "major", json!({}))
        .await;
    assert_eq!(major.body["is_major"], true);
    let linked = chain
        .write(
            &chain.guichet,
            &parent_ref,
            "children",
            json!({ "child": child_ref }),
        )
        .await;
    assert_eq!(linked.status, 200, "{:#}", linked.body);
    assert_eq!(
        chain.get(&chain.guichet, &child_ref).await.body["parent"],
        parent_ref.as_str()
    );

    chain
        .write(
            &chain.guichet,
            &parent_ref,
            "actions",
            json!({ "action": "start" }),
        )
        .await;
    let resolved = chain
        .write(
            &chain.guichet,
            &parent_ref,
            "actions",
            json!({ "action": "resolve", "resolution": "Frontal redémarré par le titulaire" }),
        )
        .await;
    assert_eq!(resolved.body["status"], "resolved", "{:#}", resolved.body);
    let child_now = chain.get(&chain.correspondent, &child_ref).await;
    assert_eq!(child_now.body["status"], "resolved");
    assert_eq!(
        child_now.body["resolution"],
        "Frontal redémarré par le titulaire"
    );
    let journal = chain.events(&chain.correspondent, &child_ref).await;
    assert!(journal
        .iter()
        .any(|e| e["kind"] == "resolved_with_major_incident"));
}

#[actix_web::test]
async fn lists_are_scoped_filtered_and_paginated() {
    let chain = chain().await;
    let mut references = Vec::new();
    for (title, category) in [
        ("Wi-Fi coupé en salle 12", "wifi"),
        ("Imprimante hors service", "materiel-poste"),
        ("Tablettes non synchronisées", "materiel-mobile"),
    ] {
        let opened = chain.open(METZ_COLLEGE, category, title).await;
        references.push(opened.body["reference"].as_str().unwrap().to_owned());
    }
    let reims = chain
        .open(REIMS_LYCEE, "messagerie", "Messagerie lente")
        .await;
    let urgent = chain
        .write(
            &chain.guichet,
            &references[2],
            "qualification",
            json!({ "impact": "high", "urgency": "high" }),
        )
        .await;
    assert_eq!(urgent.body["priority"], 1);

    // Priority first, then age.
    let mine = chain
        .app
        .get_as(
            &chain.correspondent,
            "/api/v1/tickets?establishment=0579001z",
        )
        .await;
    assert_eq!(
        mine.field("reference"),
        vec![
            references[2].clone(),
            references[0].clone(),
            references[1].clone()
        ]
    );

    // Keyset pages of one.
    let mut seen = Vec::new();
    let mut path = format!("/api/v1/tickets?establishment={METZ_COLLEGE}&limit=1");
    loop {
        let page = chain.app.get_as(&chain.correspondent, &path).await;
        seen.extend(page.field("reference"));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => {
                path =
                    format!("/api/v1/tickets?establishment={METZ_COLLEGE}&limit=1&cursor={cursor}")
            }
            None => break,
        }
    }
    assert_eq!(seen, mine.field("reference"));

    let by_text = chain
        .app
        .get_as(&chain.correspondent, "/api/v1/tickets?q=imprimante")
        .await;
    assert_eq!(by_text.field("reference"), vec![references[1].clone()]);
    let p1 = chain
        .app
        .get_as(&chain.guichet, "/api/v1/tickets?priority=1&status=new")
        .await;
    assert_eq!(p1.field("reference"), vec![references[2].clone()]);
    let guichet_queue = chain
        .app
        .get_as(
            &chain.guichet,
            "/api/v1/tickets?queue=ac-nancy-metz/guichet",
        )
        .await;
    assert_eq!(guichet_queue.items().len(), 3);
    assert!(!guichet_queue
        .field("reference")
        .contains(&reims.body["reference"].as_str().unwrap().to_owned()));

    // Another school's correspondent sees none of them; steering handles no ticket.
    let other = chain
        .app
        .get_as(&chain.other_correspondent, "/api/v1/tickets")
        .await;
    assert!(other.items().is_empty());
    chain
        .app
        .get_as(&chain.app.demo_token("steering", "ge"), "/api/v1/tickets")
        .await
        .assert_problem(403, "forbidden");
    for (bad, code) in [
        ("status=open", "unknown_value"),
        ("priority=9", "out_of_range"),
        ("level=7", "out_of_range"),
        ("limit=0", "out_of_range"),
        ("cursor=zz", "invalid_cursor"),
        ("queue=nowhere", "unknown_queue"),
    ] {
        chain
            .app
            .get_as(&chain.correspondent, &format!("/api/v1/tickets?{bad}"))
            .await
            .assert_problem(422, code);
    }
}

#[actix_web::test]
async fn a_resolved_ticket_closes_by_itself_after_five_business_days() {
    use chrono::{DateTime, Duration, Utc};
    use guichet::services::jobs;

    let chain = chain().await;
    let reference = at_moselle(&chain).await;
    chain
        .write(
            &chain.moselle,
            &reference,
            "actions",
            json!({ "action": "start" }),
        )
        .await;
    let resolved = chain
        .write(
            &chain.moselle,
            &reference,
            "actions",
            json!({ "action": "resolve", "resolution": "Prise réseau rebranchée" }),
        )
        .await;
    let at: DateTime<Utc> = resolved.body["resolved_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    // Not yet: the job leaves it resolved.
    let state = chain.app.state();
    chain.app.clock.set(at + Duration::days(1));
    assert_eq!(jobs::auto_close(&state).await.unwrap(), Some(0));
    // Tokens live 15 minutes: the school reads with one of the day.
    let school = chain.app.demo_token("correspondent", "ge");
    assert_eq!(
        chain.get(&school, &reference).await.body["status"],
        "resolved"
    );
    // Three weeks later, whatever the holidays: closed, and the school is told.
    chain.app.clock.set(at + Duration::days(21));
    assert_eq!(jobs::auto_close(&state).await.unwrap(), Some(1));
    let school = chain.app.demo_token("correspondent", "ge");
    assert_eq!(
        chain.get(&school, &reference).await.body["status"],
        "closed"
    );
    let journal = chain.events(&school, &reference).await;
    let closing = journal
        .iter()
        .find(|e| e["kind"] == "closed_automatically")
        .unwrap();
    assert_eq!(closing["actor"], "guichet");
    // The same hour, the job's lease is taken: it does not run again; the next hour it
    // runs and finds nothing more.
    assert_eq!(jobs::auto_close(&state).await.unwrap(), None);
    chain.app.clock.set(at + Duration::days(22));
    assert_eq!(jobs::auto_close(&state).await.unwrap(), Some(0));
}

#[actix_web::test]
async fn the_vendor_asks_the_authority_and_passes_to_level_three() {
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
        "affected_profiles": ["teacher", "pupil"], "users_affected": 300, "occurred_at": "2026-11-24T07:45:00Z",
        "steps_to_reproduce": "Ouvrir Mes espaces", "error_message": "Aucun espace", "browser_device": "Chrome 142",
        "url": "https://ent.example/espaces"
    });
    // Only the vendor answers as the vendor.
    chain
        .write(
            &chain.guichet,
            &reference,
            "vendor-answers",
            json!({ "kind": "solution", "body": "x" }),
        )
        .await
        .assert_problem(403, "forbidden");
    let escalated = chain
        .write(
            &chain.guichet,
            &reference,
            "escalation",
            json!({ "justification": "unresolved_at_level_1", "technical_file": file }),
        )
        .await;
    assert_eq!(escalated.body["level"], 2, "{:#}", escalated.body);

    let question = chain
        .write(
            &chain.vendor_client,
            &reference,
            "vendor-answers",
            json!({ "kind": "question", "body": "Depuis quelle heure exactement ?" }),
        )
        .await;
    assert_eq!(question.status, 200, "{:#}", question.body);
    assert_eq!(question.body["status"], "pending");
    assert_eq!(question.body["pending_reason"], "vendor_info");
    // The question is for the authority, not the school.
    let school = chain.events(&chain.correspondent, &reference).await;
    assert!(!school.iter().any(|e| e["kind"] == "vendor_question"));
    let agents = chain.events(&chain.guichet, &reference).await;
    assert!(agents
        .iter()
        .any(|e| e["kind"] == "vendor_question" && e["by_service_account"] == true));

    chain
        .app
        .post_as(
            Some(&chain.guichet),
            &format!("/api/v1/tickets/{reference}/comments"),
            json!({ "body": "Depuis 7 h 40", "visibility": "internal" }),
        )
        .await;
    let resumed = chain
        .write(
            &chain.vendor_client,
            &reference,
            "actions",
            json!({ "action": "resume" }),
        )
        .await;
    assert_eq!(resumed.body["status"], "in_progress", "{:#}", resumed.body);

    // Level 2 → 3 stays inside the vendor; the authority cannot do it.
    chain
        .write(&chain.guichet, &reference, "escalation", json!({}))
        .await
        .assert_problem(403, "forbidden");
    let level3 = chain
        .write(&chain.vendor_client, &reference, "escalation", json!({}))
        .await;
    assert_eq!(level3.status, 200, "{:#}", level3.body);
    assert_eq!(level3.body["level"], 3);
    assert_eq!(
        level3.body["current_queue"]["code"],
        "titulaire-ent-grand-est/support-n3"
    );
    chain
        .write(&chain.vendor_client, &reference, "escalation", json!({}))
        .await
        .assert_problem(409, "invalid_transition");
}
