//! Personal-data breaches: declared by an agent, on their own or from a ticket; the scope of
//! the people affected designates the controller that notifies the CNIL (convention art. 7)
//! within 72 hours of awareness; every DPD of the territory is told; reminders come at 24
//! and 6 hours left and at the deadline; the controller's decision is recorded once. The
//! breach's journal is append-only (the database refuses any other change).

pub mod alerts;
pub mod decision;
pub mod declare;
pub mod notices;
pub mod read;
pub mod views;

use crate::db::models::Breach;
use crate::db::repo::{breaches, establishments};
use crate::db::DbConn;
use crate::domain::breach::ControllerKind;
use crate::error::AppError;
use crate::services::caller::{Caller, GrantScope};
use crate::services::controller_scope::{deals_with_personal_data, territories_read, StoredScope};

fn not_found(id: i64) -> AppError {
    AppError::not_found(format!("violation de données {id} introuvable"))
}

/// The breach, if the caller reads it; 404 otherwise.
fn readable(conn: &mut DbConn, caller: &Caller, id: i64) -> Result<Breach, AppError> {
    deals_with_personal_data(caller)?;
    let breach = breaches::find(conn, id)?.ok_or_else(|| not_found(id))?;
    if territories_read(conn, caller)?.contains(&breach.territory_code) {
        Ok(breach)
    } else {
        Err(not_found(id))
    }
}

/// Whether the caller records the controller's decision: an agent of the controller, of
/// the authority of a school whose head is controller (on the head's behalf), or an admin
/// of the territory.
fn records_decision(conn: &mut DbConn, caller: &Caller, breach: &Breach) -> Result<bool, AppError> {
    if caller.administers(Some(&breach.territory_code)) {
        return Ok(true);
    }
    let organisations: Vec<i64> = match breach.controller_kind {
        ControllerKind::HeadsOfEstablishment => {
            let mut ids = Vec::new();
            for uai in &breach.scope_establishments.0 {
                if let Some((_, authority, _)) = establishments::find(conn, uai)? {
                    ids.push(authority.id);
                }
            }
            ids
        }
        _ => breach.controller_organisation_id.into_iter().collect(),
    };
    Ok(caller.grants.iter().any(|g| {
        g.role.is_agent()
            && matches!(&g.scope, GrantScope::Organisation { id, .. } if organisations.contains(id))
    }))
}

/// The breach's scope and controller, as the art. 7 rule reads them.
fn stored(breach: &Breach) -> StoredScope<'_> {
    StoredScope {
        territory: &breach.territory_code,
        scope: breach.scope,
        scope_organisation_id: breach.scope_organisation_id,
        establishments: &breach.scope_establishments,
        controller_kind: breach.controller_kind,
        controller_organisation_id: breach.controller_organisation_id,
    }
}
