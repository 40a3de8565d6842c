//! Availability: the outages of the services the conventions commit to, and the figures
//! against the two-window commitment.

pub mod figures;
pub mod outages;

use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::caller::{Caller, GrantScope};

/// Whether the caller has some part in the territory (any grant there, or a global admin).
pub fn reads_territory(caller: &Caller, territory: &str) -> bool {
    caller.administers(Some(territory))
        || caller
            .grants
            .iter()
            .any(|g| g.scope.territory() == Some(territory))
}

/// Whether the caller records outages of the territory: an agent of one of its
/// authorities, or one of its admins.
pub fn records_outages(caller: &Caller, territory: &str) -> bool {
    caller.administers(Some(territory))
        || caller.grants.iter().any(|g| {
            matches!(g.role, Role::AuthorityAgent | Role::GuichetAgent)
                && matches!(&g.scope, GrantScope::Organisation { kind, territory: Some(t), .. }
                    if kind.is_authority() && t == territory)
        })
}

/// The 404 of a territory the caller has no part in (as if it did not exist).
pub fn unknown_territory(territory: &str) -> AppError {
    AppError::not_found(format!("Aucun territoire {territory}"))
}
