//! Administration of identities, within the admin's territory: users, role grants, service
//! accounts, and the audit log.

pub mod audit_log;
pub mod organisations;
pub mod outbox;
pub mod provisioning;
pub mod service_accounts;
pub mod users;
pub mod views;

use crate::error::AppError;
use crate::services::audit;
use crate::services::caller::{AdminScope, Caller};

/// The caller's admin scope, or a recorded 403.
pub fn require_admin(caller: &Caller, action: &str) -> Result<AdminScope, AppError> {
    caller.admin_scope().ok_or_else(|| audit::deny(action))
}

/// The territory filter of an admin's lists: `None` for a global admin.
pub fn territory_filter(scope: &AdminScope) -> Option<Vec<String>> {
    match scope {
        AdminScope::Global => None,
        AdminScope::Territories(codes) => Some(codes.clone()),
    }
}
