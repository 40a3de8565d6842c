//! Export and erasure of a person (GDPR art. 15, 17, 20): after erasing a correspondent who
//! opened tickets, commented and uploaded files, nothing in any table or in the data
//! directory holds their email, their name or their files' contents; their tickets remain,
//! with an anonymous requester, and the figures do not move.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde_json::{json, Value};

use guichet::db::DbConn;
use guichet::domain::role::Role;
use guichet::services::admin::provisioning::{ensure_user, UserSpec};
use guichet::services::privacy::use_cases;

use crate::helpers::{Call, TestApp};
use crate::ticket_chain::grant;

const EMAIL: &str = "camille.rousseau@college-metz.example";
const NAME: &str = "Camille Rousseau";
const FILE: &str = "compte-rendu-confidentiel-de-camille-4217";

/// The person: the Metz collège's correspondent, with a name and an email of their own.
fn person(app: &TestApp, email: &str, name: &str) -> (i64, String) {
    let spec = UserSpec {
        email: email.into(),
        display_name: name.into(),
        territory: Some("GE".into()),
        grants: vec![grant(Role::Correspondent, Some("0579001Z"), None)],
    };
    let provisioned =
        ensure_user(&mut app.conn(), &spec, || None, "test", chrono::Utc::now()).unwrap();
    (provisioned.user_id, app.token_of(email))
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Every `table.column` of text whose value holds `needle`, whatever its case.
fn columns_holding(conn: &mut DbConn, needle: &str) -> Vec<String> {
    let columns: Vec<Column> = match conn {
        DbConn::Postgres(pg) => diesel::sql_query(
            "SELECT table_name::text AS table_name, column_name::text AS column_name \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             AND data_type IN ('text', 'character varying')",
        )
        .load(pg)
        .unwrap(),
        DbConn::Sqlite(sqlite) => diesel::sql_query(
            "SELECT m.name AS table_name, c.name AS column_name FROM sqlite_master m \
             JOIN pragma_table_info(m.name) c WHERE m.type = 'table' \
             AND m.name NOT LIKE 'sqlite_%' AND upper(c.type) IN ('TEXT', '')",
        )
        .load(sqlite)
        .unwrap(),
    };
    assert!(columns.len() > 60, "{} text columns", columns.len());
    let pattern = format!("%{}%", needle.to_lowercase());
    columns
        .into_iter()
        .filter(|c| {
            let sql = format!(
                "SELECT count(*) AS n FROM {} WHERE lower(CAST({} AS TEXT)) LIKE '{}'",
                c.table_name, c.column_name, pattern
            );
            let counted: Vec<Count> = match conn {
                DbConn::Postgres(pg) => diesel::sql_query(sql).load(pg).unwrap(),
                DbConn::Sqlite(sqlite) => diesel::sql_query(sql).load(sqlite).unwrap(),
            };
            counted[0].n > 0
        })
        .map(|c| format!("{}.{}", c.table_name, c.column_name))
        .collect()
}

/// Every file under `dir` whose bytes hold `needle`.
fn files_holding(dir: &std::path::Path, needle: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_holding(&path, needle));
        } else if std::fs::read(&path)
            .map(|bytes| String::from_utf8_lossy(&bytes).contains(needle))
            .unwrap_or(false)
        {
            found.push(path);
        }
    }
    found
}

async fn open(app: &TestApp, token: &str, title: &str, description: &str) -> String {
    let opened = app
        .post_as(
            Some(token),
            "/api/v1/tickets",
            json!({ "establishment": "0579001Z", "title": title,
                    "description": description, "category": "messagerie" }),
        )
        .await;
    assert_eq!(opened.status, 201, "{:#}", opened.body);
    opened.body["reference"].as_str().unwrap().to_owned()
}

