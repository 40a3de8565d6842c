//! `/admin/regles`: an authority's routing rules in the order they are tried, with the
//! simulation beside them (where a ticket of a category from a school would go, by which
//! rule and why); admins add and delete rules.

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{admin_page, back_to};
use crate::domain::reference_kinds::CompetenceDomain;
use crate::domain::routing::{RuleConditions, TargetKind};
use crate::error::AppError;
use crate::services::reference::list_categories;
use crate::services::routing_rules::{self, RuleSpec, RuleTarget, RuleView, SimulateRequest};
use crate::state::AppState;
use crate::web::forms::{self, Notice, TokenOnly};
use crate::web::session::{SignedIn, WebError};

fn target_label(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Queue => "Une file précise",
        TargetKind::CollectiviteInCharge => "La collectivité en charge de l'établissement",
        TargetKind::VendorVieScolaire => "Le titulaire, niveau 1 vie scolaire",
        TargetKind::AuthorityDomain => "Une file de l'autorité, par domaine",
        TargetKind::ThirdPartyEditor => "Un éditeur tiers",
    }
}

fn describe_target(target: &RuleTarget) -> String {
    let detail = target
        .queue
        .clone()
        .or_else(|| target.domain.map(|d| d.as_str().to_owned()))
        .or_else(|| target.editor.clone());
    match detail {
        Some(d) => format!("{} : {d}", target_label(target.kind)),
        None => target_label(target.kind).to_owned(),
    }
}

fn describe_conditions(c: &RuleConditions) -> String {
    let mut parts = Vec::new();
    if let Some(category) = &c.category {
        parts.push(format!("catégorie {category}"));
    }
    if let Some(domain) = c.category_domain {
        parts.push(format!("domaine {domain}"));
    }
    if let Some(kind) = c.establishment_kind {
        parts.push(format!("établissement {kind}"));
    }
    if let Some(sector) = c.sector {
        parts.push(format!("secteur {sector}"));
    }
    if let Some(module) = c.vie_scolaire_module {
        parts.push(format!(
            "module vie scolaire : {}",
            if module { "oui" } else { "non" }
        ));
    }
    if parts.is_empty() {
        "tous les tickets".to_owned()
    } else {
        parts.join(", ")
    }
}

