use crate::helpers::TestApp;

#[actix_web::test]
async fn live_answers_without_a_database_check() {
    let app = TestApp::unmigrated();
    let response = app.get("/health/live").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.body["status"], "live");
}

#[actix_web::test]
async fn ready_names_the_backend_once_migrated() {
    let app = TestApp::empty();
    let response = app.get("/health/ready").await;
    assert_eq!(response.status, 200, "{:#}", response.body);
    assert_eq!(response.body["status"], "ready");
    let expected = match app.db.url {
        guichet::settings::DatabaseUrl::Sqlite(_) => "sqlite",
        guichet::settings::DatabaseUrl::Postgres(_) => "postgresql",
    };
    assert_eq!(response.body["database"], expected);
}

#[actix_web::test]
async fn ready_is_503_while_migrations_are_pending() {
    let app = TestApp::unmigrated();
    app.get("/health/ready")
        .await
        .assert_problem(503, "migrations_pending");
}

#[actix_web::test]
async fn an_unknown_route_is_a_problem_404() {
    let app = TestApp::empty();
    app.get("/api/v1/nothing-here")
        .await
        .assert_problem(404, "not_found");
}

#[test]
fn an_unreachable_postgres_reports_its_own_error() {
    let url =
        guichet::settings::DatabaseUrl::parse("postgres://guichet@127.0.0.1:1/guichet").unwrap();
    let err = guichet::db::connect_pool(&url, 1, std::time::Duration::from_secs(2)).unwrap_err();
    // libpq's own words, not a pool time-out.
    assert!(
        err.contains("127.0.0.1") && err.contains("refused"),
        "{err}"
    );
}
