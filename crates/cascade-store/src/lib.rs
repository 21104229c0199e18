//! Cascade's storage contract and its two implementations.
//!
//! The [`Store`] trait is what the server holds (`Arc<dyn Store>`); it is the
//! union of one trait per resource. Every read takes the caller's [`Scope`],
//! so no query can forget the org subtree it is allowed to see. SQLite and
//! PostgreSQL share one body of SQL (`src/sql/`, compiled once per dialect
//! with that dialect's `Db` type); what differs lives in `sqlite.rs` and
//! `postgres.rs`. One contract test suite (`tests/contract.rs`) runs against
//! both.

// `src/sql/` is compiled once per dialect on purpose (see above).
#![allow(clippy::duplicate_mod)]

mod access;
mod error;
mod import;
mod list;
pub mod planning;
mod postgres;
mod scope;
pub mod sorts;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;

use std::sync::Arc;

use async_trait::async_trait;
use cascade_api_types as api;
use cascade_core::{CapabilityRating, FunnelStage, ProcurementStage, RepStatus, Role};
use chrono::NaiveDate;
use futures_util::stream::BoxStream;

pub use access::{
    scope_for, AccessStore, AuditFilter, NewApiTokenRow, NewAuditEntry, NewRefreshToken, Principal, Spent, TokenPrincipal,
};
pub use error::{StoreError, StoreResult};
pub use import::{ImportBatch, ImportMsg, ImportOutcome, Lookups};
pub use list::{ListParams, Page, MAX_PAGE_SIZE};
pub use planning::PlanStore;
pub use scope::Scope;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Chooses the backend from the URL scheme; anything else is refused.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::invalid("database_url", "must start with sqlite: or postgres://"))
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Connects to the database the URL names (creating a SQLite file and its
/// folder when missing). Does not migrate: call [`Store::migrate`].
pub async fn connect(url: &str, max_connections: u32) -> StoreResult<Arc<dyn Store>> {
    Ok(match Backend::from_url(url)? {
        Backend::Sqlite => Arc::new(sqlite::SqlStore::connect(url, max_connections).await?),
        Backend::Postgres => Arc::new(postgres::SqlStore::connect(url, max_connections).await?),
    })
}

/// Whether `key` may name a custom field: `[a-z][a-z0-9_]*`, 1–40 characters.
pub fn is_custom_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && key.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Admin-defined fields on customers, reps and opportunities. Definitions
/// are company-wide; values live on the rows and are scoped with them.
#[async_trait]
pub trait CustomFieldStore {
    async fn list_custom_fields(&self, entity: Option<api::CustomEntity>) -> StoreResult<Vec<api::CustomField>>;
    async fn get_custom_field(&self, id: i64) -> StoreResult<api::CustomField>;
    /// `Conflict` on `key` when the kind already has a field with that key.
    async fn create_custom_field(&self, new: &api::NewCustomField) -> StoreResult<api::CustomField>;
    async fn update_custom_field(&self, id: i64, patch: &api::CustomFieldPatch) -> StoreResult<api::CustomField>;
    /// Removes the definition and its values from every row, atomically.
    async fn delete_custom_field(&self, id: i64) -> StoreResult<api::CustomField>;
    /// Rows of the kind holding a value for `key` (equal to `value` when given).
    async fn count_custom_values(&self, entity: api::CustomEntity, key: &str, value: Option<&str>) -> StoreResult<i64>;
}

/// Everything the server needs from storage.
#[async_trait]
pub trait Store:
    OrgUnitStore
    + RepStore
    + UserStore
    + ProductLineStore
    + CustomerStore
    + OpportunityStore
    + VisitStore
    + SalesStore
    + ImportStore
    + AccessStore
    + CustomFieldStore
    + planning::PlanStore
    + JobStore
    + Send
    + Sync
{
    fn backend(&self) -> Backend;
    /// Applies pending migrations of this dialect.
    async fn migrate(&self) -> StoreResult<()>;
    /// A cheap round trip, for readiness checks.
    async fn ping(&self) -> StoreResult<()>;
    /// Waits for in-flight queries and closes the pool.
    async fn close(&self);
}

#[derive(Debug, Clone, Default)]
pub struct OrgUnitFilter {
    pub parent_id: Option<i64>,
    pub kind: Option<api::OrgUnitKind>,
    /// Every unit below this one (not itself).
    pub under: Option<i64>,
    /// Case-insensitive substring of code or name.
    pub q: Option<String>,
}

#[async_trait]
pub trait OrgUnitStore {
    async fn create_org_unit(&self, scope: &Scope, new: &api::NewOrgUnit) -> StoreResult<api::OrgUnit>;
    async fn get_org_unit(&self, scope: &Scope, id: i64) -> StoreResult<api::OrgUnit>;
    async fn find_org_unit_by_code(&self, scope: &Scope, code: &str) -> StoreResult<api::OrgUnit>;
    async fn list_org_units(&self, scope: &Scope, filter: &OrgUnitFilter, params: &ListParams)
        -> StoreResult<Page<api::OrgUnit>>;
    /// Renames and/or moves a unit with its subtree, in one transaction.
    async fn update_org_unit(&self, scope: &Scope, id: i64, patch: &api::OrgUnitPatch) -> StoreResult<api::OrgUnit>;
    /// Refused with `Conflict` while the unit has children, reps or customers.
    async fn delete_org_unit(&self, scope: &Scope, id: i64) -> StoreResult<()>;
    /// The root unit, if the tree has one.
    async fn root_org_unit(&self) -> StoreResult<Option<api::OrgUnit>>;
    /// The scope of a unit's subtree.
    async fn scope_of_unit(&self, id: i64) -> StoreResult<Scope>;
}

#[derive(Debug, Clone, Default)]
pub struct RepFilter {
    /// Reps of this unit and every unit below it.
    pub unit_id: Option<i64>,
    pub status: Option<RepStatus>,
    pub rating: Option<CapabilityRating>,
    pub q: Option<String>,
    /// `custom.<key> = value` filters (values compared as text).
    pub custom: Vec<(String, String)>,
}

#[async_trait]
pub trait RepStore {
    async fn create_rep(&self, scope: &Scope, new: &api::NewRep) -> StoreResult<api::Rep>;
    async fn get_rep(&self, scope: &Scope, id: i64) -> StoreResult<api::Rep>;
    async fn list_reps(&self, scope: &Scope, filter: &RepFilter, params: &ListParams) -> StoreResult<Page<api::Rep>>;
    async fn update_rep(&self, scope: &Scope, id: i64, patch: &api::RepPatch) -> StoreResult<api::Rep>;
    /// Refused with `Conflict` while the rep owns customers, opportunities or
    /// visits: mark them `departed` instead, so history keeps its owner.
    async fn delete_rep(&self, scope: &Scope, id: i64) -> StoreResult<()>;
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub active: Option<bool>,
    pub role: Option<Role>,
    /// Users whose scope unit is this unit or below it.
    pub unit_id: Option<i64>,
    pub q: Option<String>,
}

/// Users are placed by their scope unit; a rep sees only their own user.
/// Password hashes are made by the caller (the store never sees a password)
/// and never read back through this trait.
#[async_trait]
pub trait UserStore {
    async fn create_user(&self, scope: &Scope, new: &api::NewUser, password_hash: Option<&str>) -> StoreResult<api::User>;
    async fn get_user(&self, scope: &Scope, id: i64) -> StoreResult<api::User>;
    async fn list_users(&self, scope: &Scope, filter: &UserFilter, params: &ListParams) -> StoreResult<Page<api::User>>;
    /// A new password, role or scope unit, or deactivation, revokes the
    /// user's refresh tokens in the same transaction.
    async fn update_user(
        &self,
        scope: &Scope,
        id: i64,
        patch: &api::UserPatch,
        password_hash: Option<&str>,
    ) -> StoreResult<api::User>;
    async fn delete_user(&self, scope: &Scope, id: i64) -> StoreResult<()>;
}

#[derive(Debug, Clone, Default)]
pub struct ProductLineFilter {
    pub active: Option<bool>,
    pub q: Option<String>,
}

/// Product lines are company-wide reference data: every scope reads them.
#[async_trait]
pub trait ProductLineStore {
    async fn create_product_line(&self, new: &api::NewProductLine) -> StoreResult<api::ProductLine>;
    async fn get_product_line(&self, id: i64) -> StoreResult<api::ProductLine>;
    async fn list_product_lines(&self, filter: &ProductLineFilter, params: &ListParams) -> StoreResult<Page<api::ProductLine>>;
    async fn update_product_line(&self, id: i64, patch: &api::ProductLinePatch) -> StoreResult<api::ProductLine>;
    /// Refused with `Conflict` while sales records or opportunities use it.
    async fn delete_product_line(&self, id: i64) -> StoreResult<()>;
}

#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// Customers of this unit and every unit below it.
    pub unit_id: Option<i64>,
    pub owner_rep_id: Option<i64>,
    pub stage: Option<ProcurementStage>,
    pub grade: Option<api::HospitalGrade>,
    pub province: Option<String>,
    pub q: Option<String>,
    /// `custom.<key> = value` filters (values compared as text).
    pub custom: Vec<(String, String)>,
}

