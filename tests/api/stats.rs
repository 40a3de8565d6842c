//! Service figures through the API on a small hand-built day, every figure worked out by
//! hand from the timeline below; who reads which scope; CSV.
//!
//! Monday 30 November 2026 (term time, P3 tickets: 240 minutes to answer, 1,680 to resolve),
//! all at the Metz collège, times in Paris:
//! - A (reseau-internet) opened 09:00, routed to the Moselle 10:00, taken by it 11:00,
//!   resolved by it 12:00.
//! - F (messagerie) opened 09:05, taken by the guichet at 14:05, past its response target
//!   (13:05, recorded by the alert job at 14:00): still in progress at the end.
//! - B (messagerie) opened 09:30, taken 10:30, resolved 13:30, reopened by the school 14:00,
//!   resolved again 15:00.
//! - E (espaces-collaboratifs) opened 09:45, escalated to the vendor with its technical file
//!   10:45, solved by it 11:45.
//! - D (identifiants-envoi) solved at level 0 when opened, 11:00.
//! - C (reseau-internet) opened 11:15, routed to the Moselle 11:30, refused by it 12:00:
//!   back at the guichet, untouched.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};

use guichet::services::jobs;

use crate::helpers::{Call, TestApp};
use crate::ticket_chain::{chain_on, client_token, Chain};

const METZ_COLLEGE: &str = "0579001Z";

