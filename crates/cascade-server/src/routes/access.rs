//! `/roles`, `/api-tokens`, `/audit`: the permission matrix an admin edits,
//! long-lived tokens for third-party systems, and the audit log.

use std::collections::BTreeSet;

use actix_web::{delete, get, post, put, web, HttpResponse};
use cascade_api_types::{ApiToken, ApiTokenPage, AuditPage, IssuedApiToken, NewApiToken, RolePermissions, RolePermissionsUpdate};
use cascade_core::access::{check_grant, check_matrix_edit, GrantError};
use cascade_core::{Permission, Role};
use cascade_store::{AuditFilter, NewApiTokenRow};
use chrono::{DateTime, Utc};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{list_query, page};
use crate::auth::{tokens, Caller};
use crate::error::docs::{BadInput, BadQuery, NotFound};
use crate::error::{ApiError, Errors};
use crate::extract::{Json, Query};
use crate::state::AppState;
use crate::validate;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_roles)
        .service(set_role_permissions)
        .service(list_api_tokens)
        .service(issue_api_token)
        .service(revoke_api_token)
        .service(list_audit_entries);
}

fn grant_error(field: &str, e: GrantError) -> ApiError {
    match e {
        GrantError::NotHeld(_) => ApiError::Forbidden(format!("{field}: {e}")),
        GrantError::AdminFloor(_) => ApiError::invalid(field, e.to_string()),
    }
}

/// The role → permission matrix.
#[utoipa::path(tag = "access", security(("bearer" = ["users.read"])), responses((status = 200, body = Vec<RolePermissions>)))]
#[get("/roles")]
pub async fn list_roles(state: web::Data<AppState>, caller: Caller) -> Result<web::Json<Vec<RolePermissions>>, ApiError> {
    caller.require(Permission::UsersRead)?;
    let matrix = state.store.permission_matrix().await?;
    Ok(web::Json(
        matrix.into_iter().map(|(role, perms)| RolePermissions { role, permissions: perms.into_iter().collect() }).collect(),
    ))
}

/// Replace a role's permissions. You can only add or remove permissions you
/// hold yourself, and the admin role always keeps `permissions.write`,
/// `users.read` and `users.write`. Takes effect on the next request of every
/// user of the role.
#[utoipa::path(
    tag = "access",
    params(("role" = Role, Path)),
    request_body = RolePermissionsUpdate,
    security(("bearer" = ["permissions.write"])),
    responses((status = 200, body = RolePermissions), BadInput, NotFound)
)]
#[put("/roles/{role}/permissions")]
pub async fn set_role_permissions(
    state: web::Data<AppState>,
    caller: Caller,
    role: web::Path<String>,
    body: Json<RolePermissionsUpdate>,
) -> Result<web::Json<RolePermissions>, ApiError> {
    caller.require(Permission::PermissionsWrite)?;
    caller.require_company_scope("changing the permission matrix")?;
    let role = Role::parse(&role).map_err(|_| ApiError::NotFound("role"))?;
    let after: BTreeSet<Permission> = body.0.permissions.into_iter().collect();
    let before = state.store.permissions_of(role).await?;
    check_matrix_edit(&caller.permissions, role, &before, &after).map_err(|e| grant_error("permissions", e))?;
    state.store.set_permissions(role, &after).await?;
    let out = RolePermissions { role, permissions: after.into_iter().collect() };
    let was = RolePermissions { role, permissions: before.into_iter().collect() };
    caller.audit(&state, "update", "role_permissions", role, Some(&was), Some(&out)).await;
    Ok(web::Json(out))
}

list_query!(
    /// Paging of the API token list.
    TokenQuery sorted by cascade_store::sorts::API_TOKENS {}
);

/// API tokens whose unit lies in your scope, revoked ones included.
#[utoipa::path(tag = "access", params(TokenQuery), security(("bearer" = ["api_tokens.write"])), responses((status = 200, body = ApiTokenPage), BadQuery))]
#[get("/api-tokens")]
pub async fn list_api_tokens(
    state: web::Data<AppState>,
    caller: Caller,
    q: Query<TokenQuery>,
) -> Result<web::Json<ApiTokenPage>, ApiError> {
    caller.require(Permission::ApiTokensWrite)?;
    let p = state.store.list_api_tokens(&caller.scope, &q.0.list_params()?).await?;
    Ok(web::Json(page(p, |items, next_cursor| ApiTokenPage { items, next_cursor })))
}

