//! Who read what: every read of a ticket, its journal, its hops or an attachment, through the
//! API or the web desk, is in the access log before the read answers; admins query it by
//! ticket or by person; it is append-only and forgets after its retention.

use chrono::{Duration, Months};
use diesel::prelude::*;
use serde_json::{json, Value};

use guichet::services::jobs;

use crate::browser::Browser;
use crate::helpers::{demo_email, Call, TestApp};

/// A ticket opened by the Grand Est correspondent for the Metz collège, with one attachment.
async fn ticket_with_attachment(app: &TestApp) -> (String, i64) {
    let school = app.demo_token("correspondent", "ge");
    let opened = app
        .post_as(
            Some(&school),
            "/api/v1/tickets",
            json!({ "establishment": "0579001Z", "title": "Cahier de textes vide",
                    "description": "Depuis lundi", "category": "wifi" }),
        )
        .await;
    assert_eq!(opened.status, 201, "{:#}", opened.body);
    let reference = opened.body["reference"].as_str().unwrap().to_owned();
    let uploaded = app
        .call(
            Call::new(
                "POST",
                &format!("/api/v1/tickets/{reference}/attachments?filename=capture.txt"),
            )
            .bearer(Some(&school))
            .bytes(b"capture"),
        )
        .await;
    assert_eq!(uploaded.status, 201, "{:#}", uploaded.body);
    (reference, uploaded.body["id"].as_i64().unwrap())
}

async fn access_log(app: &TestApp, query: &str) -> Value {
    let admin = app.demo_token("admin", "ge");
    let page = app
        .get_as(&admin, &format!("/api/v1/admin/access-log?{query}"))
        .await;
    assert_eq!(page.status, 200, "{:#}", page.body);
    page.body
}

fn column(page: &Value, field: &str) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| match &e[field] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

#[actix_web::test]
async fn every_read_through_the_api_or_the_web_desk_is_logged_with_who_what_when_where() {
    let app = TestApp::seeded();
    let (reference, attachment) = ticket_with_attachment(&app).await;
    let school = app.demo_token("correspondent", "ge");
    let guichet = app.demo_token("guichet_agent", "ge");
    for path in [
        "",
        "/events",
        "/attachments",
        &format!("/attachments/{attachment}"),
    ] {
        let read = app
            .get_as(&school, &format!("/api/v1/tickets/{reference}{path}"))
            .await;
        assert_eq!(read.status, 200, "{path}");
    }
    let hops = app
        .get_as(&guichet, &format!("/api/v1/tickets/{reference}/hops"))
        .await;
    assert_eq!(hops.status, 200);
    let mut browser = Browser::signed_in(&app, "correspondent", "ge").await;
    assert_eq!(
        browser.get(&format!("/tickets/{reference}")).await.status,
        200
    );
    // A read refused (another school's correspondent: 404) shows nothing and logs nothing.
    let stranger = app.demo_token("correspondent", "hdf");
    let refused = app
        .get_as(&stranger, &format!("/api/v1/tickets/{reference}"))
        .await;
    assert_eq!(refused.status, 404);

    let log = access_log(&app, &format!("ticket={reference}")).await;
    assert_eq!(
        column(&log, "part"),
        [
            "page",
            "hops",
            "attachment",
            "attachments",
            "journal",
            "ticket"
        ]
    );
    let correspondent = demo_email("correspondent", "ge");
    assert_eq!(
        column(&log, "user"),
        [
            correspondent.clone(),
            demo_email("guichet-agent", "ge"),
            correspondent.clone(),
            correspondent.clone(),
            correspondent.clone(),
            correspondent.clone()
        ]
    );
    assert_eq!(
        column(&log, "channel"),
        ["web", "api", "api", "api", "api", "api"]
    );
    assert_eq!(log["items"][2]["attachment_id"], attachment);
    assert_eq!(log["items"][5]["client_address"], "192.0.2.10");
    assert!(column(&log, "read_at").iter().all(|t| t.starts_with("20")));

    // By person: the guichet agent read the hops only.
    let agent = access_log(&app, &format!("user={}", demo_email("guichet-agent", "ge"))).await;
    assert_eq!(column(&agent, "part"), ["hops"]);
    assert_eq!(column(&agent, "ticket"), vec![reference.clone()]);

    // Pages follow each other without a gap or a repeat.
    let first = access_log(&app, &format!("ticket={reference}&limit=4")).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = access_log(&app, &format!("ticket={reference}&limit=4&cursor={cursor}")).await;
    assert_eq!(column(&second, "part"), ["journal", "ticket"]);
    assert!(second["next_cursor"].is_null());
}

