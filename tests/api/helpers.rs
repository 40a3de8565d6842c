//! The test harness: a fresh database per test, and requests through the real app.

use std::sync::atomic::{AtomicU32, Ordering};

use actix_web::http::StatusCode;
use actix_web::test;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::Connection;
use guichet::db::{connect_pool, migrations, DbPool};
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

/// The app over its own database. Fields drop in order: the pool before the database.
pub struct TestApp {
    pub pool: DbPool,
    pub db: TestDb,
}

impl TestApp {
    /// Connected, not migrated.
    pub fn unmigrated() -> Self {
        let db = TestDb::fresh();
        let pool = connect_pool(&db.url, 4).expect("test pool");
        Self { pool, db }
    }

    /// Migrated, without data.
    pub fn empty() -> Self {
        let app = Self::unmigrated();
        migrations::run_pending(&mut app.conn()).expect("migrations");
        app
    }

    /// Migrated, with the reference data and the demo establishments.
    pub fn seeded() -> Self {
        let app = Self::empty();
        app.seed(true);
        app
    }

    pub fn seed(&self, demo: bool) -> SeedReport {
        let reference = ReferenceSeed::embedded().expect("reference seed parses");
        let demo = demo.then(|| DemoSeed::embedded().expect("demo seed parses"));
        seed::load(&mut self.conn(), &reference, demo.as_ref()).expect("seed loads")
    }

    pub fn conn(&self) -> diesel::r2d2::PooledConnection<guichet::db::pool::ConnectionManager> {
        self.pool.get().expect("pooled connection")
    }

    fn state(&self) -> AppState {
        let settings = Settings::from_lookup(|_| None).expect("default settings");
        AppState::new(self.pool.clone(), settings)
    }

    /// GET `path`; returns the status, the content type and the JSON body (Null if none).
    pub async fn get(&self, path: &str) -> Response {
        let app = test::init_service(build_app(self.state())).await;
        let response =
            test::call_service(&app, test::TestRequest::get().uri(path).to_request()).await;
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let bytes = test::read_body(response).await;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Response {
            status,
            content_type,
            body,
        }
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub content_type: String,
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
