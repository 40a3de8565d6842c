use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{ImprovementAction, NewImprovementAction, NewReview, Organisation, Review};
use crate::db::schema::{
    improvement_action_tickets, improvement_actions, organisations, review_participants, reviews,
    tickets,
};
use crate::db::DbConn;
use crate::domain::review::{ActionStatus, Audience, ReviewStatus};

pub fn insert(conn: &mut DbConn, row: &NewReview, participants: &[i64]) -> QueryResult<Review> {
    let review: Review = diesel::insert_into(reviews::table)
        .values(row)
        .returning(reviews::all_columns)
        .get_result(conn)?;
    for organisation in participants {
        diesel::insert_into(review_participants::table)
            .values((
                review_participants::review_id.eq(review.id),
                review_participants::organisation_id.eq(organisation),
            ))
            .execute(conn)?;
    }
    Ok(review)
}

/// The review of a territory for an audience and exactly this period, if there is one.
pub fn find_for_period(
    conn: &mut DbConn,
    territory: &str,
    audience: Audience,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Option<Review>> {
    reviews::table
        .filter(reviews::territory_code.eq(territory))
        .filter(reviews::audience.eq(audience))
        .filter(reviews::period_from.eq(from))
        .filter(reviews::period_to.eq(to))
        .select(Review::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Review>> {
    reviews::table
        .find(id)
        .select(Review::as_select())
        .first(conn)
        .optional()
}

/// The reviews of these territories, latest period first.
pub fn list(conn: &mut DbConn, territories: &[String]) -> QueryResult<Vec<Review>> {
    reviews::table
        .filter(reviews::territory_code.eq_any(territories))
        .select(Review::as_select())
        .order((reviews::period_from.desc(), reviews::id.desc()))
        .load(conn)
}

pub fn participants(conn: &mut DbConn, review: i64) -> QueryResult<Vec<Organisation>> {
    review_participants::table
        .inner_join(
            organisations::table.on(organisations::id.eq(review_participants::organisation_id)),
        )
        .filter(review_participants::review_id.eq(review))
        .select(Organisation::as_select())
        .order(organisations::code)
        .load(conn)
}

/// Moves a review from `from` to `to`: 1 for the one writer that does, 0 when it had moved.
pub fn change_status(
    conn: &mut DbConn,
    id: i64,
    from: ReviewStatus,
    to: ReviewStatus,
    at: NaiveDateTime,
    snapshot: Option<String>,
) -> QueryResult<usize> {
    let target = reviews::table.find(id).filter(reviews::status.eq(from));
    match to {
        ReviewStatus::Held => diesel::update(target)
            .set((reviews::status.eq(to), reviews::held_at.eq(at)))
            .execute(conn),
        _ => diesel::update(target)
            .set((
                reviews::status.eq(to),
                reviews::published_at.eq(at),
                reviews::snapshot.eq(snapshot),
            ))
            .execute(conn),
    }
}

pub fn insert_action(
    conn: &mut DbConn,
    row: &NewImprovementAction,
    tickets: &[i64],
) -> QueryResult<ImprovementAction> {
    let action: ImprovementAction = diesel::insert_into(improvement_actions::table)
        .values(row)
        .returning(improvement_actions::all_columns)
        .get_result(conn)?;
    for ticket in tickets {
        diesel::insert_into(improvement_action_tickets::table)
            .values((
                improvement_action_tickets::action_id.eq(action.id),
                improvement_action_tickets::ticket_id.eq(ticket),
            ))
            .execute(conn)?;
    }
    Ok(action)
}

pub fn find_action(conn: &mut DbConn, id: i64) -> QueryResult<Option<ImprovementAction>> {
    improvement_actions::table
        .find(id)
        .select(ImprovementAction::as_select())
        .first(conn)
        .optional()
}

/// Moves an action from `from` to `to`: 1 for the one writer that does, 0 when it had moved.
pub fn change_action_status(
    conn: &mut DbConn,
    id: i64,
    from: ActionStatus,
    to: ActionStatus,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        improvement_actions::table
            .find(id)
            .filter(improvement_actions::status.eq(from)),
    )
    .set((
        improvement_actions::status.eq(to),
        improvement_actions::updated_at.eq(at),
    ))
    .execute(conn)
}

/// A review's own actions, and the actions of the territory's earlier reviews still open.
pub fn actions_of(conn: &mut DbConn, review: &Review) -> QueryResult<Vec<ImprovementAction>> {
    let earlier = reviews::table
        .filter(reviews::territory_code.eq(&review.territory_code))
        .filter(
            reviews::period_from
                .lt(review.period_from)
                .or(reviews::period_from
                    .eq(review.period_from)
                    .and(reviews::id.lt(review.id))),
        )
        .select(reviews::id);
    improvement_actions::table
        .filter(improvement_actions::review_id.eq(review.id).or(
            improvement_actions::review_id.eq_any(earlier).and(
                improvement_actions::status.eq_any([ActionStatus::Open, ActionStatus::InProgress]),
            ),
        ))
        .select(ImprovementAction::as_select())
        .order((improvement_actions::due_on, improvement_actions::id))
        .load(conn)
}

/// The references of the tickets linked to an action.
pub fn action_tickets(conn: &mut DbConn, action: i64) -> QueryResult<Vec<String>> {
    improvement_action_tickets::table
        .inner_join(tickets::table.on(tickets::id.eq(improvement_action_tickets::ticket_id)))
        .filter(improvement_action_tickets::action_id.eq(action))
        .select(tickets::reference)
        .order(tickets::reference)
        .load(conn)
}
