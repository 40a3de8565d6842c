//! The `guichet` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use guichet::db::{connect_pool, migrations, DbPool};
use guichet::domain::role::Role;
use guichet::services::admin::provisioning::{self, UserSpec};
use guichet::services::admin::views::GrantRequest;
use guichet::services::seed::{self, DemoSeed, ReferenceSeed};
use guichet::settings::{DatabaseUrl, Mode, Settings};
use guichet::state::AppState;
use guichet::{openapi, startup};

#[derive(Parser)]
#[command(name = "guichet", version, about = "Guichet unique du support des ENT")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (migrates first; loads reference and, in demo mode, demo data into an
    /// empty database).
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Load the reference data (idempotent); with --demo, the demo establishments too.
    Seed {
        /// Also load the demonstration establishments.
        #[arg(long)]
        demo: bool,
    },
    /// Manage user accounts from the command line (bootstrap the first admin).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Fill a database with a year of generated activity and time the queue views and the
    /// figures (a temporary SQLite file unless --database-url names an empty database);
    /// `bench http` puts the service itself under load on such a database.
    Bench {
        #[command(subcommand)]
        load: Option<BenchLoad>,
        #[command(flatten)]
        fill: BenchFill,
        /// How many keyset pages to follow in the deep-page timings.
        #[arg(long, default_value_t = 100)]
        pages: usize,
        /// How many reads the access log holds for its timings.
        #[arg(long, default_value_t = 1_000_000)]
        access_reads: usize,
    },
    /// Demonstration data.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// List the latest notifications of the outbox and their state.
    Outbox {
        /// Only those in this state: pending, sent or dead.
        #[arg(long)]
        state: Option<String>,
        /// How many, newest first.
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// The figures' tallies: check them against the tickets, or count them again.
    Figures {
        #[command(subcommand)]
        command: FiguresCommand,
    },
    /// School calendars: import the national calendar of a zone.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// A person's data (GDPR): export everything held about them, or erase them.
    Privacy {
        #[command(subcommand)]
        command: PrivacyCommand,
    },
    /// Write the OpenAPI document, or check that the committed one is current.
    Openapi {
        /// Exit with an error if the file differs from the routes instead of writing it.
        #[arg(long)]
        check: bool,
        /// Where the document lives.
        #[arg(long, default_value = "openapi/openapi.json")]
        output: PathBuf,
    },
}

/// The database the bench fills, or reuses.
#[derive(clap::Args)]
struct BenchFill {
    /// How many tickets the database holds for the timings.
    #[arg(long, default_value_t = 100_000)]
    tickets: usize,
    /// How many of them are written through the services; the others are copies of
    /// those, at the same instants.
    #[arg(long, default_value_t = 20_000)]
    sample: usize,
    /// An empty database to fill (postgres://… or sqlite://…).
    #[arg(long)]
    database_url: Option<String>,
    /// Time the views of --database-url as an earlier run left it, without filling it.
    #[arg(long, requires = "database_url")]
    reuse: bool,
}

#[derive(Subcommand)]
enum BenchLoad {
    /// Start the service on the bench's database and time it over HTTP at concurrency 1
    /// and 8 (logins, creation, reads, every queue view, an action), with its CPU time and
    /// resident memory, then the same creations' rows committed directly (the raw limit).
    Http {
        #[command(flatten)]
        fill: BenchFill,
        /// Requests of each measure.
        #[arg(long, default_value_t = 1000)]
        requests: usize,
        /// Logins before the measures (password checks), spread over the demo accounts.
        #[arg(long, default_value_t = 1000)]
        logins: usize,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Write months of a desk's activity through the services: tickets opened by the
    /// schools' correspondents, qualified, routed by the rules, handed off and sometimes
    /// refused, escalated to the vendor with complete technical files, answered, reopened,
    /// and major incidents with their outages (demo mode only).
    Generate {
        /// How many tickets.
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
        tickets: u32,
        /// Over how many months before now.
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=36))]
        months: u32,
        /// The same seed writes the same activity.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum PrivacyCommand {
    /// Print (or write) as JSON everything the desk holds about a user.
    Export {
        /// The user's email.
        #[arg(long)]
        user: String,
        /// Write the JSON to this file instead of the standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Erase a user: email and name replaced wherever a text holds them, uploads, sessions,
    /// credentials and messages deleted; their tickets remain with an anonymous requester.
    Erase {
        /// The user's email.
        #[arg(long)]
        user: String,
    },
}

