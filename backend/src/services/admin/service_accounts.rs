//! Service accounts of vendor integrations: created by an admin of the vendor's territory,
//! the secret shown once and stored as a digest; revocable.

use diesel::Connection;

use super::views::*;
use super::{require_admin, territory_filter};
use crate::auth::secrets;
use crate::db::models::{NewServiceAccount, ServiceAccount};
use crate::db::repo::{organisations, service_accounts};
use crate::db::DbConn;
use crate::domain::reference_kinds::OrganisationKind;
use crate::error::AppError;
use crate::services::audit::{self, Actor, Event, Outcome};
use crate::services::caller::Caller;
use crate::services::text::text_field;
use crate::services::unit_of_work;
use crate::state::AppState;

fn view(conn: &mut DbConn, account: ServiceAccount) -> Result<ServiceAccountView, AppError> {
    let vendor = organisations::find(conn, account.vendor_id)?
        .ok_or_else(|| AppError::Internal("service account without vendor".into()))?;
    Ok(ServiceAccountView {
        client_id: account.client_id,
        name: account.name,
        vendor: vendor.code,
        territory: account.territory_code,
        active: account.active,
        created_at: account.created_at.and_utc(),
        revoked_at: account.revoked_at.map(|t| t.and_utc()),
    })
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    request: CreateServiceAccount,
) -> Result<CreatedServiceAccount, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        let now = tx.now;
        require_admin(caller, "créer un compte de service")?;
        let name = text_field("name", &request.name, 200)?;
        let vendor = organisations::find_by_code(conn, &request.vendor)?
            .filter(|o| o.kind == OrganisationKind::Vendor)
            .ok_or_else(|| {
                AppError::invalid_field(
                    "vendor",
                    "unknown_vendor",
                    format!("{} n'est pas un titulaire d'ENT", request.vendor),
                )
            })?;
        let territory = vendor
            .territory_code
            .clone()
            .filter(|t| caller.administers(Some(t)))
            .ok_or_else(|| AppError::Invalid {
                code: "field_not_allowed",
                detail: "« vendor » : ce titulaire n'est pas de votre territoire".into(),
                errors: vec![crate::error::FieldError::new(
                    "vendor",
                    "not_allowed",
                    "hors de votre territoire",
                )],
            })?;
        let client_secret = secrets::random_token();
        conn.transaction(|conn| {
            let account = service_accounts::insert(
                conn,
                &NewServiceAccount {
                    client_id: format!("sa-{}", &secrets::random_token()[..16]),
                    secret_hash: secrets::digest(&client_secret),
                    name,
                    vendor_id: vendor.id,
                    territory_code: territory,
                    active: true,
                    created_by: caller.user_id(),
                    created_at: now.naive_utc(),
                },
            )?;
            let event = Event::new(
                "service_account_created",
                Outcome::Success,
                Actor::of(caller),
            )
            .territory(Some(&account.territory_code))
            .target(format!("client:{}", account.client_id));
            audit::record(conn, event, now)?;
            Ok(CreatedServiceAccount {
                account: view(conn, account)?,
                client_secret,
            })
        })
    })
    .await
}

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<ServiceAccountView>, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        let scope = require_admin(caller, "lister les comptes de service")?;
        let accounts = match territory_filter(&scope) {
            None => service_accounts::list(conn, None)?,
            Some(codes) => {
                let mut all = Vec::new();
                for code in &codes {
                    all.extend(service_accounts::list(conn, Some(code))?);
                }
                all
            }
        };
        accounts.into_iter().map(|a| view(conn, a)).collect()
    })
    .await
}

pub async fn revoke(
    state: &AppState,
    caller: &Caller,
    client_id: String,
) -> Result<ServiceAccountView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        let now = tx.now;
        require_admin(caller, "révoquer un compte de service")?;
        let account = service_accounts::find_by_client_id(conn, &client_id)?
            .filter(|a| caller.administers(Some(&a.territory_code)))
            .ok_or_else(|| AppError::not_found(format!("Aucun compte de service {client_id}")))?;
        conn.transaction(|conn| {
            service_accounts::revoke(conn, account.id, now.naive_utc())?;
            let event = Event::new(
                "service_account_revoked",
                Outcome::Success,
                Actor::of(caller),
            )
            .territory(Some(&account.territory_code))
            .target(format!("client:{}", account.client_id));
            audit::record(conn, event, now)?;
            let account = service_accounts::find_by_client_id(conn, &client_id)?
                .ok_or_else(|| AppError::not_found("compte de service"))?;
            view(conn, account)
        })
    })
    .await
}
