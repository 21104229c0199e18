//! `/org-units`: the sales organisation tree.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use cascade_api_types::{NewOrgUnit, OrgUnit, OrgUnitKind, OrgUnitPage, OrgUnitPatch};
use cascade_store::OrgUnitFilter;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{caller_scope, created, list_query, page};
use crate::error::docs::{BadInput, BadQuery, Conflict, NotFound};
use crate::error::{ApiError, Errors};
use crate::extract::{Json, Query};
use crate::state::AppState;
use crate::validate;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(create).service(get_one).service(update).service(remove);
}

list_query!(
    /// Filters of the org unit list.
    OrgUnitQuery {
        /// Direct children of this unit.
        parent_id: Option<i64>,
        kind: Option<OrgUnitKind>,
        /// Every unit below this one, at any depth.
        under: Option<i64>,
        /// Substring of code or name, case-insensitive.
        q: Option<String>,
    }
);

/// List org units. Sort keys: `id`, `code`, `name`, `depth`.
#[utoipa::path(tag = "org units", params(OrgUnitQuery), responses((status = 200, body = OrgUnitPage), BadQuery))]
#[get("/org-units")]
pub async fn list(state: web::Data<AppState>, q: Query<OrgUnitQuery>) -> Result<web::Json<OrgUnitPage>, ApiError> {
    let q = q.0;
    let filter = OrgUnitFilter { parent_id: q.parent_id, kind: q.kind, under: q.under, q: q.q.clone() };
    let p = state.store.list_org_units(&caller_scope(), &filter, &q.list_params()).await?;
    Ok(web::Json(page(p, |items, next_cursor| OrgUnitPage { items, next_cursor })))
}

/// Create an org unit. The first unit is the company root; every other names its parent.
#[utoipa::path(
    tag = "org units",
    request_body = NewOrgUnit,
    responses((status = 201, body = OrgUnit, headers(("Location" = String, description = "URL of the new unit"))), BadInput, Conflict)
)]
#[post("/org-units")]
pub async fn create(state: web::Data<AppState>, body: Json<NewOrgUnit>) -> Result<HttpResponse, ApiError> {
    let mut new = body.0;
    let mut errs = Errors::default();
    validate::name(&mut errs, "name", &mut new.name);
    errs.finish()?;
    let unit = state.store.create_org_unit(&caller_scope(), &new).await?;
    Ok(created("org-units", unit.id, &unit))
}

/// Get one org unit.
#[utoipa::path(tag = "org units", params(("id" = i64, Path)), responses((status = 200, body = OrgUnit), NotFound))]
#[get("/org-units/{id}")]
pub async fn get_one(state: web::Data<AppState>, id: web::Path<i64>) -> Result<web::Json<OrgUnit>, ApiError> {
    Ok(web::Json(state.store.get_org_unit(&caller_scope(), *id).await?))
}

/// Rename and/or move an org unit; moving carries its whole subtree. A unit
/// can never become its own descendant.
#[utoipa::path(
    tag = "org units",
    params(("id" = i64, Path)),
    request_body = OrgUnitPatch,
    responses((status = 200, body = OrgUnit), BadInput, NotFound)
)]
#[patch("/org-units/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: Json<OrgUnitPatch>,
) -> Result<web::Json<OrgUnit>, ApiError> {
    let mut patch = body.0;
    let mut errs = Errors::default();
    validate::opt_name(&mut errs, "name", &mut patch.name);
    errs.finish()?;
    Ok(web::Json(state.store.update_org_unit(&caller_scope(), *id, &patch).await?))
}

/// Delete an org unit that has no child units, reps or customers.
#[utoipa::path(tag = "org units", params(("id" = i64, Path)), responses((status = 204, description = "Deleted"), NotFound, Conflict))]
#[delete("/org-units/{id}")]
pub async fn remove(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    state.store.delete_org_unit(&caller_scope(), *id).await?;
    Ok(HttpResponse::NoContent().finish())
}
