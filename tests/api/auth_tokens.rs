//! Tokens: login, the negative token suite (RFC 8725), refresh rotation and reuse, logout,
//! rate limiting, the external identity provider.

use chrono::{DurationRound, Utc};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use crate::helpers::{demo_email, Call, TestApp, AUDIENCE, ISSUER, TEST_JWT_SECRET};
use guichet::services::seed::DEMO_PASSWORD;

const PROTECTED: &str = "/api/v1/territories";

/// Claims like the app's for the Grand Est steering user, `ver` 0.
fn claims(app: &TestApp) -> Value {
    let user =
        guichet::db::repo::users::find_by_email(&mut app.conn(), &demo_email("steering", "ge"))
            .unwrap()
            .unwrap();
    let now = Utc::now().timestamp();
    json!({
        "iss": ISSUER, "aud": AUDIENCE, "sub": format!("user:{}", user.id),
        "iat": now, "nbf": now, "exp": now + 600, "ver": user.token_version,
    })
}

fn sign(claims: &Value, algorithm: Algorithm, secret: &str, typ: &str) -> String {
    let mut header = Header::new(algorithm);
    header.typ = Some(typ.to_owned());
    encode(
        &header,
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn forge(claims: &Value) -> String {
    sign(claims, Algorithm::HS256, TEST_JWT_SECRET, "at+jwt")
}

fn b64(value: &Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

async fn assert_refused(app: &TestApp, token: &str, case: &str) {
    let response = app.get_as(token, PROTECTED).await;
    assert_eq!(response.status, 401, "{case}: {:#}", response.body);
    assert_eq!(response.body["code"], "unauthorized", "{case}");
    assert_eq!(
        response.www_authenticate.as_deref(),
        Some("Bearer"),
        "{case}"
    );
}

#[actix_web::test]
async fn a_demo_user_logs_in_and_reads_with_the_token() {
    let app = TestApp::seeded();
    let login = app
        .login(&demo_email("guichet_agent", "ge"), DEMO_PASSWORD)
        .await;
    assert_eq!(login.status, 200, "{:#}", login.body);
    assert_eq!(login.body["token_type"], "Bearer");
    assert_eq!(login.body["expires_in"], 900);
    assert!(login.body["refresh_token"].as_str().unwrap().len() >= 43);
    let token = login.body["access_token"].as_str().unwrap();
    let me = app.get_as(token, "/api/v1/me").await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["label"], demo_email("guichet_agent", "ge"));
    assert_eq!(me.body["grants"][0]["role"], "guichet_agent");
    assert_eq!(me.body["grants"][0]["organisation"], "ac-nancy-metz");
    assert_eq!(app.get_as(token, PROTECTED).await.status, 200);
}

#[actix_web::test]
async fn wrong_credentials_are_one_and_the_same_401() {
    let app = TestApp::seeded();
    let wrong = app
        .login(&demo_email("admin", "ge"), "not the password")
        .await;
    wrong.assert_problem(401, "invalid_credentials");
    let unknown = app.login("nobody@nowhere.example", DEMO_PASSWORD).await;
    unknown.assert_problem(401, "invalid_credentials");
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);
    let bad_grant = app
        .post_as(
            None,
            "/api/v1/auth/token",
            json!({ "grant_type": "magic", "email": "x" }),
        )
        .await;
    bad_grant.assert_problem(422, "unknown_value");
}

#[actix_web::test]
async fn the_negative_token_suite_answers_401_to_each_case() {
    let app = TestApp::seeded();
    let good = claims(&app);
    assert_eq!(
        app.get_as(&forge(&good), PROTECTED).await.status,
        200,
        "the baseline passes"
    );

    let anonymous = app.call(Call::get(PROTECTED)).await;
    assert_eq!(anonymous.status, 401, "no token");

    let none = format!(
        "{}.{}.",
        b64(&json!({ "alg": "none", "typ": "at+jwt" })),
        b64(&good)
    );
    assert_refused(&app, &none, "alg none").await;

    let hs512 = sign(&good, Algorithm::HS512, TEST_JWT_SECRET, "at+jwt");
    assert_refused(&app, &hs512, "another algorithm").await;

    let valid = forge(&good);
    let parts: Vec<&str> = valid.split('.').collect();
    let mut elevated = good.clone();
    elevated["sub"] = json!("user:1");
    let tampered = format!("{}.{}.{}", parts[0], b64(&elevated), parts[2]);
    assert_refused(&app, &tampered, "tampered payload").await;

    let other_key = sign(
        &good,
        Algorithm::HS256,
        "another-secret-of-at-least-32-bytes!!",
        "at+jwt",
    );
    assert_refused(&app, &other_key, "bad signature").await;

    let now = Utc::now().timestamp();
    let mut expired = good.clone();
    expired["exp"] = json!(now - 3600);
    assert_refused(&app, &forge(&expired), "expired").await;

    let mut not_yet = good.clone();
    not_yet["nbf"] = json!(now + 3600);
    assert_refused(&app, &forge(&not_yet), "nbf in the future").await;

    let mut wrong_aud = good.clone();
    wrong_aud["aud"] = json!("another-api");
    assert_refused(&app, &forge(&wrong_aud), "wrong aud").await;

    let mut wrong_iss = good.clone();
    wrong_iss["iss"] = json!("someone-else");
    assert_refused(&app, &forge(&wrong_iss), "wrong iss").await;

    let mut no_exp = good.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    assert_refused(&app, &forge(&no_exp), "missing exp").await;

    let mut no_iat = good.clone();
    no_iat.as_object_mut().unwrap().remove("iat");
    assert_refused(&app, &forge(&no_iat), "missing iat").await;

    let id_token_type = sign(&good, Algorithm::HS256, TEST_JWT_SECRET, "JWT");
    assert_refused(&app, &id_token_type, "not an access token type").await;

    let mut older = good.clone();
    older["ver"] = json!(-1);
    assert_refused(&app, &forge(&older), "older token version").await;
}

#[actix_web::test]
async fn a_disabled_users_token_is_refused_on_the_next_request() {
    let app = TestApp::seeded();
    let victim = app.demo_token("collectivite_agent", "ge");
    assert_eq!(app.get_as(&victim, PROTECTED).await.status, 200);
    let admin = app.demo_token("admin", "ge");
    let me = app.get_as(&victim, "/api/v1/me").await;
    let id = me.body["id"].as_i64().unwrap();
    let disabled = app
        .post_as(
            Some(&admin),
            &format!("/api/v1/admin/users/{id}/disable"),
            json!({}),
        )
        .await;
    assert_eq!(disabled.status, 200, "{:#}", disabled.body);
    assert_eq!(disabled.body["active"], false);
    assert_refused(&app, &victim, "token of a disabled user").await;
    let login = app
        .login(&demo_email("collectivite_agent", "ge"), DEMO_PASSWORD)
        .await;
    login.assert_problem(401, "invalid_credentials");
}

#[actix_web::test]
async fn a_token_issued_before_logout_is_refused() {
    let app = TestApp::seeded();
    let login = app
        .login(&demo_email("vendor_agent", "ge"), DEMO_PASSWORD)
        .await;
    let access = login.body["access_token"].as_str().unwrap().to_owned();
    let refresh = login.body["refresh_token"].as_str().unwrap().to_owned();
    let logout = app
        .call(Call::new("POST", "/api/v1/auth/logout").bearer(Some(&access)))
        .await;
    assert_eq!(logout.status, 204);
    assert_refused(&app, &access, "token issued before logout").await;
    app.post_as(
        None,
        "/api/v1/auth/refresh",
        json!({ "refresh_token": refresh }),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    // A new login works again.
    assert_eq!(
        app.login(&demo_email("vendor_agent", "ge"), DEMO_PASSWORD)
            .await
            .status,
        200
    );
}

#[actix_web::test]
async fn refresh_rotates_and_a_reused_token_revokes_its_family() {
    let app = TestApp::seeded();
    let login = app
        .login(&demo_email("steering", "hdf"), DEMO_PASSWORD)
        .await;
    let first = login.body["refresh_token"].as_str().unwrap().to_owned();

    let rotated = app
        .post_as(
            None,
            "/api/v1/auth/refresh",
            json!({ "refresh_token": first }),
        )
        .await;
    assert_eq!(rotated.status, 200, "{:#}", rotated.body);
    let second = rotated.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    assert_eq!(
        app.get_as(rotated.body["access_token"].as_str().unwrap(), PROTECTED)
            .await
            .status,
        200
    );

    // The first token again: theft suspected.
    app.post_as(
        None,
        "/api/v1/auth/refresh",
        json!({ "refresh_token": first }),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    // The whole family is revoked: the legitimate newer token is dead too.
    app.post_as(
        None,
        "/api/v1/auth/refresh",
        json!({ "refresh_token": second }),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");

    let audit = app
        .get_as(
            &app.demo_token("admin", "hdf"),
            "/api/v1/admin/audit-events?limit=200",
        )
        .await;
    assert!(audit
        .items()
        .iter()
        .any(|e| e["action"] == "refresh_token_reuse" && e["outcome"] == "denied"));
}

#[actix_web::test]
async fn the_audit_log_shows_failed_and_successful_logins_and_a_denial() {
    let app = TestApp::seeded();
    let email = demo_email("correspondent", "ge");
    app.login(&email, "wrong password!")
        .await
        .assert_problem(401, "invalid_credentials");
    let login = app.login(&email, DEMO_PASSWORD).await;
    let token = login.body["access_token"].as_str().unwrap();
    app.get_as(token, "/api/v1/admin/users")
        .await
        .assert_problem(403, "forbidden");

    let audit = app
        .get_as(
            &app.demo_token("admin", "ge"),
            "/api/v1/admin/audit-events?limit=200",
        )
        .await;
    let mine: Vec<&Value> = audit
        .items()
        .iter()
        .filter(|e| e["actor_label"] == email.as_str())
        .collect();
    let has = |action: &str, outcome: &str| {
        mine.iter()
            .any(|e| e["action"] == action && e["outcome"] == outcome)
    };
    assert!(has("login", "failure"), "{mine:#?}");
    assert!(has("login", "success"), "{mine:#?}");
    assert!(has("permission_denied", "denied"), "{mine:#?}");
    let denial = mine
        .iter()
        .find(|e| e["action"] == "permission_denied")
        .unwrap();
    assert_eq!(denial["client_address"], "192.0.2.10");
    assert!(denial["occurred_at"].is_string());

    // Another territory's admin does not see them.
    let hdf = app
        .get_as(
            &app.demo_token("admin", "hdf"),
            "/api/v1/admin/audit-events?limit=200",
        )
        .await;
    assert!(hdf
        .items()
        .iter()
        .all(|e| e["actor_label"] != email.as_str()));
}

#[actix_web::test]
async fn the_audit_log_is_append_only() {
    use diesel::connection::SimpleConnection;
    let app = TestApp::seeded();
    app.login("nobody@nowhere.example", "whatever").await;
    let mut conn = app.conn();
    assert!(conn
        .batch_execute("UPDATE audit_events SET action = 'x'")
        .is_err());
    assert!(conn.batch_execute("DELETE FROM audit_events").is_err());
}

#[actix_web::test]
async fn token_attempts_are_rate_limited_per_account_and_per_address() {
    let app = TestApp::seeded_with(&[
        ("GUICHET_LOGIN_LIMIT_PER_ACCOUNT", "3"),
        ("GUICHET_LOGIN_LIMIT_PER_ADDRESS", "5"),
    ]);
    // Counts are kept per minute: start the test early in a fresh one.
    let minute = Utc::now()
        .duration_trunc(chrono::Duration::minutes(1))
        .unwrap();
    app.clock
        .set(minute + chrono::Duration::minutes(1) + chrono::Duration::seconds(1));
    let email = demo_email("steering", "paris");
    for _ in 0..3 {
        app.login(&email, "wrong password!")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    let limited = app.login(&email, DEMO_PASSWORD).await;
    limited.assert_problem(429, "too_many_requests");
    let wait: u64 = limited.retry_after.as_deref().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");

    // Per address: other accounts from the same address, two more attempts, then 429.
    let body = |email: &str| json!({ "grant_type": "password", "email": email, "password": "x" });
    let from = |email: &str| Call::new("POST", "/api/v1/auth/token").json(body(email));
    app.call(from("a@x.example"))
        .await
        .assert_problem(401, "invalid_credentials");
    let fifth = app.call(from("b@x.example")).await;
    assert_eq!(
        fifth.status, 429,
        "the limited attempt counted for the address too: {:#}",
        fifth.body
    );
    let elsewhere = app
        .call(from("c@x.example").peer("198.51.100.7:5000"))
        .await;
    elsewhere.assert_problem(401, "invalid_credentials");
}

#[actix_web::test]
async fn a_vendor_service_account_gets_a_token_until_revoked() {
    let app = TestApp::seeded();
    let admin = app.demo_token("admin", "ge");
    let created = app
        .post_as(
            Some(&admin),
            "/api/v1/admin/service-accounts",
            json!({ "name": "Intégration support éditeur", "vendor": "titulaire-ent-grand-est" }),
        )
        .await;
    assert_eq!(created.status, 201, "{:#}", created.body);
    let client_id = created.body["client_id"].as_str().unwrap().to_owned();
    let secret = created.body["client_secret"].as_str().unwrap().to_owned();
    let listed = app.get_as(&admin, "/api/v1/admin/service-accounts").await;
    assert!(listed
        .items()
        .iter()
        .all(|a| a.get("client_secret").is_none()));

    let credentials = json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret });
    let token = app
        .post_as(None, "/api/v1/auth/token", credentials.clone())
        .await;
    assert_eq!(token.status, 200, "{:#}", token.body);
    assert!(token.body.get("refresh_token").is_none());
    let access = token.body["access_token"].as_str().unwrap().to_owned();
    let me = app.get_as(&access, "/api/v1/me").await;
    assert_eq!(me.body["kind"], "service_account");
    assert_eq!(me.body["grants"][0]["role"], "vendor_agent");
    assert_eq!(
        me.body["grants"][0]["organisation"],
        "titulaire-ent-grand-est"
    );

    let wrong = json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": "nope" });
    app.post_as(None, "/api/v1/auth/token", wrong)
        .await
        .assert_problem(401, "invalid_credentials");

    let revoked = app
        .post_as(
            Some(&admin),
            &format!("/api/v1/admin/service-accounts/{client_id}/revoke"),
            json!({}),
        )
        .await;
    assert_eq!(revoked.status, 200);
    assert_eq!(revoked.body["active"], false);
    assert_refused(&app, &access, "token of a revoked service account").await;
    app.post_as(None, "/api/v1/auth/token", credentials)
        .await
        .assert_problem(401, "invalid_credentials");

    let foreign = app
        .post_as(
            Some(&admin),
            "/api/v1/admin/service-accounts",
            json!({ "name": "x", "vendor": "titulaire-ent-hdf" }),
        )
        .await;
    foreign.assert_problem(422, "field_not_allowed");
}

#[actix_web::test]
async fn tokens_of_the_external_identity_provider_map_to_users_by_email() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/fixtures");
    let public = format!("{fixtures}/sso-test-only-public.pem");
    let app = TestApp::seeded_with(&[
        ("GUICHET_SSO_ISSUER", "https://sso.ac-test.example"),
        ("GUICHET_SSO_AUDIENCE", "guichet-sso"),
        ("GUICHET_SSO_PUBLIC_KEY_FILE", &public),
        ("GUICHET_SSO_ALGORITHM", "ES256"),
    ]);
    let private = std::fs::read(format!("{fixtures}/sso-test-only-private.pem")).unwrap();
    let key = EncodingKey::from_ec_pem(&private).unwrap();
    let now = Utc::now().timestamp();
    let sso = |email: &str, aud: &str| {
        let claims = json!({
            "iss": "https://sso.ac-test.example", "aud": aud, "sub": "opaque-42",
            "email": email, "iat": now, "exp": now + 300,
        });
        encode(&Header::new(Algorithm::ES256), &claims, &key).unwrap()
    };
    let known = sso(
        &demo_email("authority_agent", "hdf").to_uppercase(),
        "guichet-sso",
    );
    let me = app.get_as(&known, "/api/v1/me").await;
    assert_eq!(me.status, 200, "{:#}", me.body);
    assert_eq!(me.body["label"], demo_email("authority_agent", "hdf"));
    assert_refused(
        &app,
        &sso("stranger@ac-test.example", "guichet-sso"),
        "unknown email",
    )
    .await;
    assert_refused(
        &app,
        &sso(&demo_email("admin", "hdf"), "other"),
        "wrong SSO audience",
    )
    .await;
    // Our own tokens still work beside the SSO's.
    assert_eq!(app.get(PROTECTED).await.status, 200);
}
