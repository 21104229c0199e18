//! Target plans, their lines and revisions, evidence, and the facts the
//! three-factor model reads. See `crate::planning` for the contract.

use std::collections::BTreeMap;
use std::str::FromStr;

use async_trait::async_trait;
use cascade_api_types::{
    AdjustmentEntry, ChildKind, Evidence, FairnessScore, NewFairnessScore, Plan, PlanRevision, PlanStatus, PlanWeights,
};
use cascade_core::{CapabilityRating, FunnelStage, Money, Period, PeriodKind, RepStatus};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::{fetch_rows, now, word, SqlStore};
use crate::list::{Arg, Keyset, Query};
use crate::planning::*;
use crate::{ListParams, Page, Scope, StoreError, StoreResult};

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    unit_id: i64,
    unit_name: String,
    unit_path: String,
    unit_parent_id: Option<i64>,
    period: String,
    product_line_id: Option<i64>,
    parent_line_id: Option<i64>,
    parent_plan_id: Option<i64>,
    child_kind: String,
    total_fen: i64,
    weight_market: String,
    weight_staffing: String,
    weight_priority: String,
    history_percent: String,
    band_percent: String,
    unit_fen: i64,
    probabilities: String,
    status: String,
    comment: Option<String>,
    split_meta: Option<String>,
    version: i64,
    revision: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    lines: i64,
    lines_total: i64,
}

fn dec(v: &str, what: &str) -> StoreResult<Decimal> {
    Decimal::from_str(v).map_err(|_| StoreError::Corrupt(format!("{what} {v:?}")))
}

fn json<T: serde::de::DeserializeOwned>(v: &str, what: &str) -> StoreResult<T> {
    serde_json::from_str(v).map_err(|e| StoreError::Corrupt(format!("{what} {v:?}: {e}")))
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned())
}

fn status(v: &str) -> StoreResult<PlanStatus> {
    word(v, |s| PlanStatus::parse(s).ok_or(()), "plan status")
}

impl PlanRow {
    fn into_record(self) -> StoreResult<PlanRecord> {
        let meta: Option<SplitMeta> = self.split_meta.as_deref().map(|m| json(m, "split meta")).transpose()?;
        let kind = match self.child_kind.as_str() {
            "unit" => ChildKind::Unit,
            "rep" => ChildKind::Rep,
            other => return Err(StoreError::Corrupt(format!("child kind {other:?}"))),
        };
        let plan = Plan {
            id: self.id,
            unit_id: self.unit_id,
            unit_name: self.unit_name,
            period: word(&self.period, Period::parse, "period")?,
            product_line_id: self.product_line_id,
            parent_plan_id: self.parent_plan_id,
            parent_line_id: self.parent_line_id,
            child_kind: kind,
            total: Money::from_fen(self.total_fen),
            weights: PlanWeights {
                market: dec(&self.weight_market, "weight")?,
                staffing: dec(&self.weight_staffing, "weight")?,
                priority: dec(&self.weight_priority, "weight")?,
            },
            history_percent: dec(&self.history_percent, "history percent")?,
            band_percent: dec(&self.band_percent, "band percent")?,
            rounding_unit: Money::from_fen(self.unit_fen),
            probabilities: json(&self.probabilities, "probabilities")?,
            status: status(&self.status)?,
            comment: self.comment,
            weights_used: meta.as_ref().map(|m| m.weights_used),
            ignored_factors: meta.as_ref().map(|m| m.ignored_factors.clone()).unwrap_or_default(),
            even_split: meta.is_some_and(|m| m.even_split),
            lines: u64::try_from(self.lines).unwrap_or(0),
            lines_total: Money::from_fen(self.lines_total),
            difference: Money::from_fen(self.total_fen - self.lines_total),
            version: self.version,
            revision: self.revision,
            created_at: self.created_at,
            updated_at: self.updated_at,
        };
        Ok(PlanRecord { plan, unit_path: self.unit_path, unit_parent_id: self.unit_parent_id })
    }
}

const SELECT_PLAN: &str = "SELECT p.id, p.unit_id, u.name AS unit_name, u.path AS unit_path, u.parent_id AS unit_parent_id, \
     p.period, p.product_line_id, p.parent_line_id, pl.plan_id AS parent_plan_id, p.child_kind, p.total_fen, \
     p.weight_market, p.weight_staffing, p.weight_priority, p.history_percent, p.band_percent, p.unit_fen, p.probabilities, \
     p.status, p.comment, p.split_meta, p.version, p.revision, p.created_at, p.updated_at, \
     (SELECT COUNT(*) FROM plan_lines l WHERE l.plan_id = p.id) AS lines, \
     (SELECT CAST(COALESCE(SUM(l.final_fen), 0) AS BIGINT) FROM plan_lines l WHERE l.plan_id = p.id) AS lines_total \
     FROM plans p JOIN org_units u ON u.id = p.unit_id LEFT JOIN plan_lines pl ON pl.id = p.parent_line_id WHERE 1=1";

/// Plans have no owner: a rep sees the plans of their own unit, and the
/// lines are narrowed to their own (see `plan_lines`).
const OWN: Option<&str> = None;

