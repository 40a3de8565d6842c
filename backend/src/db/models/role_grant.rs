use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::domain::role::Role;

use crate::db::schema::role_grants;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = role_grants)]
pub struct RoleGrant {
    pub id: i64,
    pub user_id: i64,
    pub role: Role,
    pub establishment_uai: Option<String>,
    pub organisation_id: Option<i64>,
    pub territory_code: Option<String>,
    pub granted_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = role_grants)]
pub struct NewRoleGrant {
    pub user_id: i64,
    pub role: Role,
    pub establishment_uai: Option<String>,
    pub organisation_id: Option<i64>,
    pub territory_code: Option<String>,
    pub granted_at: NaiveDateTime,
}
