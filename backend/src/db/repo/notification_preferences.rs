use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::notification_preferences as prefs;
use crate::db::text_columns::Json;
use crate::db::DbConn;
use crate::domain::notifications::Notice;

/// A person's choices: the notices muted, and whether queue notices come as a digest.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = prefs)]
pub struct Preferences {
    pub user_id: i64,
    pub muted: Json<Vec<Notice>>,
    pub queue_digest: bool,
    pub updated_at: NaiveDateTime,
}

impl Preferences {
    /// Whether the person muted `notice` (the mandatory ones cannot be).
    pub fn mutes(&self, notice: Notice) -> bool {
        notice.may_be_muted() && self.muted.0.contains(&notice)
    }
}

/// The choices of those of `users` who made some, by person.
pub fn of_users(
    conn: &mut DbConn,
    users: &[i64],
) -> QueryResult<std::collections::HashMap<i64, Preferences>> {
    if users.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<Preferences> = prefs::table
        .filter(prefs::user_id.eq_any(users))
        .select(Preferences::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(|p| (p.user_id, p)).collect())
}

pub fn find(conn: &mut DbConn, user_id: i64) -> QueryResult<Option<Preferences>> {
    prefs::table
        .find(user_id)
        .select(Preferences::as_select())
        .first(conn)
        .optional()
}

/// Replaces a person's choices, in one upsert (concurrent writers do not collide on the key).
pub fn replace(conn: &mut DbConn, row: &Preferences) -> QueryResult<()> {
    crate::db::backend_specific::upsert_preferences(conn, row).map(|_| ())
}
