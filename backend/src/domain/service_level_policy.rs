//! Service-level policies: per priority P1–P5, the response and resolution targets in
//! business minutes, optionally narrowed to one kind of organisation or one level. The most
//! specific target that matches a clock applies.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::reference_kinds::OrganisationKind;
use crate::text_enum;

/// A year of business minutes: no target is longer.
pub const MAX_TARGET_MINUTES: i64 = 525_600;

text_enum! {
    /// Which kind of organisation a target is for.
    HandlerKind {
        /// Academic and agricultural authorities (DANE, DSI, DRAAF).
        Authority => "authority",
        Collectivite => "collectivite",
        Vendor => "vendor",
    }
}

impl HandlerKind {
    /// The kind a target names for an organisation; software editors have none.
    pub fn of(kind: OrganisationKind) -> Option<Self> {
        match kind {
            OrganisationKind::AcademicAuthority | OrganisationKind::AgriculturalAuthority => {
                Some(Self::Authority)
            }
            OrganisationKind::Collectivite => Some(Self::Collectivite),
            OrganisationKind::Vendor => Some(Self::Vendor),
            OrganisationKind::SoftwareEditor => None,
        }
    }
}

text_enum! {
    /// What a clock measures.
    ClockKind {
        /// Until the first answer.
        Response => "response",
        /// Until the resolution.
        Resolution => "resolution",
    }
}

/// One line of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// 1 (critical) to 5.
    #[schema(minimum = 1, maximum = 5)]
    pub priority: i32,
    /// Only for the stays in this kind of organisation; absent: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_kind: Option<HandlerKind>,
    /// Only for the stays in queues of this level; absent: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1, maximum = 3)]
    pub level: Option<i32>,
    /// Business minutes until the first answer.
    #[schema(minimum = 1, maximum = 525600)]
    pub response_minutes: i64,
    /// Business minutes until the resolution (not less than the response).
    #[schema(minimum = 1, maximum = 525600)]
    pub resolution_minutes: i64,
}

impl Target {
    pub fn minutes(&self, kind: ClockKind) -> i64 {
        match kind {
            ClockKind::Response => self.response_minutes,
            ClockKind::Resolution => self.resolution_minutes,
        }
    }

    /// How narrowly the line applies: an organisation kind weighs more than a level.
    fn specificity(&self) -> u8 {
        2 * u8::from(self.organisation_kind.is_some()) + u8::from(self.level.is_some())
    }

    fn matches(&self, priority: i32, kind: Option<HandlerKind>, level: Option<i32>) -> bool {
        self.priority == priority
            && self.organisation_kind.is_none_or(|k| Some(k) == kind)
            && self.level.is_none_or(|l| Some(l) == level)
    }
}

/// A fault of a policy's targets: the index of the line (if one), a stable code and the
/// French reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetFault {
    pub line: Option<usize>,
    pub code: &'static str,
    pub message: String,
}

/// Checks a policy's lines: values in range, a general line (no kind, no level) for every
/// priority, no two lines for the same case.
pub fn validate(targets: &[Target]) -> Result<(), Vec<TargetFault>> {
    let mut faults = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        if !(1..=5).contains(&t.priority) {
            faults.push(TargetFault {
                line: Some(i),
                code: "out_of_range",
                message: "la priorité va de 1 à 5".into(),
            });
        }
        if t.level.is_some_and(|l| !(1..=3).contains(&l)) {
            faults.push(TargetFault {
                line: Some(i),
                code: "out_of_range",
                message: "le niveau va de 1 à 3".into(),
            });
        }
        for minutes in [t.response_minutes, t.resolution_minutes] {
            if !(1..=MAX_TARGET_MINUTES).contains(&minutes) {
                faults.push(TargetFault {
                    line: Some(i),
                    code: "out_of_range",
                    message: format!("un délai va de 1 à {MAX_TARGET_MINUTES} minutes ouvrées"),
                });
            }
        }
        if t.resolution_minutes < t.response_minutes {
            faults.push(TargetFault {
                line: Some(i),
                code: "resolution_before_response",
                message: "le délai de résolution ne peut être plus court que celui de réponse"
                    .into(),
            });
        }
        let same_case = targets[..i].iter().any(|o| {
            o.priority == t.priority
                && o.organisation_kind == t.organisation_kind
                && o.level == t.level
        });
        if same_case {
            faults.push(TargetFault {
                line: Some(i),
                code: "duplicate_target",
                message: format!("deux lignes visent le même cas pour P{}", t.priority),
            });
        }
    }
    for priority in 1..=5 {
        let general = targets
            .iter()
            .any(|t| t.priority == priority && t.organisation_kind.is_none() && t.level.is_none());
        if !general {
            faults.push(TargetFault { line: None, code: "missing_target", message: format!("il manque la ligne générale de P{priority} (sans type d'organisation ni niveau)") });
        }
    }
    if faults.is_empty() {
        Ok(())
    } else {
        Err(faults)
    }
}