#[async_trait]
pub trait CustomerStore {
    async fn create_customer(&self, scope: &Scope, new: &api::NewCustomer) -> StoreResult<api::Customer>;
    async fn get_customer(&self, scope: &Scope, id: i64) -> StoreResult<api::Customer>;
    async fn list_customers(
        &self,
        scope: &Scope,
        filter: &CustomerFilter,
        params: &ListParams,
    ) -> StoreResult<Page<api::Customer>>;
    /// A stage change appends to the stage history in the same transaction.
    async fn update_customer(&self, scope: &Scope, id: i64, patch: &api::CustomerPatch) -> StoreResult<api::Customer>;
    /// Refused with `Conflict` while sales records, opportunities or visits refer to it.
    async fn delete_customer(&self, scope: &Scope, id: i64) -> StoreResult<()>;
    /// Oldest first.
    async fn customer_stage_history(&self, scope: &Scope, id: i64) -> StoreResult<Vec<api::StageChange>>;
}

#[derive(Debug, Clone, Default)]
pub struct OpportunityFilter {
    pub unit_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub owner_rep_id: Option<i64>,
    pub product_line_id: Option<i64>,
    pub stage: Option<FunnelStage>,
    /// Only open deals (not paid, not lost).
    pub open: Option<bool>,
    pub close_from: Option<NaiveDate>,
    pub close_to: Option<NaiveDate>,
    /// `custom.<key> = value` filters (values compared as text).
    pub custom: Vec<(String, String)>,
}

