//! The routing decision: an authority's ordered rules, the first that matches a ticket
//! wins. Resolving a target to a queue needs the database and lives in the services.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::reference_kinds::{CompetenceDomain, EstablishmentKind, Sector};
use crate::text_enum;

/// What the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingFacts {
    pub category_code: String,
    pub category_domain: CompetenceDomain,
    pub establishment_kind: EstablishmentKind,
    pub sector: Sector,
    pub uses_vie_scolaire_module: bool,
}

/// Conditions of a rule; an absent one matches anything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleConditions {
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub category_domain: Option<CompetenceDomain>,
    #[serde(default)]
    pub establishment_kind: Option<EstablishmentKind>,
    #[serde(default)]
    pub sector: Option<Sector>,
    #[serde(default)]
    pub vie_scolaire_module: Option<bool>,
}

text_enum! {
    /// Where a rule sends a ticket.
    TargetKind {
        /// A fixed queue.
        Queue => "queue",
        /// The network and hardware queue of the collectivité in charge of the school.
        CollectiviteInCharge => "collectivite_in_charge",
        /// The vendor's vie scolaire level-1 queue (direct level 1).
        VendorVieScolaire => "vendor_vie_scolaire",
        /// This authority's own queue for a competence domain.
        AuthorityDomain => "authority_domain",
        /// A third-party software editor: the ticket waits, pending(third_party).
        ThirdPartyEditor => "third_party_editor",
    }
}

impl RuleConditions {
    /// The French reasons this rule matches, or `None` if one condition fails.
    pub fn match_reasons(&self, facts: &RoutingFacts) -> Option<Vec<String>> {
        let mut reasons = Vec::new();
        if let Some(category) = &self.category {
            if *category != facts.category_code {
                return None;
            }
            reasons.push(format!("catégorie {category}"));
        }
        if let Some(domain) = self.category_domain {
            if domain != facts.category_domain {
                return None;
            }
            reasons.push(format!("domaine {domain}"));
        }
        if let Some(kind) = self.establishment_kind {
            if kind != facts.establishment_kind {
                return None;
            }
            reasons.push(format!("établissement de type {kind}"));
        }
        if let Some(sector) = self.sector {
            if sector != facts.sector {
                return None;
            }
            reasons.push(format!("secteur {sector}"));
        }
        if let Some(module) = self.vie_scolaire_module {
            if module != facts.uses_vie_scolaire_module {
                return None;
            }
            reasons.push(if module {
                "utilise le module vie scolaire du titulaire".to_owned()
            } else {
                "n'utilise pas le module vie scolaire du titulaire".to_owned()
            });
        }
        if reasons.is_empty() {
            reasons.push("règle sans condition".to_owned());
        }
        Some(reasons)
    }
}

/// A rule as the decision sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule<T> {
    pub position: i32,
    pub conditions: RuleConditions,
    pub target: T,
}

/// The first rule (by position) whose conditions all hold, with why.
pub fn first_match<'r, T>(
    rules: &'r [Rule<T>],
    facts: &RoutingFacts,
) -> Option<(&'r Rule<T>, Vec<String>)> {
    let mut ordered: Vec<&Rule<T>> = rules.iter().collect();
    ordered.sort_by_key(|r| r.position);
    ordered
        .into_iter()
        .find_map(|rule| rule.conditions.match_reasons(facts).map(|why| (rule, why)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(domain: CompetenceDomain, kind: EstablishmentKind, module: bool) -> RoutingFacts {
        RoutingFacts {
            category_code: "x".into(),
            category_domain: domain,
            establishment_kind: kind,
            sector: Sector::Public,
            uses_vie_scolaire_module: module,
        }
    }

    fn rule(position: i32, conditions: RuleConditions, target: &'static str) -> Rule<&'static str> {
        Rule {
            position,
            conditions,
            target,
        }
    }

    #[test]
    fn the_first_matching_rule_by_position_wins() {
        let rules = vec![
            rule(20, RuleConditions::default(), "fallback"),
            rule(
                10,
                RuleConditions {
                    category_domain: Some(CompetenceDomain::VieScolaire),
                    vie_scolaire_module: Some(true),
                    ..Default::default()
                },
                "vendor",
            ),
        ];
        let with_module = facts(
            CompetenceDomain::VieScolaire,
            EstablishmentKind::Lycee,
            true,
        );
        let (hit, why) = first_match(&rules, &with_module).unwrap();
        assert_eq!(hit.target, "vendor");
        assert_eq!(why.len(), 2);
        let without = facts(
            CompetenceDomain::VieScolaire,
            EstablishmentKind::Lycee,
            false,
        );
        assert_eq!(first_match(&rules, &without).unwrap().0.target, "fallback");
    }

    #[test]
    fn every_condition_must_hold() {
        let conditions = RuleConditions {
            category: Some("wifi".into()),
            establishment_kind: Some(EstablishmentKind::College),
            sector: Some(Sector::PrivateUnderContract),
            ..Default::default()
        };
        let mut f = facts(
            CompetenceDomain::NetworkHardware,
            EstablishmentKind::College,
            false,
        );
        f.category_code = "wifi".into();
        assert!(
            conditions.match_reasons(&f).is_none(),
            "public, not private"
        );
        f.sector = Sector::PrivateUnderContract;
        assert_eq!(conditions.match_reasons(&f).unwrap().len(), 3);
        f.establishment_kind = EstablishmentKind::Lycee;
        assert!(conditions.match_reasons(&f).is_none());
    }

    #[test]
    fn no_rule_no_match() {
        let rules: Vec<Rule<&str>> = vec![];
        assert!(first_match(
            &rules,
            &facts(CompetenceDomain::Usage, EstablishmentKind::Ecole, false)
        )
        .is_none());
    }
}
