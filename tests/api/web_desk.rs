//! The web desk: signing in with the accounts of the API (a session cookie, a token on every
//! form, the same throttling), the list of one's own tickets, signing out, the headers that
//! keep pages safe, and the DSFR served from the binary.

use futures_util::future::join_all;
use serde_json::json;

use crate::browser::{hidden_field, html, text, Browser};
use crate::helpers::{demo_email, TestApp};
use guichet::services::seed::DEMO_PASSWORD;

async fn open(app: &TestApp, territory: &str, uai: &str, title: &str) -> String {
    let token = app.demo_token("correspondent", territory);
    let opened = app
        .post_as(
            Some(&token),
            "/api/v1/tickets",
            json!({ "establishment": uai, "title": title,
                    "description": "La messagerie ne s'ouvre plus", "category": "messagerie" }),
        )
        .await;
    assert_eq!(opened.status, 201, "{:#}", opened.body);
    opened.body["reference"].as_str().unwrap().to_owned()
}

fn cookie_named<'r>(set_cookies: &'r [String], name: &str) -> &'r str {
    set_cookies
        .iter()
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no cookie {name} in {set_cookies:?}"))
}

#[actix_web::test]
async fn a_correspondent_signs_in_and_sees_the_tickets_of_their_schools_only() {
    let app = TestApp::seeded();
    let ours = open(&app, "ge", "0579001Z", "Messagerie en panne à Metz").await;
    let theirs = open(&app, "hdf", "0599001N", "Messagerie en panne à Lille").await;
    let mut browser = Browser::new(&app);

    // Not signed in: to the form, then back.
    let list = browser.get("/tickets?statut=new").await;
    assert_eq!(list.status, 303);
    assert_eq!(
        list.headers["location"],
        "/connexion?retour=%2Ftickets%3Fstatut%3Dnew"
    );
    let form = browser
        .get("/connexion?retour=%2Ftickets%3Fstatut%3Dnew")
        .await;
    assert_eq!(form.status, 200);
    let page = html(&form);
    assert!(
        page.contains("<title>Connexion — guichet</title>"),
        "{page}"
    );
    assert!(page.contains("<label class=\"fr-label\" for=\"email\">"));
    let login_cookie = cookie_named(&form.set_cookies, "guichet_login");
    assert!(login_cookie.contains("HttpOnly") && login_cookie.contains("SameSite=Strict"));

    // A wrong password: the form again, with the message, and no session.
    let refused = browser
        .post_form(
            "/connexion",
            &[
                ("email", &demo_email("correspondent", "ge")),
                ("password", "pas le bon mot de passe"),
                ("csrf", &hidden_field(&form, "csrf")),
                ("retour", "/tickets?statut=new"),
            ],
        )
        .await;
    assert_eq!(refused.status, 401);
    assert!(html(&refused).contains("Adresse électronique ou mot de passe incorrect."));
    assert!(!browser.cookies.contains_key("guichet_session"));

    // The right one: a session cookie, and back to the list asked for.
    let signed_in = browser
        .post_form(
            "/connexion",
            &[
                ("email", &demo_email("correspondent", "ge")),
                ("password", DEMO_PASSWORD),
                ("csrf", &hidden_field(&refused, "csrf")),
                ("retour", "/tickets?statut=new"),
            ],
        )
        .await;
    assert_eq!(signed_in.status, 303, "{}", html(&signed_in));
    assert_eq!(signed_in.headers["location"], "/tickets?statut=new");
    let session = cookie_named(&signed_in.set_cookies, "guichet_session");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Strict"), "{session}");
    assert!(session.contains("Path=/"), "{session}");

    let list = browser.get("/tickets?statut=new").await;
    assert_eq!(list.status, 200);
    let page = html(&list);
    assert!(page.contains(&ours), "{page}");
    assert!(page.contains("Messagerie en panne à Metz"));
    assert!(page.contains("Nouveau"));
    assert!(
        !page.contains(&theirs),
        "another territory's ticket shown: {page}"
    );
    assert!(
        page.contains("Correspondant ENT"),
        "the person's name in the header"
    );
    // Nothing resolved yet: the filter shows none.
    let resolved = browser.get("/tickets?statut=resolved").await;
    assert!(!html(&resolved).contains(&ours));
    assert!(html(&resolved).contains("Aucun ticket ne correspond."));
}

#[actix_web::test]
async fn every_page_forbids_inline_scripts_framing_and_caching() {
    let app = TestApp::seeded();
    let mut browser = Browser::new(&app);
    let form = browser.get("/connexion").await;
    let policy = &form.headers["content-security-policy"];
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert_eq!(form.headers["x-content-type-options"], "nosniff");
    assert_eq!(form.headers["cache-control"], "no-store");
    let page = html(&form);
    assert!(!page.contains("<script>"), "no inline script: {page}");
    assert!(!page.contains(" style=\""), "no inline style: {page}");
    assert!(page.contains("<html lang=\"fr\""));
    assert!(page.contains("href=\"#contenu\""), "a skip link");
    assert_eq!(page.matches("<h1").count(), 1, "one h1");
}

