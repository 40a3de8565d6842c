//! Sessions end when credentials change: a password reset (by an admin or by the user), a
//! disable then enable, a detected refresh-token reuse. Refreshes are throttled like logins,
//! `Retry-After` rounds up, and a burst of logins meets a bounded hashing pool (503), not
//! unbounded memory.

use chrono::{Duration, DurationRound, Utc};
use serde_json::{json, Value};

use crate::helpers::{demo_email, Call, Response, TestApp};
use guichet::services::seed::DEMO_PASSWORD;

const PROTECTED: &str = "/api/v1/territories";

struct Session {
    access: String,
    refresh: String,
}

async fn log_in(app: &TestApp, email: &str, password: &str) -> Session {
    let login = app.login(email, password).await;
    assert_eq!(login.status, 200, "{:#}", login.body);
    Session {
        access: login.body["access_token"].as_str().unwrap().to_owned(),
        refresh: login.body["refresh_token"].as_str().unwrap().to_owned(),
    }
}

async fn refresh(app: &TestApp, token: &str) -> Response {
    app.post_as(
        None,
        "/api/v1/auth/refresh",
        json!({ "refresh_token": token }),
    )
    .await
}

/// Both tokens of the session are dead.
async fn assert_ended(app: &TestApp, session: &Session, case: &str) {
    assert_eq!(
        app.get_as(&session.access, PROTECTED).await.status,
        401,
        "{case}: access"
    );
    let refreshed = refresh(app, &session.refresh).await;
    assert_eq!(
        refreshed.status, 401,
        "{case}: refresh {:#}",
        refreshed.body
    );
}

async fn user_id(app: &TestApp, token: &str) -> i64 {
    app.get_as(token, "/api/v1/me").await.body["id"]
        .as_i64()
        .unwrap()
}

#[actix_web::test]
async fn a_password_reset_by_an_admin_ends_every_session() {
    let app = TestApp::seeded();
    let email = demo_email("guichet_agent", "ge");
    let before = log_in(&app, &email, DEMO_PASSWORD).await;
    let id = user_id(&app, &before.access).await;
    let admin = app.demo_token("admin", "ge");
    let reset = app
        .call(
            Call::new("PUT", &format!("/api/v1/admin/users/{id}/password"))
                .bearer(Some(&admin))
                .json(json!({ "password": "un nouveau mot de passe long" })),
        )
        .await;
    assert_eq!(reset.status, 204, "{:#}", reset.body);
    assert_ended(&app, &before, "after an admin reset").await;
    log_in(&app, &email, "un nouveau mot de passe long").await;
}

#[actix_web::test]
async fn a_user_who_changes_their_password_ends_every_session() {
    let app = TestApp::seeded();
    let email = demo_email("authority_agent", "ge");
    let phone = log_in(&app, &email, DEMO_PASSWORD).await;
    let desk = log_in(&app, &email, DEMO_PASSWORD).await;
    let change = |current: &str, new: &str| {
        app.call(
            Call::new("POST", "/api/v1/me/password")
                .bearer(Some(&desk.access))
                .json(json!({ "current_password": current, "new_password": new })),
        )
    };
    change("pas le bon", "un autre mot de passe long")
        .await
        .assert_problem(422, "wrong_password");
    change(DEMO_PASSWORD, "court")
        .await
        .assert_problem(422, "weak_password");
    let changed = change(DEMO_PASSWORD, "un autre mot de passe long").await;
    assert_eq!(changed.status, 204, "{:#}", changed.body);
    assert_ended(&app, &phone, "the other device").await;
    assert_ended(&app, &desk, "this device").await;
    app.login(&email, DEMO_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    log_in(&app, &email, "un autre mot de passe long").await;
}

#[actix_web::test]
async fn a_refresh_token_from_before_a_disable_stays_dead_after_enabling() {
    let app = TestApp::seeded();
    let email = demo_email("steering", "ge");
    let before = log_in(&app, &email, DEMO_PASSWORD).await;
    let id = user_id(&app, &before.access).await;
    let admin = app.demo_token("admin", "ge");
    for step in ["disable", "enable"] {
        let answer = app
            .post_as(
                Some(&admin),
                &format!("/api/v1/admin/users/{id}/{step}"),
                json!({}),
            )
            .await;
        assert_eq!(answer.status, 200, "{step}: {:#}", answer.body);
    }
    assert_ended(&app, &before, "re-enabled account").await;
    log_in(&app, &email, DEMO_PASSWORD).await;
}

#[actix_web::test]
async fn a_reused_refresh_token_ends_the_access_tokens_too() {
    let app = TestApp::seeded();
    let email = demo_email("vendor_agent", "hdf");
    let first = log_in(&app, &email, DEMO_PASSWORD).await;
    let rotated = refresh(&app, &first.refresh).await;
    assert_eq!(rotated.status, 200);
    let thief = rotated.body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get_as(&thief, PROTECTED).await.status, 200);
    // The spent token again: every token of the user stops working, access ones included.
    refresh(&app, &first.refresh)
        .await
        .assert_problem(401, "invalid_refresh_token");
    assert_eq!(app.get_as(&thief, PROTECTED).await.status, 401);
    assert_eq!(app.get_as(&first.access, PROTECTED).await.status, 401);
}

