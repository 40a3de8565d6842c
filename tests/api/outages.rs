//! Availability against the two-window commitment: outages recorded by the authorities (or
//! opened and ended with a major incident), and figures computed by hand here.

use chrono::{DateTime, TimeZone, Utc};
use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::ticket_chain::chain;

fn paris(m: u32, d: u32, h: u32, min: u32) -> String {
    chrono_tz::Europe::Paris
        .with_ymd_and_hms(2026, m, d, h, min, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
        .to_rfc3339()
}

fn outage(service: &str, start: String, end: String) -> Value {
    json!({ "territory": "GE", "service": service, "started_at": start, "ended_at": end,
            "description": "Indisponibilité constatée" })
}

fn service<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == name)
        .unwrap()
}

#[actix_web::test]
async fn a_week_of_outages_measured_against_the_commitment() {
    let chain = chain().await;
    let app = &chain.app;
    // A term week in Grand Est (zone B, no public holiday): Monday 30 Nov to Monday 7 Dec.
    let outages = [
        outage("authentication", paris(12, 1, 10, 0), paris(12, 1, 10, 30)),
        // Overlaps the first: together 10:00–10:45, 45 minutes.
        outage("authentication", paris(12, 1, 10, 15), paris(12, 1, 10, 45)),
        // Across closing time: 10 minutes in the window, 20 out.
        outage("authentication", paris(12, 1, 21, 50), paris(12, 1, 22, 20)),
        // Saturday night: 120 minutes out of the window.
        outage("authentication", paris(12, 5, 3, 0), paris(12, 5, 5, 0)),
        outage("ent_platform", paris(12, 2, 12, 0), paris(12, 2, 12, 10)),
        // Before the period: not counted.
        outage("ent_platform", paris(11, 27, 12, 0), paris(11, 27, 13, 0)),
    ];
    for body in outages {
        let recorded = app.post_as(Some(&chain.dsi), "/api/v1/outages", body).await;
        assert_eq!(recorded.status, 201, "{:#}", recorded.body);
    }
    let query = format!(
        "territory=GE&from={}&to={}",
        paris(11, 30, 0, 0).replace('+', "%2B"),
        paris(12, 7, 0, 0).replace('+', "%2B")
    );
    let report = app
        .get_as(&chain.guichet, &format!("/api/v1/availability?{query}"))
        .await;
    assert_eq!(report.status, 200, "{:#}", report.body);
    let body = &report.body;
    assert_eq!(body["in_window_commitment_percent"], 99.7);
    assert_eq!(body["out_of_window_commitment_percent"], 97.0);
    let auth = service(body, "authentication");
    // 5 days × 14 h in the window; the rest of the 7 × 24 h out of it.
    assert_eq!(auth["in_window_minutes"], 4200);
    assert_eq!(auth["out_of_window_minutes"], 5880);
    assert_eq!(auth["lost_in_window_minutes"], 55);
    assert_eq!(auth["lost_out_of_window_minutes"], 140);
    // 1 − 55/4200 = 98.690 % < 99.7 %; 1 − 140/5880 = 97.619 % ≥ 97 %.
    assert_eq!(auth["in_window_percent"], 98.69);
    assert_eq!(auth["meets_in_window"], false);
    assert_eq!(auth["out_of_window_percent"], 97.619);
    assert_eq!(auth["meets_out_of_window"], true);
    let ent = service(body, "ent_platform");
    // 1 − 10/4200 = 99.762 %.
    assert_eq!(ent["lost_in_window_minutes"], 10);
    assert_eq!(ent["in_window_percent"], 99.762);
    assert_eq!(ent["meets_in_window"], true);
    let feed = service(body, "directory_feed");
    assert_eq!(feed["in_window_percent"], 100.0);
    assert_eq!(feed["meets_out_of_window"], true);
    let listed = app
        .get_as(&chain.guichet, &format!("/api/v1/outages?{query}"))
        .await;
    assert_eq!(listed.items().len(), 5);
}

#[actix_web::test]
async fn a_major_incident_opens_its_outage_and_ends_it_when_resolved() {
    let chain = chain().await;
    let app = &chain.app;
    let opened = chain
        .open("0579001Z", "messagerie", "Plus personne ne se connecte")
        .await;
    let reference = opened.body["reference"].as_str().unwrap().to_owned();
    let declared = chain
        .write(&chain.guichet, &reference, "major", json!({}))
        .await;
    assert_eq!(declared.status, 200, "{:#}", declared.body);
    let now = Utc::now();
    let window = |from: DateTime<Utc>, to: DateTime<Utc>| {
        format!(
            "territory=GE&from={}&to={}",
            from.format("%Y-%m-%dT%H:%M:%SZ"),
            to.format("%Y-%m-%dT%H:%M:%SZ")
        )
    };
    let query = window(
        now - chrono::Duration::hours(1),
        now + chrono::Duration::hours(1),
    );
    let listed = app
        .get_as(&chain.dsi, &format!("/api/v1/outages?{query}"))
        .await;
    let items = listed.items();
    assert_eq!(items.len(), 1, "{:#}", listed.body);
    assert_eq!(items[0]["major_incident"], reference.as_str());
    assert_eq!(items[0]["service"], "ent_platform");
    assert_eq!(items[0]["academie"], "ac-nancy-metz");
    assert_eq!(items[0]["ended_at"], Value::Null);
    for (action, extra) in [
        ("start", json!({})),
        ("resolve", json!({ "resolution": "Fédération rétablie" })),
    ] {
        let mut body = json!({ "action": action });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let done = chain
            .write(&chain.guichet, &reference, "actions", body)
            .await;
        assert_eq!(done.status, 200, "{action}: {:#}", done.body);
    }
    let listed = app
        .get_as(&chain.dsi, &format!("/api/v1/outages?{query}"))
        .await;
    assert!(
        listed.items()[0]["ended_at"].is_string(),
        "{:#}",
        listed.body
    );
}

