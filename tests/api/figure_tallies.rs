//! The figures' tallies hold what the tickets say: after months of generated activity, after
//! the merge job, and after eight clients wrote at once while it merged, a territory's
//! figures read from the tallies are those recounted from the tickets and clocks, month by
//! month and over the whole span (`guichet figures check` compares the same).

use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;

use guichet::generator::{run, GenerateOptions};
use guichet::services::jobs;
use guichet::services::stats::tallies;

use crate::helpers::TestApp;

fn end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap()
}

fn rows(app: &TestApp) -> (i64, i64) {
    use guichet::db::schema::{clock_tallies, ticket_tallies};
    let mut conn = app.conn();
    (
        ticket_tallies::table
            .count()
            .get_result(&mut *conn)
            .unwrap(),
        clock_tallies::table.count().get_result(&mut *conn).unwrap(),
    )
}

/// Every territory's figures agree, read from the tallies or recounted, over `months`.
pub fn assert_tallies_agree(app: &TestApp, months: u32) {
    let differences = tallies::check::compare(&mut app.conn(), app.clock.now(), months).unwrap();
    if let Some(d) = differences.first() {
        panic!(
            "{} period(s) differ; first {} {}..{}:\n tallied   {}\n recounted {}",
            differences.len(),
            d.territory,
            d.from,
            d.to,
            d.tallied,
            d.recounted
        );
    }
}

#[actix_web::test]
async fn generated_months_read_from_the_tallies_are_the_recounted_figures() {
    let app = TestApp::seeded();
    app.clock.set(end());
    let options = GenerateOptions {
        tickets: 400,
        months: 6,
        seed: 11,
    };
    run(&mut app.conn(), &options, end()).expect("the generation");
    assert_tallies_agree(&app, 7);

    // The job merges a day's rows into one per cell; the figures stay the same.
    let before = rows(&app);
    let merged = jobs::merge_tallies(&app.state()).await.unwrap();
    assert!(merged.unwrap() > 0);
    let after = rows(&app);
    assert!(
        after.0 < before.0 && after.1 < before.1,
        "{before:?} → {after:?}"
    );
    assert_tallies_agree(&app, 7);
    assert_eq!(jobs::merge_tallies(&app.state()).await.unwrap(), Some(0));

    // The half-year's figures read from the tallies count what happened.
    let steering = app.demo_token("steering", "ge");
    let figures = app
        .get_as(&steering, "/api/v1/stats?from=2026-06-01&to=2026-12-01")
        .await;
    assert_eq!(figures.status, 200, "{:#}", figures.body);
    assert!(figures.body["tickets"]["opened"].as_i64().unwrap() > 100);
    assert!(figures.body["resolution"]["count"].as_i64().unwrap() > 100);

    // Counted again from scratch, they are the same.
    let rebuilt = app
        .conn()
        .write_transaction(tallies::rebuild::rebuild)
        .unwrap();
    assert!(
        rebuilt.tickets >= 400 && rebuilt.clocks > 400,
        "{rebuilt:?}"
    );
    assert_tallies_agree(&app, 7);
}
