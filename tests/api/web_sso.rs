//! Signing in to the web desk with the académie's SSO (OpenID Connect, id_token posted back
//! by the provider): the state ties the answer to the browser that asked, the nonce ties
//! the token to that sign-in, the email to an active user.

use chrono::Utc;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::json;

use crate::browser::{html, text, Browser};
use crate::helpers::{demo_email, TestApp};

const AUTHORIZE: &str = "https://sso.ac-test.example/authorize";

fn sso_app() -> TestApp {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/fixtures");
    let public = format!("{fixtures}/sso-test-only-public.pem");
    TestApp::seeded_with(&[
        ("GUICHET_SSO_ISSUER", "https://sso.ac-test.example"),
        ("GUICHET_SSO_AUDIENCE", "guichet-sso"),
        ("GUICHET_SSO_PUBLIC_KEY_FILE", &public),
        ("GUICHET_SSO_ALGORITHM", "ES256"),
        ("GUICHET_SSO_AUTHORIZE_URL", AUTHORIZE),
    ])
}

/// An id_token of the test provider for `email`, with `nonce`.
fn id_token(email: &str, nonce: Option<&str>) -> String {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/fixtures");
    let private = std::fs::read(format!("{fixtures}/sso-test-only-private.pem")).unwrap();
    let key = EncodingKey::from_ec_pem(&private).unwrap();
    let now = Utc::now().timestamp();
    let mut claims = json!({
        "iss": "https://sso.ac-test.example", "aud": "guichet-sso", "sub": "opaque-7",
        "email": email, "iat": now, "exp": now + 300,
    });
    if let Some(nonce) = nonce {
        claims["nonce"] = json!(nonce);
    }
    encode(&Header::new(Algorithm::ES256), &claims, &key).unwrap()
}

/// Starts a sign-in: the (state, nonce) the browser was sent to the provider with.
async fn start(browser: &mut Browser<'_>) -> (String, String) {
    let sent = browser.get("/connexion/sso").await;
    assert_eq!(sent.status, 303);
    let location = sent.headers["location"].clone();
    assert!(location.starts_with(AUTHORIZE), "{location}");
    let url = url::Url::parse(&location).unwrap();
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    assert_eq!(param("response_mode"), "form_post");
    assert_eq!(param("client_id"), "guichet-sso");
    assert!(param("redirect_uri").ends_with("/connexion/sso"));
    (param("state"), param("nonce"))
}

#[actix_web::test]
async fn a_person_signs_in_with_the_academie_sso_and_only_with_their_own_answer() {
    let app = sso_app();
    let mut browser = Browser::new(&app);
    assert!(html(&browser.get("/connexion").await).contains("href=\"/connexion/sso\""));
    let email = demo_email("guichet-agent", "ge");

    // The answer to another browser's sign-in (another state) is refused.
    let (state, nonce) = start(&mut browser).await;
    let foreign = browser
        .post_form(
            "/connexion/sso",
            &[
                ("state", "another-browsers-state"),
                ("id_token", &id_token(&email, Some(&nonce))),
            ],
        )
        .await;
    assert_eq!(foreign.status, 401);
    assert_eq!(browser.get("/tickets").await.status, 303, "not signed in");

    // A token without this sign-in's nonce is refused.
    let (state2, _) = start(&mut browser).await;
    let replayed = browser
        .post_form(
            "/connexion/sso",
            &[
                ("state", &state2),
                ("id_token", &id_token(&email, Some(&nonce))),
            ],
        )
        .await;
    assert_eq!(replayed.status, 401);
    assert!(text(&replayed).contains("n'a pas pu être vérifié"));
    assert_ne!(state, state2, "each sign-in has its own state");

    // The right answer: signed in, led on to the desk.
    let (state, nonce) = start(&mut browser).await;
    let answered = browser
        .post_form(
            "/connexion/sso",
            &[
                ("state", &state),
                ("id_token", &id_token(&email.to_uppercase(), Some(&nonce))),
            ],
        )
        .await;
    assert_eq!(answered.status, 200, "{}", text(&answered));
    assert!(html(&answered).contains("id=\"continuer\""));
    assert_eq!(browser.get("/tickets").await.status, 200);
    let audit = app
        .get_as(
            &app.demo_token("admin", "ge"),
            "/api/v1/admin/audit-events?limit=200",
        )
        .await;
    assert!(
        audit
            .items()
            .iter()
            .any(|e| e["action"] == "login_sso" && e["outcome"] == "success"),
        "the SSO sign-in is audited"
    );

    // The same answer again: its state was spent with the cookie.
    let mut other = Browser::new(&app);
    let again = other
        .post_form(
            "/connexion/sso",
            &[
                ("state", &state),
                ("id_token", &id_token(&email, Some(&nonce))),
            ],
        )
        .await;
    assert_eq!(again.status, 401);
}

#[actix_web::test]
async fn an_sso_identity_without_an_active_account_opens_nothing() {
    let app = sso_app();
    let mut browser = Browser::new(&app);
    let (state, nonce) = start(&mut browser).await;
    let stranger = browser
        .post_form(
            "/connexion/sso",
            &[
                ("state", &state),
                (
                    "id_token",
                    &id_token("inconnu@ac-test.example", Some(&nonce)),
                ),
            ],
        )
        .await;
    assert_eq!(stranger.status, 401);
    assert!(text(&stranger).contains("aucun compte actif"));

    // Without the setting, there is no SSO sign-in.
    let plain = TestApp::seeded();
    let mut browser = Browser::new(&plain);
    assert!(!html(&browser.get("/connexion").await).contains("/connexion/sso"));
    assert_eq!(browser.get("/connexion/sso").await.status, 404);
}
