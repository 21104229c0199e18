//! `/visits`: customer visits.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use cascade_api_types::{NewVisit, Visit, VisitPage, VisitPatch};
use cascade_store::VisitFilter;
use chrono::NaiveDate;
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
    cfg.service(list_visits).service(create_visit).service(get_visit).service(update_visit).service(delete_visit);
}

list_query!(
    /// Filters of the visit list.
    VisitQuery sorted by cascade_store::sorts::VISITS {
        /// Visits to customers of this unit and every unit below it.
        unit_id: Option<i64>,
        rep_id: Option<i64>,
        customer_id: Option<i64>,
        /// On or after this date.
        from: Option<NaiveDate>,
        /// On or before this date.
        to: Option<NaiveDate>,
    }
);

/// List visits. Sort keys: `id`, `visit_date`.
#[utoipa::path(tag = "visits", security(("bearer" = ["visits.read"])), params(VisitQuery), responses((status = 200, body = VisitPage), BadQuery))]
#[get("/visits")]
pub async fn list_visits(
    state: web::Data<AppState>,
    caller: Caller,
    q: Query<VisitQuery>,
) -> Result<web::Json<VisitPage>, ApiError> {
    caller.require(Permission::VisitsRead)?;
    let q = q.0;
    let filter = VisitFilter { unit_id: q.unit_id, rep_id: q.rep_id, customer_id: q.customer_id, from: q.from, to: q.to };
    let p = state.store.list_visits(&caller.scope, &filter, &q.list_params()?).await?;
    Ok(web::Json(page(p, |items, next_cursor| VisitPage { items, next_cursor })))
}

/// Record a visit.
#[utoipa::path(tag = "visits", security(("bearer" = ["visits.write"])), request_body = NewVisit, responses((status = 201, body = Visit), BadInput, Conflict))]
#[post("/visits")]
pub async fn create_visit(state: web::Data<AppState>, caller: Caller, body: Json<NewVisit>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::VisitsWrite)?;
    let mut new = body.0;
    let mut errs = Errors::default();
    validate::note(&mut errs, "notes", &mut new.notes);
    if let Some(x) = &new.external_id {
        if let Err(e) = cascade_core::Code::parse_exact(x) {
            errs.push("external_id", e.to_string());
        }
    }
    errs.finish()?;
    let v = state.store.create_visit(&caller.scope, &new).await?;
    caller.audit(&state, "create", "visit", v.id, None::<&()>, Some(&v)).await;
    Ok(created("visits", v.id, &v))
}

/// Get one visit.
#[utoipa::path(tag = "visits", security(("bearer" = ["visits.read"])), params(("id" = i64, Path)), responses((status = 200, body = Visit), NotFound))]
#[get("/visits/{id}")]
pub async fn get_visit(state: web::Data<AppState>, caller: Caller, id: web::Path<i64>) -> Result<web::Json<Visit>, ApiError> {
    caller.require(Permission::VisitsRead)?;
    Ok(web::Json(state.store.get_visit(&caller.scope, *id).await?))
}

/// Correct a visit's date, kind or notes.
#[utoipa::path(tag = "visits", security(("bearer" = ["visits.write"])), params(("id" = i64, Path)), request_body = VisitPatch, responses((status = 200, body = Visit), BadInput, NotFound))]
#[patch("/visits/{id}")]
pub async fn update_visit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<VisitPatch>,
) -> Result<web::Json<Visit>, ApiError> {
    caller.require(Permission::VisitsWrite)?;
    let mut patch = body.0;
    let mut errs = Errors::default();
    validate::opt_note(&mut errs, "notes", &mut patch.notes);
    errs.finish()?;
    let before = state.store.get_visit(&caller.scope, *id).await?;
    let after = state.store.update_visit(&caller.scope, *id, &patch).await?;
    caller.audit(&state, "update", "visit", after.id, Some(&before), Some(&after)).await;
    Ok(web::Json(after))
}

/// Delete a visit.
#[utoipa::path(tag = "visits", security(("bearer" = ["visits.write"])), params(("id" = i64, Path)), responses((status = 204, description = "Deleted"), NotFound))]
#[delete("/visits/{id}")]
pub async fn delete_visit(state: web::Data<AppState>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::VisitsWrite)?;
    let before = state.store.get_visit(&caller.scope, *id).await?;
    state.store.delete_visit(&caller.scope, *id).await?;
    caller.audit(&state, "delete", "visit", before.id, Some(&before), None::<&()>).await;
    Ok(HttpResponse::NoContent().finish())
}
