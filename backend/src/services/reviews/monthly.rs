//! The monthly review (a scheduled job, daily by default): each territory without a review of
//! the month before gets a draft one, announced to its steering users with a link; each partner
//! organisation of the territory (authorities, collectivités, the vendor) gets its own
//! figures of that month. One transaction: the review and its notices commit together, and
//! a territory whose month is already drafted is left alone, so a second run (another
//! instance, a restart) writes nothing twice.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde_json::{json, Value};

use super::content;
use crate::db::models::{NewReview, Organisation, Territory};
use crate::db::repo::{organisations, recipients, reviews};
use crate::db::DbConn;
use crate::domain::figures::day_start;
use crate::domain::french;
use crate::domain::notifications::Notice;
use crate::domain::review::{Audience, ReviewStatus};
use crate::error::AppError;
use crate::services::notifications::outbox;
use crate::services::stats::{self, scope, views::Figures};
use crate::services::unit_of_work::{self, Tx};
use crate::state::AppState;

/// Who drafts the monthly reviews, in their history.
const AUTHOR: &str = "guichet (revue mensuelle)";

/// Drafts the reviews of last month that are missing; returns how many.
pub async fn draft_last_month(state: &AppState) -> Result<usize, AppError> {
    unit_of_work::write_anonymous(state, draft_in).await
}

/// The first days of last month and of this month in `territory`'s time zone.
fn last_month(now: DateTime<Utc>, territory: &Territory) -> (NaiveDate, NaiveDate) {
    let today = now.with_timezone(&territory.zone()).date_naive();
    let this_month = today.with_day(1).unwrap_or(today);
    let last = (this_month - Duration::days(1))
        .with_day(1)
        .unwrap_or(this_month);
    (last, this_month)
}

fn draft_in(tx: &mut Tx) -> Result<usize, AppError> {
    let mut drafted = 0;
    for territory in crate::db::repo::territories::list(tx.conn)? {
        let (first, next) = last_month(tx.now, &territory);
        let zone = territory.zone();
        let (from, to) = (day_start(first, zone), day_start(next, zone));
        let existing = reviews::find_for_period(
            tx.conn,
            &territory.code,
            Audience::Costra,
            from.naive_utc(),
            to.naive_utc(),
        )?;
        if existing.is_some() {
            continue;
        }
        let period = format!(
            "du {} au {}",
            french::date(first),
            french::date(next - Duration::days(1))
        );
        let partners = partners(tx.conn, &territory)?;
        let review = reviews::insert(
            tx.conn,
            &NewReview {
                territory_code: territory.code.clone(),
                audience: Audience::Costra,
                title: format!("Revue d'incidents de {}", french::month(first)),
                period_from: from.naive_utc(),
                period_to: to.naive_utc(),
                status: ReviewStatus::Draft,
                created_by: AUTHOR.to_owned(),
                created_at: tx.now.naive_utc(),
            },
            &partners.iter().map(|o| o.id).collect::<Vec<_>>(),
        )?;
        let shown = content::compute(tx.conn, &review, tx.now)?;
        let volumes = &shown.figures.tickets;
        let payload = json!({
            "reference": "",
            "path": format!("/api/v1/reviews/{}", review.id),
            "review": {
                "title": review.title, "territory": territory.name, "period": period,
                "opened": french::integer(volumes.opened),
                "resolved": french::integer(volumes.resolved),
                "backlog": french::integer(volumes.backlog),
                "major_incidents": french::integer(shown.major_incidents.len() as i64),
            },
        });
        let steering = recipients::steering_of(tx.conn, &territory.code)?;
        outbox::announce(tx.conn, tx.now, &steering, Notice::ReviewDrafted, &payload)?;
        for organisation in &partners {
            let Some(scope) = scope::organisation(organisation) else {
                continue;
            };
            let key = scope.view.key.clone();
            let figures = stats::compute(tx.conn, scope, from, to, zone)?;
            let payload = json!({
                "reference": "",
                "path": format!("/api/v1/stats?scope={key}&from={first}&to={next}"),
                "figures": summary(organisation, &figures, &period),
            });
            let agents = recipients::agents_of(tx.conn, organisation.id)?;
            outbox::announce(tx.conn, tx.now, &agents, Notice::MonthlyFigures, &payload)?;
        }
        drafted += 1;
    }
    Ok(drafted)
}

/// The territory's organisations that take part in the support chain.
fn partners(conn: &mut DbConn, territory: &Territory) -> Result<Vec<Organisation>, AppError> {
    let filter = organisations::OrganisationFilter {
        kind: None,
        territory: Some(territory.code.clone()),
    };
    Ok(organisations::list(conn, &filter)?
        .into_iter()
        .filter(|o| scope::organisation(o).is_some())
        .collect())
}

/// An organisation's month in a few French words.
fn summary(organisation: &Organisation, figures: &Figures, period: &str) -> Value {
    let (met, breached) =
        figures
            .compliance_by_priority
            .iter()
            .fold((0, 0), |(met, breached), p| {
                (
                    met + p.response.met + p.resolution.met,
                    breached + p.response.breached + p.resolution.breached,
                )
            });
    let median = |m: Option<i64>| m.map(french::duration).unwrap_or_else(|| "—".into());
    let compliance = crate::domain::figures::share(met, met + breached)
        .map(french::percent)
        .unwrap_or_else(|| "aucun délai échu".into());
    json!({
        "scope": organisation.name, "period": period,
        "opened": french::integer(figures.tickets.opened),
        "resolved": french::integer(figures.tickets.resolved),
        "backlog": french::integer(figures.tickets.backlog),
        "response_median": median(figures.response.median_minutes),
        "resolution_median": median(figures.resolution.median_minutes),
        "compliance": compliance,
    })
}
