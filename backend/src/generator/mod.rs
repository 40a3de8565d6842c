//! `guichet demo generate`: months of a desk's activity written through the services, as
//! the people of the chain would have written it, for the figures, the reviews and the
//! benchmarks. Every step is a use case run at an instant of the simulated past; the
//! notices of that past are not put in the outbox (nobody is to receive them).

pub mod cast;
pub mod catalogue;
pub mod openings;
pub mod stories;
pub mod walk;

use std::fmt;
use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Span, Months, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::db::DbConn;
use crate::error::AppError;
use crate::services::seed::{self, DemoSeed, ReferenceSeed};
use stories::Stories;
use walk::{Tally, Walker};

/// Tickets whose whole stories commit together.
const BATCH: usize = 200;

pub struct GenerateOptions {
    pub tickets: usize,
    pub months: u32,
    /// The same seed writes the same activity.
    pub seed: u64,
}

pub struct GenerateReport {
    pub backend: &'static str,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub tally: Tally,
    pub elapsed: Duration,
}

impl fmt::Display for GenerateReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.tally;
        let seconds = self.elapsed.as_secs_f64();
        writeln!(
            f,
            "{} : {} tickets du {} au {} écrits en {:.1} s ({:.0} tickets/s, {} étapes)",
            self.backend,
            t.tickets,
            self.from.format("%d/%m/%Y"),
            self.to.format("%d/%m/%Y"),
            seconds,
            t.tickets as f64 / seconds.max(0.001),
            t.steps
        )?;
        writeln!(
            f,
            "  résolus au niveau 0 : {} ; orientés par les règles : {} ; refus de prise en charge : {}",
            t.solved_at_level_0, t.routed, t.refused
        )?;
        writeln!(
            f,
            "  escaladés au titulaire : {} (questions à l'autorité : {}, niveau 3 : {})",
            t.escalated, t.vendor_questions, t.level_3
        )?;
        write!(
            f,
            "  réouverts : {} ; clos par l'établissement : {} ; incidents majeurs : {} ({} tickets rattachés)",
            t.reopened, t.closed, t.major_incidents, t.linked_children
        )
    }
}

/// One thing that happens: an ordinary ticket, or a major incident with its children.
enum Happening {
    Ticket { school: usize },
    Major { territory: String, children: usize },
}

/// Major incidents of a territory: about one every six weeks, never more than 2 % of the
/// tickets with their children.
fn major_incidents(
    territories: &[String],
    options: &GenerateOptions,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    rng: &mut StdRng,
) -> Vec<(DateTime<Utc>, Happening)> {
    let per_territory = (options.months as usize * 2 / 3).max(1);
    let budget = options.tickets / 50;
    let mut majors = Vec::new();
    let mut spent = 0;
    'outer: for _ in 0..per_territory {
        for territory in territories {
            let children = rng.gen_range(3..=9);
            if spent + children + 1 > budget {
                break 'outer;
            }
            spent += children + 1;
            let span = (to - from).num_days().max(1);
            let day = (from + Span::days(rng.gen_range(0..span)))
                .with_timezone(&chrono_tz::Europe::Paris)
                .date_naive();
            let at = openings::local_instant(day, rng.gen_range(8..11), rng);
            if at > from && at < to {
                let territory = territory.clone();
                majors.push((
                    at,
                    Happening::Major {
                        territory,
                        children,
                    },
                ));
            }
        }
    }
    majors
}

/// Seeds the reference and demo data if the database is empty, provisions the cast, and
/// writes `options.tickets` tickets' stories over the `options.months` months before `end`.
pub fn run(
    conn: &mut DbConn,
    options: &GenerateOptions,
    end: DateTime<Utc>,
) -> Result<GenerateReport, AppError> {
    let started = Instant::now();
    if seed::is_empty(conn).map_err(|e| AppError::Internal(e.to_string()))? {
        let reference = ReferenceSeed::embedded().map_err(|e| AppError::Internal(e.to_string()))?;
        let demo = DemoSeed::embedded().map_err(|e| AppError::Internal(e.to_string()))?;
        seed::load(conn, &reference, Some(&demo)).map_err(|e| AppError::Internal(e.to_string()))?;
    }
    let from = end
        .checked_sub_months(Months::new(options.months))
        .ok_or_else(|| AppError::Internal("période trop longue".into()))?;
    let cast = cast::provision(conn, from)?;
    let mut rng = StdRng::seed_from_u64(options.seed);
    let mut territories: Vec<String> = cast.schools.iter().map(|s| s.territory.clone()).collect();
    territories.sort();
    territories.dedup();
    let mut happenings = major_incidents(&territories, options, from, end, &mut rng);
    let in_majors: usize = happenings
        .iter()
        .map(|(_, h)| match h {
            Happening::Major { children, .. } => children + 1,
            Happening::Ticket { .. } => 0,
        })
        .sum();
    let ordinary = options.tickets.saturating_sub(in_majors);
    happenings.extend(
        openings::draw(&cast.schools, from, end, ordinary, &mut rng)
            .into_iter()
            .map(|(at, school)| (at, Happening::Ticket { school })),
    );
    happenings.sort_by_key(|(at, _)| *at);
    let stories = Stories::default();
    let mut walker = Walker::new(&cast, end, rng);
    let mut next_report = 50_000;
    for batch in happenings.chunks(BATCH) {
        // Reference rows read once a batch, as a request reads them once (`db::memo`).
        let _memo = crate::db::memo::Scope::start();
        conn.write_transaction(|conn| {
            for (at, happening) in batch {
                match happening {
                    Happening::Ticket { school } => {
                        stories.ordinary(&mut walker, conn, *school, *at)?
                    }
                    Happening::Major {
                        territory,
                        children,
                    } => stories.major_incident(&mut walker, conn, territory, *at, *children)?,
                }
            }
            Ok::<_, AppError>(())
        })?;
        if walker.tally.tickets >= next_report {
            tracing::info!(tickets = walker.tally.tickets, "génération en cours");
            next_report += 50_000;
        }
    }
    crate::db::backend_specific::analyze(conn)?;
    Ok(GenerateReport {
        backend: conn.backend_name(),
        from,
        to: end,
        tally: walker.tally,
        elapsed: started.elapsed(),
    })
}