#[actix_web::test]
async fn only_the_territorys_authorities_record_and_see_its_outages() {
    let chain = chain().await;
    let app = &chain.app;
    let body = outage("ent_platform", paris(12, 1, 10, 0), paris(12, 1, 11, 0));
    app.post_as(Some(&chain.correspondent), "/api/v1/outages", body.clone())
        .await
        .assert_problem(403, "forbidden");
    let hdf = app.demo_token("authority_agent", "hdf");
    app.post_as(Some(&hdf), "/api/v1/outages", body.clone())
        .await
        .assert_problem(422, "unknown_territory");
    let query = format!(
        "territory=GE&from={}&to={}",
        "2026-11-30T00:00:00Z", "2026-12-07T00:00:00Z"
    );
    app.get_as(&hdf, &format!("/api/v1/availability?{query}"))
        .await
        .assert_problem(404, "not_found");
    let mut reversed = body.clone();
    reversed["ended_at"] = json!(paris(12, 1, 9, 0));
    app.post_as(Some(&chain.dsi), "/api/v1/outages", reversed)
        .await
        .assert_problem(422, "out_of_range");
    let mut elsewhere = body.clone();
    elsewhere["academie"] = json!("ac-lille");
    app.post_as(Some(&chain.dsi), "/api/v1/outages", elsewhere)
        .await
        .assert_problem(422, "unknown_academie");
    // One that lasts, ended once.
    let mut lasting = body.clone();
    lasting.as_object_mut().unwrap().remove("ended_at");
    let recorded = app
        .post_as(Some(&chain.dsi), "/api/v1/outages", lasting)
        .await;
    assert_eq!(recorded.status, 201, "{:#}", recorded.body);
    let id = recorded.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/outages/{id}/end");
    let end = json!({ "ended_at": paris(12, 1, 12, 0) });
    app.post_as(Some(&hdf), &path, end.clone())
        .await
        .assert_problem(404, "not_found");
    let ended = app.post_as(Some(&chain.dsi), &path, end.clone()).await;
    assert_eq!(ended.status, 200, "{:#}", ended.body);
    app.post_as(Some(&chain.dsi), &path, end)
        .await
        .assert_problem(409, "outage_ended");
    for bad in [
        "territory=GE",
        "territory=GE&from=2026-12-07T00:00:00Z&to=2026-11-30T00:00:00Z",
    ] {
        let answer = app
            .get_as(&chain.dsi, &format!("/api/v1/availability?{bad}"))
            .await;
        assert_eq!(answer.status, 422, "{bad}: {:#}", answer.body);
    }
}

#[actix_web::test]
async fn eight_agents_recording_at_once_lose_nothing() {
    let chain = chain().await;
    let app = &chain.app;
    let writes = (0..8).map(|i| {
        app.post_as(
            Some(&chain.dsi),
            "/api/v1/outages",
            outage(
                "directory_feed",
                paris(12, 1, 8 + i, 0),
                paris(12, 1, 8 + i, 30),
            ),
        )
    });
    for answer in join_all(writes).await {
        assert_eq!(answer.status, 201, "{:#}", answer.body);
    }
    let report = app
        .get_as(
            &chain.dsi,
            "/api/v1/availability?territory=GE&from=2026-11-30T00:00:00Z&to=2026-12-07T00:00:00Z",
        )
        .await;
    assert_eq!(
        service(&report.body, "directory_feed")["lost_in_window_minutes"],
        240
    );
}

#[actix_web::test]
async fn eight_agents_ending_one_outage_at_once_end_it_once() {
    let chain = chain().await;
    let app = &chain.app;
    let mut lasting = outage("authentication", paris(12, 1, 8, 0), paris(12, 1, 9, 0));
    lasting.as_object_mut().unwrap().remove("ended_at");
    let recorded = app
        .post_as(Some(&chain.dsi), "/api/v1/outages", lasting)
        .await;
    let path = format!("/api/v1/outages/{}/end", recorded.body["id"]);
    let ends = (0..8).map(|i| {
        app.post_as(
            Some(&chain.dsi),
            &path,
            json!({ "ended_at": paris(12, 1, 10, i) }),
        )
    });
    let answers = join_all(ends).await;
    let won: Vec<&Value> = answers
        .iter()
        .filter(|a| a.status == 200)
        .map(|a| &a.body)
        .collect();
    assert_eq!(won.len(), 1, "{answers:#?}");
    for lost in answers.iter().filter(|a| a.status != 200) {
        lost.assert_problem(409, "outage_ended");
    }
    // The end stored is the one the winner was told.
    let listed = app
        .get_as(
            &chain.dsi,
            "/api/v1/outages?territory=GE&from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z",
        )
        .await;
    assert_eq!(listed.items()[0]["ended_at"], won[0]["ended_at"]);
}
