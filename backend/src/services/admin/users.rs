//! Users and their role grants.

use chrono::{DateTime, Utc};
use diesel::Connection;

use super::views::*;
use super::{require_admin, territory_filter};
use crate::auth::passwords;
use crate::db::models::{NewRoleGrant, NewUser, User};
use crate::db::repo::{
    establishments, organisations, refresh_tokens, role_grants, territories, users,
};
use crate::db::DbConn;
use crate::domain::reference_kinds::OrganisationKind;
use crate::domain::role::{Role, ScopeKind};
use crate::error::AppError;
use crate::services::audit::{self, Actor, Event, Outcome};
use crate::services::caller::{resolve_grant, AdminScope, Caller, Grant, GrantScope};
use crate::services::cursor;
use crate::services::reference::parse_uai;
use crate::services::text::text_field;
use crate::services::unit_of_work;
use crate::state::AppState;

pub fn grant_view(grant: &Grant) -> GrantView {
    let mut view = GrantView {
        id: grant.id,
        role: grant.role,
        establishment: None,
        organisation: None,
        territory: None,
        global: false,
    };
    match &grant.scope {
        GrantScope::Establishment { uai, .. } => view.establishment = Some(uai.clone()),
        GrantScope::Organisation { code, .. } => view.organisation = Some(code.clone()),
        GrantScope::Territory(code) => view.territory = Some(code.clone()),
        GrantScope::Global => view.global = true,
    }
    view
}

fn user_view(conn: &mut DbConn, user: User) -> Result<UserView, AppError> {
    let grants = role_grants::list_for_user(conn, user.id)?
        .iter()
        .map(|g| resolve_grant(conn, g).map(|g| grant_view(&g)))
        .collect::<Result<_, _>>()?;
    Ok(UserView {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        active: user.active,
        territory: user.territory_code,
        has_password: user.password_hash.is_some(),
        grants,
        created_at: user.created_at.and_utc(),
    })
}

/// A user the caller administers; 404 for one that does not exist or lies outside.
pub(crate) fn user_in_scope(conn: &mut DbConn, caller: &Caller, id: i64) -> Result<User, AppError> {
    users::find(conn, id)?
        .filter(|u| caller.administers(u.territory_code.as_deref()))
        .ok_or_else(|| AppError::not_found(format!("Aucun utilisateur {id}")))
}

fn not_allowed(field: &str, message: impl Into<String>) -> AppError {
    let message = message.into();
    AppError::Invalid {
        code: "field_not_allowed",
        detail: format!("« {field} » : {message}"),
        errors: vec![crate::error::FieldError::new(field, "not_allowed", message)],
    }
}

fn admin_event(
    caller: &Caller,
    action: &'static str,
    territory: Option<&str>,
    target: String,
) -> Event {
    Event::new(action, Outcome::Success, Actor::of(caller))
        .territory(territory)
        .target(target)
}

/// Checks an email's shape; returns it lower-case.
pub fn valid_email(field: &str, email: &str) -> Result<String, AppError> {
    let email = email.trim().to_lowercase();
    let ok = email.chars().count() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        });
    if ok {
        Ok(email)
    } else {
        Err(AppError::invalid_field(
            field,
            "invalid_email",
            "adresse électronique invalide",
        ))
    }
}

/// A new password's PHC string, hashed on the bounded hashing pool; 422 when too weak.
pub async fn checked_password(
    state: &AppState,
    field: &str,
    password: &str,
) -> Result<String, AppError> {
    if let Some(problem) = passwords::weakness(password) {
        return Err(AppError::invalid_field(field, "weak_password", problem));
    }
    state
        .hasher
        .hash(password.to_owned())
        .await
        .map_err(|_| crate::services::auth::hashers_busy())
}

