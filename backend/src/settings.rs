//! Typed settings from the environment (and `.env`), validated once at start.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;

use crate::auth::jwt::ExternalIssuer;

/// Which database a URL names. The scheme decides the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://<path>` (relative to the working directory, or `sqlite:///abs/path`).
    Sqlite(PathBuf),
    /// `postgres://…` or `postgresql://…`, passed to libpq as is.
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if let Some(path) = raw.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite:// doit être suivi d'un chemin de fichier".into());
            }
            if path == ":memory:" {
                return Err(
                    "une base SQLite en mémoire n'est pas partagée entre connexions ; \
                            donnez un chemin de fichier"
                        .into(),
                );
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            let parsed =
                url::Url::parse(raw).map_err(|e| format!("URL PostgreSQL invalide : {e}"))?;
            if parsed.host_str().unwrap_or("").is_empty() {
                return Err("l'URL PostgreSQL doit nommer un hôte".into());
            }
            return Ok(Self::Postgres(raw.to_owned()));
        }
        Err("le schéma doit être sqlite://, postgres:// ou postgresql://".into())
    }

    /// A PostgreSQL URL with libpq's `connect_timeout` (whole seconds, at least 1) unless it
    /// sets one, so that an unreachable server fails within the pool's wait.
    pub fn with_connect_timeout(&self, timeout: std::time::Duration) -> Self {
        match self {
            Self::Postgres(raw) => match url::Url::parse(raw) {
                Ok(mut url) if !url.query_pairs().any(|(k, _)| k == "connect_timeout") => {
                    let seconds = timeout.as_secs().max(1).to_string();
                    url.query_pairs_mut()
                        .append_pair("connect_timeout", &seconds);
                    Self::Postgres(url.to_string())
                }
                _ => self.clone(),
            },
            Self::Sqlite(_) => self.clone(),
        }
    }

    /// The URL with any password masked, for logs.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres(raw) => match url::Url::parse(raw) {
                Ok(mut url) if url.password().is_some() => {
                    let _ = url.set_password(Some("***"));
                    url.to_string()
                }
                _ => raw.clone(),
            },
        }
    }
}

/// Demo mode loads demonstration data into an empty database; production loads none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Demo,
    Production,
}

/// The external identity provider (académie SSO) whose tokens are accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoSettings {
    pub issuer: String,
    pub audience: String,
    pub algorithm: jsonwebtoken::Algorithm,
    /// PEM public key.
    pub public_key_pem: String,
    /// Where the web desk sends a browser to sign in (OpenID Connect); `None`: API only.
    pub authorize_url: Option<String>,
}

impl SsoSettings {
    pub fn external_issuer(&self) -> Result<ExternalIssuer, String> {
        let key = match self.algorithm {
            jsonwebtoken::Algorithm::ES256 => {
                jsonwebtoken::DecodingKey::from_ec_pem(self.public_key_pem.as_bytes())
            }
            _ => jsonwebtoken::DecodingKey::from_rsa_pem(self.public_key_pem.as_bytes()),
        }
        .map_err(|e| format!("clé publique illisible : {e}"))?;
        Ok(ExternalIssuer {
            key,
            algorithm: self.algorithm,
            issuer: self.issuer.clone(),
            audience: self.audience.clone(),
        })
    }
}

