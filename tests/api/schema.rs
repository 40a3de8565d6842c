//! The schema in one place of truth: a migrated SQLite database and a migrated PostgreSQL
//! database have the same tables, columns, nullability and closed vocabularies (CHECK … IN
//! lists), and each vocabulary is exactly its domain enum. Without `TEST_DATABASE_URL` the
//! SQLite schema is checked against the domain alone; CI runs both.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use guichet::db::{migrations, DbConn};
use guichet::domain::audit::AuditOutcome;
use guichet::domain::availability::OutageService;
use guichet::domain::breach::{BreachOutcome, ControllerKind, PeopleScope};
use guichet::domain::journal::Visibility;
use guichet::domain::notifications::{Notice, OutboxState};
use guichet::domain::priority::Level3;
use guichet::domain::reference_kinds::{
    CollectiviteSubkind, CompetenceDomain, EstablishmentKind, HolidayZone, OrganisationKind,
    Sector, TicketType,
};
use guichet::domain::review::{ActionStatus, Audience, ReviewStatus};
use guichet::domain::rights_request::DataSubjectRight;
use guichet::domain::role::Role;
use guichet::domain::routing::TargetKind;
use guichet::domain::service_level_policy::ClockKind;
use guichet::domain::technical_file::{EscalationJustification, TechnicalElement};
use guichet::domain::ticket_lifecycle::{PendingReason, TicketStatus};
use guichet::domain::ticket_read::{Channel, ReadPart};
use guichet::settings::DatabaseUrl;

use crate::helpers::TestDb;

/// Column name → nullable, per table.
type Columns = BTreeMap<String, BTreeMap<String, bool>>;
/// (table, column) → the values its CHECK admits.
type Vocabularies = BTreeMap<(String, String), BTreeSet<String>>;

#[derive(QueryableByName)]
struct SqliteTable {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    sql: String,
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Bool)]
    notnull: bool,
    #[diesel(sql_type = Bool)]
    pk: bool,
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

#[derive(QueryableByName)]
struct PgCheck {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    definition: String,
}

fn quoted_values(list: &str) -> BTreeSet<String> {
    list.split(',')
        .filter_map(|v| {
            let v = v.trim();
            let v = v.strip_suffix("::text").unwrap_or(v);
            v.strip_prefix('\'')?.strip_suffix('\'').map(str::to_owned)
        })
        .collect()
}

/// `CHECK (col IN ('a', 'b'))` clauses of a SQLite table definition (a check that is only a
/// closed list; compound checks are other rules).
fn sqlite_vocabularies(table: &str, sql: &str, into: &mut Vocabularies) {
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    for part in flat.split("CHECK (").skip(1) {
        let Some((column, rest)) = part.split_once(" IN (") else {
            continue;
        };
        if !column
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            continue;
        }
        let Some((list, _)) = rest.split_once("))") else {
            continue;
        };
        into.insert((table.to_owned(), column.to_owned()), quoted_values(list));
    }
}

fn sqlite_schema(conn: &mut DbConn) -> (Columns, Vocabularies) {
    // A virtual table and its shadow tables (`<name>_data`, …) are SQLite's text index, what
    // a PostgreSQL index is there: not tables of the schema.
    let tables: Vec<SqliteTable> = diesel::sql_query(
        "SELECT name, sql FROM sqlite_master AS m WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' \
         AND NOT EXISTS (SELECT 1 FROM sqlite_master AS v \
             WHERE v.type = 'table' AND v.sql LIKE 'CREATE VIRTUAL TABLE%' \
             AND (m.name = v.name OR m.name LIKE v.name || '\\_%' ESCAPE '\\'))",
    )
    .load(conn)
    .unwrap();
    let (mut columns, mut vocabularies) = (Columns::new(), Vocabularies::new());
    for table in tables {
        let found: Vec<SqliteColumn> = diesel::sql_query(format!(
            "SELECT name, \"notnull\", pk FROM pragma_table_info('{}')",
            table.name
        ))
        .load(conn)
        .unwrap();
        columns.insert(
            table.name.clone(),
            found
                .into_iter()
                .map(|c| (c.name, !(c.notnull || c.pk)))
                .collect(),
        );
        sqlite_vocabularies(&table.name, &table.sql, &mut vocabularies);
    }
    (columns, vocabularies)
}

fn postgres_schema(conn: &mut DbConn) -> (Columns, Vocabularies) {
    let found: Vec<PgColumn> = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, \
         is_nullable::text AS is_nullable FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
    )
    .load(conn)
    .unwrap();
    let mut columns = Columns::new();
    for c in found {
        columns
            .entry(c.table_name)
            .or_default()
            .insert(c.column_name, c.is_nullable == "YES");
    }
    let checks: Vec<PgCheck> = diesel::sql_query(
        "SELECT conrelid::regclass::text AS table_name, pg_get_constraintdef(oid) AS definition \
         FROM pg_constraint WHERE contype = 'c' AND connamespace = 'public'::regnamespace",
    )
    .load(conn)
    .unwrap();
    let mut vocabularies = Vocabularies::new();
    for check in checks {
        // CHECK ((status = ANY (ARRAY['new'::text, 'assigned'::text, …])))
        let Some(inner) = check
            .definition
            .strip_prefix("CHECK ((")
            .and_then(|d| d.strip_suffix("])))"))
        else {
            continue;
        };
        let Some((column, list)) = inner.split_once(" = ANY (ARRAY[") else {
            continue;
        };
        if column
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            vocabularies.insert((check.table_name, column.to_owned()), quoted_values(list));
        }
    }
    (columns, vocabularies)
}

