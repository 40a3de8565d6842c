use diesel::prelude::*;

use crate::db::schema::categories;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = categories)]
pub struct Category {
    pub code: String,
    pub label: String,
    pub domain: String,
    pub default_type: String,
}
