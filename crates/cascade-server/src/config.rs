//! Layered configuration: built-in defaults, then an optional TOML file, then
//! `CASCADE__SECTION__KEY` environment variables, then command-line flags.
//! A bad value stops start-up with a message naming it.

use std::fmt;
use std::path::{Path, PathBuf};

use cascade_core::explain::Lang;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub company: CompanySettings,
    pub log: LogSettings,
    pub auth: AuthSettings,
}

/// Sign-in and tokens. `Debug` never shows the signing key.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// `development` accepts the built-in signing key (with a warning);
    /// `production` refuses to start without a key of its own.
    pub mode: Mode,
    /// HS256 key, at least 32 bytes. Set it with CASCADE__AUTH__JWT_SECRET.
    pub jwt_secret: String,
    /// `iss` and `aud` of the access tokens this server issues and accepts.
    pub issuer: String,
    pub audience: String,
    pub access_ttl_secs: u64,
    pub refresh_ttl_secs: u64,
    /// Failed sign-ins allowed per account, and per client address, within
    /// `throttle_window_secs` before further attempts get 429.
    pub max_failures_per_account: u32,
    pub max_failures_per_client: u32,
    pub throttle_window_secs: u64,
}

impl fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthSettings")
            .field("mode", &self.mode)
            .field("jwt_secret", &"***")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("access_ttl_secs", &self.access_ttl_secs)
            .field("refresh_ttl_secs", &self.refresh_ttl_secs)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Development,
    Production,
}

/// The signing key a development install starts with. Public, so worthless:
/// production mode refuses it.
pub const DEVELOPMENT_JWT_SECRET: &str = "cascade-development-only-signing-key-do-not-use";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    /// Folder with the built SPA (index.html and the WASM bundle).
    pub static_dir: PathBuf,
    /// Largest JSON body accepted, in bytes.
    pub max_json_bytes: usize,
    /// Largest import file accepted, in bytes.
    pub max_import_bytes: u64,
    /// Folder where uploaded import files wait while a job runs.
    pub work_dir: PathBuf,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite:data/cascade.db` or `postgres://user:pass@host/db`.
    pub url: String,
    pub max_connections: u32,
}

/// The URL may carry a password: it is never printed whole.
impl fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &redact_url(&self.url))
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompanySettings {
    /// ISO 4217 code of the currency every amount is in.
    pub currency: String,
    /// IANA zone in which business dates and periods are counted.
    pub time_zone: String,
    /// The language of the server's words (plan explanations) when a
    /// request's `Accept-Language` names none it speaks: `zh-CN` or `en`.
    pub language: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// `tracing` filter, e.g. `info` or `cascade_server=debug,info`.
    pub level: String,
    /// `json` for machines, `pretty` for people.
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Json,
    Pretty,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("server", &self.server)
            .field("database", &self.database)
            .field("company", &self.company)
            .field("log", &self.log)
            .field("auth", &self.auth)
            .finish()
    }
}

const DEFAULTS: &str = r#"
[server]
host = "127.0.0.1"
port = 8080
static_dir = "frontend/dist"
max_json_bytes = 262144
max_import_bytes = 1073741824
work_dir = "data/work"

[database]
url = "sqlite:data/cascade.db"
max_connections = 8

[company]
currency = "CNY"
time_zone = "Asia/Shanghai"
language = "zh-CN"

[log]
level = "info"
format = "pretty"

[auth]
mode = "development"
jwt_secret = "cascade-development-only-signing-key-do-not-use"
issuer = "cascade"
audience = "cascade-api"
access_ttl_secs = 900
refresh_ttl_secs = 2592000
max_failures_per_account = 5
max_failures_per_client = 20
throttle_window_secs = 900
"#;

/// The values `company.language` takes: the tags of [`Lang`].
const SUPPORTED_LANGUAGES: [&str; 2] = ["zh-CN", "en"];

/// Values given on the command line; they win over everything else.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub port: Option<u16>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Load(#[from] config::ConfigError),
    #[error("configuration: {key} {reason}")]
    Invalid { key: &'static str, reason: String },
}

