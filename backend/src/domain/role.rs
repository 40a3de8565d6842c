//! Roles of the support chain and the kind of scope each is granted on.

use crate::domain::reference_kinds::OrganisationKind;
use crate::text_enum;

text_enum! {
    /// What a person may do, always within a scope.
    Role {
        /// An establishment's ENT correspondent (level 0): one or more establishments.
        Correspondent => "correspondent",
        /// Qualifies and routes all tickets of an academic or agricultural authority.
        GuichetAgent => "guichet_agent",
        /// Treats the queues of an authority (DANE, DSI, DRAAF).
        AuthorityAgent => "authority_agent",
        /// Treats a collectivité's queues.
        CollectiviteAgent => "collectivite_agent",
        /// Answers what was escalated to a vendor.
        VendorAgent => "vendor_agent",
        /// Reads a territory's reviews and figures.
        Steering => "steering",
        /// Administers a territory, or everything.
        Admin => "admin",
    }
}

/// The kind of object a role is granted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Establishment,
    /// An organisation of one of these kinds.
    Organisation(&'static [OrganisationKind]),
    Territory,
    /// A territory, or none for a global grant.
    TerritoryOrGlobal,
}

const AUTHORITIES: &[OrganisationKind] = &[
    OrganisationKind::AcademicAuthority,
    OrganisationKind::AgriculturalAuthority,
];

impl Role {
    /// An agent of an organisation of the chain (an authority, a collectivité, a vendor).
    pub fn is_agent(self) -> bool {
        matches!(
            self,
            Self::GuichetAgent | Self::AuthorityAgent | Self::CollectiviteAgent | Self::VendorAgent
        )
    }

    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Self::Correspondent => ScopeKind::Establishment,
            Self::GuichetAgent | Self::AuthorityAgent => ScopeKind::Organisation(AUTHORITIES),
            Self::CollectiviteAgent => ScopeKind::Organisation(&[OrganisationKind::Collectivite]),
            Self::VendorAgent => ScopeKind::Organisation(&[OrganisationKind::Vendor]),
            Self::Steering => ScopeKind::Territory,
            Self::Admin => ScopeKind::TerritoryOrGlobal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_has_its_scope_kind() {
        assert_eq!(Role::Correspondent.scope_kind(), ScopeKind::Establishment);
        assert_eq!(Role::Steering.scope_kind(), ScopeKind::Territory);
        assert_eq!(Role::Admin.scope_kind(), ScopeKind::TerritoryOrGlobal);
        match Role::CollectiviteAgent.scope_kind() {
            ScopeKind::Organisation(kinds) => assert_eq!(kinds, [OrganisationKind::Collectivite]),
            other => panic!("{other:?}"),
        }
        match Role::GuichetAgent.scope_kind() {
            ScopeKind::Organisation(kinds) => {
                assert!(kinds.contains(&OrganisationKind::AgriculturalAuthority))
            }
            other => panic!("{other:?}"),
        }
    }
}
