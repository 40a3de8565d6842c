//! The hot list queries are served by an index in the page's order: the planner walks it and
//! stops at the page's end, with no sort of every matching ticket (which grows with the
//! queue). Checked on each backend's own plan; on PostgreSQL with whole-table reads, bitmap
//! scans and sorts priced out, since a test's small table would otherwise be read whole and
//! sorted whatever the indexes.

use diesel::prelude::*;
use diesel::sql_types::Text;

use guichet::db::DbConn;

use crate::helpers::TestApp;

#[derive(QueryableByName)]
struct SqlitePlanRow {
    #[diesel(sql_type = Text)]
    detail: String,
}

#[derive(QueryableByName)]
struct PostgresPlanRow {
    #[diesel(sql_type = Text)]
    #[diesel(column_name = "QUERY PLAN")]
    line: String,
}

/// The plan of `sql` as the planner makes it, one line per step.
fn explain(conn: &mut DbConn, sql: &str) -> String {
    match conn {
        DbConn::Sqlite(sqlite) => {
            diesel::sql_query(format!("EXPLAIN QUERY PLAN {}", limit_as_bound(sql)))
                .load::<SqlitePlanRow>(sqlite)
                .unwrap()
                .into_iter()
                .map(|r| r.detail)
                .collect::<Vec<_>>()
                .join("\n")
        }
        DbConn::Postgres(pg) => diesel::sql_query(format!("EXPLAIN {sql}"))
            .load::<PostgresPlanRow>(pg)
            .unwrap()
            .into_iter()
            .map(|r| r.line)
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// `sql` with its `LIMIT` as the service sends it, a bound parameter: SQLite is built with
/// the query planner stability guarantee, so the planner does not see the page's size.
fn limit_as_bound(sql: &str) -> String {
    match sql.rsplit_once(" LIMIT ") {
        Some((head, tail)) if tail.chars().all(|c| c.is_ascii_digit()) => {
            format!("{head} LIMIT ?")
        }
        _ => sql.to_owned(),
    }
}

/// The plan of `sql`, on PostgreSQL with the paths that ignore the indexes priced out.
fn plan(conn: &mut DbConn, sql: &str) -> String {
    if let DbConn::Postgres(pg) = conn {
        // A test's table is tiny: reading it whole, or sorting its few matches, would be
        // the planner's choice whatever the indexes. With those paths priced out, a plan
        // without a Sort proves an index serves both the filter and the order.
        for path in ["enable_seqscan", "enable_bitmapscan", "enable_sort"] {
            diesel::sql_query(format!("SET {path} = off"))
                .execute(pg)
                .unwrap();
        }
    }
    explain(conn, sql)
}

/// The view's first page is read through `index`, in order, without sorting.
fn assert_walks(conn: &mut DbConn, sql: &str, index: &str) {
    let plan = plan(conn, sql);
    assert!(plan.contains(index), "{index} not used:\n{plan}");
    let sorts = plan.contains("TEMP B-TREE FOR ORDER BY") || plan.contains("Sort");
    assert!(
        !sorts,
        "the page is sorted instead of read in order:\n{plan}"
    );
}

#[test]
fn a_queue_filtered_by_status_is_read_in_its_order() {
    let app = TestApp::seeded();
    let conn = &mut *app.conn();
    assert_walks(
        conn,
        "SELECT id FROM tickets WHERE current_queue_id = 1 AND status = 'new' \
         ORDER BY priority, created_at, id LIMIT 51",
        "tickets_queue_status_view",
    );
    // A later page: the keyset continues in the same index.
    assert_walks(
        conn,
        "SELECT id FROM tickets WHERE current_queue_id = 1 AND status = 'pending' \
         AND (priority, created_at, id) > (3, '2026-11-30 10:00:00', 42) \
         ORDER BY priority, created_at, id LIMIT 51",
        "tickets_queue_status_view",
    );
}

#[test]
fn the_tickets_at_one_level_are_read_in_their_order() {
    let app = TestApp::seeded();
    let conn = &mut *app.conn();
    assert_walks(
        conn,
        "SELECT id FROM tickets WHERE level = 2 AND (owner_queue_id IN (1, 2, 3) \
         OR current_queue_id IN (1, 2, 3)) ORDER BY priority, created_at, id LIMIT 51",
        "tickets_level_view",
    );
}

#[test]
fn a_queue_and_the_access_log_are_read_in_their_order() {
    let app = TestApp::seeded();
    let conn = &mut *app.conn();
    assert_walks(
        conn,
        "SELECT id FROM tickets WHERE current_queue_id = 1 \
         ORDER BY priority, created_at, id LIMIT 51",
        "tickets_queue_view",
    );
    assert_walks(
        conn,
        "SELECT id FROM ticket_reads WHERE ticket_id = 7 ORDER BY id DESC LIMIT 51",
        "ticket_reads_by_ticket",
    );
    assert_walks(
        conn,
        "SELECT id FROM ticket_reads WHERE user_id = 3 AND territory_code = 'GE' \
         ORDER BY id DESC LIMIT 51",
        "ticket_reads_by_user",
    );
    assert_walks(
        conn,
        "SELECT id FROM ticket_reads WHERE territory_code = 'GE' ORDER BY id DESC LIMIT 51",
        "ticket_reads_by_territory",
    );
}

/// The title search reads the text index, not every title.
#[test]
fn the_title_search_reads_the_text_index() {
    let app = TestApp::seeded();
    let conn = &mut *app.conn();
    let (sql, index) = match conn {
        DbConn::Sqlite(_) => (
            "SELECT id FROM tickets WHERE tickets.id IN (SELECT rowid FROM tickets_title_search \
             WHERE tickets_title_search.title_search LIKE '%projecteur%') \
             ORDER BY priority, created_at, id LIMIT 51",
            "SCAN tickets_title_search VIRTUAL TABLE INDEX",
        ),
        DbConn::Postgres(pg) => {
            // A GIN index is read through a bitmap: only the whole-table read is priced out.
            diesel::sql_query("SET enable_seqscan = off")
                .execute(pg)
                .unwrap();
            (
                "SELECT id FROM tickets WHERE title_search LIKE '%projecteur%' \
                 ORDER BY priority, created_at, id LIMIT 51",
                "tickets_title_trigrams",
            )
        }
    };
    let plan = explain(conn, sql);
    assert!(plan.contains(index), "{index} not used:\n{plan}");
}

/// A title search, newest first: SQLite's text index hands its matches over in that order
/// and stops at the batch's end; PostgreSQL walks the newest tickets backwards from the
/// cursor. Neither collects and sorts every match.
#[test]
fn the_newest_title_matches_come_from_the_text_index_in_order() {
    let app = TestApp::seeded();
    let conn = &mut *app.conn();
    match conn {
        DbConn::Sqlite(_) => {
            let plan = explain(
                conn,
                "SELECT rowid AS id FROM tickets_title_search \
                 WHERE title_search LIKE '%projecteur%' AND rowid < 1000000 \
                 ORDER BY rowid DESC LIMIT 200",
            );
            assert!(plan.contains("VIRTUAL TABLE INDEX"), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "sorted:\n{plan}");
        }
        DbConn::Postgres(_) => {
            let plan = plan(
                conn,
                "SELECT id FROM tickets WHERE title_search LIKE '%projecteur%' \
                 AND id < 1000000 ORDER BY id DESC LIMIT 51",
            );
            assert!(
                plan.contains("Index Scan Backward using tickets_pkey"),
                "{plan}"
            );
            assert!(!plan.contains("Sort"), "sorted:\n{plan}");
        }
    }
}
