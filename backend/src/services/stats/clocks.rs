//! From the clocks that ended in a period to the durations (median and 90th percentile by
//! nearest rank) and the compliance of each group: the tickets' own clocks, each
//! organisation's stays, all the vendors' stays together.

use std::collections::{BTreeMap, HashMap};

use super::views::Durations;
use crate::db::models::Organisation;
use crate::domain::figures::nearest_rank;
use crate::domain::reference_kinds::OrganisationKind;

/// Clocks that ended alike: counted one by one from the clocks themselves, or many at once
/// from the tallies. Whole minutes suffice: rounding keeps the order, so the percentiles of
/// the minutes are the minutes of the percentiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockCount {
    /// A stay's clock (its organisation's), or the ticket's own.
    pub stay: bool,
    pub response: bool,
    pub priority: i64,
    pub minutes: i64,
    pub breached: bool,
    pub organisation_id: i64,
    pub clocks: i64,
}

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

fn kind(clock: &ClockCount) -> &'static str {
    if clock.response {
        "response"
    } else {
        "resolution"
    }
}

pub fn figures(clocks: &[ClockCount], organisations: &HashMap<i64, Organisation>) -> ClockFigures {
    let mut minutes: HashMap<String, (String, Vec<(i64, i64)>)> = HashMap::new();
    let mut counts: BTreeMap<(String, &'static str, i64), (String, i64, i64)> = BTreeMap::new();
    for clock in clocks {
        let kind = kind(clock);
        let stay = match clock.stay {
            false => None,
            true => match organisations.get(&clock.organisation_id) {
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
            minutes
                .entry(group)
                .or_insert_with(|| (label, Vec::new()))
                .1
                .push((clock.minutes, clock.clocks));
        }
        let count = counts
            .entry((owner, kind, clock.priority))
            .or_insert_with(|| (label, 0, 0));
        if clock.breached {
            count.2 += clock.clocks;
        } else {
            count.1 += clock.clocks;
        }
    }
    let durations = minutes
        .into_iter()
        .map(|(group, (label, values))| (group, (label, durations(values))))
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

/// The count, median and 90th percentile of `(minutes, clocks)` pairs.
fn durations(mut values: Vec<(i64, i64)>) -> Durations {
    values.sort_unstable();
    let n: i64 = values.iter().map(|(_, clocks)| clocks).sum();
    let at = |percent| {
        let rank = nearest_rank(n, percent);
        let mut seen = 0;
        values.iter().find_map(|&(minutes, clocks)| {
            seen += clocks;
            (seen >= rank).then_some(minutes)
        })
    };
    Durations {
        count: n,
        median_minutes: at(50),
        p90_minutes: at(90),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_counted_minutes_are_those_of_the_clocks_one_by_one() {
        let one_by_one: Vec<(i64, i64)> = [5, 1, 9, 3, 3, 7, 2, 8, 8, 4].map(|m| (m, 1)).to_vec();
        let counted = vec![
            (3, 2),
            (8, 2),
            (1, 1),
            (2, 1),
            (4, 1),
            (5, 1),
            (7, 1),
            (9, 1),
        ];
        let expected = Durations {
            count: 10,
            median_minutes: Some(4),
            p90_minutes: Some(8),
        };
        assert_eq!(durations(one_by_one), expected);
        assert_eq!(durations(counted), expected);
    }
}
