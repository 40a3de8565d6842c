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

pub fn find(conn: &mut DbConn, user_id: i64) -> QueryResult<Option<Preferences>> {
    prefs::table
        .find(user_id)
        .select(Preferences::as_select())
        .first(conn)
        .optional()
}

/// Replaces a person's choices (inside the caller's write transaction).
pub fn replace(conn: &mut DbConn, row: &Preferences) -> QueryResult<()> {
    diesel::delete(prefs::table.find(row.user_id)).execute(conn)?;
    diesel::insert_into(prefs::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}
