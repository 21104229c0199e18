//! `/reps` (sales representatives) and `/users` (login identities).

use actix_web::{delete, get, patch, post, web, HttpResponse};
use cascade_api_types::{NewRep, NewUser, Rep, RepPage, RepPatch, User, UserPage, UserPatch};
use cascade_core::{CapabilityRating, RepStatus};
use cascade_store::{RepFilter, UserFilter};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{caller_scope, created, list_query, page};
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
    RepQuery {
        /// Reps of this unit and every unit below it.
        unit_id: Option<i64>,
        status: Option<RepStatus>,
        rating: Option<CapabilityRating>,
        /// Substring of employee number or name.
        q: Option<String>,
    }
);

/// List reps. Sort keys: `id`, `employee_no`, `name`, `hire_date`.
#[utoipa::path(tag = "reps", params(RepQuery), responses((status = 200, body = RepPage), BadQuery))]
#[get("/reps")]
pub async fn list_reps(state: web::Data<AppState>, q: Query<RepQuery>) -> Result<web::Json<RepPage>, ApiError> {
    let q = q.0;
    let filter = RepFilter { unit_id: q.unit_id, status: q.status, rating: q.rating, q: q.q.clone() };
    let p = state.store.list_reps(&caller_scope(), &filter, &q.list_params()).await?;
    Ok(web::Json(page(p, |items, next_cursor| RepPage { items, next_cursor })))
}

/// Create a rep. A status other than `active` needs its effective date.
#[utoipa::path(tag = "reps", request_body = NewRep, responses((status = 201, body = Rep), BadInput, Conflict))]
#[post("/reps")]
pub async fn create_rep(state: web::Data<AppState>, body: Json<NewRep>) -> Result<HttpResponse, ApiError> {
    let mut new = body.0;
    let mut errs = Errors::default();
    validate::name(&mut errs, "name", &mut new.name);
    errs.finish()?;
    let rep = state.store.create_rep(&caller_scope(), &new).await?;
    Ok(created("reps", rep.id, &rep))
}

/// Get one rep.
#[utoipa::path(tag = "reps", params(("id" = i64, Path)), responses((status = 200, body = Rep), NotFound))]
#[get("/reps/{id}")]
pub async fn get_rep(state: web::Data<AppState>, id: web::Path<i64>) -> Result<web::Json<Rep>, ApiError> {
    Ok(web::Json(state.store.get_rep(&caller_scope(), *id).await?))
}

/// Change a rep: move to another unit, re-rate, or change status (with its effective date).
#[utoipa::path(tag = "reps", params(("id" = i64, Path)), request_body = RepPatch, responses((status = 200, body = Rep), BadInput, NotFound))]
#[patch("/reps/{id}")]
pub async fn update_rep(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: Json<RepPatch>,
) -> Result<web::Json<Rep>, ApiError> {
    let mut patch = body.0;
    let mut errs = Errors::default();
    validate::opt_name(&mut errs, "name", &mut patch.name);
    errs.finish()?;
    Ok(web::Json(state.store.update_rep(&caller_scope(), *id, &patch).await?))
}

/// Delete a rep who owns nothing and has no visits (otherwise set `departed`).
#[utoipa::path(tag = "reps", params(("id" = i64, Path)), responses((status = 204, description = "Deleted"), NotFound, Conflict))]
#[delete("/reps/{id}")]
pub async fn delete_rep(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    state.store.delete_rep(&caller_scope(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

list_query!(
    /// Filters of the user list.
    UserQuery {
        active: Option<bool>,
        /// Substring of username or display name.
        q: Option<String>,
    }
);

fn check_dingtalk(errs: &mut Errors, v: Option<&str>) {
    if let Some(v) = v {
        if v.trim().is_empty() || v.len() > 64 || v.chars().any(char::is_control) {
            errs.push("dingtalk_userid", "must be 1–64 characters without control characters");
        }
    }
}

/// List users. Sort keys: `id`, `username`, `display_name`.
#[utoipa::path(tag = "users", params(UserQuery), responses((status = 200, body = UserPage), BadQuery))]
#[get("/users")]
pub async fn list_users(state: web::Data<AppState>, q: Query<UserQuery>) -> Result<web::Json<UserPage>, ApiError> {
    let q = q.0;
    let filter = UserFilter { active: q.active, q: q.q.clone() };
    let p = state.store.list_users(&caller_scope(), &filter, &q.list_params()).await?;
    Ok(web::Json(page(p, |items, next_cursor| UserPage { items, next_cursor })))
}

/// Create a user, optionally linked to a rep and a DingTalk userid.
#[utoipa::path(tag = "users", request_body = NewUser, responses((status = 201, body = User), BadInput, Conflict))]
#[post("/users")]
pub async fn create_user(state: web::Data<AppState>, body: Json<NewUser>) -> Result<HttpResponse, ApiError> {
    let mut new = body.0;
    let mut errs = Errors::default();
    validate::name(&mut errs, "display_name", &mut new.display_name);
    check_dingtalk(&mut errs, new.dingtalk_userid.as_deref());
    errs.finish()?;
    let user = state.store.create_user(&caller_scope(), &new).await?;
    Ok(created("users", user.id, &user))
}

/// Get one user.
#[utoipa::path(tag = "users", params(("id" = i64, Path)), responses((status = 200, body = User), NotFound))]
#[get("/users/{id}")]
pub async fn get_user(state: web::Data<AppState>, id: web::Path<i64>) -> Result<web::Json<User>, ApiError> {
    Ok(web::Json(state.store.get_user(&caller_scope(), *id).await?))
}

/// Change a user; `null` clears `rep_id` or `dingtalk_userid`.
#[utoipa::path(tag = "users", params(("id" = i64, Path)), request_body = UserPatch, responses((status = 200, body = User), BadInput, NotFound, Conflict))]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: Json<UserPatch>,
) -> Result<web::Json<User>, ApiError> {
    let mut patch = body.0;
    let mut errs = Errors::default();
    validate::opt_name(&mut errs, "display_name", &mut patch.display_name);
    check_dingtalk(&mut errs, patch.dingtalk_userid.as_ref().and_then(|v| v.as_deref()));
    errs.finish()?;
    Ok(web::Json(state.store.update_user(&caller_scope(), *id, &patch).await?))
}

/// Delete a user.
#[utoipa::path(tag = "users", params(("id" = i64, Path)), responses((status = 204, description = "Deleted"), NotFound))]
#[delete("/users/{id}")]
pub async fn delete_user(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    state.store.delete_user(&caller_scope(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
