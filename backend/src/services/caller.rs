//! Who is calling: the principal behind a verified token, with its role grants resolved to
//! the objects they scope. Every authorisation decision reads this.

use crate::auth::jwt::{Subject, VerifiedToken};
use crate::db::models::{RoleGrant, User};
use crate::db::repo::{establishments, organisations, role_grants, service_accounts, users};
use crate::db::DbConn;
use crate::domain::reference_kinds::OrganisationKind;
use crate::domain::role::Role;
use crate::domain::ticket_read::Channel;
use crate::error::AppError;
use crate::services::unit_of_work;
use crate::state::AppState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    User {
        id: i64,
        email: String,
        display_name: String,
        /// The territory whose admins manage this user.
        territory: Option<String>,
    },
    /// A vendor integration.
    ServiceAccount {
        id: i64,
        client_id: String,
        name: String,
        territory: String,
    },
}

/// The object a grant applies to, with the territory it lies in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantScope {
    Establishment {
        uai: String,
        territory: Option<String>,
    },
    Organisation {
        id: i64,
        code: String,
        kind: OrganisationKind,
        territory: Option<String>,
    },
    Territory(String),
    Global,
}

impl GrantScope {
    /// The territory the scope lies in; `None` for a global scope or a national organisation.
    pub fn territory(&self) -> Option<&str> {
        match self {
            Self::Establishment { territory, .. } | Self::Organisation { territory, .. } => {
                territory.as_deref()
            }
            Self::Territory(code) => Some(code),
            Self::Global => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// `None` for the implicit grant of a service account.
    pub id: Option<i64>,
    pub role: Role,
    pub scope: GrantScope,
}

/// What an admin may administer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminScope {
    Global,
    Territories(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub grants: Vec<Grant>,
    /// The client address the request came from, for the audit and access logs.
    pub address: Option<String>,
    /// Whether the request came through the API or the web desk (the access log).
    pub channel: Channel,
}

impl Caller {
    pub fn user_id(&self) -> Option<i64> {
        match self.principal {
            Principal::User { id, .. } => Some(id),
            Principal::ServiceAccount { .. } => None,
        }
    }

    /// The email of a user, the client id of a service account.
    pub fn label(&self) -> &str {
        match &self.principal {
            Principal::User { email, .. } => email,
            Principal::ServiceAccount { client_id, .. } => client_id,
        }
    }

    pub fn client_id(&self) -> Option<&str> {
        match &self.principal {
            Principal::ServiceAccount { client_id, .. } => Some(client_id),
            Principal::User { .. } => None,
        }
    }

    /// The caller's own territory (a user's home, a service account's vendor's).
    pub fn territory(&self) -> Option<&str> {
        match &self.principal {
            Principal::User { territory, .. } => territory.as_deref(),
            Principal::ServiceAccount { territory, .. } => Some(territory),
        }
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// `None` when the caller administers nothing.
    pub fn admin_scope(&self) -> Option<AdminScope> {
        let admin: Vec<&Grant> = self
            .grants
            .iter()
            .filter(|g| g.role == Role::Admin)
            .collect();
        if admin.is_empty() {
            return None;
        }
        if admin.iter().any(|g| g.scope == GrantScope::Global) {
            return Some(AdminScope::Global);
        }
        Some(AdminScope::Territories(
            admin
                .iter()
                .filter_map(|g| g.scope.territory().map(str::to_owned))
                .collect(),
        ))
    }

    /// Whether the caller administers `territory` (`None`: what only global admins manage).
    pub fn administers(&self, territory: Option<&str>) -> bool {
        match (self.admin_scope(), territory) {
            (Some(AdminScope::Global), _) => true,
            (Some(AdminScope::Territories(codes)), Some(t)) => codes.iter().any(|c| c == t),
            _ => false,
        }
    }
}

/// Resolves a stored grant to its scope object.
pub fn resolve_grant(conn: &mut DbConn, grant: &RoleGrant) -> Result<Grant, AppError> {
    let broken = || AppError::Internal(format!("grant {} has a dangling scope", grant.id));
    let scope = if let Some(uai) = &grant.establishment_uai {
        let (e, authority, _) = establishments::find(conn, uai)?.ok_or_else(broken)?;
        GrantScope::Establishment {
            uai: e.uai,
            territory: authority.territory_code,
        }
    } else if let Some(id) = grant.organisation_id {
        let o = organisations::find(conn, id)?.ok_or_else(broken)?;
        GrantScope::Organisation {
            id: o.id,
            kind: o.kind,
            code: o.code,
            territory: o.territory_code,
        }
    } else if let Some(code) = &grant.territory_code {
        GrantScope::Territory(code.clone())
    } else {
        GrantScope::Global
    };
    Ok(Grant {
        id: Some(grant.id),
        role: grant.role,
        scope,
    })
}

/// The caller a user is, if the account is active.
pub fn user_caller(conn: &mut DbConn, user_id: i64) -> Result<Option<Caller>, AppError> {
    match users::find(conn, user_id)?.filter(|u| u.active) {
        Some(user) => caller_of(conn, user).map(Some),
        None => Ok(None),
    }
}

/// The caller an active user is, with its grants.
fn caller_of(conn: &mut DbConn, user: User) -> Result<Caller, AppError> {
    let stored = role_grants::list_for_user(conn, user.id)?;
    let schools: Vec<String> = stored
        .iter()
        .filter_map(|g| g.establishment_uai.clone())
        .collect();
    establishments::read_ahead(conn, &schools)?;
    let grants = stored
        .iter()
        .map(|g| resolve_grant(conn, g))
        .collect::<Result<_, _>>()?;
    Ok(Caller {
        principal: Principal::User {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            territory: user.territory_code,
        },
        grants,
        address: None,
        channel: Channel::Api,
    })
}

/// The caller behind a verified access token; 401 when the account is gone, disabled or
/// revoked, or when the token predates the account's current token version.
pub fn authenticate(conn: &mut DbConn, token: &VerifiedToken) -> Result<Caller, AppError> {
    match &token.subject {
        Subject::User(id) => {
            let user = users::find(conn, *id)?.ok_or_else(AppError::unauthorized)?;
            if !user.active || user.token_version != token.version {
                tracing::info!(
                    user = user.id,
                    "refused token: disabled user or older version"
                );
                return Err(AppError::unauthorized());
            }
            caller_of(conn, user)
        }
        Subject::Client(client_id) => {
            let account = service_accounts::find_by_client_id(conn, client_id)?
                .filter(|a| a.active)
                .ok_or_else(AppError::unauthorized)?;
            let vendor = organisations::find(conn, account.vendor_id)?
                .ok_or_else(|| AppError::Internal("service account without vendor".into()))?;
            Ok(Caller {
                grants: vec![Grant {
                    id: None,
                    role: Role::VendorAgent,
                    scope: GrantScope::Organisation {
                        id: vendor.id,
                        kind: vendor.kind,
                        code: vendor.code,
                        territory: vendor.territory_code,
                    },
                }],
                principal: Principal::ServiceAccount {
                    id: account.id,
                    client_id: account.client_id,
                    name: account.name,
                    territory: account.territory_code,
                },
                address: None,
                channel: Channel::Api,
            })
        }
    }
}

/// The caller behind an external identity provider's token, mapped by email.
pub fn authenticate_by_email(conn: &mut DbConn, email: &str) -> Result<Caller, AppError> {
    let user = users::find_by_email(conn, email)?.ok_or_else(|| {
        tracing::info!(%email, "external token for an unknown email");
        AppError::unauthorized()
    })?;
    user_caller(conn, user.id)?.ok_or_else(AppError::unauthorized)
}

/// The caller behind a bearer token: one of ours (checked at the application's time), or
/// the external SSO's when configured. 401 for anything else; the reason goes to the log.
pub async fn from_bearer(
    state: &AppState,
    token: String,
    address: String,
) -> Result<Caller, AppError> {
    let mut caller = if state.keys.is_external(&token) {
        let email = state.keys.verify_external(&token).map_err(|e| {
            tracing::info!(error = %e, "refused external token");
            AppError::unauthorized()
        })?;
        unit_of_work::read_anonymous(state, move |tx| authenticate_by_email(tx.conn, &email))
            .await?
    } else {
        let verified = state.keys.verify(&token, state.now()).map_err(|e| {
            tracing::info!(error = %e, "refused token");
            AppError::unauthorized()
        })?;
        unit_of_work::read_anonymous(state, move |tx| authenticate(tx.conn, &verified)).await?
    };
    caller.address = Some(address);
    Ok(caller)
}
