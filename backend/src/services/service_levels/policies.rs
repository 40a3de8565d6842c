//! Service-level policies: read by anyone signed in, written by the admins of a territory.
//! A write is a new version; tickets keep the version they were opened under.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::db::models::{NewServiceLevelPolicy, ServiceLevelPolicy};
use crate::db::repo::{service_level_policies, territories};
use crate::db::text_columns::Json;
use crate::db::DbConn;
use crate::domain::service_level_policy::{validate, Target};
use crate::error::{AppError, FieldError};
use crate::services::admin::require_admin;
use crate::services::audit::{self, Actor, Event, Outcome};
use crate::services::caller::Caller;
use crate::services::unit_of_work;
use crate::services::views::Items;
use crate::state::AppState;

/// A new version of a territory's policy.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyRequest {
    /// Territory code (`GE`, `HDF`, `PARIS`).
    pub territory: String,
    /// Whether the school holidays of the school's zone are out of business time.
    pub excludes_school_holidays: bool,
    /// Share of a target at which a clock warns (75 by default).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 99)]
    pub warning_percent: Option<i32>,
    /// One general line per priority 1–5, and lines narrowed to an organisation kind or a
    /// level where they differ.
    #[schema(min_items = 1, max_items = 60)]
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyView {
    pub territory: String,
    pub version: i32,
    /// The version new tickets of the territory are opened under.
    pub current: bool,
    pub excludes_school_holidays: bool,
    pub warning_percent: i32,
    pub targets: Vec<Target>,
    pub created_at: DateTime<Utc>,
    /// Who wrote it (`seed` for the defaults).
    pub created_by: String,
}

fn views(rows: Vec<ServiceLevelPolicy>) -> Vec<PolicyView> {
    let latest = |territory: &str| {
        rows.iter()
            .filter(|p| p.territory_code == territory)
            .map(|p| p.version)
            .max()
    };
    rows.iter()
        .map(|p| PolicyView {
            territory: p.territory_code.clone(),
            version: p.version,
            current: latest(&p.territory_code) == Some(p.version),
            excludes_school_holidays: p.excludes_school_holidays,
            warning_percent: p.warning_percent,
            targets: p.targets.0.clone(),
            created_at: p.created_at.and_utc(),
            created_by: p.created_by.clone(),
        })
        .collect()
}

/// Every version of every policy, or of one territory's.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    territory: Option<String>,
) -> Result<Items<PolicyView>, AppError> {
    unit_of_work::read(state, caller, move |tx, _| {
        if let Some(code) = &territory {
            known_territory(tx.conn, code)?;
        }
        let rows = service_level_policies::list(tx.conn, territory.map(|t| vec![t]))?;
        Ok(Items { items: views(rows) })
    })
    .await
}

fn known_territory(conn: &mut DbConn, code: &str) -> Result<(), AppError> {
    territories::find(conn, code)?.map(|_| ()).ok_or_else(|| {
        AppError::invalid_field(
            "territory",
            "unknown_territory",
            format!("territoire {code} inconnu"),
        )
    })
}

fn check(request: &PolicyRequest) -> Result<i32, AppError> {
    let warning = request.warning_percent.unwrap_or(75);
    let mut errors = Vec::new();
    if !(1..=99).contains(&warning) {
        errors.push(FieldError::new(
            "warning_percent",
            "out_of_range",
            "le seuil d'alerte va de 1 à 99 %",
        ));
    }
    if let Err(faults) = validate(&request.targets) {
        errors.extend(faults.into_iter().map(|f| {
            let field = match f.line {
                Some(i) => format!("targets[{i}]"),
                None => "targets".to_owned(),
            };
            FieldError::new(field, f.code, f.message)
        }));
    }
    if errors.is_empty() {
        Ok(warning)
    } else {
        Err(AppError::Invalid {
            code: "invalid_policy",
            detail: "La politique de niveaux de service est incohérente".into(),
            errors,
        })
    }
}

/// Writes the next version of a territory's policy (its admins, or a global admin).
pub async fn create(
    state: &AppState,
    caller: &Caller,
    request: PolicyRequest,
) -> Result<PolicyView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        require_admin(caller, "modifier une politique de niveaux de service")?;
        let warning = check(&request)?;
        known_territory(tx.conn, &request.territory)?;
        if !caller.administers(Some(&request.territory)) {
            return Err(audit::deny(
                "modifier la politique de niveaux de service d'un autre territoire",
            ));
        }
        // The territory's row is the lock: concurrent versions of one territory follow
        // each other instead of meeting on the unique key.
        territories::lock(tx.conn, &request.territory)?;
        let version = service_level_policies::current(tx.conn, &request.territory)?
            .map_or(1, |p| p.version + 1);
        let row = service_level_policies::insert(
            tx.conn,
            &NewServiceLevelPolicy {
                territory_code: request.territory.clone(),
                version,
                excludes_school_holidays: request.excludes_school_holidays,
                warning_percent: warning,
                targets: Json(request.targets),
                created_at: tx.now.naive_utc(),
                created_by: caller.label().to_owned(),
            },
        )?;
        let event = Event::new(
            "service_level_policy_written",
            Outcome::Success,
            Actor::of(caller),
        )
        .territory(Some(&row.territory_code))
        .target(format!(
            "service-level-policy:{}:{}",
            row.territory_code, version
        ))
        .detail(json!({ "version": version }));
        audit::record(tx.conn, event, tx.now)?;
        Ok(views(vec![row]).remove(0))
    })
    .await
}
