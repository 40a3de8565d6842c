//! Tickets along the support chain. Every change goes through [`pipeline`]: find the ticket
//! the caller may see (else 404), work out the caller's part in it, check the version,
//! change, journal, save — in one transaction.

pub mod access;
pub mod actions;
pub mod attachments;
pub mod auto_close;
pub mod chain_moves;
pub mod escalation;
pub mod journal;
pub mod open;
pub mod opening_form;
pub mod page;
pub mod pipeline;
pub mod protection;
pub mod read;
pub mod routing;
pub mod views;

use crate::db::models::Ticket;
use crate::error::AppError;

/// 428 without `If-Match`, 412 when it names another version.
pub fn check_version(ticket: &Ticket, if_match: Option<i32>) -> Result<(), AppError> {
    match if_match {
        None => Err(AppError::PreconditionRequired {
            detail: "Cette modification exige l'en-tête If-Match avec l'ETag du ticket".into(),
        }),
        Some(v) if v != ticket.version => Err(stale()),
        Some(_) => Ok(()),
    }
}

fn stale() -> AppError {
    AppError::PreconditionFailed {
        detail: "Le ticket a changé depuis votre lecture : relisez-le avant de le modifier".into(),
    }
}

/// The ticket by reference, or 404 — the same answer whether it is absent or hidden.
pub fn not_found(reference: &str) -> AppError {
    AppError::not_found(format!("Aucun ticket {reference}"))
}
