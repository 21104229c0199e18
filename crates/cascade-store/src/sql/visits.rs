//! Customer visits, scoped by the customer's unit. Whether a visit is the
//! rep's first to that customer is derived, never stored, so edits and
//! deletions of earlier visits keep it right.

use async_trait::async_trait;
use cascade_api_types::{NewVisit, Visit, VisitKind, VisitPatch};
use chrono::{DateTime, NaiveDate, Utc};

use super::{fetch_rows, now, word, SqlStore};
use crate::error::on_write;
use crate::list::{Arg, Keyset, Query};
use crate::{ListParams, Page, Scope, StoreError, StoreResult, VisitFilter, VisitStore};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    external_id: Option<String>,
    rep_id: i64,
    customer_id: i64,
    visit_date: NaiveDate,
    kind: String,
    notes: String,
    new_customer: bool,
    created_at: DateTime<Utc>,
}

impl Row {
    fn into_api(self) -> StoreResult<Visit> {
        Ok(Visit {
            id: self.id,
            external_id: self.external_id,
            rep_id: self.rep_id,
            customer_id: self.customer_id,
            visit_date: self.visit_date,
            kind: word(&self.kind, |k| VisitKind::parse(k).ok_or(()), "visit kind")?,
            notes: self.notes,
            new_customer: self.new_customer,
            created_at: self.created_at,
        })
    }
}

const SELECT: &str = "SELECT v.id, v.external_id, v.rep_id, v.customer_id, v.visit_date, v.kind, v.notes, \
     NOT EXISTS (SELECT 1 FROM visits e WHERE e.rep_id = v.rep_id AND e.customer_id = v.customer_id \
        AND (e.visit_date < v.visit_date OR (e.visit_date = v.visit_date AND e.id < v.id))) AS new_customer, \
     v.created_at FROM visits v JOIN customers c ON c.id = v.customer_id JOIN org_units u ON u.id = c.unit_id WHERE 1=1";

/// What makes a row a rep's own (see `Query::scoped`).
const OWN: Option<&str> = Some("v.rep_id = {}");

#[async_trait]
impl VisitStore for SqlStore {
    async fn create_visit(&self, scope: &Scope, new: &NewVisit) -> StoreResult<Visit> {
        self.check_customer(scope, new.customer_id, "customer_id").await?;
        self.check_rep(scope, new.rep_id, "rep_id").await?;
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO visits (external_id, rep_id, customer_id, visit_date, kind, notes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&new.external_id)
        .bind(new.rep_id)
        .bind(new.customer_id)
        .bind(new.visit_date)
        .bind(new.kind.as_str())
        .bind(&new.notes)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_write(e, "external_id", "customer_id"))?;
        // Every visit gets a natural key, so exports re-import cleanly.
        sqlx::query("UPDATE visits SET external_id = $1 WHERE id = $2 AND external_id IS NULL")
            .bind(format!("cascade-visit-{id}"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.get_visit(scope, id).await
    }

    async fn get_visit(&self, scope: &Scope, id: i64) -> StoreResult<Visit> {
        let mut q = Query::new(SELECT);
        q.and("v.id = {}", Arg::I64(id));
        q.scoped(scope, OWN);
        fetch_rows::<Row>(&self.pool, &q).await?.pop().ok_or(StoreError::not_found("visit"))?.into_api()
    }

    async fn list_visits(&self, scope: &Scope, filter: &VisitFilter, params: &ListParams) -> StoreResult<Page<Visit>> {
        let mut q = Query::new(SELECT);
        q.scoped(scope, OWN);
        if let Some(unit) = filter.unit_id {
            let sub = self.scope_of_unit_within(scope, unit, "unit_id").await?;
            q.and("u.path LIKE {}", Arg::Text(sub.like_pattern()));
        }
        q.and_opt("v.rep_id = {}", filter.rep_id, Arg::I64);
        q.and_opt("v.customer_id = {}", filter.customer_id, Arg::I64);
        q.and_opt("v.visit_date >= {}", filter.from, Arg::Date);
        q.and_opt("v.visit_date <= {}", filter.to, Arg::Date);
        let ks = Keyset::apply(&mut q, params, crate::sorts::VISITS, "v.id")?;
        let rows = fetch_rows::<Row>(&self.pool, &q).await?;
        let page = ks.page(rows, |r, sort| {
            let v = match sort {
                "visit_date" => Arg::Date(r.visit_date),
                _ => Arg::I64(r.id),
            };
            (v, r.id)
        });
        Ok(Page { items: page.items.into_iter().map(Row::into_api).collect::<StoreResult<_>>()?, next_cursor: page.next_cursor })
    }

    async fn update_visit(&self, scope: &Scope, id: i64, patch: &VisitPatch) -> StoreResult<Visit> {
        let cur = self.get_visit(scope, id).await?;
        sqlx::query("UPDATE visits SET visit_date = $1, kind = $2, notes = $3 WHERE id = $4")
            .bind(patch.visit_date.unwrap_or(cur.visit_date))
            .bind(patch.kind.unwrap_or(cur.kind).as_str())
            .bind(patch.notes.as_ref().unwrap_or(&cur.notes))
            .bind(id)
            .execute(&self.pool)
            .await?;
        self.get_visit(scope, id).await
    }

    async fn delete_visit(&self, scope: &Scope, id: i64) -> StoreResult<()> {
        self.get_visit(scope, id).await?;
        sqlx::query("DELETE FROM visits WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }
}
