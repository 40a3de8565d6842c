//! Ticket references under concurrency: the first openings of a territory's year, made at
//! the same moment, all succeed with distinct consecutive numbers (on PostgreSQL they used
//! to collide on the sequence row's creation).

use std::collections::BTreeSet;

use serde_json::json;

use crate::helpers::TestApp;

#[actix_web::test]
async fn eight_first_openings_at_once_all_get_their_own_number() {
    let app = TestApp::seeded();
    let token = app.demo_token("correspondent", "ge");
    let openings = (0..8).map(|n| {
        app.post_as(
            Some(&token),
            "/api/v1/tickets",
            json!({ "establishment": "0579001Z", "title": format!("Panne {n}"), "description": "d", "category": "wifi" }),
        )
    });
    let answers = futures_util::future::join_all(openings).await;
    let mut references = BTreeSet::new();
    for answer in &answers {
        assert_eq!(answer.status, 201, "{:#}", answer.body);
        references.insert(answer.body["reference"].as_str().unwrap().to_owned());
    }
    assert_eq!(references.len(), 8);
    let numbers: Vec<u32> = references
        .iter()
        .map(|r| r.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(numbers, (1..=8).collect::<Vec<_>>(), "{references:?}");
}
