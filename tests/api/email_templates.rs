//! Every notification template renders, with seed data, to the stored snapshot
//! (`tests/snapshots/email/<notice>.txt`; `UPDATE_SNAPSHOTS=1 cargo test email_templates`
//! rewrites them after a deliberate change, to be reviewed in the diff). User text is escaped
//! in the HTML part and never rendered with triple braces.

use std::path::{Path, PathBuf};

use serde_json::json;

use guichet::db::repo::establishments;
use guichet::domain::notifications::Notice;
use guichet::services::notifications::render::Renderer;

use crate::helpers::TestApp;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// A payload as the outbox stores it, on a seeded school.
fn payload(app: &TestApp, title: &str, body: Option<&str>) -> serde_json::Value {
    let (school, _, _) = establishments::find(&mut app.conn(), "0579001Z")
        .unwrap()
        .expect("the seeded Metz collège");
    json!({
        "reference": "GE-2026-000042",
        "title": title,
        "establishment": school.uai,
        "establishment_name": school.name,
        "status": "resolved",
        "level": 1,
        "queue": "ac-nancy-metz/guichet",
        "queue_name": "Guichet académique",
        "event": "status_changed",
        "body": body,
        "actor": "Agent du guichet — démo Grand Est",
        "occurred_at": "2026-11-24T07:45:00",
        "resolved_at": "2026-11-24T07:45:00",
        // What the monthly review's notices say (the others do not read it).
        "review": {
            "title": "Revue d'incidents de novembre 2026", "territory": "Grand Est",
            "period": "du 1er novembre 2026 au 30 novembre 2026", "opened": "1 204",
            "resolved": "1 187", "backlog": "96", "major_incidents": "1",
        },
        "figures": {
            "scope": "Département de la Moselle", "period": "du 1er novembre 2026 au 30 novembre 2026",
            "opened": "214", "resolved": "209", "backlog": "12", "response_median": "1 h 25",
            "resolution_median": "10 h 39", "compliance": "97,2 %",
        },
        // What the breaches' notices say (the others do not read it).
        "breach": {
            "territory": "Grand Est",
            "nature": "Export des notes de deux collèges envoyé par erreur à une liste externe.",
            "people": "élèves, représentants légaux (environ 1\u{202f}200)",
            "records": "identité, notes et évaluations (environ 9\u{202f}600 enregistrements)",
            "scope": "2 établissement(s) : Collège Jean Moulin (0579001Z), Collège Paul Verlaine (0579002A)",
            "controller": "Chef(s) d'établissement : Collège Jean Moulin (0579001Z), Collège Paul Verlaine (0579002A)",
            "reason": "La violation ne concerne qu'un ou quelques établissements : leurs chefs d'établissement la notifient (convention, art. 7).",
            "aware": "30 novembre 2026, 9 h 00",
            "deadline": "3 décembre 2026, 9 h 00",
            "declared_by": "Agent du guichet — démo Grand Est",
            "alert": "6 heures pour notifier",
            "subject": "Violation de données déclarée : information du DPD",
            "sentence": "Il reste 6 heures pour notifier la violation à la CNIL (échéance : 3 décembre 2026, 9 h 00).",
        },
        // What a forwarded rights request says (the others do not read it).
        "request": {
            "right": "droit d'accès",
            "summary": "Un parent demande la copie des données de son enfant, élève de seconde.",
            "received": "30 novembre 2026, 9 h 00",
            "received_by": "Agent du guichet — démo Grand Est",
            "controller": "Chef(s) d'établissement : Lycée démo Jean-Jaurès — Reims (0519001G)",
            "reason": "Les personnes concernées relèvent d'un ou quelques établissements : leurs chefs d'établissement sont les responsables de traitement désignés (convention, art. 7).",
            "due": "30 décembre 2026, 9 h 00",
        },
        // What a digest lists (other notices do not read it).
        "items": [{
            "reference": "GE-2026-000042", "title": title,
            "establishment_name": school.name, "queue_name": "Guichet académique",
        }],
    })
}

#[test]
fn every_notice_renders_as_its_snapshot() {
    let app = TestApp::seeded();
    let renderer = Renderer::new().expect("the templates compile");
    let update = std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1");
    let mut differing = Vec::new();
    for notice in Notice::ALL {
        let mut payload = payload(
            &app,
            "Messagerie inaccessible",
            Some("Le correctif est déployé."),
        );
        // The monthly notices link to a page of the API rather than to a ticket.
        match notice {
            Notice::ReviewDrafted => payload["path"] = json!("/api/v1/reviews/12"),
            Notice::BreachToNotify | Notice::BreachDeadline | Notice::BreachDpoInformation => {
                payload["path"] = json!("/api/v1/breaches/3")
            }
            Notice::RightsRequestForwarded => payload["path"] = json!("/api/v1/rights-requests/5"),
            Notice::MonthlyFigures => {
                payload["path"] =
                    json!("/api/v1/stats?scope=collectivite:dep-57&from=2026-11-01&to=2026-12-01")
            }
            _ => {}
        }
        let rendered = renderer
            .render(
                *notice,
                &payload,
                "Camille Martin",
                "https://guichet.example",
                5,
            )
            .unwrap_or_else(|e| panic!("{notice}: {e}"));
        let shown = format!(
            "Subject: {}\n\n--- text ---\n{}\n--- html ---\n{}",
            rendered.subject, rendered.text, rendered.html
        );
        let path = root().join(format!("tests/snapshots/email/{notice}.txt"));
        if update {
            std::fs::write(&path, &shown).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(shown.as_str()) {
            differing.push(format!("{notice}:\n{shown}"));
        }
    }
    assert!(
        differing.is_empty(),
        "rendered messages differ from tests/snapshots/email (UPDATE_SNAPSHOTS=1 rewrites \
         them):\n{}",
        differing.join("\n\n")
    );
}

#[test]
fn user_text_is_escaped_in_html_and_kept_in_text() {
    let app = TestApp::seeded();
    let renderer = Renderer::new().unwrap();
    let title = "<script>alert('x')</script> & co";
    let rendered = renderer
        .render(
            Notice::AgentComment,
            &payload(&app, title, Some("<b>gras</b>\nligne 2")),
            "Camille <Martin>",
            "https://guichet.example",
            5,
        )
        .unwrap();
    assert!(!rendered.html.contains("<script>"));
    assert!(rendered.html.contains("&lt;script&gt;"));
    assert!(!rendered.html.contains("<b>gras</b>"));
    assert!(!rendered.html.contains("Camille <Martin>"));
    assert!(rendered.text.contains(title), "{}", rendered.text);
    assert!(rendered.subject.contains(title));
    assert!(!rendered.subject.contains('\n'));
    assert!(rendered
        .text
        .contains("https://guichet.example/tickets/GE-2026-000042"));
}

#[test]
fn no_template_renders_anything_unescaped() {
    fn walk(dir: &Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else if std::fs::read_to_string(&path).unwrap().contains("{{{") {
                found.push(path.display().to_string());
            }
        }
    }
    let mut found = Vec::new();
    walk(&root().join("templates"), &mut found);
    assert!(found.is_empty(), "triple braces in {found:?}");
}