fn paris(h: u32, min: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Paris
        .with_ymd_and_hms(2026, 11, 30, h, min, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// Moves the clock to `h:min` and signs everybody in again (a token lasts an hour).
async fn at(chain: &mut Chain, h: u32, min: u32) {
    chain.app.clock.set(paris(h, min));
    chain.vendor_client = client_token(&chain.app, &chain.vendor_credentials).await;
    chain.correspondent = chain.app.demo_token("correspondent", "ge");
    chain.guichet = chain.app.demo_token("guichet_agent", "ge");
    chain.moselle = chain.app.demo_token("collectivite_agent", "ge");
}

async fn done(chain: &Chain, token: &str, reference: &str, route: &str, body: Value) {
    let answer = chain.write(token, reference, route, body).await;
    assert_eq!(answer.status, 200, "{route}: {:#}", answer.body);
}

async fn open(chain: &Chain, category: &str) -> String {
    let opened = chain.open(METZ_COLLEGE, category, "Chiffres").await;
    opened.body["reference"].as_str().unwrap().to_owned()
}

/// The day above, and the chain at 18:00.
async fn the_day() -> Chain {
    let app = TestApp::seeded();
    app.clock.set(paris(9, 0));
    let mut chain = chain_on(app).await;
    let a = open(&chain, "reseau-internet").await;
    at(&mut chain, 9, 5).await;
    let f = open(&chain, "messagerie").await;
    at(&mut chain, 9, 30).await;
    let b = open(&chain, "messagerie").await;
    at(&mut chain, 9, 45).await;
    let e = open(&chain, "espaces-collaboratifs").await;
    at(&mut chain, 10, 0).await;
    done(
        &chain,
        &chain.guichet,
        &a,
        "routing",
        json!({ "by_rule": true }),
    )
    .await;
    at(&mut chain, 10, 30).await;
    done(
        &chain,
        &chain.guichet,
        &b,
        "actions",
        json!({ "action": "start" }),
    )
    .await;
    at(&mut chain, 10, 45).await;
    let file = json!({
        "affected_profiles": ["teacher"], "users_affected": 30, "occurred_at": "2026-11-30T08:30:00Z",
        "steps_to_reproduce": "Ouvrir Mes espaces", "error_message": "Aucun espace",
        "browser_device": "Firefox 140", "url": "https://ent.example/espaces"
    });
    done(
        &chain,
        &chain.guichet,
        &e,
        "escalation",
        json!({ "justification": "unresolved_at_level_1", "technical_file": file }),
    )
    .await;
    at(&mut chain, 11, 0).await;
    done(
        &chain,
        &chain.moselle,
        &a,
        "actions",
        json!({ "action": "start" }),
    )
    .await;
    let d = chain
        .app
        .post_as(Some(&chain.correspondent), "/api/v1/tickets", json!({
            "establishment": METZ_COLLEGE, "title": "Mot de passe oublié", "description": "Réinitialisé",
            "category": "identifiants-envoi", "solved_at_level_0": "Réinitialisé par le correspondant" }))
        .await;
    assert_eq!(d.status, 201, "{:#}", d.body);
    at(&mut chain, 11, 15).await;
    let c = open(&chain, "reseau-internet").await;
    at(&mut chain, 11, 30).await;
    done(
        &chain,
        &chain.guichet,
        &c,
        "routing",
        json!({ "by_rule": true }),
    )
    .await;
    at(&mut chain, 11, 45).await;
    done(
        &chain,
        &chain.vendor_client,
        &e,
        "vendor-answers",
        json!({ "kind": "solution", "body": "Espaces restaurés" }),
    )
    .await;
    at(&mut chain, 12, 0).await;
    done(
        &chain,
        &chain.moselle,
        &a,
        "actions",
        json!({ "action": "resolve", "resolution": "Commutateur remplacé" }),
    )
    .await;
    done(
        &chain,
        &chain.moselle,
        &c,
        "refusal",
        json!({ "reason": "Le réseau fonctionne : problème applicatif" }),
    )
    .await;
    at(&mut chain, 13, 30).await;
    done(
        &chain,
        &chain.guichet,
        &b,
        "actions",
        json!({ "action": "resolve", "resolution": "Boîte débloquée" }),
    )
    .await;
    at(&mut chain, 14, 0).await;
    jobs::service_level_alerts(&chain.app.state())
        .await
        .unwrap();
    done(
        &chain,
        &chain.correspondent,
        &b,
        "actions",
        json!({ "action": "reopen" }),
    )
    .await;
    at(&mut chain, 14, 5).await;
    done(
        &chain,
        &chain.guichet,
        &f,
        "actions",
        json!({ "action": "start" }),
    )
    .await;
    at(&mut chain, 15, 0).await;
    done(
        &chain,
        &chain.guichet,
        &b,
        "actions",
        json!({ "action": "resolve", "resolution": "Boîte débloquée, quota relevé" }),
    )
    .await;
    at(&mut chain, 18, 0).await;
    chain
}

const DAY: &str = "from=2026-11-30&to=2026-12-01";

fn volumes(row: &Value) -> (i64, i64, i64) {
    (
        row["opened"].as_i64().unwrap(),
        row["resolved"].as_i64().unwrap(),
        row["backlog"].as_i64().unwrap(),
    )
}

fn keyed<'v>(rows: &'v Value, key: &str) -> &'v Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key || r["code"] == key)
        .unwrap_or_else(|| panic!("no {key} in {rows:#}"))
}

fn durations(value: &Value) -> (i64, Option<i64>, Option<i64>) {
    (
        value["count"].as_i64().unwrap(),
        value["median_minutes"].as_i64(),
        value["p90_minutes"].as_i64(),
    )
}

