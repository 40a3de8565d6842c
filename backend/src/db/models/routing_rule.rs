use diesel::prelude::*;

use crate::domain::reference_kinds::CompetenceDomain;
use crate::domain::reference_kinds::EstablishmentKind;
use crate::domain::reference_kinds::Sector;
use crate::domain::routing::TargetKind;

use crate::db::schema::routing_rules;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = routing_rules)]
pub struct RoutingRule {
    pub id: i64,
    pub authority_id: i64,
    pub position: i32,
    pub name: String,
    pub at_opening: bool,
    pub category_code: Option<String>,
    pub category_domain: Option<CompetenceDomain>,
    pub establishment_kind: Option<EstablishmentKind>,
    pub sector: Option<Sector>,
    pub vie_scolaire_module: Option<bool>,
    pub target_kind: TargetKind,
    pub target_queue_id: Option<i64>,
    pub target_domain: Option<CompetenceDomain>,
    pub target_editor_id: Option<i64>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = routing_rules)]
#[diesel(treat_none_as_null = true)]
pub struct NewRoutingRule {
    pub authority_id: i64,
    pub position: i32,
    pub name: String,
    pub at_opening: bool,
    pub category_code: Option<String>,
    pub category_domain: Option<CompetenceDomain>,
    pub establishment_kind: Option<EstablishmentKind>,
    pub sector: Option<Sector>,
    pub vie_scolaire_module: Option<bool>,
    pub target_kind: TargetKind,
    pub target_queue_id: Option<i64>,
    pub target_domain: Option<CompetenceDomain>,
    pub target_editor_id: Option<i64>,
    pub active: bool,
}

impl From<RoutingRule> for NewRoutingRule {
    fn from(r: RoutingRule) -> Self {
        Self {
            authority_id: r.authority_id,
            position: r.position,
            name: r.name,
            at_opening: r.at_opening,
            category_code: r.category_code,
            category_domain: r.category_domain,
            establishment_kind: r.establishment_kind,
            sector: r.sector,
            vie_scolaire_module: r.vie_scolaire_module,
            target_kind: r.target_kind,
            target_queue_id: r.target_queue_id,
            target_domain: r.target_domain,
            target_editor_id: r.target_editor_id,
            active: r.active,
        }
    }
}