impl Settings {
    /// Loads the layers; `file` is optional unless named explicitly.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Settings, ConfigError> {
        let mut builder = config::Config::builder().add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml));
        match file {
            Some(path) => builder = builder.add_source(config::File::from(path).required(true)),
            None => builder = builder.add_source(config::File::with_name("cascade.toml").required(false)),
        }
        builder = builder
            .add_source(config::Environment::with_prefix("CASCADE").prefix_separator("__").separator("__").try_parsing(true));
        if let Some(url) = &overrides.database_url {
            builder = builder.set_override("database.url", url.as_str())?;
        }
        if let Some(port) = overrides.port {
            builder = builder.set_override("server.port", i64::from(port))?;
        }
        let settings: Settings = builder.build()?.try_deserialize()?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key, reason: &str| Err(ConfigError::Invalid { key, reason: reason.to_owned() });
        if cascade_store::Backend::from_url(&self.database.url).is_err() {
            return invalid("database.url", "must start with sqlite: or postgres://");
        }
        if self.database.max_connections == 0 {
            return invalid("database.max_connections", "must be at least 1");
        }
        if self.company.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return invalid("company.time_zone", "is not an IANA time zone (e.g. Asia/Shanghai)");
        }
        if !SUPPORTED_LANGUAGES.contains(&self.company.language.as_str()) {
            return invalid("company.language", "must be zh-CN or en");
        }
        let c = &self.company.currency;
        if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            return invalid("company.currency", "must be a three-letter ISO 4217 code such as CNY");
        }
        if self.server.max_json_bytes < 1024 {
            return invalid("server.max_json_bytes", "must be at least 1024");
        }
        let a = &self.auth;
        if a.jwt_secret.len() < 32 {
            return invalid("auth.jwt_secret", "must be at least 32 bytes");
        }
        if a.mode == Mode::Production && a.jwt_secret == DEVELOPMENT_JWT_SECRET {
            return invalid("auth.jwt_secret", "is the public development key: production mode needs a secret of its own");
        }
        if a.access_ttl_secs == 0 || a.access_ttl_secs > 86_400 {
            return invalid("auth.access_ttl_secs", "must be between 1 and 86400 (access tokens are short-lived)");
        }
        if a.refresh_ttl_secs < a.access_ttl_secs {
            return invalid("auth.refresh_ttl_secs", "must be at least auth.access_ttl_secs");
        }
        if a.max_failures_per_account == 0 || a.max_failures_per_client == 0 || a.throttle_window_secs == 0 {
            return invalid("auth.max_failures_per_account", "and the other throttle settings must be at least 1");
        }
        if self.log.level.parse::<tracing_subscriber::EnvFilter>().is_err() {
            return invalid("log.level", "is not a tracing filter (e.g. info)");
        }
        Ok(())
    }

    pub fn time_zone(&self) -> chrono_tz::Tz {
        self.company.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai)
    }

    /// The company's language: what a request that asks for none it speaks gets.
    pub fn language(&self) -> Lang {
        Lang::from_tag(&self.company.language).unwrap_or(Lang::Zh)
    }

    /// Today's date in the company's time zone, the one every business date
    /// and period is counted in (never the server's or the browser's).
    pub fn today(&self) -> NaiveDate {
        self.date_at(Utc::now())
    }

    /// The company's calendar date at `instant`.
    pub fn date_at(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.time_zone()).date_naive()
    }
}

/// Hides the password of a database URL.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load_and_flags_win() {
        let s = Settings::load(None, &Overrides { database_url: Some("sqlite::memory:".into()), port: Some(9000) }).unwrap();
        assert_eq!(s.server.port, 9000);
        assert_eq!(s.database.url, "sqlite::memory:");
        assert_eq!(s.company.time_zone, "Asia/Shanghai");
        assert_eq!((s.company.language.as_str(), s.language()), ("zh-CN", Lang::Zh));
    }

    #[test]
    fn the_company_language_is_zh_cn_or_en() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "[company]\nlanguage = \"en\"\n").unwrap();
        assert_eq!(Settings::load(Some(&f), &Overrides::default()).unwrap().language(), Lang::En);
        for bad in ["fr", "zh", "EN", ""] {
            std::fs::write(&f, format!("[company]\nlanguage = \"{bad}\"\n")).unwrap();
            let e = Settings::load(Some(&f), &Overrides::default()).unwrap_err().to_string();
            assert!(e.contains("company.language") && e.contains("zh-CN or en"), "{bad}: {e}");
        }
        assert_eq!(SUPPORTED_LANGUAGES.map(|t| Lang::from_tag(t).map(Lang::tag)), [Some("zh-CN"), Some("en")]);
    }

    #[test]
    fn today_is_counted_in_the_company_zone() {
        let mut s = Settings::load(None, &Overrides::default()).unwrap();
        // 2026-12-31 17:30 UTC is already 2027-01-01 in Shanghai, still 2026 in New York.
        let instant = DateTime::parse_from_rfc3339("2026-12-31T17:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(s.date_at(instant), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        s.company.time_zone = "America/New_York".into();
        assert_eq!(s.date_at(instant), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
    }

    #[test]
    fn bad_values_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "[company]\ntime_zone = \"Mars/Olympus\"\n").unwrap();
        let e = Settings::load(Some(&f), &Overrides::default()).unwrap_err().to_string();
        assert!(e.contains("company.time_zone"), "{e}");
        std::fs::write(&f, "[database]\nurl = \"mysql://x\"\n").unwrap();
        let e = Settings::load(Some(&f), &Overrides::default()).unwrap_err().to_string();
        assert!(e.contains("database.url"), "{e}");
        std::fs::write(&f, "[server]\nprot = 1\n").unwrap();
        let e = Settings::load(Some(&f), &Overrides::default()).unwrap_err().to_string();
        assert!(e.contains("prot"), "{e}");
    }

    #[test]
    fn production_needs_its_own_key() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "[auth]\nmode = \"production\"\n").unwrap();
        let e = Settings::load(Some(&f), &Overrides::default()).unwrap_err().to_string();
        assert!(e.contains("auth.jwt_secret") && e.contains("production"), "{e}");
        std::fs::write(&f, "[auth]\nmode = \"production\"\njwt_secret = \"short\"\n").unwrap();
        let e = Settings::load(Some(&f), &Overrides::default()).unwrap_err().to_string();
        assert!(e.contains("at least 32 bytes"), "{e}");
        std::fs::write(&f, "[auth]\nmode = \"production\"\njwt_secret = \"0123456789abcdef0123456789abcdef-prod\"\n").unwrap();
        let s = Settings::load(Some(&f), &Overrides::default()).unwrap();
        assert!(!format!("{s:?}").contains("0123456789abcdef"), "Debug must hide the key");
    }

    #[test]
    fn debug_hides_the_password() {
        let s = Settings::load(None, &Overrides { database_url: Some("postgres://app:s3cret@db/cascade".into()), port: None })
            .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("postgres://app:***@db/cascade"));
    }
}
