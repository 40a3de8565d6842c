//! The generated past, settled as a live desk would have left it. The generator writes a
//! year of activity at past instants, when no scheduled job watched it: hundreds of
//! thousands of service-level warnings and breaches are still unrecorded at a million
//! tickets. A server started on it would spend hours recording them (and queueing their
//! messages) while the bench measures it. Here they are marked recorded at their instant,
//! and anything left in the outbox sent, before the server starts.

use chrono::Utc;
use diesel::prelude::*;

use crate::db::schema::{outbox, service_level_clocks as clocks};
use crate::db::DbConn;

/// Rows changed: (warnings, breaches, messages).
pub fn settle(conn: &mut DbConn) -> QueryResult<(usize, usize, usize)> {
    let now = Utc::now().naive_utc();
    conn.write_transaction(|conn| {
        let warnings = diesel::update(
            clocks::table
                .filter(clocks::warned_at.is_null())
                .filter(clocks::warn_at.le(now)),
        )
        .set(clocks::warned_at.eq(clocks::warn_at))
        .execute(conn)?;
        let breaches = diesel::update(
            clocks::table
                .filter(clocks::breached_at.is_null())
                .filter(clocks::due_at.le(now)),
        )
        .set(clocks::breached_at.eq(clocks::due_at))
        .execute(conn)?;
        let messages = diesel::update(outbox::table.filter(outbox::state.ne("sent")))
            .set((
                outbox::state.eq("sent"),
                outbox::sent_at.eq(outbox::created_at.nullable()),
            ))
            .execute(conn)?;
        Ok((warnings, breaches, messages))
    })
}
