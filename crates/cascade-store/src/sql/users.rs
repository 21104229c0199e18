//! Login identities. A user linked to a rep is scoped by that rep's unit; a
//! user without a rep is visible to company-wide scopes only.

use async_trait::async_trait;
use cascade_api_types::{NewUser, User, UserPatch};
use chrono::{DateTime, Utc};

use super::{code, fetch_rows, now, SqlStore};
use crate::error::on_write;
use crate::list::{Arg, Keyset, Query, SortColumn, SortType};
use crate::{ListParams, Page, Scope, StoreError, StoreResult, UserFilter, UserStore};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    username: String,
    display_name: String,
    rep_id: Option<i64>,
    dingtalk_userid: Option<String>,
    active: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl Row {
    fn into_api(self) -> StoreResult<User> {
        Ok(User {
            id: self.id,
            username: code(self.username)?,
            display_name: self.display_name,
            rep_id: self.rep_id,
            dingtalk_userid: self.dingtalk_userid,
            active: self.active,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const SELECT: &str =
    "SELECT s.id, s.username, s.display_name, s.rep_id, s.dingtalk_userid, s.active, s.created_at, s.updated_at \
     FROM users s LEFT JOIN reps r ON r.id = s.rep_id LEFT JOIN org_units u ON u.id = r.unit_id WHERE 1=1";

const SORTS: &[SortColumn] = &[
    SortColumn { name: "id", expr: "s.id", ty: SortType::Int },
    SortColumn { name: "username", expr: "s.username", ty: SortType::Text },
    SortColumn { name: "display_name", expr: "s.display_name", ty: SortType::Text },
];

fn scoped(q: &mut Query, scope: &Scope) {
    if !scope.is_all() {
        q.and("u.path LIKE {}", Arg::Text(scope.like_pattern()));
    }
}

#[async_trait]
impl UserStore for SqlStore {
    async fn create_user(&self, scope: &Scope, new: &NewUser) -> StoreResult<User> {
        if let Some(rep) = new.rep_id {
            self.check_rep(scope, rep, "rep_id").await?;
        } else if !scope.is_all() {
            return Err(StoreError::invalid("rep_id", "is required: a user without a rep is company-wide"));
        }
        let ts = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, rep_id, dingtalk_userid, active, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, TRUE, $5, $5) RETURNING id",
        )
        .bind(new.username.as_str())
        .bind(&new.display_name)
        .bind(new.rep_id)
        .bind(&new.dingtalk_userid)
        .bind(ts)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| unique_field(e, new.rep_id.is_some(), new.dingtalk_userid.is_some()))?;
        self.get_user(scope, id).await
    }

    async fn get_user(&self, scope: &Scope, id: i64) -> StoreResult<User> {
        let mut q = Query::new(SELECT);
        q.and("s.id = {}", Arg::I64(id));
        scoped(&mut q, scope);
        fetch_rows::<Row>(&self.pool, &q).await?.pop().ok_or(StoreError::not_found("user"))?.into_api()
    }

    async fn list_users(&self, scope: &Scope, filter: &UserFilter, params: &ListParams) -> StoreResult<Page<User>> {
        let mut q = Query::new(SELECT);
        scoped(&mut q, scope);
        q.and_opt("s.active = {}", filter.active, Arg::Bool);
        q.search(&["s.username", "s.display_name"], filter.q.as_deref());
        let ks = Keyset::apply(&mut q, params, SORTS, "s.id")?;
        let rows = fetch_rows::<Row>(&self.pool, &q).await?;
        let page = ks.page(rows, |r, sort| {
            let v = match sort {
                "username" => Arg::Text(r.username.clone()),
                "display_name" => Arg::Text(r.display_name.clone()),
                _ => Arg::I64(r.id),
            };
            (v, r.id)
        });
        Ok(Page { items: page.items.into_iter().map(Row::into_api).collect::<StoreResult<_>>()?, next_cursor: page.next_cursor })
    }

    async fn update_user(&self, scope: &Scope, id: i64, patch: &UserPatch) -> StoreResult<User> {
        let cur = self.get_user(scope, id).await?;
        let rep_id = match patch.rep_id {
            Some(Some(rep)) => {
                self.check_rep(scope, rep, "rep_id").await?;
                Some(rep)
            }
            Some(None) if !scope.is_all() => {
                return Err(StoreError::invalid("rep_id", "only a company-wide scope may unlink a user from its rep"))
            }
            Some(None) => None,
            None => cur.rep_id,
        };
        let dingtalk = match &patch.dingtalk_userid {
            Some(v) => v.clone(),
            None => cur.dingtalk_userid.clone(),
        };
        sqlx::query(
            "UPDATE users SET display_name = $1, rep_id = $2, dingtalk_userid = $3, active = $4, updated_at = $5 WHERE id = $6",
        )
        .bind(patch.display_name.as_ref().unwrap_or(&cur.display_name))
        .bind(rep_id)
        .bind(&dingtalk)
        .bind(patch.active.unwrap_or(cur.active))
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(|e| unique_field(e, patch.rep_id.is_some(), patch.dingtalk_userid.is_some()))?;
        self.get_user(scope, id).await
    }

    async fn delete_user(&self, scope: &Scope, id: i64) -> StoreResult<()> {
        self.get_user(scope, id).await?;
        sqlx::query("DELETE FROM users WHERE id = $1").bind(id).execute(&self.pool).await?;
        Ok(())
    }
}

/// Users have three unique columns and SQLite does not name the violated
/// constraint portably, so the message names the candidates the write touched.
fn unique_field(err: sqlx::Error, rep: bool, dingtalk: bool) -> StoreError {
    match on_write(err, "username", "rep_id") {
        StoreError::Conflict { .. } => {
            let mut fields = vec!["username"];
            if rep {
                fields.push("rep_id");
            }
            if dingtalk {
                fields.push("dingtalk_userid");
            }
            let field = if fields.len() == 1 { "username".to_owned() } else { fields.join(" or ") };
            StoreError::conflict(field, "is already used by another user")
        }
        e => e,
    }
}