/// The person's activity: two tickets naming them, a comment, a file, a read; an agent's
/// comment naming them; their messages in the outbox.
async fn activity(app: &TestApp, token: &str) -> Vec<String> {
    let first = open(
        app,
        token,
        &format!("Messagerie de {NAME} bloquée"),
        &format!("Bonjour, je suis {NAME}, CPE ; répondez à {EMAIL}."),
    )
    .await;
    let second = open(app, token, "ENT lent au CDI", "Depuis lundi matin.").await;
    let comment = app
        .post_as(
            Some(token),
            &format!("/api/v1/tickets/{second}/comments"),
            json!({ "body": format!("Précision de {NAME} : tout le collège est touché.") }),
        )
        .await;
    assert_eq!(comment.status, 201, "{:#}", comment.body);
    let uploaded = app
        .call(
            Call::new(
                "POST",
                &format!("/api/v1/tickets/{second}/attachments?filename=note-camille-rousseau.txt"),
            )
            .bearer(Some(token))
            .bytes(FILE.as_bytes()),
        )
        .await;
    assert_eq!(uploaded.status, 201, "{:#}", uploaded.body);
    assert_eq!(
        app.get_as(token, &format!("/api/v1/tickets/{first}"))
            .await
            .status,
        200
    );
    let guichet = app.demo_token("guichet_agent", "ge");
    let answer = app
        .post_as(
            Some(&guichet),
            &format!("/api/v1/tickets/{first}/comments"),
            json!({ "body": format!("Merci {NAME}, nous regardons.") }),
        )
        .await;
    assert_eq!(answer.status, 201, "{:#}", answer.body);
    vec![first, second]
}

/// The references of the tickets whose title holds `words`, as `token` searches them.
async fn titled(app: &TestApp, token: &str, words: &str) -> Vec<String> {
    let found = app
        .get_as(token, &format!("/api/v1/tickets?q={words}"))
        .await;
    assert_eq!(found.status, 200, "{:#}", found.body);
    found
        .items()
        .iter()
        .map(|t| t["reference"].as_str().unwrap().to_owned())
        .collect()
}

fn figures(app: &TestApp) -> Value {
    let conn = &mut *app.conn();
    let counted: Vec<Count> = match conn {
        DbConn::Postgres(pg) => diesel::sql_query("SELECT count(*) AS n FROM tickets")
            .load(pg)
            .unwrap(),
        DbConn::Sqlite(sqlite) => diesel::sql_query("SELECT count(*) AS n FROM tickets")
            .load(sqlite)
            .unwrap(),
    };
    json!(counted[0].n)
}

