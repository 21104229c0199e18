//! Opportunities with their stage and close-date history, scoped by their
//! customer's unit.

use async_trait::async_trait;
use cascade_api_types::{merge_custom, NewOpportunity, Opportunity, OpportunityChange, OpportunityPatch};
use cascade_core::{FunnelStage, Money};
use chrono::{DateTime, NaiveDate, Utc};

use super::{custom_json, fetch_rows, filter_custom, now, parse_custom, word, SqlStore};
use crate::error::on_write;
use crate::list::{Arg, Keyset, Query};
use crate::{ListParams, OpportunityFilter, OpportunityStore, Page, ProductLineStore, Scope, StoreError, StoreResult};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    external_id: Option<String>,
    name: String,
    customer_id: i64,
    owner_rep_id: i64,
    product_line_id: i64,
    amount_fen: i64,
    expected_close: NaiveDate,
    stage: String,
    lost_reason: Option<String>,
    stage_changed_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    custom: String,
}

impl Row {
    fn into_api(self) -> StoreResult<Opportunity> {
        Ok(Opportunity {
            id: self.id,
            external_id: self.external_id,
            name: self.name,
            customer_id: self.customer_id,
            owner_rep_id: self.owner_rep_id,
            product_line_id: self.product_line_id,
            amount: Money::from_fen(self.amount_fen),
            expected_close: self.expected_close,
            stage: word(&self.stage, FunnelStage::parse, "funnel stage")?,
            lost_reason: self.lost_reason,
            stage_changed_at: self.stage_changed_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            custom: parse_custom(&self.custom)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    id: i64,
    from_stage: Option<String>,
    to_stage: String,
    from_close: Option<NaiveDate>,
    to_close: NaiveDate,
    changed_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT o.id, o.external_id, o.name, o.customer_id, o.owner_rep_id, o.product_line_id, o.amount_fen, \
     o.expected_close, o.stage, o.lost_reason, o.stage_changed_at, o.created_at, o.updated_at \
    , o.custom FROM opportunities o JOIN customers c ON c.id = o.customer_id JOIN org_units u ON u.id = c.unit_id WHERE 1=1";

/// What makes a row a rep's own (see `Query::scoped`).
const OWN: Option<&str> = Some("o.owner_rep_id = {}");

fn check_lost(stage: FunnelStage, reason: Option<&str>) -> StoreResult<()> {
    match (stage, reason.map(str::trim).filter(|r| !r.is_empty())) {
        (FunnelStage::Lost, None) => Err(StoreError::invalid("lost_reason", "is required when the stage is lost")),
        (s, Some(_)) if s != FunnelStage::Lost => {
            Err(StoreError::invalid("lost_reason", "is only allowed when the stage is lost"))
        }
        _ => Ok(()),
    }
}

fn check_amount(amount: Money) -> StoreResult<()> {
    if amount.is_negative() {
        return Err(StoreError::invalid("amount", "must not be negative"));
    }
    Ok(())
}

impl SqlStore {
    async fn check_product_line(&self, id: i64) -> StoreResult<()> {
        self.get_product_line(id).await.map(|_| ()).map_err(|e| match e {
            StoreError::NotFound { .. } => StoreError::invalid("product_line_id", "no such product line"),
            e => e,
        })
    }
}

#[async_trait]
impl OpportunityStore for SqlStore {
    async fn create_opportunity(&self, scope: &Scope, new: &NewOpportunity) -> StoreResult<Opportunity> {
        self.check_customer(scope, new.customer_id, "customer_id").await?;
        self.check_rep(scope, new.owner_rep_id, "owner_rep_id").await?;
        self.check_product_line(new.product_line_id).await?;
        check_amount(new.amount)?;
        let stage = new.stage.unwrap_or(FunnelStage::Lead);
        check_lost(stage, new.lost_reason.as_deref())?;
        let ts = now();
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO opportunities (external_id, name, customer_id, owner_rep_id, product_line_id, amount_fen, expected_close, \
             stage, lost_reason, stage_changed_at, created_at, updated_at, custom) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10, $11) RETURNING id",
        )
        .bind(&new.external_id)
        .bind(&new.name)
        .bind(new.customer_id)
        .bind(new.owner_rep_id)
        .bind(new.product_line_id)
        .bind(new.amount.fen())
        .bind(new.expected_close)
        .bind(stage.as_str())
        .bind(&new.lost_reason)
        .bind(ts)
        .bind(custom_json(&new.custom))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_write(e, "external_id", "customer_id"))?;
        // Every opportunity gets a natural key, so exports re-import cleanly.
        sqlx::query("UPDATE opportunities SET external_id = $1 WHERE id = $2 AND external_id IS NULL")
            .bind(format!("cascade-opp-{id}"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO opportunity_history (opportunity_id, from_stage, to_stage, from_close, to_close, changed_at) \
             VALUES ($1, NULL, $2, NULL, $3, $4)",
        )
        .bind(id)
        .bind(stage.as_str())
        .bind(new.expected_close)
        .bind(ts)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.get_opportunity(scope, id).await
    }

    async fn get_opportunity(&self, scope: &Scope, id: i64) -> StoreResult<Opportunity> {
        let mut q = Query::new(SELECT);
        q.and("o.id = {}", Arg::I64(id));
        q.scoped(scope, OWN);
        fetch_rows::<Row>(&self.pool, &q).await?.pop().ok_or(StoreError::not_found("opportunity"))?.into_api()
    }

    async fn list_opportunities(
        &self,
        scope: &Scope,
        filter: &OpportunityFilter,
        params: &ListParams,
    ) -> StoreResult<Page<Opportunity>> {
        let mut q = Query::new(SELECT);
        q.scoped(scope, OWN);
        if let Some(unit) = filter.unit_id {
            let sub = self.scope_of_unit_within(scope, unit, "unit_id").await?;
            q.and("u.path LIKE {}", Arg::Text(sub.like_pattern()));
        }
        q.and_opt("o.customer_id = {}", filter.customer_id, Arg::I64);
        q.and_opt("o.owner_rep_id = {}", filter.owner_rep_id, Arg::I64);
        q.and_opt("o.product_line_id = {}", filter.product_line_id, Arg::I64);
        q.and_opt("o.stage = {}", filter.stage, |s| Arg::Text(s.as_str().to_owned()));
        match filter.open {
            Some(true) => q.sql.push_str(" AND o.stage NOT IN ('payment', 'lost')"),
            Some(false) => q.sql.push_str(" AND o.stage IN ('payment', 'lost')"),
            None => {}
        }
        q.and_opt("o.expected_close >= {}", filter.close_from, Arg::Date);
        q.and_opt("o.expected_close <= {}", filter.close_to, Arg::Date);
        filter_custom(&mut q, "o.custom", &filter.custom)?;
        let ks = Keyset::apply(&mut q, params, crate::sorts::OPPORTUNITIES, "o.id")?;
        let rows = fetch_rows::<Row>(&self.pool, &q).await?;
        let page = ks.page(rows, |r, sort| {
            let v = match sort {
                "expected_close" => Arg::Date(r.expected_close),
                "amount" => Arg::I64(r.amount_fen),
                "name" => Arg::Text(r.name.clone()),
                _ => Arg::I64(r.id),
            };
            (v, r.id)
        });
        Ok(Page { items: page.items.into_iter().map(Row::into_api).collect::<StoreResult<_>>()?, next_cursor: page.next_cursor })
    }

    async fn update_opportunity(&self, scope: &Scope, id: i64, patch: &OpportunityPatch) -> StoreResult<Opportunity> {
        let cur = self.get_opportunity(scope, id).await?;
        if let Some(rep) = patch.owner_rep_id {
            self.check_rep(scope, rep, "owner_rep_id").await?;
        }
        if let Some(pl) = patch.product_line_id {
            self.check_product_line(pl).await?;
        }
        let amount = patch.amount.unwrap_or(cur.amount);
        check_amount(amount)?;
        let stage = patch.stage.unwrap_or(cur.stage);
        // Leaving `lost` drops the reason; entering it needs one.
        let lost_reason = match (stage, &patch.lost_reason) {
            (FunnelStage::Lost, Some(r)) => Some(r.clone()),
            (FunnelStage::Lost, None) => cur.lost_reason.clone(),
            (_, Some(r)) => Some(r.clone()),
            (_, None) => None,
        };
        check_lost(stage, lost_reason.as_deref())?;
        let close = patch.expected_close.unwrap_or(cur.expected_close);
        let stage_moved = stage != cur.stage;
        let close_moved = close != cur.expected_close;
        let ts = now();
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        sqlx::query(
            "UPDATE opportunities SET name = $1, owner_rep_id = $2, product_line_id = $3, amount_fen = $4, expected_close = $5, \
             stage = $6, lost_reason = $7, stage_changed_at = $8, updated_at = $9, custom = $11 WHERE id = $10",
        )
        .bind(patch.name.as_ref().unwrap_or(&cur.name))
        .bind(patch.owner_rep_id.unwrap_or(cur.owner_rep_id))
        .bind(patch.product_line_id.unwrap_or(cur.product_line_id))
        .bind(amount.fen())
        .bind(close)
        .bind(stage.as_str())
        .bind(&lost_reason)
        .bind(if stage_moved { ts } else { cur.stage_changed_at })
        .bind(ts)
        .bind(id)
        .bind(custom_json(&merge_custom(&cur.custom, patch.custom.as_ref())))
        .execute(&mut *tx)
        .await
        .map_err(|e| on_write(e, "external_id", "owner_rep_id"))?;
        if stage_moved || close_moved {
            sqlx::query(
                "INSERT INTO opportunity_history (opportunity_id, from_stage, to_stage, from_close, to_close, changed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(cur.stage.as_str())
            .bind(stage.as_str())
            .bind(cur.expected_close)
            .bind(close)
            .bind(ts)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        self.get_opportunity(scope, id).await
    }

    async fn delete_opportunity(&self, scope: &Scope, id: i64) -> StoreResult<()> {
        self.get_opportunity(scope, id).await?;
        sqlx::query("DELETE FROM opportunities WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }

    async fn opportunity_history(&self, scope: &Scope, id: i64) -> StoreResult<Vec<OpportunityChange>> {
        self.get_opportunity(scope, id).await?;
        let rows: Vec<HistoryRow> = sqlx::query_as(
            "SELECT id, from_stage, to_stage, from_close, to_close, changed_at FROM opportunity_history \
             WHERE opportunity_id = $1 ORDER BY changed_at, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(OpportunityChange {
                    id: r.id,
                    from_stage: r.from_stage.as_deref().map(|s| word(s, FunnelStage::parse, "funnel stage")).transpose()?,
                    to_stage: word(&r.to_stage, FunnelStage::parse, "funnel stage")?,
                    from_close: r.from_close,
                    to_close: r.to_close,
                    changed_at: r.changed_at,
                })
            })
            .collect()
    }
}
