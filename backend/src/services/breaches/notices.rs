//! Who a breach's messages reach, and what they say: the people acting for the controller
//! (its agents; for heads of establishment, the schools' correspondents, who bring it to
//! their head, and their authority's agents) and every DPD of the territory, by its address.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::stored;
use super::views::InformedDpo;
use crate::db::models::Breach;
use crate::db::repo::{organisations, territories};
use crate::db::DbConn;
use crate::domain::french;
use crate::domain::notifications::Notice;
use crate::error::AppError;
use crate::services::controller_scope::{controller_people, parties};
use crate::services::notifications::outbox;

/// The DPDs of the territory's organisations: all of them are told, the controller's own
/// included, since art. 7 has the controller notify « avec l'aide des DPD concernés ».
pub fn dpos(conn: &mut DbConn, territory: &str) -> Result<Vec<InformedDpo>, AppError> {
    let mut dpos: Vec<InformedDpo> = Vec::new();
    for organisation in organisations::with_dpo(conn, territory)? {
        // One DPD may serve several organisations (a région académique's académies): one
        // message each.
        match organisation.dpo_email {
            Some(email) if !dpos.iter().any(|d| d.email == email) => dpos.push(InformedDpo {
                organisation: organisation.code,
                email,
            }),
            _ => {}
        }
    }
    Ok(dpos)
}

/// What every message about the breach says, plus `extra` (a reminder's or a decision's
/// sentence).
pub fn payload(conn: &mut DbConn, breach: &Breach, extra: Value) -> Result<Value, AppError> {
    let (scope, controller) = parties(conn, &stored(breach))?;
    let territory = territories::find(conn, &breach.territory_code)?;
    let zone = territory
        .as_ref()
        .map(|t| t.zone())
        .unwrap_or(chrono_tz::Europe::Paris);
    let people = breach
        .people_categories
        .0
        .iter()
        .map(|c| c.label())
        .collect::<Vec<_>>()
        .join(", ");
    let records = breach
        .record_categories
        .0
        .iter()
        .map(|c| c.label())
        .collect::<Vec<_>>()
        .join(", ");
    let mut described = json!({
        "territory": territory.map(|t| t.name).unwrap_or_else(|| breach.territory_code.clone()),
        "nature": breach.nature,
        "people": format!("{people} (environ {})", french::integer(breach.people_count)),
        "records": format!("{records} (environ {} enregistrements)", french::integer(breach.record_count)),
        "scope": scope.label,
        "controller": controller.label,
        "reason": controller.reason,
        "aware": french::date_time(breach.aware_at.and_utc(), zone),
        "deadline": french::date_time(breach.deadline_at.and_utc(), zone),
        "declared_by": breach.declared_by,
    });
    if let (Some(object), Value::Object(more)) = (described.as_object_mut(), extra) {
        object.extend(more);
    }
    Ok(json!({
        "reference": "",
        "path": format!("/api/v1/breaches/{}", breach.id),
        "breach": described,
    }))
}

/// Sends `notice` to the people acting for the controller.
pub fn to_controller(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    breach: &Breach,
    notice: Notice,
    payload: &Value,
) -> Result<usize, AppError> {
    let people = controller_people(conn, &stored(breach))?;
    outbox::announce(conn, now, &people, notice, payload)?;
    Ok(people.len())
}

/// Sends the DPD information to each of `dpos`.
pub fn to_dpos(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    dpos: &[InformedDpo],
    payload: &Value,
) -> Result<(), AppError> {
    for dpo in dpos {
        outbox::announce_to_address(conn, now, &dpo.email, Notice::BreachDpoInformation, payload)?;
    }
    Ok(())
}