#[derive(sqlx::FromRow)]
struct LineRow {
    id: i64,
    plan_id: i64,
    child_unit_id: Option<i64>,
    rep_id: Option<i64>,
    name: String,
    suggested_fen: i64,
    final_fen: i64,
    pinned: bool,
    reason: Option<String>,
    notes: String,
    priority: String,
    explanation: String,
    achieved_credit_fen: i64,
    version: i64,
    updated_at: DateTime<Utc>,
    evidence: i64,
}

impl LineRow {
    fn into_record(self) -> StoreResult<LineRecord> {
        Ok(LineRecord {
            id: self.id,
            plan_id: self.plan_id,
            child_unit_id: self.child_unit_id,
            rep_id: self.rep_id,
            name: self.name,
            suggested_fen: self.suggested_fen,
            final_fen: self.final_fen,
            pinned: self.pinned,
            reason: self.reason,
            notes: self.notes,
            priority: dec(&self.priority, "priority")?,
            explanation: self.explanation,
            achieved_credit_fen: self.achieved_credit_fen,
            version: self.version,
            updated_at: self.updated_at,
            evidence: u64::try_from(self.evidence).unwrap_or(0),
        })
    }
}

const SELECT_LINE: &str = "SELECT l.id, l.plan_id, l.child_unit_id, l.rep_id, COALESCE(cu.name, r.name) AS name, \
     l.suggested_fen, l.final_fen, l.pinned, l.reason, l.notes, l.priority, l.explanation, l.achieved_credit_fen, \
     l.version, l.updated_at, (SELECT COUNT(*) FROM plan_evidence e WHERE e.line_id = l.id) AS evidence \
     FROM plan_lines l LEFT JOIN org_units cu ON cu.id = l.child_unit_id LEFT JOIN reps r ON r.id = l.rep_id WHERE 1=1";

#[derive(sqlx::FromRow)]
struct EvidenceRow {
    id: i64,
    line_id: i64,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    uploaded_by: Option<i64>,
    uploaded_at: DateTime<Utc>,
}

impl EvidenceRow {
    fn into_api(self) -> Evidence {
        Evidence {
            id: self.id,
            line_id: self.line_id,
            file_name: self.file_name,
            content_type: self.content_type,
            size_bytes: u64::try_from(self.size_bytes).unwrap_or(0),
            sha256: self.sha256,
            uploaded_by: self.uploaded_by,
            uploaded_at: self.uploaded_at,
        }
    }
}

const SELECT_EVIDENCE: &str = "SELECT e.id, e.line_id, e.file_name, b.content_type, b.size_bytes, e.sha256, e.uploaded_by, \
     e.uploaded_at FROM plan_evidence e JOIN evidence_blobs b ON b.sha256 = e.sha256";

fn settings_args(s: &PlanSettings) -> [String; 6] {
    [
        s.weights.market.to_string(),
        s.weights.staffing.to_string(),
        s.weights.priority.to_string(),
        s.history_percent.to_string(),
        s.band_percent.to_string(),
        to_json(&s.probabilities),
    ]
}

/// The date range `[start, end)` of a period, bound as dates.
fn range(p: Period) -> (NaiveDate, NaiveDate) {
    (p.start(), p.end_exclusive())
}

/// Where a period's sales are summed from, as `s` with `product_line_id`
/// and `amount_fen`: the four sums a period needs (the period itself and the
/// same period one, two and three years earlier; zero without `history`) and
/// the condition that limits the read to those ranges. With `by_owner`,
/// quarters and years read `sales_quarters` (kept by triggers, already
/// summed by unit, owner and product line), which names the unit and owner
/// in `unit` and `owner`; otherwise, and for months, the sales lines are
/// read, as `s` with `customer_id`. The bounds become `q`'s arguments.
struct SalesSums {
    from: &'static str,
    unit: &'static str,
    owner: &'static str,
    sums: String,
    within: String,
}

fn sales_sums(q: &mut Query, period: Period, history: bool, by_owner: bool) -> SalesSums {
    let mut sums = Vec::new();
    let mut ranges = Vec::new();
    let years = if history { 3 } else { 0 };
    let quarterly = by_owner && period.kind() != PeriodKind::Month;
    for k in 0..=years {
        let p = period.years_earlier(k);
        let (cond, from_to) = if quarterly {
            let year = i64::from(p.year()) * 10;
            let (first, last) = match p {
                Period::Quarter(_, n) => (year + i64::from(n), year + i64::from(n)),
                _ => (year + 1, year + 4),
            };
            ("s.quarter >= {s} AND s.quarter <= {e}", (Arg::I64(first), Arg::I64(last)))
        } else {
            let (s, e) = range(p);
            ("s.booked_on >= {s} AND s.booked_on < {e}", (Arg::Date(s), Arg::Date(e)))
        };
        let (s, e) = (q.arg(from_to.0), q.arg(from_to.1));
        let cond = cond.replace("{s}", &s).replace("{e}", &e);
        sums.push(format!("CAST(SUM(CASE WHEN {cond} THEN s.amount_fen ELSE 0 END) AS BIGINT)"));
        ranges.push(format!("({cond})"));
    }
    sums.resize(4, "CAST(0 AS BIGINT)".to_owned());
    let (from, unit, owner) = if quarterly {
        ("sales_quarters s", "s.unit_id", "NULLIF(s.owner_rep_id, 0)")
    } else {
        ("sales_records s JOIN customers c ON c.id = s.customer_id", "c.unit_id", "c.owner_rep_id")
    };
    SalesSums {
        from,
        unit,
        owner,
        sums: sums.join(", "),
        // Only the ranges are read (an index range each), not the time between.
        within: format!("({})", ranges.join(" OR ")),
    }
}

