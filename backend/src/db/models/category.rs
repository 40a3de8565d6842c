use diesel::prelude::*;

use crate::domain::reference_kinds::CompetenceDomain;
use crate::domain::reference_kinds::TicketType;

use crate::db::schema::categories;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = categories)]
pub struct Category {
    pub code: String,
    pub label: String,
    pub domain: CompetenceDomain,
    pub default_type: TicketType,
}
