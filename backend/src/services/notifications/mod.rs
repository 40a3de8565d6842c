//! Notifications: written to the outbox in the transaction of the change they announce
//! (`outbox.rs`); sent afterwards by the dispatcher.

pub mod digest;
pub mod dispatch;
pub mod mailer;
pub mod outbox;
pub mod preferences;
pub mod render;
