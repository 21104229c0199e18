//! What target planning needs from storage. The arithmetic lives in
//! `cascade-core` and the workflow rules in the server; the store keeps
//! plans, lines and revisions, reads the facts the model needs, and applies
//! a set of changes (to several plans, customers and opportunities) in one
//! transaction that checks versions, so a stale write changes nothing.

use std::collections::BTreeMap;

use async_trait::async_trait;
use cascade_api_types as api;
use cascade_core::{CapabilityRating, FunnelStage, Period, RepStatus};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::{ListParams, Page, Scope, StoreResult};

/// A plan with what the rules need besides its API shape.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRecord {
    pub plan: api::Plan,
    pub unit_path: String,
    pub unit_parent_id: Option<i64>,
}

/// One line as stored. `explanation` is the model's record of the last
/// generation (JSON the server writes and reads), empty before it.
#[derive(Debug, Clone, PartialEq)]
pub struct LineRecord {
    pub id: i64,
    pub plan_id: i64,
    pub child_unit_id: Option<i64>,
    pub rep_id: Option<i64>,
    pub name: String,
    pub suggested_fen: i64,
    pub final_fen: i64,
    pub pinned: bool,
    pub reason: Option<String>,
    pub notes: String,
    pub priority: Decimal,
    pub explanation: String,
    pub achieved_credit_fen: i64,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub evidence: u64,
}

/// The settings columns of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSettings {
    pub total_fen: i64,
    pub weights: api::PlanWeights,
    pub history_percent: Decimal,
    pub band_percent: Decimal,
    pub unit_fen: i64,
    pub probabilities: BTreeMap<String, Decimal>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewPlanRecord {
    pub unit_id: i64,
    pub period: Period,
    pub product_line_id: Option<i64>,
    pub parent_line_id: Option<i64>,
    pub child_kind: api::ChildKind,
    pub settings: PlanSettings,
    pub created_by: Option<i64>,
}

/// Who made a change, for revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewRevision {
    pub kind: String,
    pub reason: String,
    pub event: Option<serde_json::Value>,
}

/// The full new state of one line. `id: None` inserts it.
#[derive(Debug, Clone, PartialEq)]
pub struct LineWrite {
    pub id: Option<i64>,
    /// The line's version the change was computed from; the write fails as
    /// `Stale` when it moved since.
    pub expect_version: Option<i64>,
    pub child_unit_id: Option<i64>,
    pub rep_id: Option<i64>,
    pub suggested_fen: i64,
    pub final_fen: i64,
    pub pinned: bool,
    pub reason: Option<String>,
    pub notes: String,
    pub priority: Decimal,
    pub explanation: String,
    pub achieved_credit_fen: i64,
}

/// Changes to one plan. Every write bumps the plan's version.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanWrite {
    pub plan_id: i64,
    /// The plan version the change was computed from (`Stale` otherwise).
    pub expect_version: Option<i64>,
    pub status: Option<api::PlanStatus>,
    pub comment: Option<Option<String>>,
    pub settings: Option<PlanSettings>,
    pub split_meta: Option<SplitMeta>,
    pub lines: Vec<LineWrite>,
    /// Lines to drop (a regeneration after the children changed).
    pub delete_lines: Vec<i64>,
    /// Records a revision; lines whose suggestion or final value differs
    /// from the stored one are kept with it.
    pub revision: Option<NewRevision>,
}

/// What the last generation did with factors that told nothing.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SplitMeta {
    pub weights_used: api::PlanWeights,
    pub ignored_factors: Vec<String>,
    pub even_split: bool,
}

/// Changes outside plans that a calibration makes together with them.
#[derive(Debug, Clone, PartialEq)]
pub enum SideEffect {
    /// Customers (and their open deals) get a new owner.
    MoveCustomers { customer_ids: Vec<i64>, to_rep_id: i64 },
    /// A deal's expected close moves (kept in its history).
    SlipOpportunity { opportunity_id: i64, new_close: NaiveDate },
    /// The rep is marked departed from this date.
    RepDeparted { rep_id: i64, since: NaiveDate },
    /// Open deals change owner (a departing rep's deals on a colleague's
    /// customer go to that colleague).
    HandOverDeals { opportunity_ids: Vec<i64>, to_rep_id: i64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitFact {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RepFact {
    pub id: i64,
    pub name: String,
    pub unit_id: i64,
    pub rating: CapabilityRating,
    pub hire_date: NaiveDate,
    pub status: RepStatus,
    pub status_since: NaiveDate,
}

/// Sales of one (customer unit, customer owner) pair.
#[derive(Debug, Clone, PartialEq)]
pub struct SalesFact {
    pub unit_id: i64,
    pub owner_rep_id: Option<i64>,
    /// Booked in the period itself.
    pub current: i64,
    /// The same period one, two and three years earlier.
    pub history: [i64; 3],
}

/// Σ amount of deals closing in the period, per pair and stage.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineFact {
    pub unit_id: i64,
    pub owner_rep_id: Option<i64>,
    pub stage: FunnelStage,
    pub amount: i64,
}

/// Everything the model reads about a subtree for a period.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    pub units: Vec<UnitFact>,
    pub reps: Vec<RepFact>,
    pub sales: Vec<SalesFact>,
    pub pipeline: Vec<PipelineFact>,
}

/// Which customers a calibration reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerSelect {
    Ids(Vec<i64>),
    OwnedBy(i64),
}

/// One customer's facts for a period.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerFact {
    pub id: i64,
    pub unit_id: i64,
    pub owner_rep_id: Option<i64>,
    pub current: i64,
    pub history: [i64; 3],
    /// Σ amount of deals closing in the period, per stage (lost excluded).
    pub pipeline: Vec<(FunnelStage, i64)>,
}

