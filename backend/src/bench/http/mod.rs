//! `guichet bench http`: the service under load over HTTP. This binary starts itself as
//! `guichet serve` on the bench's database, logs its clients in (a thousand logins, as a
//! morning's rush), then asks each view, read and write at concurrency 1 and 8, and reads
//! the server's CPU time and resident memory from the kernel. Then, the server stopped, it
//! commits the rows of an opening straight to the same database: the raw limit, so that
//! what the service costs above the database is a ratio measured in one run.

mod load;
mod past;
mod raw;
mod server;

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::{json, Value};
use ureq::Agent;

use crate::db::pool::DbPool;
use load::{drive, expect, Outcome};
use server::{Memory, Server};

pub struct HttpOptions {
    /// Requests per measure (each view, read and write, at each concurrency).
    pub requests: usize,
    /// Logins before the measures, spread over the demo accounts.
    pub logins: usize,
}

/// One measure: a kind of request at one concurrency.
pub struct Measure {
    pub name: String,
    pub clients: usize,
    pub requests: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    /// The server's CPU time per request (none for the raw inserts: no server).
    pub cpu_ms: Option<f64>,
}

pub struct HttpReport {
    pub backend: &'static str,
    pub tickets: i64,
    /// The generated past's warnings, breaches and messages settled before the server
    /// started (see `past`).
    pub settled: (usize, usize, usize),
    pub measures: Vec<Measure>,
    /// The same openings' rows committed directly, at concurrency 1 and 8.
    pub raw: Vec<Measure>,
    pub after_logins: Memory,
    pub at_the_end: Memory,
    pub peak_rss_mib: f64,
}

impl HttpReport {
    /// Creations per second through the service over the raw limit, at `clients`.
    pub fn creation_ratio(&self, clients: usize) -> Option<f64> {
        let served = self
            .measures
            .iter()
            .find(|m| m.name == CREATION && m.clients == clients)?;
        let raw = self.raw.iter().find(|m| m.clients == clients)?;
        Some(served.per_second / raw.per_second)
    }
}

const CREATION: &str = "création d'un ticket";
const CLIENTS: [usize; 2] = [1, 8];

fn measure(name: &str, clients: usize, outcome: Outcome, cpu: Option<Duration>) -> Measure {
    let mut l = outcome.latencies;
    l.sort();
    let requests = l.len();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| ms(l[((requests as f64 - 1.0) * q).round() as usize]);
    Measure {
        name: name.to_owned(),
        clients,
        requests,
        per_second: requests as f64 / outcome.elapsed.as_secs_f64(),
        p50_ms: at(0.5),
        p95_ms: at(0.95),
        p99_ms: at(0.99),
        cpu_ms: cpu.map(|c| ms(c) / requests as f64),
    }
}

impl fmt::Display for HttpReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} : {} tickets, service HTTP dans son propre processus",
            self.backend, self.tickets
        )?;
        let (warnings, breaches, messages) = self.settled;
        writeln!(
            f,
            "passé généré réglé avant le démarrage : {warnings} avertissements et {breaches} \
             dépassements enregistrés à leur date, {messages} messages marqués envoyés"
        )?;
        writeln!(
            f,
            "{:<44} {:>3} {:>6} {:>8} {:>7} {:>7} {:>7} {:>8}",
            "mesure", "cl.", "req.", "req/s", "p50 ms", "p95 ms", "p99 ms", "CPU ms"
        )?;
        for m in self.measures.iter().chain(&self.raw) {
            let cpu = m.cpu_ms.map(|c| format!("{c:.2}")).unwrap_or("-".into());
            writeln!(
                f,
                "{:<44} {:>3} {:>6} {:>8.0} {:>7.2} {:>7.2} {:>7.2} {:>8}",
                m.name, m.clients, m.requests, m.per_second, m.p50_ms, m.p95_ms, m.p99_ms, cpu
            )?;
        }
        for clients in CLIENTS {
            if let Some(ratio) = self.creation_ratio(clients) {
                writeln!(
                    f,
                    "création par le service / limite brute, {clients} client(s) : {:.0} %",
                    ratio * 100.0
                )?;
            }
        }
        for (when, m) in [
            ("après les connexions", &self.after_logins),
            ("à la fin", &self.at_the_end),
        ] {
            writeln!(
                f,
                "mémoire résidente du serveur {when} : {:.1} Mio (tas et piles {:.1}, fichiers {:.1}), {} threads",
                m.resident_mib, m.anonymous_mib, m.files_mib, m.threads
            )?;
        }
        writeln!(
            f,
            "mémoire résidente du serveur, pic : {:.1} Mio",
            self.peak_rss_mib
        )
    }
}

/// A signed-in client of the bench.
struct Session<'a> {
    base: &'a str,
    token: String,
}

