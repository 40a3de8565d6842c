//! Incident reviews through the API: a draft counts its period at each reading, a published
//! review never changes; improvement actions stay on the following reviews until closed; of
//! concurrent publications one wins.

use chrono::{DateTime, TimeZone, Utc};
use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::ticket_chain::{chain_on, Chain};

const METZ_COLLEGE: &str = "0579001Z";

fn paris(month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Paris
        .with_ymd_and_hms(2026, month, day, hour, 0, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

async fn chain_at(when: DateTime<Utc>) -> Chain {
    let app = TestApp::seeded();
    app.clock.set(when);
    chain_on(app).await
}

async fn open(chain: &Chain) -> String {
    let opened = chain
        .open(METZ_COLLEGE, "messagerie", "Messagerie bloquée")
        .await;
    opened.body["reference"].as_str().unwrap().to_owned()
}

async fn create(app: &TestApp, admin: &str, from: &str, to: &str) -> Value {
    let created = app
        .post_as(
            Some(admin),
            "/api/v1/reviews",
            json!({ "territory": "GE", "audience": "costra", "from": from, "to": to,
                    "participants": ["ac-nancy-metz", "dep-57", "titulaire-ent-grand-est"] }),
        )
        .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    created.body
}

async fn move_to(app: &TestApp, admin: &str, id: i64, status: &str) -> crate::helpers::Response {
    app.post_as(
        Some(admin),
        &format!("/api/v1/reviews/{id}/status"),
        json!({ "status": status }),
    )
    .await
}

fn opened(review: &Value) -> i64 {
    review["content"]["figures"]["tickets"]["opened"]
        .as_i64()
        .unwrap()
}

#[actix_web::test]
async fn a_published_review_never_changes() {
    let chain = chain_at(paris(11, 30, 10)).await;
    let app = &chain.app;
    let admin = app.demo_token("admin", "ge");
    let steering = app.demo_token("steering", "ge");
    let first = open(&chain).await;
    open(&chain).await;
    let review = create(app, &admin, "2026-11-01", "2026-12-01").await;
    let id = review["id"].as_i64().unwrap();
    assert_eq!(review["status"], "draft");
    assert_eq!(
        review["title"],
        "Revue d'incidents du 01/11/2026 au 30/11/2026"
    );
    assert_eq!(review["participants"].as_array().unwrap().len(), 3);
    assert_eq!(opened(&review), 2);
    // A draft counts at each reading: a third ticket, declared a major incident, appears.
    let third = open(&chain).await;
    let major = chain
        .write(&chain.guichet, &third, "major", json!({}))
        .await;
    assert_eq!(major.status, 200, "{:#}", major.body);
    let read = app
        .get_as(&steering, &format!("/api/v1/reviews/{id}"))
        .await;
    assert_eq!(opened(&read.body), 3);
    let incidents = read.body["content"]["major_incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 1);
    assert_eq!(incidents[0]["reference"], third.as_str());
    assert!(!incidents[0]["timeline"].as_array().unwrap().is_empty());
    // The major incident opened an outage of the ENT: the availability counts it.
    let ent = &read.body["content"]["availability"]["services"][0];
    assert_eq!(ent["service"], "ent_platform");
    assert!(ent["lost_in_window_minutes"].as_i64().is_some());

    // Published only once held.
    move_to(app, &admin, id, "published")
        .await
        .assert_problem(409, "invalid_transition");
    assert_eq!(move_to(app, &admin, id, "held").await.status, 200);
    let published = move_to(app, &admin, id, "published").await;
    assert_eq!(published.status, 200, "{:#}", published.body);
    assert_eq!(published.body["status"], "published");
    assert_eq!(opened(&published.body), 3);

    // More tickets, another resolved, a day later: the published review does not move.
    app.clock.set(paris(11, 30, 15));
    let correspondent = app.demo_token("correspondent", "ge");
    for _ in 0..2 {
        let more = app
            .post_as(
                Some(&correspondent),
                "/api/v1/tickets",
                json!({ "establishment": METZ_COLLEGE,
                "title": "Encore", "description": "Encore", "category": "messagerie" }),
            )
            .await;
        assert_eq!(more.status, 201);
    }
    let guichet = app.demo_token("guichet_agent", "ge");
    let started = chain
        .write(&guichet, &first, "actions", json!({ "action": "start" }))
        .await;
    assert_eq!(started.status, 200, "{:#}", started.body);
    let resolved = chain
        .write(
            &guichet,
            &first,
            "actions",
            json!({ "action": "resolve", "resolution": "Boîte débloquée par le guichet" }),
        )
        .await;
    assert_eq!(resolved.status, 200, "{:#}", resolved.body);
    let steering = app.demo_token("steering", "ge");
    let again = app
        .get_as(&steering, &format!("/api/v1/reviews/{id}"))
        .await;
    assert_eq!(again.body["content"], published.body["content"]);
    assert_eq!(opened(&again.body), 3);
    move_to(app, &app.demo_token("admin", "ge"), id, "held")
        .await
        .assert_problem(409, "invalid_transition");
    // A draft of the same period sees the five.
    let fresh = create(
        app,
        &app.demo_token("admin", "ge"),
        "2026-11-01",
        "2026-12-01",
    )
    .await;
    assert_eq!(opened(&fresh), 5);
}

#[actix_web::test]
async fn actions_stay_on_the_following_reviews_until_closed() {
    let chain = chain_at(paris(11, 30, 10)).await;
    let app = &chain.app;
    let admin = app.demo_token("admin", "ge");
    let reference = open(&chain).await;
    let october = create(app, &admin, "2026-10-01", "2026-11-01").await;
    let october_id = october["id"].as_i64().unwrap();
    let action = app
        .post_as(
            Some(&admin),
            &format!("/api/v1/reviews/{october_id}/actions"),
            json!({ "title": "Superviser le commutateur", "owner": "dep-57", "due_on": "2027-01-15",
                    "tickets": [reference] }),
        )
        .await;
    assert_eq!(action.status, 201, "{:#}", action.body);
    assert_eq!(action.body["status"], "open");
    assert_eq!(action.body["owner"]["code"], "dep-57");
    assert_eq!(action.body["tickets"], json!([reference]));
    let action_id = action.body["id"].as_i64().unwrap();
    // A ticket of another territory, an unknown owner: refused.
    for (field, body) in [
        (
            "tickets",
            json!({ "title": "x", "owner": "dep-57", "due_on": "2027-01-15", "tickets": ["PARIS-2026-000001"] }),
        ),
        (
            "owner",
            json!({ "title": "x", "owner": "nulle-part", "due_on": "2027-01-15" }),
        ),
    ] {
        let refused = app
            .post_as(
                Some(&admin),
                &format!("/api/v1/reviews/{october_id}/actions"),
                body,
            )
            .await;
        assert_eq!(refused.status, 422, "{field}: {:#}", refused.body);
    }

    // November's review carries October's open action.
    let november = create(app, &admin, "2026-11-01", "2026-12-01").await;
    let november_id = november["id"].as_i64().unwrap();
    let carried = &november["actions"][0];
    assert_eq!(carried["id"], action_id);
    assert_eq!(carried["carried_forward"], true);
    let status = |status: &str| {
        let admin = admin.clone();
        let body = json!({ "status": status });
        async move {
            app.post_as(
                Some(&admin),
                &format!("/api/v1/improvement-actions/{action_id}/status"),
                body,
            )
            .await
        }
    };
    assert_eq!(status("in_progress").await.body["status"], "in_progress");
    let read = app
        .get_as(&admin, &format!("/api/v1/reviews/{november_id}"))
        .await;
    assert_eq!(read.body["actions"][0]["status"], "in_progress");
    assert_eq!(status("done").await.status, 200);
    status("open")
        .await
        .assert_problem(409, "invalid_transition");
    // Done: off November's review, still on October's, where it was decided.
    let read = app
        .get_as(&admin, &format!("/api/v1/reviews/{november_id}"))
        .await;
    assert_eq!(read.body["actions"], json!([]));
    let read = app
        .get_as(&admin, &format!("/api/v1/reviews/{october_id}"))
        .await;
    assert_eq!(read.body["actions"][0]["status"], "done");
    assert_eq!(read.body["actions"][0]["carried_forward"], false);
}

#[actix_web::test]
async fn eight_admins_publishing_at_once_publish_once() {
    let chain = chain_at(paris(11, 30, 10)).await;
    let app = &chain.app;
    let admin = app.demo_token("admin", "ge");
    open(&chain).await;
    let id = create(app, &admin, "2026-11-01", "2026-12-01").await["id"]
        .as_i64()
        .unwrap();
    assert_eq!(move_to(app, &admin, id, "held").await.status, 200);
    let answers = join_all((0..8).map(|_| move_to(app, &admin, id, "published"))).await;
    let mut statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [200, 409, 409, 409, 409, 409, 409, 409],
        "{statuses:?}"
    );
}

#[actix_web::test]
async fn eight_admins_adding_and_moving_actions_at_once_lose_nothing() {
    let chain = chain_at(paris(11, 30, 10)).await;
    let app = &chain.app;
    let admin = app.demo_token("admin", "ge");
    let reference = open(&chain).await;
    let id = create(app, &admin, "2026-11-01", "2026-12-01").await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/reviews/{id}/actions");
    let added = join_all((0..8).map(|i| {
        app.post_as(
            Some(&admin),
            &path,
            json!({ "title": format!("Action {i}"), "owner": "dep-57", "due_on": "2027-01-15",
                    "tickets": [reference] }),
        )
    }))
    .await;
    assert!(added.iter().all(|a| a.status == 201), "{added:?}");
    let read = app.get_as(&admin, &format!("/api/v1/reviews/{id}")).await;
    let mut titles: Vec<&str> = read.body["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        (0..8).map(|i| format!("Action {i}")).collect::<Vec<_>>()
    );
    // Eight moves of one action at once: each applied in turn or refused (an action done or
    // dropped moves no more), never lost half-way; the status left is one that was applied.
    let action = added[0].body["id"].as_i64().unwrap();
    let statuses = ["in_progress", "done", "dropped", "open"];
    let status_path = format!("/api/v1/improvement-actions/{action}/status");
    let moved = join_all((0..8).map(|i| {
        app.post_as(
            Some(&admin),
            &status_path,
            json!({ "status": statuses[i % 4] }),
        )
    }))
    .await;
    let applied: Vec<&str> = moved
        .iter()
        .filter(|m| m.status == 200)
        .map(|m| m.body["status"].as_str().unwrap())
        .collect();
    assert!(!applied.is_empty());
    for m in moved.iter().filter(|m| m.status != 200) {
        m.assert_problem(409, "invalid_transition");
    }
    let read = app.get_as(&admin, &format!("/api/v1/reviews/{id}")).await;
    let now = read.body["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == action)
        .map(|a| a["status"].as_str().unwrap().to_owned())
        .unwrap();
    assert!(applied.contains(&now.as_str()), "{now} not in {applied:?}");
}

#[actix_web::test]
async fn reviews_are_their_territory_steering_and_admins() {
    let chain = chain_at(paris(11, 30, 10)).await;
    let app = &chain.app;
    let admin = app.demo_token("admin", "ge");
    let id = create(app, &admin, "2026-11-01", "2026-12-01").await["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/reviews/{id}");
    assert_eq!(
        app.get_as(&app.demo_token("steering", "ge"), &path)
            .await
            .status,
        200
    );
    app.get_as(&app.demo_token("steering", "hdf"), &path)
        .await
        .assert_problem(404, "not_found");
    app.get_as(&chain.guichet, &path)
        .await
        .assert_problem(403, "forbidden");
    let list = app
        .get_as(&app.demo_token("steering", "hdf"), "/api/v1/reviews")
        .await;
    assert_eq!(list.items().len(), 0);
    let list = app
        .get_as(&app.demo_token("steering", "ge"), "/api/v1/reviews")
        .await;
    assert_eq!(list.items().len(), 1);
    app.post_as(
        Some(&app.demo_token("steering", "ge")),
        "/api/v1/reviews",
        json!({ "territory": "GE", "audience": "cotec", "from": "2026-11-01", "to": "2026-12-01" }),
    )
    .await
    .assert_problem(403, "forbidden");
    for body in [
        json!({ "territory": "HDF", "audience": "cotec", "from": "2026-11-01", "to": "2026-12-01" }),
        json!({ "territory": "GE", "audience": "cotec", "from": "2026-12-01", "to": "2026-11-01" }),
        json!({ "territory": "GE", "audience": "cotec", "from": "2026-11-01", "to": "2026-12-01", "participants": ["ac-lille"] }),
        json!({ "territory": "GE", "audience": "assemblee", "from": "2026-11-01", "to": "2026-12-01" }),
    ] {
        let answer = app
            .post_as(Some(&admin), "/api/v1/reviews", body.clone())
            .await;
        assert_eq!(answer.status, 422, "{body}: {:#}", answer.body);
    }
}

#[actix_web::test]
async fn a_review_renders_as_a_printable_page_with_its_charts() {
    let chain = chain_at(paris(11, 30, 10)).await;
    let app = &chain.app;
    let admin = app.demo_token("admin", "ge");
    // A title with markup: the page shows it as text.
    let opened = chain
        .open(
            METZ_COLLEGE,
            "messagerie",
            "Boîte <script>alert(1)</script> & pièces jointes",
        )
        .await;
    let reference = opened.body["reference"].as_str().unwrap().to_owned();
    let major = chain
        .write(&chain.guichet, &reference, "major", json!({}))
        .await;
    assert_eq!(major.status, 200, "{:#}", major.body);
    let id = create(app, &admin, "2026-11-01", "2026-12-01").await["id"]
        .as_i64()
        .unwrap();
    let page = app
        .call(
            crate::helpers::Call::get(&format!("/api/v1/reviews/{id}"))
                .bearer(Some(&admin))
                .header("Accept", "text/html,application/xhtml+xml;q=0.9"),
        )
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["content-type"], "text/html; charset=utf-8");
    let html = String::from_utf8(page.raw.clone()).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains(r#"<html lang="fr">"#));
    assert_eq!(html.matches("<h1>").count(), 1);
    assert_eq!(
        html.matches("<svg").count(),
        4,
        "weekly, organisations, compliance, availability"
    );
    assert!(
        html.contains("Revue d&#x27;incidents du 01/11/2026 au 30/11/2026")
            || html.contains("Revue d'incidents du 01/11/2026 au 30/11/2026")
    );
    assert!(
        html.contains("du 1er novembre 2026 au 30 novembre 2026"),
        "French period"
    );
    assert!(html.contains("Comité stratégique (COSTRA)"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; pièces jointes"));
    assert!(
        !html.contains("<script>"),
        "no markup from a ticket reaches the page"
    );
    assert!(html.contains(&reference), "the major incident is listed");
    let csv = app
        .call(
            crate::helpers::Call::get(&format!("/api/v1/reviews/{id}"))
                .bearer(Some(&admin))
                .header("Accept", "text/csv"),
        )
        .await;
    assert_eq!(csv.status, 200);
    let text = String::from_utf8(csv.raw.clone()).unwrap();
    assert!(text.starts_with("tableau;cle;libelle;mesure;valeur\n"));
    assert!(
        text.contains("\ntotal;territory:GE;Grand Est;ouverts;1\n"),
        "{text}"
    );
}
