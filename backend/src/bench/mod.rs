//! `guichet bench`: fills a database with a year of generated activity (a sample written
//! through the services by `guichet demo generate`, copied up to the size asked), then
//! times the queue views a guichet agent and a correspondent use, first pages and deep
//! keyset pages, and a territory-year of figures; then the web desk's pages, served by the
//! whole application in the process (`pages`).

mod access_log;
mod amplify;
pub mod http;
pub mod pages;

use std::fmt;
use std::time::{Duration, Instant};

use chrono::{Duration as Span, Utc};

use crate::db::repo::{establishments, organisations, queues, territories, tickets, users};
use crate::db::DbConn;
use crate::domain::figures::day_start;
use crate::domain::reference_kinds::CompetenceDomain;
use crate::generator::{self, GenerateOptions};
use crate::services::caller::{user_caller, Caller};
use crate::services::seed::{self, DemoSeed, ReferenceSeed};
use crate::services::stats;
use crate::services::tickets::read::{self, ListQuery};

pub struct BenchOptions {
    pub tickets: usize,
    /// How many of them are written through the services (the rest are copies).
    pub sample: usize,
    pub pages: usize,
    /// Times the views of a database an earlier run filled, without filling it.
    pub reuse: bool,
    /// Reads the access log holds for its timings (added up to this count).
    pub access_reads: usize,
}

/// Latencies of one view, in milliseconds.
pub struct Timing {
    pub name: &'static str,
    pub samples: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
}

pub struct BenchReport {
    pub backend: &'static str,
    pub tickets: usize,
    pub sample: usize,
    pub generation: Duration,
    pub amplification: Duration,
    /// Reads in the access log, and how long adding the missing ones took.
    pub access_reads: usize,
    pub access_fill: Duration,
    pub timings: Vec<Timing>,
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.sample == 0 {
            writeln!(
                f,
                "{} : base existante de {} tickets",
                self.backend, self.tickets
            )?;
        } else {
            writeln!(
                f,
                "{} : {} tickets écrits par les services en {:.1} s, copiés jusqu'à {} en {:.1} s",
                self.backend,
                self.sample,
                self.generation.as_secs_f64(),
                self.tickets,
                self.amplification.as_secs_f64()
            )?;
        }
        writeln!(
            f,
            "journal des accès : {} lectures (ajoutées en {:.1} s)",
            self.access_reads,
            self.access_fill.as_secs_f64()
        )?;
        writeln!(
            f,
            "{:<44} {:>7} {:>9} {:>9} {:>9}",
            "vue", "mesures", "p50 ms", "p95 ms", "max ms"
        )?;
        for t in &self.timings {
            writeln!(
                f,
                "{:<44} {:>7} {:>9.2} {:>9.2} {:>9.2}",
                t.name, t.samples, t.p50_ms, t.p95_ms, t.max_ms
            )?;
        }
        Ok(())
    }
}

pub(crate) fn timing(name: &'static str, mut samples: Vec<Duration>) -> Timing {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| ms(samples[((samples.len() as f64 - 1.0) * q).round() as usize]);
    Timing {
        name,
        samples: samples.len(),
        p50_ms: at(0.5),
        p95_ms: at(0.95),
        max_ms: ms(*samples.last().expect("at least one sample")),
    }
}

fn demo_caller(conn: &mut DbConn, email: &str) -> Result<Caller, String> {
    let user = users::find_by_email(conn, email)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("utilisateur de démonstration {email} absent"))?;
    user_caller(conn, user.id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{email} inactif"))
}

/// Times `samples` first pages, then follows the cursor for up to `pages` pages.
fn time_view(
    conn: &mut DbConn,
    caller: &Caller,
    query: &ListQuery,
    samples: usize,
    pages: usize,
) -> Result<(Vec<Duration>, Vec<Duration>), String> {
    let mut first = Vec::new();
    for _ in 0..samples {
        let started = Instant::now();
        read::list_page(conn, caller, query.clone()).map_err(|e| e.to_string())?;
        first.push(started.elapsed());
    }
    let mut deep = Vec::new();
    let mut next = query.clone();
    for _ in 0..pages {
        let started = Instant::now();
        let page = read::list_page(conn, caller, next.clone()).map_err(|e| e.to_string())?;
        deep.push(started.elapsed());
        match page.next_cursor {
            Some(cursor) => next.cursor = Some(cursor),
            None => break,
        }
    }
    Ok((first, deep))
}

