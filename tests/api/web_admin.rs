//! The admins' pages of the web desk: users and role grants, routing rules with the
//! simulation beside them, service accounts — all through the admin services (their scope,
//! their audit), each refusal said above the page.

use serde_json::json;

use crate::browser::{hidden_field, html, text, Browser};
use crate::helpers::{demo_email, TestApp};

/// The value between `start` and the next `end` in `page`.
fn between(page: &str, start: &str, end: &str) -> Option<String> {
    Some(page.split(start).nth(1)?.split(end).next()?.to_owned())
}

#[actix_web::test]
async fn an_admin_creates_a_user_grants_a_role_and_disabling_ends_the_users_session() {
    let app = TestApp::seeded();
    let mut admin = Browser::signed_in(&app, "admin", "ge").await;
    let page = admin.get("/admin/utilisateurs").await;
    assert_eq!(page.status, 200);
    assert!(
        html(&page).contains("href=\"/admin/utilisateurs\""),
        "the nav offers it"
    );
    assert!(text(&page).contains(&demo_email("correspondent", "ge")));
    assert!(
        !text(&page).contains(&demo_email("correspondent", "hdf")),
        "only the users of the admin's territory"
    );
    let csrf = hidden_field(&page, "csrf");

    let created = admin
        .post_form(
            "/admin/utilisateurs",
            &[
                ("csrf", &csrf),
                ("display_name", "Claire Martin"),
                ("email", "claire.martin@college-metz.example"),
                ("password", "un mot de passe solide 2026"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", text(&created));
    let user_path = created.headers["location"].clone();
    assert!(user_path.starts_with("/admin/utilisateurs/"));

    // The same address again: said, nothing created.
    let again = admin
        .post_form(
            "/admin/utilisateurs",
            &[
                ("csrf", &csrf),
                ("display_name", "Claire Martin"),
                ("email", "claire.martin@college-metz.example"),
                ("password", ""),
            ],
        )
        .await;
    assert_eq!(again.status, 422);
    assert!(text(&again).contains("déjà"), "{}", text(&again));

    // A school of another territory is refused; the Metz collège is granted.
    let refused = admin
        .post_form(
            &format!("{user_path}/roles"),
            &[
                ("csrf", &csrf),
                ("role", "correspondent"),
                ("scope", "0599001N"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", text(&refused));
    let granted = admin
        .post_form(
            &format!("{user_path}/roles"),
            &[
                ("csrf", &csrf),
                ("role", "correspondent"),
                ("scope", "0579001Z"),
            ],
        )
        .await;
    assert_eq!(granted.status, 303, "{}", text(&granted));
    let page = html(&admin.get(&user_path).await);
    assert!(
        page.contains("Correspondant ENT d&#x27;établissement — 0579001Z"),
        "{page}"
    );
    assert!(!page.contains("0599001N"));

    // The new user signs in and sees the school's tickets.
    let mut claire = Browser::new(&app);
    let signed = claire
        .sign_in(
            "claire.martin@college-metz.example",
            "un mot de passe solide 2026",
        )
        .await;
    assert_eq!(signed.status, 303);
    assert_eq!(claire.get("/tickets").await.status, 200);

    // Disabled: her session ends at once.
    let disabled = admin
        .post_form(
            &format!("{user_path}/etat"),
            &[("csrf", &csrf), ("active", "0")],
        )
        .await;
    assert_eq!(disabled.status, 303);
    assert!(text(&admin.get(&user_path).await).contains("compte désactivé"));
    let after = claire.get("/tickets").await;
    assert_eq!(after.status, 303);
    assert!(after.headers["location"].starts_with("/connexion"));

    // A forged form changes nothing.
    let forged = admin
        .post_form(
            &format!("{user_path}/etat"),
            &[("csrf", "forged"), ("active", "1")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert!(text(&admin.get(&user_path).await).contains("compte désactivé"));
}

#[actix_web::test]
async fn an_admin_tries_a_rule_in_the_simulation_adds_it_and_deletes_it() {
    let app = TestApp::seeded();
    let mut admin = Browser::signed_in(&app, "admin", "ge").await;
    let simulate = "/admin/regles?autorite=ac-nancy-metz&uai=0579001Z&categorie=reseau-internet";
    let page = html(&admin.get(simulate).await);
    let simulation = between(&page, "id=\"simulation\"", "</div>").expect("a simulation");
    assert!(
        simulation.contains("dep-57"),
        "a school network goes to the Moselle: {simulation}"
    );
    let csrf = between(&page, "name=\"csrf\" value=\"", "\"").unwrap();

    let added = admin
        .post_form(
            "/admin/regles",
            &[
                ("csrf", &csrf),
                ("authority", "ac-nancy-metz"),
                ("position", "1"),
                ("name", "Réseau pédagogique : DSI"),
                ("category", "reseau-internet"),
                ("target", "queue"),
                ("target_detail", "ac-nancy-metz/dsi"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", text(&added));
    let page = html(&admin.get(simulate).await);
    let simulation = between(&page, "id=\"simulation\"", "</div>").unwrap();
    assert!(
        simulation.contains("ac-nancy-metz/dsi") && simulation.contains("Réseau pédagogique : DSI"),
        "the new rule takes it: {simulation}"
    );

    // The same position again is said; an unknown queue too.
    let taken = admin
        .post_form(
            "/admin/regles",
            &[
                ("csrf", &csrf),
                ("authority", "ac-nancy-metz"),
                ("position", "1"),
                ("name", "Doublon"),
                ("category", ""),
                ("target", "queue"),
                ("target_detail", "nulle-part"),
            ],
        )
        .await;
    assert_eq!(taken.status, 422, "{}", text(&taken));

    let rule_id = between(&page, "action=\"/admin/regles/", "/suppression\"").unwrap();
    let deleted = admin
        .post_form(
            &format!("/admin/regles/{rule_id}/suppression"),
            &[("csrf", &csrf), ("authority", "ac-nancy-metz")],
        )
        .await;
    assert_eq!(deleted.status, 303, "{}", text(&deleted));
    let page = html(&admin.get(simulate).await);
    assert!(between(&page, "id=\"simulation\"", "</div>")
        .unwrap()
        .contains("dep-57"));

    // Other people have no rules page.
    let mut agent = Browser::signed_in(&app, "guichet-agent", "ge").await;
    assert_eq!(agent.get("/admin/regles").await.status, 403);
}

#[actix_web::test]
async fn a_service_accounts_secret_is_shown_once_and_revoking_stops_it() {
    let app = TestApp::seeded();
    let mut admin = Browser::signed_in(&app, "admin", "ge").await;
    let page = admin.get("/admin/comptes-de-service").await;
    let csrf = hidden_field(&page, "csrf");
    let created = admin
        .post_form(
            "/admin/comptes-de-service",
            &[
                ("csrf", &csrf),
                ("name", "Outil support titulaire"),
                ("vendor", "titulaire-ent-grand-est"),
            ],
        )
        .await;
    assert_eq!(created.status, 200, "{}", text(&created));
    let page = html(&created);
    let secret = between(&page, "<code id=\"secret\">", "</code>").expect("the secret, once");
    let client_id = between(&page, "Identifiant : <code>", "</code>").unwrap();
    let token = app
        .post_as(
            None,
            "/api/v1/auth/token",
            json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret }),
        )
        .await;
    assert_eq!(token.status, 200, "{:#}", token.body);
    let listed = html(&admin.get("/admin/comptes-de-service").await);
    assert!(
        listed.contains(&client_id) && !listed.contains(&secret),
        "never shown again"
    );

    let revoked = admin
        .post_form(
            &format!("/admin/comptes-de-service/{client_id}/revocation"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(revoked.status, 303);
    assert!(text(&admin.get("/admin/comptes-de-service").await).contains("Révoqué le"));
    let refused = app
        .post_as(
            None,
            "/api/v1/auth/token",
            json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret }),
        )
        .await;
    assert_eq!(refused.status, 401);

    // Another territory's vendor is not the admin's to equip.
    let elsewhere = admin
        .post_form(
            "/admin/comptes-de-service",
            &[
                ("csrf", &csrf),
                ("name", "Intrus"),
                ("vendor", "titulaire-ent-hdf"),
            ],
        )
        .await;
    assert_eq!(elsewhere.status, 422, "{}", text(&elsewhere));
}
