//! The monthly job: each territory's review of last month drafted, its steering users told
//! with a link, each partner organisation sent its own month's figures; a second run writes
//! nothing twice; the schedule is a setting checked at start.

use chrono::{TimeZone, Utc};
use diesel::prelude::*;
use serde_json::Value;

use guichet::db::models::OutboxMessage;
use guichet::db::schema::outbox;
use guichet::domain::notifications::Notice;
use guichet::generator::{run, GenerateOptions};
use guichet::services::jobs;
use guichet::settings::Settings;

use crate::helpers::{demo_email, TestApp, TEST_JWT_SECRET};

fn notices(app: &TestApp, notice: Notice) -> Vec<OutboxMessage> {
    outbox::table
        .filter(outbox::notice.eq(notice))
        .select(OutboxMessage::as_select())
        .order(outbox::id)
        .load(&mut *app.conn())
        .unwrap()
}

#[actix_web::test]
async fn the_monthly_job_drafts_last_months_reviews_and_sends_each_partner_its_figures() {
    let app = TestApp::seeded();
    let options = GenerateOptions {
        tickets: 150,
        months: 2,
        seed: 11,
    };
    let generated_until = Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap();
    run(&mut app.conn(), &options, generated_until).expect("two months of activity");
    // 3 December, 06:00 in Paris: the runs of the 1st and the 2nd were missed (a crash, a
    // stop), this one makes November up.
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 3, 5, 0, 0).unwrap());

    // Eight instances wake at once: one takes the lease and drafts, the others stand aside.
    let state = app.state();
    let mut ran: Vec<_> =
        futures_util::future::join_all((0..8).map(|_| jobs::monthly_reviews(&state)))
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
    ran.sort();
    assert_eq!(
        ran,
        [None, None, None, None, None, None, None, Some(3)],
        "one review per territory, drafted once"
    );

    let steering = app.demo_token("steering", "ge");
    let listed = app.get_as(&steering, "/api/v1/reviews").await;
    assert_eq!(listed.status, 200, "{:#}", listed.body);
    let reviews = listed.items();
    assert_eq!(reviews.len(), 1, "Grand Est's only: {:#}", listed.body);
    let review = &reviews[0];
    assert_eq!(review["title"], "Revue d'incidents de novembre 2026");
    assert_eq!(review["status"], "draft");
    let id = review["id"].as_i64().unwrap();
    let shown = app
        .get_as(&steering, &format!("/api/v1/reviews/{id}"))
        .await;
    assert_eq!(shown.status, 200);
    let participants: Vec<&str> = shown.body["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    for code in ["ac-nancy-metz", "dep-57", "titulaire-ent-grand-est"] {
        assert!(participants.contains(&code), "{code} in {participants:?}");
    }
    let opened = shown.body["content"]["figures"]["tickets"]["opened"]
        .as_i64()
        .unwrap();
    assert!(opened > 0, "November's tickets are counted");

    // The steering users are told, with the review's link.
    let told = notices(&app, Notice::ReviewDrafted);
    let ge = told
        .iter()
        .find(|m| m.recipient_email == demo_email("steering", "ge"))
        .expect("Grand Est's steering member is told");
    assert_eq!(ge.payload.0["path"], format!("/api/v1/reviews/{id}"));
    assert_eq!(
        ge.payload.0["review"]["opened"],
        guichet::domain::french::integer(opened)
    );
    assert_eq!(told.len(), 3, "one steering member per territory");

    // The Moselle's agent gets the Moselle's figures, as the API gives them.
    let moselle_figures = app
        .get_as(
            &steering,
            "/api/v1/stats?scope=collectivite:dep-57&from=2026-11-01&to=2026-12-01",
        )
        .await;
    let figures = notices(&app, Notice::MonthlyFigures);
    let moselle: Vec<&Value> = figures
        .iter()
        .filter(|m| m.recipient_email == demo_email("collectivite-agent", "ge"))
        .map(|m| &m.payload.0)
        .collect();
    assert_eq!(moselle.len(), 1, "{moselle:?}");
    assert_eq!(moselle[0]["figures"]["scope"], "Département de la Moselle");
    assert_eq!(
        moselle[0]["figures"]["opened"],
        guichet::domain::french::integer(
            moselle_figures.body["tickets"]["opened"].as_i64().unwrap()
        )
    );
    assert_eq!(
        moselle[0]["path"],
        "/api/v1/stats?scope=collectivite:dep-57&from=2026-11-01&to=2026-12-01"
    );
    // Every partner of every territory with agents: the vendor's too.
    assert!(figures
        .iter()
        .any(|m| m.recipient_email == demo_email("vendor-agent", "hdf")));

    // The next day's run: nothing new.
    let before = (told.len(), figures.len());
    app.clock
        .set(Utc.with_ymd_and_hms(2026, 12, 4, 5, 0, 0).unwrap());
    assert_eq!(jobs::monthly_reviews(&app.state()).await.unwrap(), Some(0));
    assert_eq!(
        (
            notices(&app, Notice::ReviewDrafted).len(),
            notices(&app, Notice::MonthlyFigures).len()
        ),
        before
    );
}

#[test]
fn the_schedule_is_checked_at_start() {
    let with = |cron: &'static str| {
        Settings::from_lookup(move |name| match name {
            "GUICHET_JWT_SECRET" => Some(TEST_JWT_SECRET.to_owned()),
            "GUICHET_REVIEW_CRON" => Some(cron.to_owned()),
            _ => None,
        })
    };
    assert_eq!(with("0 30 4 2 * *").unwrap().review_cron, "0 30 4 2 * *");
    let refused = with("le premier du mois").unwrap_err();
    assert_eq!(refused.variable, "GUICHET_REVIEW_CRON");
}
