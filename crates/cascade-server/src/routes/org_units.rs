//! `/org-units`: the sales organisation tree.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use cascade_api_types::{NewOrgUnit, OrgUnit, OrgUnitKind, OrgUnitPage, OrgUnitPatch};
use cascade_store::OrgUnitFilter;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{created, list_query, page};
use crate::auth::Caller;
use crate::error::docs::{BadInput, BadQuery, Conflict, NotFound};
use crate::error::{ApiError, Errors};
use crate::extract::{Json, Query};
use crate::state::AppState;
use crate::validate;
use cascade_core::Permission;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_org_units).service(create_org_unit).service(get_org_unit).service(update_org_unit).service(delete_org_unit);
}

list_query!(
    /// Filters of the org unit list.
    OrgUnitQuery sorted by cascade_store::sorts::ORG_UNITS {
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
#[utoipa::path(tag = "org units", security(("bearer" = ["org_units.read"])), params(OrgUnitQuery), responses((status = 200, body = OrgUnitPage), BadQuery))]
#[get("/org-units")]
pub async fn list_org_units(
    state: web::Data<AppState>,
    caller: Caller,
    q: Query<OrgUnitQuery>,
) -> Result<web::Json<OrgUnitPage>, ApiError> {
    caller.require(Permission::OrgUnitsRead)?;
    let q = q.0;
    let filter = OrgUnitFilter { parent_id: q.parent_id, kind: q.kind, under: q.under, q: q.q.clone() };
    let p = state.store.list_org_units(&caller.scope, &filter, &q.list_params()?).await?;
    Ok(web::Json(page(p, |items, next_cursor| OrgUnitPage { items, next_cursor })))
}

/// Create an org unit. The first unit is the company root; every other names its parent.
#[utoipa::path(
    tag = "org units", security(("bearer" = ["org_units.write"])),
    request_body = NewOrgUnit,
    responses((status = 201, body = OrgUnit, headers(("Location" = String, description = "URL of the new unit"))), BadInput, Conflict)
)]
#[post("/org-units")]
pub async fn create_org_unit(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewOrgUnit>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::OrgUnitsWrite)?;
    let mut new = body.0;
    let mut errs = Errors::default();
    validate::name(&mut errs, "name", &mut new.name);
    errs.finish()?;
    let unit = state.store.create_org_unit(&caller.scope, &new).await?;
    caller.audit(&state, "create", "org_unit", unit.id, None::<&()>, Some(&unit)).await;
    Ok(created("org-units", unit.id, &unit))
}

/// Get one org unit.
#[utoipa::path(tag = "org units", security(("bearer" = ["org_units.read"])), params(("id" = i64, Path)), responses((status = 200, body = OrgUnit), NotFound))]
#[get("/org-units/{id}")]
pub async fn get_org_unit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<OrgUnit>, ApiError> {
    caller.require(Permission::OrgUnitsRead)?;
    Ok(web::Json(state.store.get_org_unit(&caller.scope, *id).await?))
}

/// Rename and/or move an org unit; moving carries its whole subtree. A unit
/// can never become its own descendant.
#[utoipa::path(
    tag = "org units", security(("bearer" = ["org_units.write"])),
    params(("id" = i64, Path)),
    request_body = OrgUnitPatch,
    responses((status = 200, body = OrgUnit), BadInput, NotFound)
)]
#[patch("/org-units/{id}")]
pub async fn update_org_unit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<OrgUnitPatch>,
) -> Result<web::Json<OrgUnit>, ApiError> {
    caller.require(Permission::OrgUnitsWrite)?;
    let mut patch = body.0;
    let mut errs = Errors::default();
    validate::opt_name(&mut errs, "name", &mut patch.name);
    errs.finish()?;
    let before = state.store.get_org_unit(&caller.scope, *id).await?;
    let after = state.store.update_org_unit(&caller.scope, *id, &patch).await?;
    caller.audit(&state, "update", "org_unit", after.id, Some(&before), Some(&after)).await;
    Ok(web::Json(after))
}

/// Delete an org unit that has no child units, reps or customers.
#[utoipa::path(tag = "org units", security(("bearer" = ["org_units.write"])), params(("id" = i64, Path)), responses((status = 204, description = "Deleted"), NotFound, Conflict))]
#[delete("/org-units/{id}")]
pub async fn delete_org_unit(state: web::Data<AppState>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::OrgUnitsWrite)?;
    let before = state.store.get_org_unit(&caller.scope, *id).await?;
    state.store.delete_org_unit(&caller.scope, *id).await?;
    caller.audit(&state, "delete", "org_unit", before.id, Some(&before), None::<&()>).await;
    Ok(HttpResponse::NoContent().finish())
}
