//! The scope of the people whose personal data a breach affects or a rights request
//! concerns, and the controller it designates (Grand Est convention, art. 7): the scope's
//! checks in a territory, its words in French, and the people who act for the controller.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::models::{Organisation, Ticket, User};
use crate::db::repo::{establishments, organisations, recipients, territories};
use crate::db::text_columns::Json;
use crate::db::DbConn;
use crate::domain::breach::{ControllerKind, PeopleScope};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::audit;
use crate::services::caller::{AdminScope, Caller};
use crate::services::reference::parse_uai;
use crate::services::tickets::access::visible_ticket;

/// How many establishments a scope may name: beyond, its scope is a département or an
/// académie (art. 7 speaks of « un ou quelques établissements »).
pub const MAX_ESTABLISHMENTS: usize = 20;

/// What a request says of its scope.
pub struct ScopeFields<'a> {
    pub scope: PeopleScope,
    pub authority: Option<&'a str>,
    pub departement: Option<&'a str>,
    pub establishments: &'a [String],
}

/// A stored scope and its controller, as a breach or a rights request holds them.
pub struct StoredScope<'a> {
    pub territory: &'a str,
    pub scope: PeopleScope,
    pub scope_organisation_id: Option<i64>,
    pub establishments: &'a Json<Vec<String>>,
    pub controller_kind: ControllerKind,
    pub controller_organisation_id: Option<i64>,
}

/// What the scope names: the organisation it designates, and the schools.
pub struct Scoped {
    pub scope_organisation: Option<Organisation>,
    pub controller: Option<Organisation>,
    pub establishments: Vec<String>,
}

fn not_allowed(field: &str, scope: PeopleScope) -> AppError {
    AppError::invalid_field(
        field,
        "field_not_allowed",
        format!("sans objet pour le périmètre « {scope} »"),
    )
}

fn required(field: &str, what: &str) -> AppError {
    AppError::invalid_field(
        field,
        "required",
        format!("{what} requis pour ce périmètre"),
    )
}

/// Checks that the scope names what it needs, and only that, in the territory.
pub fn resolve(
    conn: &mut DbConn,
    territory: &str,
    request: &ScopeFields,
) -> Result<Scoped, AppError> {
    let scope = request.scope;
    if scope != PeopleScope::Academie && request.authority.is_some() {
        return Err(not_allowed("authority", scope));
    }
    if scope != PeopleScope::Departement && request.departement.is_some() {
        return Err(not_allowed("departement", scope));
    }
    if scope != PeopleScope::Establishments && !request.establishments.is_empty() {
        return Err(not_allowed("establishments", scope));
    }
    match scope {
        PeopleScope::Territory => {
            let region = organisations::region_of(conn, territory)?.ok_or_else(|| {
                AppError::invalid_field(
                    "scope",
                    "unknown_organisation",
                    format!("aucune Région n'est enregistrée pour le territoire {territory}"),
                )
            })?;
            Ok(Scoped {
                scope_organisation: None,
                controller: Some(region),
                establishments: Vec::new(),
            })
        }
        PeopleScope::Academie => {
            let code = request
                .authority
                .ok_or_else(|| required("authority", "l'autorité académique est"))?;
            let authority = organisations::find_by_code(conn, code)?
                .filter(|o| o.kind.is_authority() && o.territory_code.as_deref() == Some(territory))
                .ok_or_else(|| {
                    AppError::invalid_field(
                        "authority",
                        "unknown_academie",
                        format!(
                            "{code} n'est pas une autorité académique du territoire {territory}"
                        ),
                    )
                })?;
            Ok(Scoped {
                scope_organisation: Some(authority.clone()),
                controller: Some(authority),
                establishments: Vec::new(),
            })
        }
        PeopleScope::Departement => {
            let number = request
                .departement
                .ok_or_else(|| required("departement", "le département est"))?
                .trim()
                .to_uppercase();
            let collectivite = organisations::departemental(conn, territory, &number)?
                .ok_or_else(|| {
                    AppError::invalid_field(
                        "departement",
                        "unknown_departement",
                        format!("aucune collectivité du département {number} dans le territoire {territory}"),
                    )
                })?;
            Ok(Scoped {
                scope_organisation: Some(collectivite.clone()),
                controller: Some(collectivite),
                establishments: Vec::new(),
            })
        }
        PeopleScope::Establishments => {
            if request.establishments.is_empty() {
                return Err(required("establishments", "au moins un établissement est"));
            }
            if request.establishments.len() > MAX_ESTABLISHMENTS {
                return Err(AppError::invalid_field(
                    "establishments",
                    "out_of_range",
                    format!(
                        "{MAX_ESTABLISHMENTS} établissements au plus : au-delà, déclarez le \
                         département ou l'académie"
                    ),
                ));
            }
            let mut uais = Vec::new();
            for raw in request.establishments {
                let uai = parse_uai(raw)?.as_str().to_owned();
                let known = establishments::find(conn, &uai)?.is_some_and(|(_, authority, _)| {
                    authority.territory_code.as_deref() == Some(territory)
                });
                if !known {
                    return Err(AppError::invalid_field(
                        "establishments",
                        "unknown_establishment",
                        format!("aucun établissement {uai} dans le territoire {territory}"),
                    ));
                }
                if !uais.contains(&uai) {
                    uais.push(uai);
                }
            }
            Ok(Scoped {
                scope_organisation: None,
                controller: None,
                establishments: uais,
            })
        }
    }
}