#[actix_web::test]
async fn a_form_without_its_token_changes_nothing() {
    let app = TestApp::seeded();
    let mut browser = Browser::new(&app);
    // A sign-in posted from elsewhere carries no login cookie.
    let forged = browser
        .post_form(
            "/connexion",
            &[
                ("email", &demo_email("correspondent", "ge")),
                ("password", DEMO_PASSWORD),
                ("csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(html(&forged).contains("Formulaire expiré"));
    assert!(!browser.cookies.contains_key("guichet_session"));

    let signed_in = browser
        .sign_in(&demo_email("guichet-agent", "ge"), DEMO_PASSWORD)
        .await;
    assert_eq!(signed_in.status, 303);
    // Signing out with another token: refused, the session lives on.
    let forged = browser
        .post_form("/deconnexion", &[("csrf", "forged")])
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(browser.get("/tickets").await.status, 200);
}

#[actix_web::test]
async fn signing_out_ends_the_session_and_a_password_change_ends_them_all() {
    let app = TestApp::seeded();
    let mut browser = Browser::signed_in(&app, "correspondent", "ge").await;
    let list = browser.get("/tickets").await;
    assert_eq!(list.status, 200);
    let stolen = browser.cookies.clone();
    let out = browser
        .post_form("/deconnexion", &[("csrf", &hidden_field(&list, "csrf"))])
        .await;
    assert_eq!(out.status, 303);
    assert_eq!(out.headers["location"], "/connexion");
    assert!(!browser.cookies.contains_key("guichet_session"));
    // The old cookie, replayed, no longer opens anything.
    browser.cookies = stolen;
    assert_eq!(browser.get("/tickets").await.status, 303);

    // Two browsers signed in; the password changes through the API: both are signed out.
    let (mut first, mut second) = (Browser::new(&app), Browser::new(&app));
    for browser in [&mut first, &mut second] {
        browser
            .sign_in(&demo_email("correspondent", "ge"), DEMO_PASSWORD)
            .await;
        assert_eq!(browser.get("/tickets").await.status, 200);
    }
    let token = app.demo_token("correspondent", "ge");
    let changed = app
        .post_as(
            Some(&token),
            "/api/v1/me/password",
            json!({ "current_password": DEMO_PASSWORD,
                    "new_password": "un mot de passe tout neuf" }),
        )
        .await;
    assert_eq!(changed.status, 204, "{:#}", changed.body);
    assert_eq!(first.get("/tickets").await.status, 303);
    assert_eq!(second.get("/tickets").await.status, 303);
}

#[actix_web::test]
async fn sign_in_attempts_are_throttled_as_on_the_api() {
    let app = TestApp::seeded_with(&[("GUICHET_LOGIN_LIMIT_PER_ACCOUNT", "2")]);
    let mut browser = Browser::new(&app);
    let email = demo_email("correspondent", "ge");
    for _ in 0..2 {
        assert_eq!(browser.sign_in(&email, "mauvais").await.status, 401);
    }
    let limited = browser.sign_in(&email, DEMO_PASSWORD).await;
    assert_eq!(limited.status, 429);
    assert!(
        html(&limited).contains("Trop de tentatives"),
        "{}",
        html(&limited)
    );
    assert!(!browser.cookies.contains_key("guichet_session"));
}

#[actix_web::test]
async fn only_paths_of_this_site_are_returned_to_after_signing_in() {
    let app = TestApp::seeded();
    let mut browser = Browser::new(&app);
    let form = browser.get("/connexion").await;
    let signed_in = browser
        .post_form(
            "/connexion",
            &[
                ("email", &demo_email("correspondent", "ge")),
                ("password", DEMO_PASSWORD),
                ("csrf", &hidden_field(&form, "csrf")),
                ("retour", "//evil.example/phish"),
            ],
        )
        .await;
    assert_eq!(signed_in.status, 303);
    assert_eq!(
        signed_in.headers["location"], "/",
        "the home page, which sends each to their start"
    );
}

#[actix_web::test]
async fn the_design_system_is_served_from_the_binary_with_every_icon_it_names() {
    let app = TestApp::empty();
    let css = app.get("/assets/dsfr/dsfr.min.css").await;
    assert_eq!(css.status, 200);
    assert_eq!(css.content_type, "text/css; charset=utf-8");
    let text = String::from_utf8_lossy(&css.raw).into_owned();
    let icons: Vec<&str> = text
        .split("url(icons/")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .collect();
    assert!(icons.len() > 20, "{}", icons.len());
    for icon in icons {
        let served = app.get(&format!("/assets/dsfr/icons/{icon}")).await;
        assert_eq!(served.status, 200, "icons/{icon}");
    }
    let script = app.get("/assets/dsfr/dsfr.module.min.js").await;
    assert_eq!(script.status, 200);
    assert!(script.content_type.starts_with("text/javascript"));
    assert_eq!(app.get("/assets/dsfr/nothing.css").await.status, 404);
    assert_eq!(app.get("/assets/fetch-dsfr.sh").await.status, 404);
}

#[test]
fn every_template_compiles_and_none_writes_text_unescaped() {
    let count = guichet::web::render::check_templates().expect("templates/web compile");
    assert!(count >= 4, "{count}");
    for entry in std::fs::read_dir("templates/web").expect("templates/web") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "hbs") {
            let text = std::fs::read_to_string(&path).expect("template");
            assert!(
                !text.contains("{{{"),
                "{} uses triple braces",
                path.display()
            );
        }
    }
}

#[actix_web::test]
async fn eight_browsers_sign_in_and_out_at_once_and_each_keeps_its_own_session() {
    let app = TestApp::seeded();
    let roles = [
        "correspondent",
        "guichet-agent",
        "authority-agent",
        "collectivite-agent",
    ];
    let mut browsers: Vec<Browser> = (0..8).map(|_| Browser::new(&app)).collect();
    let signed_in = join_all(browsers.iter_mut().enumerate().map(|(i, b)| {
        let email = demo_email(roles[i % roles.len()], "ge");
        async move { b.sign_in(&email, DEMO_PASSWORD).await }
    }))
    .await;
    for answer in &signed_in {
        assert_eq!(answer.status, 303, "{}", html(answer));
    }
    let sessions: std::collections::HashSet<_> = browsers
        .iter()
        .map(|b| b.cookies["guichet_session"].clone())
        .collect();
    assert_eq!(sessions.len(), 8, "eight distinct sessions");
    let lists = join_all(browsers.iter_mut().map(|b| b.get("/tickets"))).await;
    for list in &lists {
        assert_eq!(list.status, 200);
    }
    // The even ones sign out at once; the odd ones are untouched.
    let tokens: Vec<String> = lists.iter().map(|l| hidden_field(l, "csrf")).collect();
    let outs = join_all(
        browsers
            .iter_mut()
            .zip(&tokens)
            .step_by(2)
            .map(|(b, csrf)| async move { b.post_form("/deconnexion", &[("csrf", csrf)]).await }),
    )
    .await;
    for out in &outs {
        assert_eq!(out.status, 303);
    }
    for (i, b) in browsers.iter_mut().enumerate() {
        let expected = if i % 2 == 0 { 303 } else { 200 };
        assert_eq!(b.get("/tickets").await.status, expected, "browser {i}");
    }
}

/// The hidden fields of the form that posts to `action` with `name=value` among them.
fn form_fields(page: &str, action: &str, marker: Option<(&str, &str)>) -> Vec<(String, String)> {
    let start = format!("action=\"{action}\"");
    for chunk in page.split("<form").skip(1) {
        let form = chunk.split("</form>").next().unwrap_or_default();
        if !form.contains(&start) {
            continue;
        }
        let fields: Vec<(String, String)> = form
            .split("<input type=\"hidden\" name=\"")
            .skip(1)
            .filter_map(|f| {
                let (name, rest) = f.split_once("\" value=\"")?;
                Some((name.to_owned(), rest.split('"').next()?.to_owned()))
            })
            .collect();
        let wanted = marker.is_none_or(|(k, v)| fields.iter().any(|(n, x)| n == k && x == v));
        if wanted {
            return fields;
        }
    }
    panic!("no form to {action} with {marker:?} in {page}");
}

async fn post_fields(
    browser: &mut Browser<'_>,
    path: &str,
    fields: &[(String, String)],
    extra: &[(&str, &str)],
) -> crate::helpers::Response {
    let mut all: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    all.extend_from_slice(extra);
    browser.post_form(path, &all).await
}

#[actix_web::test]
async fn a_ticket_page_shows_the_journal_each_may_read_and_takes_comments_once() {
    let app = TestApp::seeded();
    let reference = open(&app, "ge", "0579001Z", "Plus d'accès à Pronote").await;
    let theirs = open(&app, "hdf", "0599001N", "Ailleurs").await;
    let (mut school, mut guichet) = (Browser::new(&app), Browser::new(&app));
    school
        .sign_in(&demo_email("correspondent", "ge"), DEMO_PASSWORD)
        .await;
    guichet
        .sign_in(&demo_email("guichet-agent", "ge"), DEMO_PASSWORD)
        .await;
    let path = format!("/tickets/{reference}");

    // The guichet writes an internal note: marked for it, absent for the school.
    let page = guichet.get(&path).await;
    assert_eq!(page.status, 200);
    let fields = form_fields(&html(&page), &format!("{path}/commentaire"), None);
    let noted = post_fields(
        &mut guichet,
        &format!("{path}/commentaire"),
        &fields,
        &[("body", "Voir avec la DSI"), ("internal", "1")],
    )
    .await;
    assert_eq!(noted.status, 303, "{}", html(&noted));
    let agent_view = html(&guichet.get(&path).await);
    assert!(agent_view.contains("Voir avec la DSI") && agent_view.contains("Interne"));

    let page = school.get(&path).await;
    let shown = text(&page);
    assert!(shown.contains("Plus d'accès à Pronote") && shown.contains("Ticket ouvert"));
    assert!(
        !shown.contains("Voir avec la DSI"),
        "an internal note shown to the school"
    );
    assert!(
        !shown.contains("name=\"internal\""),
        "no internal choice for the school"
    );

    // The school's comment, sent twice from the same form (a double click), is written once.
    let fields = form_fields(&html(&page), &format!("{path}/commentaire"), None);
    for _ in 0..2 {
        let sent = post_fields(
            &mut school,
            &format!("{path}/commentaire"),
            &fields,
            &[("body", "Merci, c'est urgent pour le conseil de classe")],
        )
        .await;
        assert_eq!(sent.status, 303, "{}", html(&sent));
    }
    let after = school.get(&path).await;
    assert!(html(&after).contains("Merci, c&#x27;est urgent"), "escaped");
    assert_eq!(
        text(&after)
            .matches("Merci, c'est urgent pour le conseil de classe")
            .count(),
        1,
        "{}",
        text(&after)
    );

    // Another territory's ticket is not there at all.
    let elsewhere = school.get(&format!("/tickets/{theirs}")).await;
    assert_eq!(elsewhere.status, 404);
    assert!(!text(&elsewhere).contains("Ailleurs"));
}

#[actix_web::test]
async fn an_agent_acts_from_the_page_and_a_stale_form_overwrites_nothing() {
    let app = TestApp::seeded();
    let reference = open(&app, "ge", "0579001Z", "Imprimante du CDI").await;
    let mut guichet = Browser::signed_in(&app, "guichet-agent", "ge").await;
    let path = format!("/tickets/{reference}");
    let action = format!("{path}/action");
    let page = html(&guichet.get(&path).await);
    assert!(page.contains("Prendre en charge"), "{page}");
    let assign = form_fields(&page, &action, Some(("action", "assign")));
    let cancel = form_fields(&page, &action, Some(("action", "cancel")));

    let taken = post_fields(&mut guichet, &action, &assign, &[]).await;
    assert_eq!(taken.status, 303, "{}", html(&taken));
    assert_eq!(taken.headers["location"], path);
    let page = html(&guichet.get(&path).await);
    assert!(page.contains("Pris en charge"), "{page}");

    // The cancel form was read before the assignment: refused, the ticket shown as it is.
    let stale = post_fields(&mut guichet, &action, &cancel, &[]).await;
    assert_eq!(stale.status, 409);
    assert!(html(&stale).contains("Le ticket a changé pendant votre lecture"));
    // What changed since the form was read: the assignment, and nothing older.
    let changes = html(&stale)
        .split("id=\"changements\">")
        .nth(1)
        .and_then(|s| s.split("</ul>").next())
        .expect("what changed is listed")
        .to_owned();
    assert!(changes.contains("Changement de statut"), "{changes}");
    assert!(
        !changes.contains("Ticket ouvert"),
        "only what came after: {changes}"
    );
    let token = app.demo_token("guichet-agent", "ge");
    let ticket = app
        .get_as(&token, &format!("/api/v1/tickets/{reference}"))
        .await;
    assert_eq!(ticket.body["status"], "assigned");

    // Start, then resolve without saying how: told so, nothing changed.
    let start = form_fields(&page, &action, Some(("action", "start")));
    assert_eq!(
        post_fields(&mut guichet, &action, &start, &[]).await.status,
        303
    );
    let page = html(&guichet.get(&path).await);
    let resolve = form_fields(&page, &action, Some(("action", "resolve")));
    let empty = post_fields(&mut guichet, &action, &resolve, &[("resolution", " ")]).await;
    assert_eq!(empty.status, 409);
    assert!(
        html(&empty).contains("Formulaire incomplet"),
        "{}",
        html(&empty)
    );
    let page = html(&guichet.get(&path).await);
    let resolve = form_fields(&page, &action, Some(("action", "resolve")));
    let resolved = post_fields(
        &mut guichet,
        &action,
        &resolve,
        &[("resolution", "Pilote réinstallé")],
    )
    .await;
    assert_eq!(resolved.status, 303, "{}", html(&resolved));
    let page = text(&guichet.get(&path).await);
    assert!(page.contains("Résolu") && page.contains("Pilote réinstallé"));

    // A form without its session's token changes nothing.
    let forged = guichet
        .post_form(&action, &[("action", "cancel"), ("csrf", "x")])
        .await;
    assert_eq!(forged.status, 403);

    // The school reopens it: only with a reason, which the journal keeps.
    let mut school = Browser::signed_in(&app, "correspondent", "ge").await;
    let page = html(&school.get(&path).await);
    let reopen = form_fields(&page, &action, Some(("action", "reopen")));
    let silent = post_fields(&mut school, &action, &reopen, &[("comment", "  ")]).await;
    assert_eq!(silent.status, 422);
    assert!(text(&silent).contains("pourquoi le problème n'est pas résolu"));
    assert_eq!(ticket_of(&app, &reference).await["status"], "resolved");
    let reopened = post_fields(
        &mut school,
        &action,
        &reopen,
        &[(
            "comment",
            "L'imprimante se bloque encore à chaque impression recto verso",
        )],
    )
    .await;
    assert_eq!(reopened.status, 303, "{}", text(&reopened));
    let ticket = ticket_of(&app, &reference).await;
    assert_eq!(ticket["reopen_count"], 1);
    assert!(text(&guichet.get(&path).await).contains("se bloque encore"));
}

#[actix_web::test]
async fn eight_agents_sending_the_same_form_at_once_change_the_ticket_once() {
    let app = TestApp::seeded();
    let reference = open(&app, "ge", "0579001Z", "Tableau numérique muet").await;
    let path = format!("/tickets/{reference}");
    let action = format!("{path}/action");
    let mut browsers: Vec<Browser> = (0..8).map(|_| Browser::new(&app)).collect();
    let mut forms = Vec::new();
    for browser in &mut browsers {
        browser
            .sign_in(&demo_email("guichet-agent", "ge"), DEMO_PASSWORD)
            .await;
        let page = html(&browser.get(&path).await);
        forms.push(form_fields(&page, &action, Some(("action", "assign"))));
    }
    // Each read the ticket at the same version; each sends its own form.
    let answers = join_all(
        browsers
            .iter_mut()
            .zip(&forms)
            .map(|(b, f)| post_fields(b, &action, f, &[])),
    )
    .await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        7,
        "{statuses:?}"
    );
    let token = app.demo_token("guichet-agent", "ge");
    let ticket = app
        .get_as(&token, &format!("/api/v1/tickets/{reference}"))
        .await;
    assert_eq!(ticket.body["status"], "assigned");
    assert_eq!(ticket.body["version"], 2);
}