#[derive(Subcommand)]
enum FiguresCommand {
    /// Compare every territory's figures read from the tallies with those recounted from
    /// the tickets, month by month; exit with an error on any difference.
    Check {
        /// How many months back from the current one.
        #[arg(long, default_value_t = 13, value_parser = clap::value_parser!(u32).range(1..=60))]
        months: u32,
    },
    /// Count the tallies again from the tickets and their clocks (one transaction).
    Rebuild,
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Replace a zone's school holidays, from a date on, with those of the national school
    /// calendar (its open-data CSV export, or an iCalendar file), and print what changed.
    Import {
        /// The file: CSV export of `fr-en-calendrier-scolaire` or `.ics`.
        file: PathBuf,
        /// The holiday zone: A, B or C.
        #[arg(long)]
        zone: String,
        /// The first day concerned (YYYY-MM-DD); holidays ending before it are kept.
        /// Default: today.
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user if absent, and grant a role. Without --password-stdin a new user gets a
    /// random password, printed once.
    Add {
        #[arg(long)]
        email: String,
        /// Display name (defaults to the email).
        #[arg(long)]
        name: Option<String>,
        /// The territory whose admins manage the user (none: global admins only).
        #[arg(long)]
        territory: Option<String>,
        /// correspondent, guichet_agent, authority_agent, collectivite_agent, vendor_agent,
        /// steering or admin.
        #[arg(long, requires = "scope")]
        role: Option<Role>,
        /// The role's scope: a UAI, an organisation code, a territory code, or `global` for
        /// an admin of everything.
        #[arg(long)]
        scope: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Large allocations (a password hash takes 7 MiB) go straight to the kernel and back:
/// glibc otherwise raises its mmap threshold after the first such free and keeps the memory
/// of every later hash in its per-thread arenas (measured: 256 MB resident after 1,000
/// logins, 85 MB at the peak and 47 MB after with this). And one arena per core rather than
/// glibc's eight: each blocking thread that ran a request otherwise keeps an arena of its
/// own, partly free (`guichet bench http` at a million tickets on SQLite: peak 101–111 MiB
/// with glibc's default, 93 with four arenas, 85–87 with two; the latencies within this
/// machine's run-to-run spread).
fn tune_the_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let arenas = libc::c_int::try_from(cores).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets allocator parameters, before any thread is started.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

fn main() -> ExitCode {
    tune_the_allocator();
    let cli = Cli::parse();
    let _ = dotenvy::dotenv();
    init_tracing();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("guichet : {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only for a person at a terminal: a log file or a journal gets plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .init();
}

fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Openapi { check, output } => run_openapi(check, &output),
        Command::Serve => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            if settings.jwt_secret_generated {
                tracing::warn!(
                    "GUICHET_JWT_SECRET is empty: a random secret signs tokens until restart (demo mode)"
                );
            }
            let pool = prepare_database(&settings)?;
            if seed_if_empty(&pool, settings.mode)? {
                tracing::info!(mode = ?settings.mode, "empty database seeded");
            }
            serve(settings, pool).map_err(|e| format!("serveur HTTP : {e}"))
        }
        Command::Bench {
            load:
                Some(BenchLoad::Http {
                    fill,
                    requests,
                    logins,
                }),
            ..
        } => run_http_bench(fill, guichet::bench::http::HttpOptions { requests, logins }),
        Command::Bench {
            load: None,
            fill,
            pages,
            access_reads,
        } => run_bench(fill, pages, access_reads),
        Command::Migrate => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            prepare_database(&settings).map(|_| ())
        }
        Command::Calendar {
            command: CalendarCommand::Import { file, zone, from },
        } => {
            let zone = zone
                .trim()
                .to_uppercase()
                .parse::<guichet::domain::reference_kinds::HolidayZone>()
                .map_err(|e| format!("--zone : {e}"))?;
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{} : {e}", file.display()))?;
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            let pool = prepare_database(&settings)?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let from = from.unwrap_or_else(|| chrono::Utc::now().date_naive());
            let report = guichet::services::calendar_import::import(&mut conn, &text, zone, from)
                .map_err(|e| format!("{} : {e}", file.display()))?;
            print!("{report}");
            Ok(())
        }
        Command::Privacy { command } => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            let pool = prepare_database(&settings)?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            run_privacy(&mut conn, &settings.data_dir, command)
        }
        Command::Figures { command } => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            let pool = prepare_database(&settings)?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            run_figures(&mut conn, command)
        }
        Command::Outbox { state, limit } => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            let pool = prepare_database(&settings)?;
            run_outbox(&pool, state.as_deref(), limit)
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    territory,
                    role,
                    scope,
                    password_stdin,
                },
        } => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            let pool = prepare_database(&settings)?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .read_line(&mut line)
                    .map_err(|e| format!("lecture du mot de passe : {e}"))?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let grant = role.map(|role| GrantRequest::for_scope(role, scope));
            let spec = UserSpec {
                display_name: name.unwrap_or_else(|| email.clone()),
                email,
                territory,
                grants: grant.into_iter().collect(),
            };
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let outcome = provisioning::add_user(&mut conn, &spec, password, chrono::Utc::now())
                .map_err(|e| e.to_string())?;
            println!("{outcome}");
            Ok(())
        }
        Command::Demo {
            command:
                DemoCommand::Generate {
                    tickets,
                    months,
                    seed,
                },
        } => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            if settings.mode != Mode::Demo {
                return Err(
                    "le générateur écrit une activité fictive : il ne s'exécute qu'en mode démo (GUICHET_MODE=demo)"
                        .into(),
                );
            }
            let pool = prepare_database(&settings)?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let options = guichet::generator::GenerateOptions {
                tickets: tickets as usize,
                months,
                seed,
            };
            let report = guichet::generator::run(&mut conn, &options, chrono::Utc::now())
                .map_err(|e| e.to_string())?;
            println!("{report}");
            Ok(())
        }
        Command::Seed { demo } => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            let pool = prepare_database(&settings)?;
            let report = load_seeds(&pool, demo)?;
            println!("Données chargées : {report}");
            Ok(())
        }
    }
}

