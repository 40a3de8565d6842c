//! Service figures for the steering committees and the organisations of the chain: volumes,
//! times per organisation, service-level compliance and weekly series of one scope over one
//! period, counted in SQL.

pub mod clocks;
pub mod csv;
pub mod queries;
pub mod scope;
pub mod tallies;
pub mod views;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::db::repo::{organisations, territories};
use crate::db::DbConn;
use crate::domain::figures::{day_start, share, weekly};
use crate::error::AppError;
use crate::services::caller::Caller;
use crate::services::unit_of_work;
use crate::state::AppState;
use clocks::ComplianceRow;
use queries::VolumeCell;
use scope::{Scope, TicketFilter};
use views::{
    Compliance, Durations, Figures, OrganisationFigures, Period, PriorityCompliance, Refusals,
    SolvedAt, VolumeBy, Volumes, Week,
};

/// The longest period figures cover.
pub const MAX_DAYS: i64 = 400;

/// What a caller asks for; everything has a default (the caller's own scope, the current
/// month to date).
#[derive(Debug, Clone, Default)]
pub struct FiguresRequest {
    pub scope: Option<String>,
    pub from: Option<Bound>,
    pub to: Option<Bound>,
}

/// A bound of the period: an instant, or a day that starts at its local midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Instant(DateTime<Utc>),
    Day(NaiveDate),
}

impl Bound {
    fn instant(self, zone: Tz) -> DateTime<Utc> {
        match self {
            Self::Instant(t) => t,
            Self::Day(d) => day_start(d, zone),
        }
    }
}

pub async fn figures(
    state: &AppState,
    caller: &Caller,
    request: FiguresRequest,
) -> Result<Figures, AppError> {
    unit_of_work::read(state, caller, move |tx, caller| {
        if !scope::reads_figures(caller) {
            return Err(AppError::forbidden(
                "Les chiffres sont réservés au pilotage, aux agents et aux administrateurs",
            ));
        }
        let key = request
            .scope
            .clone()
            .or_else(|| scope::default_key(caller))
            .ok_or_else(|| {
                AppError::invalid_field(
                    "scope",
                    "required",
                    "le paramètre scope est requis (ex. territory:GE)",
                )
            })?;
        let scope = scope::resolve(tx.conn, caller, &key)?;
        let zone = territories::zone(tx.conn, &scope.view.territory)?;
        let (from, to) = period(&request, tx.now, zone)?;
        compute(tx.conn, scope, from, to, zone)
    })
    .await
}

/// The requested period, by default from the first day of the current month to the end of
/// today.
fn period(
    request: &FiguresRequest,
    now: DateTime<Utc>,
    zone: Tz,
) -> Result<(DateTime<Utc>, DateTime<Utc>), AppError> {
    let today = now.with_timezone(&zone).date_naive();
    let from = request
        .from
        .map(|b| b.instant(zone))
        .unwrap_or_else(|| day_start(today.with_day(1).expect("first day"), zone));
    let to = request
        .to
        .map(|b| b.instant(zone))
        .unwrap_or_else(|| day_start(today.succ_opt().unwrap_or(today), zone));
    if to <= from || to - from > Duration::days(MAX_DAYS) {
        return Err(AppError::invalid_field(
            "to",
            "out_of_range",
            format!("la période va de 1 seconde à {MAX_DAYS} jours après `from`"),
        ));
    }
    Ok((from, to))
}

/// Where the figures are counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// The tickets and clocks themselves: any scope, any period.
    Recount,
    /// The tallies: a territory over whole local days.
    Tallies,
}

/// How the figures of `filter` over `[from, to)` are counted: from the tallies when they
/// hold them (a territory, whole days of its zone), else by recounting.
pub fn counting(
    filter: &TicketFilter,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    zone: Tz,
) -> Counting {
    let whole_day = |t: DateTime<Utc>| day_start(t.with_timezone(&zone).date_naive(), zone) == t;
    match filter {
        TicketFilter::Territory(_) if whole_day(from) && whole_day(to) => Counting::Tallies,
        _ => Counting::Recount,
    }
}

/// Every figure of `scope` over `[from, to)`.
pub fn compute(
    conn: &mut DbConn,
    scope: Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    zone: Tz,
) -> Result<Figures, AppError> {
    let how = counting(&scope.filter, from, to, zone);
    compute_by(conn, scope, from, to, zone, how)
}

