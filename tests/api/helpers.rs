//! The test harness: a fresh database per test, and requests through the real app.

use std::rc::Rc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use actix_web::test;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::Connection;
use guichet::auth::jwt::Subject;
use guichet::clock::Clock;
use guichet::db::{connect_pool, migrations, DbPool};
use guichet::services::notifications::mailer::{Inbox, Mailer};
use guichet::services::seed::{self, DemoSeed, ReferenceSeed, SeedReport};
use guichet::settings::{DatabaseUrl, Settings};
use guichet::startup::build_app;
use guichet::state::AppState;
use serde_json::Value;

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A database that exists for one test and is removed after it.
pub struct TestDb {
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
    /// PostgreSQL: the admin URL and the database to drop.
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub fn fresh() -> Self {
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(admin_url) => Self::fresh_postgres(admin_url),
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("guichet-test.db");
                Self {
                    url: DatabaseUrl::Sqlite(path),
                    _dir: Some(dir),
                    postgres: None,
                }
            }
        }
    }

    fn fresh_postgres(admin_url: String) -> Self {
        let name = format!(
            "guichet_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut admin = PgConnection::establish(&admin_url)
            .unwrap_or_else(|e| panic!("TEST_DATABASE_URL unreachable: {e}"));
        // One statement per call: PostgreSQL runs a multi-statement string as one transaction,
        // where CREATE DATABASE is not allowed.
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .expect("drop leftover test database");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        let mut url = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
        url.set_path(&name);
        Self {
            url: DatabaseUrl::Postgres(url.to_string()),
            _dir: None,
            postgres: Some((admin_url, name)),
        }
    }
}

impl TestDb {
    /// The URL a command of the binary is given (`DATABASE_URL`, `--database-url`).
    pub fn url_text(&self) -> String {
        match &self.url {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => url.clone(),
        }
    }