#[derive(Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub host: IpAddr,
    pub port: u16,
    pub mode: Mode,
    pub db_pool_size: u32,
    /// How long a request waits for a database connection before answering 503.
    pub db_connect_timeout: std::time::Duration,
    pub workers: Option<usize>,
    /// HS256 secret of access tokens (at least 32 bytes).
    pub jwt_secret: Vec<u8>,
    /// Whether the secret was drawn at random (demo mode without GUICHET_JWT_SECRET).
    pub jwt_secret_generated: bool,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    pub login_limit_per_account: NonZeroU32,
    pub login_limit_per_address: NonZeroU32,
    pub sso: Option<SsoSettings>,
    pub auto_close_business_days: i64,
    pub data_dir: PathBuf,
    pub max_attachment_bytes: u64,
    /// How long an `Idempotency-Key` and its answer are kept.
    pub idempotency_key_hours: i64,
    /// How long the access log keeps a read, in months.
    pub access_log_months: i64,
    /// Closed tickets are anonymised at the end of the school year this many years after the
    /// one they closed in (2: the end of the school year after next).
    pub ticket_retention_school_years: i64,
    /// Password hashes computed at once (each takes 7 MiB while it runs).
    pub password_hashers: usize,
    /// Logins that may wait for a hasher before the next ones answer 503.
    pub password_queue: usize,
    /// When the monthly reviews are drafted (6-field cron, UTC).
    pub review_cron: String,
    /// The web desk shows the State's brand block (Marianne): for State services only.
    pub web_state_brand: bool,
    pub mail: MailSettings,
}

/// How a connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    None,
    StartTls,
    Tls,
}

/// Where notifications go and how often they are tried.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// Base of the links in messages (no trailing slash).
    pub public_url: String,
    /// `None`: messages are written as `.eml` files under `data_dir/outbox`.
    pub smtp: Option<SmtpSettings>,
    pub from: String,
    pub max_attempts: i32,
    pub retry_seconds: i64,
    pub poll_seconds: u64,
    /// How long a claimed message stays reserved to its claimer.
    pub lease_seconds: i64,
}

#[derive(Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    /// (user, password), when the server wants them.
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.credentials.as_ref().map(|(user, _)| user))
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &self.database_url.redacted())
            .field("host", &self.host)
            .field("port", &self.port)
            .field("mode", &self.mode)
            .field("jwt_secret", &"***")
            .field("sso", &self.sso.as_ref().map(|s| &s.issuer))
            .finish_non_exhaustive()
    }
}

/// The shortest HS256 secret accepted (RFC 7518 §3.2: at least the hash size).
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// A setting that is present but wrong: names the variable and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable} : {problem}")]
pub struct SettingsError {
    pub variable: &'static str,
    pub problem: String,
}

