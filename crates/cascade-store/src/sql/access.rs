//! Principals, the permission matrix, refresh-token families, API tokens and
//! the audit log.

use std::collections::BTreeSet;

use async_trait::async_trait;
use cascade_api_types::{ApiToken, AuditEntry};
use cascade_core::{Permission, Role};
use chrono::{DateTime, NaiveDate, Utc};

use super::{fetch_rows, now, word, SqlStore};
use crate::access::TokenPrincipal;
use crate::error::on_write;
use crate::list::{Arg, Keyset, Query};
use crate::{
    AccessStore, AuditFilter, ListParams, NewApiTokenRow, NewAuditEntry, NewRefreshToken, Page, Principal, Scope, Spent,
    StoreError, StoreResult,
};

#[derive(sqlx::FromRow)]
struct PrincipalRow {
    id: i64,
    username: String,
    display_name: String,
    role: String,
    unit_id: i64,
    unit_code: String,
    unit_path: String,
    rep_id: Option<i64>,
    active: bool,
    password_hash: Option<String>,
}

impl PrincipalRow {
    fn into_principal(self) -> StoreResult<Principal> {
        Ok(Principal {
            user_id: self.id,
            username: self.username,
            display_name: self.display_name,
            role: word(&self.role, Role::parse, "role")?,
            unit_id: self.unit_id,
            unit_code: self.unit_code,
            unit_path: self.unit_path,
            rep_id: self.rep_id,
            active: self.active,
            password_hash: self.password_hash,
        })
    }
}

const PRINCIPAL: &str = "SELECT s.id, s.username, s.display_name, s.role, s.unit_id, u.code AS unit_code, u.path AS unit_path, \
     s.rep_id, s.active, s.password_hash FROM users s JOIN org_units u ON u.id = s.unit_id";

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    prefix: String,
    role: String,
    unit_id: i64,
    created_by: i64,
    created_at: DateTime<Utc>,
    expires_on: Option<NaiveDate>,
    revoked_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
}

impl TokenRow {
    fn into_api(self) -> StoreResult<ApiToken> {
        Ok(ApiToken {
            id: self.id,
            name: self.name,
            prefix: self.prefix,
            role: word(&self.role, Role::parse, "role")?,
            unit_id: self.unit_id,
            created_by: self.created_by,
            created_at: self.created_at,
            expires_on: self.expires_on,
            revoked_at: self.revoked_at,
            last_used_at: self.last_used_at,
        })
    }
}

const TOKENS: &str = "SELECT t.id, t.name, t.prefix, t.role, t.unit_id, t.created_by, t.created_at, t.expires_on, t.revoked_at, \
     t.last_used_at FROM api_tokens t JOIN org_units u ON u.id = t.unit_id WHERE 1=1";

/// A token with the unit it acts in, for authenticating a request.
#[derive(sqlx::FromRow)]
struct LiveToken {
    #[sqlx(flatten)]
    token: TokenRow,
    unit_code: String,
    unit_path: String,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    actor_user_id: Option<i64>,
    actor: String,
    api_token_id: Option<i64>,
    action: String,
    entity: String,
    entity_id: Option<String>,
    before_json: Option<String>,
    after_json: Option<String>,
    client_ip: Option<String>,
}

fn json(v: Option<String>) -> StoreResult<Option<serde_json::Value>> {
    v.map(|s| serde_json::from_str(&s).map_err(|e| StoreError::Corrupt(format!("audit JSON: {e}")))).transpose()
}

impl AuditRow {
    fn into_api(self) -> StoreResult<AuditEntry> {
        Ok(AuditEntry {
            id: self.id,
            at: self.at,
            actor_user_id: self.actor_user_id,
            actor: self.actor,
            api_token_id: self.api_token_id,
            action: self.action,
            entity: self.entity,
            entity_id: self.entity_id,
            before: json(self.before_json)?,
            after: json(self.after_json)?,
            client_ip: self.client_ip,
        })
    }
}

const AUDIT: &str =
    "SELECT a.id, a.at, a.actor_user_id, a.actor, a.api_token_id, a.action, a.entity, a.entity_id, a.before_json, \
     a.after_json, a.client_ip FROM audit_log a WHERE 1=1";

fn permission_set(rows: Vec<String>) -> StoreResult<BTreeSet<Permission>> {
    rows.iter().map(|p| word(p, Permission::parse, "permission")).collect()
}

