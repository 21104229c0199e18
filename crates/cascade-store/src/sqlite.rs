//! SQLite: the embedded default. One file, WAL journal, foreign keys on.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::{Backend, StoreResult};

pub(crate) type Db = sqlx::Sqlite;

#[path = "sql/mod.rs"]
mod sql;

pub(crate) use sql::SqlStore;

pub(crate) const BACKEND: Backend = Backend::Sqlite;

/// How every transaction of the store begins. Each one writes, and most
/// read first: a deferred `BEGIN` would take a read snapshot and then fail
/// at once with "database is locked" (`SQLITE_BUSY`, which the busy timeout
/// does not wait out) if another connection wrote before its first write.
/// `IMMEDIATE` takes the write lock up front, waiting up to the busy timeout.
pub(crate) const BEGIN: &str = "BEGIN IMMEDIATE";

/// SQLite's triggers update the `sales_quarters` summary row by row in
/// place, so imports need nothing around their batches (see the PostgreSQL
/// side).
pub(crate) const SUMMARY_BATCH: Option<(&str, &str)> = None;

/// The text of a custom field in a `custom` JSON column (`key` is checked).
pub(crate) fn json_text(column: &str, key: &str) -> String {
    format!("CAST(json_extract({column}, '$.{key}') AS TEXT)")
}

/// `a`'s JSON object with `b`'s keys set over it (SQL expressions).
pub(crate) fn json_merge(a: &str, b: &str) -> String {
    format!("json_patch({a}, {b})")
}

/// Whether merging `b` into `a` changes `a`: compared as minified JSON,
/// whose key order `json_patch` keeps, so equal objects compare equal.
pub(crate) fn json_merge_changes(a: &str, b: &str) -> String {
    format!("json({a}) IS NOT json_patch({a}, {b})")
}

/// A `custom` JSON column without `key` (`key` is checked).
pub(crate) fn json_without(column: &str, key: &str) -> String {
    format!("json_remove({column}, '$.{key}')")
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

impl SqlStore {
    pub(crate) async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // SQLite's default 2 MB page cache thrashes once a bulk import's
            // indexes outgrow it (a million sales lines ran 4x slower); the
            // cache grows only as pages are used.
            .pragma("cache_size", "-65536");
        if let Some(dir) = options.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
        let pool = SqlitePoolOptions::new().max_connections(max_connections.max(1)).connect_with(options).await?;
        Ok(SqlStore { pool })
    }

    pub(crate) async fn run_migrations(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.pool).await.map_err(|e| sqlx::Error::Migrate(Box::new(e)))?;
        Ok(())
    }
}