/// Every variable, its default and its meaning: the single source for `.env.example` and
/// the README's table (a test checks both agree with it).
pub const VARIABLES: &[(&str, &str, &str)] = &[
    (
        "DATABASE_URL",
        "sqlite://guichet.db",
        "Base de données : sqlite://<fichier> (créé s'il manque) ou postgres://user@hôte/base",
    ),
    (
        "GUICHET_HOST",
        "127.0.0.1",
        "Adresse IP d'écoute du service HTTP",
    ),
    (
        "GUICHET_PORT",
        "8080",
        "Port d'écoute du service HTTP (1-65535)",
    ),
    (
        "GUICHET_MODE",
        "demo",
        "demo : charge les données de démonstration dans une base vide ; production : aucune",
    ),
    (
        "GUICHET_DB_POOL_SIZE",
        "10",
        "Nombre maximal de connexions à la base (1-100)",
    ),
    (
        "GUICHET_DB_CONNECT_TIMEOUT_MS",
        "2000",
        "Attente maximale d'une connexion à la base avant de répondre 503, en millisecondes (100-60000)",
    ),
    (
        "GUICHET_WORKERS",
        "",
        "Nombre de workers HTTP (vide : un par cœur)",
    ),
    (
        "GUICHET_JWT_SECRET",
        "",
        "Secret HS256 des jetons d'accès (32 octets au moins) ; requis en production, tiré au hasard à chaque démarrage en démo s'il est vide",
    ),
    ("GUICHET_JWT_ISSUER", "guichet", "Émetteur (iss) des jetons d'accès"),
    ("GUICHET_JWT_AUDIENCE", "guichet-api", "Audience (aud) des jetons d'accès"),
    (
        "GUICHET_ACCESS_TOKEN_MINUTES",
        "15",
        "Durée de vie d'un jeton d'accès, en minutes (1-60)",
    ),
    (
        "GUICHET_REFRESH_TOKEN_DAYS",
        "30",
        "Durée de vie d'un jeton de rafraîchissement, en jours (1-365)",
    ),
    (
        "GUICHET_LOGIN_LIMIT_PER_ACCOUNT",
        "5",
        "Tentatives de connexion par compte et par minute avant 429 (1-1000)",
    ),
    (
        "GUICHET_LOGIN_LIMIT_PER_ADDRESS",
        "30",
        "Tentatives de connexion par adresse IP et par minute avant 429 (1-10000)",
    ),
    (
        "GUICHET_AUTO_CLOSE_BUSINESS_DAYS",
        "5",
        "Jours ouvrés après lesquels un ticket résolu que personne ne rouvre se ferme (1-60)",
    ),
    (
        "GUICHET_DATA_DIR",
        "data",
        "Répertoire des pièces jointes (créé s'il manque)",
    ),
    (
        "GUICHET_MAX_ATTACHMENT_BYTES",
        "10485760",
        "Taille maximale d'une pièce jointe, en octets (1-104857600)",
    ),
    (
        "GUICHET_IDEMPOTENCY_KEY_HOURS",
        "24",
        "Durée de conservation d'une clé Idempotency-Key et de sa réponse, en heures (1-720)",
    ),
    (
        "GUICHET_ACCESS_LOG_MONTHS",
        "12",
        "Durée de conservation du journal des accès aux tickets, en mois (1-120)",
    ),
    (
        "GUICHET_TICKET_RETENTION_SCHOOL_YEARS",
        "2",
        "Un ticket clos est anonymisé à la fin de la N-ième année scolaire après celle de sa clôture (2 : la fin de l'année scolaire d'après la suivante) (1-10)",
    ),
    (
        "GUICHET_PASSWORD_HASHERS",
        "2",
        "Calculs de mot de passe simultanés (argon2, 7 Mio chacun) (1-16)",
    ),
    (
        "GUICHET_PASSWORD_QUEUE",
        "32",
        "Connexions en attente d'un calcul de mot de passe avant de répondre 503 (1-1000)",
    ),
    (
        "GUICHET_REVIEW_CRON",
        "0 0 5 * * *",
        "Quand le service prépare les revues du mois écoulé qui manquent et envoie les chiffres mensuels (cron à 6 champs, secondes d'abord, heure UTC) ; défaut : chaque jour à 5 h, pour rattraper un mois qu'un arrêt aurait manqué",
    ),
    (
        "GUICHET_WEB_STATE_BRAND",
        "false",
        "true : le bureau web affiche le bloc-marque de l'État (Marianne), réservé aux services de l'État ; false : aucun",
    ),
    (
        "GUICHET_SSO_ISSUER",
        "",
        "Émetteur des jetons du fournisseur d'identité externe (SSO académique) ; vide : désactivé",
    ),
    ("GUICHET_SSO_AUDIENCE", "", "Audience attendue des jetons du SSO"),
    (
        "GUICHET_SSO_PUBLIC_KEY_FILE",
        "",
        "Fichier PEM de la clé publique du SSO",
    ),
    ("GUICHET_SSO_ALGORITHM", "RS256", "Algorithme des jetons du SSO : RS256 ou ES256"),
    (
        "GUICHET_SSO_AUTHORIZE_URL",
        "",
        "Adresse d'autorisation OpenID Connect du SSO, pour la connexion au bureau web (id_token en form_post, client_id = GUICHET_SSO_AUDIENCE) ; vide : pas de bouton SSO",
    ),
    (
        "GUICHET_PUBLIC_URL",
        "http://127.0.0.1:8080",
        "Adresse publique du service, pour les liens des notifications",
    ),
    (
        "GUICHET_SMTP_HOST",
        "",
        "Serveur SMTP des notifications ; vide : chaque message est écrit en fichier .eml sous GUICHET_DATA_DIR/outbox",
    ),
    ("GUICHET_SMTP_PORT", "587", "Port du serveur SMTP (1-65535)"),
    (
        "GUICHET_SMTP_TLS",
        "starttls",
        "Chiffrement SMTP : none, starttls ou tls",
    ),
    (
        "GUICHET_SMTP_USERNAME",
        "",
        "Identifiant SMTP (vide : sans authentification)",
    ),
    ("GUICHET_SMTP_PASSWORD", "", "Mot de passe SMTP"),
    (
        "GUICHET_MAIL_FROM",
        "guichet <ne-pas-repondre@guichet.invalid>",
        "Expéditeur des notifications",
    ),
    (
        "GUICHET_MAIL_MAX_ATTEMPTS",
        "8",
        "Essais d'envoi d'un message avant de le mettre de côté pour un administrateur (1-100)",
    ),
    (
        "GUICHET_MAIL_RETRY_SECONDS",
        "30",
        "Délai avant le premier nouvel essai d'un envoi, doublé à chaque échec, en secondes (1-3600)",
    ),
    (
        "GUICHET_MAIL_LEASE_SECONDS",
        "300",
        "Durée pendant laquelle un message pris par une instance lui reste réservé ; après un arrêt brutal, il repart au-delà, en secondes (5-3600)",
    ),
    (
        "GUICHET_MAIL_POLL_SECONDS",
        "5",
        "Intervalle entre deux passages de l'envoi des notifications, en secondes (1-3600)",
    ),
    (
        "RUST_LOG",
        "info",
        "Niveau des journaux (tracing), par ex. info ou guichet=debug,actix_web=info",
    ),
];