impl Session<'_> {
    fn get(&self, agent: &Agent, path: &str) -> Result<String, String> {
        let response = agent
            .get(format!("{}{path}", self.base))
            .header("Authorization", &format!("Bearer {}", self.token))
            .call();
        expect(response, 200, path)
    }

    fn post(&self, agent: &Agent, path: &str, body: &Value, status: u16) -> Result<String, String> {
        let response = agent
            .post(format!("{}{path}", self.base))
            .header("Authorization", &format!("Bearer {}", self.token))
            .content_type("application/json")
            .send(body.to_string());
        expect(response, status, path)
    }
}

fn field(body: &str, name: &str) -> Result<Value, String> {
    let value: Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
    Ok(value[name].clone())
}

const DEMO_ACCOUNTS: [&str; 7] = [
    "correspondent",
    "guichet-agent",
    "authority-agent",
    "collectivite-agent",
    "vendor-agent",
    "steering",
    "admin",
];

/// `logins` logins at concurrency 8, spread over the demo accounts of the three territories;
/// the measure and the tokens of the correspondent, guichet agent and vendor of Grand Est.
fn log_in(base: &str, logins: usize) -> Result<(Outcome, [String; 3]), String> {
    let emails: Vec<String> = ["ge", "hdf", "paris"]
        .iter()
        .flat_map(|t| DEMO_ACCOUNTS.map(|r| format!("{r}.{t}@demo.guichet.example")))
        .collect();
    let tokens: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
    let outcome = drive(8, logins.max(emails.len()), |agent, i| {
        let email = &emails[i % emails.len()];
        let body = json!({
            "grant_type": "password",
            "email": email,
            "password": crate::services::seed::DEMO_PASSWORD,
        });
        let response = agent
            .post(format!("{base}/api/v1/auth/token"))
            .content_type("application/json")
            .send(body.to_string());
        let answer = expect(response, 200, "connexion")?;
        if i < emails.len() {
            let token = field(&answer, "access_token")?;
            let token = token.as_str().ok_or("réponse sans jeton")?.to_owned();
            tokens
                .lock()
                .expect("not poisoned")
                .push((email.clone(), token));
        }
        Ok(())
    })?;
    let tokens = tokens.into_inner().expect("not poisoned");
    let of = |role: &str| {
        let email = format!("{role}.ge@demo.guichet.example");
        tokens
            .iter()
            .find(|(e, _)| *e == email)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| format!("pas de jeton pour {email}"))
    };
    Ok((
        outcome,
        [
            of("correspondent")?,
            of("guichet-agent")?,
            of("vendor-agent")?,
        ],
    ))
}

/// The cursor of the page `depth` pages after the first of `path` (none if it has fewer).
fn deep_cursor(session: &Session, path: &str, depth: usize) -> Result<Option<String>, String> {
    let agent = load::agent();
    let mut cursor: Option<String> = None;
    for _ in 0..depth {
        let page = match &cursor {
            Some(c) => format!(
                "{path}&cursor={}",
                url::form_urlencoded::byte_serialize(c.as_bytes()).collect::<String>()
            ),
            None => path.to_owned(),
        };
        match field(&session.get(&agent, &page)?, "next_cursor")? {
            Value::String(next) => cursor = Some(next),
            _ => return Ok(cursor),
        }
    }
    Ok(cursor)
}