/// Every figure of `scope` over `[from, to)`, counted as `how` says (the tallies' check
/// compares both).
pub fn compute_by(
    conn: &mut DbConn,
    scope: Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    zone: Tz,
    how: Counting,
) -> Result<Figures, AppError> {
    let filter = &scope.filter;
    let tallies::read::Counts {
        mut cells,
        clocks,
        hours,
    } = match (how, filter) {
        (Counting::Tallies, TicketFilter::Territory(territory)) => {
            let day = |t: DateTime<Utc>| t.with_timezone(&zone).date_naive();
            tallies::read::counts(conn, territory, (day(from), day(to)), zone)?
        }
        _ => tallies::read::Counts {
            cells: queries::volumes(conn, filter, from, to)?,
            clocks: queries::ended_clocks(conn, filter, from, to)?,
            hours: queries::hours(conn, filter, from, to)?,
        },
    };
    // A ticket that counts for nothing in the period (cancelled before it) leaves no line.
    cells.retain(|c| c.opened + c.resolved + c.backlog + c.escalated + c.reopened != 0);
    let by_level = fold(&cells, |c| (c.level.clone(), c.level.clone()));
    let by_queue = fold(&cells, |c| (c.queue.clone(), c.queue_name.clone()));
    let by_category = fold(&cells, |c| (c.category.clone(), c.category_label.clone()));
    let by_school_kind = fold(&cells, |c| (c.school_kind.clone(), c.school_kind.clone()));
    let organisations: HashMap<i64, _> = organisations::list(conn, &Default::default())?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let clocks::ClockFigures {
        durations,
        compliance,
    } = clocks::figures(&clocks, &organisations);
    let refusals = queries::refusals(conn, filter, from, to)?;

    let total = |f: fn(&VolumeRow) -> i64| by_level.iter().map(f).sum::<i64>();
    let tickets = Volumes {
        opened: total(|r| r.opened),
        resolved: total(|r| r.resolved),
        backlog: total(|r| r.backlog),
    };
    let resolved_at = |levels: &[&str]| {
        let part = by_level
            .iter()
            .filter(|r| levels.contains(&r.key.as_str()))
            .map(|r| r.resolved)
            .sum();
        share(part, tickets.resolved)
    };
    let solved_at = SolvedAt {
        level_0: resolved_at(&["0"]),
        level_1: resolved_at(&["1"]),
        vendor: resolved_at(&["2", "3"]),
    };
    let escalation_rate = share(total(|r| r.escalated), tickets.opened);
    let reopen_rate = share(total(|r| r.reopened), tickets.resolved);
    let by_category = by(by_category);
    let mut top_categories: Vec<VolumeBy> = by_category
        .iter()
        .filter(|c| c.volumes.opened > 0)
        .cloned()
        .collect();
    top_categories.sort_by(|a, b| {
        b.volumes
            .opened
            .cmp(&a.volumes.opened)
            .then(a.key.cmp(&b.key))
    });
    top_categories.truncate(5);

    let duration = |group: &str| durations.get(group).cloned().unwrap_or_default().1;
    let organisations = organisation_figures(&durations, &compliance, &refusals);
    let weekly = weekly_series(&hours, from, to, zone);
    Ok(Figures {
        scope: scope.view,
        period: Period { from, to },
        tickets,
        by_level: by(by_level),
        by_queue: by(by_queue),
        by_category,
        by_school_kind: by(by_school_kind),
        top_categories,
        response: duration("ticket:response"),
        resolution: duration("ticket:resolution"),
        compliance_by_priority: by_priority(&compliance),
        organisations,
        solved_at,
        escalation_rate,
        reopen_rate,
        vendor_response: duration("vendor:response"),
        vendor_resolution: duration("vendor:resolution"),
        refusals: refusals
            .into_iter()
            .map(|r| Refusals {
                code: r.code,
                name: r.name,
                refused: r.refused,
            })
            .collect(),
        weekly,
    })
}

/// The volumes of one dimension, by key.
struct VolumeRow {
    key: String,
    label: String,
    opened: i64,
    resolved: i64,
    backlog: i64,
    escalated: i64,
    reopened: i64,
}