fn default_of(variable: &str) -> &'static str {
    VARIABLES
        .iter()
        .find(|(name, _, _)| *name == variable)
        .map(|(_, default, _)| *default)
        .expect("every variable read has a documented default")
}

impl Settings {
    /// Reads the process environment (call `dotenvy::dotenv()` first to honour `.env`).
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, applying defaults to absent or empty variables.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let get = |name: &'static str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| default_of(name).to_owned())
        };
        let fail = |variable: &'static str, problem: String| SettingsError { variable, problem };

        let database_url =
            DatabaseUrl::parse(&get("DATABASE_URL")).map_err(|p| fail("DATABASE_URL", p))?;
        let host = get("GUICHET_HOST").parse::<IpAddr>().map_err(|_| {
            fail(
                "GUICHET_HOST",
                "attendu une adresse IP, par ex. 127.0.0.1 ou 0.0.0.0".into(),
            )
        })?;
        let port = parse_in_range(&get("GUICHET_PORT"), 1, 65535)
            .map_err(|p| fail("GUICHET_PORT", p))? as u16;
        let mode = match get("GUICHET_MODE").as_str() {
            "demo" => Mode::Demo,
            "production" => Mode::Production,
            other => {
                return Err(fail(
                    "GUICHET_MODE",
                    format!("« {other} » : attendu demo ou production"),
                ))
            }
        };
        let db_pool_size = parse_in_range(&get("GUICHET_DB_POOL_SIZE"), 1, 100)
            .map_err(|p| fail("GUICHET_DB_POOL_SIZE", p))? as u32;
        let db_connect_timeout = std::time::Duration::from_millis(
            parse_in_range(&get("GUICHET_DB_CONNECT_TIMEOUT_MS"), 100, 60_000)
                .map_err(|p| fail("GUICHET_DB_CONNECT_TIMEOUT_MS", p))? as u64,
        );
        let workers = match get("GUICHET_WORKERS") {
            w if w.is_empty() => None,
            w => {
                Some(parse_in_range(&w, 1, 1024).map_err(|p| fail("GUICHET_WORKERS", p))? as usize)
            }
        };
        let (jwt_secret, jwt_secret_generated) = match get("GUICHET_JWT_SECRET") {
            secret if secret.is_empty() && mode == Mode::Demo => {
                (crate::auth::secrets::random_token().into_bytes(), true)
            }
            secret if secret.is_empty() => {
                return Err(fail(
                    "GUICHET_JWT_SECRET",
                    "requis en production (32 octets au moins)".into(),
                ))
            }
            secret if secret.len() < MIN_JWT_SECRET_BYTES => {
                return Err(fail(
                    "GUICHET_JWT_SECRET",
                    format!(
                        "{} octets : il en faut au moins {MIN_JWT_SECRET_BYTES}",
                        secret.len()
                    ),
                ))
            }
            secret => (secret.into_bytes(), false),
        };
        let positive = |name: &'static str, max: i64| -> Result<i64, SettingsError> {
            parse_in_range(&get(name), 1, max).map_err(|p| fail(name, p))
        };
        let nonzero = |name: &'static str, max: i64| -> Result<NonZeroU32, SettingsError> {
            Ok(NonZeroU32::new(positive(name, max)? as u32).expect("at least 1"))
        };
        Ok(Self {
            database_url,
            host,
            port,
            mode,
            db_pool_size,
            db_connect_timeout,
            workers,
            jwt_secret,
            jwt_secret_generated,
            jwt_issuer: get("GUICHET_JWT_ISSUER"),
            jwt_audience: get("GUICHET_JWT_AUDIENCE"),
            access_token_minutes: positive("GUICHET_ACCESS_TOKEN_MINUTES", 60)?,
            refresh_token_days: positive("GUICHET_REFRESH_TOKEN_DAYS", 365)?,
            login_limit_per_account: nonzero("GUICHET_LOGIN_LIMIT_PER_ACCOUNT", 1000)?,
            login_limit_per_address: nonzero("GUICHET_LOGIN_LIMIT_PER_ADDRESS", 10_000)?,
            sso: sso_settings(&get)?,
            auto_close_business_days: positive("GUICHET_AUTO_CLOSE_BUSINESS_DAYS", 60)?,
            data_dir: PathBuf::from(get("GUICHET_DATA_DIR")),
            max_attachment_bytes: positive("GUICHET_MAX_ATTACHMENT_BYTES", 104_857_600)? as u64,
            idempotency_key_hours: positive("GUICHET_IDEMPOTENCY_KEY_HOURS", 720)?,
            access_log_months: positive("GUICHET_ACCESS_LOG_MONTHS", 120)?,
            ticket_retention_school_years: positive("GUICHET_TICKET_RETENTION_SCHOOL_YEARS", 10)?,
            password_hashers: positive("GUICHET_PASSWORD_HASHERS", 16)? as usize,
            password_queue: positive("GUICHET_PASSWORD_QUEUE", 1000)? as usize,
            review_cron: cron("GUICHET_REVIEW_CRON", get("GUICHET_REVIEW_CRON"))?,
            web_state_brand: match get("GUICHET_WEB_STATE_BRAND").as_str() {
                "true" => true,
                "false" => false,
                other => {
                    return Err(fail(
                        "GUICHET_WEB_STATE_BRAND",
                        format!("« {other} » : true ou false attendu"),
                    ))
                }
            },
            mail: mail_settings(&get)?,
        })
    }
}

