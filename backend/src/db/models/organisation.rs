use diesel::prelude::*;

use crate::domain::reference_kinds::CollectiviteSubkind;
use crate::domain::reference_kinds::HolidayZone;
use crate::domain::reference_kinds::OrganisationKind;

use crate::db::schema::organisations;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organisations)]
pub struct Organisation {
    pub id: i64,
    pub code: String,
    pub kind: OrganisationKind,
    pub collectivite_subkind: Option<CollectiviteSubkind>,
    pub name: String,
    pub territory_code: Option<String>,
    pub parent_id: Option<i64>,
    pub contact_email: Option<String>,
    pub holiday_zone: Option<HolidayZone>,
    /// Its data protection officer's address, told of the breaches of its territory.
    pub dpo_email: Option<String>,
    /// The département a départemental collectivité is in charge of.
    pub departement: Option<String>,
}

/// What the reference data says of an organisation (its DPD's address is the admins').
#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = organisations)]
#[diesel(treat_none_as_null = true)]
pub struct NewOrganisation {
    pub code: String,
    pub kind: OrganisationKind,
    pub collectivite_subkind: Option<CollectiviteSubkind>,
    pub name: String,
    pub territory_code: Option<String>,
    pub parent_id: Option<i64>,
    pub contact_email: Option<String>,
    pub holiday_zone: Option<HolidayZone>,
    pub departement: Option<String>,
}

impl From<Organisation> for NewOrganisation {
    fn from(o: Organisation) -> Self {
        Self {
            code: o.code,
            kind: o.kind,
            collectivite_subkind: o.collectivite_subkind,
            name: o.name,
            territory_code: o.territory_code,
            parent_id: o.parent_id,
            contact_email: o.contact_email,
            holiday_zone: o.holiday_zone,
            departement: o.departement,
        }
    }
}
