//! Writes whose SQL has one shape, kept prepared by the connection like its reads.
//!
//! diesel never keeps an `UPDATE`, nor an insert some of whose columns may be `DEFAULT`, in
//! its statement cache: a changeset that skips its `None` fields writes a different SQL for
//! the same Rust type, and the cache would otherwise be keyed by that type. Each of a
//! ticket's writes was therefore parsed and planned again (on SQLite the ticket's update of
//! its 34 columns, its indexes and triggers was a third of the update's time). A statement
//! wrapped here is keyed by its SQL text instead, which names it exactly; only statements
//! with a bounded number of texts may be wrapped (not a `Vec` given to `eq_any`).
//!
//! A wrapped statement is run by `load` or `get_result` (an update returns the ids it
//! wrote): `execute` hands it to the connection by reference, and diesel's implementation
//! for a reference checks the statement's own parts instead of asking the wrapper.

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::LoadQuery;
use diesel::QueryResult;

use super::DbConn;

/// `query`, prepared once per connection and text.
#[derive(Debug, Clone, Copy)]
pub struct Cached<Q>(pub Q);

impl<Q, DB> QueryFragment<DB> for Cached<Q>
where
    DB: Backend,
    Q: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

/// No static id: the cache keys the statement by its SQL text and bind types.
impl<Q> QueryId for Cached<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Cached<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> diesel::RunQueryDsl<Conn> for Cached<Q> {}

impl<Q> Cached<Q> {
    /// How many rows a write wrote, for a write that returns one id a row (what `execute`
    /// counts, without losing the cache).
    pub fn rows_written<'q>(self, conn: &mut DbConn) -> QueryResult<usize>
    where
        Self: LoadQuery<'q, DbConn, i64>,
    {
        diesel::RunQueryDsl::load::<i64>(self, conn).map(|ids| ids.len())
    }
}
