//! The SQL both dialects share. This folder is compiled twice, once inside
//! `sqlite.rs` and once inside `postgres.rs`, with `super::Db` naming that
//! dialect's sqlx database; what is dialect-specific stays in those files.
//! Placeholders are `$n`, which SQLite accepts too.

mod access;
mod custom_fields;
mod customers;
mod imports;
mod jobs;
mod opportunities;
mod org_units;
mod plans;
mod product_lines;
mod reps;
mod sales;
mod users;
mod visits;

use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};
use sqlx::query::QueryAs;
use sqlx::{Database, FromRow, Pool};

use super::Db;
use crate::list::{Arg, Query};
use crate::{Backend, StoreError, StoreResult};

pub(crate) struct SqlStore {
    pub(super) pool: Pool<Db>,
}

#[async_trait]
impl crate::Store for SqlStore {
    fn backend(&self) -> Backend {
        super::BACKEND
    }

    /// Also gives a new company the default permission matrix (domain spec
    /// §6); a matrix an admin has edited is left alone.
    async fn migrate(&self) -> StoreResult<()> {
        self.run_migrations().await?;
        let defaults: Vec<_> = cascade_core::Role::ALL.iter().map(|r| (*r, r.default_permissions())).collect();
        crate::AccessStore::seed_permissions(self, &defaults).await?;
        Ok(())
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

type Args<'q> = <Db as Database>::Arguments<'q>;

/// Binds the query's arguments in order.
fn bind_all<'q, O>(mut q: QueryAs<'q, Db, O, Args<'q>>, args: &'q [Arg]) -> QueryAs<'q, Db, O, Args<'q>> {
    for a in args {
        q = match a {
            Arg::I64(v) => q.bind(*v),
            Arg::Bool(v) => q.bind(*v),
            Arg::Date(v) => q.bind(*v),
            Arg::Time(v) => q.bind(*v),
            Arg::Text(v) => q.bind(v.as_str()),
        };
    }
    q
}

/// Runs a built query and returns its rows.
async fn fetch_rows<O>(pool: &Pool<Db>, q: &Query) -> StoreResult<Vec<O>>
where
    O: for<'r> FromRow<'r, <Db as Database>::Row> + Send + Unpin,
{
    Ok(bind_all(sqlx::query_as::<Db, O>(&q.sql), &q.args).fetch_all(pool).await?)
}

/// Instants are stored at microsecond precision (PostgreSQL's), so a value
/// reads back exactly as it was written on both dialects.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Parses a stored vocabulary word, or reports the row as corrupt.
fn word<T, E>(value: &str, parse: impl FnOnce(&str) -> Result<T, E>, what: &str) -> StoreResult<T> {
    parse(value).map_err(|_| StoreError::Corrupt(format!("{what} {value:?}")))
}

fn code(value: String) -> StoreResult<cascade_core::Code> {
    cascade_core::Code::parse(&value).map_err(|_| StoreError::Corrupt(format!("code {value:?}")))
}

/// A row's custom field values as stored (a JSON object).
fn custom_json(v: &cascade_api_types::CustomValues) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "{}".to_owned())
}

fn parse_custom(stored: &str) -> StoreResult<cascade_api_types::CustomValues> {
    serde_json::from_str(stored).map_err(|e| StoreError::Corrupt(format!("custom values {stored:?}: {e}")))
}

/// Adds `custom.<key> = value` filters. Keys are checked against the field
/// key syntax before they reach SQL text (they cannot be bound: they are
/// part of a JSON path).
fn filter_custom(q: &mut Query, column: &str, filters: &[(String, String)]) -> StoreResult<()> {
    for (key, value) in filters {
        if !crate::is_custom_key(key) {
            return Err(StoreError::invalid(format!("custom.{key}"), "is not a custom field key"));
        }
        q.and(&format!("{} = {{}}", super::json_text(column, key)), Arg::Text(value.clone()));
    }
    Ok(())
}