pub async fn create_user(
    state: &AppState,
    caller: &Caller,
    request: CreateUser,
) -> Result<UserView, AppError> {
    unit_of_work::audited(state, caller, require_admin(caller, "créer un utilisateur")).await?;
    let password_hash = match request.password.as_deref() {
        Some(password) => Some(checked_password(state, "password", password).await?),
        None => None,
    };
    unit_of_work::write(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        let now = tx.now;
        let scope = require_admin(caller, "créer un utilisateur")?;
        let territory = match (&scope, request.territory) {
            (_, Some(t)) if !caller.administers(Some(&t)) => {
                return Err(not_allowed(
                    "territory",
                    format!("vous n'administrez pas le territoire {t}"),
                ))
            }
            (_, Some(t)) => Some(t),
            (AdminScope::Global, None) => None,
            (AdminScope::Territories(codes), None) if codes.len() == 1 => Some(codes[0].clone()),
            (AdminScope::Territories(_), None) => {
                return Err(AppError::invalid_field(
                    "territory",
                    "required",
                    "précisez le territoire",
                ))
            }
        };
        if let Some(t) = &territory {
            if territories::find(conn, t)?.is_none() {
                return Err(AppError::invalid_field(
                    "territory",
                    "unknown_territory",
                    format!("territoire {t} inconnu"),
                ));
            }
        }
        let email = valid_email("email", &request.email)?;
        let display_name = text_field("display_name", &request.display_name, 200)?;
        conn.transaction(|conn| {
            if users::find_by_email(conn, &email)?.is_some() {
                return Err(AppError::Conflict {
                    code: "email_taken",
                    detail: format!("Un utilisateur a déjà l'adresse {email}"),
                });
            }
            let user = users::insert(
                conn,
                &NewUser {
                    email,
                    display_name,
                    password_hash,
                    active: true,
                    token_version: 0,
                    territory_code: territory,
                    created_at: now.naive_utc(),
                    updated_at: now.naive_utc(),
                },
            )?;
            let event = admin_event(
                caller,
                "user_created",
                user.territory_code.as_deref(),
                format!("user:{}", user.id),
            );
            audit::record(conn, event, now)?;
            user_view(conn, user)
        })
    })
    .await
}

pub async fn get_user(state: &AppState, caller: &Caller, id: i64) -> Result<UserView, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        require_admin(caller, "consulter un utilisateur")?;
        let user = user_in_scope(conn, caller, id)?;
        user_view(conn, user)
    })
    .await
}

pub async fn list_users(
    state: &AppState,
    caller: &Caller,
    limit: i64,
    cursor: Option<String>,
) -> Result<UserPage, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        let scope = require_admin(caller, "lister les utilisateurs")?;
        let after = cursor.as_deref().map(cursor::decode_id).transpose()?;
        let rows = match territory_filter(&scope) {
            None => users::list(conn, None, after, limit + 1)?,
            Some(codes) => {
                // A territorial admin usually has one territory; merge when several.
                let mut rows = Vec::new();
                for code in &codes {
                    rows.extend(users::list(conn, Some(code), after, limit + 1)?);
                }
                rows.sort_by_key(|u| u.id);
                rows
            }
        };
        let (rows, next_cursor) = cursor::page(rows, limit, |u| u.id.to_string());
        let items = rows
            .into_iter()
            .map(|u| user_view(conn, u))
            .collect::<Result<_, _>>()?;
        Ok(UserPage { items, next_cursor })
    })
    .await
}

fn scope_error(message: impl Into<String>) -> AppError {
    let message = message.into();
    AppError::Invalid {
        code: "invalid_scope",
        detail: format!("Portée invalide : {message}"),
        errors: vec![crate::error::FieldError::new(
            "scope",
            "invalid_scope",
            message,
        )],
    }
}