/// The line that applies to a clock: the most specific that matches. A validated policy
/// always has one (its general line).
pub fn target_for(
    targets: &[Target],
    priority: i32,
    kind: Option<HandlerKind>,
    level: Option<i32>,
) -> Option<&Target> {
    targets
        .iter()
        .filter(|t| t.matches(priority, kind, level))
        .max_by_key(|t| t.specificity())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(priority: i32, kind: Option<HandlerKind>, level: Option<i32>, r: i64) -> Target {
        Target {
            priority,
            organisation_kind: kind,
            level,
            response_minutes: r,
            resolution_minutes: r * 4,
        }
    }

    fn general() -> Vec<Target> {
        (1..=5)
            .map(|p| line(p, None, None, 60 * p as i64))
            .collect()
    }

    #[test]
    fn the_most_specific_line_applies() {
        let mut targets = general();
        targets.push(line(2, Some(HandlerKind::Vendor), None, 30));
        targets.push(line(2, None, Some(3), 45));
        targets.push(line(2, Some(HandlerKind::Vendor), Some(3), 15));
        let pick = |kind, level| {
            target_for(&targets, 2, kind, level)
                .unwrap()
                .response_minutes
        };
        assert_eq!(pick(None, None), 120);
        assert_eq!(pick(Some(HandlerKind::Authority), Some(1)), 120);
        assert_eq!(pick(Some(HandlerKind::Vendor), Some(2)), 30);
        assert_eq!(pick(Some(HandlerKind::Collectivite), Some(3)), 45);
        assert_eq!(pick(Some(HandlerKind::Vendor), Some(3)), 15);
        assert!(validate(&targets).is_ok());
    }

    #[test]
    fn a_policy_needs_a_general_line_per_priority_and_no_twin() {
        let mut targets = general();
        targets.remove(4);
        targets.push(line(1, None, None, 10));
        let faults = validate(&targets).unwrap_err();
        let codes: Vec<_> = faults.iter().map(|f| (f.line, f.code)).collect();
        assert_eq!(
            codes,
            vec![(Some(4), "duplicate_target"), (None, "missing_target")]
        );
    }

    #[test]
    fn values_out_of_range_are_refused() {
        let mut targets = general();
        targets[0].response_minutes = 0;
        targets[1].resolution_minutes = 10;
        targets.push(line(6, None, Some(4), 10));
        let faults = validate(&targets).unwrap_err();
        let codes: Vec<_> = faults.iter().map(|f| (f.line, f.code)).collect();
        assert_eq!(
            codes,
            vec![
                (Some(0), "out_of_range"),
                (Some(1), "resolution_before_response"),
                (Some(5), "out_of_range"),
                (Some(5), "out_of_range"),
            ]
        );
    }

    #[test]
    fn organisation_kinds_map_to_target_kinds() {
        assert_eq!(
            HandlerKind::of(OrganisationKind::AgriculturalAuthority),
            Some(HandlerKind::Authority)
        );
        assert_eq!(
            HandlerKind::of(OrganisationKind::Vendor),
            Some(HandlerKind::Vendor)
        );
        assert_eq!(HandlerKind::of(OrganisationKind::SoftwareEditor), None);
    }
}
