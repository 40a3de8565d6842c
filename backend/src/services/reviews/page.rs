//! A review as a printable HTML page in French (`templates/reviews/review.html.hbs`), its
//! charts drawn as inline SVG by the `chart` helper from the numbers and labels in the
//! context. Handlebars escapes every value; the helper's SVG escapes every text it draws.

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::views::{ReviewContent, ReviewView};
use crate::domain::availability::OutageService;
use crate::domain::french;
use crate::domain::review::{ActionStatus, Audience, ReviewStatus};
use crate::domain::svg_chart::{bars, columns, Series};
use crate::error::AppError;
use crate::services::stats::views::{Compliance, Durations};

const TEMPLATE: &str = include_str!("../../../../templates/reviews/review.html.hbs");
const BLUE: &str = "#000091";
const GREEN: &str = "#18753C";

/// How a chart writes its values.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Unit {
    Count,
    Percent,
    Minutes,
}

impl Unit {
    fn label(self, value: f64) -> String {
        match self {
            Self::Count => french::number(value, 0),
            Self::Percent => french::percent(value),
            Self::Minutes => french::duration(value as i64),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SeriesSpec {
    name: String,
    color: String,
    values: Vec<f64>,
}

/// A chart as data in the template's context; the `chart` helper draws it. No markup
/// travels through the context: the helper builds the SVG, escaping every text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Chart {
    Columns {
        title: String,
        categories: Vec<String>,
        series: Vec<SeriesSpec>,
        top: Option<f64>,
        unit: Unit,
    },
    Bars {
        title: String,
        rows: Vec<(String, f64)>,
        color: String,
        low: f64,
        top: Option<f64>,
        reference: Option<(f64, String)>,
        unit: Unit,
    },
}

impl Chart {
    fn draw(&self) -> String {
        match self {
            Self::Columns {
                title,
                categories,
                series,
                top,
                unit,
            } => {
                let series: Vec<Series> = series
                    .iter()
                    .map(|s| Series {
                        name: &s.name,
                        color: &s.color,
                        values: s.values.clone(),
                    })
                    .collect();
                columns(title, categories, &series, *top, |v| unit.label(v))
            }
            Self::Bars {
                title,
                rows,
                color,
                low,
                top,
                reference,
                unit,
            } => bars(
                title,
                rows,
                color,
                (*low, *top),
                reference.as_ref().map(|(at, name)| (*at, name.as_str())),
                |v| unit.label(v),
            ),
        }
    }
}

/// `{{chart spec}}`: draws a chart described in the context.
fn chart_helper(
    helper: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let spec = helper
        .param(0)
        .ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex("chart", 0))?;
    let chart: Chart = serde_json::from_value(spec.value().clone())
        .map_err(|e| RenderErrorReason::Other(format!("chart: {e}")))?;
    out.write(&chart.draw())?;
    Ok(())
}

fn registry() -> &'static Handlebars<'static> {
    static REGISTRY: OnceLock<Handlebars<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_helper("chart", Box::new(chart_helper));
        registry
            .register_template_string("review", TEMPLATE)
            .expect("templates/reviews/review.html.hbs compiles (tested)");
        registry
    })
}

pub fn audience_label(audience: Audience) -> &'static str {
    match audience {
        Audience::Costra => "Comité stratégique (COSTRA)",
        Audience::ComiteCoordination => "Comité de coordination",
        Audience::Cotec => "Comité technique (COTEC)",
        Audience::CelluleCrise => "Cellule de crise",
    }
}

fn status_label(status: ReviewStatus) -> &'static str {
    match status {
        ReviewStatus::Draft => "Brouillon",
        ReviewStatus::Held => "Tenue",
        ReviewStatus::Published => "Publiée",
    }
}

fn action_label(status: ActionStatus) -> &'static str {
    match status {
        ActionStatus::Open => "À faire",
        ActionStatus::InProgress => "En cours",
        ActionStatus::Done => "Faite",
        ActionStatus::Dropped => "Abandonnée",
    }
}

