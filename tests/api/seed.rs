use diesel::prelude::*;
use guichet::db::schema::*;
use guichet::services::seed::{self, DemoSeed, ReferenceSeed};

use crate::helpers::TestApp;

/// Rows in every table the seeds write.
fn row_counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    let mut conn = app.conn();
    let c = &mut *conn;
    vec![
        (
            "territories",
            territories::table.count().get_result(c).unwrap(),
        ),
        (
            "organisations",
            organisations::table.count().get_result(c).unwrap(),
        ),
        (
            "establishments",
            establishments::table.count().get_result(c).unwrap(),
        ),
        ("queues", queues::table.count().get_result(c).unwrap()),
        (
            "categories",
            categories::table.count().get_result(c).unwrap(),
        ),
        (
            "school_holidays",
            school_holidays::table.count().get_result(c).unwrap(),
        ),
        ("users", users::table.count().get_result(c).unwrap()),
        (
            "role_grants",
            role_grants::table.count().get_result(c).unwrap(),
        ),
    ]
}

#[actix_web::test]
async fn seeding_twice_changes_no_row_count() {
    let app = TestApp::empty();
    let first = app.seed(true);
    assert!(first.inserted > 100, "{first}");
    let counts = row_counts(&app);
    assert!(counts.iter().all(|(_, n)| *n > 0), "{counts:?}");

    let second = app.seed(true);
    assert_eq!(second.inserted, 0, "{second}");
    assert_eq!(second.updated, 0, "{second}");
    assert_eq!(second.unchanged, first.inserted);
    assert_eq!(row_counts(&app), counts);
}

#[actix_web::test]
async fn reference_seed_alone_loads_no_establishment_and_no_user() {
    let app = TestApp::empty();
    app.seed(false);
    let counts = row_counts(&app);
    assert_eq!(counts[2], ("establishments", 0));
    assert_eq!(counts[6], ("users", 0));
    assert_eq!(counts[0], ("territories", 3));
}

#[actix_web::test]
async fn a_changed_seed_value_is_updated_in_place() {
    let app = TestApp::seeded();
    let counts = row_counts(&app);
    let mut reference = ReferenceSeed::embedded().unwrap();
    let moselle = reference
        .organisations
        .iter_mut()
        .find(|o| o.code == "dep-57")
        .unwrap();
    moselle.name = "Département de la Moselle (renommé)".into();
    let demo = DemoSeed::embedded().unwrap();
    let report = seed::load(&mut app.conn(), &reference, Some(&demo)).unwrap();
    assert_eq!(report.updated, 1, "{report}");
    assert_eq!(report.inserted, 0, "{report}");
    assert_eq!(row_counts(&app), counts);
    let orgs = app
        .get("/api/v1/organisations?kind=collectivite&territory=GE")
        .await;
    let moselle = orgs.items().iter().find(|o| o["code"] == "dep-57").unwrap();
    assert_eq!(moselle["name"], "Département de la Moselle (renommé)");
}

#[actix_web::test]
async fn an_inconsistent_seed_is_refused_whole() {
    let app = TestApp::empty();
    let mut reference = ReferenceSeed::embedded().unwrap();
    reference.queues[0].organisation = "nowhere".into();
    let err = seed::load(&mut app.conn(), &reference, None).unwrap_err();
    assert!(err.to_string().contains("nowhere"), "{err}");
    // One transaction: nothing of the failed run stays.
    assert!(row_counts(&app).iter().all(|(_, n)| *n == 0));
}

#[actix_web::test]
async fn a_demo_school_with_a_bad_uai_is_refused() {
    let app = TestApp::empty();
    let reference = ReferenceSeed::embedded().unwrap();
    let mut demo = DemoSeed::embedded().unwrap();
    demo.establishments[0].uai = "0540038Z".into();
    let err = seed::load(&mut app.conn(), &reference, Some(&demo)).unwrap_err();
    assert!(err.to_string().contains("0540038Z"), "{err}");
}
