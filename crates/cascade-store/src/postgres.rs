//! PostgreSQL: the production database.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::{Backend, StoreResult};

pub(crate) type Db = sqlx::Postgres;

#[path = "sql/mod.rs"]
mod sql;

pub(crate) use sql::SqlStore;

pub(crate) const BACKEND: Backend = Backend::Postgres;

/// How every transaction of the store begins (see the SQLite side).
pub(crate) const BEGIN: &str = "BEGIN";

/// What an import runs first and last, around its batches, so that the
/// `sales_quarters` summary is merged once per import instead of once per
/// statement (see migration 0006).
pub(crate) const SUMMARY_BATCH: Option<(&str, &str)> = Some(("SELECT sales_quarters_defer()", "SELECT sales_quarters_fold()"));

/// The text of a custom field in a `custom` JSON column (`key` is checked).
pub(crate) fn json_text(column: &str, key: &str) -> String {
    format!("({column}::jsonb ->> '{key}')")
}

/// `a`'s JSON object with `b`'s keys set over it (SQL expressions).
pub(crate) fn json_merge(a: &str, b: &str) -> String {
    format!("({a}::jsonb || {b}::jsonb)::text")
}

/// Whether merging `b` into `a` changes `a` (jsonb compares by value).
pub(crate) fn json_merge_changes(a: &str, b: &str) -> String {
    format!("{a}::jsonb IS DISTINCT FROM ({a}::jsonb || {b}::jsonb)")
}

/// A `custom` JSON column without `key` (`key` is checked).
pub(crate) fn json_without(column: &str, key: &str) -> String {
    format!("({column}::jsonb - '{key}')::text")
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

impl SqlStore {
    pub(crate) async fn connect(url: &str, max_connections: u32) -> StoreResult<Self> {
        // JIT compiling a plan costs about a second (measured on the
        // planning facts at scale 100: 1.2 s of a 2.2 s query) and Cascade's
        // queries are index ranges and grouped scans that finish sooner
        // without it.
        let options = PgConnectOptions::from_str(url)?.options([("jit", "off")]);
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(SqlStore { pool })
    }

    pub(crate) async fn run_migrations(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.pool).await.map_err(|e| sqlx::Error::Migrate(Box::new(e)))?;
        Ok(())
    }
}