/// How many times `guichet bench` asks each page of the web desk.
const PAGE_SAMPLES: usize = 30;

/// The bench's database: --database-url, or a temporary SQLite file (removed by `cleanup`).
struct BenchDatabase {
    url: String,
    pool: guichet::db::DbPool,
    temporary: Option<std::path::PathBuf>,
}

impl BenchDatabase {
    fn open(fill: &BenchFill) -> Result<Self, String> {
        let temporary =
            std::env::temp_dir().join(format!("guichet-bench-{}.db", std::process::id()));
        let (raw, temporary) = match &fill.database_url {
            Some(url) => (url.clone(), None),
            None => (format!("sqlite://{}", temporary.display()), Some(temporary)),
        };
        let url = DatabaseUrl::parse(&raw).map_err(|e| format!("--database-url : {e}"))?;
        let pool = connect_pool(&url, 8, std::time::Duration::from_secs(10))
            .map_err(|e| format!("connexion impossible : {e}"))?;
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        migrations::run_pending(&mut conn).map_err(|e| format!("migrations : {e}"))?;
        Ok(BenchDatabase {
            url: raw,
            pool,
            temporary,
        })
    }

    fn options(
        fill: &BenchFill,
        pages: usize,
        access_reads: usize,
    ) -> guichet::bench::BenchOptions {
        guichet::bench::BenchOptions {
            tickets: fill.tickets,
            sample: fill.sample,
            pages,
            reuse: fill.reuse,
            access_reads,
        }
    }
}

