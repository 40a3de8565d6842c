//! Routing: an authority's rules applied to a ticket, and the targets resolved to queues.

use crate::db::models::{Category, Establishment, Organisation, Queue, RoutingRule};
use crate::db::repo::{categories, organisations, queues, routing_rules, territories};
use crate::db::DbConn;
use crate::domain::reference_kinds::CompetenceDomain;
use crate::domain::routing::{first_match, RoutingFacts, Rule, RuleConditions, TargetKind};
use crate::error::AppError;

/// Where a ticket goes, by which rule and why.
#[derive(Debug, Clone)]
pub struct Decision {
    pub queue: Queue,
    pub rule: Option<RoutingRule>,
    pub why: Vec<String>,
    /// For third-party software: the editor the authority turns to.
    pub editor: Option<Organisation>,
}

fn missing(what: String) -> AppError {
    AppError::Conflict {
        code: "routing_target_missing",
        detail: format!("Cible de routage introuvable : {what}"),
    }
}

/// An organisation's level-1 queue of a domain.
pub fn domain_queue(
    conn: &mut DbConn,
    organisation: &Organisation,
    domain: CompetenceDomain,
) -> Result<Queue, AppError> {
    queues::of_organisation(conn, organisation.id, Some(domain.as_str()), Some(1))?
        .into_iter()
        .next()
        .ok_or_else(|| missing(format!("file {domain} de {}", organisation.code)))
}

/// The vendor of the authority's territory.
pub fn territory_vendor(
    conn: &mut DbConn,
    authority: &Organisation,
) -> Result<Organisation, AppError> {
    let territory = authority
        .territory_code
        .as_deref()
        .and_then(|t| territories::find(conn, t).transpose())
        .transpose()?
        .ok_or_else(|| missing(format!("territoire de {}", authority.code)))?;
    territory
        .vendor_id
        .and_then(|id| organisations::find(conn, id).transpose())
        .transpose()?
        .ok_or_else(|| missing(format!("titulaire du territoire {}", territory.code)))
}

pub fn conditions(rule: &RoutingRule) -> Result<RuleConditions, AppError> {
    Ok(RuleConditions {
        category: rule.category_code.clone(),
        category_domain: rule.category_domain,
        establishment_kind: rule.establishment_kind,
        sector: rule.sector,
        vie_scolaire_module: rule.vie_scolaire_module,
    })
}

fn resolve(
    conn: &mut DbConn,
    rule: &RoutingRule,
    authority: &Organisation,
    collectivite: &Organisation,
) -> Result<(Queue, Option<Organisation>), AppError> {
    let kind: TargetKind = rule.target_kind;
    Ok(match kind {
        TargetKind::Queue => {
            let id = rule.target_queue_id.unwrap_or_default();
            (
                queues::find(conn, id)?.ok_or_else(|| missing(format!("file {id}")))?,
                None,
            )
        }
        TargetKind::CollectiviteInCharge => (
            domain_queue(conn, collectivite, CompetenceDomain::NetworkHardware)?,
            None,
        ),
        TargetKind::VendorVieScolaire => {
            let vendor = territory_vendor(conn, authority)?;
            (
                domain_queue(conn, &vendor, CompetenceDomain::VieScolaire)?,
                None,
            )
        }
        TargetKind::AuthorityDomain => {
            let domain = rule
                .target_domain
                .ok_or_else(|| missing(format!("domaine de la règle {}", rule.id)))?;
            (domain_queue(conn, authority, domain)?, None)
        }
        TargetKind::ThirdPartyEditor => {
            let id = rule.target_editor_id.unwrap_or_default();
            let editor =
                organisations::find(conn, id)?.ok_or_else(|| missing(format!("éditeur {id}")))?;
            (
                domain_queue(conn, authority, CompetenceDomain::Guichet)?,
                Some(editor),
            )
        }
    })
}

/// The decision of the authority's active rules (only those applying at opening when
/// asked); `None` when no rule matches.
pub fn decide(
    conn: &mut DbConn,
    establishment: &Establishment,
    authority: &Organisation,
    collectivite: &Organisation,
    category: &Category,
    at_opening: bool,
) -> Result<Option<Decision>, AppError> {
    let facts = RoutingFacts {
        category_code: category.code.clone(),
        category_domain: category.domain,
        establishment_kind: establishment.kind,
        sector: establishment.sector,
        uses_vie_scolaire_module: establishment.uses_vie_scolaire_module,
    };
    let rules: Vec<Rule<RoutingRule>> = routing_rules::list(conn, authority.id)?
        .into_iter()
        .filter(|r| r.active && (!at_opening || r.at_opening))
        .map(|r| {
            Ok(Rule {
                position: r.position,
                conditions: conditions(&r)?,
                target: r,
            })
        })
        .collect::<Result<_, AppError>>()?;
    let Some((hit, why)) = first_match(&rules, &facts) else {
        return Ok(None);
    };
    let (queue, editor) = resolve(conn, &hit.target, authority, collectivite)?;
    Ok(Some(Decision {
        queue,
        rule: Some(hit.target.clone()),
        why,
        editor,
    }))
}

pub fn category(conn: &mut DbConn, code: &str) -> Result<Category, AppError> {
    categories::find(conn, code)?.ok_or_else(|| {
        AppError::invalid_field(
            "category",
            "unknown_category",
            format!("catégorie {code} inconnue"),
        )
    })
}
