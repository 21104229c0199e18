//! Customers (hospitals) with their procurement stage history, scoped by the
//! unit responsible for the account.

use async_trait::async_trait;
use cascade_api_types::{merge_custom, Customer, CustomerPatch, HospitalGrade, NewCustomer, StageChange};
use cascade_core::ProcurementStage;
use chrono::{DateTime, Utc};

use super::{code, custom_json, fetch_rows, filter_custom, now, parse_custom, word, SqlStore};
use crate::error::{on_delete, on_write};
use crate::list::{Arg, Keyset, Query};
use crate::{CustomerFilter, CustomerStore, ListParams, Page, Scope, StoreError, StoreResult};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    code: String,
    name: String,
    grade: String,
    province: String,
    city: String,
    unit_id: i64,
    owner_rep_id: Option<i64>,
    stage: String,
    stage_changed_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    custom: String,
}

impl Row {
    fn into_api(self) -> StoreResult<Customer> {
        Ok(Customer {
            id: self.id,
            code: code(self.code)?,
            name: self.name,
            grade: word(&self.grade, |g| HospitalGrade::parse(g).ok_or(()), "grade")?,
            province: self.province,
            city: self.city,
            unit_id: self.unit_id,
            owner_rep_id: self.owner_rep_id,
            stage: word(&self.stage, ProcurementStage::parse, "procurement stage")?,
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
    changed_at: DateTime<Utc>,
    note: String,
}

const SELECT: &str = "SELECT c.id, c.code, c.name, c.grade, c.province, c.city, c.unit_id, c.owner_rep_id, c.stage, \
     c.stage_changed_at, c.created_at, c.updated_at, c.custom FROM customers c JOIN org_units u ON u.id = c.unit_id WHERE 1=1";

/// What makes a row a rep's own (see `Query::scoped`).
const OWN: Option<&str> = Some("c.owner_rep_id = {}");

impl SqlStore {
    /// Fails with `Invalid` on `field` unless the customer exists inside the scope.
    pub(super) async fn check_customer(&self, scope: &Scope, id: i64, field: &str) -> StoreResult<()> {
        self.get_customer(scope, id).await.map(|_| ()).map_err(|e| match e {
            StoreError::NotFound { .. } => StoreError::invalid(field, "no such customer"),
            e => e,
        })
    }
}

#[async_trait]
impl CustomerStore for SqlStore {
    async fn create_customer(&self, scope: &Scope, new: &NewCustomer) -> StoreResult<Customer> {
        self.check_unit(scope, new.unit_id, "unit_id").await?;
        if let Some(rep) = new.owner_rep_id {
            self.check_rep(scope, rep, "owner_rep_id").await?;
        }
        let stage = new.stage.unwrap_or(ProcurementStage::NotEngaged);
        let ts = now();
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO customers (code, name, grade, province, city, unit_id, owner_rep_id, stage, stage_changed_at, created_at, updated_at, custom) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9, $10) RETURNING id",
        )
        .bind(new.code.as_str())
        .bind(&new.name)
        .bind(new.grade.as_str())
        .bind(&new.province)
        .bind(&new.city)
        .bind(new.unit_id)
        .bind(new.owner_rep_id)
        .bind(stage.as_str())
        .bind(ts)
        .bind(custom_json(&new.custom))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_write(e, "code", "unit_id"))?;
        sqlx::query("INSERT INTO customer_stage_history (customer_id, from_stage, to_stage, changed_at, note) VALUES ($1, NULL, $2, $3, '')")
            .bind(id)
            .bind(stage.as_str())
            .bind(ts)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.get_customer(scope, id).await
    }

    async fn get_customer(&self, scope: &Scope, id: i64) -> StoreResult<Customer> {
        let mut q = Query::new(SELECT);
        q.and("c.id = {}", Arg::I64(id));
        q.scoped(scope, OWN);
        fetch_rows::<Row>(&self.pool, &q).await?.pop().ok_or(StoreError::not_found("customer"))?.into_api()
    }

