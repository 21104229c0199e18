//! The org tree, kept as materialised paths (`/1/7/23/`).

use async_trait::async_trait;
use cascade_api_types::{NewOrgUnit, OrgUnit, OrgUnitKind, OrgUnitPatch};
use chrono::{DateTime, Utc};

use super::{code, fetch_rows, now, word, SqlStore};
use crate::error::{on_delete, on_write};
use crate::list::{Arg, Keyset, Query};
use crate::{ListParams, OrgUnitFilter, OrgUnitStore, Page, Scope, StoreError, StoreResult};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    code: String,
    name: String,
    kind: String,
    parent_id: Option<i64>,
    path: String,
    depth: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl Row {
    fn into_api(self) -> StoreResult<OrgUnit> {
        Ok(OrgUnit {
            id: self.id,
            code: code(self.code)?,
            name: self.name,
            kind: word(&self.kind, |k| OrgUnitKind::parse(k).ok_or(()), "org unit kind")?,
            parent_id: self.parent_id,
            depth: i32::try_from(self.depth).map_err(|_| StoreError::Corrupt("depth".into()))?,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const SELECT: &str =
    "SELECT u.id, u.code, u.name, u.kind, u.parent_id, u.path, u.depth, u.created_at, u.updated_at FROM org_units u WHERE 1=1";

/// What makes a row a rep's own (see `Query::scoped`).
const OWN: Option<&str> = None;

impl SqlStore {
    async fn unit_row(&self, scope: &Scope, id: i64) -> StoreResult<Row> {
        let mut q = Query::new(SELECT);
        q.and("u.id = {}", Arg::I64(id));
        q.scoped(scope, OWN);
        fetch_rows::<Row>(&self.pool, &q).await?.pop().ok_or(StoreError::not_found("org unit"))
    }

    /// The subtree of a unit named in a list filter; a unit outside the
    /// caller's scope is reported exactly like one that does not exist.
    pub(super) async fn scope_of_unit_within(&self, scope: &Scope, id: i64, field: &str) -> StoreResult<Scope> {
        match self.unit_row(scope, id).await {
            Ok(row) => Ok(Scope::subtree(&row.path)),
            Err(StoreError::NotFound { .. }) => Err(StoreError::invalid(field, "no such org unit")),
            Err(e) => Err(e),
        }
    }
}

#[async_trait]
impl OrgUnitStore for SqlStore {
    async fn create_org_unit(&self, scope: &Scope, new: &NewOrgUnit) -> StoreResult<OrgUnit> {
        let (parent_path, depth) = match new.parent_id {
            Some(pid) => {
                let parent = self.unit_row(scope, pid).await.map_err(|e| match e {
                    StoreError::NotFound { .. } => StoreError::invalid("parent_id", "no such org unit"),
                    e => e,
                })?;
                (parent.path, parent.depth + 1)
            }
            None => {
                if !scope.is_all() {
                    return Err(StoreError::invalid("parent_id", "is required"));
                }
                if self.root_org_unit().await?.is_some() {
                    return Err(StoreError::invalid("parent_id", "is required: the company root already exists"));
                }
                ("/".to_owned(), 0)
            }
        };
        if (new.parent_id.is_none()) != (new.kind == OrgUnitKind::Company) {
            return Err(StoreError::invalid("kind", "must be company for the root, and only for the root"));
        }
        let ts = now();
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        // The path needs the new id, so the row is written with a unique
        // placeholder path and completed in the same transaction.
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO org_units (code, name, kind, parent_id, path, depth, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(new.code.as_str())
        .bind(&new.name)
        .bind(new.kind.as_str())
        .bind(new.parent_id)
        .bind(format!("new:{}", new.code))
        .bind(depth)
        .bind(ts)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| on_write(e, "code", "parent_id"))?;
        sqlx::query("UPDATE org_units SET path = $1 WHERE id = $2")
            .bind(format!("{parent_path}{id}/"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.get_org_unit(scope, id).await
    }

    async fn get_org_unit(&self, scope: &Scope, id: i64) -> StoreResult<OrgUnit> {
        self.unit_row(scope, id).await?.into_api()
    }

    async fn find_org_unit_by_code(&self, scope: &Scope, code: &str) -> StoreResult<OrgUnit> {
        let mut q = Query::new(SELECT);
        q.and("u.code = {}", Arg::Text(code.to_owned()));
        q.scoped(scope, OWN);
        fetch_rows::<Row>(&self.pool, &q).await?.pop().ok_or(StoreError::not_found("org unit"))?.into_api()
    }

    async fn list_org_units(&self, scope: &Scope, filter: &OrgUnitFilter, params: &ListParams) -> StoreResult<Page<OrgUnit>> {
        let mut q = Query::new(SELECT);
        q.scoped(scope, OWN);
        q.and_opt("u.parent_id = {}", filter.parent_id, Arg::I64);
        q.and_opt("u.kind = {}", filter.kind, |k| Arg::Text(k.as_str().to_owned()));
        if let Some(under) = filter.under {
            let sub = self.scope_of_unit_within(scope, under, "under").await?;
            q.and("u.path LIKE {}", Arg::Text(sub.like_pattern()));
            q.and("u.id <> {}", Arg::I64(under));
        }
        q.search(&["u.code", "u.name"], filter.q.as_deref());
        let ks = Keyset::apply(&mut q, params, crate::sorts::ORG_UNITS, "u.id")?;
        let rows = fetch_rows::<Row>(&self.pool, &q).await?;
        let page = ks.page(rows, |r, sort| {
            let v = match sort {
                "code" => Arg::Text(r.code.clone()),
                "name" => Arg::Text(r.name.clone()),
                "depth" => Arg::I64(r.depth),
                _ => Arg::I64(r.id),
            };
            (v, r.id)
        });
        Ok(Page { items: page.items.into_iter().map(Row::into_api).collect::<StoreResult<_>>()?, next_cursor: page.next_cursor })
    }

    async fn update_org_unit(&self, scope: &Scope, id: i64, patch: &OrgUnitPatch) -> StoreResult<OrgUnit> {
        let unit = self.unit_row(scope, id).await?;
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        let ts = now();
        if let Some(kind) = patch.kind {
            if (unit.parent_id.is_none()) != (kind == OrgUnitKind::Company) {
                return Err(StoreError::invalid("kind", "must be company for the root, and only for the root"));
            }
            sqlx::query("UPDATE org_units SET kind = $1, updated_at = $2 WHERE id = $3")
                .bind(kind.as_str())
                .bind(ts)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(name) = &patch.name {
            sqlx::query("UPDATE org_units SET name = $1, updated_at = $2 WHERE id = $3")
                .bind(name)
                .bind(ts)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(new_parent) = patch.parent_id {
            let Some(new_parent) = new_parent else {
                return Err(StoreError::invalid("parent_id", "only the company is a root; a unit cannot be detached"));
            };
            if unit.parent_id.is_none() {
                return Err(StoreError::invalid("parent_id", "the company root cannot be moved"));
            }
            let parent = self.unit_row(scope, new_parent).await.map_err(|e| match e {
                StoreError::NotFound { .. } => StoreError::invalid("parent_id", "no such org unit"),
                e => e,
            })?;
            if parent.path.starts_with(&unit.path) {
                return Err(StoreError::invalid("parent_id", "a unit cannot move under itself or one of its descendants"));
            }
            if Some(new_parent) != unit.parent_id {
                let new_path = format!("{}{}/", parent.path, id);
                let delta = parent.depth + 1 - unit.depth;
                // Re-root the whole subtree: every descendant's path starts
                // with the unit's old path, which is swapped for the new one.
                sqlx::query(
                    "UPDATE org_units SET path = $1 || SUBSTR(path, CAST($2 AS INTEGER)), depth = depth + $3, updated_at = $4 \
                     WHERE path LIKE $5",
                )
                .bind(&new_path)
                .bind(i64::try_from(unit.path.len()).unwrap_or(i64::MAX) + 1)
                .bind(delta)
                .bind(ts)
                .bind(format!("{}%", unit.path))
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE org_units SET parent_id = $1 WHERE id = $2")
                    .bind(new_parent)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        self.get_org_unit(scope, id).await
    }

    async fn delete_org_unit(&self, scope: &Scope, id: i64) -> StoreResult<()> {
        self.unit_row(scope, id).await?;
        let (children, reps, customers, users, plans): (i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM org_units WHERE parent_id = $1), \
                    (SELECT COUNT(*) FROM reps WHERE unit_id = $1), \
                    (SELECT COUNT(*) FROM customers WHERE unit_id = $1), \
                    (SELECT COUNT(*) FROM users WHERE unit_id = $1), \
                    (SELECT COUNT(*) FROM plans WHERE unit_id = $1)",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?;
        if children + reps + customers + users + plans > 0 {
            return Err(StoreError::conflict(
                "id",
                format!(
                    "the unit still has {children} child units, {reps} reps, {customers} customers, {users} users and \
                     {plans} plans; move or delete them first"
                ),
            ));
        }
        sqlx::query("DELETE FROM org_units WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(|e| on_delete(e, "API tokens or lines of other plans still name the unit; revoke or change them first"))?;
        Ok(())
    }

    async fn root_org_unit(&self) -> StoreResult<Option<OrgUnit>> {
        let q = Query::new(&format!("{SELECT} AND u.parent_id IS NULL"));
        fetch_rows::<Row>(&self.pool, &q).await?.pop().map(Row::into_api).transpose()
    }

    async fn scope_of_unit(&self, id: i64) -> StoreResult<Scope> {
        Ok(Scope::subtree(&self.unit_row(&Scope::all(), id).await?.path))
    }
}