/// Resolves the scope fields of a grant request to what will be stored, checking that the
/// role takes that kind of scope and that the object exists.
pub(crate) fn resolve_scope(
    conn: &mut DbConn,
    request: &GrantRequest,
) -> Result<(NewRoleGrant, GrantScope), AppError> {
    let given = [
        request.establishment.is_some(),
        request.organisation.is_some(),
        request.territory.is_some(),
    ];
    let mut row = NewRoleGrant {
        user_id: 0,
        role: request.role,
        establishment_uai: None,
        organisation_id: None,
        territory_code: None,
        granted_at: chrono::NaiveDateTime::default(),
    };
    let scope = match request.role.scope_kind() {
        ScopeKind::Establishment if given == [true, false, false] => {
            let uai = parse_uai(request.establishment.as_deref().unwrap_or_default())?;
            let (e, authority, _) = establishments::find(conn, uai.as_str())?
                .ok_or_else(|| scope_error(format!("établissement {uai} inconnu")))?;
            row.establishment_uai = Some(e.uai.clone());
            GrantScope::Establishment {
                uai: e.uai,
                territory: authority.territory_code,
            }
        }
        ScopeKind::Organisation(kinds) if given == [false, true, false] => {
            let code = request.organisation.as_deref().unwrap_or_default();
            let o = organisations::find_by_code(conn, code)?
                .ok_or_else(|| scope_error(format!("organisation {code} inconnue")))?;
            let kind: OrganisationKind = o.kind;
            if !kinds.contains(&kind) {
                return Err(scope_error(format!(
                    "le rôle {} ne s'exerce pas sur une organisation de type {kind}",
                    request.role
                )));
            }
            row.organisation_id = Some(o.id);
            GrantScope::Organisation {
                id: o.id,
                code: o.code,
                kind,
                territory: o.territory_code,
            }
        }
        ScopeKind::Territory | ScopeKind::TerritoryOrGlobal if given == [false, false, true] => {
            let code = request.territory.clone().unwrap_or_default();
            if territories::find(conn, &code)?.is_none() {
                return Err(scope_error(format!("territoire {code} inconnu")));
            }
            row.territory_code = Some(code.clone());
            GrantScope::Territory(code)
        }
        ScopeKind::TerritoryOrGlobal if given == [false, false, false] => GrantScope::Global,
        kind => {
            let expected = match kind {
                ScopeKind::Establishment => "establishment",
                ScopeKind::Organisation(_) => "organisation",
                ScopeKind::Territory => "territory",
                ScopeKind::TerritoryOrGlobal => "territory, ou rien pour un admin global",
            };
            return Err(scope_error(format!(
                "le rôle {} prend exactement le champ {expected}",
                request.role
            )));
        }
    };
    Ok((row, scope))
}

/// Whether a scope lies in the user's territory: a global grant only for a user of no
/// territory; a territorial one for a user of that territory (or of none).
pub(crate) fn scope_fits_user(scope: &GrantScope, user_territory: Option<&str>) -> bool {
    match scope {
        GrantScope::Global => user_territory.is_none(),
        _ => user_territory.is_none() || user_territory == scope.territory(),
    }
}

/// Whether a user already holds the grant a row describes.
pub(crate) fn holds(existing: &[crate::db::models::RoleGrant], row: &NewRoleGrant) -> bool {
    existing.iter().any(|g| {
        g.role == row.role
            && g.establishment_uai == row.establishment_uai
            && g.organisation_id == row.organisation_id
            && g.territory_code == row.territory_code
    })
}

pub async fn grant_role(
    state: &AppState,
    caller: &Caller,
    user_id: i64,
    request: GrantRequest,
) -> Result<UserView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        let now = tx.now;
        require_admin(caller, "attribuer un rôle")?;
        let user = user_in_scope(conn, caller, user_id)?;
        let (mut row, scope) = resolve_scope(conn, &request)?;
        // The scope must lie where both the admin and the user belong.
        let allowed = caller.administers(scope.territory())
            && scope_fits_user(&scope, user.territory_code.as_deref());
        if !allowed {
            return Err(not_allowed(
                "scope",
                "cette portée sort de votre territoire ou de celui de l'utilisateur",
            ));
        }
        row.user_id = user.id;
        row.granted_at = now.naive_utc();
        conn.transaction(|conn| {
            let existing = role_grants::list_for_user(conn, user.id)?;
            if holds(&existing, &row) {
                return Err(AppError::Conflict {
                    code: "grant_exists",
                    detail: "L'utilisateur a déjà ce rôle sur cette portée".into(),
                });
            }
            let grant = role_grants::insert(conn, &row)?;
            let event = admin_event(
                caller,
                "role_granted",
                user.territory_code.as_deref(),
                format!("user:{}", user.id),
            )
            .detail(serde_json::json!({ "grant": grant.id, "role": request.role }));
            audit::record(conn, event, now)?;
            user_view(conn, user)
        })
    })
    .await
}

