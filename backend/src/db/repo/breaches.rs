use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{Breach, BreachEvent, NewBreach, NewBreachEvent};
use crate::db::schema::{personal_data_breach_events, personal_data_breaches};
use crate::db::DbConn;
use crate::domain::breach::BreachOutcome;

pub fn insert(conn: &mut DbConn, row: &NewBreach) -> QueryResult<Breach> {
    diesel::insert_into(personal_data_breaches::table)
        .values(row)
        .returning(personal_data_breaches::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Breach>> {
    personal_data_breaches::table
        .find(id)
        .select(Breach::as_select())
        .first(conn)
        .optional()
}

/// The breaches of these territories, the latest known first; only those still waiting
/// for their decision when `waiting`.
pub fn list(
    conn: &mut DbConn,
    territories: &[String],
    waiting: Option<bool>,
    limit: i64,
) -> QueryResult<Vec<Breach>> {
    let mut query = personal_data_breaches::table
        .filter(personal_data_breaches::territory_code.eq_any(territories))
        .select(Breach::as_select())
        .order((
            personal_data_breaches::aware_at.desc(),
            personal_data_breaches::id.desc(),
        ))
        .limit(limit)
        .into_boxed();
    match waiting {
        Some(true) => query = query.filter(personal_data_breaches::outcome.is_null()),
        Some(false) => query = query.filter(personal_data_breaches::outcome.is_not_null()),
        None => {}
    }
    query.load(conn)
}

/// The breaches still waiting for their decision whose next reminder (stage `stage`) comes
/// at `now` or before: the job reads each stage with the instant it comes at.
pub fn awaiting_alert(
    conn: &mut DbConn,
    stage: i32,
    deadline_before: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Breach>> {
    personal_data_breaches::table
        .filter(personal_data_breaches::outcome.is_null())
        .filter(personal_data_breaches::deadline_at.le(deadline_before))
        .filter(personal_data_breaches::alert_stage.lt(stage))
        .select(Breach::as_select())
        .order(personal_data_breaches::id)
        .limit(limit)
        .load(conn)
}

/// Records reminder `stage` unless it, a later one, or the decision is recorded: 1 if this
/// call did.
pub fn claim_alert(conn: &mut DbConn, id: i64, stage: i32) -> QueryResult<usize> {
    diesel::update(
        personal_data_breaches::table
            .find(id)
            .filter(personal_data_breaches::outcome.is_null())
            .filter(personal_data_breaches::alert_stage.lt(stage)),
    )
    .set(personal_data_breaches::alert_stage.eq(stage))
    .execute(conn)
}

/// The controller's decision, written once: 1 if this call wrote it, 0 if it was there.
pub struct Decision<'a> {
    pub outcome: BreachOutcome,
    pub notified_at: Option<NaiveDateTime>,
    pub cnil_reference: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub recorded_by: &'a str,
    pub recorded_at: NaiveDateTime,
}

pub fn record_decision(conn: &mut DbConn, id: i64, decision: &Decision) -> QueryResult<usize> {
    diesel::update(
        personal_data_breaches::table
            .find(id)
            .filter(personal_data_breaches::outcome.is_null()),
    )
    .set((
        personal_data_breaches::outcome.eq(decision.outcome),
        personal_data_breaches::notified_at.eq(decision.notified_at),
        personal_data_breaches::cnil_reference.eq(decision.cnil_reference),
        personal_data_breaches::outcome_reason.eq(decision.reason),
        personal_data_breaches::outcome_recorded_by.eq(decision.recorded_by),
        personal_data_breaches::outcome_recorded_at.eq(decision.recorded_at),
    ))
    .execute(conn)
}

pub fn insert_event(conn: &mut DbConn, row: &NewBreachEvent) -> QueryResult<BreachEvent> {
    diesel::insert_into(personal_data_breach_events::table)
        .values(row)
        .returning(personal_data_breach_events::all_columns)
        .get_result(conn)
}

/// A breach's journal, in the order it was written.
pub fn events(conn: &mut DbConn, breach_id: i64) -> QueryResult<Vec<BreachEvent>> {
    personal_data_breach_events::table
        .filter(personal_data_breach_events::breach_id.eq(breach_id))
        .select(BreachEvent::as_select())
        .order(personal_data_breach_events::id)
        .load(conn)
}
