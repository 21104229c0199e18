//! Login identities: role, scope unit, password hash and DingTalk userid. A
//! user is placed by their scope unit: callers whose scope contains that unit
//! see the user; a rep sees only their own user.

use async_trait::async_trait;
use cascade_api_types::{NewUser, User, UserPatch};
use cascade_core::Role;
use chrono::{DateTime, Utc};

use super::{code, fetch_rows, now, word, SqlStore};
use crate::error::{on_delete, on_write};
use crate::list::{Arg, Keyset, Query};
use crate::{ListParams, Page, Scope, StoreError, StoreResult, UserFilter, UserStore};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    username: String,
    display_name: String,
    rep_id: Option<i64>,
    dingtalk_userid: Option<String>,
    role: String,
    unit_id: i64,
    has_password: bool,
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
            role: word(&self.role, Role::parse, "role")?,
            unit_id: self.unit_id,
            has_password: self.has_password,
            active: self.active,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const SELECT: &str = "SELECT s.id, s.username, s.display_name, s.rep_id, s.dingtalk_userid, s.role, s.unit_id, \
     s.password_hash IS NOT NULL AS has_password, s.active, s.created_at, s.updated_at \
     FROM users s JOIN org_units u ON u.id = s.unit_id WHERE 1=1";

/// What makes a row a rep's own (see `Query::scoped`).
const OWN: Option<&str> = Some("s.rep_id = {}");

impl SqlStore {
    /// A user's rep must work inside the user's scope unit.
    async fn check_rep_under(&self, rep_id: i64, unit_id: i64) -> StoreResult<()> {
        let inside: Option<i64> = sqlx::query_scalar(
            "SELECT r.id FROM reps r JOIN org_units ru ON ru.id = r.unit_id JOIN org_units su ON su.id = $2 \
             WHERE r.id = $1 AND ru.path LIKE su.path || '%'",
        )
        .bind(rep_id)
        .bind(unit_id)
        .fetch_optional(&self.pool)
        .await?;
        inside.map(|_| ()).ok_or_else(|| StoreError::invalid("rep_id", "the rep works outside the user's unit"))
    }
}

#[async_trait]
impl UserStore for SqlStore {
    async fn create_user(&self, scope: &Scope, new: &NewUser, password_hash: Option<&str>) -> StoreResult<User> {
        self.check_unit(scope, new.unit_id, "unit_id").await?;
        if let Some(rep) = new.rep_id {
            self.check_rep(scope, rep, "rep_id").await?;
            self.check_rep_under(rep, new.unit_id).await?;
        }
        let ts = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, rep_id, dingtalk_userid, role, unit_id, password_hash, active, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $8) RETURNING id",
        )
        .bind(new.username.as_str())
        .bind(&new.display_name)
        .bind(new.rep_id)
        .bind(&new.dingtalk_userid)
        .bind(new.role.as_str())
        .bind(new.unit_id)
        .bind(password_hash)
        .bind(ts)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| unique_field(e, new.rep_id.is_some(), new.dingtalk_userid.is_some()))?;
        self.get_user(scope, id).await
    }

    async fn get_user(&self, scope: &Scope, id: i64) -> StoreResult<User> {
        let mut q = Query::new(SELECT);
        q.and("s.id = {}", Arg::I64(id));
        q.scoped(scope, OWN);
        fetch_rows::<Row>(&self.pool, &q).await?.pop().ok_or(StoreError::not_found("user"))?.into_api()
    }

    async fn list_users(&self, scope: &Scope, filter: &UserFilter, params: &ListParams) -> StoreResult<Page<User>> {
        let mut q = Query::new(SELECT);
        q.scoped(scope, OWN);
        q.and_opt("s.active = {}", filter.active, Arg::Bool);
        q.and_opt("s.role = {}", filter.role, |r| Arg::Text(r.as_str().to_owned()));
        if let Some(unit) = filter.unit_id {
            let sub = self.scope_of_unit_within(scope, unit, "unit_id").await?;
            q.and("u.path LIKE {}", Arg::Text(sub.like_pattern()));
        }
        q.search(&["s.username", "s.display_name"], filter.q.as_deref());
        let ks = Keyset::apply(&mut q, params, crate::sorts::USERS, "s.id")?;
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

    async fn update_user(&self, scope: &Scope, id: i64, patch: &UserPatch, password_hash: Option<&str>) -> StoreResult<User> {
        let cur = self.get_user(scope, id).await?;
        let unit_id = match patch.unit_id {
            Some(unit) => {
                self.check_unit(scope, unit, "unit_id").await?;
                unit
            }
            None => cur.unit_id,
        };
        let rep_id = match patch.rep_id {
            Some(Some(rep)) => {
                self.check_rep(scope, rep, "rep_id").await?;
                Some(rep)
            }
            Some(None) => None,
            None => cur.rep_id,
        };
        if let Some(rep) = rep_id.filter(|_| patch.rep_id.is_some() || patch.unit_id.is_some()) {
            self.check_rep_under(rep, unit_id).await?;
        }
        let dingtalk = match &patch.dingtalk_userid {
            Some(v) => v.clone(),
            None => cur.dingtalk_userid.clone(),
        };
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        sqlx::query(
            "UPDATE users SET display_name = $1, rep_id = $2, dingtalk_userid = $3, active = $4, role = $5, unit_id = $6, \
             password_hash = COALESCE($7, password_hash), updated_at = $8 WHERE id = $9",
        )
        .bind(patch.display_name.as_ref().unwrap_or(&cur.display_name))
        .bind(rep_id)
        .bind(&dingtalk)
        .bind(patch.active.unwrap_or(cur.active))
        .bind(patch.role.unwrap_or(cur.role).as_str())
        .bind(unit_id)
        .bind(password_hash)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_field(e, patch.rep_id.is_some(), patch.dingtalk_userid.is_some()))?;
        // A new password, role, scope or deactivation ends every session, so
        // nobody keeps acting with what they no longer have.
        let ends_sessions = password_hash.is_some()
            || patch.role.is_some_and(|r| r != cur.role)
            || patch.unit_id.is_some_and(|u| u != cur.unit_id)
            || patch.active == Some(false);
        if ends_sessions {
            sqlx::query("UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(now())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.get_user(&Scope::all(), id).await
    }

    async fn delete_user(&self, scope: &Scope, id: i64) -> StoreResult<()> {
        self.get_user(scope, id).await?;
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        sqlx::query("DELETE FROM refresh_tokens WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        // Only API tokens still point at a user (the audit log keeps no key).
        sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(|e| on_delete(e, "the user issued API tokens: deactivate instead"))?;
        tx.commit().await?;
        Ok(())
    }
}

/// Users have three unique columns and SQLite does not name the violated
/// constraint portably, so the message names the candidates the write touched.
fn unique_field(err: sqlx::Error, rep: bool, dingtalk: bool) -> StoreError {
    match on_write(err, "username", "unit_id") {
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