/// The tickets of the Moselle school, through the API.
async fn tickets_of_the_school(app: &TestApp) -> Vec<serde_json::Value> {
    let token = app.demo_token("correspondent", "ge");
    app.get_as(&token, "/api/v1/tickets?establishment=0579001Z")
        .await
        .body["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[actix_web::test]
async fn a_correspondent_opens_a_ticket_in_two_steps_with_the_technical_file_its_category_asks() {
    let app = TestApp::seeded();
    let mut school = Browser::signed_in(&app, "correspondent", "ge").await;
    let step1 = school.get("/tickets/nouveau").await;
    assert_eq!(step1.status, 200);
    let page = text(&step1);
    assert!(page.contains("value=\"0579001Z\""), "{page}");
    assert!(
        !page.contains("0599001N"),
        "another territory's school offered"
    );
    assert!(page.contains("Connexion ÉduConnect") || page.contains("connexion-educonnect"));

    let step2 = school
        .get("/tickets/nouveau/formulaire?etablissement=0579001Z&categorie=connexion-educonnect")
        .await;
    assert_eq!(step2.status, 200);
    let page = html(&step2);
    for field in [
        "affected_profiles",
        "users_affected",
        "occurred_at",
        "error_message",
    ] {
        assert!(page.contains(&format!("name=\"{field}\"")), "{field} asked");
    }
    assert!(
        !page.contains("name=\"steps_to_reproduce\""),
        "not asked for this category"
    );
    let hidden = form_fields(&page, "/tickets/nouveau", None);

    // Without the technical file: errors at the top and next to their fields, nothing opened.
    let before = tickets_of_the_school(&app).await.len();
    let refused = post_fields(
        &mut school,
        "/tickets/nouveau",
        &hidden,
        &[
            ("title", "Élèves sans accès"),
            ("description", "Depuis ce matin"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422);
    let page = text(&refused);
    assert!(page.contains("Le ticket n'a pas été ouvert"), "{page}");
    assert!(
        page.contains("href=\"#error_message\""),
        "summary links to the field"
    );
    assert!(
        page.contains("id=\"error_message-error\""),
        "error next to the field"
    );
    assert!(
        page.contains("value=\"Élèves sans accès\""),
        "what was typed is kept"
    );
    assert_eq!(tickets_of_the_school(&app).await.len(), before);

    // Complete, and sent twice (a double click): one ticket, with its technical file.
    let complete = [
        ("title", "Élèves sans accès"),
        ("description", "Depuis ce matin"),
        ("affected_profiles", "pupil"),
        ("affected_profiles", "parent"),
        ("users_affected", "120"),
        ("occurred_at", "2026-12-01T08:15"),
        ("error_message", "Identifiant inconnu"),
    ];
    let mut references = Vec::new();
    for _ in 0..2 {
        let opened = post_fields(&mut school, "/tickets/nouveau", &hidden, &complete).await;
        assert_eq!(opened.status, 303, "{}", text(&opened));
        references.push(opened.headers["location"].clone());
    }
    assert_eq!(references[0], references[1]);
    assert_eq!(tickets_of_the_school(&app).await.len(), before + 1);
    let reference = references[0].trim_start_matches("/tickets/").to_owned();
    let token = app.demo_token("correspondent", "ge");
    let ticket = app
        .get_as(&token, &format!("/api/v1/tickets/{reference}"))
        .await;
    let file = &ticket.body["technical_file"];
    assert_eq!(file["users_affected"], 120);
    assert_eq!(file["affected_profiles"], json!(["pupil", "parent"]));
    // 08:15 in Paris in December is 07:15 UTC.
    assert_eq!(file["occurred_at"], "2026-12-01T07:15:00Z");
    assert_eq!(ticket.body["category"], "connexion-educonnect");
    let page = text(&school.get(&references[0]).await);
    assert!(page.contains("Élèves sans accès"));
}

#[actix_web::test]
async fn a_ticket_solved_at_level_0_is_recorded_closed_and_only_ones_own_schools_are_offered() {
    let app = TestApp::seeded();
    let mut school = Browser::signed_in(&app, "correspondent", "ge").await;
    let page = html(
        &school
            .get("/tickets/nouveau/formulaire?etablissement=0579001Z&categorie=messagerie")
            .await,
    );
    let hidden = form_fields(&page, "/tickets/nouveau", None);
    let opened = post_fields(
        &mut school,
        "/tickets/nouveau",
        &hidden,
        &[
            ("title", "Mot de passe oublié"),
            ("description", "Un enseignant"),
            ("solved", "Mot de passe réinitialisé depuis la console"),
        ],
    )
    .await;
    assert_eq!(opened.status, 303, "{}", text(&opened));
    let reference = opened.headers["location"]
        .trim_start_matches("/tickets/")
        .to_owned();
    let token = app.demo_token("correspondent", "ge");
    let ticket = app
        .get_as(&token, &format!("/api/v1/tickets/{reference}"))
        .await;
    assert_eq!(ticket.body["status"], "closed");
    assert_eq!(ticket.body["level"], 0);

    // Another territory's school, typed in the address: back to step 1, told so.
    let foreign = school
        .get("/tickets/nouveau/formulaire?etablissement=0599001N&categorie=messagerie")
        .await;
    assert_eq!(foreign.status, 422);
    assert!(text(&foreign).contains("Choisissez un de vos établissements"));

    // An agent opens no ticket: neither the link nor the page.
    let mut agent = Browser::signed_in(&app, "guichet-agent", "ge").await;
    assert!(!html(&agent.get("/tickets").await).contains("href=\"/tickets/nouveau\""));
    assert_eq!(agent.get("/tickets/nouveau").await.status, 403);
    assert!(html(&school.get("/tickets").await).contains("href=\"/tickets/nouveau\""));
}

#[actix_web::test]
async fn eight_correspondents_open_tickets_from_the_form_at_once_and_none_is_lost() {
    let app = TestApp::seeded();
    let mut browsers: Vec<Browser> = (0..8).map(|_| Browser::new(&app)).collect();
    let mut forms = Vec::new();
    for browser in &mut browsers {
        browser
            .sign_in(&demo_email("correspondent", "ge"), DEMO_PASSWORD)
            .await;
        let page = html(
            &browser
                .get("/tickets/nouveau/formulaire?etablissement=0579001Z&categorie=connexion-educonnect")
                .await,
        );
        forms.push(form_fields(&page, "/tickets/nouveau", None));
    }
    let before = tickets_of_the_school(&app).await.len();
    let titles: Vec<String> = (0..8).map(|i| format!("Coupure {i}")).collect();
    let answers = join_all(browsers.iter_mut().zip(&forms).zip(&titles).map(
        |((b, f), t)| async move {
            let filled = [
                ("title", t.as_str()),
                ("description", "d"),
                ("affected_profiles", "teacher"),
                ("users_affected", "3"),
                ("occurred_at", "2026-12-01T08:15"),
                ("error_message", "Erreur 500"),
            ];
            post_fields(b, "/tickets/nouveau", f, &filled).await
        },
    ))
    .await;
    for answer in &answers {
        assert_eq!(answer.status, 303, "{}", text(answer));
    }
    let after = tickets_of_the_school(&app).await;
    assert_eq!(after.len(), before + 8);
    for title in &titles {
        assert!(after.iter().any(|t| t["title"] == *title), "{title} lost");
    }
}

#[actix_web::test]
async fn the_home_page_offers_to_sign_in_and_sends_a_signed_in_person_to_their_tickets() {
    let app = TestApp::seeded();
    let mut browser = Browser::new(&app);
    let home = browser.get("/").await;
    assert_eq!(home.status, 200);
    assert!(html(&home).contains("href=\"/connexion\""));
    browser
        .sign_in(&demo_email("correspondent", "ge"), DEMO_PASSWORD)
        .await;
    let home = browser.get("/").await;
    assert_eq!(home.status, 303);
    assert_eq!(home.headers["location"], "/tickets");
}

#[actix_web::test]
async fn an_agent_filters_the_queue_view_and_pages_keep_the_filters() {
    let app = TestApp::seeded();
    for i in 0..51 {
        open(&app, "ge", "0579001Z", &format!("Wifi coupé salle {i}")).await;
    }
    open(&app, "ge", "0579001Z", "Imprimante bloquée").await;
    let mut agent = Browser::signed_in(&app, "guichet-agent", "ge").await;
    let list = agent.get("/tickets").await;
    let page = text(&list);
    assert!(
        page.contains("<label class=\"fr-label\" for=\"file\">File</label>"),
        "queues offered"
    );

    let found = text(&agent.get("/tickets?q=imprimante").await);
    assert!(found.contains("Imprimante bloquée"));
    assert!(!found.contains("Wifi coupé"), "the search filters");

    // 51 wifi tickets: a second page, reached with the search kept; the newest first.
    let first = text(&agent.get("/tickets?q=wifi&statut=new").await);
    assert_eq!(first.matches("Wifi coupé salle").count(), 50);
    assert!(
        first.contains("contient « wifi », les plus récents d'abord"),
        "{first}"
    );
    let newest = first
        .find("Wifi coupé salle 50<")
        .expect("the newest on the first page");
    let older = first.find("Wifi coupé salle 49<").expect("the next one");
    assert!(newest < older, "newest first");
    assert!(
        !first.contains("Wifi coupé salle 0<"),
        "the oldest is on the next page"
    );
    let next = first
        .split("href=\"/tickets?")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the next page")
        .to_owned();
    assert!(
        next.contains("q=wifi") && next.contains("statut=new"),
        "{next}"
    );
    let second = text(&agent.get(&format!("/tickets?{next}")).await);
    assert_eq!(second.matches("Wifi coupé salle").count(), 1, "{second}");
    assert!(second.contains("Wifi coupé salle 0<"), "{second}");

    // A queue that does not exist: said so, no error page.
    let unknown = agent.get("/tickets?file=nulle-part").await;
    assert_eq!(unknown.status, 200);
    assert!(text(&unknown).contains("nulle-part"), "{}", text(&unknown));
    // Nonsense values are ignored rather than refused.
    assert_eq!(agent.get("/tickets?priorite=9&niveau=x").await.status, 200);
}

/// The ticket as the guichet reads it through the API.
async fn ticket_of(app: &TestApp, reference: &str) -> serde_json::Value {
    let token = app.demo_token("guichet-agent", "ge");
    app.get_as(&token, &format!("/api/v1/tickets/{reference}"))
        .await
        .body
}

#[actix_web::test]
async fn the_guichet_qualifies_and_orients_from_the_page_and_the_moselle_refuses_the_hand_off() {
    let app = TestApp::seeded();
    let reference = open(&app, "ge", "0579001Z", "Plus de réseau en salle 12").await;
    let path = format!("/tickets/{reference}");
    let mut guichet = Browser::signed_in(&app, "guichet-agent", "ge").await;
    let page = html(&guichet.get(&path).await);
    assert!(page.contains("Qualifier") && page.contains("Orienter selon les règles"));
    assert!(
        !page.contains("Refuser le transfert"),
        "the guichet refuses nothing"
    );

    // Network, high impact and urgency: P1.
    let qualify = form_fields(&page, &format!("{path}/qualification"), None);
    let qualified = post_fields(
        &mut guichet,
        &format!("{path}/qualification"),
        &qualify,
        &[
            ("category", "reseau-internet"),
            ("impact", "high"),
            ("urgency", "high"),
        ],
    )
    .await;
    assert_eq!(qualified.status, 303, "{}", text(&qualified));
    assert_eq!(ticket_of(&app, &reference).await["priority"], 1);

    // By the authority's rules: a school network goes to its collectivité.
    let page = html(&guichet.get(&path).await);
    let by_rule = form_fields(
        &page,
        &format!("{path}/orientation"),
        Some(("mode", "regle")),
    );
    let routed = post_fields(&mut guichet, &format!("{path}/orientation"), &by_rule, &[]).await;
    assert_eq!(routed.status, 303, "{}", text(&routed));
    let routed_to = ticket_of(&app, &reference).await["current_queue"]["organisation"].clone();
    assert_eq!(routed_to, "dep-57", "{routed_to}");

    // The Moselle's agent refuses, with a reason: back to the guichet's queue.
    let mut moselle = Browser::signed_in(&app, "collectivite-agent", "ge").await;
    let page = html(&moselle.get(&path).await);
    assert!(page.contains("Refuser le transfert"), "{page}");
    assert!(!page.contains("Qualifier"), "only the guichet qualifies");
    let refuse = form_fields(&page, &format!("{path}/refus"), None);
    let refused = post_fields(
        &mut moselle,
        &format!("{path}/refus"),
        &refuse,
        &[("body", "Le réseau pédagogique relève de l'académie")],
    )
    .await;
    assert_eq!(refused.status, 303, "{}", text(&refused));
    let back = ticket_of(&app, &reference).await;
    assert_eq!(back["current_queue"]["organisation"], "ac-nancy-metz");

    // The guichet orients it by hand, with a reason, to another queue of the territory.
    let page = html(&guichet.get(&path).await);
    assert!(text(&guichet.get(&path).await).contains("Transfert refusé"));
    let by_hand = form_fields(
        &page,
        &format!("{path}/orientation"),
        Some(("mode", "main")),
    );
    let target = page
        .split("id=\"r-queue\"")
        .nth(1)
        .and_then(|s| s.split("<option value=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .expect("a queue offered")
        .to_owned();
    let handed = post_fields(
        &mut guichet,
        &format!("{path}/orientation"),
        &by_hand,
        &[("queue", &target), ("reason", "Réseau pédagogique : DSI")],
    )
    .await;
    assert_eq!(handed.status, 303, "{}", text(&handed));
    assert_eq!(
        ticket_of(&app, &reference).await["current_queue"]["code"],
        target
    );
}

/// The visible text of the error attached to a field (`<p class="fr-error-text" id="{name}-error">`).
fn field_error(page: &str, name: &str) -> Option<String> {
    let marker = format!("id=\"{name}-error\">");
    let after = page.split(&marker).nth(1)?;
    Some(after.split("</p>").next()?.to_owned())
}

#[actix_web::test]
async fn an_escalation_shows_what_the_file_lacks_then_the_vendor_answers_the_school() {
    let app = TestApp::seeded();
    // Opened through the API without a technical file: the mail category asks for seven
    // elements before the vendor.
    let reference = open(
        &app,
        "ge",
        "0579001Z",
        "La messagerie refuse les pièces jointes",
    )
    .await;
    let path = format!("/tickets/{reference}");
    let mut guichet = Browser::signed_in(&app, "guichet-agent", "ge").await;
    let page = html(&guichet.get(&path).await);
    assert!(page.contains("Escalader au titulaire"), "{page}");
    assert!(
        field_error(&page, "error_message").is_some_and(|e| e.contains("manquant")),
        "each missing element is said next to its field before sending"
    );

    // Sent with one element only: the gate refuses, names the rest next to their fields,
    // keeps what was typed; the ticket stays at level 1.
    let escalate = form_fields(&page, &format!("{path}/escalade"), None);
    let refused = post_fields(
        &mut guichet,
        &format!("{path}/escalade"),
        &escalate,
        &[
            ("justification", "proven_malfunction"),
            ("error_message", "Erreur 552 : message refusé"),
        ],
    )
    .await;
    assert_eq!(refused.status, 409, "{}", text(&refused));
    let page = html(&refused);
    for missing in [
        "users_affected",
        "steps_to_reproduce",
        "browser_device",
        "url",
    ] {
        assert!(
            field_error(&page, missing).is_some_and(|e| e.contains("manquant, requis")),
            "{missing} is said missing in {page}"
        );
    }
    assert_eq!(field_error(&page, "error_message"), None);
    assert!(
        page.contains("Erreur 552 : message refusé"),
        "what was typed is kept"
    );
    assert_eq!(ticket_of(&app, &reference).await["level"], 1);

    // Complete: it passes to the vendor's level 2.
    let escalate = form_fields(&page, &format!("{path}/escalade"), None);
    let passed = post_fields(
        &mut guichet,
        &format!("{path}/escalade"),
        &escalate,
        &[
            ("justification", "proven_malfunction"),
            ("affected_profiles", "teacher"),
            ("affected_profiles", "pupil"),
            ("users_affected", "120"),
            ("occurred_at", "2026-12-01T08:30"),
            ("steps_to_reproduce", "Joindre un PDF de 2 Mo à un message"),
            ("error_message", "Erreur 552 : message refusé"),
            ("browser_device", "Firefox 140, PC du CDI"),
            ("url", "https://ent.example/messagerie"),
        ],
    )
    .await;
    assert_eq!(passed.status, 303, "{}", text(&passed));
    let escalated = ticket_of(&app, &reference).await;
    assert_eq!(escalated["level"], 2);
    assert_eq!(escalated["technical_file"]["users_affected"], 120);
    assert_eq!(
        escalated["technical_file"]["affected_profiles"],
        json!(["teacher", "pupil"])
    );

    // The guichet notes something for the agents only.
    let page = html(&guichet.get(&path).await);
    let comment = form_fields(&page, &format!("{path}/commentaire"), None);
    let noted = post_fields(
        &mut guichet,
        &format!("{path}/commentaire"),
        &comment,
        &[
            ("body", "Note interne : le titulaire connaît ce défaut"),
            ("internal", "1"),
        ],
    )
    .await;
    assert_eq!(noted.status, 303);

    // The vendor's agent asks a question: the ticket waits for the authority.
    let mut vendor = Browser::signed_in(&app, "vendor-agent", "ge").await;
    let page = html(&vendor.get(&path).await);
    assert!(page.contains("Réponse du titulaire") && page.contains("Passer au niveau 3"));
    let answer = form_fields(&page, &format!("{path}/reponse-titulaire"), None);
    let asked = post_fields(
        &mut vendor,
        &format!("{path}/reponse-titulaire"),
        &answer,
        &[
            ("kind", "question"),
            ("body", "Quelle taille maximale est configurée ?"),
        ],
    )
    .await;
    assert_eq!(asked.status, 303, "{}", text(&asked));
    assert_eq!(
        ticket_of(&app, &reference).await["pending_reason"],
        "vendor_info"
    );

    // The guichet (the owner authority) gives the information: the ticket resumes.
    let page = html(&guichet.get(&path).await);
    let information = form_fields(&page, &format!("{path}/information"), None);
    let given = post_fields(
        &mut guichet,
        &format!("{path}/information"),
        &information,
        &[("body", "10 Mo dans la console d'administration")],
    )
    .await;
    assert_eq!(given.status, 303, "{}", text(&given));
    assert_eq!(ticket_of(&app, &reference).await["status"], "in_progress");

    // The vendor gives the solution: resolved.
    let page = html(&vendor.get(&path).await);
    let answer = form_fields(&page, &format!("{path}/reponse-titulaire"), None);
    let solved = post_fields(
        &mut vendor,
        &format!("{path}/reponse-titulaire"),
        &answer,
        &[
            ("kind", "solution"),
            ("body", "Correctif déployé : limite portée à 25 Mo"),
        ],
    )
    .await;
    assert_eq!(solved.status, 303, "{}", text(&solved));
    assert_eq!(ticket_of(&app, &reference).await["status"], "resolved");

    // An internal note after the solution: the school's list still dates the last activity
    // it can read, the solution.
    let page = html(&guichet.get(&path).await);
    let comment = form_fields(&page, &format!("{path}/commentaire"), None);
    let noted = post_fields(
        &mut guichet,
        &format!("{path}/commentaire"),
        &comment,
        &[
            ("body", "Note interne : vérifier le correctif"),
            ("internal", "1"),
        ],
    )
    .await;
    assert_eq!(noted.status, 303);
    let school_token = app.demo_token("correspondent", "ge");
    let events = app
        .get_as(
            &school_token,
            &format!("/api/v1/tickets/{reference}/events"),
        )
        .await;
    let solution_at = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "vendor_solution")
        .expect("the school reads the solution")["occurred_at"]
        .clone();
    let list = app.get_as(&school_token, "/api/v1/tickets").await;
    let listed = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["reference"] == reference.as_str())
        .expect("listed")
        .clone();
    assert_eq!(listed["last_public_activity_at"], solution_at);

    // The school reads the public answer, neither the internal note nor the vendor's
    // question, and confirms.
    let mut school = Browser::signed_in(&app, "correspondent", "ge").await;
    let page = html(&school.get(&path).await);
    assert!(page.contains("Correctif déployé : limite portée à 25 Mo"));
    assert!(!page.contains("Note interne"), "{page}");
    assert!(!page.contains("Quelle taille maximale"), "{page}");
    assert!(
        !page.contains("Parcours entre organisations"),
        "hops are for agents"
    );
    let confirm = form_fields(&page, &format!("{path}/action"), Some(("action", "close")));
    let confirmed = post_fields(&mut school, &format!("{path}/action"), &confirm, &[]).await;
    assert_eq!(confirmed.status, 303, "{}", text(&confirmed));
    assert_eq!(ticket_of(&app, &reference).await["status"], "closed");
}

#[actix_web::test]
async fn files_are_attached_from_the_page_and_downloaded_by_who_sees_the_ticket_only() {
    let app = TestApp::seeded_with(&[("GUICHET_MAX_ATTACHMENT_BYTES", "4096")]);
    let reference = open(&app, "ge", "0579001Z", "Capture de l'erreur").await;
    let path = format!("/tickets/{reference}");
    let mut school = Browser::signed_in(&app, "correspondent", "ge").await;
    let page = school.get(&path).await;
    assert!(html(&page).contains("Aucune pièce jointe"));
    let csrf = hidden_field(&page, "csrf");
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR capture";

    // Without the page's token: refused, nothing stored.
    let forged = school
        .post_file(
            &format!("{path}/pieces-jointes"),
            &[("csrf", "forged")],
            ("fichier", "capture.png", png),
        )
        .await;
    assert_eq!(forged.status, 403);
    // Too large: said above the ticket, nothing stored.
    let large = school
        .post_file(
            &format!("{path}/pieces-jointes"),
            &[("csrf", &csrf)],
            ("fichier", "journal.txt", &[b'x'; 5000]),
        )
        .await;
    assert_eq!(large.status, 422);
    assert!(
        text(&large).contains("dépasse la taille admise"),
        "{}",
        text(&large)
    );
    // No file chosen.
    let empty = school
        .post_file(
            &format!("{path}/pieces-jointes"),
            &[("csrf", &csrf)],
            ("fichier", "", b""),
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(text(&empty).contains("Choisissez un fichier"));

    let sent = school
        .post_file(
            &format!("{path}/pieces-jointes"),
            &[("csrf", &csrf)],
            ("fichier", "C:\\Users\\cdi\\capture.png", png),
        )
        .await;
    assert_eq!(sent.status, 303, "{}", text(&sent));
    let page = html(&school.get(&path).await);
    let link = page
        .split(&format!("href=\"{path}/pieces-jointes/"))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the file is listed with a link")
        .to_owned();
    assert!(page.contains("capture.png"), "the name without its path");
    let listed = app
        .get_as(
            &app.demo_token("correspondent", "ge"),
            &format!("/api/v1/tickets/{reference}/attachments"),
        )
        .await;
    assert_eq!(
        listed.body["items"].as_array().unwrap().len(),
        1,
        "one file stored"
    );

    let file_path = format!("{path}/pieces-jointes/{link}");
    let download = school.get(&file_path).await;
    assert_eq!(download.status, 200);
    assert_eq!(download.raw, png);
    assert_eq!(download.content_type, "image/png");
    assert!(download
        .headers
        .get("content-disposition")
        .is_some_and(|d| d.starts_with("attachment")));

    // The guichet of the ticket downloads it; another territory's does not know it exists.
    let mut guichet = Browser::signed_in(&app, "guichet-agent", "ge").await;
    assert_eq!(guichet.get(&file_path).await.status, 200);
    let mut elsewhere = Browser::signed_in(&app, "guichet-agent", "hdf").await;
    assert_eq!(elsewhere.get(&file_path).await.status, 404);
}

#[actix_web::test]
async fn the_guichet_sees_where_the_rules_would_send_a_ticket_and_declares_a_major_incident() {
    let app = TestApp::seeded();
    let major = open(&app, "ge", "0579001Z", "Messagerie en panne").await;
    let child = open(&app, "ge", "0579001Z", "Messagerie : erreur 500").await;
    let path = format!("/tickets/{major}");
    let mut guichet = Browser::signed_in(&app, "guichet-agent", "ge").await;
    let page = html(&guichet.get(&path).await);
    // The simulation beside « orient by rule »: the queue, and why.
    let simulation = page
        .split("id=\"simulation\"")
        .nth(1)
        .and_then(|s| s.split("</div>").next())
        .expect("the routing simulation is shown")
        .to_owned();
    let token = app.demo_token("guichet-agent", "ge");
    let simulated = app
        .post_as(
            Some(&token),
            "/api/v1/routing/simulate",
            json!({ "uai": "0579001Z", "category": "messagerie" }),
        )
        .await;
    assert_eq!(simulated.status, 200, "{:#}", simulated.body);
    let queue = simulated.body["queue"].as_str().unwrap();
    assert!(simulation.contains(queue), "{simulation} names {queue}");
    assert!(simulation.contains("<li>"), "and says why: {simulation}");

    let declare = form_fields(&page, &format!("{path}/incident-majeur"), None);
    let declared = post_fields(
        &mut guichet,
        &format!("{path}/incident-majeur"),
        &declare,
        &[],
    )
    .await;
    assert_eq!(declared.status, 303, "{}", text(&declared));
    assert_eq!(ticket_of(&app, &major).await["is_major"], true);

    // An unknown reference is said, nothing linked.
    let page = html(&guichet.get(&path).await);
    assert!(page.contains("Incident majeur") && !page.contains("Déclarer un incident majeur"));
    let link = form_fields(&page, &format!("{path}/rattachement"), None);
    let unknown = post_fields(
        &mut guichet,
        &format!("{path}/rattachement"),
        &link,
        &[("body", "GE-2026-999999")],
    )
    .await;
    assert_eq!(unknown.status, 409);
    assert!(text(&unknown).contains("introuvable"), "{}", text(&unknown));

    // Typed in lower case, the child is found and linked.
    let page = html(&guichet.get(&path).await);
    let link = form_fields(&page, &format!("{path}/rattachement"), None);
    let linked = post_fields(
        &mut guichet,
        &format!("{path}/rattachement"),
        &link,
        &[("body", &child.to_lowercase())],
    )
    .await;
    assert_eq!(linked.status, 303, "{}", text(&linked));
    assert_eq!(ticket_of(&app, &child).await["parent"], major.as_str());
    let child_page = html(&guichet.get(&format!("/tickets/{child}")).await);
    assert!(child_page.contains(&format!("href=\"/tickets/{major}\"")));
    assert!(
        !child_page.contains("Déclarer un incident majeur"),
        "a linked ticket is not one"
    );
}

#[actix_web::test]
async fn steering_reads_the_reviews_in_the_desk_and_others_do_not() {
    let app = TestApp::seeded();
    let admin = app.demo_token("admin", "ge");
    let created = app
        .post_as(
            Some(&admin),
            "/api/v1/reviews",
            json!({ "territory": "ge", "audience": "cotec", "title": "Revue de novembre",
                    "from": "2026-11-01", "to": "2026-12-01" }),
        )
        .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    let id = created.body["id"].as_i64().unwrap();

    let mut steering = Browser::new(&app);
    let signed = steering
        .sign_in(&demo_email("steering", "ge"), DEMO_PASSWORD)
        .await;
    assert_eq!(signed.status, 303);
    let home = steering.get("/").await;
    assert_eq!(home.status, 303);
    assert_eq!(
        home.headers.get("location").map(String::as_str),
        Some("/revues")
    );
    let list = steering.get("/revues").await;
    assert_eq!(list.status, 200);
    let page = html(&list);
    assert!(page.contains("Revues d&#x27;incidents</a>") || page.contains("href=\"/revues\""));
    assert!(
        !page.contains("href=\"/tickets\""),
        "no ticket to handle: no « Tickets »"
    );
    assert!(page.contains(&format!("href=\"/revues/{id}\"")) && page.contains("Revue de novembre"));

    let review = steering.get(&format!("/revues/{id}")).await;
    assert_eq!(review.status, 200);
    assert!(text(&review).contains("Revue de novembre"));
    let policy = review
        .headers
        .get("content-security-policy")
        .cloned()
        .unwrap_or_default();
    assert!(
        policy.contains("script-src 'self';") && policy.contains("'sha256-"),
        "{policy}"
    );
    assert!(!policy.contains("unsafe-inline"), "{policy}");

    // Another territory's steering does not know it; a correspondent reads no review.
    let mut hdf = Browser::signed_in(&app, "steering", "hdf").await;
    assert_eq!(hdf.get(&format!("/revues/{id}")).await.status, 404);
    assert!(!html(&hdf.get("/revues").await).contains("Revue de novembre"));
    let mut school = Browser::signed_in(&app, "correspondent", "ge").await;
    assert_eq!(school.get("/revues").await.status, 403);
    assert!(!html(&school.get("/tickets").await).contains("href=\"/revues\""));
}

#[actix_web::test]
async fn a_session_nobody_signed_out_of_expires_and_the_housekeeping_job_removes_its_row() {
    use diesel::prelude::*;
    use guichet::db::schema::web_sessions;
    let app = TestApp::seeded();
    let mut school = Browser::signed_in(&app, "correspondent", "ge").await;
    assert_eq!(school.get("/tickets").await.status, 200);
    let rows = || {
        web_sessions::table
            .count()
            .get_result::<i64>(&mut app.conn())
            .unwrap()
    };
    assert_eq!(rows(), 1);
    app.clock.advance(chrono::Duration::hours(13));
    assert_eq!(
        school.get("/tickets").await.status,
        303,
        "expired: sign in again"
    );
    let purged = guichet::services::jobs::housekeeping(&app.state())
        .await
        .unwrap();
    assert!(purged.is_some_and(|n| n >= 1), "{purged:?}");
    assert_eq!(rows(), 0);
}

#[actix_web::test]
async fn the_figures_of_ones_scope_are_a_page_and_a_csv_file() {
    let app = TestApp::seeded();
    open(&app, "ge", "0579001Z", "Compté dans les chiffres").await;
    let mut steering = Browser::signed_in(&app, "steering", "ge").await;
    let page = steering.get("/chiffres").await;
    assert_eq!(page.status, 200, "{}", text(&page));
    let shown = html(&page);
    assert!(
        shown.contains("href=\"/chiffres\""),
        "the nav offers the figures"
    );
    // The same figures as the API's, row for row.
    let csv = steering.get("/chiffres.csv").await;
    assert_eq!(csv.status, 200);
    assert!(csv.content_type.starts_with("text/csv"));
    let api = app
        .call(
            crate::helpers::Call::get("/api/v1/stats")
                .bearer(Some(&app.demo_token("steering", "ge")))
                .header("Accept", "text/csv"),
        )
        .await;
    assert_eq!(
        String::from_utf8_lossy(&csv.raw),
        String::from_utf8_lossy(&api.raw)
    );
    let opened = String::from_utf8_lossy(&csv.raw)
        .lines()
        .find(|l| l.starts_with("total;") && l.contains(";ouverts;"))
        .map(|l| l.rsplit(';').next().unwrap().to_owned())
        .expect("a total of tickets opened");
    assert_eq!(opened, "1");
    assert!(shown.contains("<td>ouverts</td><td>1</td>"), "{shown}");

    // A period that does not read is said, not a 500.
    let bad = steering.get("/chiffres?du=demain").await;
    assert_eq!(bad.status, 422);
    assert!(text(&bad).contains("Période illisible"), "{}", text(&bad));
    // A correspondent reads no figures.
    let mut school = Browser::signed_in(&app, "correspondent", "ge").await;
    assert_eq!(school.get("/chiffres").await.status, 403);
}
