//! Product lines: company-wide reference data.

use async_trait::async_trait;
use cascade_api_types::{NewProductLine, ProductLine, ProductLinePatch};
use chrono::{DateTime, Utc};

use super::{code, fetch_rows, now, SqlStore};
use crate::error::{on_delete, on_write};
use crate::list::{Arg, Keyset, Query};
use crate::{ListParams, Page, ProductLineFilter, ProductLineStore, StoreError, StoreResult};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    code: String,
    name: String,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl Row {
    fn into_api(self) -> StoreResult<ProductLine> {
        Ok(ProductLine {
            id: self.id,
            code: code(self.code)?,
            name: self.name,
            active: self.active,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const SELECT: &str = "SELECT p.id, p.code, p.name, p.active, p.created_at, p.updated_at FROM product_lines p WHERE 1=1";

#[async_trait]
impl ProductLineStore for SqlStore {
    async fn create_product_line(&self, new: &NewProductLine) -> StoreResult<ProductLine> {
        let ts = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO product_lines (code, name, active, created_at, updated_at) VALUES ($1, $2, TRUE, $3, $3) RETURNING id",
        )
        .bind(new.code.as_str())
        .bind(&new.name)
        .bind(ts)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| on_write(e, "code", "code"))?;
        self.get_product_line(id).await
    }

    async fn get_product_line(&self, id: i64) -> StoreResult<ProductLine> {
        let mut q = Query::new(SELECT);
        q.and("p.id = {}", Arg::I64(id));
        fetch_rows::<Row>(&self.pool, &q).await?.pop().ok_or(StoreError::not_found("product line"))?.into_api()
    }

    async fn list_product_lines(&self, filter: &ProductLineFilter, params: &ListParams) -> StoreResult<Page<ProductLine>> {
        let mut q = Query::new(SELECT);
        q.and_opt("p.active = {}", filter.active, Arg::Bool);
        q.search(&["p.code", "p.name"], filter.q.as_deref());
        let ks = Keyset::apply(&mut q, params, crate::sorts::PRODUCT_LINES, "p.id")?;
        let rows = fetch_rows::<Row>(&self.pool, &q).await?;
        let page = ks.page(rows, |r, sort| {
            let v = match sort {
                "code" => Arg::Text(r.code.clone()),
                "name" => Arg::Text(r.name.clone()),
                _ => Arg::I64(r.id),
            };
            (v, r.id)
        });
        Ok(Page { items: page.items.into_iter().map(Row::into_api).collect::<StoreResult<_>>()?, next_cursor: page.next_cursor })
    }

    async fn update_product_line(&self, id: i64, patch: &ProductLinePatch) -> StoreResult<ProductLine> {
        let cur = self.get_product_line(id).await?;
        sqlx::query("UPDATE product_lines SET name = $1, active = $2, updated_at = $3 WHERE id = $4")
            .bind(patch.name.as_ref().unwrap_or(&cur.name))
            .bind(patch.active.unwrap_or(cur.active))
            .bind(now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        self.get_product_line(id).await
    }

    async fn delete_product_line(&self, id: i64) -> StoreResult<()> {
        self.get_product_line(id).await?;
        let used: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM sales_records WHERE product_line_id = $1) + \
                    (SELECT COUNT(*) FROM opportunities WHERE product_line_id = $1)",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        if used > 0 {
            return Err(StoreError::conflict(
                "id",
                format!("{used} sales records and opportunities use it; set active to false instead"),
            ));
        }
        sqlx::query("DELETE FROM product_lines WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(|e| on_delete(e, "plans are made for it; set active to false instead"))?;
        Ok(())
    }
}
