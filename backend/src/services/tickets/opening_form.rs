//! What a correspondent chooses from when opening a ticket: their schools, the categories,
//! and the technical-file elements a category requires (asked at once, so that an escalation
//! to the vendor never lacks them later).

use serde::Serialize;

use crate::db::repo::{categories, establishments, technical_file_requirements};
use crate::domain::role::Role;
use crate::domain::technical_file::TechnicalElement;
use crate::error::AppError;
use crate::services::caller::{Caller, GrantScope};
use crate::services::unit_of_work;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpeningChoices {
    /// The caller's schools, by UAI.
    pub schools: Vec<Choice>,
    pub categories: Vec<Choice>,
}

/// The schools the caller answers for and the categories; 403 for who opens no ticket.
pub async fn choices(state: &AppState, caller: &Caller) -> Result<OpeningChoices, AppError> {
    let uais: Vec<String> = caller
        .grants
        .iter()
        .filter(|g| g.role == Role::Correspondent)
        .filter_map(|g| match &g.scope {
            GrantScope::Establishment { uai, .. } => Some(uai.clone()),
            _ => None,
        })
        .collect();
    if uais.is_empty() {
        return Err(AppError::forbidden(
            "seuls les correspondants des établissements ouvrent des tickets",
        ));
    }
    unit_of_work::read(state, caller, move |tx, _| {
        let mut schools = Vec::new();
        for uai in uais {
            if let Some((school, _, _)) = establishments::find(tx.conn, &uai)? {
                schools.push(Choice {
                    label: format!("{} ({})", school.name, school.uai),
                    code: school.uai,
                });
            }
        }
        let categories = categories::list(tx.conn)?
            .into_iter()
            .map(|c| Choice {
                code: c.code,
                label: c.label,
            })
            .collect();
        Ok(OpeningChoices {
            schools,
            categories,
        })
    })
    .await
}

/// The technical-file elements `category` requires; `None` for an unknown category.
pub async fn required_elements(
    state: &AppState,
    caller: &Caller,
    category: String,
) -> Result<Option<(Choice, Vec<TechnicalElement>)>, AppError> {
    unit_of_work::read(state, caller, move |tx, _| {
        let Some(found) = categories::list(tx.conn)?
            .into_iter()
            .find(|c| c.code == category)
        else {
            return Ok(None);
        };
        let elements = technical_file_requirements::for_category(tx.conn, &found.code)?;
        Ok(Some((
            Choice {
                code: found.code,
                label: found.label,
            },
            elements,
        )))
    })
    .await
}
