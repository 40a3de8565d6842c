use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::service_accounts;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = service_accounts)]
pub struct ServiceAccount {
    pub id: i64,
    pub client_id: String,
    pub secret_hash: String,
    pub name: String,
    pub vendor_id: i64,
    pub territory_code: String,
    pub active: bool,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = service_accounts)]
pub struct NewServiceAccount {
    pub client_id: String,
    pub secret_hash: String,
    pub name: String,
    pub vendor_id: i64,
    pub territory_code: String,
    pub active: bool,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}