#[async_trait]
impl AccessStore for SqlStore {
    async fn principal_by_username(&self, username: &str) -> StoreResult<Option<Principal>> {
        let row: Option<PrincipalRow> =
            sqlx::query_as(&format!("{PRINCIPAL} WHERE s.username = $1")).bind(username).fetch_optional(&self.pool).await?;
        row.map(PrincipalRow::into_principal).transpose()
    }

    async fn principal(&self, user_id: i64) -> StoreResult<Option<Principal>> {
        let row: Option<PrincipalRow> =
            sqlx::query_as(&format!("{PRINCIPAL} WHERE s.id = $1")).bind(user_id).fetch_optional(&self.pool).await?;
        row.map(PrincipalRow::into_principal).transpose()
    }

    async fn permissions_of(&self, role: Role) -> StoreResult<BTreeSet<Permission>> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT permission FROM role_permissions WHERE role = $1")
            .bind(role.as_str())
            .fetch_all(&self.pool)
            .await?;
        permission_set(rows)
    }

    async fn permission_matrix(&self) -> StoreResult<Vec<(Role, BTreeSet<Permission>)>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT role, permission FROM role_permissions").fetch_all(&self.pool).await?;
        let mut out: Vec<(Role, BTreeSet<Permission>)> = Role::ALL.iter().map(|r| (*r, BTreeSet::new())).collect();
        for (role, permission) in rows {
            let role = word(&role, Role::parse, "role")?;
            let permission = word(&permission, Permission::parse, "permission")?;
            if let Some((_, set)) = out.iter_mut().find(|(r, _)| *r == role) {
                set.insert(permission);
            }
        }
        Ok(out)
    }

    async fn set_permissions(&self, role: Role, permissions: &BTreeSet<Permission>) -> StoreResult<()> {
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        sqlx::query("DELETE FROM role_permissions WHERE role = $1").bind(role.as_str()).execute(&mut *tx).await?;
        for p in permissions {
            sqlx::query("INSERT INTO role_permissions (role, permission) VALUES ($1, $2)")
                .bind(role.as_str())
                .bind(p.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn seed_permissions(&self, matrix: &[(Role, BTreeSet<Permission>)]) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM role_permissions").fetch_one(&mut *tx).await?;
        if n > 0 {
            return Ok(false);
        }
        for (role, perms) in matrix {
            for p in perms {
                sqlx::query("INSERT INTO role_permissions (role, permission) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(role.as_str())
                    .bind(p.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn active_admins(&self) -> StoreResult<Vec<i64>> {
        Ok(sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' AND active = TRUE ORDER BY id")
            .fetch_all(&self.pool)
            .await?)
    }

    async fn insert_refresh_token(&self, t: &NewRefreshToken) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO refresh_tokens (user_id, family, token_hash, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(t.user_id)
        .bind(&t.family)
        .bind(&t.token_hash)
        .bind(t.issued_at)
        .bind(t.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn spend_refresh_token(&self, token_hash: &str, at: DateTime<Utc>) -> StoreResult<Spent> {
        let mut tx = self.pool.begin_with(super::super::BEGIN).await?;
        let row: Option<(i64, i64, String, DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT id, user_id, family, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id, user_id, family, expires_at, used_at, revoked_at)) = row else {
            return Ok(Spent::Unknown);
        };
        // The conditional update is what makes spending exactly-once when two
        // requests race with the same token: only one sees a row change.
        let spent = used_at.is_none()
            && revoked_at.is_none()
            && sqlx::query("UPDATE refresh_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND revoked_at IS NULL")
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
        let outcome = if !spent {
            sqlx::query("UPDATE refresh_tokens SET revoked_at = $1 WHERE family = $2 AND revoked_at IS NULL")
                .bind(at)
                .bind(&family)
                .execute(&mut *tx)
                .await?;
            Spent::Replayed { user_id }
        } else if expires_at <= at {
            Spent::Expired
        } else {
            Spent::Fresh { user_id, family }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    async fn revoke_refresh_family_of(&self, token_hash: &str, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            "UPDATE refresh_tokens SET revoked_at = $1 WHERE revoked_at IS NULL \
             AND family = (SELECT family FROM refresh_tokens WHERE token_hash = $2)",
        )
        .bind(at)
        .bind(token_hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn create_api_token(&self, scope: &Scope, row: &NewApiTokenRow) -> StoreResult<ApiToken> {
        self.check_unit(scope, row.unit_id, "unit_id").await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (name, prefix, token_hash, role, unit_id, created_by, created_at, expires_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&row.name)
        .bind(&row.prefix)
        .bind(&row.token_hash)
        .bind(row.role.as_str())
        .bind(row.unit_id)
        .bind(row.created_by)
        .bind(now())
        .bind(row.expires_on)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| on_write(e, "token", "unit_id"))?;
        self.get_api_token(scope, id).await
    }

    async fn list_api_tokens(&self, scope: &Scope, params: &ListParams) -> StoreResult<Page<ApiToken>> {
        let mut q = Query::new(TOKENS);
        q.scoped(scope, None);
        let ks = Keyset::apply(&mut q, params, crate::sorts::API_TOKENS, "t.id")?;
        let rows = fetch_rows::<TokenRow>(&self.pool, &q).await?;
        let page = ks.page(rows, |r, _| (Arg::I64(r.id), r.id));
        Ok(Page {
            items: page.items.into_iter().map(TokenRow::into_api).collect::<StoreResult<_>>()?,
            next_cursor: page.next_cursor,
        })
    }

    async fn revoke_api_token(&self, scope: &Scope, id: i64) -> StoreResult<ApiToken> {
        self.get_api_token(scope, id).await?;
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        self.get_api_token(scope, id).await
    }

    async fn api_token_principal(&self, token_hash: &str, today: NaiveDate) -> StoreResult<Option<TokenPrincipal>> {
        let live: Option<LiveToken> = sqlx::query_as(&format!(
            "{} AND t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_on IS NULL OR t.expires_on >= $2)",
            TOKENS.replace(" FROM api_tokens", ", u.code AS unit_code, u.path AS unit_path FROM api_tokens")
        ))
        .bind(token_hash)
        .bind(today)
        .fetch_optional(&self.pool)
        .await?;
        let Some(live) = live else { return Ok(None) };
        let token = live.token.into_api()?;
        let Some(issuer) = self.principal(token.created_by).await? else { return Ok(None) };
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now())
            .bind(token.id)
            .execute(&self.pool)
            .await?;
        Ok(Some(TokenPrincipal { token, unit_code: live.unit_code, unit_path: live.unit_path, issuer }))
    }

    async fn append_audit(&self, e: &NewAuditEntry) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_user_id, actor, api_token_id, action, entity, entity_id, before_json, after_json, \
             client_ip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(now())
        .bind(e.actor_user_id)
        .bind(&e.actor)
        .bind(e.api_token_id)
        .bind(&e.action)
        .bind(&e.entity)
        .bind(&e.entity_id)
        .bind(e.before.as_ref().map(|v| v.to_string()))
        .bind(e.after.as_ref().map(|v| v.to_string()))
        .bind(&e.client_ip)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn list_audit(&self, filter: &AuditFilter, params: &ListParams) -> StoreResult<Page<AuditEntry>> {
        let mut q = Query::new(AUDIT);
        q.and_opt("a.actor_user_id = {}", filter.actor_user_id, Arg::I64);
        q.and_opt("a.action = {}", filter.action.clone(), Arg::Text);
        q.and_opt("a.entity = {}", filter.entity.clone(), Arg::Text);
        q.and_opt("a.entity_id = {}", filter.entity_id.clone(), Arg::Text);
        q.and_opt("a.at >= {}", filter.since, Arg::Time);
        q.and_opt("a.at < {}", filter.until, Arg::Time);
        let ks = Keyset::apply(&mut q, params, crate::sorts::AUDIT, "a.id")?;
        let rows = fetch_rows::<AuditRow>(&self.pool, &q).await?;
        let page = ks.page(rows, |r, _| (Arg::I64(r.id), r.id));
        Ok(Page {
            items: page.items.into_iter().map(AuditRow::into_api).collect::<StoreResult<_>>()?,
            next_cursor: page.next_cursor,
        })
    }
}

impl SqlStore {
    async fn get_api_token(&self, scope: &Scope, id: i64) -> StoreResult<ApiToken> {
        let mut q = Query::new(TOKENS);
        q.and("t.id = {}", Arg::I64(id));
        q.scoped(scope, None);
        fetch_rows::<TokenRow>(&self.pool, &q).await?.pop().ok_or(StoreError::not_found("API token"))?.into_api()
    }
}
