//! Routing rules: the seeded defaults through the simulation, and their management.

use serde_json::{json, Value};

use crate::helpers::{Call, TestApp};

async fn simulate(app: &TestApp, token: &str, uai: &str, category: &str) -> Value {
    let response = app
        .post_as(
            Some(token),
            "/api/v1/routing/simulate",
            json!({ "uai": uai, "category": category }),
        )
        .await;
    assert_eq!(
        response.status, 200,
        "{uai} {category}: {:#}",
        response.body
    );
    response.body
}

#[actix_web::test]
async fn the_seeded_rules_route_each_domain_to_its_competent_entity() {
    let app = TestApp::seeded();
    let guichet = app.demo_token("guichet_agent", "ge");
    // Network and hardware: the département for a collège, the région for a lycée.
    let college = simulate(&app, &guichet, "0579001Z", "reseau-internet").await;
    assert_eq!(college["queue"], "dep-57/reseau-materiel");
    assert!(college["why"][0]
        .as_str()
        .unwrap()
        .contains("network_hardware"));
    let lycee = simulate(&app, &guichet, "0579003B", "wifi").await;
    assert_eq!(lycee["queue"], "region-grand-est/reseau-materiel");
    // Accounts: the DSI; usage: the DANE.
    assert_eq!(
        simulate(&app, &guichet, "0579001Z", "connexion-educonnect").await["queue"],
        "ac-nancy-metz/dsi"
    );
    assert_eq!(
        simulate(&app, &guichet, "0579001Z", "messagerie").await["queue"],
        "ac-nancy-metz/dane"
    );
    // Vie scolaire with the vendor's module: its direct level 1, even at opening.
    let direct = simulate(&app, &guichet, "0519001G", "vs-notes").await;
    assert_eq!(direct["queue"], "titulaire-ent-grand-est/vie-scolaire-n1");
    assert_eq!(direct["rule"]["at_opening"], true);
    // Without the module: the DANE accompanies.
    assert_eq!(
        simulate(&app, &guichet, "0579001Z", "vs-notes").await["queue"],
        "ac-nancy-metz/dane"
    );
    // Paris keeps vie scolaire level 1 at the académie.
    let paris = app.token_of("admin@demo.guichet.example");
    assert_eq!(
        simulate(&app, &paris, "0759001B", "vs-absences").await["queue"],
        "ac-paris/vie-scolaire"
    );
    // Third-party software: the editor.
    let third = simulate(&app, &guichet, "0579001Z", "logiciel-tiers").await;
    assert_eq!(third["third_party_editor"], "editeur-index-education");
    // No rule: the ticket stays at the guichet.
    let none = simulate(&app, &guichet, "0579001Z", "autre-demande").await;
    assert_eq!(none["queue"], "ac-nancy-metz/guichet");
    assert_eq!(none["rule"], Value::Null);
    // Agricultural schools go to the DRAAF.
    assert_eq!(
        simulate(&app, &guichet, "0579005D", "messagerie").await["queue"],
        "draaf-grand-est/usages"
    );

    app.post_as(
        Some(&app.demo_token("correspondent", "ge")),
        "/api/v1/routing/simulate",
        json!({ "uai": "0579001Z", "category": "wifi" }),
    )
    .await
    .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn admins_manage_their_authorities_rules() {
    let app = TestApp::seeded();
    let admin = app.demo_token("admin", "ge");
    let rule = json!({
        "authority": "ac-reims", "position": 5, "name": "Wi-Fi : accompagnement DANE",
        "at_opening": false, "conditions": { "category": "wifi" },
        "target": { "kind": "queue", "queue": "ac-reims/dane" }
    });
    let created = app
        .post_as(Some(&admin), "/api/v1/routing/rules", rule.clone())
        .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    let guichet_reims = crate::ticket_chain::agent(
        &app,
        "guichet@ac-reims.example",
        "GE",
        crate::ticket_chain::grant(
            guichet::domain::role::Role::GuichetAgent,
            None,
            Some("ac-reims"),
        ),
    );
    assert_eq!(
        simulate(&app, &guichet_reims, "0519001G", "wifi").await["queue"],
        "ac-reims/dane"
    );
    let listed = app
        .get_as(&guichet_reims, "/api/v1/routing/rules?authority=ac-reims")
        .await;
    assert_eq!(listed.items()[0]["name"], "Wi-Fi : accompagnement DANE");

    app.post_as(Some(&admin), "/api/v1/routing/rules", rule.clone())
        .await
        .assert_problem(409, "position_taken");
    let mut broken = rule.clone();
    broken["position"] = json!(6);
    broken["target"] = json!({ "kind": "queue" });
    app.post_as(Some(&admin), "/api/v1/routing/rules", broken)
        .await
        .assert_problem(422, "invalid_rule");

    // Another territory's admin: the rule and the authority are out of reach.
    let hdf = app.demo_token("admin", "hdf");
    app.get_as(&hdf, "/api/v1/routing/rules?authority=ac-reims")
        .await
        .assert_problem(404, "not_found");
    app.call(Call::new("DELETE", &format!("/api/v1/routing/rules/{id}")).bearer(Some(&hdf)))
        .await
        .assert_problem(404, "not_found");
    // A guichet agent reads but does not write.
    app.post_as(Some(&guichet_reims), "/api/v1/routing/rules", rule.clone())
        .await
        .assert_problem(403, "forbidden");

    let mut moved = rule.clone();
    moved["name"] = json!("Wi-Fi : DANE (renommée)");
    let updated = app
        .call(
            Call::new("PUT", &format!("/api/v1/routing/rules/{id}"))
                .bearer(Some(&admin))
                .json(moved),
        )
        .await;
    assert_eq!(updated.status, 200, "{:#}", updated.body);
    assert_eq!(updated.body["name"], "Wi-Fi : DANE (renommée)");
    let deleted = app
        .call(Call::new("DELETE", &format!("/api/v1/routing/rules/{id}")).bearer(Some(&admin)))
        .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(
        simulate(&app, &guichet_reims, "0519001G", "wifi").await["queue"],
        "region-grand-est/reseau-materiel"
    );
}