/// Every closed vocabulary of the schema, and the domain enum it must equal.
fn domain_vocabularies() -> Vocabularies {
    let entries: &[(&str, &str, &[&str])] = &[
        ("audit_events", "outcome", AuditOutcome::TEXTS),
        ("categories", "default_type", TicketType::TEXTS),
        ("categories", "domain", CompetenceDomain::TEXTS),
        ("establishments", "kind", EstablishmentKind::TEXTS),
        ("establishments", "sector", Sector::TEXTS),
        (
            "organisations",
            "collectivite_subkind",
            CollectiviteSubkind::TEXTS,
        ),
        ("organisations", "holiday_zone", HolidayZone::TEXTS),
        ("organisations", "kind", OrganisationKind::TEXTS),
        ("improvement_actions", "status", ActionStatus::TEXTS),
        ("outages", "service", OutageService::TEXTS),
        ("outbox", "notice", Notice::TEXTS),
        ("personal_data_breaches", "scope", PeopleScope::TEXTS),
        (
            "personal_data_breaches",
            "controller_kind",
            ControllerKind::TEXTS,
        ),
        ("personal_data_breaches", "outcome", BreachOutcome::TEXTS),
        ("rights_requests", "scope", PeopleScope::TEXTS),
        ("ticket_reads", "part", ReadPart::TEXTS),
        ("ticket_reads", "channel", Channel::TEXTS),
        ("rights_requests", "controller_kind", ControllerKind::TEXTS),
        (
            "rights_requests",
            "data_subject_right",
            DataSubjectRight::TEXTS,
        ),
        ("service_level_clocks", "kind", ClockKind::TEXTS),
        ("clock_tallies", "kind", ClockKind::TEXTS),
        ("outbox", "state", OutboxState::TEXTS),
        ("queues", "domain", CompetenceDomain::TEXTS),
        ("reviews", "audience", Audience::TEXTS),
        ("reviews", "status", ReviewStatus::TEXTS),
        ("role_grants", "role", Role::TEXTS),
        ("routing_rules", "category_domain", CompetenceDomain::TEXTS),
        (
            "routing_rules",
            "establishment_kind",
            EstablishmentKind::TEXTS,
        ),
        ("routing_rules", "sector", Sector::TEXTS),
        ("routing_rules", "target_domain", CompetenceDomain::TEXTS),
        ("routing_rules", "target_kind", TargetKind::TEXTS),
        ("school_holidays", "zone", HolidayZone::TEXTS),
        (
            "technical_file_requirements",
            "element",
            TechnicalElement::TEXTS,
        ),
        ("territories", "holiday_zone", HolidayZone::TEXTS),
        ("ticket_events", "visibility", Visibility::TEXTS),
        (
            "tickets",
            "escalation_justification",
            EscalationJustification::TEXTS,
        ),
        ("tickets", "impact", Level3::TEXTS),
        ("tickets", "pending_reason", PendingReason::TEXTS),
        ("tickets", "status", TicketStatus::TEXTS),
        ("tickets", "ticket_type", TicketType::TEXTS),
        ("tickets", "urgency", Level3::TEXTS),
    ];
    entries
        .iter()
        .map(|(t, c, values)| {
            (
                (t.to_string(), c.to_string()),
                values.iter().map(|v| v.to_string()).collect(),
            )
        })
        .collect()
}

fn migrated(url: &DatabaseUrl) -> DbConn {
    let mut conn = DbConn::open(url).unwrap();
    migrations::run_pending(&mut conn).unwrap();
    conn
}

#[test]
fn both_databases_and_the_domain_agree_on_the_schema() {
    let sqlite_dir = tempfile::tempdir().unwrap();
    let sqlite_url = DatabaseUrl::Sqlite(sqlite_dir.path().join("schema.db"));
    let (sqlite_columns, sqlite_vocabularies) = sqlite_schema(&mut migrated(&sqlite_url));
    assert!(sqlite_columns.len() >= 20, "{:?}", sqlite_columns.keys());
    assert_eq!(
        sqlite_vocabularies,
        domain_vocabularies(),
        "SQLite's CHECK lists and the domain enums"
    );
    let db = TestDb::fresh();
    if let DatabaseUrl::Postgres(_) = &db.url {
        let (pg_columns, pg_vocabularies) = postgres_schema(&mut migrated(&db.url));
        let tables = |c: &Columns| c.keys().cloned().collect::<Vec<_>>();
        assert_eq!(tables(&pg_columns), tables(&sqlite_columns), "tables");
        for (table, columns) in &sqlite_columns {
            assert_eq!(
                &pg_columns[table], columns,
                "columns and nullability of {table}"
            );
        }
        assert_eq!(
            pg_vocabularies,
            domain_vocabularies(),
            "PostgreSQL's CHECK lists"
        );
    }
}
