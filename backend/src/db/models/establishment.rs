use diesel::prelude::*;

use crate::domain::reference_kinds::EstablishmentKind;
use crate::domain::reference_kinds::Sector;

use crate::db::schema::establishments;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = establishments)]
pub struct Establishment {
    pub uai: String,
    pub name: String,
    pub search_key: String,
    pub kind: EstablishmentKind,
    pub sector: Sector,
    pub authority_id: i64,
    pub collectivite_id: i64,
    pub departement: String,
    pub uses_vie_scolaire_module: bool,
}
