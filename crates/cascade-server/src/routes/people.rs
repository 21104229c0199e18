//! `/reps` (sales representatives) and `/users` (login identities).

use actix_web::{delete, get, patch, post, web, HttpResponse};
use cascade_api_types::{CustomEntity, FieldError, NewRep, NewUser, Password, Rep, RepPage, RepPatch, User, UserPage, UserPatch};
use cascade_core::access::check_grant;
use cascade_core::{CapabilityRating, Permission, RepStatus, Role};
use cascade_store::{RepFilter, UserFilter};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{created, list_query, page};
use crate::auth::{password, Caller};
use crate::custom::WithCustom;
use crate::error::docs::{BadInput, BadQuery, Conflict, NotFound};
use crate::error::{ApiError, Errors};
use crate::extract::{Json, Query};
use crate::state::AppState;
use crate::validate;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_reps).service(create_rep).service(get_rep).service(update_rep).service(delete_rep);
    cfg.service(list_users).service(create_user).service(get_user).service(update_user).service(delete_user);
}

list_query!(
    /// Filters of the rep list.
    RepQuery sorted by cascade_store::sorts::REPS {
        /// Reps of this unit and every unit below it.
        unit_id: Option<i64>,
        status: Option<RepStatus>,
        rating: Option<CapabilityRating>,
        /// Substring of employee number or name.
        q: Option<String>,
    }
);

/// List reps. Sort keys: `id`, `employee_no`, `name`, `hire_date`.
#[utoipa::path(tag = "reps", security(("bearer" = ["reps.read"])), params(RepQuery), responses((status = 200, body = RepPage), BadQuery))]
#[get("/reps")]
pub async fn list_reps(
    state: web::Data<AppState>,
    caller: Caller,
    q: WithCustom<RepQuery>,
) -> Result<web::Json<RepPage>, ApiError> {
    caller.require(Permission::RepsRead)?;
    let custom = q.filters(&state, CustomEntity::Rep).await?;
    let q = q.query;
    let filter = RepFilter { unit_id: q.unit_id, status: q.status, rating: q.rating, q: q.q.clone(), custom };
    let p = state.store.list_reps(&caller.scope, &filter, &q.list_params()?).await?;
    Ok(web::Json(page(p, |items, next_cursor| RepPage { items, next_cursor })))
}

/// Create a rep. A status other than `active` needs its effective date.
#[utoipa::path(tag = "reps", security(("bearer" = ["reps.write"])), request_body = NewRep, responses((status = 201, body = Rep), BadInput, Conflict))]
#[post("/reps")]
pub async fn create_rep(state: web::Data<AppState>, caller: Caller, body: Json<NewRep>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::RepsWrite)?;
    let mut new = body.0;
    let mut errs = Errors::default();
    validate::name(&mut errs, "name", &mut new.name);
    crate::custom::check(&state, CustomEntity::Rep, Some(&new.custom), false, &mut errs).await?;
    errs.finish()?;
    let rep = state.store.create_rep(&caller.scope, &new).await?;
    caller.audit(&state, "create", "rep", rep.id, None::<&()>, Some(&rep)).await;
    Ok(created("reps", rep.id, &rep))
}

/// Get one rep.
#[utoipa::path(tag = "reps", security(("bearer" = ["reps.read"])), params(("id" = i64, Path)), responses((status = 200, body = Rep), NotFound))]
#[get("/reps/{id}")]
pub async fn get_rep(state: web::Data<AppState>, caller: Caller, id: web::Path<i64>) -> Result<web::Json<Rep>, ApiError> {
    caller.require(Permission::RepsRead)?;
    Ok(web::Json(state.store.get_rep(&caller.scope, *id).await?))
}