/// Sets the clock half a second into a fresh minute: the throttling window has 59.5 s left.
fn fresh_window(app: &TestApp) {
    let minute = Utc::now().duration_trunc(Duration::minutes(1)).unwrap();
    app.clock
        .set(minute + Duration::minutes(1) + Duration::milliseconds(500));
}

#[actix_web::test]
async fn refreshes_are_throttled_and_retry_after_rounds_up() {
    let app = TestApp::seeded_with(&[
        ("GUICHET_LOGIN_LIMIT_PER_ACCOUNT", "1000"),
        ("GUICHET_LOGIN_LIMIT_PER_ADDRESS", "3"),
    ]);
    fresh_window(&app);
    let session = log_in(&app, &demo_email("steering", "paris"), DEMO_PASSWORD).await;
    let mut token = session.refresh;
    for _ in 0..2 {
        let rotated = refresh(&app, &token).await;
        assert_eq!(rotated.status, 200, "{:#}", rotated.body);
        token = rotated.body["refresh_token"].as_str().unwrap().to_owned();
    }
    let limited = refresh(&app, &token).await;
    limited.assert_problem(429, "too_many_requests");
    let wait: u64 = limited.retry_after.as_deref().unwrap().parse().unwrap();
    // 59.5 s and a little are left in the window: rounded up, never down.
    assert!((59..=60).contains(&wait), "Retry-After {wait}");
    // The throttled token was not spent: after the window it still refreshes.
    app.clock.advance(Duration::seconds(wait as i64));
    assert_eq!(refresh(&app, &token).await.status, 200);
}

#[actix_web::test]
async fn tokens_from_the_future_or_living_too_long_are_refused() {
    use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
    let app = TestApp::seeded();
    let good = app.demo_token("steering", "ge");
    assert_eq!(app.get_as(&good, PROTECTED).await.status, 200);
    let claims = |iat: i64, exp: i64| -> Value {
        let payload = good.split('.').nth(1).unwrap();
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap();
        let mut claims: Value = serde_json::from_slice(&bytes).unwrap();
        claims["iat"] = json!(iat);
        claims["nbf"] = json!(Utc::now().timestamp() - 60);
        claims["exp"] = json!(exp);
        claims
    };
    let forge = |claims: &Value| {
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some("at+jwt".into());
        encode(
            &header,
            claims,
            &EncodingKey::from_secret(crate::helpers::TEST_JWT_SECRET.as_bytes()),
        )
        .unwrap()
    };
    let now = Utc::now().timestamp();
    let from_the_future = forge(&claims(now + 3600, now + 3600 + 600));
    assert_eq!(app.get_as(&from_the_future, PROTECTED).await.status, 401);
    let too_long = forge(&claims(now - 60, now + 24 * 3600));
    assert_eq!(app.get_as(&too_long, PROTECTED).await.status, 401);
}

#[actix_web::test]
async fn a_burst_of_logins_meets_a_bounded_hashing_pool() {
    let app = TestApp::seeded_with(&[
        ("GUICHET_PASSWORD_HASHERS", "1"),
        ("GUICHET_PASSWORD_QUEUE", "1"),
    ]);
    let email = demo_email("steering", "hdf");
    let logins = (0..16).map(|n| {
        app.call(
            Call::new("POST", "/api/v1/auth/token")
                .json(
                    json!({ "grant_type": "password", "email": email, "password": DEMO_PASSWORD }),
                )
                .peer(&format!("198.51.100.{n}:4000")),
        )
    });
    let answers = futures_util::future::join_all(logins).await;
    let mut busy = 0;
    for answer in &answers {
        match answer.status.as_u16() {
            200 => {}
            503 => {
                answer.assert_problem(503, "service_unavailable");
                assert_eq!(answer.retry_after.as_deref(), Some("1"));
                busy += 1;
            }
            other => panic!("{other}: {:#}", answer.body),
        }
    }
    assert!(
        busy >= 1,
        "one hasher and one place in the queue cannot take 16 logins at once"
    );
    assert!(busy < 16, "the first login was served");
}
