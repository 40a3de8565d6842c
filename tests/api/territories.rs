//! Territories are walls: no write puts a ticket or a rule in another territory's queues,
//! and no simulation reveals another territory's rules.

use serde_json::json;

use crate::ticket_chain::chain;

#[actix_web::test]
async fn a_ticket_cannot_be_handed_to_another_territory() {
    let chain = chain().await;
    let opened = chain
        .open(
            "0579001Z",
            "messagerie",
            "La messagerie refuse les pièces jointes",
        )
        .await;
    let reference = opened.body["reference"].as_str().unwrap().to_owned();
    // A Paris queue is, to a Grand Est guichet, as unknown as a queue that does not exist.
    let moved = chain
        .write(
            &chain.guichet,
            &reference,
            "routing",
            json!({ "queue": "ac-paris/dane", "reason": "pour voir" }),
        )
        .await;
    moved.assert_problem(422, "unknown_queue");
    assert_eq!(moved.body["errors"][0]["field"], "queue");
    assert_eq!(moved.body["errors"][0]["code"], "unknown_queue");
    let missing = chain
        .write(
            &chain.guichet,
            &reference,
            "routing",
            json!({ "queue": "nulle-part/dane", "reason": "pour voir" }),
        )
        .await;
    missing.assert_problem(422, "unknown_queue");
    assert_eq!(
        missing.body["errors"][0]["code"],
        moved.body["errors"][0]["code"]
    );
    // Nothing moved: Paris agents still cannot see it.
    let paris = chain.app.demo_token("guichet_agent", "paris");
    chain
        .app
        .get_as(&paris, &format!("/api/v1/tickets/{reference}"))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        chain.get(&chain.guichet, &reference).await.body["current_queue"]["code"],
        "ac-nancy-metz/guichet"
    );
}

#[actix_web::test]
async fn a_rule_cannot_point_at_another_territorys_queue() {
    let chain = chain().await;
    let admin = chain.app.demo_token("admin", "ge");
    let rule = |queue: &str| {
        json!({
            "authority": "ac-reims", "position": 7, "name": "Messagerie ailleurs",
            "at_opening": false, "conditions": { "category": "messagerie" },
            "target": { "kind": "queue", "queue": queue }
        })
    };
    chain
        .app
        .post_as(Some(&admin), "/api/v1/routing/rules", rule("ac-paris/dane"))
        .await
        .assert_problem(422, "invalid_rule");
    // A global admin is refused the same: the wall is the authority's territory.
    let global = chain.app.token_of("admin@demo.guichet.example");
    chain
        .app
        .post_as(
            Some(&global),
            "/api/v1/routing/rules",
            rule("ac-paris/dane"),
        )
        .await
        .assert_problem(422, "invalid_rule");
    let own = chain
        .app
        .post_as(Some(&admin), "/api/v1/routing/rules", rule("ac-reims/dane"))
        .await;
    assert_eq!(own.status, 201, "{:#}", own.body);
}

#[actix_web::test]
async fn a_simulation_does_not_reach_across_territories() {
    let chain = chain().await;
    // A Grand Est guichet agent on a Paris school: the school is unknown to it.
    chain
        .app
        .post_as(
            Some(&chain.guichet),
            "/api/v1/routing/simulate",
            json!({ "uai": "0759001B", "category": "vs-absences" }),
        )
        .await
        .assert_problem(404, "not_found");
    // A Paris agent on the same school sees its own rule.
    let paris = chain.app.demo_token("guichet_agent", "paris");
    let own = chain
        .app
        .post_as(
            Some(&paris),
            "/api/v1/routing/simulate",
            json!({ "uai": "0759001B", "category": "vs-absences" }),
        )
        .await;
    assert_eq!(own.status, 200, "{:#}", own.body);
    assert_eq!(own.body["queue"], "ac-paris/vie-scolaire");
}