impl Drop for BenchDatabase {
    fn drop(&mut self) {
        if let Some(file) = &self.temporary {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
    }
}

fn run_bench(fill: BenchFill, pages: usize, access_reads: usize) -> Result<(), String> {
    let database = BenchDatabase::open(&fill)?;
    let options = BenchDatabase::options(&fill, pages, access_reads);
    let mut conn = database.pool.get().map_err(|e| e.to_string())?;
    let report = guichet::bench::run(&mut conn, &options).and_then(|mut report| {
        drop(conn);
        // The pages, served by the whole application on the same database.
        let settings = Settings::from_env().map_err(|e| e.to_string())?;
        let state = AppState::new(database.pool.clone(), settings);
        let pages = actix_web::rt::System::new()
            .block_on(guichet::bench::pages::time_pages(state, PAGE_SAMPLES))?;
        report.timings.extend(pages);
        Ok(report)
    })?;
    println!("{report}");
    Ok(())
}

fn run_http_bench(
    fill: BenchFill,
    options: guichet::bench::http::HttpOptions,
) -> Result<(), String> {
    let database = BenchDatabase::open(&fill)?;
    let mut conn = database.pool.get().map_err(|e| e.to_string())?;
    guichet::bench::prepare(&mut conn, &BenchDatabase::options(&fill, 0, 0))?;
    drop(conn);
    let report = guichet::bench::http::run(&database.pool, &database.url, &options)?;
    println!("{report}");
    Ok(())
}

fn run_privacy(
    conn: &mut guichet::db::DbConn,
    data_dir: &std::path::Path,
    command: PrivacyCommand,
) -> Result<(), String> {
    use guichet::services::privacy::use_cases;
    let now = chrono::Utc::now();
    match command {
        PrivacyCommand::Export { user, output } => {
            let export = use_cases::export_by_email(conn, &user, now).map_err(|e| e.to_string())?;
            let text = serde_json::to_string_pretty(&export).map_err(|e| e.to_string())?;
            match output {
                Some(path) => std::fs::write(&path, text + "\n")
                    .map_err(|e| format!("{} : {e}", path.display()))?,
                None => println!("{text}"),
            }
            Ok(())
        }
        PrivacyCommand::Erase { user } => {
            let report =
                use_cases::erase_by_email(conn, data_dir, &user, now).map_err(|e| e.to_string())?;
            println!(
                "{user} effacé (compte {}) : {} textes réécrits, {} lignes supprimées, \
                 {} fichiers supprimés, {} copies de messages réécrites",
                report.user_id,
                report.texts_rewritten,
                report.rows_deleted,
                report.files_deleted,
                report.mail_files_rewritten
            );
            Ok(())
        }
    }
}

fn run_figures(conn: &mut guichet::db::DbConn, command: FiguresCommand) -> Result<(), String> {
    use guichet::services::stats::tallies;
    match command {
        FiguresCommand::Check { months } => {
            let differences = tallies::check::compare(conn, chrono::Utc::now(), months)
                .map_err(|e| e.to_string())?;
            for d in &differences {
                println!(
                    "{} du {} au {} : compteurs {} / recomptés {}",
                    d.territory, d.from, d.to, d.tallied, d.recounted
                );
            }
            if differences.is_empty() {
                println!("Les compteurs des chiffres concordent avec les tickets ({months} mois).");
                Ok(())
            } else {
                Err(format!(
                    "{} période(s) diffèrent : `guichet figures rebuild` recompte les compteurs",
                    differences.len()
                ))
            }
        }
        FiguresCommand::Rebuild => {
            let rebuilt = conn
                .write_transaction(tallies::rebuild::rebuild)
                .map_err(|e| e.to_string())?;
            println!(
                "Compteurs recomptés : {} tickets, {} délais arrêtés.",
                rebuilt.tickets, rebuilt.clocks
            );
            Ok(())
        }
    }
}

fn run_openapi(check: bool, output: &PathBuf) -> Result<(), String> {
    if check {
        return match openapi::is_current(output) {
            Ok(true) => {
                println!("{} est à jour", output.display());
                Ok(())
            }
            Ok(false) => Err(format!(
                "{} n'est plus à jour : lancez `guichet openapi`",
                output.display()
            )),
            Err(e) => Err(format!("{} : {e}", output.display())),
        };
    }
    std::fs::write(output, openapi::document())
        .map_err(|e| format!("{} : {e}", output.display()))?;
    println!("{} écrit", output.display());
    Ok(())
}

/// Connects (creating a SQLite file if absent) and applies pending migrations.
fn prepare_database(settings: &Settings) -> Result<DbPool, String> {
    let url = &settings.database_url;
    tracing::info!(database = %url.redacted(), "connecting");
    let pool = connect_pool(url, settings.db_pool_size, settings.db_connect_timeout)
        .map_err(|e| format!("connexion à {} impossible : {e}", url.redacted()))?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let applied = migrations::run_pending(&mut conn).map_err(|e| format!("migrations : {e}"))?;
    for name in &applied {
        tracing::info!(migration = %name, "migration applied");
    }
    // A database that had tickets before the figures' tallies existed gets them counted.
    if let Some(rebuilt) = guichet::services::stats::tallies::rebuild::if_missing(&mut conn)
        .map_err(|e| format!("compteurs des chiffres : {e}"))?
    {
        tracing::info!(
            tickets = rebuilt.tickets,
            clocks = rebuilt.clocks,
            "figures tallied"
        );
    }
    Ok(pool)
}

fn load_seeds(pool: &DbPool, demo: bool) -> Result<seed::SeedReport, String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let reference = ReferenceSeed::embedded().map_err(|e| e.to_string())?;
    let demo = if demo {
        Some(DemoSeed::embedded().map_err(|e| e.to_string())?)
    } else {
        None
    };
    seed::load(&mut conn, &reference, demo.as_ref()).map_err(|e| e.to_string())
}