/// Runs the load on a database `guichet bench` filled (`url` names it for the server).
pub fn run(pool: &DbPool, url: &str, options: &HttpOptions) -> Result<HttpReport, String> {
    let (backend, tickets, queue, settled) = {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        let held = crate::db::repo::tickets::count(&mut conn).map_err(|e| e.to_string())?;
        let queue = super::guichet_queue(&mut conn)?;
        let settled = past::settle(&mut conn).map_err(|e| e.to_string())?;
        (conn.backend_name(), held, queue, settled)
    };
    let server = Server::start(url)?;
    let base = server.base.clone();
    let (logins, [school, guichet, vendor]) = log_in(&base, options.logins)?;
    let mut measures = vec![measure("connexion (mot de passe)", 8, logins, None)];
    let after_logins = server.memory()?;
    let school = Session {
        base: &base,
        token: school,
    };
    let guichet = Session {
        base: &base,
        token: guichet,
    };
    let vendor = Session {
        base: &base,
        token: vendor,
    };
    let n = options.requests.max(1);
    let mut timed = |name: &str,
                     clients: usize,
                     work: &(dyn Fn(&Agent, usize) -> Result<(), String> + Sync)|
     -> Result<(), String> {
        let before = server.cpu()?;
        let outcome = drive(clients, n, work)?;
        let cpu = server.cpu()? - before;
        measures.push(measure(name, clients, outcome, Some(cpu)));
        Ok(())
    };

    // Creations first: the reads and actions then work on the tickets they opened. Their
    // titles do not hold the searched word, so that the title search meets the generated
    // titles' own density (1 %) rather than a run's hundreds of fresh matches on top.
    let created: Mutex<Vec<String>> = Mutex::new(Vec::new());
    for clients in CLIENTS {
        timed(CREATION, clients, &|agent, i| {
            let body = json!({
                "establishment": "0579001Z",
                "title": format!("Banc d'essai {clients}-{i} : tableau numérique muet"),
                "description": "Le tableau numérique de la salle 8 n'a plus de son.",
                "category": "materiel-demande",
            });
            let answer = school.post(agent, "/api/v1/tickets", &body, 201)?;
            let reference = field(&answer, "reference")?;
            created.lock().expect("not poisoned").push(
                reference
                    .as_str()
                    .ok_or("réponse sans référence")?
                    .to_owned(),
            );
            Ok(())
        })?;
    }
    let created = created.into_inner().expect("not poisoned");
    // Read by reference: the tickets of the queue's first pages, older and newer.
    let mut references = created.clone();
    let listed = guichet.get(
        &load::agent(),
        &format!("/api/v1/tickets?queue={queue}&limit=200"),
    )?;
    if let Value::Array(items) = field(&listed, "items")? {
        references.extend(
            items
                .iter()
                .filter_map(|t| t["reference"].as_str().map(str::to_owned)),
        );
    }
    for clients in CLIENTS {
        timed(
            "lecture d'un ticket par référence",
            clients,
            &|agent, i| {
                guichet
                    .get(
                        agent,
                        &format!("/api/v1/tickets/{}", references[i % references.len()]),
                    )
                    .map(|_| ())
            },
        )?;
    }
    let views: [(&str, &Session, String); 8] = [
        ("file du guichet", &guichet, format!("?queue={queue}")),
        (
            "file, nouveaux",
            &guichet,
            format!("?queue={queue}&status=new"),
        ),
        (
            "file, priorité 1",
            &guichet,
            format!("?queue={queue}&priority=1"),
        ),
        (
            "P1 nouveaux de l'autorité",
            &guichet,
            "?priority=1&status=new".into(),
        ),
        ("niveau 2 de l'autorité", &guichet, "?level=2".into()),
        (
            "correspondant : son établissement",
            &school,
            "?establishment=0579001Z".into(),
        ),
        (
            "recherche dans le titre",
            &guichet,
            "?q=videoprojecteur".into(),
        ),
        ("éditeur : escaladés chez nous", &vendor, "?limit=50".into()),
    ];
    for (name, session, filter) in &views {
        let first = format!("/api/v1/tickets{filter}");
        let later = deep_cursor(session, &first, 5)?.map(|c| {
            let c: String = url::form_urlencoded::byte_serialize(c.as_bytes()).collect();
            format!("{first}&cursor={c}")
        });
        for clients in CLIENTS {
            timed(&format!("{name}, 1re page"), clients, &|agent, _| {
                session.get(agent, &first).map(|_| ())
            })?;
            if let Some(later) = &later {
                timed(&format!("{name}, 6e page"), clients, &|agent, _| {
                    session.get(agent, later).map(|_| ())
                })?;
            }
        }
    }
    for clients in CLIENTS {
        timed("commentaire du correspondant", clients, &|agent, i| {
            // i < n: one of the first half of the openings (2n of them).
            let reference = &created[i];
            let body = json!({ "body": format!("Relance {i} : toujours en panne.") });
            school
                .post(
                    agent,
                    &format!("/api/v1/tickets/{reference}/comments"),
                    &body,
                    201,
                )
                .map(|_| ())
        })?;
    }
    let at_the_end = server.memory()?;
    let peak_rss_mib = server.peak_rss_mib()?;
    drop(server);

    let mut conn = pool.get().map_err(|e| e.to_string())?;
    // The comments went to the first half of the openings: the last one is as it was opened.
    let last = created.last().ok_or("aucun ticket créé")?;
    let template = crate::db::repo::tickets::find_by_reference(&mut conn, last)
        .map_err(|e| e.to_string())?
        .ok_or("ticket créé introuvable")?
        .id;
    let shape = raw::Shape::of(&mut conn, template).map_err(|e| e.to_string())?;
    drop(conn);
    let mut raw_measures = Vec::new();
    for clients in CLIENTS {
        let outcome = raw::drive(pool, &shape, clients, n, clients * n)?;
        raw_measures.push(measure(
            "limite brute : les mêmes lignes, directement",
            clients,
            outcome,
            None,
        ));
    }
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    raw::settle(&mut conn).map_err(|e| e.to_string())?;
    Ok(HttpReport {
        backend,
        tickets,
        settled,
        measures,
        raw: raw_measures,
        after_logins,
        at_the_end,
        peak_rss_mib,
    })
}