fn service_label(service: OutageService) -> &'static str {
    match service {
        OutageService::EntPlatform => "ENT",
        OutageService::Authentication => "Authentification",
        OutageService::DirectoryFeed => "Alimentation de l'annuaire",
    }
}

fn optional(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), french::percent)
}

fn times(d: &Durations) -> String {
    match (d.median_minutes, d.p90_minutes) {
        (Some(median), Some(p90)) => {
            format!("{} / {}", french::duration(median), french::duration(p90))
        }
        _ => "—".to_owned(),
    }
}

fn kept(c: &Compliance) -> String {
    match c.percent {
        Some(p) => format!(
            "{} ({} sur {})",
            french::percent(p),
            c.met,
            c.met + c.breached
        ),
        None => "—".to_owned(),
    }
}

/// The period `[from, to)` as its first and last days.
fn period(from: DateTime<Utc>, to: DateTime<Utc>, zone: Tz) -> String {
    let first = from.with_timezone(&zone).date_naive();
    let last = (to - chrono::Duration::seconds(1))
        .with_timezone(&zone)
        .date_naive();
    format!("du {} au {}", french::date(first), french::date(last))
}

pub fn render(view: &ReviewView, zone: Tz) -> Result<String, AppError> {
    let content: ReviewContent = serde_json::from_value(view.content.clone())
        .map_err(|e| AppError::Internal(format!("review {} content: {e}", view.summary.id)))?;
    let figures = &content.figures;
    let at = |t: DateTime<Utc>| french::date_time(t, zone);
    let t = &figures.tickets;
    let totals = [
        ("Tickets ouverts", french::integer(t.opened)),
        ("Tickets résolus", french::integer(t.resolved)),
        ("En stock en fin de période", french::integer(t.backlog)),
        ("Résolus au niveau 0", optional(figures.solved_at.level_0)),
        ("Résolus au niveau 1", optional(figures.solved_at.level_1)),
        (
            "Résolus par le titulaire",
            optional(figures.solved_at.vendor),
        ),
        ("Escaladés au titulaire", optional(figures.escalation_rate)),
        ("Rouverts après résolution", optional(figures.reopen_rate)),
        (
            "Première réponse (médiane / 90 %)",
            times(&figures.response),
        ),
        ("Résolution (médiane / 90 %)", times(&figures.resolution)),
        (
            "Réponse du titulaire (médiane / 90 %)",
            times(&figures.vendor_response),
        ),
    ];
    let weekly = Chart::Columns {
        title: "Tickets ouverts et résolus par semaine".into(),
        categories: figures
            .weekly
            .iter()
            .map(|w| w.week.format("%d/%m").to_string())
            .collect(),
        series: vec![
            SeriesSpec {
                name: "Ouverts".into(),
                color: BLUE.into(),
                values: figures.weekly.iter().map(|w| w.opened as f64).collect(),
            },
            SeriesSpec {
                name: "Résolus".into(),
                color: GREEN.into(),
                values: figures.weekly.iter().map(|w| w.resolved as f64).collect(),
            },
        ],
        top: None,
        unit: Unit::Count,
    };
    let organisations_chart = Chart::Bars {
        title: "Temps de traitement médian par organisation".into(),
        rows: figures
            .organisations
            .iter()
            .filter_map(|o| Some((o.name.clone(), o.resolution.median_minutes? as f64)))
            .collect(),
        color: BLUE.into(),
        low: 0.0,
        top: None,
        reference: None,
        unit: Unit::Minutes,
    };
    let share = |c: &Compliance| c.percent.unwrap_or(0.0);
    let by_priority = &figures.compliance_by_priority;
    let compliance_chart = Chart::Columns {
        title: "Délais tenus par priorité".into(),
        categories: by_priority
            .iter()
            .map(|p| format!("P{}", p.priority))
            .collect(),
        series: vec![
            SeriesSpec {
                name: "Première réponse".into(),
                color: BLUE.into(),
                values: by_priority.iter().map(|p| share(&p.response)).collect(),
            },
            SeriesSpec {
                name: "Résolution".into(),
                color: GREEN.into(),
                values: by_priority.iter().map(|p| share(&p.resolution)).collect(),
            },
        ],
        top: Some(100.0),
        unit: Unit::Percent,
    };
    let availability = &content.availability;
    let commitment = availability.in_window_commitment_percent;
    let availability_chart = Chart::Bars {
        title: "Disponibilité dans la plage d'engagement".into(),
        rows: availability
            .services
            .iter()
            .map(|s| (service_label(s.service).to_owned(), s.in_window_percent))
            .collect(),
        color: BLUE.into(),
        low: 95.0,
        top: Some(100.0),
        reference: Some((
            commitment,
            format!("engagement {}", french::percent(commitment)),
        )),
        unit: Unit::Percent,
    };
    let data = json!({
        "title": view.summary.title,
        "territory": figures.scope.name,
        "audience": audience_label(view.summary.audience),
        "period": period(view.summary.from, view.summary.to, zone),
        "status": status_label(view.summary.status),
        "published": view.summary.published_at.map(at),
        "frozen": view.summary.status == ReviewStatus::Published,
        "computed_at": at(content.computed_at),
        "participants": view.participants.iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
        "totals": totals.iter().map(|(label, value)| json!({ "label": label, "value": value })).collect::<Vec<_>>(),
        "weeks": figures.weekly.iter().map(|w| json!({
            "week": french::date(w.week), "opened": french::integer(w.opened), "resolved": french::integer(w.resolved),
        })).collect::<Vec<_>>(),
        "organisations": figures.organisations.iter().map(|o| json!({
            "name": o.name,
            "stays": french::integer(o.resolution.count),
            "response": times(&o.response),
            "resolution": times(&o.resolution),
            "compliance": kept(&o.resolution_compliance),
            "refused": french::integer(o.refused),
        })).collect::<Vec<_>>(),
        "priorities": figures.compliance_by_priority.iter().map(|p| json!({
            "priority": format!("P{}", p.priority), "response": kept(&p.response), "resolution": kept(&p.resolution),
        })).collect::<Vec<_>>(),
        "commitment_in": french::percent(availability.in_window_commitment_percent),
        "commitment_out": french::percent(availability.out_of_window_commitment_percent),
        "availability": availability.services.iter().map(|s| json!({
            "service": service_label(s.service),
            "in_window": french::number(s.in_window_percent, 3) + "\u{a0}%",
            "out_of_window": french::number(s.out_of_window_percent, 3) + "\u{a0}%",
            "meets_in": s.meets_in_window, "meets_out": s.meets_out_of_window,
        })).collect::<Vec<_>>(),
        "incidents": content.major_incidents.iter().map(|m| json!({
            "reference": m.reference, "title": m.title,
            "opened": at(m.opened_at), "resolved": m.resolved_at.map(at), "children": m.children,
            "timeline": m.timeline.iter().map(|e| json!({
                "at": at(e.at), "kind": e.kind, "organisation": e.organisation.clone().unwrap_or_default(),
                "body": e.body.clone().unwrap_or_default(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "actions": view.actions.iter().map(|a| json!({
            "title": a.title, "owner": a.owner.name, "due": french::date(a.due_on),
            "status": action_label(a.status), "tickets": a.tickets.join(", "), "carried": a.carried_forward,
        })).collect::<Vec<_>>(),
        "charts": {
            "weekly": weekly, "organisations": organisations_chart,
            "compliance": compliance_chart, "availability": availability_chart,
        },
    });
    registry()
        .render("review", &data)
        .map_err(|e| AppError::Internal(format!("review page: {e}")))
}