#[actix_web::test]
async fn every_figure_of_a_hand_built_day() {
    let chain = the_day().await;
    let steering = chain.app.demo_token("steering", "ge");
    let read = chain
        .app
        .get_as(&steering, &format!("/api/v1/stats?{DAY}"))
        .await;
    assert_eq!(read.status, 200, "{:#}", read.body);
    let f = &read.body;
    // The steering user's own territory by default.
    assert_eq!(f["scope"]["key"], "territory:GE");
    // Six opened; A, B, D, E resolved; C and F open at midnight.
    assert_eq!(volumes(&f["tickets"]), (6, 4, 2));
    // D at level 0; E at level 2 (the vendor); the others at level 1 (the guichet's queue
    // and the Moselle's are both level 1).
    assert_eq!(volumes(keyed(&f["by_level"], "0")), (1, 1, 0));
    assert_eq!(volumes(keyed(&f["by_level"], "1")), (4, 2, 2));
    assert_eq!(volumes(keyed(&f["by_level"], "2")), (1, 1, 0));
    assert_eq!(
        volumes(keyed(&f["by_queue"], "dep-57/reseau-materiel")),
        (1, 1, 0)
    );
    assert_eq!(volumes(keyed(&f["by_school_kind"], "college")), (6, 4, 2));
    assert_eq!(
        volumes(keyed(&f["by_category"], "reseau-internet")),
        (2, 1, 1)
    );
    assert_eq!(volumes(keyed(&f["by_category"], "messagerie")), (2, 1, 1));
    let top: Vec<&str> = f["top_categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        top,
        [
            "messagerie",
            "reseau-internet",
            "espaces-collaboratifs",
            "identifiants-envoi"
        ]
    );
    // Of the 4 resolved: D at level 0, A and B at level 1, E by the vendor.
    assert_eq!(
        f["solved_at"],
        json!({ "level_0": 25.0, "level_1": 50.0, "vendor": 25.0 })
    );
    // E of the 6 went to the vendor; B of the 4 resolved was reopened.
    assert_eq!(f["escalation_rate"], 16.7);
    assert_eq!(f["reopen_rate"], 25.0);
    // First answers: B 60 (taken 10:30), E 60 (escalated with its technical file at 10:45:
    // a qualified decision is an answer), A 120 (the Moselle at 11:00), F 300 (14:05); C
    // never answered. Nearest rank of 4: the 2nd and the 4th.
    assert_eq!(durations(&f["response"]), (4, Some(60), Some(300)));
    // Resolutions: E 120, A 180, B 300 (240 to 13:30, then 60 more after the reopening).
    assert_eq!(durations(&f["resolution"]), (3, Some(180), Some(300)));
    // F's response clock alone breached; every resolution met its 1,680 minutes.
    let p3 = &f["compliance_by_priority"][0];
    assert_eq!(p3["priority"], 3);
    assert_eq!(
        p3["response"],
        json!({ "met": 3, "breached": 1, "percent": 75.0 })
    );
    assert_eq!(
        p3["resolution"],
        json!({ "met": 3, "breached": 0, "percent": 100.0 })
    );
    // The Moselle's stays: A (10:00, answered 11:00, resolved 12:00) and C (11:30, refused
    // 12:00): first answers 30 and 60, kept 30 and 120; it refused C.
    let moselle = keyed(&f["organisations"], "dep-57");
    assert_eq!(durations(&moselle["response"]), (2, Some(30), Some(60)));
    assert_eq!(durations(&moselle["resolution"]), (2, Some(30), Some(120)));
    assert_eq!(moselle["refused"], 1);
    assert_eq!(moselle["resolution_compliance"]["met"], 2);
    // The vendor's stay on E: 10:45 to its solution at 11:45.
    let vendor = keyed(&f["organisations"], "titulaire-ent-grand-est");
    assert_eq!(durations(&vendor["response"]), (1, Some(60), Some(60)));
    assert_eq!(durations(&f["vendor_response"]), (1, Some(60), Some(60)));
    assert_eq!(durations(&f["vendor_resolution"]), (1, Some(60), Some(60)));
    assert_eq!(
        f["refusals"],
        json!([{ "code": "dep-57", "name": moselle["name"], "refused": 1 }])
    );
    // One week, from Monday 30 November.
    assert_eq!(
        f["weekly"],
        json!([{ "week": "2026-11-30", "opened": 6, "resolved": 4 }])
    );
}

fn steering_ge(app: &TestApp) -> String {
    app.demo_token("steering", "ge")
}

