//! Sales reps, scoped by the unit they belong to.

use async_trait::async_trait;
use cascade_api_types::{merge_custom, NewRep, Rep, RepPatch};
use cascade_core::{CapabilityRating, RepStatus};
use chrono::{DateTime, NaiveDate, Utc};

use super::{code, custom_json, fetch_rows, filter_custom, now, parse_custom, word, SqlStore};
use crate::error::{on_delete, on_write};
use crate::list::{Arg, Keyset, Query};
use crate::{ListParams, Page, RepFilter, RepStore, Scope, StoreError, StoreResult};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    employee_no: String,
    name: String,
    unit_id: i64,
    status: String,
    status_since: NaiveDate,
    rating: String,
    hire_date: NaiveDate,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    custom: String,
}

impl Row {
    fn into_api(self) -> StoreResult<Rep> {
        Ok(Rep {
            id: self.id,
            employee_no: code(self.employee_no)?,
            name: self.name,
            unit_id: self.unit_id,
            status: word(&self.status, RepStatus::parse, "rep status")?,
            status_since: self.status_since,
            rating: word(&self.rating, CapabilityRating::parse, "rating")?,
            hire_date: self.hire_date,
            created_at: self.created_at,
            updated_at: self.updated_at,
            custom: parse_custom(&self.custom)?,
        })
    }
}

const SELECT: &str = "SELECT r.id, r.employee_no, r.name, r.unit_id, r.status, r.status_since, r.rating, r.hire_date, \
     r.created_at, r.updated_at, r.custom FROM reps r JOIN org_units u ON u.id = r.unit_id WHERE 1=1";

/// What makes a row a rep's own (see `Query::scoped`).
const OWN: Option<&str> = Some("r.id = {}");

impl SqlStore {
    /// Fails with `Invalid` on `field` unless the unit exists inside the scope.
    pub(super) async fn check_unit(&self, scope: &Scope, unit_id: i64, field: &str) -> StoreResult<()> {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM org_units WHERE id = $1 AND path LIKE $2")
            .bind(unit_id)
            .bind(scope.like_pattern())
            .fetch_optional(&self.pool)
            .await?;
        found.map(|_| ()).ok_or_else(|| StoreError::invalid(field, "no such org unit"))
    }

    /// Fails with `Invalid` on `field` unless the rep exists inside the scope.
    pub(super) async fn check_rep(&self, scope: &Scope, rep_id: i64, field: &str) -> StoreResult<()> {
        self.get_rep(scope, rep_id).await.map(|_| ()).map_err(|e| match e {
            StoreError::NotFound { .. } => StoreError::invalid(field, "no such rep"),
            e => e,
        })
    }
}

fn check_status(status: RepStatus, since: NaiveDate, hire: NaiveDate) -> StoreResult<()> {
    if status != RepStatus::Active && since < hire {
        return Err(StoreError::invalid("status_since", "must not be before the hire date"));
    }
    Ok(())
}