/// Writes the sample through the generator and copies it up to the size asked: the sample's
/// size, and how long each part took.
fn fill(conn: &mut DbConn, options: &BenchOptions) -> Result<(usize, Duration, Duration), String> {
    let filled = Instant::now();
    let sample = options.sample.min(options.tickets).max(1);
    let generated = generator::run(
        conn,
        &GenerateOptions {
            tickets: sample,
            months: 12,
            seed: 2026,
        },
        Utc::now(),
    )
    .map_err(|e| e.to_string())?;
    let generation = filled.elapsed();
    let copied = Instant::now();
    amplify::amplify(conn, generated.tally.tickets, options.tickets).map_err(|e| e.to_string())?;
    // The copies were written directly: their figures are counted after.
    conn.write_transaction(stats::tallies::rebuild::rebuild)
        .map_err(|e| e.to_string())?;
    crate::db::backend_specific::analyze(conn).map_err(|e| e.to_string())?;
    Ok((sample, generation, copied.elapsed()))
}

fn nancy_metz(conn: &mut DbConn) -> Result<crate::db::models::Organisation, String> {
    organisations::find_by_code(conn, "ac-nancy-metz")
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "ac-nancy-metz absente".into())
}

/// The code of Nancy-Metz's guichet queue, the one the bench's guichet agent works.
pub(crate) fn guichet_queue(conn: &mut DbConn) -> Result<String, String> {
    let authority = nancy_metz(conn)?;
    Ok(queues::of_organisation(
        conn,
        authority.id,
        Some(CompetenceDomain::Guichet.as_str()),
        Some(1),
    )
    .map_err(|e| e.to_string())?
    .pop()
    .ok_or("file du guichet absente")?
    .code)
}

/// Seeds the demo data if needed and fills the database (unless reused): the tickets it
/// holds, the sample's size and how long writing and copying took.
pub fn prepare(
    conn: &mut DbConn,
    options: &BenchOptions,
) -> Result<(usize, usize, Duration, Duration), String> {
    let held = tickets::count(conn).map_err(|e| e.to_string())? as usize;
    if options.reuse && held == 0 {
        return Err("la base ne contient aucun ticket : rien à mesurer sans la remplir".into());
    }
    if !options.reuse && held > 0 {
        return Err(
            "la base contient déjà des tickets : le banc d'essai veut une base vide (ou --reuse)"
                .into(),
        );
    }
    if seed::is_empty(conn).map_err(|e| e.to_string())? {
        let reference = ReferenceSeed::embedded().map_err(|e| e.to_string())?;
        let demo = DemoSeed::embedded().map_err(|e| e.to_string())?;
        seed::load(conn, &reference, Some(&demo)).map_err(|e| e.to_string())?;
    }
    if options.reuse {
        return Ok((held, 0, Duration::ZERO, Duration::ZERO));
    }
    let (sample, generation, amplification) = fill(conn, options)?;
    Ok((options.tickets, sample, generation, amplification))
}

