//! An authority's routing rules: managed by the admins of its territory, read by its guichet
//! agents, tried out with the simulation.

use chrono::{DateTime, Utc};
use diesel::Connection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::models::{Establishment, NewRoutingRule, Organisation, RoutingRule};
use crate::db::repo::{categories, establishments, organisations, queues, routing_rules};
use crate::db::DbConn;
use crate::domain::reference_kinds::{CompetenceDomain, OrganisationKind};
use crate::domain::role::Role;
use crate::domain::routing::{RuleConditions, TargetKind};
use crate::error::AppError;
use crate::services::audit::{self, Actor, Event, Outcome};
use crate::services::caller::{Caller, GrantScope};
use crate::services::reference::parse_uai;
use crate::services::tickets::routing::{category, decide, domain_queue};
use crate::services::unit_of_work;
use crate::state::AppState;

/// Where a rule sends a ticket.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleTarget {
    pub kind: TargetKind,
    /// Queue code, for `queue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// For `authority_domain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<CompetenceDomain>,
    /// Editor code, for `third_party_editor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editor: Option<String>,
}

/// A rule as written in the seeds and in the API.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Code of the academic or agricultural authority.
    pub authority: String,
    /// Rules are tried by increasing position.
    pub position: i32,
    pub name: String,
    /// Also applies when the ticket is opened (direct level 1).
    pub at_opening: bool,
    #[serde(default)]
    pub conditions: RuleConditions,
    pub target: RuleTarget,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
/// A stored rule: the spec's fields with its id and state (written out, not flattened, so
/// that the published schema, which refuses unknown fields in a spec, admits them here).
pub struct RuleView {
    pub id: i64,
    pub active: bool,
    pub authority: String,
    pub position: i32,
    pub name: String,
    pub at_opening: bool,
    pub conditions: RuleConditions,
    pub target: RuleTarget,
}

/// Why a rule cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

fn invalid(message: String) -> RuleError {
    RuleError::Invalid(message)
}

impl From<RuleError> for AppError {
    fn from(e: RuleError) -> Self {
        match e {
            RuleError::Invalid(message) => AppError::invalid_field("rule", "invalid_rule", message),
            RuleError::Database(e) => e.into(),
        }
    }
}

fn authority(conn: &mut DbConn, code: &str) -> Result<Organisation, RuleError> {
    organisations::find_by_code(conn, code)?
        .filter(|o| o.kind.is_authority())
        .ok_or_else(|| {
            invalid(format!(
                "{code} n'est pas une autorité académique ou agricole"
            ))
        })
}

/// The row a spec describes, every reference checked.
pub fn rule_row(conn: &mut DbConn, rule: &RuleSpec) -> Result<NewRoutingRule, RuleError> {
    let context = format!("règle {} n°{}", rule.authority, rule.position);
    let authority = authority(conn, &rule.authority)?;
    if rule.name.trim().is_empty() {
        return Err(invalid(format!("{context} : nom requis")));
    }
    let target = &rule.target;
    let given = (
        target.queue.is_some(),
        target.domain.is_some(),
        target.editor.is_some(),
    );
    let expected = match target.kind {
        TargetKind::Queue => (true, false, false),
        TargetKind::AuthorityDomain => (false, true, false),
        TargetKind::ThirdPartyEditor => (false, false, true),
        TargetKind::CollectiviteInCharge | TargetKind::VendorVieScolaire => (false, false, false),
    };
    if given != expected {
        return Err(invalid(format!(
            "{context} : la cible {} prend {}",
            target.kind,
            match expected {
                (true, _, _) => "exactement « queue »",
                (_, true, _) => "exactement « domain »",
                (_, _, true) => "exactement « editor »",
                _ => "aucun autre champ",
            }
        )));
    }
    let target_queue_id = match &target.queue {
        Some(code) => {
            let unknown = || invalid(format!("{context} : file de niveau 1 {code} inconnue"));
            let queue = queues::find_by_code(conn, code)?
                .filter(|q| q.level == 1)
                .ok_or_else(unknown)?;
            // Territories are walls: another territory's queue is named like a missing one.
            let owner = organisations::find(conn, queue.organisation_id)?.ok_or_else(unknown)?;
            if owner.territory_code != authority.territory_code {
                return Err(unknown());
            }
            Some(queue.id)
        }
        None => None,
    };
    let target_editor_id = match &target.editor {
        Some(code) => Some(
            organisations::find_by_code(conn, code)?
                .filter(|o| o.kind == OrganisationKind::SoftwareEditor)
                .ok_or_else(|| {
                    invalid(format!(
                        "{context} : {code} n'est pas un éditeur de logiciel"
                    ))
                })?
                .id,
        ),
        None => None,
    };
    if let Some(domain) = target.domain {
        if queues::of_organisation(conn, authority.id, Some(domain.as_str()), Some(1))?.is_empty() {
            return Err(invalid(format!(
                "{context} : {} n'a pas de file {domain}",
                authority.code
            )));
        }
    }
    let c = &rule.conditions;
    if let Some(code) = &c.category {
        if categories::find(conn, code)?.is_none() {
            return Err(invalid(format!("{context} : catégorie {code} inconnue")));
        }
    }
    Ok(NewRoutingRule {
        authority_id: authority.id,
        position: rule.position,
        name: rule.name.trim().to_owned(),
        at_opening: rule.at_opening,
        category_code: c.category.clone(),
        category_domain: c.category_domain,
        establishment_kind: c.establishment_kind,
        sector: c.sector,
        vie_scolaire_module: c.vie_scolaire_module,
        target_kind: target.kind,
        target_queue_id,
        target_domain: target.domain,
        target_editor_id,
        active: true,
    })
}