/// A schedule the job scheduler accepts (seconds, minutes, hours, day, month, weekday).
fn cron(variable: &'static str, expression: String) -> Result<String, SettingsError> {
    match tokio_cron_scheduler::Job::new(expression.as_str(), |_, _| {}) {
        Ok(_) => Ok(expression),
        Err(e) => Err(SettingsError {
            variable,
            problem: format!("« {expression} » : {e} (attendu 6 champs, ex. 0 0 5 * * *)"),
        }),
    }
}

/// The notifications' settings: SMTP when a host is set, else `.eml` files.
fn mail_settings(get: &dyn Fn(&'static str) -> String) -> Result<MailSettings, SettingsError> {
    let fail = |variable: &'static str, problem: String| SettingsError { variable, problem };
    let number = |name: &'static str, min: i64, max: i64| {
        parse_in_range(&get(name), min, max).map_err(|p| fail(name, p))
    };
    let public_url = get("GUICHET_PUBLIC_URL");
    match url::Url::parse(&public_url) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => {}
        _ => {
            return Err(fail(
                "GUICHET_PUBLIC_URL",
                format!("« {public_url} » : attendu une adresse http(s)://…"),
            ))
        }
    }
    let from = get("GUICHET_MAIL_FROM");
    if from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(fail(
            "GUICHET_MAIL_FROM",
            format!("« {from} » : attendu une adresse, par ex. guichet <guichet@exemple.fr>"),
        ));
    }
    let host = get("GUICHET_SMTP_HOST");
    let smtp = if host.is_empty() {
        None
    } else {
        let tls = match get("GUICHET_SMTP_TLS").as_str() {
            "none" => SmtpTls::None,
            "starttls" => SmtpTls::StartTls,
            "tls" => SmtpTls::Tls,
            other => {
                return Err(fail(
                    "GUICHET_SMTP_TLS",
                    format!("« {other} » : attendu none, starttls ou tls"),
                ))
            }
        };
        let user = get("GUICHET_SMTP_USERNAME");
        Some(SmtpSettings {
            host,
            port: number("GUICHET_SMTP_PORT", 1, 65535)? as u16,
            tls,
            credentials: (!user.is_empty()).then(|| (user, get("GUICHET_SMTP_PASSWORD"))),
        })
    };
    Ok(MailSettings {
        public_url: public_url.trim_end_matches('/').to_owned(),
        smtp,
        from,
        max_attempts: number("GUICHET_MAIL_MAX_ATTEMPTS", 1, 100)? as i32,
        retry_seconds: number("GUICHET_MAIL_RETRY_SECONDS", 1, 3600)?,
        poll_seconds: number("GUICHET_MAIL_POLL_SECONDS", 1, 3600)? as u64,
        lease_seconds: number("GUICHET_MAIL_LEASE_SECONDS", 5, 3600)?,
    })
}