/// Change a rep: move to another unit, re-rate, or change status (with its effective date).
#[utoipa::path(tag = "reps", security(("bearer" = ["reps.write"])), params(("id" = i64, Path)), request_body = RepPatch, responses((status = 200, body = Rep), BadInput, NotFound))]
#[patch("/reps/{id}")]
pub async fn update_rep(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<RepPatch>,
) -> Result<web::Json<Rep>, ApiError> {
    caller.require(Permission::RepsWrite)?;
    let mut patch = body.0;
    let mut errs = Errors::default();
    validate::opt_name(&mut errs, "name", &mut patch.name);
    crate::custom::check(&state, CustomEntity::Rep, patch.custom.as_ref(), true, &mut errs).await?;
    errs.finish()?;
    let before = state.store.get_rep(&caller.scope, *id).await?;
    let after = state.store.update_rep(&caller.scope, *id, &patch).await?;
    caller.audit(&state, "update", "rep", after.id, Some(&before), Some(&after)).await;
    Ok(web::Json(after))
}

/// Delete a rep who owns nothing and has no visits (otherwise set `departed`).
#[utoipa::path(tag = "reps", security(("bearer" = ["reps.write"])), params(("id" = i64, Path)), responses((status = 204, description = "Deleted"), NotFound, Conflict))]
#[delete("/reps/{id}")]
pub async fn delete_rep(state: web::Data<AppState>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::RepsWrite)?;
    let before = state.store.get_rep(&caller.scope, *id).await?;
    state.store.delete_rep(&caller.scope, *id).await?;
    caller.audit(&state, "delete", "rep", before.id, Some(&before), None::<&()>).await;
    Ok(HttpResponse::NoContent().finish())
}

list_query!(
    /// Filters of the user list.
    UserQuery sorted by cascade_store::sorts::USERS {
        active: Option<bool>,
        role: Option<Role>,
        /// Users whose scope unit is this unit or below it.
        unit_id: Option<i64>,
        /// Substring of username or display name.
        q: Option<String>,
    }
);

fn check_dingtalk(errs: &mut Errors, v: Option<&str>) {
    if let Some(v) = v {
        if v.trim().is_empty() || v.chars().count() > 64 || v.chars().any(char::is_control) {
            errs.push("dingtalk_userid", "must be 1–64 characters without control characters");
        }
    }
}

/// List users. Sort keys: `id`, `username`, `display_name`.
#[utoipa::path(tag = "users", security(("bearer" = ["users.read"])), params(UserQuery), responses((status = 200, body = UserPage), BadQuery))]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    q: Query<UserQuery>,
) -> Result<web::Json<UserPage>, ApiError> {
    caller.require(Permission::UsersRead)?;
    let q = q.0;
    let filter = UserFilter { active: q.active, role: q.role, unit_id: q.unit_id, q: q.q.clone() };
    let p = state.store.list_users(&caller.scope, &filter, &q.list_params()?).await?;
    Ok(web::Json(page(p, |items, next_cursor| UserPage { items, next_cursor })))
}

/// 403 unless the caller holds every permission of `role` (nobody grants
/// more than they hold).
async fn check_role_grant(state: &AppState, caller: &Caller, role: Role) -> Result<(), ApiError> {
    let granted = state.store.permissions_of(role).await?;
    check_grant(&caller.permissions, &granted).map_err(|e| ApiError::Forbidden(format!("role: {e}")))
}

/// A password from a body, checked and hashed (argon2id, off the async threads).
async fn password_hash(errs: &mut Errors, pw: Option<&Password>) -> Result<Option<String>, ApiError> {
    let Some(pw) = pw else { return Ok(None) };
    if let Err(reason) = password::check_new(&pw.0) {
        errs.push("password", reason);
        return Ok(None);
    }
    let pw = pw.0.clone();
    let hash = web::block(move || password::hash(&pw)).await.map_err(|e| anyhow::anyhow!("{e}"))??;
    Ok(Some(hash))
}

/// 409 when the change would leave the company without an active admin.
async fn keep_an_admin(state: &AppState, user: &User, stays_admin: bool) -> Result<(), ApiError> {
    if user.role != Role::Admin || !user.active || stays_admin {
        return Ok(());
    }
    let admins = state.store.active_admins().await?;
    if admins.iter().all(|id| *id == user.id) {
        return Err(ApiError::Conflict(FieldError::new("role", "this is the last active admin: make another admin first")));
    }
    Ok(())
}

