use diesel::prelude::*;

use crate::domain::reference_kinds::CompetenceDomain;

use crate::db::schema::queues;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = queues)]
pub struct Queue {
    pub id: i64,
    pub code: String,
    pub organisation_id: i64,
    pub name: String,
    pub level: i32,
    pub domain: CompetenceDomain,
}

#[derive(Debug, Clone, PartialEq, Insertable, AsChangeset)]
#[diesel(table_name = queues)]
pub struct NewQueue {
    pub code: String,
    pub organisation_id: i64,
    pub name: String,
    pub level: i32,
    pub domain: CompetenceDomain,
}

impl From<Queue> for NewQueue {
    fn from(q: Queue) -> Self {
        Self {
            code: q.code,
            organisation_id: q.organisation_id,
            name: q.name,
            level: q.level,
            domain: q.domain,
        }
    }
}
