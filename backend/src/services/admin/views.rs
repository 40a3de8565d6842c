use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::role::{Role, ScopeKind};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrantView {
    pub id: Option<i64>,
    pub role: Role,
    /// UAI, for a correspondent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub establishment: Option<String>,
    /// Organisation code, for agents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// Territory code, for steering and territorial admins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub territory: Option<String>,
    /// True for a global admin.
    pub global: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub active: bool,
    /// The territory whose admins manage the user.
    pub territory: Option<String>,
    pub has_password: bool,
    pub grants: Vec<GrantView>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserView>,
    pub next_cursor: Option<String>,
}

/// A new user. Roles are granted separately.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[schema(max_length = 254, pattern = "^[^\\s@]+@[^\\s.@][^\\s@]*\\.[^\\s@]*$")]
    pub email: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub display_name: String,
    /// Defaults to the admin's territory; only a global admin may leave it empty.
    #[serde(default)]
    pub territory: Option<String>,
    /// Optional initial password (12 characters at least).
    #[serde(default)]
    #[schema(min_length = 12, max_length = 256)]
    pub password: Option<String>,
}

/// A role and exactly the scope field its role takes.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    pub role: Role,
    /// UAI (correspondent).
    #[serde(default)]
    pub establishment: Option<String>,
    /// Organisation code (guichet, authority, collectivité and vendor agents).
    #[serde(default)]
    pub organisation: Option<String>,
    /// Territory code (steering; admin — absent for a global admin).
    #[serde(default)]
    pub territory: Option<String>,
}

impl GrantRequest {
    /// The request for `role` with `scope` written as one text (a UAI, an organisation's or
    /// a territory's code, `global`), put where the role takes it.
    pub fn for_scope(role: Role, scope: Option<String>) -> Self {
        let mut request = Self {
            role,
            establishment: None,
            organisation: None,
            territory: None,
        };
        match role.scope_kind() {
            ScopeKind::Establishment => request.establishment = scope,
            ScopeKind::Organisation(_) => request.organisation = scope,
            ScopeKind::Territory => request.territory = scope,
            ScopeKind::TerritoryOrGlobal => request.territory = scope.filter(|s| s != "global"),
        }
        request
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    #[schema(min_length = 12, max_length = 256)]
    pub password: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateServiceAccount {
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
    )]
    pub name: String,
    /// Code of the vendor organisation the integration speaks for.
    pub vendor: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceAccountView {
    pub client_id: String,
    pub name: String,
    pub vendor: String,
    pub territory: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The answer to a creation: the only time the secret is shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedServiceAccount {
    #[serde(flatten)]
    pub account: ServiceAccountView,
    pub client_secret: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEventView {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub action: String,
    /// `success`, `failure` or `denied`.
    pub outcome: crate::domain::audit::AuditOutcome,
    pub actor_user_id: Option<i64>,
    pub actor_client_id: Option<String>,
    pub actor_label: Option<String>,
    pub territory: Option<String>,
    pub target: Option<String>,
    pub client_address: Option<String>,
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEventView>,
    pub next_cursor: Option<String>,
}

/// Who the caller is, with its grants.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeView {
    /// `user` or `service_account`.
    pub kind: &'static str,
    pub id: i64,
    /// Email of a user, client id of a service account.
    pub label: String,
    pub display_name: String,
    pub territory: Option<String>,
    pub grants: Vec<GrantView>,
}

/// A notification as the outbox holds it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboxMessageView {
    pub id: i64,
    /// Reference of the ticket it is about.
    pub ticket: Option<String>,
    pub notice: crate::domain::notifications::Notice,
    pub recipient: String,
    pub state: crate::domain::notifications::OutboxState,
    pub attempts: i32,
    /// When it is (or was last) due.
    pub next_attempt_at: chrono::DateTime<chrono::Utc>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboxPage {
    pub items: Vec<OutboxMessageView>,
    pub next_cursor: Option<String>,
}
