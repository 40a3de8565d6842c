//! Incident reviews: a territory's steering bodies read, over a period, its figures, its
//! major incidents and its availability, with the organisations that took part and the
//! improvement actions decided; published, a review's content never changes.

pub mod actions;
pub mod content;
pub mod create;
pub mod monthly;
pub mod page;
pub mod read;
pub mod status;
pub mod views;

use crate::db::models::Review;
use crate::db::repo::reviews;
use crate::db::DbConn;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::audit;
use crate::services::caller::Caller;
use crate::services::stats::scope::reads_territory;

/// Whether the caller's roles read reviews at all (steering users and admins); the others
/// get 403.
fn reads_reviews(caller: &Caller) -> Result<(), AppError> {
    if caller.has_role(Role::Steering) || caller.has_role(Role::Admin) {
        Ok(())
    } else {
        Err(audit::deny("lire les revues d'incidents"))
    }
}

/// Whether the caller's roles write reviews (admins).
fn writes_reviews(caller: &Caller) -> Result<(), AppError> {
    if caller.has_role(Role::Admin) {
        Ok(())
    } else {
        Err(audit::deny("préparer ou publier les revues d'incidents"))
    }
}

fn unknown_review(id: i64) -> AppError {
    AppError::not_found(format!("Aucune revue {id}"))
}

/// A review the caller reads: 404 outside its territory.
fn readable(conn: &mut DbConn, caller: &Caller, id: i64) -> Result<Review, AppError> {
    reads_reviews(caller)?;
    reviews::find(conn, id)?
        .filter(|r| reads_territory(caller, &r.territory_code))
        .ok_or_else(|| unknown_review(id))
}

/// A review the caller manages: its territory's admins.
fn writable(conn: &mut DbConn, caller: &Caller, id: i64) -> Result<Review, AppError> {
    writes_reviews(caller)?;
    reviews::find(conn, id)?
        .filter(|r| caller.administers(Some(&r.territory_code)))
        .ok_or_else(|| unknown_review(id))
}
