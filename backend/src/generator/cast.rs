//! The people the generator acts as: a correspondent for every school, and in every
//! organisation that holds a queue its agents (a guichet agent and an agent of its services
//! for an authority, one agent for a collectivité or a vendor). They are provisioned as the
//! demo seed provisions its users, without a password: nobody signs in as them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::db::models::{Establishment, Organisation};
use crate::db::repo::{establishments, queues};
use crate::db::DbConn;
use crate::domain::calendar::BusinessCalendar;
use crate::domain::reference_kinds::{EstablishmentKind, OrganisationKind};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::services::admin::provisioning::{ensure_user, UserSpec};
use crate::services::admin::views::GrantRequest;
use crate::services::calendars::school_calendar;
use crate::services::caller::{user_caller, Caller};

const ACTOR: &str = "guichet demo generate";

/// A school that opens tickets.
pub struct School {
    pub establishment: Establishment,
    pub territory: String,
    pub authority: Organisation,
    pub collectivite: Organisation,
    /// How many tickets it opens, relatively (a lycée more than an école).
    pub weight: f64,
    /// Its days with classes (weekends, public and school holidays excluded).
    pub class_days: BusinessCalendar,
    pub correspondent: Caller,
}

/// Who acts for an organisation.
struct Agents {
    /// The guichet agent of an authority.
    guichet: Option<Caller>,
    /// The agent who handles what the organisation's queues hold.
    handler: Caller,
    vendor: bool,
}

pub struct Cast {
    pub schools: Vec<School>,
    agents: HashMap<String, Agents>,
}

impl Cast {
    /// The agent handling what `organisation`'s queues hold.
    pub fn handler(&self, organisation: &str) -> Result<&Caller, AppError> {
        self.agents
            .get(organisation)
            .map(|a| &a.handler)
            .ok_or_else(|| AppError::Internal(format!("no agent for {organisation}")))
    }

    /// The guichet agent of the authority `organisation`.
    pub fn guichet(&self, organisation: &str) -> Result<&Caller, AppError> {
        self.agents
            .get(organisation)
            .and_then(|a| a.guichet.as_ref())
            .ok_or_else(|| AppError::Internal(format!("no guichet agent for {organisation}")))
    }

    /// Whether `organisation` is an ENT vendor.
    pub fn is_vendor(&self, organisation: &str) -> bool {
        self.agents.get(organisation).is_some_and(|a| a.vendor)
    }

    /// The schools of a territory.
    pub fn schools_of<'a>(&'a self, territory: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.schools
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.territory == territory)
            .map(|(i, _)| i)
    }
}

fn weight(kind: EstablishmentKind) -> f64 {
    match kind {
        EstablishmentKind::Lycee => 3.0,
        EstablishmentKind::LyceeProfessionnel | EstablishmentKind::College => 2.0,
        EstablishmentKind::Eplefpa => 1.5,
        EstablishmentKind::Ecole => 0.5,
    }
}

/// Provisions one person and returns them as a caller.
fn person(
    conn: &mut DbConn,
    email: String,
    display_name: String,
    territory: Option<String>,
    grant: GrantRequest,
    now: DateTime<Utc>,
) -> Result<Caller, AppError> {
    let spec = UserSpec {
        email,
        display_name,
        territory,
        grants: vec![grant],
    };
    let provisioned = ensure_user(conn, &spec, || None, ACTOR, now)?;
    user_caller(conn, provisioned.user_id)?
        .ok_or_else(|| AppError::Internal(format!("{} is inactive", spec.email)))
}

fn grant(role: Role) -> GrantRequest {
    GrantRequest {
        role,
        establishment: None,
        organisation: None,
        territory: None,
    }
}

/// Provisions the cast (idempotent) and loads it.
pub fn provision(conn: &mut DbConn, now: DateTime<Utc>) -> Result<Cast, AppError> {
    let mut agents: HashMap<String, Agents> = HashMap::new();
    for (_, organisation) in queues::list(conn, &queues::QueueFilter::default())? {
        if agents.contains_key(&organisation.code) {
            continue;
        }
        let code = organisation.code.clone();
        let territory = organisation.territory_code.clone();
        let in_org = |role| GrantRequest {
            organisation: Some(code.clone()),
            ..grant(role)
        };
        let (role, label) = match organisation.kind {
            OrganisationKind::AcademicAuthority | OrganisationKind::AgriculturalAuthority => {
                (Role::AuthorityAgent, "Agent des services")
            }
            OrganisationKind::Collectivite => (Role::CollectiviteAgent, "Technicien"),
            OrganisationKind::Vendor => (Role::VendorAgent, "Support"),
            OrganisationKind::SoftwareEditor => continue,
        };
        let handler = person(
            conn,
            format!("agent.{code}@demo.guichet.example"),
            format!("{label} — {}", organisation.name),
            territory.clone(),
            in_org(role),
            now,
        )?;
        let guichet = if organisation.kind.is_authority() {
            Some(person(
                conn,
                format!("guichet.{code}@demo.guichet.example"),
                format!("Agent du guichet — {}", organisation.name),
                territory.clone(),
                in_org(Role::GuichetAgent),
                now,
            )?)
        } else {
            None
        };
        let vendor = organisation.kind == OrganisationKind::Vendor;
        agents.insert(
            code,
            Agents {
                guichet,
                handler,
                vendor,
            },
        );
    }
    let mut schools = Vec::new();
    let rows = establishments::list(
        conn,
        &establishments::EstablishmentFilter::default(),
        100_000,
    )?;
    for (establishment, authority, collectivite) in rows {
        let Some(territory) = authority.territory_code.clone() else {
            continue;
        };
        let correspondent = person(
            conn,
            format!(
                "correspondant.{}@demo.guichet.example",
                establishment.uai.to_lowercase()
            ),
            format!("Correspondant ENT — {}", establishment.name),
            Some(territory.clone()),
            GrantRequest {
                establishment: Some(establishment.uai.clone()),
                ..grant(Role::Correspondent)
            },
            now,
        )?;
        schools.push(School {
            class_days: school_calendar(conn, &establishment.uai, Some(true))?,
            weight: weight(establishment.kind),
            establishment,
            territory,
            authority,
            collectivite,
            correspondent,
        });
    }
    if schools.is_empty() {
        return Err(AppError::Internal(
            "no establishment: load the demo data first".into(),
        ));
    }
    Ok(Cast { schools, agents })
}
