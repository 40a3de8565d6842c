//! A person's notification choices: mute the notices that are not mandatory, take queue
//! notices as a daily digest. Service accounts receive no mail and have none.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::repo::notification_preferences::{self, Preferences};
use crate::db::text_columns::Json;
use crate::domain::notifications::Notice;
use crate::error::{AppError, FieldError};
use crate::services::caller::Caller;
use crate::services::unit_of_work;
use crate::state::AppState;

/// What a person receives.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationPreferences {
    /// Notices not sent to this person.
    pub muted: Vec<Notice>,
    /// Queue notices come as one message a day (16:00 UTC) instead of one each.
    pub queue_digest: bool,
    /// Notices that cannot be muted.
    pub mandatory: Vec<Notice>,
}

/// The notices a person may mute, as the document states them.
fn mutable_notices() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    let values = Notice::ALL
        .iter()
        .filter(|n| n.may_be_muted())
        .map(|n| n.as_str());
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(values)),
        )
        .description(Some(
            "Notices to mute: any but the acknowledgement and the resolution (and the digest, \
             which goes with the queue notices)",
        ))
        .build()
}

/// The choices to keep.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetNotificationPreferences {
    #[serde(default)]
    #[schema(schema_with = mutable_notices)]
    pub muted: Vec<Notice>,
    #[serde(default)]
    pub queue_digest: bool,
}

fn view(chosen: Option<Preferences>) -> NotificationPreferences {
    let (mut muted, queue_digest) = chosen
        .map(|p| (p.muted.0, p.queue_digest))
        .unwrap_or_default();
    muted.sort();
    muted.dedup();
    NotificationPreferences {
        muted,
        queue_digest,
        mandatory: Notice::ALL
            .iter()
            .copied()
            .filter(|n| n.is_mandatory())
            .collect(),
    }
}

fn person(caller: &Caller) -> Result<i64, AppError> {
    caller.user_id().ok_or_else(|| {
        crate::services::audit::deny(
            "choisir des notifications (un compte de service n'en reçoit pas)",
        )
    })
}

pub async fn get(state: &AppState, caller: &Caller) -> Result<NotificationPreferences, AppError> {
    unit_of_work::read(state, caller, |tx, caller| {
        let user = person(caller)?;
        Ok(view(notification_preferences::find(tx.conn, user)?))
    })
    .await
}

/// Replaces the caller's choices; 422 `unknown_value` for a notice that cannot be muted
/// (the document's enum says so before this).
pub async fn set(
    state: &AppState,
    caller: &Caller,
    wanted: SetNotificationPreferences,
) -> Result<NotificationPreferences, AppError> {
    let refused: Vec<FieldError> = wanted
        .muted
        .iter()
        .enumerate()
        .filter(|(_, n)| !n.may_be_muted())
        .map(|(i, n)| {
            FieldError::new(
                format!("muted[{i}]"),
                "unknown_value",
                format!("« {n} » ne peut pas être coupé"),
            )
        })
        .collect();
    if !refused.is_empty() {
        return Err(AppError::Invalid {
            code: "unknown_value",
            detail: "L'accusé de réception et l'avis de résolution ne se coupent pas".into(),
            errors: refused,
        });
    }
    unit_of_work::write(state, caller, move |tx, caller| {
        let user = person(caller)?;
        let mut muted = wanted.muted;
        muted.sort();
        muted.dedup();
        let row = Preferences {
            user_id: user,
            muted: Json(muted),
            queue_digest: wanted.queue_digest,
            updated_at: tx.now.naive_utc(),
        };
        notification_preferences::replace(tx.conn, &row)?;
        Ok(view(Some(row)))
    })
    .await
}
