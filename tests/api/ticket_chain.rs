//! The seeded Grand Est chain walked end to end through the API, each step by the role that
//! does it in real life.

use serde_json::{json, Value};

use guichet::domain::role::Role;
use guichet::services::admin::provisioning::{ensure_user, UserSpec};
use guichet::services::admin::views::GrantRequest;

use crate::helpers::{Call, Response, TestApp};

/// Demo schools of the seeds.
const METZ_COLLEGE: &str = "0579001Z"; // Collège démo Les Tilleuls — Metz (Moselle)
const REIMS_LYCEE: &str = "0519001G"; // Lycée démo Jean-Jaurès — Reims, vie scolaire module

pub struct Chain {
    pub app: TestApp,
    pub correspondent: String,
    pub guichet: String,
    pub dsi: String,
    pub moselle: String,
    pub vendor_client: String,
    /// The vendor integration's client credentials, to sign it in again.
    pub vendor_credentials: Value,
    pub other_correspondent: String,
}

/// A user with one grant, and its token.
pub fn agent(app: &TestApp, email: &str, territory: &str, grant: GrantRequest) -> String {
    let spec = UserSpec {
        email: email.into(),
        display_name: email.into(),
        territory: Some(territory.into()),
        grants: vec![grant],
    };
    ensure_user(&mut app.conn(), &spec, || None, "test", chrono::Utc::now()).unwrap();
    app.token_of(email)
}

pub fn grant(role: Role, establishment: Option<&str>, organisation: Option<&str>) -> GrantRequest {
    GrantRequest {
        role,
        establishment: establishment.map(str::to_owned),
        organisation: organisation.map(str::to_owned),
        territory: None,
    }
}

pub async fn chain() -> Chain {
    chain_on(TestApp::seeded()).await
}

/// The chain on an app seeded with other settings.
pub async fn chain_on(app: TestApp) -> Chain {
    let admin = app.demo_token("admin", "ge");
    let created = app
        .post_as(
            Some(&admin),
            "/api/v1/admin/service-accounts",
            json!({ "name": "Support du titulaire", "vendor": "titulaire-ent-grand-est" }),
        )
        .await;
    let credentials = json!({
        "grant_type": "client_credentials",
        "client_id": created.body["client_id"], "client_secret": created.body["client_secret"],
    });
    let vendor_client = client_token(&app, &credentials).await;
    let other_correspondent = agent(
        &app,
        "correspondant.strasbourg@college.example",
        "GE",
        grant(Role::Correspondent, Some("0679002W"), None),
    );
    Chain {
        correspondent: app.demo_token("correspondent", "ge"),
        guichet: app.demo_token("guichet_agent", "ge"),
        dsi: app.demo_token("authority_agent", "ge"),
        moselle: app.demo_token("collectivite_agent", "ge"),
        vendor_client,
        vendor_credentials: credentials,
        other_correspondent,
        app,
    }
}