    /// The same database, for a second instance: it does not remove it when dropped.
    pub fn shared(&self) -> Self {
        Self {
            url: self.url.clone(),
            _dir: None,
            postgres: None,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.postgres {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// The HS256 secret of the test app's tokens, so that tests can forge their own.
pub const TEST_JWT_SECRET: &str = "test-secret-of-at-least-32-bytes-for-hs256";
pub const ISSUER: &str = "guichet";
pub const AUDIENCE: &str = "guichet-api";

/// The app over its own database. Fields drop in order: the pool before the database.
pub struct TestApp {
    pub pool: DbPool,
    pub db: TestDb,
    /// Extra settings (name, value) over the test defaults.
    pub settings: Vec<(&'static str, String)>,
    /// The bearer token `get` sends: a Grand Est steering member once seeded.
    pub token: Option<String>,
    /// The data directory (attachments) of this test.
    pub files: tempfile::TempDir,
    /// The app's clock: real time, which a test may set or move.
    pub clock: Clock,
    /// The mail server of the test: what the dispatcher sent, and failures to answer.
    pub inbox: Arc<Mutex<Inbox>>,
    state: std::sync::OnceLock<AppState>,
    service: std::cell::OnceCell<Rc<AppService>>,
}

/// A request in, its response out: the app under test.
type AppService = dyn Fn(
    actix_http::Request,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = actix_web::dev::ServiceResponse>>,
>;

impl TestApp {
    /// A second instance of the service on the same database: its own pool, rate limits,
    /// hashers and job holder name, the same settings and clock.
    pub fn another_instance(&self) -> Self {
        let pool =
            connect_pool(&self.db.url, 8, std::time::Duration::from_secs(5)).expect("second pool");
        Self {
            pool,
            db: self.db.shared(),
            settings: self.settings.clone(),
            token: None,
            files: tempfile::tempdir().expect("data dir"),
            clock: self.clock.clone(),
            inbox: self.inbox.clone(),
            state: std::sync::OnceLock::new(),
            service: std::cell::OnceCell::new(),
        }
    }

    /// Connected, not migrated.
    pub fn unmigrated() -> Self {
        let db = TestDb::fresh();
        let pool = connect_pool(&db.url, 8, std::time::Duration::from_secs(5)).expect("test pool");
        Self {
            pool,
            db,
            settings: Vec::new(),
            token: None,
            files: tempfile::tempdir().expect("data dir"),
            clock: Clock::adjustable(),
            inbox: Arc::default(),
            state: std::sync::OnceLock::new(),
            service: std::cell::OnceCell::new(),
        }
    }

    /// Migrated, without data.
    pub fn empty() -> Self {
        let app = Self::unmigrated();
        migrations::run_pending(&mut app.conn()).expect("migrations");
        app
    }

    /// Migrated, with the reference data and the demo data; `get` reads as a Grand Est
    /// steering member.
    pub fn seeded() -> Self {
        Self::seeded_with(&[])
    }

    /// Seeded, with some settings changed.
    pub fn seeded_with(settings: &[(&'static str, &str)]) -> Self {
        let mut app = Self::empty();
        app.settings = settings.iter().map(|(k, v)| (*k, v.to_string())).collect();
        app.seed(true);
        app.token = Some(app.token_of("steering.ge@demo.guichet.example"));
        app
    }

    /// A fresh access token of an existing user, signed like the app's.
    pub fn token_of(&self, email: &str) -> String {
        let user = guichet::db::repo::users::find_by_email(&mut self.conn(), email)
            .expect("user lookup")
            .unwrap_or_else(|| panic!("no user {email}"));
        self.state().keys.issue(
            &Subject::User(user.id),
            user.token_version,
            self.clock.now(),
        )
    }

    /// The demo user of a role in a territory (`"correspondent"`, `"ge"`).
    pub fn demo_token(&self, role: &str, territory: &str) -> String {
        self.token_of(&demo_email(role, territory))
    }

    pub fn seed(&self, demo: bool) -> SeedReport {
        let reference = ReferenceSeed::embedded().expect("reference seed parses");
        let demo = demo.then(|| DemoSeed::embedded().expect("demo seed parses"));
        seed::load(&mut self.conn(), &reference, demo.as_ref()).expect("seed loads")
    }

    pub fn conn(&self) -> diesel::r2d2::PooledConnection<guichet::db::pool::ConnectionManager> {
        self.pool.get().expect("pooled connection")
    }

    /// One state for the whole test, so that the rate limiter keeps its counts.
    pub fn state(&self) -> AppState {
        self.state
            .get_or_init(|| {
                let settings = Settings::from_lookup(|name| {
                    self.settings
                        .iter()
                        .find(|(k, _)| *k == name)
                        .map(|(_, v)| v.clone())
                        .or_else(|| match name {
                            "GUICHET_JWT_SECRET" => Some(TEST_JWT_SECRET.to_owned()),
                            "GUICHET_DATA_DIR" => Some(self.files.path().display().to_string()),
                            "GUICHET_LOGIN_LIMIT_PER_ACCOUNT" => Some("1000".to_owned()),
                            "GUICHET_LOGIN_LIMIT_PER_ADDRESS" => Some("10000".to_owned()),
                            _ => None,
                        })
                })
                .expect("test settings");
                let mut state =
                    AppState::with_clock(self.pool.clone(), settings, self.clock.clone());
                state.mailer = Arc::new(
                    Mailer::in_memory(&state.settings.mail, self.inbox.clone())
                        .expect("in-memory mailer"),
                );
                state
            })
            .clone()
    }

    /// GET `path` with the app's default token.
    pub async fn get(&self, path: &str) -> Response {
        self.call(Call::get(path).bearer(self.token.as_deref()))
            .await
    }

    /// GET `path` with this token.
    pub async fn get_as(&self, token: &str, path: &str) -> Response {
        self.call(Call::get(path).bearer(Some(token))).await
    }

    /// POST a JSON body with this token (or none).
    pub async fn post_as(&self, token: Option<&str>, path: &str, body: Value) -> Response {
        self.call(Call::new("POST", path).bearer(token).json(body))
            .await
    }

    /// Logs in with a password; the whole answer.
    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_as(
            None,
            "/api/v1/auth/token",
            serde_json::json!({ "grant_type": "password", "email": email, "password": password }),
        )
        .await
    }

    /// The app as a service, built once per test (building it is the slow part of a call).
    async fn service(&self) -> Rc<AppService> {
        if let Some(service) = self.service.get() {
            return service.clone();
        }
        let app = Rc::new(test::init_service(build_app(self.state())).await);
        let service: Rc<AppService> = Rc::new(move |request| {
            let app = app.clone();
            Box::pin(async move {
                test::call_service(&*app, request)
                    .await
                    .map_into_boxed_body()
            })
        });
        self.service.get_or_init(|| service).clone()
    }

    pub async fn call(&self, call: Call) -> Response {
        let app = self.service().await;
        let mut request = test::TestRequest::default()
            .method(call.method.parse().expect("HTTP method"))
            .uri(&call.path)
            .peer_addr(call.peer.parse().expect("peer address"));
        if let Some(token) = &call.token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        for (name, value) in &call.headers {
            request = request.insert_header((name.as_str(), value.as_str()));
        }
        if let Some(body) = &call.body {
            request = request.set_json(body);
        }
        if let Some(raw) = &call.raw {
            request = request.set_payload(raw.clone());
        }
        let response = app(request.to_request()).await;
        let status = response.status();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type").unwrap_or_default();
        let retry_after = header("retry-after");
        let www_authenticate = header("www-authenticate");
        let etag = header("etag");
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let set_cookies = response
            .headers()
            .get_all("set-cookie")
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        let bytes = test::read_body(response).await;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        crate::contract::check(
            &call.method,
            &call.path,
            status.as_u16(),
            &content_type,
            &body,
        );
        Response {
            status,
            content_type,
            retry_after,
            www_authenticate,
            etag,
            headers,
            set_cookies,
            raw: bytes.to_vec(),
            body,
        }
    }
}

pub fn demo_email(role: &str, territory: &str) -> String {
    format!(
        "{}.{territory}@demo.guichet.example",
        role.replace('_', "-")
    )
}

/// One request to make.
pub struct Call {
    pub method: String,
    pub path: String,
    pub token: Option<String>,
    pub body: Option<Value>,
    pub peer: String,
    pub headers: Vec<(String, String)>,
    pub raw: Option<Vec<u8>>,
}

impl Call {
    pub fn new(method: &str, path: &str) -> Self {
        Self {
            method: method.to_owned(),
            path: path.to_owned(),
            token: None,
            body: None,
            peer: "192.0.2.10:40000".to_owned(),
            headers: Vec::new(),
            raw: None,
        }
    }

    pub fn get(path: &str) -> Self {
        Self::new("GET", path)
    }

    pub fn bearer(mut self, token: Option<&str>) -> Self {
        self.token = token.map(str::to_owned);
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn bytes(mut self, raw: &[u8]) -> Self {
        self.raw = Some(raw.to_vec());
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn peer(mut self, peer: &str) -> Self {
        self.peer = peer.to_owned();
        self
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub content_type: String,
    pub retry_after: Option<String>,
    pub www_authenticate: Option<String>,
    pub etag: Option<String>,
    pub headers: std::collections::HashMap<String, String>,
    /// Every `Set-Cookie` of the answer.
    pub set_cookies: Vec<String>,
    pub raw: Vec<u8>,
    pub body: Value,
}

impl Response {
    /// Asserts a problem+json answer with this status and code.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "{:#}", self.body);
        assert_eq!(self.content_type, "application/problem+json");
        assert_eq!(self.body["code"], code, "{:#}", self.body);
        assert_eq!(self.body["status"], status);
        assert!(self.body["title"].is_string() && self.body["detail"].is_string());
    }

    /// The `items` array of a list answer.
    pub fn items(&self) -> &Vec<Value> {
        assert_eq!(self.status, StatusCode::OK, "{:#}", self.body);
        self.body["items"].as_array().expect("items array")
    }

    /// The values of `field` across the items.
    pub fn field(&self, field: &str) -> Vec<String> {
        self.items()
            .iter()
            .map(|i| i[field].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}
