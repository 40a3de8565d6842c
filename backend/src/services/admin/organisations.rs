//! `PUT /admin/organisations/{code}/dpo`: an admin of the organisation's territory sets the
//! address of its data protection officer (told of every breach of the territory).

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::require_admin;
use super::users::valid_email;
use crate::db::repo::organisations;
use crate::error::AppError;
use crate::services::audit::{self, Actor, Event, Outcome};
use crate::services::caller::Caller;
use crate::services::reference::organisation_view;
use crate::services::unit_of_work;
use crate::services::views::OrganisationView;
use crate::state::AppState;

/// The DPD's address; `null` clears it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({ "dpo_email": "dpd@ac-nancy-metz.example" }))]
pub struct SetDpo {
    pub dpo_email: Option<String>,
}

pub async fn set_dpo(
    state: &AppState,
    caller: &Caller,
    code: String,
    request: SetDpo,
) -> Result<OrganisationView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        require_admin(caller, "désigner le délégué à la protection des données")?;
        let organisation = organisations::find_by_code(tx.conn, &code)?
            .filter(|o| caller.administers(o.territory_code.as_deref()))
            .ok_or_else(|| AppError::not_found(format!("Aucune organisation {code}")))?;
        let email = match &request.dpo_email {
            Some(email) => Some(valid_email("dpo_email", email)?),
            None => None,
        };
        organisations::set_dpo_email(tx.conn, organisation.id, email.as_deref())?;
        let event = Event::new("organisation_dpo_set", Outcome::Success, Actor::of(caller))
            .territory(organisation.territory_code.as_deref())
            .target(format!("organisation:{}", organisation.code))
            .detail(json!({ "from": organisation.dpo_email, "to": email }));
        audit::record(tx.conn, event, tx.now)?;
        let parent = match organisation.parent_id {
            Some(id) => organisations::find(tx.conn, id)?.map(|p| p.code),
            None => None,
        };
        let organisation = organisations::find(tx.conn, organisation.id)?
            .ok_or_else(|| AppError::Internal(format!("organisation {code} vanished")))?;
        Ok(organisation_view(organisation, parent))
    })
    .await
}
