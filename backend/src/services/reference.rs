//! Reads of the reference data: territories, organisations, establishments, queues,
//! categories.

use std::collections::HashMap;

use super::cursor;
use super::views::*;
use crate::db::models::{Organisation, Territory};
use crate::db::repo::establishments::{EstablishmentFilter, EstablishmentRow};
use crate::db::repo::organisations::OrganisationFilter;
use crate::db::repo::queues::QueueFilter;
use crate::db::repo::{categories, establishments, organisations, queues, territories};
use crate::domain::reference_kinds::{EstablishmentKind, OrganisationKind};
use crate::domain::search_key::search_key;
use crate::domain::uai::Uai;
use crate::error::{AppError, FieldError};
use crate::services::unit_of_work;
use crate::state::AppState;

fn organisation_ref(o: &Organisation) -> Result<OrganisationRef, AppError> {
    Ok(OrganisationRef {
        code: o.code.clone(),
        name: o.name.clone(),
        kind: o.kind,
    })
}

fn territory_view(t: Territory, vendor: Option<&Organisation>) -> Result<TerritoryView, AppError> {
    let window = t.business_window().map_err(AppError::Internal)?;
    Ok(TerritoryView {
        holiday_zone: t.holiday_zone,
        vendor: vendor.map(organisation_ref).transpose()?,
        availability: AvailabilityCommitments {
            in_window_percent: f64::from(t.availability_in_window_bp) / 100.0,
            out_of_window_percent: f64::from(t.availability_out_of_window_bp) / 100.0,
        },
        business_window: BusinessWindowView {
            weekdays: window
                .weekdays
                .iter()
                .map(|d| d.number_from_monday())
                .collect(),
            opens: window.opens.format("%H:%M").to_string(),
            closes: window.closes.format("%H:%M").to_string(),
            timezone: t.timezone,
            excludes_school_holidays: t.window_excludes_school_holidays,
            excludes_public_holidays: true,
        },
        code: t.code,
        name: t.name,
        ent_name: t.ent_name,
    })
}

pub async fn list_territories(state: &AppState) -> Result<Items<TerritoryView>, AppError> {
    unit_of_work::read_anonymous(state, move |tx| {
        let conn = &mut *tx.conn;
        let mut items = Vec::new();
        for territory in territories::list(conn)? {
            let vendor = match territory.vendor_id {
                Some(id) => organisations::find(conn, id)?,
                None => None,
            };
            items.push(territory_view(territory, vendor.as_ref())?);
        }
        Ok(Items { items })
    })
    .await
}

pub async fn list_organisations(
    state: &AppState,
    kind: Option<OrganisationKind>,
    territory: Option<String>,
) -> Result<Items<OrganisationView>, AppError> {
    unit_of_work::read_anonymous(state, move |tx| {
        let conn = &mut *tx.conn;
        let filter = OrganisationFilter {
            kind: kind.map(|k| k.as_str().to_owned()),
            territory,
        };
        let rows = organisations::list(conn, &filter)?;
        let mut parent_codes: HashMap<i64, String> = HashMap::new();
        let mut items = Vec::with_capacity(rows.len());
        for o in rows {
            let parent = match o.parent_id {
                None => None,
                Some(id) => match parent_codes.get(&id) {
                    Some(code) => Some(code.clone()),
                    None => {
                        let code = organisations::find(conn, id)?
                            .map(|p| p.code)
                            .ok_or_else(|| AppError::Internal(format!("parent {id} missing")))?;
                        parent_codes.insert(id, code.clone());
                        Some(code)
                    }
                },
            };
            items.push(organisation_view(o, parent));
        }
        Ok(Items { items })
    })
    .await
}

fn establishment_view(
    (e, authority, collectivite): EstablishmentRow,
) -> Result<EstablishmentView, AppError> {
    Ok(EstablishmentView {
        kind: e.kind,
        sector: e.sector,
        territory: authority.territory_code.clone(),
        holiday_zone: authority.holiday_zone,
        authority: organisation_ref(&authority)?,
        collectivite: organisation_ref(&collectivite)?,
        uai: e.uai,
        name: e.name,
        departement: e.departement,
        uses_vie_scolaire_module: e.uses_vie_scolaire_module,
    })
}

