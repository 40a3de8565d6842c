//! `guichet demo generate`: the activity it writes walks the whole chain through the
//! services (the figures of the steering committees show every part of it), follows the
//! school year (the rentrée's peak, quiet holidays), leaves a backlog, and sends nothing.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use serde_json::Value;

use guichet::generator::{run, GenerateOptions};

use crate::helpers::TestApp;

fn end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap()
}

fn outbox_rows(app: &TestApp) -> i64 {
    guichet::db::schema::outbox::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

/// Mean tickets opened per week over the weeks starting in `[from, to)`.
fn weekly_mean(weekly: &[Value], from: NaiveDate, to: NaiveDate) -> f64 {
    let weeks: Vec<f64> = weekly
        .iter()
        .filter(|w| {
            let week: NaiveDate = w["week"].as_str().unwrap().parse().unwrap();
            from <= week && week < to
        })
        .map(|w| w["opened"].as_f64().unwrap())
        .collect();
    assert!(!weeks.is_empty(), "weeks from {from} to {to}");
    weeks.iter().sum::<f64>() / weeks.len() as f64
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[actix_web::test]
async fn a_generated_year_walks_the_whole_chain_and_follows_the_school_year() {
    let app = TestApp::seeded();
    app.clock.set(end());
    let outbox_before = outbox_rows(&app);
    let options = GenerateOptions {
        tickets: 500,
        months: 12,
        seed: 7,
    };
    let report = run(&mut app.conn(), &options, end()).expect("the generation");
    let t = &report.tally;
    assert_eq!(t.tickets, 500);
    for (what, n) in [
        ("solved at level 0", t.solved_at_level_0),
        ("routed by the rules", t.routed),
        ("hand-offs refused", t.refused),
        ("escalated to the vendor", t.escalated),
        ("vendor questions", t.vendor_questions),
        ("level 3", t.level_3),
        ("reopened", t.reopened),
        ("closed by the school", t.closed),
        ("major incidents", t.major_incidents),
        ("tickets linked to them", t.linked_children),
    ] {
        assert!(n > 0, "{what}: none in {t:?}");
    }
    // The notices of a simulated past go nowhere.
    assert_eq!(outbox_rows(&app), outbox_before);

    // The figures of the Grand Est year, as its steering committee reads them.
    let steering = app.demo_token("steering", "ge");
    let figures = app
        .get_as(&steering, "/api/v1/stats?from=2025-11-30&to=2026-11-30")
        .await;
    assert_eq!(figures.status, 200, "{:#}", figures.body);
    let f = &figures.body;
    let opened = f["tickets"]["opened"].as_i64().unwrap();
    assert!(opened > 100, "Grand Est opened {opened}");
    assert!(f["tickets"]["backlog"].as_i64().unwrap() > 0, "a backlog");
    for share in ["level_0", "level_1", "vendor"] {
        assert!(
            f["solved_at"][share].as_f64().unwrap() > 0.0,
            "solved at {share}: {:#}",
            f["solved_at"]
        );
    }
    assert!(f["escalation_rate"].as_f64().unwrap() > 0.0);
    assert!(f["reopen_rate"].as_f64().unwrap() > 0.0);
    assert!(f["vendor_response"]["count"].as_i64().unwrap() > 0);
    assert!(!f["refusals"].as_array().unwrap().is_empty());
    let organisations: Vec<&str> = f["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["response"]["count"].as_i64().unwrap() > 0)
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    for who in ["ac-nancy-metz", "titulaire-ent-grand-est"] {
        assert!(
            organisations.contains(&who),
            "{who} answered: {organisations:?}"
        );
    }
    assert!(
        organisations.iter().any(|o| o.starts_with("dep-")),
        "a département answered: {organisations:?}"
    );

    // The school year: the rentrée's weeks well above the year's mean, the holidays quiet.
    let weekly = f["weekly"].as_array().unwrap();
    let year = weekly_mean(weekly, day(2025, 11, 24), day(2026, 11, 30));
    let rentree = weekly_mean(weekly, day(2026, 8, 31), day(2026, 9, 21));
    let christmas_and_summer = (weekly_mean(weekly, day(2025, 12, 22), day(2026, 1, 5)) * 2.0
        + weekly_mean(weekly, day(2026, 7, 13), day(2026, 8, 24)) * 6.0)
        / 8.0;
    assert!(rentree > 2.0 * year, "rentrée {rentree} / year {year}");
    assert!(
        christmas_and_summer < 0.25 * year,
        "holidays {christmas_and_summer} / year {year}"
    );
}