#[actix_web::test]
async fn an_erased_correspondent_leaves_no_trace_and_their_tickets_remain() {
    let app = TestApp::seeded();
    let (id, token) = person(&app, EMAIL, NAME);
    let references = activity(&app, &token).await;
    let admin = app.demo_token("admin", "ge");
    let guichet = app.demo_token("guichet_agent", "ge");
    let figures_before = figures(&app);
    assert_eq!(
        titled(&app, &guichet, "Rousseau").await,
        vec![references[0].clone()]
    );

    // The export tells everything held about the person.
    let export = app
        .get_as(&admin, &format!("/api/v1/admin/users/{id}/personal-data"))
        .await;
    assert_eq!(export.status, 200, "{:#}", export.body);
    let export = export.body;
    assert_eq!(export["account"]["email"], EMAIL);
    assert_eq!(export["roles"][0]["role"], "correspondent");
    assert_eq!(export["tickets_opened"].as_array().unwrap().len(), 2);
    assert!(export["journal_entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["body"].as_str().unwrap_or("").contains("tout le collège")));
    assert_eq!(
        export["attachments"][0]["filename"],
        "note-camille-rousseau.txt"
    );
    assert!(!export["messages"].as_array().unwrap().is_empty());
    assert_eq!(export["reads"]["count"], 1);
    // Before: the person is everywhere.
    assert!(!columns_holding(&mut app.conn(), EMAIL).is_empty());
    assert_eq!(files_holding(app.files.path(), FILE).len(), 1);

    let erased = app
        .post_as(
            Some(&admin),
            &format!("/api/v1/admin/users/{id}/erase"),
            json!({}),
        )
        .await;
    assert_eq!(erased.status, 200, "{:#}", erased.body);
    assert_eq!(erased.body["files_deleted"], 1);

    for needle in [EMAIL, NAME, FILE, "note-camille-rousseau"] {
        assert_eq!(
            columns_holding(&mut app.conn(), needle),
            Vec::<String>::new(),
            "{needle} still in the database"
        );
        assert_eq!(
            files_holding(app.files.path(), needle),
            Vec::<std::path::PathBuf>::new(),
            "{needle} still in the data directory"
        );
    }
    // The tickets remain, with their journal, and an anonymous requester; the figures hold.
    for reference in &references {
        let ticket = app
            .get_as(&guichet, &format!("/api/v1/tickets/{reference}"))
            .await;
        assert_eq!(ticket.status, 200);
        assert_eq!(
            ticket.body["requester"],
            format!("personne-effacee-{id}@anonyme.invalid")
        );
    }
    let first = app
        .get_as(&guichet, &format!("/api/v1/tickets/{}", references[0]))
        .await;
    assert_eq!(
        first.body["description"],
        "Bonjour, je suis [personne effacée], CPE ; répondez à [personne effacée]."
    );
    let journal = app
        .get_as(
            &guichet,
            &format!("/api/v1/tickets/{}/events", references[0]),
        )
        .await;
    assert!(journal
        .items()
        .iter()
        .any(|e| e["body"] == "Merci [personne effacée], nous regardons."));
    assert_eq!(figures(&app), figures_before);
    // Nor does the title search's index still find them by name.
    assert_eq!(
        titled(&app, &guichet, "Rousseau").await,
        Vec::<String>::new()
    );
    // The person can no longer act; a second erasure finds nothing left to erase.
    assert_eq!(app.get_as(&token, "/api/v1/me").await.status, 401);
    app.post_as(
        Some(&admin),
        &format!("/api/v1/admin/users/{id}/erase"),
        json!({}),
    )
    .await
    .assert_problem(409, "already_erased");
    // The audit log says who erased whom, by account id.
    let audit = app.get_as(&admin, "/api/v1/admin/audit-events").await;
    let entry = audit
        .items()
        .iter()
        .find(|e| e["action"] == "privacy_erase")
        .expect("erasure audited")
        .clone();
    assert_eq!(entry["target"], format!("user:{id}"));
}

#[actix_web::test]
async fn only_the_territorys_admins_export_or_erase_and_never_themselves() {
    let app = TestApp::seeded();
    let (id, token) = person(&app, EMAIL, NAME);
    let other_admin = app.demo_token("admin", "hdf");
    let guichet = app.demo_token("guichet_agent", "ge");
    let admin = app.demo_token("admin", "ge");
    app.get_as(
        &other_admin,
        &format!("/api/v1/admin/users/{id}/personal-data"),
    )
    .await
    .assert_problem(404, "not_found");
    app.post_as(
        Some(&other_admin),
        &format!("/api/v1/admin/users/{id}/erase"),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post_as(
        Some(&guichet),
        &format!("/api/v1/admin/users/{id}/erase"),
        json!({}),
    )
    .await
    .assert_problem(403, "forbidden");
    let me = app.get_as(&admin, "/api/v1/me").await.body["id"]
        .as_i64()
        .unwrap();
    app.post_as(
        Some(&admin),
        &format!("/api/v1/admin/users/{me}/erase"),
        json!({}),
    )
    .await
    .assert_problem(409, "erasing_oneself");
    // Untouched by the refusals.
    assert_eq!(app.get_as(&token, "/api/v1/me").await.status, 200);
}

#[actix_web::test]
async fn the_command_line_exports_and_erases_by_email() {
    let app = TestApp::seeded();
    let (_, token) = person(&app, EMAIL, NAME);
    activity(&app, &token).await;
    let now = chrono::Utc::now();
    let export = use_cases::export_by_email(
        &mut app.conn(),
        "Camille.Rousseau@college-metz.example",
        now,
    )
    .unwrap();
    assert_eq!(export["tickets_opened"].as_array().unwrap().len(), 2);
    let report = use_cases::erase_by_email(&mut app.conn(), app.files.path(), EMAIL, now).unwrap();
    assert_eq!(report.files_deleted, 1);
    assert!(columns_holding(&mut app.conn(), EMAIL).is_empty());
    let again = use_cases::erase_by_email(&mut app.conn(), app.files.path(), EMAIL, now);
    assert!(again.is_err(), "the email is gone: nobody to erase");
}

#[actix_web::test]
async fn eight_concurrent_clients_erase_and_write_without_a_5xx() {
    let app = TestApp::seeded();
    let admin = app.demo_token("admin", "ge");
    let mut people = Vec::new();
    for n in 0..4 {
        let (id, token) = person(
            &app,
            &format!("personne{n}@college-metz.example"),
            &format!("Personne Numéro{n}"),
        );
        open(&app, &token, &format!("Ticket de Personne Numéro{n}"), "d").await;
        people.push(id);
    }
    let school = app.demo_token("correspondent", "ge");
    let erasures = people.iter().map(|id| {
        let (app, admin) = (&app, admin.clone());
        let path = format!("/api/v1/admin/users/{id}/erase");
        async move {
            app.post_as(Some(&admin), &path, json!({}))
                .await
                .status
                .as_u16()
        }
    });
    let openings = (0..4).map(|n| {
        let (app, school) = (&app, school.clone());
        async move {
            let opened = app
                .post_as(
                    Some(&school),
                    "/api/v1/tickets",
                    json!({ "establishment": "0579001Z", "title": format!("Pendant {n}"),
                            "description": "d", "category": "wifi" }),
                )
                .await;
            opened.status.as_u16()
        }
    });
    let (erased, opened) = futures_util::future::join(
        futures_util::future::join_all(erasures),
        futures_util::future::join_all(openings),
    )
    .await;
    assert_eq!(erased, vec![200; 4]);
    assert_eq!(opened, vec![201; 4]);
    for n in 0..4 {
        assert!(columns_holding(&mut app.conn(), &format!("personne{n}@")).is_empty());
        assert!(columns_holding(&mut app.conn(), &format!("Numéro{n}")).is_empty());
    }
}

async fn journal_size(app: &TestApp, reference: &str) -> usize {
    let guichet = app.demo_token("guichet_agent", "ge");
    let path = format!("/api/v1/tickets/{reference}/events");
    app.get_as(&guichet, &path).await.items().len()
}

/// The territory's figures over the school year 2026-27, as steering reads them.
async fn school_year_figures(app: &TestApp) -> Value {
    let steering = app.demo_token("steering", "ge");
    let figures = app
        .get_as(&steering, "/api/v1/stats?from=2026-09-01&to=2027-08-31")
        .await;
    assert_eq!(figures.status, 200, "{:#}", figures.body);
    figures.body
}

#[actix_web::test]
async fn closed_tickets_are_anonymised_after_the_school_year_after_next_and_figures_hold() {
    use chrono::TimeZone;
    use guichet::services::jobs;
    use guichet::services::privacy::retention;

    let app = TestApp::seeded();
    app.clock
        .set(chrono::Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap());
    let (_, token) = person(&app, EMAIL, NAME);
    let cancelled = open(
        &app,
        &token,
        &format!("Compte de {NAME}"),
        "L'élève Léa (INE 1234567890A) ne se connecte plus ; écrire à lea.parent@free.fr",
    )
    .await;
    let uploaded = app
        .call(
            Call::new(
                "POST",
                &format!("/api/v1/tickets/{cancelled}/attachments?filename=capture.txt"),
            )
            .bearer(Some(&token))
            .bytes(FILE.as_bytes()),
        )
        .await;
    assert_eq!(uploaded.status, 201);
    let etag = app
        .get_as(&token, &format!("/api/v1/tickets/{cancelled}"))
        .await
        .etag
        .unwrap();
    let cancel = app
        .call(
            Call::new("POST", &format!("/api/v1/tickets/{cancelled}/actions"))
                .bearer(Some(&token))
                .header("If-Match", &etag)
                .json(json!({ "action": "cancel", "comment": format!("Réglé par {NAME}") })),
        )
        .await;
    assert_eq!(cancel.status, 200, "{:#}", cancel.body);
    let still_open = open(&app, &token, "Imprimante du CDI", "Toujours en panne").await;
    let events_before = journal_size(&app, &cancelled).await;
    let figures_before = school_year_figures(&app).await;

    // Kept to the end of the school year after next (2028-29)…
    app.clock
        .set(chrono::Utc.with_ymd_and_hms(2029, 8, 31, 22, 0, 0).unwrap());
    assert_eq!(jobs::ticket_retention(&app.state()).await.unwrap(), Some(0));
    assert_eq!(files_holding(app.files.path(), FILE).len(), 1);
    // …and anonymised from 1 September 2029.
    app.clock
        .set(chrono::Utc.with_ymd_and_hms(2029, 9, 1, 2, 17, 0).unwrap());
    assert_eq!(retention::anonymise_due(&app.state()).await.unwrap(), 1);
    assert_eq!(retention::anonymise_due(&app.state()).await.unwrap(), 0);

    let guichet = app.demo_token("guichet_agent", "ge");
    let ticket = app
        .get_as(&guichet, &format!("/api/v1/tickets/{cancelled}"))
        .await
        .body;
    assert_eq!(ticket["title"], "[anonymisé]");
    assert_eq!(ticket["description"], "[anonymisé]");
    assert_eq!(ticket["requester"], "anonyme@anonyme.invalid");
    assert_eq!(ticket["status"], "cancelled");
    assert_eq!(ticket["category"], "messagerie");
    let attachments = app
        .get_as(
            &guichet,
            &format!("/api/v1/tickets/{cancelled}/attachments"),
        )
        .await;
    assert!(attachments.items().is_empty());
    assert!(files_holding(app.files.path(), FILE).is_empty());
    assert_eq!(journal_size(&app, &cancelled).await, events_before);
    for needle in ["1234567890A", "lea.parent@free.fr", "Réglé par"] {
        assert!(
            columns_holding(&mut app.conn(), needle)
                .iter()
                .all(|c| !c.starts_with("ticket_events") && !c.starts_with("tickets.")),
            "{needle} left in the ticket or its journal"
        );
    }
    // The open ticket is whole; the figures of 2026-27 are those of before.
    let open_one = app
        .get_as(&guichet, &format!("/api/v1/tickets/{still_open}"))
        .await
        .body;
    assert_eq!(open_one["title"], "Imprimante du CDI");
    assert_eq!(school_year_figures(&app).await, figures_before);
}

#[actix_web::test]
async fn eight_concurrent_exports_are_all_answered_and_audited() {
    let app = TestApp::seeded();
    let (id, token) = person(&app, EMAIL, NAME);
    activity(&app, &token).await;
    let admin = app.demo_token("admin", "ge");
    let exports = (0..8).map(|_| {
        let (app, admin) = (&app, admin.clone());
        let path = format!("/api/v1/admin/users/{id}/personal-data");
        async move {
            let answer = app.get_as(&admin, &path).await;
            (
                answer.status.as_u16(),
                answer.body["tickets_opened"].as_array().map(Vec::len),
            )
        }
    });
    let answers = futures_util::future::join_all(exports).await;
    assert_eq!(answers, vec![(200, Some(2)); 8]);
    let audit = app
        .get_as(&admin, "/api/v1/admin/audit-events?limit=200")
        .await;
    let audited = audit
        .items()
        .iter()
        .filter(|e| e["action"] == "privacy_export" && e["target"] == format!("user:{id}"))
        .count();
    assert_eq!(audited, 8);
}
