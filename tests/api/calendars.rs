use chrono::{NaiveDate, TimeZone, Utc};
use guichet::domain::uai::Uai;
use guichet::services::calendars::for_establishment;

use crate::helpers::TestApp;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[actix_web::test]
async fn a_schools_calendar_follows_its_departement_and_zone() {
    let app = TestApp::seeded();
    let all = app.get("/api/v1/establishments?limit=200").await;
    let uai_of = |name_part: &str| {
        all.items()
            .iter()
            .find(|e| e["name"].as_str().unwrap().contains(name_part))
            .map(|e| Uai::parse(e["uai"].as_str().unwrap()).unwrap())
            .unwrap_or_else(|| panic!("{name_part} seeded"))
    };
    let mut conn = app.conn();
    let strasbourg = for_establishment(&mut conn, &uai_of("Kléber — Strasbourg")).unwrap();
    let reims = for_establishment(&mut conn, &uai_of("Jean-Jaurès — Reims")).unwrap();
    let paris = for_establishment(&mut conn, &Uai::parse("0750655E").unwrap()).unwrap();

    let good_friday = day(2026, 4, 3);
    assert!(!strasbourg.is_business_day(good_friday));
    assert!(reims.is_business_day(good_friday));

    // Monday 16 February 2026: zone B (Reims) on winter holiday, zone C (Paris) in class.
    assert!(!reims.is_business_day(day(2026, 2, 16)));
    assert!(paris.is_business_day(day(2026, 2, 16)));
    // Monday 2 March 2026: the reverse.
    assert!(reims.is_business_day(day(2026, 3, 2)));
    assert!(!paris.is_business_day(day(2026, 3, 2)));

    // 08:00 Paris on a term-time Tuesday is 07:00 UTC in winter.
    let opening = Utc.with_ymd_and_hms(2026, 11, 24, 7, 0, 0).unwrap();
    assert!(reims.in_window(opening));
    assert!(!reims.in_window(opening - chrono::Duration::seconds(1)));
}

#[actix_web::test]
async fn school_holidays_are_listed_per_zone() {
    let app = TestApp::seeded();
    let zone_c = app.get("/api/v1/calendars/school-holidays?zone=C").await;
    assert!(zone_c.items().iter().all(|h| h["zone"] == "C"));
    let winter = zone_c
        .items()
        .iter()
        .find(|h| h["school_year"] == "2025-2026" && h["name"] == "Vacances d'hiver")
        .expect("zone C winter 2025-2026");
    assert_eq!(winter["first_day"], "2026-02-22");
    assert_eq!(winter["last_day"], "2026-03-08");
    let all = app.get("/api/v1/calendars/school-holidays").await;
    assert!(all.items().len() > zone_c.items().len());
    app.get("/api/v1/calendars/school-holidays?zone=D")
        .await
        .assert_problem(422, "unknown_value");
}

#[actix_web::test]
async fn public_holidays_add_alsace_moselle_days_for_57_67_68() {
    let app = TestApp::seeded();
    let reims = app
        .get("/api/v1/calendars/public-holidays?year=2026&departement=51")
        .await;
    let strasbourg = app
        .get("/api/v1/calendars/public-holidays?year=2026&departement=67")
        .await;
    assert_eq!(reims.items().len(), 11);
    assert_eq!(strasbourg.items().len(), 13);
    assert!(strasbourg.field("date").contains(&"2026-04-03".to_owned()));
    assert!(!reims.field("date").contains(&"2026-04-03".to_owned()));
    app.get("/api/v1/calendars/public-holidays")
        .await
        .assert_problem(422, "required");
    app.get("/api/v1/calendars/public-holidays?year=99999")
        .await
        .assert_problem(422, "out_of_range");
}
