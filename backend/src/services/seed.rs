//! `guichet seed`: loads the reference data (and, on demand, the demo establishments) from
//! the JSON files of `seeds/`, compiled into the binary. Idempotent: rows are written by their
//! natural key, so a second run adds nothing and a changed value is updated.

use std::fmt;

use chrono::{NaiveDate, NaiveTime, Timelike, Utc};
use diesel::Connection;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::auth::passwords;
use crate::db::models::{
    Category, Establishment, NewOrganisation, NewQueue, NewSchoolHoliday, NewServiceLevelPolicy,
    Territory,
};
use crate::db::repo::{
    categories, establishments, organisations, queues, routing_rules, school_holidays,
    service_level_policies, technical_file_requirements, territories, Upsert,
};
use crate::db::text_columns::Json;
use crate::db::DbConn;
use crate::domain::reference_kinds::{
    CollectiviteSubkind, CompetenceDomain, EstablishmentKind, HolidayZone, OrganisationKind,
    Sector, TicketType,
};
use crate::domain::search_key::search_key;
use crate::domain::service_level_policy::{self, Target};
use crate::domain::technical_file::TechnicalElement;
use crate::domain::uai::Uai;
use crate::services::admin::provisioning::{ensure_user, UserSpec};
use crate::services::routing_rules::{rule_row, RuleSpec};

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("données de référence invalides : {0}")]
    Invalid(String),
    #[error("base de données : {0}")]
    Database(#[from] diesel::result::Error),
}

