//! The people a notice reaches, read from their role grants at the moment of the event:
//! active users with an email, each once.

use diesel::prelude::*;

use crate::db::models::User;
use crate::db::schema::{role_grants, users};
use crate::db::DbConn;
use crate::domain::role::Role;

/// The agents of an organisation (whatever their agent role there).
pub fn agents_of(conn: &mut DbConn, organisation_id: i64) -> QueryResult<Vec<User>> {
    users::table
        .inner_join(role_grants::table)
        .filter(role_grants::organisation_id.eq(organisation_id))
        .filter(role_grants::role.eq_any([
            Role::GuichetAgent,
            Role::AuthorityAgent,
            Role::CollectiviteAgent,
            Role::VendorAgent,
        ]))
        .filter(users::active.eq(true))
        .select(User::as_select())
        .distinct()
        .order(users::id)
        .load(conn)
}

/// The steering users of a territory.
pub fn steering_of(conn: &mut DbConn, territory: &str) -> QueryResult<Vec<User>> {
    users::table
        .inner_join(role_grants::table)
        .filter(role_grants::territory_code.eq(territory))
        .filter(role_grants::role.eq(Role::Steering))
        .filter(users::active.eq(true))
        .select(User::as_select())
        .distinct()
        .order(users::id)
        .load(conn)
}

/// The correspondents of these schools.
pub fn correspondents_of(conn: &mut DbConn, uais: &[String]) -> QueryResult<Vec<User>> {
    users::table
        .inner_join(role_grants::table)
        .filter(role_grants::establishment_uai.eq_any(uais))
        .filter(role_grants::role.eq(Role::Correspondent))
        .filter(users::active.eq(true))
        .select(User::as_select())
        .distinct()
        .order(users::id)
        .load(conn)
}