/// Opportunities are scoped by their customer's unit.
#[async_trait]
pub trait OpportunityStore {
    async fn create_opportunity(&self, scope: &Scope, new: &api::NewOpportunity) -> StoreResult<api::Opportunity>;
    async fn get_opportunity(&self, scope: &Scope, id: i64) -> StoreResult<api::Opportunity>;
    async fn list_opportunities(
        &self,
        scope: &Scope,
        filter: &OpportunityFilter,
        params: &ListParams,
    ) -> StoreResult<Page<api::Opportunity>>;
    async fn update_opportunity(&self, scope: &Scope, id: i64, patch: &api::OpportunityPatch) -> StoreResult<api::Opportunity>;
    async fn delete_opportunity(&self, scope: &Scope, id: i64) -> StoreResult<()>;
    /// Oldest first.
    async fn opportunity_history(&self, scope: &Scope, id: i64) -> StoreResult<Vec<api::OpportunityChange>>;
}

#[derive(Debug, Clone, Default)]
pub struct VisitFilter {
    pub unit_id: Option<i64>,
    pub rep_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Visits are scoped by their customer's unit.
#[async_trait]
pub trait VisitStore {
    async fn create_visit(&self, scope: &Scope, new: &api::NewVisit) -> StoreResult<api::Visit>;
    async fn get_visit(&self, scope: &Scope, id: i64) -> StoreResult<api::Visit>;
    async fn list_visits(&self, scope: &Scope, filter: &VisitFilter, params: &ListParams) -> StoreResult<Page<api::Visit>>;
    async fn update_visit(&self, scope: &Scope, id: i64, patch: &api::VisitPatch) -> StoreResult<api::Visit>;
    async fn delete_visit(&self, scope: &Scope, id: i64) -> StoreResult<()>;
}

#[derive(Debug, Clone, Default)]
pub struct SalesFilter {
    pub unit_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub product_line_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Sales records are scoped by their customer's unit. They are facts from
/// the ERP: corrected by re-import (same `doc_id`) or deleted, not patched.
#[async_trait]
pub trait SalesStore {
    async fn create_sales_record(&self, scope: &Scope, new: &api::NewSalesRecord) -> StoreResult<api::SalesRecord>;
    async fn get_sales_record(&self, scope: &Scope, id: i64) -> StoreResult<api::SalesRecord>;
    async fn list_sales_records(
        &self,
        scope: &Scope,
        filter: &SalesFilter,
        params: &ListParams,
    ) -> StoreResult<Page<api::SalesRecord>>;
    async fn delete_sales_record(&self, scope: &Scope, id: i64) -> StoreResult<()>;
}

/// Runs of scheduled jobs and of jobs started by hand. Job runs are the
/// system's own records, not company data of a unit: nothing here is scoped.
#[async_trait]
pub trait JobStore {
    /// Records the start of a run of `job` for `slot` (the company's local
    /// time; `None` for a run by hand) under `slot_key`. `None` when that
    /// key already has a run: another server took the slot, so this one
    /// must not run it.
    async fn claim_job_run(
        &self,
        job: &str,
        slot_key: &str,
        slot: Option<chrono::NaiveDateTime>,
        trigger: api::JobTrigger,
    ) -> StoreResult<Option<api::JobRun>>;
    /// Records how a run ended.
    async fn finish_job_run(
        &self,
        id: i64,
        outcome: api::JobOutcome,
        counts: &std::collections::BTreeMap<String, u64>,
        error: Option<&str>,
    ) -> StoreResult<api::JobRun>;
    /// The latest slot of `job` that a scheduled run has claimed.
    async fn last_job_slot(&self, job: &str) -> StoreResult<Option<chrono::NaiveDateTime>>;
    /// The newest runs first, of one job or of all, at most `limit`.
    async fn list_job_runs(&self, job: Option<&str>, limit: u32) -> StoreResult<Vec<api::JobRun>>;
}

/// Bulk imports, their jobs, and exports.
#[async_trait]
pub trait ImportStore {
    /// Natural keys of everything in the caller's scope that rows may refer to.
    async fn lookups(&self, scope: &Scope) -> StoreResult<Lookups>;
    /// Applies batches in one transaction until `Commit`; `Abort` or a closed
    /// channel rolls every batch back. A row may only update an existing
    /// row inside `scope`: a natural key already used outside it refuses
    /// the row (named in `refused`, nothing of the other row changed or
    /// shown) and the whole import, like any other bad row.
    async fn apply_import(&self, scope: &Scope, rx: tokio::sync::mpsc::Receiver<ImportMsg>) -> StoreResult<ImportOutcome>;
    /// Creates or updates org units by code, in one transaction. Rows may
    /// come in any order; parents are resolved in the file and the database.
    /// `Err` of the inner result lists every refused row; nothing is written then.
    async fn import_org_units(
        &self,
        scope: &Scope,
        rows: &[(u64, api::OrgUnitRow)],
    ) -> StoreResult<Result<u64, Vec<api::FieldError>>>;

