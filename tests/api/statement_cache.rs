//! A ticket's writes are prepared once per connection and then only run: diesel keeps no
//! `UPDATE` in its statement cache by itself, so each write used to be parsed and planned
//! again (`db::cached`).

use std::sync::{Arc, Mutex};

use diesel::connection::{Connection, Instrumentation, InstrumentationEvent};
use serde_json::json;

use guichet::db::repo::tickets;
use guichet::db::DbConn;

use crate::helpers::TestApp;

/// The statements a connection prepared to keep.
#[derive(Clone, Default)]
struct Kept(Arc<Mutex<Vec<String>>>);

impl Instrumentation for Kept {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::CacheQuery { sql, .. } = event {
            self.0.lock().unwrap().push(sql.to_owned());
        }
    }
}

#[actix_web::test]
async fn a_ticket_written_three_times_is_prepared_once() {
    let app = TestApp::seeded();
    let school = app.demo_token("correspondent", "ge");
    let opened = app
        .post_as(
            Some(&school),
            "/api/v1/tickets",
            json!({ "establishment": "0579001Z", "title": "Tableau muet",
                    "description": "d", "category": "wifi" }),
        )
        .await;
    assert_eq!(opened.status, 201, "{:#}", opened.body);
    let reference = opened.body["reference"].as_str().unwrap().to_owned();

    // A connection of its own: the pool's may have run the update already.
    let mut conn = DbConn::open(&app.db.url).unwrap();
    let kept = Kept::default();
    conn.set_instrumentation(kept.clone());
    let mut ticket = tickets::find_by_reference(&mut conn, &reference)
        .unwrap()
        .unwrap();
    for title in ["Tableau muet (1)", "Tableau muet (2)", "Tableau muet (3)"] {
        ticket.title = title.to_owned();
        assert_eq!(
            tickets::update_if_version(&mut conn, &ticket, ticket.version).unwrap(),
            1
        );
        ticket.version += 1;
    }
    let stored = tickets::find_by_reference(&mut conn, &reference)
        .unwrap()
        .unwrap();
    assert_eq!(stored.title, "Tableau muet (3)");
    let updates: Vec<String> = kept
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|sql| sql.starts_with("UPDATE"))
        .cloned()
        .collect();
    assert_eq!(updates.len(), 1, "{updates:#?}");
}