/// Seeds an empty database: reference data always, demo data in demo mode.
fn seed_if_empty(pool: &DbPool, mode: Mode) -> Result<bool, String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    if !seed::is_empty(&mut conn).map_err(|e| e.to_string())? {
        return Ok(false);
    }
    drop(conn);
    load_seeds(pool, mode == Mode::Demo)?;
    Ok(true)
}

/// Prints the latest notifications, one line each.
fn run_outbox(pool: &DbPool, state: Option<&str>, limit: i64) -> Result<(), String> {
    use guichet::domain::notifications::OutboxState;
    let state = state
        .map(|s| s.parse::<OutboxState>().map_err(|e| e.to_string()))
        .transpose()?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let rows = guichet::db::repo::outbox::list(&mut conn, state, None, None, limit.clamp(1, 1000))
        .map_err(|e| e.to_string())?;
    if rows.is_empty() {
        println!("aucune notification");
    }
    for row in rows {
        println!(
            "{:>6}  {:<8} {:>2} essai(s)  {}  {:<22} {:<14} {}{}",
            row.id,
            row.state.as_str(),
            row.attempts,
            row.created_at.format("%Y-%m-%d %H:%M"),
            row.notice.as_str(),
            row.payload.0["reference"].as_str().unwrap_or("-"),
            row.recipient_email,
            row.last_error
                .map(|e| format!("  ({e})"))
                .unwrap_or_default(),
        );
    }
    Ok(())
}

#[actix_web::main]
async fn serve(settings: Settings, pool: DbPool) -> std::io::Result<()> {
    let address = (settings.host, settings.port);
    let workers = settings.workers;
    let smtp = settings.mail.smtp.is_some();
    let state = AppState::new(pool, settings);
    if smtp {
        tracing::info!(to = state.mailer.describe(), "notifications sent");
    } else {
        tracing::warn!(
            to = state.mailer.describe(),
            "no GUICHET_SMTP_HOST: notifications are written as files, not sent"
        );
    }
    let _scheduler = guichet::jobs::scheduler::start(state.clone())
        .await
        .map_err(std::io::Error::other)?;
    let mut server = actix_web::HttpServer::new(move || startup::build_app(state.clone()));
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    tracing::info!(host = %address.0, port = address.1, "guichet listening");
    // actix-web stops accepting on SIGTERM/SIGINT and lets in-flight requests finish.
    server.shutdown_timeout(30).bind(address)?.run().await
}