    async fn create_import_job(
        &self,
        scope: &Scope,
        kind: api::ImportKind,
        format: api::FileFormat,
        file_name: Option<&str>,
    ) -> StoreResult<api::ImportJob>;
    /// Marks a job running, with the number of rows its file holds (0 when unknown).
    async fn start_import_job(&self, id: i64, rows_total: u64) -> StoreResult<()>;
    /// Records the end of a job: `rows_total` rows were read.
    async fn finish_import_job(
        &self,
        id: i64,
        status: api::ImportStatus,
        rows_total: u64,
        rows_changed: u64,
        errors: &[api::FieldError],
        total_errors: u64,
    ) -> StoreResult<()>;
    /// Marks jobs left queued or running by a stopped process as failed
    /// (their transaction was rolled back with the process); returns how many.
    async fn fail_interrupted_import_jobs(&self) -> StoreResult<u64>;
    async fn get_import_job(&self, scope: &Scope, id: i64) -> StoreResult<api::ImportJob>;
    /// Sorted by id (creation order) in the order `params` asks for.
    async fn list_import_jobs(&self, scope: &Scope, params: &ListParams) -> StoreResult<Page<api::ImportJob>>;

    /// Every row of a kind in the caller's scope, with natural keys in place
    /// of ids (the same shape imports read), streamed.
    fn export_rows<'a>(&'a self, scope: &Scope, kind: api::ImportKind) -> BoxStream<'a, StoreResult<api::ImportRow>>;
}