impl SqlStore {
    async fn plan_where(&self, cond: &str, a: Arg) -> StoreResult<Option<PlanRecord>> {
        let mut q = Query::new(SELECT_PLAN);
        q.and(cond, a);
        fetch_rows::<PlanRow>(&self.pool, &q).await?.pop().map(PlanRow::into_record).transpose()
    }

    async fn line_by_id(&self, id: i64) -> StoreResult<Option<LineRecord>> {
        let mut q = Query::new(SELECT_LINE);
        q.and("l.id = {}", Arg::I64(id));
        fetch_rows::<LineRow>(&self.pool, &q).await?.pop().map(LineRow::into_record).transpose()
    }
}

type Tx<'c> = sqlx::Transaction<'c, super::Db>;

async fn apply_write(tx: &mut Tx<'_>, w: &PlanWrite, actor: &Actor, ts: DateTime<Utc>) -> StoreResult<()> {
    let bumped = match w.expect_version {
        Some(v) => sqlx::query("UPDATE plans SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3")
            .bind(ts)
            .bind(w.plan_id)
            .bind(v)
            .execute(&mut **tx)
            .await?
            .rows_affected(),
        None => sqlx::query("UPDATE plans SET version = version + 1, updated_at = $1 WHERE id = $2")
            .bind(ts)
            .bind(w.plan_id)
            .execute(&mut **tx)
            .await?
            .rows_affected(),
    };
    if bumped == 0 {
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM plans WHERE id = $1").bind(w.plan_id).fetch_optional(&mut **tx).await?;
        return Err(match exists {
            Some(_) => StoreError::Stale { entity: "plan" },
            None => StoreError::not_found("plan"),
        });
    }
    if let Some(s) = w.status {
        sqlx::query("UPDATE plans SET status = $1 WHERE id = $2").bind(s.as_str()).bind(w.plan_id).execute(&mut **tx).await?;
    }
    if let Some(c) = &w.comment {
        sqlx::query("UPDATE plans SET comment = $1 WHERE id = $2").bind(c).bind(w.plan_id).execute(&mut **tx).await?;
    }
    if let Some(s) = &w.settings {
        let [m, st, pr, h, b, probs] = settings_args(s);
        sqlx::query(
            "UPDATE plans SET total_fen = $1, weight_market = $2, weight_staffing = $3, weight_priority = $4, \
             history_percent = $5, band_percent = $6, unit_fen = $7, probabilities = $8 WHERE id = $9",
        )
        .bind(s.total_fen)
        .bind(m)
        .bind(st)
        .bind(pr)
        .bind(h)
        .bind(b)
        .bind(s.unit_fen)
        .bind(probs)
        .bind(w.plan_id)
        .execute(&mut **tx)
        .await?;
    }
    if let Some(m) = &w.split_meta {
        sqlx::query("UPDATE plans SET split_meta = $1 WHERE id = $2").bind(to_json(m)).bind(w.plan_id).execute(&mut **tx).await?;
    }
    for id in &w.delete_lines {
        sqlx::query("DELETE FROM plan_lines WHERE id = $1 AND plan_id = $2").bind(id).bind(w.plan_id).execute(&mut **tx).await?;
    }
    let revision_id: Option<i64> = match &w.revision {
        Some(r) => {
            let (number, total): (i64, i64) =
                sqlx::query_as("UPDATE plans SET revision = revision + 1 WHERE id = $1 RETURNING revision, total_fen")
                    .bind(w.plan_id)
                    .fetch_one(&mut **tx)
                    .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO plan_revisions (plan_id, number, kind, reason, event, total_fen, actor_user_id, actor, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(w.plan_id)
            .bind(number)
            .bind(&r.kind)
            .bind(&r.reason)
            .bind(r.event.as_ref().map(to_json))
            .bind(total)
            .bind(actor.user_id)
            .bind(&actor.name)
            .bind(ts)
            .fetch_one(&mut **tx)
            .await?;
            Some(id)
        }
        None => None,
    };
    for l in &w.lines {
        let line_id = match l.id {
            Some(id) => {
                let before: Option<(i64, i64)> =
                    sqlx::query_as("SELECT suggested_fen, final_fen FROM plan_lines WHERE id = $1 AND plan_id = $2")
                        .bind(id)
                        .bind(w.plan_id)
                        .fetch_optional(&mut **tx)
                        .await?;
                let Some(before) = before else { return Err(StoreError::not_found("plan line")) };
                let updated = sqlx::query(
                    "UPDATE plan_lines SET suggested_fen = $1, final_fen = $2, pinned = $3, reason = $4, notes = $5, \
                     priority = $6, explanation = $7, achieved_credit_fen = $8, version = version + 1, updated_by = $9, \
                     updated_at = $10 WHERE id = $11 AND ($12 IS NULL OR version = $12)",
                )
                .bind(l.suggested_fen)
                .bind(l.final_fen)
                .bind(l.pinned)
                .bind(&l.reason)
                .bind(&l.notes)
                .bind(l.priority.to_string())
                .bind(&l.explanation)
                .bind(l.achieved_credit_fen)
                .bind(actor.user_id)
                .bind(ts)
                .bind(id)
                .bind(l.expect_version)
                .execute(&mut **tx)
                .await?
                .rows_affected();
                if updated == 0 {
                    return Err(StoreError::Stale { entity: "plan line" });
                }
                if before == (l.suggested_fen, l.final_fen) {
                    continue;
                }
                id
            }
            None => sqlx::query_scalar(
                "INSERT INTO plan_lines (plan_id, child_unit_id, rep_id, suggested_fen, final_fen, pinned, reason, notes, \
                 priority, explanation, achieved_credit_fen, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            )
            .bind(w.plan_id)
            .bind(l.child_unit_id)
            .bind(l.rep_id)
            .bind(l.suggested_fen)
            .bind(l.final_fen)
            .bind(l.pinned)
            .bind(&l.reason)
            .bind(&l.notes)
            .bind(l.priority.to_string())
            .bind(&l.explanation)
            .bind(l.achieved_credit_fen)
            .bind(actor.user_id)
            .bind(ts)
            .fetch_one(&mut **tx)
            .await
            .map_err(|e| crate::error::on_write(e, "lines", "lines"))?,
        };
        if let Some(rev) = revision_id {
            sqlx::query("INSERT INTO plan_line_changes (revision_id, line_id, suggested_fen, final_fen) VALUES ($1, $2, $3, $4)")
                .bind(rev)
                .bind(line_id)
                .bind(l.suggested_fen)
                .bind(l.final_fen)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

async fn apply_effect(tx: &mut Tx<'_>, e: &SideEffect, ts: DateTime<Utc>) -> StoreResult<()> {
    match e {
        SideEffect::MoveCustomers { customer_ids, to_rep_id } => {
            for c in customer_ids {
                sqlx::query("UPDATE customers SET owner_rep_id = $1, updated_at = $2 WHERE id = $3")
                    .bind(to_rep_id)
                    .bind(ts)
                    .bind(c)
                    .execute(&mut **tx)
                    .await?;
                // Open deals follow the customer; closed ones keep who won or lost them.
                sqlx::query(
                    "UPDATE opportunities SET owner_rep_id = $1, updated_at = $2 \
                     WHERE customer_id = $3 AND stage NOT IN ('payment', 'lost')",
                )
                .bind(to_rep_id)
                .bind(ts)
                .bind(c)
                .execute(&mut **tx)
                .await?;
            }
        }
        SideEffect::SlipOpportunity { opportunity_id, new_close } => {
            let (stage, close): (String, NaiveDate) =
                sqlx::query_as("SELECT stage, expected_close FROM opportunities WHERE id = $1")
                    .bind(opportunity_id)
                    .fetch_optional(&mut **tx)
                    .await?
                    .ok_or(StoreError::not_found("opportunity"))?;
            sqlx::query("UPDATE opportunities SET expected_close = $1, updated_at = $2 WHERE id = $3")
                .bind(new_close)
                .bind(ts)
                .bind(opportunity_id)
                .execute(&mut **tx)
                .await?;
            sqlx::query(
                "INSERT INTO opportunity_history (opportunity_id, from_stage, to_stage, from_close, to_close, changed_at) \
                 VALUES ($1, $2, $2, $3, $4, $5)",
            )
            .bind(opportunity_id)
            .bind(stage)
            .bind(close)
            .bind(new_close)
            .bind(ts)
            .execute(&mut **tx)
            .await?;
        }
        SideEffect::HandOverDeals { opportunity_ids, to_rep_id } => {
            for o in opportunity_ids {
                sqlx::query("UPDATE opportunities SET owner_rep_id = $1, updated_at = $2 WHERE id = $3")
                    .bind(to_rep_id)
                    .bind(ts)
                    .bind(o)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        SideEffect::RepDeparted { rep_id, since } => {
            sqlx::query("UPDATE reps SET status = 'departed', status_since = $1, updated_at = $2 WHERE id = $3")
                .bind(since)
                .bind(ts)
                .bind(rep_id)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    id: i64,
    number: i64,
    kind: String,
    reason: String,
    event: Option<String>,
    total_fen: i64,
    actor_user_id: Option<i64>,
    actor: String,
    at: DateTime<Utc>,
}

#[async_trait]
impl PlanStore for SqlStore {
    async fn create_plan(&self, new: &NewPlanRecord) -> StoreResult<i64> {
        let ts = now();
        let [m, st, pr, h, b, probs] = settings_args(&new.settings);
        sqlx::query_scalar(
            "INSERT INTO plans (unit_id, period, product_line_id, parent_line_id, child_kind, total_fen, weight_market, \
             weight_staffing, weight_priority, history_percent, band_percent, unit_fen, probabilities, status, created_by, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'draft', $14, $15, $15) \
             RETURNING id",
        )
        .bind(new.unit_id)
        .bind(new.period.to_string())
        .bind(new.product_line_id)
        .bind(new.parent_line_id)
        .bind(new.child_kind.as_str())
        .bind(new.settings.total_fen)
        .bind(m)
        .bind(st)
        .bind(pr)
        .bind(h)
        .bind(b)
        .bind(new.settings.unit_fen)
        .bind(probs)
        .bind(new.created_by)
        .bind(ts)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            crate::error::on_write(e, "period", "unit_id").with_reason("period", "the unit already has a plan for this period")
        })
    }

    async fn get_plan(&self, scope: &Scope, id: i64) -> StoreResult<PlanRecord> {
        let mut q = Query::new(SELECT_PLAN);
        q.and("p.id = {}", Arg::I64(id));
        q.scoped(scope, OWN);
        fetch_rows::<PlanRow>(&self.pool, &q).await?.pop().ok_or(StoreError::not_found("plan"))?.into_record()
    }

    async fn list_plans(&self, scope: &Scope, filter: &PlanFilter, params: &ListParams) -> StoreResult<Page<Plan>> {
        let mut q = Query::new(SELECT_PLAN);
        q.scoped(scope, OWN);
        if let Some(unit) = filter.unit_id {
            let sub = self.scope_of_unit_within(scope, unit, "unit_id").await?;
            q.and("u.path LIKE {}", Arg::Text(sub.like_pattern()));
        }
        q.and_opt("p.period = {}", filter.period, |p| Arg::Text(p.to_string()));
        q.and_opt("p.status = {}", filter.status, |s| Arg::Text(s.as_str().to_owned()));
        q.and_opt("p.product_line_id = {}", filter.product_line_id, Arg::I64);
        if filter.approvable {
            q.and("p.status = {}", Arg::Text(PlanStatus::Submitted.as_str().to_owned()));
            if !scope.is_all() {
                q.and("u.path <> {}", Arg::Text(scope.path().to_owned()));
            }
        }
        let ks = Keyset::apply(&mut q, params, crate::sorts::PLANS, "p.id")?;
        let rows = fetch_rows::<PlanRow>(&self.pool, &q).await?;
        let page = ks.page(rows, |r, sort| {
            let v = match sort {
                "period" => Arg::Text(r.period.clone()),
                _ => Arg::I64(r.id),
            };
            (v, r.id)
        });
        Ok(Page {
            items: page.items.into_iter().map(|r| r.into_record().map(|p| p.plan)).collect::<StoreResult<_>>()?,
            next_cursor: page.next_cursor,
        })
    }

    async fn find_plan(&self, unit_id: i64, period: Period, product_line_id: Option<i64>) -> StoreResult<Option<PlanRecord>> {
        let mut q = Query::new(SELECT_PLAN);
        q.and("p.unit_id = {}", Arg::I64(unit_id));
        q.and("p.period = {}", Arg::Text(period.to_string()));
        q.and("COALESCE(p.product_line_id, 0) = {}", Arg::I64(product_line_id.unwrap_or(0)));
        fetch_rows::<PlanRow>(&self.pool, &q).await?.pop().map(PlanRow::into_record).transpose()
    }

    async fn find_line_for_unit(
        &self,
        unit_id: i64,
        period: Period,
        product_line_id: Option<i64>,
    ) -> StoreResult<Option<(PlanRecord, LineRecord)>> {
        let found: Option<(i64, i64)> = sqlx::query_as(
            "SELECT l.id, l.plan_id FROM plan_lines l JOIN plans p ON p.id = l.plan_id \
             WHERE l.child_unit_id = $1 AND p.period = $2 AND COALESCE(p.product_line_id, 0) = $3",
        )
        .bind(unit_id)
        .bind(period.to_string())
        .bind(product_line_id.unwrap_or(0))
        .fetch_optional(&self.pool)
        .await?;
        let Some((line_id, plan_id)) = found else { return Ok(None) };
        let plan = self.plan_where("p.id = {}", Arg::I64(plan_id)).await?.ok_or(StoreError::not_found("plan"))?;
        let line = self.line_by_id(line_id).await?.ok_or(StoreError::not_found("plan line"))?;
        Ok(Some((plan, line)))
    }

    async fn plan_of_line_owner(&self, line_id: i64) -> StoreResult<Option<PlanRecord>> {
        self.plan_where("p.id = (SELECT plan_id FROM plan_lines WHERE id = {})", Arg::I64(line_id)).await
    }

    async fn plan_of_line(&self, line_id: i64) -> StoreResult<Option<PlanRecord>> {
        self.plan_where("p.parent_line_id = {}", Arg::I64(line_id)).await
    }

    async fn plan_lines(&self, scope: &Scope, plan_id: i64) -> StoreResult<Vec<LineRecord>> {
        let mut q = Query::new(SELECT_LINE);
        q.and("l.plan_id = {}", Arg::I64(plan_id));
        if let Some(rep) = scope.rep_id() {
            q.and("l.rep_id = {}", Arg::I64(rep));
        }
        q.sql.push_str(" ORDER BY l.id");
        fetch_rows::<LineRow>(&self.pool, &q).await?.into_iter().map(LineRow::into_record).collect()
    }

    async fn delete_plan(&self, scope: &Scope, id: i64) -> StoreResult<()> {
        let rec = self.get_plan(scope, id).await?;
        if rec.plan.status == PlanStatus::Approved {
            return Err(StoreError::conflict("status", "an approved plan is kept; calibrate it instead"));
        }
        let children: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM plans c JOIN plan_lines l ON l.id = c.parent_line_id WHERE l.plan_id = $1")
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
        if children > 0 {
            return Err(StoreError::conflict("id", "child plans were made from this plan's lines"));
        }
        sqlx::query("DELETE FROM plans WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }

    async fn write_plans(&self, writes: &[PlanWrite], effects: &[SideEffect], actor: &Actor) -> StoreResult<()> {
        let ts = now();
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        for e in effects {
            apply_effect(&mut tx, e, ts).await?;
        }
        for w in writes {
            apply_write(&mut tx, w, actor, ts).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn facts(&self, unit_path: &str, period: Period, product_line_id: Option<i64>, history: bool) -> StoreResult<Facts> {
        let pattern = format!("{unit_path}%");
        let units: Vec<(i64, Option<i64>, String, String)> =
            sqlx::query_as("SELECT id, parent_id, name, path FROM org_units WHERE path LIKE $1 ORDER BY path")
                .bind(&pattern)
                .fetch_all(&self.pool)
                .await?;
        let reps: Vec<(i64, String, i64, String, NaiveDate, String, NaiveDate)> = sqlx::query_as(
            "SELECT r.id, r.name, r.unit_id, r.rating, r.hire_date, r.status, r.status_since FROM reps r \
             JOIN org_units u ON u.id = r.unit_id WHERE u.path LIKE $1 ORDER BY r.id",
        )
        .bind(&pattern)
        .fetch_all(&self.pool)
        .await?;
        let (cs, ce) = range(period);
        let mut q = Query::new("");
        let SalesSums { from, unit, owner, sums, within } = sales_sums(&mut q, period, history, true);
        let path = q.arg(Arg::Text(pattern.clone()));
        q.sql = format!(
            "SELECT {unit}, {owner}, {sums} FROM {from} JOIN org_units u ON u.id = {unit} \
             WHERE u.path LIKE {path} AND {within}"
        );
        if let Some(pl) = product_line_id {
            q.and("s.product_line_id = {}", Arg::I64(pl));
        }
        q.sql.push_str(&format!(" GROUP BY {unit}, {owner}"));
        let sales: Vec<(i64, Option<i64>, i64, i64, i64, i64)> = fetch_rows(&self.pool, &q).await?;
        let mut q = Query::new(
            "SELECT c.unit_id, c.owner_rep_id, o.stage, CAST(SUM(o.amount_fen) AS BIGINT) FROM opportunities o \
             JOIN customers c ON c.id = o.customer_id JOIN org_units u ON u.id = c.unit_id WHERE o.stage <> 'lost'",
        );
        q.and("u.path LIKE {}", Arg::Text(pattern));
        q.and("o.expected_close >= {}", Arg::Date(cs));
        q.and("o.expected_close < {}", Arg::Date(ce));
        if let Some(pl) = product_line_id {
            q.and("o.product_line_id = {}", Arg::I64(pl));
        }
        q.sql.push_str(" GROUP BY c.unit_id, c.owner_rep_id, o.stage");
        let pipeline: Vec<(i64, Option<i64>, String, i64)> = fetch_rows(&self.pool, &q).await?;
        Ok(Facts {
            units: units.into_iter().map(|(id, parent_id, name, path)| UnitFact { id, parent_id, name, path }).collect(),
            reps: reps
                .into_iter()
                .map(|(id, name, unit_id, rating, hire_date, status, status_since)| {
                    Ok(RepFact {
                        id,
                        name,
                        unit_id,
                        rating: word(&rating, CapabilityRating::parse, "rating")?,
                        hire_date,
                        status: word(&status, RepStatus::parse, "rep status")?,
                        status_since,
                    })
                })
                .collect::<StoreResult<_>>()?,
            sales: sales
                .into_iter()
                .map(|(unit_id, owner_rep_id, current, y1, y2, y3)| SalesFact {
                    unit_id,
                    owner_rep_id,
                    current,
                    history: [y1, y2, y3],
                })
                .collect(),
            pipeline: pipeline
                .into_iter()
                .map(|(unit_id, owner_rep_id, stage, amount)| {
                    Ok(PipelineFact { unit_id, owner_rep_id, stage: word(&stage, FunnelStage::parse, "funnel stage")?, amount })
                })
                .collect::<StoreResult<_>>()?,
        })
    }

    async fn customer_facts(
        &self,
        scope: &Scope,
        select: &CustomerSelect,
        period: Period,
        product_line_id: Option<i64>,
    ) -> StoreResult<Vec<CustomerFact>> {
        let mut q =
            Query::new("SELECT c.id, c.unit_id, c.owner_rep_id FROM customers c JOIN org_units u ON u.id = c.unit_id WHERE 1=1");
        q.scoped(scope, Some("c.owner_rep_id = {}"));
        match select {
            CustomerSelect::Ids(ids) if ids.is_empty() => return Ok(Vec::new()),
            CustomerSelect::Ids(ids) => {
                let ps: Vec<String> = ids.iter().map(|i| q.arg(Arg::I64(*i))).collect();
                q.sql.push_str(&format!(" AND c.id IN ({})", ps.join(", ")));
            }
            CustomerSelect::OwnedBy(rep) => q.and("c.owner_rep_id = {}", Arg::I64(*rep)),
        }
        q.sql.push_str(" ORDER BY c.id");
        let customers: Vec<(i64, i64, Option<i64>)> = fetch_rows(&self.pool, &q).await?;
        if customers.is_empty() {
            return Ok(Vec::new());
        }
        let (cs, ce) = range(period);
        let mut q = Query::new("");
        let ids: Vec<String> = customers.iter().map(|c| q.arg(Arg::I64(c.0))).collect();
        let ids = ids.join(", ");
        let SalesSums { from, sums, within, .. } = sales_sums(&mut q, period, true, false);
        q.sql = format!("SELECT s.customer_id, {sums} FROM {from} WHERE s.customer_id IN ({ids}) AND {within}");
        if let Some(pl) = product_line_id {
            q.and("s.product_line_id = {}", Arg::I64(pl));
        }
        q.sql.push_str(" GROUP BY s.customer_id");
        let sales: Vec<(i64, i64, i64, i64, i64)> = fetch_rows(&self.pool, &q).await?;
        let mut q = Query::new("");
        let ids: Vec<String> = customers.iter().map(|c| q.arg(Arg::I64(c.0))).collect();
        q.sql = format!(
            "SELECT o.customer_id, o.stage, CAST(SUM(o.amount_fen) AS BIGINT) FROM opportunities o \
             WHERE o.stage <> 'lost' AND o.customer_id IN ({})",
            ids.join(", ")
        );
        q.and("o.expected_close >= {}", Arg::Date(cs));
        q.and("o.expected_close < {}", Arg::Date(ce));
        if let Some(pl) = product_line_id {
            q.and("o.product_line_id = {}", Arg::I64(pl));
        }
        q.sql.push_str(" GROUP BY o.customer_id, o.stage");
        let pipeline: Vec<(i64, String, i64)> = fetch_rows(&self.pool, &q).await?;
        let sales: BTreeMap<i64, (i64, [i64; 3])> = sales.into_iter().map(|(c, cur, a, b, d)| (c, (cur, [a, b, d]))).collect();
        let mut pipe: BTreeMap<i64, Vec<(FunnelStage, i64)>> = BTreeMap::new();
        for (c, stage, amount) in pipeline {
            pipe.entry(c).or_default().push((word(&stage, FunnelStage::parse, "funnel stage")?, amount));
        }
        Ok(customers
            .into_iter()
            .map(|(id, unit_id, owner_rep_id)| {
                let (current, history) = sales.get(&id).copied().unwrap_or((0, [0; 3]));
                CustomerFact { id, unit_id, owner_rep_id, current, history, pipeline: pipe.remove(&id).unwrap_or_default() }
            })
            .collect())
    }

    async fn revisions(&self, plan_id: i64, upto: Option<i64>) -> StoreResult<Vec<RevisionRecord>> {
        let upto = upto.unwrap_or(i64::MAX);
        let revs: Vec<RevisionRow> = sqlx::query_as(
            "SELECT id, number, kind, reason, event, total_fen, actor_user_id, actor, at FROM plan_revisions \
             WHERE plan_id = $1 AND number <= $2 ORDER BY number",
        )
        .bind(plan_id)
        .bind(upto)
        .fetch_all(&self.pool)
        .await?;
        let changes: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT c.revision_id, c.line_id, c.suggested_fen, c.final_fen FROM plan_line_changes c \
             JOIN plan_revisions r ON r.id = c.revision_id WHERE r.plan_id = $1 AND r.number <= $2 ORDER BY c.line_id",
        )
        .bind(plan_id)
        .bind(upto)
        .fetch_all(&self.pool)
        .await?;
        let mut by_rev: BTreeMap<i64, Vec<(i64, i64, i64)>> = BTreeMap::new();
        for (rev, line, s, f) in changes {
            by_rev.entry(rev).or_default().push((line, s, f));
        }
        revs.into_iter()
            .map(|r| {
                let changes = by_rev.remove(&r.id).unwrap_or_default();
                Ok(RevisionRecord {
                    revision: PlanRevision {
                        number: r.number,
                        kind: r.kind,
                        reason: r.reason,
                        event: r.event.as_deref().map(|e| json(e, "revision event")).transpose()?,
                        total: Money::from_fen(r.total_fen),
                        actor_user_id: r.actor_user_id,
                        actor: r.actor,
                        at: r.at,
                        changed_lines: changes.len() as u64,
                    },
                    changes,
                })
            })
            .collect()
    }

    async fn add_evidence(
        &self,
        line_id: i64,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
        user_id: Option<i64>,
    ) -> StoreResult<Evidence> {
        let sha: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        sqlx::query(
            "INSERT INTO evidence_blobs (sha256, content_type, size_bytes, bytes) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(&sha)
        .bind(content_type)
        .bind(bytes.len() as i64)
        .bind(bytes)
        .execute(&mut *tx)
        .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO plan_evidence (line_id, sha256, file_name, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id",
        )
        .bind(line_id)
        .bind(&sha)
        .bind(file_name)
        .bind(user_id)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(self.get_evidence(id).await?.0)
    }

    async fn list_evidence(&self, line_id: i64) -> StoreResult<Vec<Evidence>> {
        let rows: Vec<EvidenceRow> = sqlx::query_as(&format!("{SELECT_EVIDENCE} WHERE e.line_id = $1 ORDER BY e.id"))
            .bind(line_id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.into_iter().map(EvidenceRow::into_api).collect())
    }

    async fn get_evidence(&self, id: i64) -> StoreResult<(Evidence, Vec<u8>)> {
        let row: EvidenceRow = sqlx::query_as(&format!("{SELECT_EVIDENCE} WHERE e.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::not_found("evidence"))?;
        let bytes: Vec<u8> = sqlx::query_scalar("SELECT bytes FROM evidence_blobs WHERE sha256 = $1")
            .bind(&row.sha256)
            .fetch_one(&self.pool)
            .await?;
        Ok((row.into_api(), bytes))
    }

    async fn targets(&self, unit_path: &str, period: Period, product_line_id: Option<i64>) -> StoreResult<Vec<TargetFact>> {
        let rows: Vec<(i64, Option<i64>, Option<i64>, i64, i64)> = sqlx::query_as(
            "SELECT p.unit_id, l.child_unit_id, l.rep_id, l.final_fen, l.achieved_credit_fen FROM plan_lines l \
             JOIN plans p ON p.id = l.plan_id JOIN org_units u ON u.id = p.unit_id \
             LEFT JOIN org_units cu ON cu.id = l.child_unit_id \
             WHERE (u.path LIKE $1 OR cu.path LIKE $1) AND p.period = $2 AND COALESCE(p.product_line_id, 0) = $3 \
             AND p.status = 'approved'",
        )
        .bind(format!("{unit_path}%"))
        .bind(period.to_string())
        .bind(product_line_id.unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(plan_unit_id, child_unit_id, rep_id, final_fen, achieved_credit_fen)| TargetFact {
                plan_unit_id,
                child_unit_id,
                rep_id,
                final_fen,
                achieved_credit_fen,
            })
            .collect())
    }

    async fn changes(
        &self,
        unit_path: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<(Vec<AdjustmentEntry>, Vec<Period>)> {
        let pattern = format!("{unit_path}%");
        let rows: Vec<(i64, i64, String, i64, String, String, String, DateTime<Utc>)> = sqlx::query_as(
            "SELECT r.plan_id, p.unit_id, u.name, r.number, r.kind, r.reason, r.actor, r.at FROM plan_revisions r \
             JOIN plans p ON p.id = r.plan_id JOIN org_units u ON u.id = p.unit_id \
             WHERE u.path LIKE $1 AND r.at >= $2 AND r.at < $3 \
             AND r.kind IN ('adjust', 'calibration', 'relief', 'parent_relief') ORDER BY r.at, r.id",
        )
        .bind(&pattern)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        let periods: Vec<String> =
            sqlx::query_scalar("SELECT p.period FROM plans p JOIN org_units u ON u.id = p.unit_id WHERE u.path LIKE $1")
                .bind(&pattern)
                .fetch_all(&self.pool)
                .await?;
        Ok((
            rows.into_iter()
                .map(|(plan_id, unit_id, unit_name, revision, kind, reason, actor, at)| AdjustmentEntry {
                    plan_id,
                    unit_id,
                    unit_name,
                    revision,
                    kind,
                    reason,
                    actor,
                    at,
                })
                .collect(),
            periods.iter().map(|p| word(p, Period::parse, "period")).collect::<StoreResult<_>>()?,
        ))
    }

    async fn rep_line(&self, rep_id: i64, period: Period) -> StoreResult<Option<(PlanRecord, LineRecord)>> {
        let found: Option<(i64, i64)> = sqlx::query_as(
            "SELECT l.id, l.plan_id FROM plan_lines l JOIN plans p ON p.id = l.plan_id \
             WHERE l.rep_id = $1 AND p.period = $2 AND p.product_line_id IS NULL",
        )
        .bind(rep_id)
        .bind(period.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let Some((line_id, plan_id)) = found else { return Ok(None) };
        let plan = self.plan_where("p.id = {}", Arg::I64(plan_id)).await?.ok_or(StoreError::not_found("plan"))?;
        let line = self.line_by_id(line_id).await?.ok_or(StoreError::not_found("plan line"))?;
        Ok(Some((plan, line)))
    }

    async fn add_fairness(&self, rep_id: i64, new: &NewFairnessScore) -> StoreResult<FairnessScore> {
        let ts = now();
        let comment = new.comment.clone().unwrap_or_default();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO fairness_scores (rep_id, quarter, score, comment, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(rep_id)
        .bind(new.quarter.to_string())
        .bind(i64::from(new.score))
        .bind(&comment)
        .bind(ts)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| {
            crate::error::on_write(e, "quarter", "rep_id").with_reason("quarter", "you already answered for this quarter")
        })?;
        Ok(FairnessScore { id, rep_id, quarter: new.quarter, score: new.score, comment, created_at: ts })
    }

    async fn fairness_scores(&self, unit_path: &str, quarter: Period) -> StoreResult<Vec<(i64, u8)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT r.unit_id, f.score FROM fairness_scores f JOIN reps r ON r.id = f.rep_id \
             JOIN org_units u ON u.id = r.unit_id WHERE u.path LIKE $1 AND f.quarter = $2",
        )
        .bind(format!("{unit_path}%"))
        .bind(quarter.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(u, s)| (u, u8::try_from(s).unwrap_or(0))).collect())
    }

    async fn fairness_answer(&self, rep_id: i64, quarter: Period) -> StoreResult<Option<FairnessScore>> {
        let row: Option<(i64, i64, String, DateTime<Utc>)> =
            sqlx::query_as("SELECT id, score, comment, created_at FROM fairness_scores WHERE rep_id = $1 AND quarter = $2")
                .bind(rep_id)
                .bind(quarter.to_string())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(id, score, comment, created_at)| FairnessScore {
            id,
            rep_id,
            quarter,
            score: u8::try_from(score).unwrap_or(0),
            comment,
            created_at,
        }))
    }
}