#[async_trait]
impl RepStore for SqlStore {
    async fn create_rep(&self, scope: &Scope, new: &NewRep) -> StoreResult<Rep> {
        self.check_unit(scope, new.unit_id, "unit_id").await?;
        let status = new.status.unwrap_or(RepStatus::Active);
        let since = match (status, new.status_since) {
            (RepStatus::Active, s) => s.unwrap_or(new.hire_date),
            (_, Some(s)) => s,
            (_, None) => return Err(StoreError::invalid("status_since", "is required when the status is not active")),
        };
        check_status(status, since, new.hire_date)?;
        let ts = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reps (employee_no, name, unit_id, status, status_since, rating, hire_date, created_at, updated_at, custom) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id",
        )
        .bind(new.employee_no.as_str())
        .bind(&new.name)
        .bind(new.unit_id)
        .bind(status.as_str())
        .bind(since)
        .bind(new.rating.as_str())
        .bind(new.hire_date)
        .bind(ts)
        .bind(custom_json(&new.custom))
        .fetch_one(&self.pool)
        .await
        .map_err(|e| on_write(e, "employee_no", "unit_id"))?;
        self.get_rep(scope, id).await
    }

    async fn get_rep(&self, scope: &Scope, id: i64) -> StoreResult<Rep> {
        let mut q = Query::new(SELECT);
        q.and("r.id = {}", Arg::I64(id));
        q.scoped(scope, OWN);
        fetch_rows::<Row>(&self.pool, &q).await?.pop().ok_or(StoreError::not_found("rep"))?.into_api()
    }

    async fn list_reps(&self, scope: &Scope, filter: &RepFilter, params: &ListParams) -> StoreResult<Page<Rep>> {
        let mut q = Query::new(SELECT);
        q.scoped(scope, OWN);
        if let Some(unit) = filter.unit_id {
            let sub = self.scope_of_unit_within(scope, unit, "unit_id").await?;
            q.and("u.path LIKE {}", Arg::Text(sub.like_pattern()));
        }
        q.and_opt("r.status = {}", filter.status, |s| Arg::Text(s.as_str().to_owned()));
        q.and_opt("r.rating = {}", filter.rating, |s| Arg::Text(s.as_str().to_owned()));
        q.search(&["r.employee_no", "r.name"], filter.q.as_deref());
        filter_custom(&mut q, "r.custom", &filter.custom)?;
        let ks = Keyset::apply(&mut q, params, crate::sorts::REPS, "r.id")?;
        let rows = fetch_rows::<Row>(&self.pool, &q).await?;
        let page = ks.page(rows, |r, sort| {
            let v = match sort {
                "employee_no" => Arg::Text(r.employee_no.clone()),
                "name" => Arg::Text(r.name.clone()),
                "hire_date" => Arg::Date(r.hire_date),
                _ => Arg::I64(r.id),
            };
            (v, r.id)
        });
        Ok(Page { items: page.items.into_iter().map(Row::into_api).collect::<StoreResult<_>>()?, next_cursor: page.next_cursor })
    }

    async fn update_rep(&self, scope: &Scope, id: i64, patch: &RepPatch) -> StoreResult<Rep> {
        let cur = self.get_rep(scope, id).await?;
        if let Some(unit) = patch.unit_id {
            self.check_unit(scope, unit, "unit_id").await?;
        }
        let status = patch.status.unwrap_or(cur.status);
        let hire = patch.hire_date.unwrap_or(cur.hire_date);
        let since = match (patch.status, patch.status_since) {
            (Some(s), None) if s != cur.status => {
                return Err(StoreError::invalid("status_since", "is required when the status changes"))
            }
            (_, Some(s)) => s,
            _ => cur.status_since,
        };
        check_status(status, since, hire)?;
        sqlx::query(
            "UPDATE reps SET name = $1, unit_id = $2, rating = $3, hire_date = $4, status = $5, status_since = $6, updated_at = $7 \
            , custom = $9 WHERE id = $8",
        )
        .bind(patch.name.as_ref().unwrap_or(&cur.name))
        .bind(patch.unit_id.unwrap_or(cur.unit_id))
        .bind(patch.rating.unwrap_or(cur.rating).as_str())
        .bind(hire)
        .bind(status.as_str())
        .bind(since)
        .bind(now())
        .bind(id)
        .bind(custom_json(&merge_custom(&cur.custom, patch.custom.as_ref())))
        .execute(&self.pool)
        .await
        .map_err(|e| on_write(e, "employee_no", "unit_id"))?;
        self.get_rep(scope, id).await
    }

    async fn delete_rep(&self, scope: &Scope, id: i64) -> StoreResult<()> {
        self.get_rep(scope, id).await?;
        let (customers, opportunities, visits): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM customers WHERE owner_rep_id = $1), \
                    (SELECT COUNT(*) FROM opportunities WHERE owner_rep_id = $1), \
                    (SELECT COUNT(*) FROM visits WHERE rep_id = $1)",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        if customers + opportunities + visits > 0 {
            return Err(StoreError::conflict(
                "id",
                format!(
                    "the rep owns {customers} customers and {opportunities} opportunities and has {visits} visits; \
                     set the status to departed instead"
                ),
            ));
        }
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        sqlx::query("UPDATE users SET rep_id = NULL WHERE rep_id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM reps WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| on_delete(e, "the rep has lines in target plans; set the status to departed instead"))?;
        tx.commit().await?;
        Ok(())
    }
}
