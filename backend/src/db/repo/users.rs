use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::models::{NewUser, User};
use crate::db::schema::users;
use crate::db::DbConn;

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<User>> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// By email, which is stored lower-case.
pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email.to_lowercase()))
        .select(User::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConn, row: &NewUser) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values(row)
        .returning(users::all_columns)
        .get_result::<User>(conn)
}

/// Users of a territory (or every user when `None`), by id after `after`.
pub fn list(
    conn: &mut DbConn,
    territory: Option<&str>,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<User>> {
    let mut query = users::table
        .select(User::as_select())
        .order(users::id)
        .limit(limit)
        .into_boxed();
    if let Some(territory) = territory {
        query = query.filter(users::territory_code.eq(territory.to_owned()));
    }
    if let Some(after) = after {
        query = query.filter(users::id.gt(after));
    }
    query.load(conn)
}

pub fn set_password(
    conn: &mut DbConn,
    id: i64,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
        .execute(conn)
}

/// Sets the active flag and bumps the token version, so that tokens already issued stop
/// working whichever way the flag goes.
pub fn set_active(
    conn: &mut DbConn,
    id: i64,
    active: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::active.eq(active),
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Refuses every access token issued so far to this user.
pub fn bump_token_version(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::token_version.eq(users::token_version + 1),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn update_profile(
    conn: &mut DbConn,
    id: i64,
    display_name: &str,
    territory: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::display_name.eq(display_name),
            users::territory_code.eq(territory),
            users::updated_at.eq(now),
        ))
        .execute(conn)
}
