//! Provisioning without an admin caller: the demo seed and `guichet user add`, both trusted
//! because they run with direct access to the database.

use chrono::{DateTime, Utc};
use diesel::Connection;

use super::users::{holds, resolve_scope, scope_fits_user};
use super::views::GrantRequest;
use crate::db::models::NewUser;
use crate::db::repo::{role_grants, territories, users, Upsert};
use crate::db::DbConn;
use crate::error::AppError;
use crate::services::audit::{self, Actor, Event, Outcome};

/// A user to have, with the grants to have.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSpec {
    pub email: String,
    pub display_name: String,
    #[serde(default)]
    pub territory: Option<String>,
    #[serde(default)]
    pub grants: Vec<GrantRequest>,
}

/// What provisioning did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provisioned {
    pub user_id: i64,
    pub user: Upsert,
    pub grants_added: usize,
    pub grants_kept: usize,
}

/// Creates the user if absent (with `initial_password_hash`, computed only then), updates a
/// changed name or territory, and adds the grants it lacks. Never touches an existing
/// password, never removes a grant. Audited as done by `actor_label`.
pub fn ensure_user(
    conn: &mut DbConn,
    spec: &UserSpec,
    initial_password_hash: impl FnOnce() -> Option<String>,
    actor_label: &str,
    now: DateTime<Utc>,
) -> Result<Provisioned, AppError> {
    let email = spec.email.trim().to_lowercase();
    if let Some(t) = &spec.territory {
        if territories::find(conn, t)?.is_none() {
            return Err(AppError::invalid_field(
                "territory",
                "unknown_territory",
                format!("territoire {t} inconnu"),
            ));
        }
    }
    conn.transaction(|conn| {
        let (user, outcome) = match users::find_by_email(conn, &email)? {
            None => {
                let user = users::insert(
                    conn,
                    &NewUser {
                        email: email.clone(),
                        display_name: spec.display_name.clone(),
                        password_hash: initial_password_hash(),
                        active: true,
                        token_version: 0,
                        territory_code: spec.territory.clone(),
                        created_at: now.naive_utc(),
                        updated_at: now.naive_utc(),
                    },
                )?;
                (user, Upsert::Inserted)
            }
            Some(user)
                if user.display_name == spec.display_name
                    && user.territory_code == spec.territory =>
            {
                (user, Upsert::Unchanged)
            }
            Some(user) => {
                users::update_profile(
                    conn,
                    user.id,
                    &spec.display_name,
                    spec.territory.as_deref(),
                    now.naive_utc(),
                )?;
                (user, Upsert::Updated)
            }
        };
        let mut existing = role_grants::list_for_user(conn, user.id)?;
        let (mut added, mut kept) = (0, 0);
        for request in &spec.grants {
            let (mut row, scope) = resolve_scope(conn, request)?;
            if !scope_fits_user(&scope, spec.territory.as_deref()) {
                return Err(AppError::invalid_field(
                    "grants",
                    "scope_not_allowed",
                    format!("{email} : portée hors du territoire de l'utilisateur"),
                ));
            }
            row.user_id = user.id;
            row.granted_at = now.naive_utc();
            if holds(&existing, &row) {
                kept += 1;
            } else {
                existing.push(role_grants::insert(conn, &row)?);
                added += 1;
            }
        }
        if outcome != Upsert::Unchanged || added > 0 {
            let actor = Actor {
                label: Some(actor_label.to_owned()),
                ..Actor::default()
            };
            let event = Event::new("user_provisioned", Outcome::Success, actor)
                .territory(spec.territory.as_deref())
                .target(format!("user:{}", user.id))
                .detail(serde_json::json!({ "grants_added": added }));
            audit::record(conn, event, now)?;
        }
        Ok(Provisioned {
            user_id: user.id,
            user: outcome,
            grants_added: added,
            grants_kept: kept,
        })
    })
}

/// What `guichet user add` did, in French.
#[derive(Debug, Clone)]
pub struct AddedUser {
    pub provisioned: Provisioned,
    pub email: String,
    /// The generated password of a new user, shown once.
    pub generated_password: Option<String>,
    pub password_set: bool,
}

impl std::fmt::Display for AddedUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.provisioned.user {
            Upsert::Inserted => "créé",
            Upsert::Updated => "mis à jour",
            Upsert::Unchanged => "inchangé",
        };
        write!(
            f,
            "Utilisateur {} ({}) {what} ; {} rôle(s) ajouté(s), {} déjà présent(s)",
            self.email,
            self.provisioned.user_id,
            self.provisioned.grants_added,
            self.provisioned.grants_kept
        )?;
        if self.password_set {
            write!(f, " ; mot de passe défini")?;
        }
        if let Some(password) = &self.generated_password {
            write!(
                f,
                "\nMot de passe initial (affiché une seule fois) : {password}"
            )?;
        }
        Ok(())
    }
}

/// `guichet user add`: ensures the user and its grant; sets the given password (checked for
/// strength), or gives a new user a random one.
pub fn add_user(
    conn: &mut DbConn,
    spec: &UserSpec,
    password: Option<String>,
    now: DateTime<Utc>,
) -> Result<AddedUser, AppError> {
    if let Some(problem) = password
        .as_deref()
        .and_then(crate::auth::passwords::weakness)
    {
        return Err(AppError::invalid_field(
            "password",
            "weak_password",
            problem,
        ));
    }
    let mut generated = None;
    let provisioned = ensure_user(
        conn,
        spec,
        || {
            if password.is_some() {
                return None;
            }
            let fresh = crate::auth::secrets::random_token()[..20].to_owned();
            let hash = crate::auth::passwords::hash(&fresh);
            generated = Some(fresh);
            Some(hash)
        },
        "guichet user add",
        now,
    )?;
    if let Some(password) = &password {
        users::set_password(
            conn,
            provisioned.user_id,
            &crate::auth::passwords::hash(password),
            now.naive_utc(),
        )?;
    }
    Ok(AddedUser {
        provisioned,
        email: spec.email.trim().to_lowercase(),
        generated_password: generated,
        password_set: password.is_some(),
    })
}