/// Sums the cells by the (key, label) of one dimension, in key order.
fn fold(
    cells: &[VolumeCell],
    dimension: impl Fn(&VolumeCell) -> (String, String),
) -> Vec<VolumeRow> {
    let mut rows: BTreeMap<String, VolumeRow> = BTreeMap::new();
    for cell in cells {
        let (key, label) = dimension(cell);
        let row = rows.entry(key.clone()).or_insert(VolumeRow {
            key,
            label,
            opened: 0,
            resolved: 0,
            backlog: 0,
            escalated: 0,
            reopened: 0,
        });
        row.opened += cell.opened;
        row.resolved += cell.resolved;
        row.backlog += cell.backlog;
        row.escalated += cell.escalated;
        row.reopened += cell.reopened;
    }
    rows.into_values().collect()
}

fn by(rows: Vec<VolumeRow>) -> Vec<VolumeBy> {
    rows.into_iter()
        .map(|r| VolumeBy {
            key: r.key,
            label: r.label,
            volumes: Volumes {
                opened: r.opened,
                resolved: r.resolved,
                backlog: r.backlog,
            },
        })
        .collect()
}

fn add(compliance: &mut Compliance, row: &ComplianceRow) {
    compliance.met += row.met;
    compliance.breached += row.breached;
    compliance.percent = share(compliance.met, compliance.met + compliance.breached);
}

fn by_priority(rows: &[ComplianceRow]) -> Vec<PriorityCompliance> {
    let mut priorities: BTreeMap<i64, (Compliance, Compliance)> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.owner == "ticket") {
        let (response, resolution) = priorities.entry(row.priority).or_default();
        add(
            if row.kind == "response" {
                response
            } else {
                resolution
            },
            row,
        );
    }
    priorities
        .into_iter()
        .map(|(priority, (response, resolution))| PriorityCompliance {
            priority,
            response,
            resolution,
        })
        .collect()
}

fn organisation_figures(
    durations: &BTreeMap<String, (String, Durations)>,
    compliance: &[ComplianceRow],
    refusals: &[queries::RefusalRow],
) -> Vec<OrganisationFigures> {
    let mut organisations: BTreeMap<String, OrganisationFigures> = BTreeMap::new();
    for (group, (name, figures)) in durations {
        let Some(rest) = group.strip_prefix("organisation:") else {
            continue;
        };
        let Some((code, kind)) = rest.rsplit_once(':') else {
            continue;
        };
        let organisation = organisation(&mut organisations, code, name);
        if kind == "response" {
            organisation.response = figures.clone();
        } else {
            organisation.resolution = figures.clone();
        }
    }
    for row in compliance.iter().filter(|r| r.owner != "ticket") {
        let organisation = organisation(&mut organisations, &row.owner, &row.label);
        if row.kind == "response" {
            add(&mut organisation.response_compliance, row);
        } else {
            add(&mut organisation.resolution_compliance, row);
        }
    }
    for row in refusals {
        organisation(&mut organisations, &row.code, &row.name).refused = row.refused;
    }
    organisations.into_values().collect()
}

fn organisation<'m>(
    organisations: &'m mut BTreeMap<String, OrganisationFigures>,
    code: &str,
    name: &str,
) -> &'m mut OrganisationFigures {
    organisations
        .entry(code.to_owned())
        .or_insert_with(|| OrganisationFigures {
            code: code.to_owned(),
            name: name.to_owned(),
            response: Durations::default(),
            resolution: Durations::default(),
            response_compliance: Compliance::default(),
            resolution_compliance: Compliance::default(),
            refused: 0,
        })
}

fn weekly_series(
    hours: &[queries::HourRow],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    zone: Tz,
) -> Vec<Week> {
    let of = |measure: &str| -> Vec<(i64, i64)> {
        hours
            .iter()
            .filter(|h| h.measure == measure)
            .map(|h| (h.hour, h.tickets))
            .collect()
    };
    let opened = weekly(&of("opened"), from, to, zone);
    let resolved = weekly(&of("resolved"), from, to, zone);
    opened
        .into_iter()
        .zip(resolved)
        .map(|((week, opened), (_, resolved))| Week {
            week,
            opened,
            resolved,
        })
        .collect()
}
