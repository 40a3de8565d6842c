//! The admin API: users and grants within the admin's territory, mass-assignment refusals,
//! and command-line provisioning.

use guichet::domain::role::Role;
use guichet::services::admin::provisioning::{add_user, UserSpec};
use guichet::services::admin::views::GrantRequest;
use serde_json::{json, Value};

use crate::helpers::{demo_email, Call, TestApp};

async fn create(app: &TestApp, admin: &str, body: Value) -> crate::helpers::Response {
    app.post_as(Some(admin), "/api/v1/admin/users", body).await
}

#[actix_web::test]
async fn an_admin_creates_a_user_of_its_territory_and_grants_a_role() {
    let app = TestApp::seeded();
    let admin = app.demo_token("admin", "ge");
    let created = create(
        &app,
        &admin,
        json!({ "email": "Nouvelle.Correspondante@College.example", "display_name": "Mme Martin",
                "password": "a long enough password" }),
    )
    .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    assert_eq!(
        created.body["email"],
        "nouvelle.correspondante@college.example"
    );
    assert_eq!(created.body["territory"], "GE");
    assert_eq!(created.body["has_password"], true);
    let id = created.body["id"].as_i64().unwrap();

    let granted = app
        .post_as(
            Some(&admin),
            &format!("/api/v1/admin/users/{id}/grants"),
            json!({ "role": "correspondent", "establishment": "0579001Z" }),
        )
        .await;
    assert_eq!(granted.status, 201, "{:#}", granted.body);
    assert_eq!(granted.body["grants"][0]["establishment"], "0579001Z");

    let login = app
        .login(
            "nouvelle.correspondante@college.example",
            "a long enough password",
        )
        .await;
    assert_eq!(login.status, 200);
    let me = app
        .get_as(login.body["access_token"].as_str().unwrap(), "/api/v1/me")
        .await;
    assert_eq!(me.body["grants"][0]["role"], "correspondent");

    let again = app
        .post_as(
            Some(&admin),
            &format!("/api/v1/admin/users/{id}/grants"),
            json!({ "role": "correspondent", "establishment": "0579001Z" }),
        )
        .await;
    again.assert_problem(409, "grant_exists");
    create(
        &app,
        &admin,
        json!({ "email": "nouvelle.correspondante@college.example", "display_name": "X" }),
    )
    .await
    .assert_problem(409, "email_taken");

    let grant_id = granted.body["grants"][0]["id"].as_i64().unwrap();
    let revoked = app
        .call(
            Call::new(
                "DELETE",
                &format!("/api/v1/admin/users/{id}/grants/{grant_id}"),
            )
            .bearer(Some(&admin)),
        )
        .await;
    assert_eq!(revoked.status, 200, "{:#}", revoked.body);
    assert_eq!(revoked.body["grants"], json!([]));
}

#[actix_web::test]
async fn bodies_cannot_set_what_the_caller_may_not_set() {
    let app = TestApp::seeded();
    let admin = app.demo_token("admin", "ge");
    // Fields that do not belong to a user at all.
    for field in ["role", "grants", "active", "token_version", "password_hash"] {
        let mut body = json!({ "email": "x@college.example", "display_name": "X" });
        body[field] = json!("admin");
        create(&app, &admin, body)
            .await
            .assert_problem(422, "unknown_field");
    }
    // A territory the admin does not administer.
    create(
        &app,
        &admin,
        json!({ "email": "x@college.example", "display_name": "X", "territory": "HDF" }),
    )
    .await
    .assert_problem(422, "field_not_allowed");

    let target = app
        .get_as(&app.demo_token("steering", "ge"), "/api/v1/me")
        .await;
    let id = target.body["id"].as_i64().unwrap();
    let grant = |body: Value| {
        let admin = admin.clone();
        let app = &app;
        async move {
            app.post_as(
                Some(&admin),
                &format!("/api/v1/admin/users/{id}/grants"),
                body,
            )
            .await
        }
    };
    // A scope in another territory.
    grant(json!({ "role": "correspondent", "establishment": "0750655E" }))
        .await
        .assert_problem(422, "field_not_allowed");
    grant(json!({ "role": "collectivite_agent", "organisation": "dep-59" }))
        .await
        .assert_problem(422, "field_not_allowed");
    // A global admin grant from a territorial admin.
    grant(json!({ "role": "admin" }))
        .await
        .assert_problem(422, "field_not_allowed");
    // The wrong kind of scope for the role.
    grant(json!({ "role": "correspondent", "organisation": "dep-57" }))
        .await
        .assert_problem(422, "invalid_scope");
    grant(json!({ "role": "collectivite_agent", "organisation": "ac-reims" }))
        .await
        .assert_problem(422, "invalid_scope");
    grant(json!({ "role": "steering", "territory": "GE", "establishment": "0579001Z" }))
        .await
        .assert_problem(422, "invalid_scope");
    grant(json!({ "role": "superuser", "territory": "GE" }))
        .await
        .assert_problem(422, "unknown_value");
    // Weak passwords and bad emails.
    create(
        &app,
        &admin,
        json!({ "email": "y@college.example", "display_name": "Y", "password": "short" }),
    )
    .await
    .assert_problem(422, "weak_password");
    create(
        &app,
        &admin,
        json!({ "email": "not-an-email", "display_name": "Y" }),
    )
    .await
    .assert_problem(422, "invalid_email");
}