/// A school named by a scope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EstablishmentRef {
    pub uai: String,
    pub name: String,
}

/// Whose data it is about.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeopleScopeView {
    pub kind: PeopleScope,
    /// In French, e.g. « 2 établissement(s) : Collège … (0579001Z), … ».
    pub label: String,
    /// The académie's authority or the département's collectivité (code).
    pub organisation: Option<String>,
    pub establishments: Vec<EstablishmentRef>,
}

/// The competent controller, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ControllerView {
    pub kind: ControllerKind,
    /// In French: the organisation, or the heads of the establishments named.
    pub label: String,
    /// The controller organisation's code (none for heads of establishment).
    pub organisation: Option<String>,
    pub establishments: Vec<EstablishmentRef>,
    /// Art. 7's rule, in French.
    pub reason: String,
}

fn establishment_refs(
    conn: &mut DbConn,
    uais: &[String],
) -> Result<Vec<EstablishmentRef>, AppError> {
    let mut refs = Vec::new();
    for uai in uais {
        let name = establishments::find(conn, uai)?
            .map(|(e, _, _)| e.name)
            .unwrap_or_default();
        refs.push(EstablishmentRef {
            uai: uai.clone(),
            name,
        });
    }
    Ok(refs)
}

fn listed(refs: &[EstablishmentRef]) -> String {
    refs.iter()
        .map(|e| format!("{} ({})", e.name, e.uai))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The scope and the controller of a breach, in French.
pub fn parties(
    conn: &mut DbConn,
    breach: &StoredScope,
) -> Result<(PeopleScopeView, ControllerView), AppError> {
    let scope_organisation = match breach.scope_organisation_id {
        Some(id) => organisations::find(conn, id)?,
        None => None,
    };
    let controller_organisation = match breach.controller_organisation_id {
        Some(id) => organisations::find(conn, id)?,
        None => None,
    };
    let establishments = establishment_refs(conn, &breach.establishments.0)?;
    let territory = territories::find(conn, breach.territory)?
        .map(|t| t.name)
        .unwrap_or_else(|| breach.territory.to_owned());
    let name = |o: &Option<crate::db::models::Organisation>| {
        o.as_ref().map(|o| o.name.clone()).unwrap_or_default()
    };
    let scope_label = match breach.scope {
        PeopleScope::Territory => {
            format!("Tous les utilisateurs de l'ENT du territoire {territory}")
        }
        PeopleScope::Academie => format!(
            "Tous les utilisateurs de l'académie ({})",
            name(&scope_organisation)
        ),
        PeopleScope::Departement => format!(
            "Tous les utilisateurs du département ({})",
            name(&scope_organisation)
        ),
        PeopleScope::Establishments => format!(
            "{} établissement(s) : {}",
            establishments.len(),
            listed(&establishments)
        ),
    };
    let controller_label = match breach.controller_kind {
        ControllerKind::HeadsOfEstablishment => {
            format!("Chef(s) d'établissement : {}", listed(&establishments))
        }
        _ => name(&controller_organisation),
    };
    let heads = breach.controller_kind == ControllerKind::HeadsOfEstablishment;
    Ok((
        PeopleScopeView {
            kind: breach.scope,
            label: scope_label,
            organisation: scope_organisation.map(|o| o.code),
            establishments: establishments.clone(),
        },
        ControllerView {
            kind: breach.controller_kind,
            label: controller_label,
            organisation: controller_organisation.map(|o| o.code),
            establishments: if heads { establishments } else { Vec::new() },
            reason: breach.controller_kind.reason().to_owned(),
        },
    ))
}

/// The people who act for the controller, each once: its agents; for heads of
/// establishment, the schools' correspondents (who bring it to their head) and their
/// authority's agents.
pub fn controller_people(conn: &mut DbConn, stored: &StoredScope) -> Result<Vec<User>, AppError> {
    let mut people = Vec::new();
    match stored.controller_kind {
        ControllerKind::HeadsOfEstablishment => {
            let uais = &stored.establishments.0;
            people.extend(recipients::correspondents_of(conn, uais)?);
            let mut authorities = Vec::new();
            for uai in uais {
                if let Some((_, authority, _)) = establishments::find(conn, uai)? {
                    if !authorities.contains(&authority.id) {
                        authorities.push(authority.id);
                    }
                }
            }
            for authority in authorities {
                people.extend(recipients::agents_of(conn, authority)?);
            }
        }
        _ => {
            if let Some(id) = stored.controller_organisation_id {
                people.extend(recipients::agents_of(conn, id)?);
            }
        }
    }
    people.sort_by_key(|p| p.id);
    people.dedup_by_key(|p| p.id);
    Ok(people)
}

/// Whether the caller's roles deal with breaches and rights requests at all (agents and
/// admins); the others get 403.
pub fn deals_with_personal_data(caller: &Caller) -> Result<(), AppError> {
    if caller
        .grants
        .iter()
        .any(|g| g.role.is_agent() || g.role == Role::Admin)
    {
        Ok(())
    } else {
        Err(audit::deny(
            "déclarer ou consulter les violations de données",
        ))
    }
}

/// The territories whose breaches and rights requests the caller reads: those of the
/// organisations it is an agent of (every party's DPD is told of a territory's breaches) and
/// those it administers.
pub fn territories_read(conn: &mut DbConn, caller: &Caller) -> Result<Vec<String>, AppError> {
    if caller.admin_scope() == Some(AdminScope::Global) {
        return Ok(territories::list(conn)?
            .into_iter()
            .map(|t| t.code)
            .collect());
    }
    let mut codes: Vec<String> = caller
        .grants
        .iter()
        .filter(|g| g.role.is_agent() || g.role == Role::Admin)
        .filter_map(|g| g.scope.territory().map(str::to_owned))
        .collect();
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// The ticket a record was reported in: one the caller sees, of that territory; 422
/// `unknown_ticket` otherwise.
pub fn ticket_in_territory(
    conn: &mut DbConn,
    caller: &Caller,
    reference: &str,
    territory: &str,
) -> Result<Ticket, AppError> {
    let reference = reference.trim().to_uppercase();
    let ticket = match visible_ticket(conn, caller, &reference) {
        Ok((ticket, _)) => establishments::find(conn, &ticket.establishment_uai)?
            .filter(|(_, authority, _)| authority.territory_code.as_deref() == Some(territory))
            .map(|_| ticket),
        Err(AppError::NotFound { .. }) => None,
        Err(e) => return Err(e),
    };
    ticket.ok_or_else(|| {
        AppError::invalid_field(
            "ticket",
            "unknown_ticket",
            format!("ticket {reference} inconnu dans le territoire {territory}"),
        )
    })
}

/// The territories a list reads: the one asked for (404 if the caller does not read it), or
/// all those the caller reads.
pub fn territories_listed(
    conn: &mut DbConn,
    caller: &Caller,
    territory: Option<String>,
) -> Result<Vec<String>, AppError> {
    deals_with_personal_data(caller)?;
    let codes = territories_read(conn, caller)?;
    match territory.map(|t| t.to_uppercase()) {
        Some(territory) if codes.contains(&territory) => Ok(vec![territory]),
        Some(territory) => Err(AppError::not_found(format!(
            "territoire {territory} inconnu ou hors de votre périmètre"
        ))),
        None => Ok(codes),
    }
}
