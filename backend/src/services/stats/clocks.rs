//! From the clocks that ended in a period to the durations (median and 90th percentile by
//! nearest rank) and the compliance of each group: the tickets' own clocks, each
//! organisation's stays, all the vendors' stays together.

use std::collections::{BTreeMap, HashMap};

use super::queries::EndedClock;
use super::views::Durations;
use crate::db::models::Organisation;
use crate::domain::figures::{minutes, nearest_rank};
use crate::domain::reference_kinds::OrganisationKind;

/// Clocks met and breached, by whose clock (`ticket` or an organisation's code), kind and
/// priority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceRow {
    pub owner: String,
    pub label: String,
    pub kind: &'static str,
    pub priority: i64,
    pub met: i64,
    pub breached: i64,
}

/// Durations by group (`ticket:<kind>`, `organisation:<code>:<kind>`, `vendor:<kind>`) with
/// the group's label, and the compliance rows.
pub struct ClockFigures {
    pub durations: BTreeMap<String, (String, Durations)>,
    pub compliance: Vec<ComplianceRow>,
}

fn kind(clock: &EndedClock) -> &'static str {
    if clock.response == 1 {
        "response"
    } else {
        "resolution"
    }
}

pub fn figures(clocks: &[EndedClock], organisations: &HashMap<i64, Organisation>) -> ClockFigures {
    let mut seconds: HashMap<String, (String, Vec<i64>)> = HashMap::new();
    let mut counts: BTreeMap<(String, &'static str, i64), (String, i64, i64)> = BTreeMap::new();
    for clock in clocks {
        let kind = kind(clock);
        let stay = match clock.stay {
            0 => None,
            _ => match organisations.get(&clock.organisation_id) {
                Some(o) => Some(o),
                // Every clock names an existing organisation (a foreign key).
                None => continue,
            },
        };
        let mut groups = Vec::with_capacity(2);
        let (owner, label) = match stay {
            Some(o) => {
                groups.push((format!("organisation:{}:{kind}", o.code), o.name.clone()));
                if o.kind == OrganisationKind::Vendor {
                    groups.push((format!("vendor:{kind}"), String::new()));
                }
                (o.code.clone(), o.name.clone())
            }
            None => {
                groups.push((format!("ticket:{kind}"), String::new()));
                ("ticket".to_owned(), String::new())
            }
        };
        for (group, label) in groups {
            seconds
                .entry(group)
                .or_insert_with(|| (label, Vec::new()))
                .1
                .push(clock.seconds);
        }
        let count = counts
            .entry((owner, kind, clock.priority))
            .or_insert_with(|| (label, 0, 0));
        if clock.breached == 1 {
            count.2 += 1;
        } else {
            count.1 += 1;
        }
    }
    let durations = seconds
        .into_iter()
        .map(|(group, (label, mut values))| {
            values.sort_unstable();
            let n = values.len() as i64;
            let at = |percent| values[(nearest_rank(n, percent) - 1) as usize];
            let durations = Durations {
                count: n,
                median_minutes: Some(minutes(at(50))),
                p90_minutes: Some(minutes(at(90))),
            };
            (group, (label, durations))
        })
        .collect();
    let compliance = counts
        .into_iter()
        .map(
            |((owner, kind, priority), (label, met, breached))| ComplianceRow {
                owner,
                label,
                kind,
                priority,
                met,
                breached,
            },
        )
        .collect();
    ClockFigures {
        durations,
        compliance,
    }
}
