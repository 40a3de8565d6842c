//! What a set of figures covers (a territory, an organisation of the chain, a school) and who
//! may read it: steering users and admins their territory's, agents their organisation's.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::repo::{establishments, organisations, territories};
use crate::db::DbConn;
use crate::domain::reference_kinds::OrganisationKind;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::caller::{AdminScope, Caller, GrantScope};
use crate::text_enum;

text_enum! {
    /// What the figures cover.
    ScopeKind {
        Territory => "territory",
        /// An academic or agricultural authority: the tickets that reached its queues.
        Authority => "authority",
        /// A collectivité: the tickets that reached its queues.
        Collectivite => "collectivite",
        /// The ENT vendor: the tickets escalated to it.
        Vendor => "vendor",
        Establishment => "establishment",
    }
}

/// Which tickets the figures count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketFilter {
    Territory(String),
    /// The tickets that entered one of this organisation's queues.
    Organisation(String),
    Establishment(String),
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct ScopeView {
    pub kind: ScopeKind,
    /// Territory code, organisation code or UAI.
    pub code: String,
    pub name: String,
    pub territory: String,
    /// `kind:code`, as the `scope` parameter takes it.
    pub key: String,
}

#[derive(Debug, Clone)]
pub struct Scope {
    pub view: ScopeView,
    pub filter: TicketFilter,
}

fn unknown(key: &str) -> AppError {
    AppError::not_found(format!("Aucun périmètre {key}"))
}

fn kind_of(organisation: OrganisationKind) -> Option<ScopeKind> {
    match organisation {
        OrganisationKind::AcademicAuthority | OrganisationKind::AgriculturalAuthority => {
            Some(ScopeKind::Authority)
        }
        OrganisationKind::Collectivite => Some(ScopeKind::Collectivite),
        OrganisationKind::Vendor => Some(ScopeKind::Vendor),
        OrganisationKind::SoftwareEditor => None,
    }
}

/// Whether the caller reads a whole territory's figures: its steering users and admins.
pub fn reads_territory(caller: &Caller, territory: &str) -> bool {
    caller.administers(Some(territory))
        || caller.grants.iter().any(|g| {
            g.role == Role::Steering
                && matches!(&g.scope, GrantScope::Territory(t) if t == territory)
        })
}

/// Whether the caller is an agent of one of these organisations.
fn agent_of(caller: &Caller, organisations: &[i64]) -> bool {
    caller.grants.iter().any(|g| {
        g.role.is_agent()
            && matches!(&g.scope, GrantScope::Organisation { id, .. } if organisations.contains(id))
    })
}

/// Whether the caller may read some figures at all (the others get 403, not 404).
pub fn reads_figures(caller: &Caller) -> bool {
    caller
        .grants
        .iter()
        .any(|g| g.role == Role::Steering || g.role == Role::Admin || g.role.is_agent())
}

/// The scope a caller reads when the request names none: a steering user's or an admin's
/// territory, an agent's organisation.
pub fn default_key(caller: &Caller) -> Option<String> {
    let steering = caller
        .grants
        .iter()
        .find_map(|g| match (&g.role, &g.scope) {
            (Role::Steering, GrantScope::Territory(t)) => Some(format!("territory:{t}")),
            _ => None,
        });
    let admin = match caller.admin_scope() {
        Some(AdminScope::Territories(codes)) => codes.first().map(|t| format!("territory:{t}")),
        _ => None,
    };
    let agent = || {
        caller.grants.iter().find_map(|g| match &g.scope {
            GrantScope::Organisation { code, kind, .. } if g.role.is_agent() => {
                kind_of(*kind).map(|k| format!("{}:{code}", k.as_str()))
            }
            _ => None,
        })
    };
    steering.or(admin).or_else(agent)
}

/// Resolves `kind:code` for the caller: 404 when it does not exist or lies outside what the
/// caller may read.
pub fn resolve(conn: &mut DbConn, caller: &Caller, key: &str) -> Result<Scope, AppError> {
    let (kind, code) = key.split_once(':').ok_or_else(|| {
        AppError::invalid_field(
            "scope",
            "invalid_value",
            format!("« {key} » : attendu genre:code, ex. territory:GE, authority:ac-nancy-metz, establishment:0579001Z"),
        )
    })?;
    let kind: ScopeKind = kind
        .parse()
        .map_err(|e: crate::domain::text_enum::UnknownValue| {
            AppError::invalid_field("scope", "invalid_value", e.to_string())
        })?;
    let (view, filter, readable) = match kind {
        ScopeKind::Territory => {
            let code = code.to_uppercase();
            let territory = territories::find(conn, &code)?.ok_or_else(|| unknown(key))?;
            let readable = reads_territory(caller, &code);
            let view = view(kind, &code, territory.name, &code);
            (view, TicketFilter::Territory(code), readable)
        }
        ScopeKind::Establishment => {
            let code = code.to_uppercase();
            let (school, authority, collectivite) =
                establishments::find(conn, &code)?.ok_or_else(|| unknown(key))?;
            let territory = authority.territory_code.clone().unwrap_or_default();
            let readable = reads_territory(caller, &territory)
                || agent_of(caller, &[authority.id, collectivite.id]);
            let view = view(kind, &code, school.name, &territory);
            (view, TicketFilter::Establishment(code), readable)
        }
        ScopeKind::Authority | ScopeKind::Collectivite | ScopeKind::Vendor => {
            let organisation = organisations::find_by_code(conn, code)?
                .filter(|o| kind_of(o.kind) == Some(kind))
                .ok_or_else(|| unknown(key))?;
            let territory = organisation.territory_code.clone().unwrap_or_default();
            let readable =
                reads_territory(caller, &territory) || agent_of(caller, &[organisation.id]);
            let view = view(kind, code, organisation.name, &territory);
            (view, TicketFilter::Organisation(code.to_owned()), readable)
        }
    };
    if !readable {
        return Err(unknown(key));
    }
    Ok(Scope { view, filter })
}

/// A whole territory's scope (the reviews' figures).
pub fn territory(territory: &crate::db::models::Territory) -> Scope {
    Scope {
        view: view(
            ScopeKind::Territory,
            &territory.code,
            territory.name.clone(),
            &territory.code,
        ),
        filter: TicketFilter::Territory(territory.code.clone()),
    }
}

/// An organisation's own scope (its monthly figures); `None` for a software editor.
pub fn organisation(organisation: &crate::db::models::Organisation) -> Option<Scope> {
    let kind = kind_of(organisation.kind)?;
    Some(Scope {
        view: view(
            kind,
            &organisation.code,
            organisation.name.clone(),
            organisation.territory_code.as_deref().unwrap_or_default(),
        ),
        filter: TicketFilter::Organisation(organisation.code.clone()),
    })
}

fn view(kind: ScopeKind, code: &str, name: String, territory: &str) -> ScopeView {
    ScopeView {
        kind,
        code: code.to_owned(),
        name,
        territory: territory.to_owned(),
        key: format!("{}:{code}", kind.as_str()),
    }
}
