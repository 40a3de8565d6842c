//! The benchmark runs on both backends (its figures come from `guichet bench`, not tests):
//! a sample written through the services, copied up to the size asked.

use diesel::prelude::*;

use guichet::bench::{run, BenchOptions};
use guichet::db::schema::{service_level_clocks, ticket_hops, ticket_reads, tickets};

use crate::helpers::TestApp;

#[actix_web::test]
async fn the_bench_fills_with_generated_activity_and_times_the_views() {
    let app = TestApp::empty();
    let report = run(
        &mut app.conn(),
        &BenchOptions {
            tickets: 500,
            sample: 200,
            pages: 5,
            reuse: false,
            access_reads: 12_000,
        },
    )
    .unwrap();
    assert_eq!((report.tickets, report.sample), (500, 200));
    assert_eq!(report.timings.len(), 14);
    assert!(report
        .timings
        .iter()
        .all(|t| t.samples > 0 && t.p50_ms <= t.max_ms));
    assert_eq!(
        report.timings[8].name,
        "pilotage : chiffres du territoire sur un an"
    );
    assert_eq!(report.timings[8].samples, 5);
    // The access log, filled to the size asked (in chunks), and its four queries.
    assert_eq!(report.timings[10].name, "accès : un ticket, 1re page");
    let reads: i64 = ticket_reads::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(reads, 12_000);
    // The copies' figures were counted after them: read from the tallies, they are those
    // recounted from the tickets.
    crate::figure_tallies::assert_tallies_agree(&app, 13);

    // 200 stories, then two copies and a half: every ticket's hops and clocks with it.
    let conn = &mut *app.conn();
    let all: i64 = tickets::table.count().get_result(conn).unwrap();
    assert_eq!(all, 500);
    let copies = [(1, 200), (201, 400), (401, 500)];
    let hops_of = |conn: &mut _, (a, b): (i64, i64)| -> i64 {
        ticket_hops::table
            .filter(ticket_hops::ticket_id.between(a, b))
            .count()
            .get_result(conn)
            .unwrap()
    };
    let clocks_of = |conn: &mut _, (a, b): (i64, i64)| -> i64 {
        service_level_clocks::table
            .filter(service_level_clocks::ticket_id.between(a, b))
            .count()
            .get_result(conn)
            .unwrap()
    };
    let (hops, clocks) = (hops_of(conn, copies[0]), clocks_of(conn, copies[0]));
    assert!(hops > 200 && clocks > 200, "{hops} hops, {clocks} clocks");
    assert_eq!(hops_of(conn, copies[1]), hops);
    assert_eq!(clocks_of(conn, copies[1]), clocks);
    assert_eq!(
        hops_of(conn, copies[2]),
        hops_of(conn, (1, 100)),
        "the half copy"
    );

    // A second run refuses a database that holds tickets.
    assert!(run(
        conn,
        &BenchOptions {
            tickets: 10,
            sample: 10,
            pages: 1,
            reuse: false,
            access_reads: 0,
        }
    )
    .is_err());
    // Reused, it times the same database again without adding to it.
    let again = run(
        conn,
        &BenchOptions {
            tickets: 0,
            sample: 0,
            pages: 1,
            reuse: true,
            access_reads: 12_000,
        },
    )
    .unwrap();
    assert_eq!((again.tickets, again.sample), (500, 0));
    assert_eq!(
        again.access_fill,
        std::time::Duration::ZERO,
        "nothing added"
    );
    let all: i64 = tickets::table.count().get_result(conn).unwrap();
    assert_eq!(all, 500);
}

/// `guichet bench http`, small: the binary fills an empty database, starts itself as the
/// service, logs in, asks every measure at concurrency 1 and 8 and copies the openings' rows
/// directly for the raw limit.
#[test]
fn the_http_bench_puts_the_service_under_load_and_measures_the_raw_limit() {
    let app = TestApp::empty();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_guichet"))
        .args(["bench", "http", "--tickets", "3000", "--sample", "100"])
        .args(["--requests", "8", "--logins", "30", "--database-url"])
        .arg(app.db.url_text())
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{printed} {}",
        String::from_utf8_lossy(&run.stderr)
    );
    for measure in [
        "création d'un ticket",
        "lecture d'un ticket par référence",
        "file du guichet, 1re page",
        "file du guichet, 6e page",
        "file, nouveaux, 1re page",
        "P1 nouveaux de l'autorité, 1re page",
        "correspondant : son établissement, 1re page",
        "recherche dans le titre, 1re page",
        "éditeur : escaladés chez nous, 1re page",
        "commentaire du correspondant",
        "limite brute : les mêmes lignes, directement",
    ] {
        for clients in [1, 8] {
            let line = printed
                .lines()
                .find(|l| {
                    l.starts_with(measure)
                        && l[measure.len()..].split_whitespace().next()
                            == Some(&clients.to_string())
                })
                .unwrap_or_else(|| panic!("no line for {measure} at {clients}: {printed}"));
            let requests: usize = line[measure.len()..]
                .split_whitespace()
                .nth(1)
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(requests, 8, "{line}");
        }
    }
    assert!(
        printed.contains("création par le service / limite brute, 8 client(s) : "),
        "{printed}"
    );
    assert!(printed.contains("connexion (mot de passe)"), "{printed}");
    assert!(printed.contains("pic "), "{printed}");

    // What the load wrote: 16 openings and 16 comments through the service, 16 raw copies of
    // one of them whose notifications will not be sent again.
    let conn = &mut *app.conn();
    let opened: i64 = tickets::table
        .filter(tickets::title.like("Banc d'essai %"))
        .filter(tickets::reference.not_like("%/r%"))
        .count()
        .get_result(conn)
        .unwrap();
    assert_eq!(opened, 16);
    use guichet::db::schema::{outbox, ticket_events};
    let comments: i64 = ticket_events::table
        .filter(ticket_events::kind.eq("comment"))
        .filter(ticket_events::body.like("Relance %"))
        .count()
        .get_result(conn)
        .unwrap();
    assert_eq!(comments, 16);
    let copies: Vec<i64> = tickets::table
        .filter(tickets::reference.like("%/r%"))
        .select(tickets::id)
        .load(conn)
        .unwrap();
    assert_eq!(copies.len(), 16);
    let journal: i64 = ticket_events::table
        .filter(ticket_events::ticket_id.eq_any(&copies))
        .count()
        .get_result(conn)
        .unwrap();
    assert!(journal >= 16, "each copy has its journal: {journal}");
    let unsent: i64 = outbox::table
        .filter(outbox::ticket_id.eq_any(copies.iter().map(|&id| Some(id))))
        .filter(outbox::state.ne("sent"))
        .count()
        .get_result(conn)
        .unwrap();
    assert_eq!(unsent, 0);
}
