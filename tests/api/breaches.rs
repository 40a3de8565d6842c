//! Personal-data breaches through the API, on the controlled clock: the scope designates the
//! controller of art. 7, the 72 hours run on the wall clock, every DPD of the territory is
//! told through the outbox, the reminders come at 24 and 6 hours left (once each, whatever
//! the number of runs), the controller's decision is recorded once, and the database itself
//! refuses to alter what was declared.

use chrono::{DateTime, Duration, TimeZone, Utc};
use diesel::prelude::*;
use futures_util::future::join_all;
use serde_json::{json, Value};

use guichet::db::schema::outbox;
use guichet::services::jobs;

use crate::helpers::{demo_email, TestApp};

const METZ_COLLEGE: &str = "0579001Z";
const THIONVILLE_COLLEGE: &str = "0579002A";

/// A Paris wall-clock time as a UTC instant.
fn paris(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Paris
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

/// The seeded app with its clock on Monday 30 November 2026, 10:00 in Paris.
fn monday() -> TestApp {
    let app = TestApp::seeded();
    app.clock.set(paris(2026, 11, 30, 10, 0));
    app
}

/// A breach of the two Moselle collèges, known since 08:00 that Monday.
fn two_colleges() -> Value {
    json!({
        "territory": "GE",
        "aware_at": paris(2026, 11, 30, 8, 0),
        "nature": "Export des notes de deux collèges envoyé par erreur à une liste externe.",
        "people_categories": ["pupils", "legal_representatives"],
        "people_count": 1200,
        "record_categories": ["identity", "assessments"],
        "record_count": 9600,
        "scope": "establishments",
        "establishments": [METZ_COLLEGE, THIONVILLE_COLLEGE.to_lowercase()],
    })
}

async fn declare(app: &TestApp, token: &str, body: Value) -> Value {
    let answer = app.post_as(Some(token), "/api/v1/breaches", body).await;
    assert_eq!(answer.status, 201, "{:#}", answer.body);
    answer.body
}

/// The outbox rows of a notice: (recipient, payload).
fn messages(app: &TestApp, notice: &str) -> Vec<(String, Value)> {
    outbox::table
        .filter(outbox::notice.eq(notice))
        .order(outbox::id)
        .select((outbox::recipient_email, outbox::payload))
        .load::<(String, String)>(&mut app.conn())
        .unwrap()
        .into_iter()
        .map(|(to, payload)| (to, serde_json::from_str(&payload).unwrap()))
        .collect()
}

fn recipients(app: &TestApp, notice: &str) -> Vec<String> {
    let mut to: Vec<String> = messages(app, notice)
        .into_iter()
        .map(|(to, _)| to)
        .collect();
    to.sort();
    to
}

fn journal_kinds(breach: &Value) -> Vec<String> {
    breach["journal"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

/// The DPD addresses of Grand Est's authorities and collectivités, as seeded.
fn grand_est_dpos() -> Vec<String> {
    let mut dpos: Vec<String> = [
        "ac-nancy-metz",
        "ac-reims",
        "ac-strasbourg",
        "draaf-grand-est",
        "ra-grand-est",
        "region-grand-est",
        "dep-08",
        "dep-10",
        "dep-51",
        "dep-52",
        "dep-54",
        "dep-55",
        "dep-57",
        "dep-67",
        "dep-68",
        "dep-88",
    ]
    .iter()
    .map(|code| format!("dpd@{code}.example"))
    .collect();
    dpos.sort();
    dpos
}

#[actix_web::test]
async fn a_breach_of_two_moselle_colleges_is_notified_by_their_heads_within_72_hours() {
    let app = monday();
    let guichet = app.demo_token("guichet_agent", "ge");
    let breach = declare(&app, &guichet, two_colleges()).await;
    let id = breach["id"].as_i64().unwrap();

    // The heads of the two collèges notify, and the answer says why.
    let controller = &breach["controller"];
    assert_eq!(controller["kind"], "heads_of_establishment");
    assert_eq!(controller["organisation"], Value::Null);
    let heads: Vec<&str> = controller["establishments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["uai"].as_str().unwrap())
        .collect();
    assert_eq!(heads, [METZ_COLLEGE, THIONVILLE_COLLEGE]);
    let label = controller["label"].as_str().unwrap();
    assert!(label.starts_with("Chef(s) d'établissement"), "{label}");
    assert!(
        label.contains("Les Tilleuls") && label.contains("Saint-Exupéry"),
        "{label}"
    );
    assert!(controller["reason"]
        .as_str()
        .unwrap()
        .contains("un ou quelques établissements"));
    assert_eq!(breach["scope"]["kind"], "establishments");

    // 72 hours after 08:00 on Monday: 08:00 on Thursday, 70 hours from now.
    let deadline = paris(2026, 12, 3, 8, 0);
    assert_eq!(
        breach["deadline_at"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        deadline
    );
    assert_eq!(breach["deadline_label"], "3 décembre 2026, 8 h 00");
    assert_eq!(breach["state"], "waiting");
    let left = breach["minutes_left"].as_i64().unwrap();
    assert!((70 * 60 - 1..=70 * 60).contains(&left), "{left}");
    assert_eq!(journal_kinds(&breach), ["declared"]);

    // Every DPD of Grand Est is told, once; the heads are reached through their schools'
    // correspondent and their académie's agents.
    assert_eq!(recipients(&app, "breach_dpo_information"), grand_est_dpos());
    let informed: Vec<&str> = breach["informed_dpos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["email"].as_str().unwrap())
        .collect();
    assert_eq!(informed.len(), grand_est_dpos().len());
    let to_notify = recipients(&app, "breach_to_notify");
    for who in [
        demo_email("correspondent", "ge"),
        demo_email("guichet_agent", "ge"),
        demo_email("authority_agent", "ge"),
    ] {
        assert!(to_notify.contains(&who), "{who} not in {to_notify:?}");
    }
    assert!(!to_notify.contains(&demo_email("collectivite_agent", "ge")));
    // A DPD is nobody's account: the message greets no name, and is sent like any other.
    jobs::dispatch_notifications(&app.state()).await.unwrap();
    {
        let inbox = app.inbox.lock().unwrap();
        let to_dpd = inbox
            .messages
            .iter()
            .find(|m| m.to == "dpd@dep-57.example")
            .expect("the Moselle's DPD is written to");
        assert!(to_dpd.text.starts_with("Bonjour,\n"), "{}", to_dpd.text);
        assert!(to_dpd
            .text
            .contains("Pour information du délégué à la protection des données"));
        assert!(
            to_dpd.subject.contains("information du DPD"),
            "{}",
            to_dpd.subject
        );
    }
    let (_, payload) = &messages(&app, "breach_to_notify")[0];
    assert_eq!(payload["path"], format!("/api/v1/breaches/{id}"));
    assert_eq!(payload["breach"]["deadline"], "3 décembre 2026, 8 h 00");

    // Nothing is due before 24 hours are left; then one reminder, however many runs.
    app.clock
        .set(deadline - Duration::hours(24) - Duration::minutes(1));
    assert_eq!(jobs::breach_deadlines(&app.state()).await.unwrap(), Some(0));
    app.clock.set(deadline - Duration::hours(24));
    let runs = join_all((0..4).map(|_| {
        let state = app.state();
        async move { jobs::breach_deadlines(&state).await.unwrap() }
    }))
    .await;
    assert_eq!(runs.iter().flatten().sum::<usize>(), 1, "{runs:?}");
    let reminded = recipients(&app, "breach_deadline");
    assert!(reminded.contains(&demo_email("correspondent", "ge")));

    app.clock.set(deadline - Duration::hours(6));
    assert_eq!(jobs::breach_deadlines(&app.state()).await.unwrap(), Some(1));
    assert_eq!(jobs::breach_deadlines(&app.state()).await.unwrap(), Some(0));
    let sentences: Vec<String> = messages(&app, "breach_deadline")
        .into_iter()
        .map(|(_, p)| p["breach"]["sentence"].as_str().unwrap().to_owned())
        .collect();
    assert!(sentences
        .iter()
        .any(|s| s.starts_with("Il reste 24 heures")));
    assert!(sentences.iter().any(|s| s.starts_with("Il reste 6 heures")));

    // Who may not record the decision: the Moselle (not the controller) is refused, a
    // steering user too, another territory does not see the breach.
    let path = format!("/api/v1/breaches/{id}/decision");
    let decision = json!({
        "outcome": "notified",
        "notified_at": deadline - Duration::hours(5),
        "cnil_reference": "NOTIF-2026-012345",
    });
    app.clock.set(deadline - Duration::hours(4));
    for (role, territory, status) in [
        ("collectivite_agent", "ge", 403),
        ("steering", "ge", 403),
        ("correspondent", "ge", 403),
        ("guichet_agent", "hdf", 404),
    ] {
        let token = app.demo_token(role, territory);
        let answer = app.post_as(Some(&token), &path, decision.clone()).await;
        assert_eq!(
            answer.status, status,
            "{role}.{territory}: {:#}",
            answer.body
        );
    }

    // The académie's guichet records it on the heads' behalf; the DPDs are told again.
    let guichet = app.demo_token("guichet_agent", "ge");
    let recorded = app.post_as(Some(&guichet), &path, decision.clone()).await;
    assert_eq!(recorded.status, 200, "{:#}", recorded.body);
    let recorded = recorded.body;
    assert_eq!(recorded["state"], "notified");
    assert_eq!(recorded["decision"]["cnil_reference"], "NOTIF-2026-012345");
    assert_eq!(recorded["minutes_left"], Value::Null);
    assert_eq!(
        recipients(&app, "breach_dpo_information").len(),
        2 * grand_est_dpos().len()
    );

    // Once: a second decision is refused, and no reminder comes after the deadline.
    let again = app
        .post_as(
            Some(&guichet),
            &path,
            json!({ "outcome": "not_notified", "reason": "Finalement sans risque." }),
        )
        .await;
    again.assert_problem(409, "already_decided");
    app.clock.set(deadline + Duration::hours(1));
    assert_eq!(jobs::breach_deadlines(&app.state()).await.unwrap(), Some(0));
    let guichet = app.demo_token("guichet_agent", "ge");
    let read = app
        .get_as(&guichet, &format!("/api/v1/breaches/{id}"))
        .await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["state"], "notified");
    assert_eq!(
        journal_kinds(&read.body),
        [
            "declared",
            "deadline_day_left",
            "deadline_six_hours_left",
            "notified"
        ]
    );

    // The database refuses to alter what was declared or decided, or to drop its journal.
    let mut conn = app.conn();
    for statement in [
        "UPDATE personal_data_breaches SET nature = 'rien'",
        "UPDATE personal_data_breaches SET cnil_reference = 'AUTRE'",
        "DELETE FROM personal_data_breaches",
        "UPDATE personal_data_breach_events SET body = 'effacé'",
        "DELETE FROM personal_data_breach_events",
    ] {
        assert!(
            diesel::sql_query(statement).execute(&mut conn).is_err(),
            "{statement} was allowed"
        );
    }
}

#[actix_web::test]
async fn each_scope_names_the_controller_of_article_7() {
    let app = monday();
    let guichet = app.demo_token("guichet_agent", "ge");
    let base = two_colleges();
    let with = |changes: Value| {
        let mut body = base.clone();
        body.as_object_mut().unwrap().remove("establishments");
        for (key, value) in changes.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    for (changes, kind, organisation) in [
        (
            json!({ "scope": "territory" }),
            "region",
            "region-grand-est",
        ),
        (
            json!({ "scope": "academie", "authority": "ac-reims" }),
            "academic_authority",
            "ac-reims",
        ),
        (
            json!({ "scope": "departement", "departement": "57" }),
            "departement_collectivite",
            "dep-57",
        ),
    ] {
        let breach = declare(&app, &guichet, with(changes)).await;
        assert_eq!(breach["controller"]["kind"], kind);
        assert_eq!(breach["controller"]["organisation"], organisation);
        // The controller's own agents are told to notify.
        if organisation == "dep-57" {
            assert!(recipients(&app, "breach_to_notify")
                .contains(&demo_email("collectivite_agent", "ge")));
        }
    }

    // What a scope needs, and only that, in the caller's territory.
    for (changes, status, code) in [
        (json!({ "scope": "academie" }), 422, "required"),
        (
            json!({ "scope": "academie", "authority": "ac-lille" }),
            422,
            "unknown_academie",
        ),
        (
            json!({ "scope": "departement", "departement": "59" }),
            422,
            "unknown_departement",
        ),
        (
            json!({ "scope": "establishments", "establishments": ["0590117G"] }),
            422,
            "unknown_establishment",
        ),
        (
            json!({ "scope": "establishments", "establishments": ["0579001A"] }),
            422,
            "invalid_uai",
        ),
        (
            json!({ "scope": "territory", "authority": "ac-reims" }),
            422,
            "field_not_allowed",
        ),
        (
            json!({ "scope": "territory", "territory": "HDF" }),
            422,
            "unknown_territory",
        ),
        (
            json!({ "scope": "territory", "aware_at": paris(2026, 11, 30, 11, 0) }),
            422,
            "in_the_future",
        ),
        (
            json!({ "scope": "territory", "people_categories": [] }),
            422,
            "invalid_value",
        ),
        (
            json!({ "scope": "territory", "ticket": "GE-2026-999999" }),
            422,
            "unknown_ticket",
        ),
    ] {
        let answer = app
            .post_as(Some(&guichet), "/api/v1/breaches", with(changes.clone()))
            .await;
        assert_eq!(answer.status, status, "{changes}: {:#}", answer.body);
        let errors = answer.body["errors"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            answer.body["code"] == code || errors.iter().any(|e| e["code"] == code),
            "{changes}: {:#}",
            answer.body
        );
    }
}

#[actix_web::test]
async fn a_breach_declared_from_a_ticket_is_in_its_internal_journal() {
    let app = monday();
    let correspondent = app.demo_token("correspondent", "ge");
    let opened = app
        .post_as(
            Some(&correspondent),
            "/api/v1/tickets",
            json!({ "establishment": METZ_COLLEGE, "title": "Notes visibles par d'autres",
                    "description": "Des parents voient les notes d'autres élèves.",
                    "category": "donnees-violation" }),
        )
        .await;
    assert_eq!(opened.status, 201, "{:#}", opened.body);
    let reference = opened.body["reference"].as_str().unwrap().to_owned();
    let guichet = app.demo_token("guichet_agent", "ge");
    let mut body = two_colleges();
    body["ticket"] = json!(reference.to_lowercase());
    body["establishments"] = json!([METZ_COLLEGE]);
    let breach = declare(&app, &guichet, body).await;
    assert_eq!(breach["ticket"], reference.as_str());

    let events = |token: String| {
        let app = &app;
        let path = format!("/api/v1/tickets/{reference}/events");
        async move {
            app.get_as(&token, &path).await.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["kind"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let kind = "personal_data_breach_declared".to_owned();
    assert!(events(guichet.clone()).await.contains(&kind));
    assert!(!events(correspondent).await.contains(&kind));
}

#[actix_web::test]
async fn a_late_run_records_only_the_latest_reminder() {
    let app = monday();
    let guichet = app.demo_token("guichet_agent", "ge");
    let mut body = two_colleges();
    // Known since Friday morning: the 72 hours ended this morning.
    body["aware_at"] = json!(paris(2026, 11, 27, 9, 0));
    let breach = declare(&app, &guichet, body).await;
    assert_eq!(breach["state"], "overdue");
    assert!(breach["minutes_left"].as_i64().unwrap() < 0);
    assert_eq!(jobs::breach_deadlines(&app.state()).await.unwrap(), Some(1));
    let read = app
        .get_as(&guichet, &format!("/api/v1/breaches/{}", breach["id"]))
        .await;
    assert_eq!(journal_kinds(&read.body), ["declared", "deadline_overdue"]);
    let sentence = &messages(&app, "breach_deadline")[0].1["breach"]["sentence"];
    assert!(
        sentence.as_str().unwrap().contains("est dépassé"),
        "{sentence}"
    );

    // Notified late, the controller says why; not notified, it says why too.
    let path = format!("/api/v1/breaches/{}/decision", breach["id"]);
    let late = json!({ "outcome": "notified", "notified_at": paris(2026, 11, 30, 9, 30),
                       "cnil_reference": "NOTIF-2026-0999" });
    app.post_as(Some(&guichet), &path, late.clone())
        .await
        .assert_problem(422, "required");
    let mut explained = late;
    explained["reason"] = json!("Le prestataire n'a prévenu que lundi matin.");
    let recorded = app.post_as(Some(&guichet), &path, explained).await;
    assert_eq!(recorded.status, 200, "{:#}", recorded.body);
    assert_eq!(
        recorded.body["decision"]["reason"],
        "Le prestataire n'a prévenu que lundi matin."
    );
}

#[actix_web::test]
async fn eight_agents_at_once_declare_eight_breaches_and_one_decision_wins() {
    let app = monday();
    let tokens: Vec<String> = (0..8)
        .map(|i| {
            let (role, territory) = [
                ("guichet_agent", "ge"),
                ("authority_agent", "ge"),
                ("collectivite_agent", "ge"),
                ("vendor_agent", "ge"),
            ][i % 4];
            app.demo_token(role, territory)
        })
        .collect();
    let declared = join_all(tokens.iter().map(|token| {
        let app = &app;
        async move {
            app.post_as(Some(token), "/api/v1/breaches", two_colleges())
                .await
        }
    }))
    .await;
    let mut ids: Vec<i64> = declared
        .iter()
        .map(|answer| {
            assert_eq!(answer.status, 201, "{:#}", answer.body);
            answer.body["id"].as_i64().unwrap()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 8);
    assert_eq!(
        recipients(&app, "breach_dpo_information").len(),
        8 * grand_est_dpos().len()
    );

    let admin = app.demo_token("admin", "ge");
    let path = format!("/api/v1/breaches/{}/decision", ids[0]);
    let decided = join_all((0..8).map(|i| {
        let (app, path, token) = (&app, &path, if i % 2 == 0 { &admin } else { &tokens[0] });
        async move {
            let body = json!({ "outcome": "not_notified",
                               "reason": format!("Risque écarté (décision {i}).") });
            app.post_as(Some(token), path, body).await
        }
    }))
    .await;
    let statuses: Vec<u16> = decided.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        7,
        "{statuses:?}"
    );
    let read = app
        .get_as(&admin, &format!("/api/v1/breaches/{}", ids[0]))
        .await;
    assert_eq!(
        journal_kinds(&read.body)
            .iter()
            .filter(|k| *k == "not_notified")
            .count(),
        1
    );
    // The list shows the seven still awaited.
    let waiting = app
        .get_as(&admin, "/api/v1/breaches?territory=GE&waiting=true")
        .await;
    assert_eq!(waiting.status, 200);
    assert_eq!(waiting.items().len(), 7);
}

#[actix_web::test]
async fn territory_admins_name_the_dpo_of_their_organisations() {
    let app = monday();
    let admin = app.demo_token("admin", "ge");
    let set = |code: &str, email: Value| {
        let app = &app;
        let admin = admin.clone();
        let path = format!("/api/v1/admin/organisations/{code}/dpo");
        async move {
            app.call(
                crate::helpers::Call::new("PUT", &path)
                    .bearer(Some(&admin))
                    .json(json!({ "dpo_email": email })),
            )
            .await
        }
    };
    let changed = set("dep-57", json!("Protection.Donnees@Moselle.example")).await;
    assert_eq!(changed.status, 200, "{:#}", changed.body);
    assert_eq!(
        changed.body["dpo_email"],
        "protection.donnees@moselle.example"
    );
    set("dep-59", json!("dpd@nord.example"))
        .await
        .assert_problem(404, "not_found");
    set("dep-57", json!("pas une adresse"))
        .await
        .assert_problem(422, "invalid_email");
    assert_eq!(set("dep-08", Value::Null).await.status, 200);
    // One DPD for two académies is written to once.
    assert_eq!(
        set("ac-reims", json!("dpd@ac-nancy-metz.example"))
            .await
            .status,
        200
    );

    let guichet = app.demo_token("guichet_agent", "ge");
    declare(&app, &guichet, two_colleges()).await;
    let told = recipients(&app, "breach_dpo_information");
    assert!(told.contains(&"protection.donnees@moselle.example".to_owned()));
    assert!(!told.contains(&"dpd@dep-57.example".to_owned()));
    assert!(!told.contains(&"dpd@dep-08.example".to_owned()));
    let shared = told
        .iter()
        .filter(|to| *to == "dpd@ac-nancy-metz.example")
        .count();
    assert_eq!(shared, 1, "{told:?}");
}