/// Seeds the demo data if needed, fills the database (unless reused), and times the views.
pub fn run(conn: &mut DbConn, options: &BenchOptions) -> Result<BenchReport, String> {
    let (tickets, sample, generation, amplification) = prepare(conn, options)?;
    let correspondent = demo_caller(conn, "correspondent.ge@demo.guichet.example")?;
    let guichet = demo_caller(conn, "guichet-agent.ge@demo.guichet.example")?;
    let authority = nancy_metz(conn)?;
    let queue = guichet_queue(conn)?;
    let schools: Vec<String> = establishments::list(
        conn,
        &establishments::EstablishmentFilter {
            authority: Some(authority.code.clone()),
            ..Default::default()
        },
        200,
    )
    .map_err(|e| e.to_string())?
    .into_iter()
    .map(|(e, _, _)| e.uai)
    .collect();

    let base = ListQuery {
        limit: 50,
        ..Default::default()
    };
    let samples = 50;
    let mut timings = Vec::new();
    let guichet_queue = ListQuery {
        queue: Some(queue.clone()),
        ..base.clone()
    };
    let (first, deep) = time_view(conn, &guichet, &guichet_queue, samples, options.pages)?;
    timings.push(timing("guichet : file, 1re page de 50", first));
    timings.push(timing("guichet : file, pages suivantes (curseur)", deep));
    // The same queue, its new tickets only (served by the queue-and-status index).
    let queue_new = ListQuery {
        status: Some(crate::domain::ticket_lifecycle::TicketStatus::New),
        ..guichet_queue.clone()
    };
    let (first, deep) = time_view(conn, &guichet, &queue_new, samples, options.pages)?;
    timings.push(timing("guichet : file, nouveaux, 1re page", first));
    timings.push(timing("guichet : file, nouveaux, pages suivantes", deep));
    let urgent = ListQuery {
        priority: Some(1),
        status: Some(crate::domain::ticket_lifecycle::TicketStatus::New),
        ..base.clone()
    };
    let (first, _) = time_view(conn, &guichet, &urgent, samples, 0)?;
    timings.push(timing("guichet : P1 nouveaux, 1re page", first));
    // The correspondent's own school (the first of the authority's it corresponds for).
    let own = correspondent
        .grants
        .iter()
        .find_map(|g| match &g.scope {
            crate::services::caller::GrantScope::Establishment { uai, .. }
                if schools.contains(uai) =>
            {
                Some(uai.clone())
            }
            _ => None,
        })
        .ok_or("le correspondant de démonstration n'a pas d'école de Nancy-Metz")?;
    let school = ListQuery {
        establishment: Some(own),
        ..base.clone()
    };
    let (first, deep) = time_view(conn, &correspondent, &school, samples, options.pages)?;
    timings.push(timing("correspondant : son établissement, 1re page", first));
    timings.push(timing("correspondant : pages suivantes (curseur)", deep));
    let text = ListQuery {
        text: Some("coupe au cdi".into()),
        ..base
    };
    let (first, _) = time_view(conn, &guichet, &text, 10, 0)?;
    timings.push(timing("guichet : recherche dans le titre", first));
    // A territory-year of figures, as the steering committees read them: whole days, read
    // from the tallies; then the same year recounted from the tickets, once.
    let territory = territories::find(conn, "GE")
        .map_err(|e| e.to_string())?
        .ok_or("territoire GE absent")?;
    let zone = territory.zone();
    let today = Utc::now().with_timezone(&zone).date_naive();
    let year = (
        day_start(today - Span::days(365), zone),
        day_start(today + Span::days(1), zone),
    );
    let mut time_figures = |how, runs| -> Result<Vec<Duration>, String> {
        let mut samples = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            let scope = stats::scope::territory(&territory);
            stats::compute_by(conn, scope, year.0, year.1, zone, how).map_err(|e| e.to_string())?;
            samples.push(started.elapsed());
        }
        Ok(samples)
    };
    let tallied = time_figures(stats::Counting::Tallies, 5)?;
    let recounted = time_figures(stats::Counting::Recount, 1)?;
    timings.push(timing(
        "pilotage : chiffres du territoire sur un an",
        tallied,
    ));
    timings.push(timing(
        "pilotage : les mêmes, recomptés sur les tickets",
        recounted,
    ));
    let access_fill = access_log::fill(conn, options.access_reads)?;
    timings.extend(access_log::time(conn, samples)?);
    Ok(BenchReport {
        access_reads: options.access_reads,
        access_fill,
        backend: conn.backend_name(),
        tickets,
        sample,
        generation,
        amplification,
        timings,
    })
}
