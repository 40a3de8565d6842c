//! What a review shows of its period, counted now: the territory's figures, its availability
//! and its major incidents with their public journal.

use chrono::{DateTime, Utc};

use super::views::{MajorIncident, ReviewContent, TimelineEntry};
use crate::db::models::Review;
use crate::db::repo::{organisations, territories, ticket_events, tickets};
use crate::db::DbConn;
use crate::error::AppError;
use crate::services::availability::figures as availability;
use crate::services::stats::{self, scope};

pub fn compute(
    conn: &mut DbConn,
    review: &Review,
    now: DateTime<Utc>,
) -> Result<ReviewContent, AppError> {
    let territory = territories::find(conn, &review.territory_code)?
        .ok_or_else(|| AppError::Internal("review of an unknown territory".into()))?;
    let zone = territory.zone();
    let (from, to) = (review.period_from.and_utc(), review.period_to.and_utc());
    let figures = stats::compute(conn, scope::territory(&territory), from, to, zone)?;
    let availability = availability::compute(conn, territory, from, to, now)?;
    let major_incidents = major_incidents(conn, review)?;
    Ok(ReviewContent {
        computed_at: now,
        figures,
        availability,
        major_incidents,
    })
}

fn major_incidents(conn: &mut DbConn, review: &Review) -> Result<Vec<MajorIncident>, AppError> {
    let incidents = tickets::major_incidents(
        conn,
        &review.territory_code,
        review.period_from,
        review.period_to,
    )?;
    let mut organisation_codes = std::collections::HashMap::new();
    incidents
        .into_iter()
        .map(|ticket| {
            let mut timeline = Vec::new();
            for event in ticket_events::list(conn, ticket.id, false)? {
                let organisation = match event.actor_organisation_id {
                    Some(id) => match organisation_codes.get(&id) {
                        Some(code) => Option::clone(code),
                        None => {
                            let code = organisations::find(conn, id)?.map(|o| o.code);
                            organisation_codes.insert(id, code.clone());
                            code
                        }
                    },
                    None => None,
                };
                timeline.push(TimelineEntry {
                    at: event.occurred_at.and_utc(),
                    kind: event.kind,
                    organisation,
                    body: event.body,
                });
            }
            Ok(MajorIncident {
                children: tickets::count_children(conn, ticket.id)?,
                reference: ticket.reference,
                title: ticket.title,
                status: ticket.status.as_str().to_owned(),
                opened_at: ticket.created_at.and_utc(),
                resolved_at: ticket.resolved_at.map(|t| t.and_utc()),
                timeline,
            })
        })
        .collect()
}
