use diesel::prelude::*;

use super::{reconcile, Upsert};
use crate::db::memo;
use crate::db::models::Category;
use crate::db::schema::categories;
use crate::db::DbConn;

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Category>> {
    categories::table
        .select(Category::as_select())
        .order(categories::code)
        .load(conn)
}

pub fn upsert(conn: &mut DbConn, row: &Category) -> QueryResult<Upsert> {
    let existing = categories::table
        .find(&row.code)
        .select(Category::as_select())
        .first(conn)
        .optional()?;
    reconcile(
        conn,
        existing,
        row,
        |c| {
            diesel::insert_into(categories::table)
                .values(row)
                .execute(c)
        },
        |c| {
            diesel::update(categories::table.find(&row.code))
                .set(row)
                .execute(c)
        },
    )
}

pub fn find(conn: &mut DbConn, code: &str) -> QueryResult<Option<Category>> {
    memo::cached("category", code, || {
        categories::table
            .find(code)
            .select(Category::as_select())
            .first(conn)
            .optional()
    })
}