#[actix_web::test]
async fn users_of_another_territory_are_404_to_a_territorial_admin() {
    let app = TestApp::seeded();
    let ge_admin = app.demo_token("admin", "ge");
    let hdf_user = app
        .get_as(&app.demo_token("steering", "hdf"), "/api/v1/me")
        .await;
    let id = hdf_user.body["id"].as_i64().unwrap();
    app.get_as(&ge_admin, &format!("/api/v1/admin/users/{id}"))
        .await
        .assert_problem(404, "not_found");
    app.post_as(
        Some(&ge_admin),
        &format!("/api/v1/admin/users/{id}/disable"),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    // Nothing happened: the user still reads.
    assert_eq!(
        app.get_as(&app.demo_token("steering", "hdf"), "/api/v1/territories")
            .await
            .status,
        200
    );
    let listed = app.get_as(&ge_admin, "/api/v1/admin/users?limit=200").await;
    assert!(listed.items().iter().all(|u| u["territory"] == "GE"));
    assert!(listed.items().len() >= 7);

    let global = app.token_of("admin@demo.guichet.example");
    let seen = app
        .get_as(&global, &format!("/api/v1/admin/users/{id}"))
        .await;
    assert_eq!(seen.status, 200);
    let everyone = app.get_as(&global, "/api/v1/admin/users?limit=5").await;
    assert_eq!(everyone.items().len(), 5);
    assert!(everyone.body["next_cursor"].is_string());
}

#[actix_web::test]
async fn the_command_line_bootstraps_a_global_admin() {
    let app = TestApp::empty();
    app.seed(false);
    let spec = UserSpec {
        email: "Root@Region.example".into(),
        display_name: "Premier administrateur".into(),
        territory: None,
        grants: vec![GrantRequest {
            role: Role::Admin,
            establishment: None,
            organisation: None,
            territory: None,
        }],
    };
    let added = add_user(&mut app.conn(), &spec, None, chrono::Utc::now()).unwrap();
    let password = added
        .generated_password
        .clone()
        .expect("a generated password");
    assert_eq!(added.provisioned.grants_added, 1);
    let login = app.login("root@region.example", &password).await;
    assert_eq!(login.status, 200, "{:#}", login.body);
    let token = login.body["access_token"].as_str().unwrap();
    let created = create(
        &app,
        token,
        json!({ "email": "admin.ge@region.example", "display_name": "Admin GE", "territory": "GE" }),
    )
    .await;
    assert_eq!(created.status, 201, "{:#}", created.body);

    // Again, with a chosen password: nothing added, the password replaced.
    let again = add_user(
        &mut app.conn(),
        &spec,
        Some("a chosen long password".into()),
        chrono::Utc::now(),
    )
    .unwrap();
    assert_eq!(again.provisioned.grants_added, 0);
    assert!(again.generated_password.is_none());
    assert_eq!(
        app.login("root@region.example", "a chosen long password")
            .await
            .status,
        200
    );
    assert!(add_user(
        &mut app.conn(),
        &spec,
        Some("short".into()),
        chrono::Utc::now()
    )
    .is_err());
}

#[actix_web::test]
async fn demo_mode_seeds_one_user_per_role_and_territory() {
    use diesel::prelude::*;
    let demo = TestApp::seeded();
    let users: i64 = guichet::db::schema::users::table
        .count()
        .get_result(&mut *demo.conn())
        .unwrap();
    assert_eq!(users, 22, "one per role and territory, and a global admin");
    assert_eq!(
        demo.login(
            &demo_email("correspondent", "paris"),
            guichet::services::seed::DEMO_PASSWORD
        )
        .await
        .status,
        200
    );
}