/// An organisation as the API shows it, its parent named by `parent` (its code).
pub fn organisation_view(o: Organisation, parent: Option<String>) -> OrganisationView {
    OrganisationView {
        kind: o.kind,
        collectivite_subkind: o.collectivite_subkind,
        holiday_zone: o.holiday_zone,
        code: o.code,
        name: o.name,
        territory: o.territory_code,
        parent,
        contact_email: o.contact_email,
        dpo_email: o.dpo_email,
        departement: o.departement,
    }
}

/// 422 `invalid_uai` naming what is wrong with the code.
pub fn parse_uai(raw: &str) -> Result<Uai, AppError> {
    Uai::parse(raw).map_err(|e| AppError::Invalid {
        code: "invalid_uai",
        detail: format!("« {raw} » n'est pas un UAI valide : {e}"),
        errors: vec![FieldError::new("uai", e.code(), e.to_string())],
    })
}

pub async fn get_establishment(state: &AppState, uai: Uai) -> Result<EstablishmentView, AppError> {
    unit_of_work::read_anonymous(state, move |tx| {
        let conn = &mut *tx.conn;
        let row = establishments::find(conn, uai.as_str())?
            .ok_or_else(|| AppError::not_found(format!("Aucun établissement d'UAI {uai}")))?;
        establishment_view(row)
    })
    .await
}

/// Filters of the establishment list, as the caller gives them.
#[derive(Debug, Default, Clone)]
pub struct EstablishmentQuery {
    pub authority: Option<String>,
    pub collectivite: Option<String>,
    pub kind: Option<EstablishmentKind>,
    pub text: Option<String>,
    pub cursor: Option<String>,
    pub limit: i64,
}

pub async fn list_establishments(
    state: &AppState,
    query: EstablishmentQuery,
) -> Result<EstablishmentPage, AppError> {
    unit_of_work::read_anonymous(state, move |tx| {
        let conn = &mut *tx.conn;
        let filter = EstablishmentFilter {
            authority: query.authority,
            collectivite: query.collectivite,
            kind: query.kind.map(|k| k.as_str().to_owned()),
            text: query.text.map(|t| search_key(&t)).filter(|t| !t.is_empty()),
            after_uai: query.cursor.as_deref().map(cursor::decode).transpose()?,
        };
        let rows = establishments::list(conn, &filter, query.limit + 1)?;
        let (rows, next_cursor) = cursor::page(rows, query.limit, |(e, _, _)| e.uai.clone());
        let items = rows
            .into_iter()
            .map(establishment_view)
            .collect::<Result<_, _>>()?;
        Ok(EstablishmentPage { items, next_cursor })
    })
    .await
}

pub async fn list_queues(
    state: &AppState,
    organisation: Option<String>,
    level: Option<i32>,
) -> Result<Items<QueueView>, AppError> {
    unit_of_work::read_anonymous(state, move |tx| {
        let conn = &mut *tx.conn;
        let rows = queues::list(
            conn,
            &QueueFilter {
                organisation,
                level,
                territory: None,
            },
        )?;
        let items = rows
            .into_iter()
            .map(|(q, o)| {
                Ok(QueueView {
                    domain: q.domain,
                    organisation: organisation_ref(&o)?,
                    code: q.code,
                    name: q.name,
                    level: q.level,
                })
            })
            .collect::<Result<_, AppError>>()?;
        Ok(Items { items })
    })
    .await
}

pub async fn list_categories(state: &AppState) -> Result<Items<CategoryView>, AppError> {
    unit_of_work::read_anonymous(state, move |tx| {
        let conn = &mut *tx.conn;
        let items = categories::list(conn)?
            .into_iter()
            .map(|c| {
                Ok(CategoryView {
                    domain: c.domain,
                    default_type: c.default_type,
                    code: c.code,
                    label: c.label,
                })
            })
            .collect::<Result<_, AppError>>()?;
        Ok(Items { items })
    })
    .await
}