/// An access token for a service account's client credentials.
pub async fn client_token(app: &TestApp, credentials: &Value) -> String {
    app.post_as(None, "/api/v1/auth/token", credentials.clone())
        .await
        .body["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

impl Chain {
    pub async fn open(&self, uai: &str, category: &str, title: &str) -> Response {
        let opened = self
            .app
            .post_as(
                Some(&self.correspondent),
                "/api/v1/tickets",
                json!({ "establishment": uai, "title": title, "description": format!("{title} depuis ce matin"), "category": category }),
            )
            .await;
        assert_eq!(opened.status, 201, "{:#}", opened.body);
        opened
    }

    pub async fn get(&self, token: &str, reference: &str) -> Response {
        self.app
            .get_as(token, &format!("/api/v1/tickets/{reference}"))
            .await
    }

    /// POSTs to a ticket route with the ticket's current ETag (read as `token`).
    pub async fn write(&self, token: &str, reference: &str, route: &str, body: Value) -> Response {
        let etag = self.get(token, reference).await.etag.expect("an ETag");
        self.app
            .call(
                Call::new("POST", &format!("/api/v1/tickets/{reference}/{route}"))
                    .bearer(Some(token))
                    .header("If-Match", &etag)
                    .json(body),
            )
            .await
    }

    pub async fn events(&self, token: &str, reference: &str) -> Vec<Value> {
        let response = self
            .app
            .get_as(token, &format!("/api/v1/tickets/{reference}/events"))
            .await;
        response.items().clone()
    }
}

fn reference(response: &Response) -> String {
    response.body["reference"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn the_grand_est_chain_end_to_end() {
    let chain = chain().await;
    let app = &chain.app;

    // 1. A collège in Moselle reports its network down: the guichet qualifies and orients
    //    it by rule; it lands in the Département de la Moselle's queue.
    let network = chain
        .open(METZ_COLLEGE, "reseau-internet", "Plus de réseau au CDI")
        .await;
    let network_ref = reference(&network);
    assert!(
        network_ref.starts_with("GE-2026-") || network_ref.starts_with("GE-20"),
        "{network_ref}"
    );
    assert_eq!(network_ref.len(), "GE-2026-000001".len());
    assert_eq!(
        network.body["current_queue"]["code"],
        "ac-nancy-metz/guichet"
    );
    assert_eq!(network.body["level"], 1);
    assert_eq!(network.body["status"], "new");
    let qualified = chain
        .write(
            &chain.guichet,
            &network_ref,
            "qualification",
            json!({ "impact": "high", "urgency": "high" }),
        )
        .await;
    assert_eq!(qualified.status, 200, "{:#}", qualified.body);
    assert_eq!(qualified.body["priority"], 1);
    let routed = chain
        .write(
            &chain.guichet,
            &network_ref,
            "routing",
            json!({ "by_rule": true }),
        )
        .await;
    assert_eq!(routed.status, 200, "{:#}", routed.body);
    assert_eq!(
        routed.body["current_queue"]["code"],
        "dep-57/reseau-materiel"
    );
    assert_eq!(routed.body["owner_queue"]["code"], "ac-nancy-metz/guichet");
    let moselle_queue = app
        .get_as(
            &chain.moselle,
            "/api/v1/tickets?queue=dep-57/reseau-materiel",
        )
        .await;
    assert_eq!(moselle_queue.field("reference"), vec![network_ref.clone()]);
    let hops = app
        .get_as(
            &chain.moselle,
            &format!("/api/v1/tickets/{network_ref}/hops"),
        )
        .await;
    assert_eq!(hops.items().len(), 2);
    let routing_event = chain
        .events(&chain.guichet, &network_ref)
        .await
        .into_iter()
        .find(|e| e["kind"] == "routed")
        .expect("the routing decision is journaled");
    assert!(routing_event["data"]["rule"]["name"]
        .as_str()
        .unwrap()
        .contains("collectivité"));

    // 2. A Reims lycée with the vie scolaire module: straight to the vendor's level 1.
    let marks = chain
        .open(REIMS_LYCEE, "vs-notes", "Les notes ne s'affichent plus")
        .await;
    assert_eq!(
        marks.body["current_queue"]["code"],
        "titulaire-ent-grand-est/vie-scolaire-n1"
    );
    let marks_ref = reference(&marks);
    assert_eq!(
        chain.get(&chain.vendor_client, &marks_ref).await.status,
        200
    );

    // 3. An account problem goes to the DSI of the right académie.
    let account = chain
        .open(
            METZ_COLLEGE,
            "compte-academique",
            "Un enseignant ne peut plus se connecter",
        )
        .await;
    let account_ref = reference(&account);
    let to_dsi = chain
        .write(
            &chain.guichet,
            &account_ref,
            "routing",
            json!({ "by_rule": true }),
        )
        .await;
    assert_eq!(
        to_dsi.body["current_queue"]["code"], "ac-nancy-metz/dsi",
        "{:#}",
        to_dsi.body
    );

    // The vendor never saw these two.
    chain
        .get(&chain.vendor_client, &network_ref)
        .await
        .assert_problem(404, "not_found");
    chain
        .get(&chain.vendor_client, &account_ref)
        .await
        .assert_problem(404, "not_found");

    // 4. Escalation without a justification, then without a technical file: 422 naming the
    // justification, then each missing element.
    let unjustified = chain
        .write(&chain.dsi, &account_ref, "escalation", json!({}))
        .await;
    unjustified.assert_problem(422, "missing_justification");
    assert_eq!(unjustified.body["errors"][0]["field"], "justification");
    let refused = chain
        .write(
            &chain.dsi,
            &account_ref,
            "escalation",
            json!({ "justification": "proven_malfunction" }),
        )
        .await;
    refused.assert_problem(422, "incomplete_technical_file");
    let missing: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for element in [
        "affected_profiles",
        "users_affected",
        "occurred_at",
        "error_message",
    ] {
        assert!(
            missing.contains(&format!("technical_file.{element}").as_str()),
            "{missing:?}"
        );
    }
    // With it: accepted, at level 2 in the vendor's queue.
    let escalated = chain
        .write(
            &chain.dsi,
            &account_ref,
            "escalation",
            json!({
                "justification": "proven_malfunction",
                "technical_file": {
                    "affected_profiles": ["teacher"], "users_affected": 1,
                    "occurred_at": "2026-11-24T08:10:00Z",
                    "error_message": "Identifiant ou mot de passe incorrect",
                    "steps_to_reproduce": "Se connecter avec le compte académique"
                }
            }),
        )
        .await;
    assert_eq!(escalated.status, 200, "{:#}", escalated.body);
    assert_eq!(escalated.body["level"], 2);
    assert_eq!(
        escalated.body["current_queue"]["code"],
        "titulaire-ent-grand-est/support-n2"
    );
    assert_eq!(
        escalated.body["escalation_justification"],
        "proven_malfunction"
    );

    // The vendor answers through its service account.
    let vendor_list = app.get_as(&chain.vendor_client, "/api/v1/tickets").await;
    assert!(vendor_list.field("reference").contains(&account_ref));
    assert!(!vendor_list.field("reference").contains(&network_ref));
    let solved = chain
        .write(
            &chain.vendor_client,
            &account_ref,
            "vendor-answers",
            json!({ "kind": "solution", "body": "Compte resynchronisé depuis l'annuaire : reconnectez-vous." }),
        )
        .await;
    assert_eq!(solved.status, 200, "{:#}", solved.body);
    assert_eq!(solved.body["status"], "resolved");
    let history = chain.events(&chain.guichet, &account_ref).await;
    let answer = history
        .iter()
        .find(|e| e["kind"] == "vendor_solution")
        .expect("answer traced");
    assert_eq!(answer["by_service_account"], true);
    assert_eq!(answer["organisation"], "titulaire-ent-grand-est");

    // The correspondent sees the public answer, not the internal notes, and closes.
    let seen = chain.events(&chain.correspondent, &account_ref).await;
    assert!(seen
        .iter()
        .any(|e| e["kind"] == "vendor_solution"
            && e["body"].as_str().unwrap().contains("resynchronisé")));
    assert!(seen.iter().all(|e| e["visibility"] == "public"));
    assert!(!seen.iter().any(|e| e["kind"] == "routed"));
    let closed = chain
        .write(
            &chain.correspondent,
            &account_ref,
            "actions",
            json!({ "action": "close" }),
        )
        .await;
    assert_eq!(closed.status, 200, "{:#}", closed.body);
    assert_eq!(closed.body["status"], "closed");

    // 5. Another school's correspondent gets 404; so does the vendor on a ticket never
    //    escalated to it.
    chain
        .get(&chain.other_correspondent, &account_ref)
        .await
        .assert_problem(404, "not_found");
    chain
        .get(&chain.vendor_client, &network_ref)
        .await
        .assert_problem(404, "not_found");

    // Two concurrent updates with the same ETag: one succeeds, one gets 412.
    let etag = chain.get(&chain.guichet, &network_ref).await.etag.unwrap();
    let update = |urgency: &'static str| {
        app.call(
            Call::new(
                "POST",
                &format!("/api/v1/tickets/{network_ref}/qualification"),
            )
            .bearer(Some(&chain.guichet))
            .header("If-Match", &etag)
            .json(json!({ "urgency": urgency })),
        )
    };
    let (first, second) = tokio::join!(update("low"), update("medium"));
    let mut statuses = [first.status.as_u16(), second.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 412], "{:#} {:#}", first.body, second.body);
    // Without If-Match: 428.
    app.call(
        Call::new(
            "POST",
            &format!("/api/v1/tickets/{network_ref}/qualification"),
        )
        .bearer(Some(&chain.guichet))
        .json(json!({ "urgency": "low" })),
    )
    .await
    .assert_problem(428, "precondition_required");
}
