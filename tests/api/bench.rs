//! The benchmark runs on both backends (its figures come from `guichet bench`, not tests).

use guichet::bench::{run, BenchOptions};

use crate::helpers::TestApp;

#[actix_web::test]
async fn the_bench_fills_and_times_the_queue_views() {
    let app = TestApp::empty();
    let report = run(
        &mut app.conn(),
        &BenchOptions {
            tickets: 1_200,
            pages: 5,
        },
    )
    .unwrap();
    assert_eq!(report.tickets, 1_200);
    assert_eq!(report.timings.len(), 7);
    assert!(report
        .timings
        .iter()
        .all(|t| t.samples > 0 && t.p50_ms <= t.max_ms));
    assert_eq!(
        report.timings[6].name,
        "pilotage : chiffres du territoire sur un an"
    );
    assert_eq!(report.timings[6].samples, 5);
    // Deep pages were followed: 1,200 tickets at one guichet make more than one page.
    assert_eq!(report.timings[1].samples, 5);
    // A second run refuses a database that holds tickets.
    assert!(run(
        &mut app.conn(),
        &BenchOptions {
            tickets: 10,
            pages: 1
        }
    )
    .is_err());
}