fn view(conn: &mut DbConn, rule: RoutingRule) -> Result<RuleView, AppError> {
    let code = |conn: &mut DbConn, id: i64| -> Result<String, AppError> {
        Ok(organisations::find(conn, id)?
            .map(|o| o.code)
            .unwrap_or_default())
    };
    Ok(RuleView {
        id: rule.id,
        active: rule.active,
        authority: code(conn, rule.authority_id)?,
        position: rule.position,
        name: rule.name.clone(),
        at_opening: rule.at_opening,
        conditions: crate::services::tickets::routing::conditions(&rule)?,
        target: RuleTarget {
            kind: rule.target_kind,
            queue: match rule.target_queue_id {
                Some(id) => queues::find(conn, id)?.map(|q| q.code),
                None => None,
            },
            domain: rule.target_domain,
            editor: rule.target_editor_id.map(|id| code(conn, id)).transpose()?,
        },
    })
}

/// The authority, if the caller administers its territory (writes) or is its guichet agent
/// (reads); 403 for roles that never may, 404 for an authority out of reach.
fn authority_in_reach(
    conn: &mut DbConn,
    caller: &Caller,
    code: &str,
    write: bool,
    _now: DateTime<Utc>,
) -> Result<Organisation, AppError> {
    let may_at_all =
        caller.admin_scope().is_some() || (!write && caller.has_role(Role::GuichetAgent));
    if !may_at_all {
        let what = if write {
            "gérer les règles de routage"
        } else {
            "lire les règles de routage"
        };
        return Err(audit::deny(what));
    }
    let authority = authority(conn, code)
        .map_err(|_| AppError::not_found(format!("Aucune autorité {code}")))?;
    let guichet = !write
        && caller.grants.iter().any(|g| {
            g.role == Role::GuichetAgent
                && matches!(g.scope, GrantScope::Organisation { id, .. } if id == authority.id)
        });
    if guichet || caller.administers(authority.territory_code.as_deref()) {
        Ok(authority)
    } else {
        Err(AppError::not_found(format!("Aucune autorité {code}")))
    }
}

/// The academic and agricultural authorities whose rules the caller administers, as
/// (code, name); 403 for who administers none.
pub async fn administered_authorities(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<(String, String)>, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let authorities: Vec<(String, String)> =
            organisations::list(tx.conn, &organisations::OrganisationFilter::default())?
                .into_iter()
                .filter(|o| {
                    o.kind.is_authority() && caller.administers(o.territory_code.as_deref())
                })
                .map(|o| (o.code, o.name))
                .collect();
        if authorities.is_empty() {
            return Err(audit::deny("gérer les règles d'orientation"));
        }
        Ok(authorities)
    })
    .await
}

pub async fn list(
    state: &AppState,
    caller: &Caller,
    authority_code: String,
) -> Result<Vec<RuleView>, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        let now = tx.now;
        let authority = authority_in_reach(conn, caller, &authority_code, false, now)?;
        routing_rules::list(conn, authority.id)?
            .into_iter()
            .map(|r| view(conn, r))
            .collect()
    })
    .await
}

fn position_taken(
    conn: &mut DbConn,
    authority_id: i64,
    position: i32,
    except: Option<i64>,
) -> Result<(), AppError> {
    let taken = routing_rules::list(conn, authority_id)?
        .iter()
        .any(|r| r.position == position && Some(r.id) != except);
    if taken {
        return Err(AppError::Conflict {
            code: "position_taken",
            detail: format!("Une règle occupe déjà la position {position}"),
        });
    }
    Ok(())
}

fn audited(
    conn: &mut DbConn,
    caller: &Caller,
    action: &'static str,
    authority: &Organisation,
    rule: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let event = Event::new(action, Outcome::Success, Actor::of(caller))
        .territory(authority.territory_code.as_deref())
        .target(format!("routing_rule:{rule}"));
    audit::record(conn, event, now)
}

pub async fn create(
    state: &AppState,
    caller: &Caller,
    spec: RuleSpec,
) -> Result<RuleView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        let now = tx.now;
        let authority = authority_in_reach(conn, caller, &spec.authority, true, now)?;
        let row = rule_row(conn, &spec)?;
        conn.transaction(|conn| {
            position_taken(conn, authority.id, row.position, None)?;
            let rule = routing_rules::insert(conn, &row)?;
            audited(
                conn,
                caller,
                "routing_rule_created",
                &authority,
                rule.id,
                now,
            )?;
            view(conn, rule)
        })
    })
    .await
}