#[actix_web::test]
async fn each_reader_gets_their_own_scope() {
    let chain = the_day().await;
    let app = &chain.app;
    // The Moselle's agent reads the tickets that reached the Moselle: A and C.
    let moselle = app
        .get_as(&chain.moselle, &format!("/api/v1/stats?{DAY}"))
        .await;
    assert_eq!(moselle.status, 200, "{:#}", moselle.body);
    assert_eq!(moselle.body["scope"]["key"], "collectivite:dep-57");
    assert_eq!(volumes(&moselle.body["tickets"]), (2, 1, 1));
    // Not the territory's, nor another collectivité's: as if they did not exist.
    for scope in [
        "territory:GE",
        "collectivite:dep-54",
        "vendor:titulaire-ent-grand-est",
    ] {
        app.get_as(
            &chain.moselle,
            &format!("/api/v1/stats?scope={scope}&{DAY}"),
        )
        .await
        .assert_problem(404, "not_found");
    }
    // The school's figures are the Moselle's to read too (it is the collège's collectivité).
    let school = app
        .get_as(
            &chain.moselle,
            &format!("/api/v1/stats?scope=establishment:{METZ_COLLEGE}&{DAY}"),
        )
        .await;
    assert_eq!(volumes(&school.body["tickets"]), (6, 4, 2));
    // The vendor reads what was escalated to it.
    let vendor = app
        .get_as(&chain.vendor_client, &format!("/api/v1/stats?{DAY}"))
        .await;
    assert_eq!(
        vendor.body["scope"]["key"],
        "vendor:titulaire-ent-grand-est"
    );
    assert_eq!(volumes(&vendor.body["tickets"]), (1, 1, 0));
    // Another territory's steering does not see Grand Est; a correspondent reads no figures.
    let hdf = app.demo_token("steering", "hdf");
    app.get_as(&hdf, &format!("/api/v1/stats?scope=territory:GE&{DAY}"))
        .await
        .assert_problem(404, "not_found");
    app.get_as(&chain.correspondent, "/api/v1/stats")
        .await
        .assert_problem(403, "forbidden");
    // Empty parameters are absent ones: the caller's scope, the current month.
    let defaults = app
        .get_as(&steering_ge(app), "/api/v1/stats?scope=&from=&to=")
        .await;
    assert_eq!(defaults.status, 200, "{:#}", defaults.body);
    assert_eq!(defaults.body["scope"]["key"], "territory:GE");
    // A global admin names the scope.
    let global = app.token_of("admin@demo.guichet.example");
    app.get_as(&global, "/api/v1/stats")
        .await
        .assert_problem(422, "required");
    let steering = app.demo_token("steering", "ge");
    for bad in [
        "scope=GE",
        "scope=planet:GE",
        "from=2026-13-01",
        "from=2026-12-01&to=2026-11-30",
        "from=2025-01-01&to=2026-12-01",
    ] {
        let answer = app.get_as(&steering, &format!("/api/v1/stats?{bad}")).await;
        assert_eq!(answer.status, 422, "{bad}: {:#}", answer.body);
    }
}

#[actix_web::test]
async fn figures_come_as_csv_for_a_spreadsheet() {
    let chain = the_day().await;
    let steering = chain.app.demo_token("steering", "ge");
    let answer = chain
        .app
        .call(
            Call::get(&format!("/api/v1/stats?{DAY}"))
                .bearer(Some(&steering))
                .header("Accept", "text/csv"),
        )
        .await;
    assert_eq!(answer.status, 200, "{:#}", answer.body);
    assert_eq!(answer.headers["content-type"], "text/csv; charset=utf-8");
    let text = String::from_utf8(answer.raw.clone()).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("tableau;cle;libelle;mesure;valeur"));
    assert!(
        text.contains("\ntotal;territory:GE;Grand Est;ouverts;6\n"),
        "{text}"
    );
    assert!(text.contains("\ntotal;territory:GE;Grand Est;taux_escalade_editeur;16.7\n"));
    assert!(text.contains("\npriorite;P3;;reponse_depasses;1\n"));
    assert!(text.contains("\nsemaine;2026-11-30;;resolus;4\n"));
}
