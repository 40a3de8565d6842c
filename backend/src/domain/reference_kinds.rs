//! The closed vocabularies of the reference data (organisations, establishments, queues,
//! categories, calendars).

use crate::text_enum;

text_enum! {
    /// What an organisation of the support chain is.
    OrganisationKind {
        AcademicAuthority => "academic_authority",
        AgriculturalAuthority => "agricultural_authority",
        Collectivite => "collectivite",
        Vendor => "vendor",
        SoftwareEditor => "software_editor",
    }
}

impl OrganisationKind {
    /// Academic and agricultural authorities run a guichet unique and own schools' tickets.
    pub fn is_authority(self) -> bool {
        matches!(self, Self::AcademicAuthority | Self::AgriculturalAuthority)
    }
}

text_enum! {
    /// Which kind of collectivité (only for `collectivite` organisations).
    CollectiviteSubkind {
        Region => "region",
        Departement => "departement",
        Commune => "commune",
        PublicBody => "public_body",
    }
}

text_enum! {
    /// The kind of a school.
    EstablishmentKind {
        Ecole => "ecole",
        College => "college",
        Lycee => "lycee",
        LyceeProfessionnel => "lycee_professionnel",
        Eplefpa => "eplefpa",
    }
}

text_enum! {
    /// Public, or private under contract with the State.
    Sector {
        Public => "public",
        PrivateUnderContract => "private_under_contract",
    }
}

text_enum! {
    /// The competence domain of a queue, and the domain a ticket category belongs to.
    CompetenceDomain {
        Guichet => "guichet",
        Usage => "usage",
        Identity => "identity",
        NetworkHardware => "network_hardware",
        VieScolaire => "vie_scolaire",
        VendorSupport => "vendor_support",
        ThirdParty => "third_party",
    }
}

text_enum! {
    /// ITIL ticket type.
    TicketType {
        Incident => "incident",
        Request => "request",
    }
}

text_enum! {
    /// French school holiday zone.
    HolidayZone {
        A => "A",
        B => "B",
        C => "C",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips_for_every_variant() {
        for kind in OrganisationKind::ALL {
            assert_eq!(kind.as_str().parse::<OrganisationKind>(), Ok(*kind));
        }
        for domain in CompetenceDomain::ALL {
            assert_eq!(domain.as_str().parse::<CompetenceDomain>(), Ok(*domain));
        }
    }

    #[test]
    fn unknown_text_names_the_allowed_values() {
        let err = "lycee_agricole".parse::<EstablishmentKind>().unwrap_err();
        assert_eq!(err.type_name, "EstablishmentKind");
        assert!(err.to_string().contains("eplefpa"), "{err}");
    }

    #[test]
    fn serde_uses_the_same_text() {
        let json = serde_json::to_string(&Sector::PrivateUnderContract).unwrap();
        assert_eq!(json, "\"private_under_contract\"");
    }
}