pub async fn revoke_grant(
    state: &AppState,
    caller: &Caller,
    user_id: i64,
    grant_id: i64,
) -> Result<UserView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        let now = tx.now;
        require_admin(caller, "retirer un rôle")?;
        let user = user_in_scope(conn, caller, user_id)?;
        let grant = role_grants::list_for_user(conn, user.id)?
            .into_iter()
            .find(|g| g.id == grant_id)
            .ok_or_else(|| {
                AppError::not_found(format!("Aucun rôle {grant_id} pour cet utilisateur"))
            })?;
        let resolved = resolve_grant(conn, &grant)?;
        if resolved.role == Role::Admin
            && resolved.scope == GrantScope::Global
            && !caller.administers(None)
        {
            return Err(not_allowed(
                "grant",
                "seul un admin global retire un rôle admin global",
            ));
        }
        conn.transaction(|conn| {
            role_grants::delete(conn, grant.id)?;
            // Tokens carry no roles, but a changed scope should take effect at once everywhere.
            users::bump_token_version(conn, user.id, now.naive_utc())?;
            let event = admin_event(
                caller,
                "role_revoked",
                user.territory_code.as_deref(),
                format!("user:{}", user.id),
            )
            .detail(serde_json::json!({ "grant": grant.id, "role": grant.role }));
            audit::record(conn, event, now)?;
            let user =
                users::find(conn, user.id)?.ok_or_else(|| AppError::not_found("utilisateur"))?;
            user_view(conn, user)
        })
    })
    .await
}

pub async fn set_active(
    state: &AppState,
    caller: &Caller,
    user_id: i64,
    active: bool,
) -> Result<UserView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        let now = tx.now;
        let action = if active {
            "réactiver un utilisateur"
        } else {
            "désactiver un utilisateur"
        };
        require_admin(caller, action)?;
        let user = user_in_scope(conn, caller, user_id)?;
        conn.transaction(|conn| {
            // Disabled or enabled again, the account starts with no session.
            end_sessions(conn, user.id, now)?;
            users::set_active(conn, user.id, active, now.naive_utc())?;
            let name = if active {
                "user_enabled"
            } else {
                "user_disabled"
            };
            let event = admin_event(
                caller,
                name,
                user.territory_code.as_deref(),
                format!("user:{}", user.id),
            );
            audit::record(conn, event, now)?;
            let user =
                users::find(conn, user.id)?.ok_or_else(|| AppError::not_found("utilisateur"))?;
            user_view(conn, user)
        })
    })
    .await
}

/// Sets a user's password; every token issued before stops working.
pub async fn set_password(
    state: &AppState,
    caller: &Caller,
    user_id: i64,
    request: SetPassword,
) -> Result<(), AppError> {
    unit_of_work::audited(
        state,
        caller,
        require_admin(caller, "définir un mot de passe"),
    )
    .await?;
    let hash = checked_password(state, "password", &request.password).await?;
    unit_of_work::write(state, caller, move |tx, caller| {
        let user = user_in_scope(tx.conn, caller, user_id)?;
        end_sessions(tx.conn, user.id, tx.now)?;
        users::set_password(tx.conn, user.id, &hash, tx.now.naive_utc())?;
        let event = admin_event(
            caller,
            "password_set",
            user.territory_code.as_deref(),
            format!("user:{}", user.id),
        );
        audit::record(tx.conn, event, tx.now)
    })
    .await
}

/// Ends every session of a user: access tokens issued so far are refused (their version
/// is older) and refresh tokens are revoked.
pub fn end_sessions(conn: &mut DbConn, user_id: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    users::bump_token_version(conn, user_id, now.naive_utc())?;
    refresh_tokens::revoke_all_for_user(conn, user_id, now.naive_utc())?;
    Ok(())
}
