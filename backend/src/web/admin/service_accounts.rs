//! `/admin/comptes-de-service`: the accounts through which a vendor's tools answer by the
//! API. A new account's secret is shown once, on the page that answers its creation (never
//! stored in clear, never shown again); revoking one stops its tokens at once.

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{admin_page, back_to};
use crate::domain::french;
use crate::services::admin::service_accounts;
use crate::services::admin::views::{CreateServiceAccount, CreatedServiceAccount};
use crate::state::AppState;
use crate::web::forms::{self, Notice, TokenOnly};
use crate::web::session::{SignedIn, WebError};

async fn accounts_page(
    state: &AppState,
    signed_in: &SignedIn,
    notice: Option<Notice>,
    created: Option<CreatedServiceAccount>,
) -> Result<HttpResponse, WebError> {
    let zone = chrono_tz::Europe::Paris;
    let accounts: Vec<Value> = service_accounts::list(state, &signed_in.session.caller)
        .await?
        .iter()
        .map(|a| {
            json!({
                "client_id": a.client_id,
                "name": a.name,
                "vendor": a.vendor,
                "territory": a.territory,
                "active": a.active,
                "created": french::date_time(a.created_at, zone),
                "revoked": a.revoked_at.map(|t| french::date_time(t, zone)),
            })
        })
        .collect();
    let created = created.map(|c| {
        json!({ "client_id": c.account.client_id, "name": c.account.name, "secret": c.client_secret })
    });
    Ok(admin_page(
        state,
        signed_in,
        ("admin_service_accounts", "Comptes de service"),
        notice,
        json!({ "accounts": accounts, "created": created }),
    ))
}

/// `GET /admin/comptes-de-service`.
#[get("/admin/comptes-de-service")]
pub async fn list(
    state: web::Data<AppState>,
    signed_in: SignedIn,
) -> Result<HttpResponse, WebError> {
    accounts_page(&state, &signed_in, None, None).await
}

#[derive(Debug, Deserialize)]
pub struct NewAccountForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    vendor: String,
}

/// `POST /admin/comptes-de-service`: creates an account and shows its secret, once.
#[post("/admin/comptes-de-service")]
pub async fn create(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form: NewAccountForm = forms::read(&body)?;
    signed_in.check_form(&form.csrf)?;
    let request = CreateServiceAccount {
        name: form.name,
        vendor: form.vendor.trim().to_owned(),
    };
    match service_accounts::create(&state, &signed_in.session.caller, request).await {
        Ok(created) => accounts_page(&state, &signed_in, None, Some(created)).await,
        Err(e) => accounts_page(&state, &signed_in, Some(Notice::refusal(e)?), None).await,
    }
}

/// `POST /admin/comptes-de-service/{client_id}/revocation`.
#[post("/admin/comptes-de-service/{client_id}/revocation")]
pub async fn revoke(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form: TokenOnly = forms::read(&body)?;
    signed_in.check_form(&form.csrf)?;
    let caller = &signed_in.session.caller;
    match service_accounts::revoke(&state, caller, path.into_inner()).await {
        Ok(_) => Ok(back_to("/admin/comptes-de-service")),
        Err(e) => accounts_page(&state, &signed_in, Some(Notice::refusal(e)?), None).await,
    }
}