fn rule_row(r: &RuleView) -> Value {
    json!({
        "id": r.id,
        "position": r.position,
        "name": r.name,
        "active": r.active,
        "at_opening": r.at_opening,
        "conditions": describe_conditions(&r.conditions),
        "target": describe_target(&r.target),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct RulesQuery {
    #[serde(default)]
    autorite: Option<String>,
    #[serde(default)]
    uai: Option<String>,
    #[serde(default)]
    categorie: Option<String>,
}

async fn rules_page(
    state: &AppState,
    signed_in: &SignedIn,
    query: RulesQuery,
    notice: Option<Notice>,
) -> Result<HttpResponse, WebError> {
    let caller = &signed_in.session.caller;
    let authorities = routing_rules::administered_authorities(state, caller).await?;
    let chosen = query
        .autorite
        .filter(|code| authorities.iter().any(|(a, _)| a == code))
        .unwrap_or_else(|| authorities[0].0.clone());
    let rules = routing_rules::list(state, caller, chosen.clone()).await?;
    let categories = list_categories(state).await?.items;
    let asked = (query.uai.filter(|u| !u.trim().is_empty()), query.categorie);
    let simulation = match asked {
        (Some(uai), Some(category)) => {
            let request = SimulateRequest {
                uai: uai.trim().to_owned(),
                category: category.clone(),
            };
            Some(
                match routing_rules::simulate(state, caller, request).await {
                    Ok(sim) => json!({
                        "uai": uai, "category": category, "queue": sim.queue,
                        "rule": sim.rule.map(|r| format!("« {} » (position {})", r.name, r.position)),
                        "why": sim.why,
                    }),
                    Err(e) => {
                        json!({ "uai": uai, "category": category, "error": Notice::refusal(e)?.message })
                    }
                },
            )
        }
        _ => None,
    };
    let chosen_category = simulation
        .as_ref()
        .and_then(|s| s["category"].as_str().map(str::to_owned))
        .unwrap_or_default();
    Ok(admin_page(
        state,
        signed_in,
        ("admin_rules", "Règles d'orientation"),
        notice,
        json!({
            "authority": chosen,
            "authorities": authorities.iter().map(|(code, name)| json!({
                "value": code, "label": name, "selected": *code == chosen,
            })).collect::<Vec<_>>(),
            "rules": rules.iter().map(rule_row).collect::<Vec<_>>(),
            "categories": categories.iter().map(|c| json!({
                "value": c.code, "label": c.label, "selected": c.code == chosen_category,
            })).collect::<Vec<_>>(),
            "targets": TargetKind::ALL.iter().map(|t| json!({
                "value": t.as_str(), "label": target_label(*t),
            })).collect::<Vec<_>>(),
            "domains": CompetenceDomain::ALL.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
            "simulation": simulation,
        }),
    ))
}

/// `GET /admin/regles?autorite=…[&uai=…&categorie=…]`.
#[get("/admin/regles")]
pub async fn list(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    query: web::Query<RulesQuery>,
) -> Result<HttpResponse, WebError> {
    rules_page(&state, &signed_in, query.into_inner(), None).await
}

#[derive(Debug, Deserialize)]
pub struct NewRuleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    authority: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    at_opening: Option<String>,
    #[serde(default)]
    category: String,
    #[serde(default)]
    target: String,
    /// The queue's code, the domain or the editor's code, as the target takes.
    #[serde(default)]
    target_detail: String,
}

fn spec(form: NewRuleForm) -> Result<RuleSpec, AppError> {
    let position =
        form.position.trim().parse::<i32>().map_err(|_| {
            AppError::invalid_field("position", "not_an_integer", "un nombre entier")
        })?;
    let kind = form
        .target
        .parse::<TargetKind>()
        .map_err(|_| AppError::invalid_field("target", "unknown_value", "cible inconnue"))?;
    let detail = Some(form.target_detail.trim().to_owned()).filter(|d| !d.is_empty());
    let mut target = RuleTarget {
        kind,
        queue: None,
        domain: None,
        editor: None,
    };
    match kind {
        TargetKind::Queue => target.queue = detail,
        TargetKind::ThirdPartyEditor => target.editor = detail,
        TargetKind::AuthorityDomain => {
            target.domain = match detail {
                Some(d) => Some(d.parse().map_err(|_| {
                    AppError::invalid_field("target_detail", "unknown_value", "domaine inconnu")
                })?),
                None => None,
            }
        }
        TargetKind::CollectiviteInCharge | TargetKind::VendorVieScolaire => {}
    }
    Ok(RuleSpec {
        authority: form.authority,
        position,
        name: form.name,
        at_opening: form.at_opening.is_some(),
        conditions: RuleConditions {
            category: Some(form.category).filter(|c| !c.is_empty()),
            ..RuleConditions::default()
        },
        target,
    })
}

/// The rules page of an authority (its code encoded: it came from a form).
fn rules_path(authority: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("autorite", authority)
        .finish();
    format!("/admin/regles?{query}")
}

fn authority_query(authority: String) -> RulesQuery {
    RulesQuery {
        autorite: Some(authority),
        ..RulesQuery::default()
    }
}

/// `POST /admin/regles`: adds a rule to an authority.
#[post("/admin/regles")]
pub async fn create(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form: NewRuleForm = forms::read(&body)?;
    signed_in.check_form(&form.csrf)?;
    let authority = form.authority.clone();
    let written = match spec(form) {
        Ok(spec) => routing_rules::create(&state, &signed_in.session.caller, spec).await,
        Err(e) => Err(e),
    };
    match written {
        Ok(_) => Ok(back_to(&rules_path(&authority))),
        Err(e) => {
            let notice = Some(Notice::refusal(e)?);
            rules_page(&state, &signed_in, authority_query(authority), notice).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(flatten)]
    token: TokenOnly,
    #[serde(default)]
    authority: String,
}

/// `POST /admin/regles/{id}/suppression`.
#[post("/admin/regles/{id}/suppression")]
pub async fn delete(
    state: web::Data<AppState>,
    signed_in: SignedIn,
    path: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, WebError> {
    let form: DeleteForm = forms::read(&body)?;
    signed_in.check_form(&form.token.csrf)?;
    match routing_rules::delete(&state, &signed_in.session.caller, path.into_inner()).await {
        Ok(()) => Ok(back_to(&rules_path(&form.authority))),
        Err(e) => {
            let notice = Some(Notice::refusal(e)?);
            rules_page(&state, &signed_in, authority_query(form.authority), notice).await
        }
    }
}