fn invalid(message: impl Into<String>) -> SeedError {
    SeedError::Invalid(message.into())
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvailabilitySeed {
    pub in_window_percent: f64,
    pub out_of_window_percent: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessWindowSeed {
    /// ISO weekdays, 1 = Monday.
    pub weekdays: Vec<u8>,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
    pub timezone: String,
    pub excludes_school_holidays: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerritorySeed {
    pub code: String,
    pub name: String,
    pub ent_name: String,
    pub holiday_zone: HolidayZone,
    /// Code of the vendor organisation.
    pub vendor: String,
    pub availability: AvailabilitySeed,
    pub business_window: BusinessWindowSeed,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationSeed {
    pub code: String,
    pub kind: OrganisationKind,
    #[serde(default)]
    pub collectivite_subkind: Option<CollectiviteSubkind>,
    pub name: String,
    #[serde(default)]
    pub territory: Option<String>,
    /// Code of an organisation listed before this one.
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
    #[serde(default)]
    pub holiday_zone: Option<HolidayZone>,
    /// The département a départemental collectivité is in charge of.
    #[serde(default)]
    pub departement: Option<String>,
    /// Its data protection officer's address, set when the organisation has none yet (an
    /// admin's change is kept).
    #[serde(default)]
    pub dpo_email: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSeed {
    pub code: String,
    pub organisation: String,
    pub name: String,
    pub level: i32,
    pub domain: CompetenceDomain,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategorySeed {
    pub code: String,
    pub label: String,
    pub domain: CompetenceDomain,
    pub default_type: TicketType,
}

/// One holiday for one or more zones; days without classes, both ends included.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolHolidaySeed {
    pub zones: Vec<HolidayZone>,
    pub school_year: String,
    pub name: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstablishmentSeed {
    pub uai: String,
    pub name: String,
    pub kind: EstablishmentKind,
    pub sector: Sector,
    /// Code of the academic or agricultural authority.
    pub authority: String,
    /// Code of the collectivité in charge of equipment and network.
    pub collectivite: String,
    #[serde(default)]
    pub uses_vie_scolaire_module: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequirementSeed {
    pub category: String,
    pub elements: Vec<TechnicalElement>,
}

/// The default service-level policy of a territory: version 1 when it has none.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySeed {
    pub territory: String,
    pub excludes_school_holidays: bool,
    pub warning_percent: i32,
    pub targets: Vec<Target>,
}

/// The reference data every instance needs.
#[derive(Debug, Clone)]
pub struct ReferenceSeed {
    pub territories: Vec<TerritorySeed>,
    pub organisations: Vec<OrganisationSeed>,
    pub queues: Vec<QueueSeed>,
    pub categories: Vec<CategorySeed>,
    pub school_holidays: Vec<SchoolHolidaySeed>,
    pub routing_rules: Vec<RuleSpec>,
    pub technical_file_requirements: Vec<RequirementSeed>,
    pub service_level_policies: Vec<PolicySeed>,
}

/// Demonstration data: establishments (five real lycées and demo schools) and one user per
/// role and territory, all with [`DEMO_PASSWORD`].
#[derive(Debug, Clone)]
pub struct DemoSeed {
    pub establishments: Vec<EstablishmentSeed>,
    pub users: Vec<UserSpec>,
}

/// The password of every demo user (documented in the README; demo mode only).
pub const DEMO_PASSWORD: &str = "guichet-demo-2026";

fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, SeedError> {
    serde_json::from_str(text).map_err(|e| invalid(format!("{file} : {e}")))
}

impl ReferenceSeed {
    /// The files of `seeds/reference/`, as compiled in.
    pub fn embedded() -> Result<Self, SeedError> {
        Ok(Self {
            territories: parse(
                "territories.json",
                include_str!("../../../seeds/reference/territories.json"),
            )?,
            organisations: parse(
                "organisations.json",
                include_str!("../../../seeds/reference/organisations.json"),
            )?,
            queues: parse(
                "queues.json",
                include_str!("../../../seeds/reference/queues.json"),
            )?,
            categories: parse(
                "categories.json",
                include_str!("../../../seeds/reference/categories.json"),
            )?,
            school_holidays: parse(
                "school_holidays.json",
                include_str!("../../../seeds/reference/school_holidays.json"),
            )?,
            routing_rules: parse(
                "routing_rules.json",
                include_str!("../../../seeds/reference/routing_rules.json"),
            )?,
            technical_file_requirements: parse(
                "technical_file_requirements.json",
                include_str!("../../../seeds/reference/technical_file_requirements.json"),
            )?,
            service_level_policies: parse(
                "service_level_policies.json",
                include_str!("../../../seeds/reference/service_level_policies.json"),
            )?,
        })
    }
}

impl DemoSeed {
    /// The files of `seeds/demo/`, as compiled in.
    pub fn embedded() -> Result<Self, SeedError> {
        Ok(Self {
            establishments: parse(
                "establishments.json",
                include_str!("../../../seeds/demo/establishments.json"),
            )?,
            users: parse("users.json", include_str!("../../../seeds/demo/users.json"))?,
        })
    }
}

/// How many rows a seed run inserted, updated and left as they were.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl SeedReport {
    fn count(&mut self, outcome: Upsert) {
        match outcome {
            Upsert::Inserted => self.inserted += 1,
            Upsert::Updated => self.updated += 1,
            Upsert::Unchanged => self.unchanged += 1,
        }
    }
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ajoutée(s), {} mise(s) à jour, {} inchangée(s)",
            self.inserted, self.updated, self.unchanged
        )
    }
}

/// Whether the database holds no reference data yet.
pub fn is_empty(conn: &mut DbConn) -> Result<bool, SeedError> {
    Ok(territories::list(conn)?.is_empty())
}

/// Loads the reference data, and the demo establishments when given, in one transaction.
pub fn load(
    conn: &mut DbConn,
    reference: &ReferenceSeed,
    demo: Option<&DemoSeed>,
) -> Result<SeedReport, SeedError> {
    conn.transaction(|conn| {
        let mut report = SeedReport::default();
        load_reference(conn, reference, &mut report)?;
        if let Some(demo) = demo {
            for e in &demo.establishments {
                let row = establishment_row(conn, e)?;
                report.count(establishments::upsert(conn, &row)?);
            }
            load_demo_users(conn, &demo.users, &mut report)?;
        }
        Ok(report)
    })
}

fn territory_row(t: &TerritorySeed, vendor_id: Option<i64>) -> Result<Territory, SeedError> {
    let percent_bp = |p: f64, what: &str| {
        if (0.0..=100.0).contains(&p) {
            Ok((p * 100.0).round() as i32)
        } else {
            Err(invalid(format!(
                "territoire {} : {what} {p} hors de 0-100",
                t.code
            )))
        }
    };
    let w = &t.business_window;
    if w.weekdays.iter().any(|d| !(1..=7).contains(d)) {
        return Err(invalid(format!("territoire {} : jours de 1 à 7", t.code)));
    }
    if w.opens >= w.closes {
        return Err(invalid(format!(
            "territoire {} : ouverture après fermeture",
            t.code
        )));
    }
    if w.timezone.parse::<chrono_tz::Tz>().is_err() {
        return Err(invalid(format!(
            "territoire {} : fuseau {} inconnu",
            t.code, w.timezone
        )));
    }
    let minutes = |time: NaiveTime| (time.hour() * 60 + time.minute()) as i32;
    Ok(Territory {
        code: t.code.clone(),
        name: t.name.clone(),
        ent_name: t.ent_name.clone(),
        holiday_zone: t.holiday_zone,
        vendor_id,
        availability_in_window_bp: percent_bp(t.availability.in_window_percent, "disponibilité")?,
        availability_out_of_window_bp: percent_bp(
            t.availability.out_of_window_percent,
            "disponibilité",
        )?,
        window_weekdays: w
            .weekdays
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(","),
        window_opens_minute: minutes(w.opens),
        window_closes_minute: minutes(w.closes),
        window_excludes_school_holidays: w.excludes_school_holidays,
        timezone: w.timezone.clone(),
    })
}

fn organisation_id(conn: &mut DbConn, code: &str, context: &str) -> Result<i64, SeedError> {
    organisations::find_by_code(conn, code)?
        .map(|o| o.id)
        .ok_or_else(|| invalid(format!("{context} : organisation {code} inconnue")))
}

fn organisation_row(conn: &mut DbConn, o: &OrganisationSeed) -> Result<NewOrganisation, SeedError> {
    let context = format!("organisation {}", o.code);
    if (o.kind == OrganisationKind::Collectivite) != o.collectivite_subkind.is_some() {
        return Err(invalid(format!(
            "{context} : collectivite_subkind est requis pour une collectivité et seulement pour elle"
        )));
    }
    if o.contact_email.as_deref().is_some_and(|e| !e.contains('@')) {
        return Err(invalid(format!("{context} : adresse de contact invalide")));
    }
    if o.dpo_email.as_deref().is_some_and(|e| !e.contains('@')) {
        return Err(invalid(format!("{context} : adresse du DPD invalide")));
    }
    if let Some(territory) = &o.territory {
        if territories::find(conn, territory)?.is_none() {
            return Err(invalid(format!(
                "{context} : territoire {territory} inconnu"
            )));
        }
    }
    let parent_id = match &o.parent {
        Some(parent) => Some(organisation_id(conn, parent, &context)?),
        None => None,
    };
    Ok(NewOrganisation {
        code: o.code.clone(),
        kind: o.kind,
        collectivite_subkind: o.collectivite_subkind,
        name: o.name.clone(),
        territory_code: o.territory.clone(),
        parent_id,
        contact_email: o.contact_email.clone(),
        holiday_zone: o.holiday_zone,
        departement: o.departement.clone(),
    })
}

fn load_reference(
    conn: &mut DbConn,
    seed: &ReferenceSeed,
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    // Territories and organisations refer to each other: create missing territories first,
    // then the organisations, then write territories whole with their vendor.
    let mut new_territories = Vec::new();
    for t in &seed.territories {
        if territories::insert_if_absent(conn, &territory_row(t, None)?)? {
            new_territories.push(t.code.as_str());
        }
    }
    for o in &seed.organisations {
        let row = organisation_row(conn, o)?;
        let (id, outcome) = organisations::upsert(conn, &row)?;
        report.count(outcome);
        if let Some(dpo) = &o.dpo_email {
            organisations::set_dpo_email_if_unset(conn, id, dpo)?;
        }
    }
    for t in &seed.territories {
        let context = format!("territoire {}", t.code);
        let vendor = organisations::find_by_code(conn, &t.vendor)?
            .filter(|v| v.kind == OrganisationKind::Vendor)
            .ok_or_else(|| {
                invalid(format!(
                    "{context} : {} n'est pas un éditeur d'ENT",
                    t.vendor
                ))
            })?;
        let outcome = territories::upsert(conn, &territory_row(t, Some(vendor.id))?)?;
        // A territory created above only received its vendor here: it counts as inserted.
        if new_territories.contains(&t.code.as_str()) {
            report.count(Upsert::Inserted);
        } else {
            report.count(outcome);
        }
    }
    for q in &seed.queues {
        if !(1..=3).contains(&q.level) {
            return Err(invalid(format!(
                "file {} : niveau {} hors de 1-3",
                q.code, q.level
            )));
        }
        let row = NewQueue {
            code: q.code.clone(),
            organisation_id: organisation_id(conn, &q.organisation, &format!("file {}", q.code))?,
            name: q.name.clone(),
            level: q.level,
            domain: q.domain,
        };
        report.count(queues::upsert(conn, &row)?);
    }
    for c in &seed.categories {
        let row = Category {
            code: c.code.clone(),
            label: c.label.clone(),
            domain: c.domain,
            default_type: c.default_type,
        };
        report.count(categories::upsert(conn, &row)?);
    }
    for h in &seed.school_holidays {
        if h.first_day > h.last_day {
            return Err(invalid(format!(
                "vacances {} {} : dates inversées",
                h.name, h.school_year
            )));
        }
        for zone in &h.zones {
            let row = NewSchoolHoliday {
                zone: *zone,
                school_year: h.school_year.clone(),
                name: h.name.clone(),
                first_day: h.first_day,
                last_day: h.last_day,
            };
            report.count(school_holidays::upsert(conn, &row)?);
        }
    }
    for rule in &seed.routing_rules {
        let row = rule_row(conn, rule).map_err(|e| invalid(e.to_string()))?;
        report.count(routing_rules::upsert(conn, &row)?);
    }
    for requirement in &seed.technical_file_requirements {
        if categories::find(conn, &requirement.category)?.is_none() {
            return Err(invalid(format!(
                "exigences : catégorie {} inconnue",
                requirement.category
            )));
        }
        for element in &requirement.elements {
            report.count(technical_file_requirements::ensure(
                conn,
                &requirement.category,
                *element,
            )?);
        }
    }
    for policy in &seed.service_level_policies {
        report.count(seed_policy(conn, policy)?);
    }
    Ok(())
}

/// Version 1 of a territory's policy, written only if it has none: the versions its admins
/// write after are theirs.
fn seed_policy(conn: &mut DbConn, seed: &PolicySeed) -> Result<Upsert, SeedError> {
    let context = format!("politique de niveaux de service {}", seed.territory);
    if let Err(faults) = service_level_policy::validate(&seed.targets) {
        return Err(invalid(format!("{context} : {}", faults[0].message)));
    }
    if !(1..=99).contains(&seed.warning_percent) {
        return Err(invalid(format!("{context} : seuil d'alerte hors de 1-99")));
    }
    if territories::find(conn, &seed.territory)?.is_none() {
        return Err(invalid(format!("{context} : territoire inconnu")));
    }
    if service_level_policies::current(conn, &seed.territory)?.is_some() {
        return Ok(Upsert::Unchanged);
    }
    service_level_policies::insert(
        conn,
        &NewServiceLevelPolicy {
            territory_code: seed.territory.clone(),
            version: 1,
            excludes_school_holidays: seed.excludes_school_holidays,
            warning_percent: seed.warning_percent,
            targets: Json(seed.targets.clone()),
            created_at: Utc::now().naive_utc(),
            created_by: "seed".to_owned(),
        },
    )?;
    Ok(Upsert::Inserted)
}

fn load_demo_users(
    conn: &mut DbConn,
    users: &[UserSpec],
    report: &mut SeedReport,
) -> Result<(), SeedError> {
    // One argon2 hash serves every demo user, and only when one is created.
    let hash = std::cell::OnceCell::new();
    for spec in users {
        let done = ensure_user(
            conn,
            spec,
            || Some(hash.get_or_init(|| passwords::hash(DEMO_PASSWORD)).clone()),
            "guichet seed",
            Utc::now(),
        )
        .map_err(|e| invalid(format!("utilisateur {} : {e}", spec.email)))?;
        report.count(done.user);
        report.inserted += done.grants_added;
        report.unchanged += done.grants_kept;
    }
    Ok(())
}

fn establishment_row(conn: &mut DbConn, e: &EstablishmentSeed) -> Result<Establishment, SeedError> {
    let uai =
        Uai::parse(&e.uai).map_err(|err| invalid(format!("établissement {} : {err}", e.uai)))?;
    let context = format!("établissement {uai}");
    let authority = organisations::find_by_code(conn, &e.authority)?
        .filter(|o| o.kind.is_authority())
        .ok_or_else(|| {
            invalid(format!(
                "{context} : {} n'est pas une autorité académique",
                e.authority
            ))
        })?;
    let collectivite = organisations::find_by_code(conn, &e.collectivite)?
        .filter(|o| o.kind == OrganisationKind::Collectivite)
        .ok_or_else(|| {
            invalid(format!(
                "{context} : {} n'est pas une collectivité",
                e.collectivite
            ))
        })?;
    Ok(Establishment {
        search_key: search_key(&format!("{} {}", e.name, uai)),
        departement: uai.departement(),
        uai: uai.to_string(),
        name: e.name.clone(),
        kind: e.kind,
        sector: e.sector,
        authority_id: authority.id,
        collectivite_id: collectivite.id,
        uses_vie_scolaire_module: e.uses_vie_scolaire_module,
    })
}
