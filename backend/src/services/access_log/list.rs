//! Reading the access log: admins see the reads of their territories' tickets, newest first,
//! for one ticket, one person, or all.

use super::views::{AccessLogEntry, AccessLogPage};
use crate::db::repo::ticket_reads::{self, ReadFilter};
use crate::db::repo::{tickets, users};
use crate::db::DbConn;
use crate::error::AppError;
use crate::services::admin::{require_admin, territory_filter};
use crate::services::caller::Caller;
use crate::services::cursor;
use crate::services::unit_of_work;
use crate::state::AppState;

/// What the admin asks for.
#[derive(Debug, Clone, Default)]
pub struct AccessLogQuery {
    /// A ticket's reference.
    pub ticket: Option<String>,
    /// A user's email.
    pub user: Option<String>,
    pub limit: i64,
    pub cursor: Option<String>,
}

pub async fn list(
    state: &AppState,
    caller: &Caller,
    query: AccessLogQuery,
) -> Result<AccessLogPage, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        page(tx.conn, caller, &query)
    })
    .await
}

/// One page of the log as `caller` may read it.
pub fn page(
    conn: &mut DbConn,
    caller: &Caller,
    query: &AccessLogQuery,
) -> Result<AccessLogPage, AppError> {
    let scope = require_admin(caller, "lire le journal des accès")?;
    let territories = territory_filter(&scope);
    let ticket_id = match &query.ticket {
        Some(reference) => Some(
            tickets::find_by_reference(conn, reference)?
                .filter(|t| caller.administers(Some(&t.territory_code)))
                .ok_or_else(|| AppError::not_found(format!("Aucun ticket {reference}")))?
                .id,
        ),
        None => None,
    };
    let user_id = match &query.user {
        Some(email) => Some(
            users::find_by_email(conn, email)?
                .filter(|u| caller.administers(u.territory_code.as_deref()))
                .ok_or_else(|| AppError::not_found(format!("Aucun compte {email}")))?
                .id,
        ),
        None => None,
    };
    let filter = ReadFilter {
        ticket_id,
        user_id,
        // A ticket's reads are all of its territory, already checked.
        territories: if ticket_id.is_some() {
            None
        } else {
            territories
        },
        before: query.cursor.as_deref().map(cursor::decode_id).transpose()?,
    };
    let rows = ticket_reads::list(conn, &filter, query.limit + 1)?;
    let (rows, next_cursor) = cursor::page(rows, query.limit, |(r, _, _)| r.id.to_string());
    let items = rows
        .into_iter()
        .map(|(read, ticket, user)| AccessLogEntry {
            id: read.id,
            read_at: read.read_at.and_utc(),
            ticket,
            part: read.part,
            attachment_id: read.attachment_id,
            user,
            user_id: read.user_id,
            service_account: read.client_id,
            channel: read.channel,
            client_address: read.client_address,
        })
        .collect();
    Ok(AccessLogPage { items, next_cursor })
}
