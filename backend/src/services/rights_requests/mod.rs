//! Requests to exercise a data subject's rights: the party that receives one records it; the
//! scope of the people concerned designates the competent controller (the rule of breaches,
//! convention art. 7); a request received by another party is forwarded to it at once, with
//! a journal entry and a message; the answer is due one month after receipt.

pub mod read;
pub mod record;
pub mod views;

use crate::db::models::RightsRequest;
use crate::db::repo::rights_requests;
use crate::db::DbConn;
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::controller_scope::{deals_with_personal_data, territories_read, StoredScope};

/// The request, if the caller reads it; 404 otherwise.
fn readable(conn: &mut DbConn, caller: &Caller, id: i64) -> Result<RightsRequest, AppError> {
    deals_with_personal_data(caller)?;
    let not_found =
        || AppError::not_found(format!("demande d'exercice de droits {id} introuvable"));
    let request = rights_requests::find(conn, id)?.ok_or_else(not_found)?;
    if territories_read(conn, caller)?.contains(&request.territory_code) {
        Ok(request)
    } else {
        Err(not_found())
    }
}

/// The request's scope and controller, as the art. 7 rule reads them.
fn stored(request: &RightsRequest) -> StoredScope<'_> {
    StoredScope {
        territory: &request.territory_code,
        scope: request.scope,
        scope_organisation_id: request.scope_organisation_id,
        establishments: &request.scope_establishments,
        controller_kind: request.controller_kind,
        controller_organisation_id: request.controller_organisation_id,
    }
}
