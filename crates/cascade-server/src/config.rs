//! Layered configuration: built-in defaults, then an optional TOML file, then
//! `CASCADE__SECTION__KEY` environment variables, then command-line flags.
//! A bad value stops start-up with a message naming it.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub company: CompanySettings,
    pub log: LogSettings,
}

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

[log]
level = "info"
format = "pretty"
"#;

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
        let c = &self.company.currency;
        if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            return invalid("company.currency", "must be a three-letter ISO 4217 code such as CNY");
        }
        if self.server.max_json_bytes < 1024 {
            return invalid("server.max_json_bytes", "must be at least 1024");
        }
        if self.log.level.parse::<tracing_subscriber::EnvFilter>().is_err() {
            return invalid("log.level", "is not a tracing filter (e.g. info)");
        }
        Ok(())
    }

    pub fn time_zone(&self) -> chrono_tz::Tz {
        self.company.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai)
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
    fn debug_hides_the_password() {
        let s = Settings::load(None, &Overrides { database_url: Some("postgres://app:s3cret@db/cascade".into()), port: None })
            .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("postgres://app:***@db/cascade"));
    }
}
