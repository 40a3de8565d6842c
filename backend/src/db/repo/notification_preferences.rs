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