/// Create a user: a role (never one with permissions you lack), a scope unit
/// inside your scope, optionally a rep, a DingTalk userid and a password.
#[utoipa::path(tag = "users", security(("bearer" = ["users.write"])), request_body = NewUser, responses((status = 201, body = User), BadInput, Conflict))]
#[post("/users")]
pub async fn create_user(state: web::Data<AppState>, caller: Caller, body: Json<NewUser>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::UsersWrite)?;
    let mut new = body.0;
    check_role_grant(&state, &caller, new.role).await?;
    let mut errs = Errors::default();
    validate::name(&mut errs, "display_name", &mut new.display_name);
    check_dingtalk(&mut errs, new.dingtalk_userid.as_deref());
    if new.role == Role::Rep && new.rep_id.is_none() {
        errs.push("rep_id", "is required for the rep role: a rep's scope is their own records");
    }
    let hash = password_hash(&mut errs, new.password.as_ref()).await?;
    errs.finish()?;
    let user = state.store.create_user(&caller.scope, &new, hash.as_deref()).await?;
    caller.audit(&state, "create", "user", user.id, None::<&()>, Some(&user)).await;
    Ok(created("users", user.id, &user))
}

/// Get one user.
#[utoipa::path(tag = "users", security(("bearer" = ["users.read"])), params(("id" = i64, Path)), responses((status = 200, body = User), NotFound))]
#[get("/users/{id}")]
pub async fn get_user(state: web::Data<AppState>, caller: Caller, id: web::Path<i64>) -> Result<web::Json<User>, ApiError> {
    caller.require(Permission::UsersRead)?;
    Ok(web::Json(state.store.get_user(&caller.scope, *id).await?))
}

/// Change a user; `null` clears `rep_id` or `dingtalk_userid`. A new
/// password, role or scope unit, or `active: false`, signs the user out
/// everywhere. The last active admin cannot lose the role or be deactivated.
#[utoipa::path(tag = "users", security(("bearer" = ["users.write"])), params(("id" = i64, Path)), request_body = UserPatch, responses((status = 200, body = User), BadInput, NotFound, Conflict))]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<UserPatch>,
) -> Result<web::Json<User>, ApiError> {
    caller.require(Permission::UsersWrite)?;
    let mut patch = body.0;
    let before = state.store.get_user(&caller.scope, *id).await?;
    // Changing someone who holds more than you would let you act on rights you lack.
    check_role_grant(&state, &caller, before.role).await?;
    if let Some(role) = patch.role {
        check_role_grant(&state, &caller, role).await?;
    }
    let role = patch.role.unwrap_or(before.role);
    keep_an_admin(&state, &before, role == Role::Admin && patch.active != Some(false)).await?;
    let mut errs = Errors::default();
    validate::opt_name(&mut errs, "display_name", &mut patch.display_name);
    check_dingtalk(&mut errs, patch.dingtalk_userid.as_ref().and_then(|v| v.as_deref()));
    let rep_after = match patch.rep_id {
        Some(r) => r,
        None => before.rep_id,
    };
    if role == Role::Rep && rep_after.is_none() {
        errs.push("rep_id", "is required for the rep role: a rep's scope is their own records");
    }
    let hash = password_hash(&mut errs, patch.password.as_ref()).await?;
    errs.finish()?;
    let after = state.store.update_user(&caller.scope, *id, &patch, hash.as_deref()).await?;
    caller.audit(&state, "update", "user", after.id, Some(&before), Some(&after)).await;
    Ok(web::Json(after))
}

/// Delete a user. Users who issued API tokens are deactivated instead (409).
#[utoipa::path(tag = "users", security(("bearer" = ["users.write"])), params(("id" = i64, Path)), responses((status = 204, description = "Deleted"), NotFound, Conflict))]
#[delete("/users/{id}")]
pub async fn delete_user(state: web::Data<AppState>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::UsersWrite)?;
    let before = state.store.get_user(&caller.scope, *id).await?;
    check_role_grant(&state, &caller, before.role).await?;
    keep_an_admin(&state, &before, false).await?;
    state.store.delete_user(&caller.scope, *id).await?;
    caller.audit(&state, "delete", "user", before.id, Some(&before), None::<&()>).await;
    Ok(HttpResponse::NoContent().finish())
}