/// Issue an API token for a third-party system. It acts with `role`'s
/// permissions (never more than yours) inside `unit_id`'s subtree (inside
/// your scope). The token is in this answer only: store it now.
#[utoipa::path(
    tag = "access",
    request_body = NewApiToken,
    security(("bearer" = ["api_tokens.write"])),
    responses((status = 201, body = IssuedApiToken), BadInput)
)]
#[post("/api-tokens")]
pub async fn issue_api_token(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewApiToken>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ApiTokensWrite)?;
    if caller.api_token_id.is_some() {
        return Err(ApiError::Forbidden("an API token cannot issue API tokens".to_owned()));
    }
    let mut new = body.0;
    let mut errs = Errors::default();
    validate::name(&mut errs, "name", &mut new.name);
    errs.finish()?;
    let granted = state.store.permissions_of(new.role).await?;
    check_grant(&caller.permissions, &granted).map_err(|e| grant_error("role", e))?;
    let token = format!("{}{}", tokens::API_TOKEN_PREFIX, tokens::random_token(32));
    let row = NewApiTokenRow {
        name: new.name,
        prefix: token.chars().take(10).collect(),
        token_hash: tokens::token_hash(&token),
        role: new.role,
        unit_id: new.unit_id,
        created_by: caller.user_id,
        expires_on: new.expires_on,
    };
    let api_token = state.store.create_api_token(&caller.scope, &row).await?;
    caller.audit(&state, "create", "api_token", api_token.id, None::<&()>, Some(&api_token)).await;
    Ok(super::created("api-tokens", api_token.id, &IssuedApiToken { token, api_token }))
}

/// Revoke an API token at once. It stays listed, with `revoked_at`.
#[utoipa::path(
    tag = "access",
    params(("id" = i64, Path)),
    security(("bearer" = ["api_tokens.write"])),
    responses((status = 200, body = ApiToken), NotFound)
)]
#[delete("/api-tokens/{id}")]
pub async fn revoke_api_token(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<ApiToken>, ApiError> {
    caller.require(Permission::ApiTokensWrite)?;
    let t = state.store.revoke_api_token(&caller.scope, *id).await?;
    caller.audit(&state, "revoke", "api_token", t.id, None::<&()>, Some(&t)).await;
    Ok(web::Json(t))
}

list_query!(
    /// Filters of the audit log. Newest first unless `order=asc`.
    AuditQuery sorted by cascade_store::sorts::AUDIT {
        actor_user_id: Option<i64>,
        /// e.g. `login`, `login_failed`, `create`, `update`, `delete`, `import`.
        action: Option<String>,
        /// e.g. `customer`, `user`, `role_permissions`.
        entity: Option<String>,
        entity_id: Option<String>,
        /// Entries at or after this instant (RFC 3339).
        since: Option<DateTime<Utc>>,
        /// Entries before this instant (RFC 3339).
        until: Option<DateTime<Utc>>,
    }
);

/// The audit log: every sign-in attempt and every write, with before and
/// after. Read-only: nothing can change or delete an entry.
#[utoipa::path(tag = "access", params(AuditQuery), security(("bearer" = ["audit.read"])), responses((status = 200, body = AuditPage), BadQuery))]
#[get("/audit")]
pub async fn list_audit_entries(
    state: web::Data<AppState>,
    caller: Caller,
    q: Query<AuditQuery>,
) -> Result<web::Json<AuditPage>, ApiError> {
    caller.require(Permission::AuditRead)?;
    caller.require_company_scope("reading the audit log")?;
    let q = q.0;
    let mut params = q.list_params()?;
    if q.order.is_none() {
        params.order = cascade_api_types::SortOrder::Desc;
    }
    let filter = AuditFilter {
        actor_user_id: q.actor_user_id,
        action: q.action,
        entity: q.entity,
        entity_id: q.entity_id,
        since: q.since,
        until: q.until,
    };
    let p = state.store.list_audit(&filter, &params).await?;
    Ok(web::Json(page(p, |items, next_cursor| AuditPage { items, next_cursor })))
}