#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    /// Plans of this unit and every unit below it.
    pub unit_id: Option<i64>,
    pub period: Option<Period>,
    pub status: Option<api::PlanStatus>,
    pub product_line_id: Option<i64>,
    /// Only plans waiting for the scope's approval: submitted, of a unit
    /// below the scope's root (a plan is approved from the unit above its
    /// own; the company's plan by the company). The server's
    /// `require_approver` is the same rule for one plan.
    pub approvable: bool,
}

/// A revision with the lines it changed.
#[derive(Debug, Clone, PartialEq)]
pub struct RevisionRecord {
    pub revision: api::PlanRevision,
    /// (line id, suggested, final) after the revision.
    pub changes: Vec<(i64, i64, i64)>,
}

/// An approved line somewhere in a subtree, for attainment.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetFact {
    pub plan_unit_id: i64,
    pub child_unit_id: Option<i64>,
    pub rep_id: Option<i64>,
    pub final_fen: i64,
    pub achieved_credit_fen: i64,
}

#[async_trait]
pub trait PlanStore {
    /// `Conflict` on `period` when the unit already has a plan for the
    /// period and product line.
    async fn create_plan(&self, new: &NewPlanRecord) -> StoreResult<i64>;
    /// Plans whose unit lies in the scope (a rep: their unit's plans).
    async fn get_plan(&self, scope: &Scope, id: i64) -> StoreResult<PlanRecord>;
    async fn list_plans(&self, scope: &Scope, filter: &PlanFilter, params: &ListParams) -> StoreResult<Page<api::Plan>>;
    /// The plan for a unit, period and product line, unscoped: the rules
    /// look up parents the caller may not see.
    async fn find_plan(&self, unit_id: i64, period: Period, product_line_id: Option<i64>) -> StoreResult<Option<PlanRecord>>;
    /// The line of an approved-or-not plan that names this child unit.
    async fn find_line_for_unit(
        &self,
        unit_id: i64,
        period: Period,
        product_line_id: Option<i64>,
    ) -> StoreResult<Option<(PlanRecord, LineRecord)>>;
    /// The plan a line belongs to.
    async fn plan_of_line_owner(&self, line_id: i64) -> StoreResult<Option<PlanRecord>>;
    /// The plan that splits a line, if one was made.
    async fn plan_of_line(&self, line_id: i64) -> StoreResult<Option<PlanRecord>>;
    /// Lines by name order; a rep scope sees only its own line.
    async fn plan_lines(&self, scope: &Scope, plan_id: i64) -> StoreResult<Vec<LineRecord>>;
    async fn delete_plan(&self, scope: &Scope, id: i64) -> StoreResult<()>;
    /// Applies every write and side effect in one transaction, or none.
    async fn write_plans(&self, writes: &[PlanWrite], effects: &[SideEffect], actor: &Actor) -> StoreResult<()>;
    /// Facts of the subtree at `unit_path` for a period; without `history`
    /// the three earlier years read as zero and are not scanned (what
    /// achievement needs is the period alone).
    async fn facts(&self, unit_path: &str, period: Period, product_line_id: Option<i64>, history: bool) -> StoreResult<Facts>;
    /// Facts of single customers inside `scope` (sorted by id); customers
    /// outside it are left out exactly like ones that do not exist.
    async fn customer_facts(
        &self,
        scope: &Scope,
        select: &CustomerSelect,
        period: Period,
        product_line_id: Option<i64>,
    ) -> StoreResult<Vec<CustomerFact>>;
    /// Revisions up to and including `upto` (all when absent), oldest first.
    async fn revisions(&self, plan_id: i64, upto: Option<i64>) -> StoreResult<Vec<RevisionRecord>>;

    /// Stores the content once (by SHA-256) and attaches it to the line.
    async fn add_evidence(
        &self,
        line_id: i64,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
        user_id: Option<i64>,
    ) -> StoreResult<api::Evidence>;
    async fn list_evidence(&self, line_id: i64) -> StoreResult<Vec<api::Evidence>>;
    /// The evidence record, its line, and its content.
    async fn get_evidence(&self, id: i64) -> StoreResult<(api::Evidence, Vec<u8>)>;

    /// Approved lines of plans in the subtree for a period and product line.
    async fn targets(&self, unit_path: &str, period: Period, product_line_id: Option<i64>) -> StoreResult<Vec<TargetFact>>;
    /// Revisions (adjustments, calibrations, reliefs) made in `[from, to)`
    /// in plans of the subtree, and the periods of the subtree's plans.
    async fn changes(
        &self,
        unit_path: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<(Vec<api::AdjustmentEntry>, Vec<Period>)>;
    /// The rep's line in the plan of their unit for a period, if any.
    async fn rep_line(&self, rep_id: i64, period: Period) -> StoreResult<Option<(PlanRecord, LineRecord)>>;

    /// `Conflict` when the rep already answered for the quarter.
    async fn add_fairness(&self, rep_id: i64, new: &api::NewFairnessScore) -> StoreResult<api::FairnessScore>;
    /// Every answer of reps in the subtree for the quarter: (rep's unit id, score).
    async fn fairness_scores(&self, unit_path: &str, quarter: Period) -> StoreResult<Vec<(i64, u8)>>;
    /// The rep's own answer for the quarter, if they gave one.
    async fn fairness_answer(&self, rep_id: i64, quarter: Period) -> StoreResult<Option<api::FairnessScore>>;
}