/// The rule, if the caller may manage its authority's rules; else 404 (or 403).
fn rule_in_reach(
    conn: &mut DbConn,
    caller: &Caller,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(RoutingRule, Organisation), AppError> {
    if caller.admin_scope().is_none() {
        return Err(audit::deny("gérer les règles de routage"));
    }
    let rule = routing_rules::find(conn, id)?
        .ok_or_else(|| AppError::not_found(format!("Aucune règle {id}")))?;
    let code = organisations::find(conn, rule.authority_id)?
        .map(|o| o.code)
        .unwrap_or_default();
    let authority = authority_in_reach(conn, caller, &code, true, now).map_err(|e| match e {
        AppError::NotFound { .. } => AppError::not_found(format!("Aucune règle {id}")),
        other => other,
    })?;
    Ok((rule, authority))
}

pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: i64,
    spec: RuleSpec,
) -> Result<RuleView, AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        let now = tx.now;
        let (rule, authority) = rule_in_reach(conn, caller, id, now)?;
        if spec.authority != authority.code {
            return Err(AppError::invalid_field(
                "authority",
                "authority_fixed",
                "une règle ne change pas d'autorité",
            ));
        }
        let row = rule_row(conn, &spec)?;
        conn.transaction(|conn| {
            position_taken(conn, authority.id, row.position, Some(rule.id))?;
            routing_rules::update(conn, rule.id, &row)?;
            audited(
                conn,
                caller,
                "routing_rule_updated",
                &authority,
                rule.id,
                now,
            )?;
            let rule =
                routing_rules::find(conn, rule.id)?.ok_or_else(|| AppError::not_found("règle"))?;
            view(conn, rule)
        })
    })
    .await
}

pub async fn delete(state: &AppState, caller: &Caller, id: i64) -> Result<(), AppError> {
    unit_of_work::write(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        let now = tx.now;
        let (rule, authority) = rule_in_reach(conn, caller, id, now)?;
        conn.transaction(|conn| {
            routing_rules::delete(conn, rule.id)?;
            audited(
                conn,
                caller,
                "routing_rule_deleted",
                &authority,
                rule.id,
                now,
            )
        })
    })
    .await
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulateRequest {
    pub uai: String,
    pub category: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SimulatedRule {
    pub id: i64,
    pub name: String,
    pub position: i32,
    pub at_opening: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Simulation {
    /// Code of the queue the ticket would go to.
    pub queue: String,
    pub organisation: String,
    /// The rule that matched; null when none does and the ticket stays at the guichet.
    pub rule: Option<SimulatedRule>,
    /// Why, in French.
    pub why: Vec<String>,
    /// For third-party software, the editor the authority turns to.
    pub third_party_editor: Option<String>,
}

/// Where a ticket of this category from this school would go, by which rule and why.
pub async fn simulate(
    state: &AppState,
    caller: &Caller,
    request: SimulateRequest,
) -> Result<Simulation, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        let conn = &mut *tx.conn;
        let agent = caller.admin_scope().is_some()
            || caller.has_role(Role::GuichetAgent)
            || caller.has_role(Role::AuthorityAgent);
        if !agent {
            return Err(audit::deny("simuler le routage"));
        }
        let uai = parse_uai(&request.uai)?;
        // A school of another territory is as unknown as a missing one.
        let territory_of_caller = |territory: Option<&str>| {
            caller.administers(territory)
                || caller.grants.iter().any(|g| {
                    matches!(g.role, Role::GuichetAgent | Role::AuthorityAgent)
                        && g.scope.territory().is_some()
                        && g.scope.territory() == territory
                })
        };
        let (establishment, authority, collectivite) = establishments::find(conn, uai.as_str())?
            .filter(|(_, authority, _)| territory_of_caller(authority.territory_code.as_deref()))
            .ok_or_else(|| AppError::not_found(format!("Aucun établissement d'UAI {uai}")))?;
        simulation(
            conn,
            (&establishment, &authority, &collectivite),
            &request.category,
        )
    })
    .await
}

/// Where the rules send a ticket of `category_code` from this school (and why).
pub fn simulation(
    conn: &mut DbConn,
    (establishment, authority, collectivite): (&Establishment, &Organisation, &Organisation),
    category_code: &str,
) -> Result<Simulation, AppError> {
    let category = category(conn, category_code)?;
    let decision = decide(
        conn,
        establishment,
        authority,
        collectivite,
        &category,
        false,
    )?;
    let (queue, rule, why, editor) = match decision {
        Some(d) => (d.queue, d.rule, d.why, d.editor),
        None => (
            domain_queue(conn, authority, CompetenceDomain::Guichet)?,
            None,
            vec!["aucune règle ne s'applique : le ticket reste au guichet unique".to_owned()],
            None,
        ),
    };
    let organisation = organisations::find(conn, queue.organisation_id)?
        .map(|o| o.code)
        .unwrap_or_default();
    Ok(Simulation {
        queue: queue.code,
        organisation,
        rule: rule.map(|r| SimulatedRule {
            id: r.id,
            name: r.name,
            position: r.position,
            at_opening: r.at_opening,
        }),
        why,
        third_party_editor: editor.map(|e| e.code),
    })
}
