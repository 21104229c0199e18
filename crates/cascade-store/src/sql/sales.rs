//! Booked revenue lines, scoped by their customer's unit.

use async_trait::async_trait;
use cascade_api_types::{NewSalesRecord, SalesRecord};
use cascade_core::Money;
use chrono::{DateTime, NaiveDate, Utc};

use super::{code, fetch_rows, now, SqlStore};
use crate::error::on_write;
use crate::list::{Arg, Keyset, Query};
use crate::{ListParams, Page, ProductLineStore, SalesFilter, SalesStore, Scope, StoreError, StoreResult};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    doc_id: String,
    customer_id: i64,
    product_line_id: i64,
    booked_on: NaiveDate,
    amount_fen: i64,
    created_at: DateTime<Utc>,
}

impl Row {
    fn into_api(self) -> StoreResult<SalesRecord> {
        Ok(SalesRecord {
            id: self.id,
            doc_id: code(self.doc_id)?,
            customer_id: self.customer_id,
            product_line_id: self.product_line_id,
            booked_on: self.booked_on,
            amount: Money::from_fen(self.amount_fen),
            created_at: self.created_at,
        })
    }
}

const SELECT: &str = "SELECT s.id, s.doc_id, s.customer_id, s.product_line_id, s.booked_on, s.amount_fen, s.created_at \
     FROM sales_records s JOIN customers c ON c.id = s.customer_id JOIN org_units u ON u.id = c.unit_id WHERE 1=1";

/// What makes a row a rep's own (see `Query::scoped`).
const OWN: Option<&str> = Some("c.owner_rep_id = {}");

#[async_trait]
impl SalesStore for SqlStore {
    async fn create_sales_record(&self, scope: &Scope, new: &NewSalesRecord) -> StoreResult<SalesRecord> {
        self.check_customer(scope, new.customer_id, "customer_id").await?;
        self.get_product_line(new.product_line_id).await.map_err(|e| match e {
            StoreError::NotFound { .. } => StoreError::invalid("product_line_id", "no such product line"),
            e => e,
        })?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO sales_records (doc_id, customer_id, product_line_id, booked_on, amount_fen, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(new.doc_id.as_str())
        .bind(new.customer_id)
        .bind(new.product_line_id)
        .bind(new.booked_on)
        .bind(new.amount.fen())
        .bind(now())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| on_write(e, "doc_id", "customer_id"))?;
        self.get_sales_record(scope, id).await
    }

    async fn get_sales_record(&self, scope: &Scope, id: i64) -> StoreResult<SalesRecord> {
        let mut q = Query::new(SELECT);
        q.and("s.id = {}", Arg::I64(id));
        q.scoped(scope, OWN);
        fetch_rows::<Row>(&self.pool, &q).await?.pop().ok_or(StoreError::not_found("sales record"))?.into_api()
    }

    async fn list_sales_records(
        &self,
        scope: &Scope,
        filter: &SalesFilter,
        params: &ListParams,
    ) -> StoreResult<Page<SalesRecord>> {
        let mut q = Query::new(SELECT);
        q.scoped(scope, OWN);
        if let Some(unit) = filter.unit_id {
            let sub = self.scope_of_unit_within(scope, unit, "unit_id").await?;
            q.and("u.path LIKE {}", Arg::Text(sub.like_pattern()));
        }
        q.and_opt("s.customer_id = {}", filter.customer_id, Arg::I64);
        q.and_opt("s.product_line_id = {}", filter.product_line_id, Arg::I64);
        q.and_opt("s.booked_on >= {}", filter.from, Arg::Date);
        q.and_opt("s.booked_on <= {}", filter.to, Arg::Date);
        let ks = Keyset::apply(&mut q, params, crate::sorts::SALES_RECORDS, "s.id")?;
        let rows = fetch_rows::<Row>(&self.pool, &q).await?;
        let page = ks.page(rows, |r, sort| {
            let v = match sort {
                "booked_on" => Arg::Date(r.booked_on),
                "amount" => Arg::I64(r.amount_fen),
                "doc_id" => Arg::Text(r.doc_id.clone()),
                _ => Arg::I64(r.id),
            };
            (v, r.id)
        });
        Ok(Page { items: page.items.into_iter().map(Row::into_api).collect::<StoreResult<_>>()?, next_cursor: page.next_cursor })
    }

    async fn delete_sales_record(&self, scope: &Scope, id: i64) -> StoreResult<()> {
        self.get_sales_record(scope, id).await?;
        sqlx::query("DELETE FROM sales_records WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }
}