/// The SSO is on when its issuer is set; then audience and key file are required.
fn sso_settings(
    get: &dyn Fn(&'static str) -> String,
) -> Result<Option<SsoSettings>, SettingsError> {
    let issuer = get("GUICHET_SSO_ISSUER");
    if issuer.is_empty() {
        return Ok(None);
    }
    let fail = |variable: &'static str, problem: String| SettingsError { variable, problem };
    let audience = get("GUICHET_SSO_AUDIENCE");
    if audience.is_empty() {
        return Err(fail(
            "GUICHET_SSO_AUDIENCE",
            "requis quand GUICHET_SSO_ISSUER est défini".into(),
        ));
    }
    let algorithm = match get("GUICHET_SSO_ALGORITHM").as_str() {
        "RS256" => jsonwebtoken::Algorithm::RS256,
        "ES256" => jsonwebtoken::Algorithm::ES256,
        other => {
            return Err(fail(
                "GUICHET_SSO_ALGORITHM",
                format!("« {other} » : attendu RS256 ou ES256"),
            ))
        }
    };
    let file = get("GUICHET_SSO_PUBLIC_KEY_FILE");
    if file.is_empty() {
        return Err(fail(
            "GUICHET_SSO_PUBLIC_KEY_FILE",
            "requis quand GUICHET_SSO_ISSUER est défini".into(),
        ));
    }
    let public_key_pem = std::fs::read_to_string(&file)
        .map_err(|e| fail("GUICHET_SSO_PUBLIC_KEY_FILE", format!("{file} : {e}")))?;
    let authorize_url = Some(get("GUICHET_SSO_AUTHORIZE_URL")).filter(|u| !u.is_empty());
    if let Some(url) = &authorize_url {
        if !matches!(url::Url::parse(url), Ok(u) if u.scheme() == "https" || u.scheme() == "http") {
            return Err(fail(
                "GUICHET_SSO_AUTHORIZE_URL",
                format!("« {url} » : attendu une adresse http(s)://…"),
            ));
        }
    }
    let sso = SsoSettings {
        issuer,
        audience,
        algorithm,
        public_key_pem,
        authorize_url,
    };
    sso.external_issuer()
        .map_err(|p| fail("GUICHET_SSO_PUBLIC_KEY_FILE", p))?;
    Ok(Some(sso))
}

fn parse_in_range(raw: &str, min: i64, max: i64) -> Result<i64, String> {
    match raw.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        Ok(n) => Err(format!("{n} hors de l'intervalle {min}-{max}")),
        Err(_) => Err(format!("« {raw} » n'est pas un nombre entier")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_serve_sqlite_on_localhost_8080_in_demo_mode() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database_url, DatabaseUrl::Sqlite("guichet.db".into()));
        assert_eq!(s.host.to_string(), "127.0.0.1");
        assert_eq!(s.port, 8080);
        assert_eq!(s.mode, Mode::Demo);
        assert_eq!(s.workers, None);
        assert!(s.jwt_secret_generated && s.jwt_secret.len() >= MIN_JWT_SECRET_BYTES);
        assert_eq!(s.access_token_minutes, 15);
        assert!(s.sso.is_none());
    }

    #[test]
    fn production_requires_a_long_enough_jwt_secret() {
        let err = settings(&[("GUICHET_MODE", "production")]).unwrap_err();
        assert_eq!(err.variable, "GUICHET_JWT_SECRET");
        let err = settings(&[("GUICHET_JWT_SECRET", "too short")]).unwrap_err();
        assert_eq!(err.variable, "GUICHET_JWT_SECRET");
        let ok = settings(&[
            ("GUICHET_MODE", "production"),
            ("GUICHET_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
        ])
        .unwrap();
        assert!(!ok.jwt_secret_generated);
    }

    #[test]
    fn sso_settings_need_audience_and_a_readable_key() {
        let err = settings(&[("GUICHET_SSO_ISSUER", "https://sso.example")]).unwrap_err();
        assert_eq!(err.variable, "GUICHET_SSO_AUDIENCE");
        let err = settings(&[
            ("GUICHET_SSO_ISSUER", "https://sso.example"),
            ("GUICHET_SSO_AUDIENCE", "guichet"),
            ("GUICHET_SSO_PUBLIC_KEY_FILE", "/nonexistent.pem"),
        ])
        .unwrap_err();
        assert_eq!(err.variable, "GUICHET_SSO_PUBLIC_KEY_FILE");
    }

    #[test]
    fn a_malformed_database_url_names_the_variable() {
        let err = settings(&[("DATABASE_URL", "mysql://localhost/guichet")]).unwrap_err();
        assert_eq!(err.variable, "DATABASE_URL");
        assert!(err.to_string().starts_with("DATABASE_URL"), "{err}");
        let err = settings(&[("DATABASE_URL", "postgres://")]).unwrap_err();
        assert_eq!(err.variable, "DATABASE_URL");
    }

    #[test]
    fn a_port_out_of_range_is_refused() {
        let err = settings(&[("GUICHET_PORT", "70000")]).unwrap_err();
        assert_eq!(err.variable, "GUICHET_PORT");
        assert!(err.problem.contains("70000"), "{err}");
        assert_eq!(
            settings(&[("GUICHET_PORT", "abc")]).unwrap_err().variable,
            "GUICHET_PORT"
        );
    }

    #[test]
    fn other_variables_are_validated() {
        assert_eq!(
            settings(&[("GUICHET_MODE", "prod")]).unwrap_err().variable,
            "GUICHET_MODE"
        );
        assert_eq!(
            settings(&[("GUICHET_HOST", "localhost:80")])
                .unwrap_err()
                .variable,
            "GUICHET_HOST"
        );
        assert_eq!(
            settings(&[("GUICHET_DB_POOL_SIZE", "0")])
                .unwrap_err()
                .variable,
            "GUICHET_DB_POOL_SIZE"
        );
    }

    #[test]
    fn postgres_urls_are_accepted_and_redacted() {
        let s = settings(&[("DATABASE_URL", "postgres://guichet:secret@db:5432/guichet")]).unwrap();
        assert!(matches!(s.database_url, DatabaseUrl::Postgres(_)));
        assert!(!s.database_url.redacted().contains("secret"));
    }
}
