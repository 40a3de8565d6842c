use diesel::prelude::*;

use super::Upsert;
use crate::db::schema::technical_file_requirements as requirements;
use crate::db::DbConn;
use crate::domain::technical_file::TechnicalElement;

/// The elements a category requires before escalation.
pub fn for_category(conn: &mut DbConn, category: &str) -> QueryResult<Vec<TechnicalElement>> {
    requirements::table
        .filter(requirements::category_code.eq(category))
        .select(requirements::element)
        .order(requirements::element)
        .load(conn)
}

pub fn ensure(conn: &mut DbConn, category: &str, element: TechnicalElement) -> QueryResult<Upsert> {
    let exists = requirements::table
        .filter(requirements::category_code.eq(category))
        .filter(requirements::element.eq(element))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(Upsert::Unchanged);
    }
    diesel::insert_into(requirements::table)
        .values((
            requirements::category_code.eq(category),
            requirements::element.eq(element),
        ))
        .execute(conn)?;
    Ok(Upsert::Inserted)
}