#[actix_web::test]
async fn only_a_territorys_admins_read_its_log_and_bad_queries_are_refused() {
    let app = TestApp::seeded();
    let (reference, _) = ticket_with_attachment(&app).await;
    let admin = app.demo_token("admin", "ge");
    let other_admin = app.demo_token("admin", "hdf");
    let guichet = app.demo_token("guichet_agent", "ge");
    let path = format!("/api/v1/admin/access-log?ticket={reference}");
    app.get_as(&other_admin, &path)
        .await
        .assert_problem(404, "not_found");
    app.get_as(&guichet, &path)
        .await
        .assert_problem(403, "forbidden");
    app.get_as(
        &admin,
        "/api/v1/admin/access-log?user=nobody@nowhere.example",
    )
    .await
    .assert_problem(404, "not_found");
    app.get_as(&admin, "/api/v1/admin/access-log?limit=0")
        .await
        .assert_problem(422, "out_of_range");
    app.get_as(&admin, "/api/v1/admin/access-log?cursor=zzz")
        .await
        .assert_problem(422, "invalid_cursor");
}

#[actix_web::test]
async fn eight_concurrent_readers_are_all_logged() {
    let app = TestApp::seeded();
    let (reference, _) = ticket_with_attachment(&app).await;
    let tokens = [
        app.demo_token("correspondent", "ge"),
        app.demo_token("guichet_agent", "ge"),
    ];
    let reads = (0..8).map(|client| {
        let (app, token, reference) = (&app, tokens[client % 2].clone(), reference.clone());
        async move {
            let mut statuses = Vec::new();
            for _ in 0..10 {
                let path = format!("/api/v1/tickets/{reference}");
                statuses.push(app.get_as(&token, &path).await.status.as_u16());
            }
            statuses
        }
    });
    let statuses: Vec<u16> = futures_util::future::join_all(reads)
        .await
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(statuses, vec![200; 80]);
    let log = access_log(&app, &format!("ticket={reference}&limit=200")).await;
    assert_eq!(log["items"].as_array().unwrap().len(), 80);
}

#[actix_web::test]
async fn the_log_cannot_be_altered_and_forgets_reads_past_its_retention() {
    let app = TestApp::seeded_with(&[("GUICHET_ACCESS_LOG_MONTHS", "6")]);
    let (reference, _) = ticket_with_attachment(&app).await;
    let school = app.demo_token("correspondent", "ge");
    let path = format!("/api/v1/tickets/{reference}");
    assert_eq!(app.get_as(&school, &path).await.status, 200);
    let start = app.clock.now();
    app.clock.set(start + Months::new(3));
    let school = app.demo_token("correspondent", "ge");
    assert_eq!(app.get_as(&school, &path).await.status, 200);

    let altered = diesel::sql_query("UPDATE ticket_reads SET client_address = 'ailleurs'")
        .execute(&mut app.conn());
    assert!(altered.is_err(), "the log is append-only");

    // Six months and a day after the first read: it goes, the second stays.
    app.clock.set(start + Months::new(6) + Duration::days(1));
    jobs::housekeeping(&app.state()).await.unwrap();
    let log = access_log(&app, &format!("ticket={reference}")).await;
    let kept = column(&log, "read_at");
    assert_eq!(kept.len(), 1, "{log:#}");
    assert!(kept[0].starts_with(&(start + Months::new(3)).format("%Y-%m-%d").to_string()));
}
