//! `/admin/utilisateurs`: the users an admin manages, created with a name and an address
//! (and a first password if wished); each one's page grants and withdraws roles, disables
//! or enables the account and sets its password.

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{admin_page, back_to};
use crate::domain::role::Role;
use crate::services::admin::users;
use crate::services::admin::views::{CreateUser, GrantRequest, GrantView, SetPassword, UserView};
use crate::state::AppState;
use crate::web::forms::{self, Notice, TokenOnly};
use crate::web::session::{SignedIn, WebError};

const PAGE_SIZE: i64 = 50;

pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Correspondent => "Correspondant ENT d'établissement",
        Role::GuichetAgent => "Agent du guichet unique",
        Role::AuthorityAgent => "Agent de l'autorité (DANE, DSI, DRAAF)",
        Role::CollectiviteAgent => "Agent de collectivité",
        Role::VendorAgent => "Agent du titulaire",
        Role::Steering => "Membre d'un comité de pilotage",
        Role::Admin => "Administrateur",
    }
}

fn grant_scope(g: &GrantView) -> String {
    if g.global {
        return "tout le service".to_owned();
    }
    g.establishment
        .clone()
        .or_else(|| g.organisation.clone())
        .or_else(|| g.territory.clone())
        .unwrap_or_default()
}

fn user_row(u: &UserView) -> Value {
    json!({
        "id": u.id,
        "email": u.email,
        "name": u.display_name,
        "active": u.active,
        "territory": u.territory,
        "roles": u.grants.iter().map(|g| format!("{} ({})", role_label(g.role), grant_scope(g))).collect::<Vec<_>>(),
    })
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    suite: Option<String>,
}

async fn list_page(
    state: &AppState,
    signed_in: &SignedIn,
    cursor: Option<String>,
    notice: Option<Notice>,
) -> Result<HttpResponse, WebError> {
    let caller = &signed_in.session.caller;
    let listed = users::list_users(state, caller, PAGE_SIZE, cursor).await?;
    Ok(admin_page(
        state,
        signed_in,
        ("admin_users", "Utilisateurs"),
        notice,
        json!({
            "users": listed.items.iter().map(user_row).collect::<Vec<_>>(),
            "next": listed.next_cursor,
        }),
    ))
}

/// `GET /admin/utilisateurs`.
#[get("/admin/utilisateurs")]
pub async fn list(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, WebError> {
    list_page(&state, &signed_in, query.into_inner().suite, None).await
}

#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
}

/// `POST /admin/utilisateurs`: creates a user and opens their page (to grant roles).
#[post("/admin/utilisateurs")]
pub async fn create(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form: NewUserForm = forms::read(&body)?;
    signed_in.check_form(&form.csrf)?;
    let request = CreateUser {
        email: form.email.trim().to_owned(),
        display_name: form.display_name,
        territory: None,
        password: Some(form.password).filter(|p| !p.is_empty()),
    };
    match users::create_user(&state, &signed_in.session.caller, request).await {
        Ok(user) => Ok(back_to(&format!("/admin/utilisateurs/{}", user.id))),
        Err(e) => list_page(&state, &signed_in, None, Some(Notice::refusal(e)?)).await,
    }
}

async fn user_page(
    state: &AppState,
    signed_in: &SignedIn,
    id: i64,
    notice: Option<Notice>,
) -> Result<HttpResponse, WebError> {
    let user = users::get_user(state, &signed_in.session.caller, id).await?;
    let grants: Vec<Value> = user
        .grants
        .iter()
        .map(|g| json!({ "id": g.id, "role": role_label(g.role), "scope": grant_scope(g) }))
        .collect();
    let roles: Vec<Value> = Role::ALL
        .iter()
        .map(|r| json!({ "value": r.as_str(), "label": role_label(*r) }))
        .collect();
    Ok(admin_page(
        state,
        signed_in,
        ("admin_user", &user.display_name),
        notice,
        json!({ "user": user_row(&user), "grants": grants, "roles": roles }),
    ))
}

/// `GET /admin/utilisateurs/{id}`.
#[get("/admin/utilisateurs/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    user_page(&state, &signed_in, path.into_inner(), None).await
}

/// Runs an admin write on a user, then their page: after it, or with what refused it.
async fn on_user<T>(
    state: &AppState,
    signed_in: &SignedIn,
    id: i64,
    write: Result<T, crate::error::AppError>,
) -> Result<HttpResponse, WebError> {
    match write {
        Ok(_) => Ok(back_to(&format!("/admin/utilisateurs/{id}"))),
        Err(e) => user_page(state, signed_in, id, Some(Notice::refusal(e)?)).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
    /// The UAI, the organisation's or the territory's code, as the role takes.
    #[serde(default)]
    scope: String,
}

/// `POST /admin/utilisateurs/{id}/roles`: grants a role on a scope.
#[post("/admin/utilisateurs/{id}/roles")]
pub async fn grant(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let form: GrantForm = forms::read(&body)?;
    signed_in.check_form(&form.csrf)?;
    let caller = &signed_in.session.caller;
    let write = match form.role.parse::<Role>() {
        Err(_) => Err(crate::error::AppError::invalid_field(
            "role",
            "unknown_value",
            "rôle inconnu",
        )),
        Ok(role) => {
            let scope = Some(form.scope.trim().to_owned()).filter(|s| !s.is_empty());
            let request = GrantRequest::for_scope(role, scope);
            users::grant_role(&state, caller, id, request).await
        }
    };
    on_user(&state, &signed_in, id, write).await
}

/// `POST /admin/utilisateurs/{id}/roles/{grant}/retrait`: withdraws a grant.
#[post("/admin/utilisateurs/{id}/roles/{grant}/retrait")]
pub async fn revoke(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<(i64, i64)>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let (id, grant_id) = path.into_inner();
    let form: TokenOnly = forms::read(&body)?;
    signed_in.check_form(&form.csrf)?;
    let write = users::revoke_grant(&state, &signed_in.session.caller, id, grant_id).await;
    on_user(&state, &signed_in, id, write).await
}

#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    csrf: String,
    /// `1` to enable, anything else to disable.
    #[serde(default)]
    active: String,
}

/// `POST /admin/utilisateurs/{id}/etat`: disables (ending every session) or enables.
#[post("/admin/utilisateurs/{id}/etat")]
pub async fn set_active(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let form: ActiveForm = forms::read(&body)?;
    signed_in.check_form(&form.csrf)?;
    let active = form.active == "1";
    let write = users::set_active(&state, &signed_in.session.caller, id, active).await;
    on_user(&state, &signed_in, id, write).await
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

/// `POST /admin/utilisateurs/{id}/mot-de-passe`: sets a password (ending every session).
#[post("/admin/utilisateurs/{id}/mot-de-passe")]
pub async fn set_password(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let form: PasswordForm = forms::read(&body)?;
    signed_in.check_form(&form.csrf)?;
    let request = SetPassword {
        password: form.password,
    };
    let write = users::set_password(&state, &signed_in.session.caller, id, request).await;
    on_user(&state, &signed_in, id, write).await
}