    async fn list_customers(&self, scope: &Scope, filter: &CustomerFilter, params: &ListParams) -> StoreResult<Page<Customer>> {
        let mut q = Query::new(SELECT);
        q.scoped(scope, OWN);
        if let Some(unit) = filter.unit_id {
            let sub = self.scope_of_unit_within(scope, unit, "unit_id").await?;
            q.and("u.path LIKE {}", Arg::Text(sub.like_pattern()));
        }
        q.and_opt("c.owner_rep_id = {}", filter.owner_rep_id, Arg::I64);
        q.and_opt("c.stage = {}", filter.stage, |s| Arg::Text(s.as_str().to_owned()));
        q.and_opt("c.grade = {}", filter.grade, |g| Arg::Text(g.as_str().to_owned()));
        q.and_opt("c.province = {}", filter.province.clone(), Arg::Text);
        q.search(&["c.code", "c.name", "c.city"], filter.q.as_deref());
        filter_custom(&mut q, "c.custom", &filter.custom)?;
        let ks = Keyset::apply(&mut q, params, crate::sorts::CUSTOMERS, "c.id")?;
        let rows = fetch_rows::<Row>(&self.pool, &q).await?;
        let page = ks.page(rows, |r, sort| {
            let v = match sort {
                "code" => Arg::Text(r.code.clone()),
                "name" => Arg::Text(r.name.clone()),
                "province" => Arg::Text(r.province.clone()),
                _ => Arg::I64(r.id),
            };
            (v, r.id)
        });
        Ok(Page { items: page.items.into_iter().map(Row::into_api).collect::<StoreResult<_>>()?, next_cursor: page.next_cursor })
    }

    async fn update_customer(&self, scope: &Scope, id: i64, patch: &CustomerPatch) -> StoreResult<Customer> {
        let cur = self.get_customer(scope, id).await?;
        if let Some(unit) = patch.unit_id {
            self.check_unit(scope, unit, "unit_id").await?;
        }
        let owner = match patch.owner_rep_id {
            Some(Some(rep)) => {
                self.check_rep(scope, rep, "owner_rep_id").await?;
                Some(rep)
            }
            Some(None) => None,
            None => cur.owner_rep_id,
        };
        let ts = now();
        let stage_change = patch.stage.filter(|s| *s != cur.stage);
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        sqlx::query(
            "UPDATE customers SET name = $1, grade = $2, province = $3, city = $4, unit_id = $5, owner_rep_id = $6, \
             stage = $7, stage_changed_at = $8, updated_at = $9, custom = $11 WHERE id = $10",
        )
        .bind(patch.name.as_ref().unwrap_or(&cur.name))
        .bind(patch.grade.unwrap_or(cur.grade).as_str())
        .bind(patch.province.as_ref().unwrap_or(&cur.province))
        .bind(patch.city.as_ref().unwrap_or(&cur.city))
        .bind(patch.unit_id.unwrap_or(cur.unit_id))
        .bind(owner)
        .bind(stage_change.unwrap_or(cur.stage).as_str())
        .bind(if stage_change.is_some() { ts } else { cur.stage_changed_at })
        .bind(ts)
        .bind(id)
        .bind(custom_json(&merge_custom(&cur.custom, patch.custom.as_ref())))
        .execute(&mut *tx)
        .await
        .map_err(|e| on_write(e, "code", "unit_id"))?;
        if let Some(stage) = stage_change {
            sqlx::query("INSERT INTO customer_stage_history (customer_id, from_stage, to_stage, changed_at, note) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(cur.stage.as_str())
                .bind(stage.as_str())
                .bind(ts)
                .bind(patch.stage_note.as_deref().unwrap_or(""))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.get_customer(scope, id).await
    }

    async fn delete_customer(&self, scope: &Scope, id: i64) -> StoreResult<()> {
        self.get_customer(scope, id).await?;
        let (sales, opportunities, visits): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM sales_records WHERE customer_id = $1), \
                    (SELECT COUNT(*) FROM opportunities WHERE customer_id = $1), \
                    (SELECT COUNT(*) FROM visits WHERE customer_id = $1)",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        if sales + opportunities + visits > 0 {
            return Err(StoreError::conflict(
                "id",
                format!("the customer has {sales} sales records, {opportunities} opportunities and {visits} visits"),
            ));
        }
        sqlx::query("DELETE FROM customers WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(|e| on_delete(e, "other records still refer to the customer"))?;
        Ok(())
    }

    async fn customer_stage_history(&self, scope: &Scope, id: i64) -> StoreResult<Vec<StageChange>> {
        self.get_customer(scope, id).await?;
        let rows: Vec<HistoryRow> = sqlx::query_as(
            "SELECT id, from_stage, to_stage, changed_at, note FROM customer_stage_history WHERE customer_id = $1 ORDER BY changed_at, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(StageChange {
                    id: r.id,
                    from_stage: r
                        .from_stage
                        .as_deref()
                        .map(|s| word(s, ProcurementStage::parse, "procurement stage"))
                        .transpose()?,
                    to_stage: word(&r.to_stage, ProcurementStage::parse, "procurement stage")?,
                    changed_at: r.changed_at,
                    note: r.note,
                })
            })
            .collect()
    }
}
