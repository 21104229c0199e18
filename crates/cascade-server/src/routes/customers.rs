//! `/customers`: hospitals and their procurement stage history.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use cascade_api_types::{CustomEntity, Customer, CustomerPage, CustomerPatch, HospitalGrade, NewCustomer, StageChange};
use cascade_core::{Permission, ProcurementStage};
use cascade_store::CustomerFilter;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{created, list_query, page};
use crate::auth::Caller;
use crate::custom::WithCustom;
use crate::error::docs::{BadInput, BadQuery, Conflict, NotFound};
use crate::error::{ApiError, Errors};
use crate::extract::Json;
use crate::state::AppState;
use crate::validate;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_customers)
        .service(create_customer)
        .service(get_customer)
        .service(update_customer)
        .service(delete_customer)
        .service(list_customer_stage_changes);
}

list_query!(
    /// Filters of the customer list.
    CustomerQuery sorted by cascade_store::sorts::CUSTOMERS {
        /// Customers of this unit and every unit below it.
        unit_id: Option<i64>,
        owner_rep_id: Option<i64>,
        stage: Option<ProcurementStage>,
        grade: Option<HospitalGrade>,
        /// Province as an address, e.g. 广东.
        province: Option<String>,
        /// Substring of code, name or city.
        q: Option<String>,
    }
);

/// List customers. Sort keys: `id`, `code`, `name`, `province`.
#[utoipa::path(tag = "customers", security(("bearer" = ["customers.read"])), params(CustomerQuery), responses((status = 200, body = CustomerPage), BadQuery))]
#[get("/customers")]
pub async fn list_customers(
    state: web::Data<AppState>,
    caller: Caller,
    q: WithCustom<CustomerQuery>,
) -> Result<web::Json<CustomerPage>, ApiError> {
    caller.require(Permission::CustomersRead)?;
    let custom = q.filters(&state, CustomEntity::Customer).await?;
    let q = q.query;
    let filter = CustomerFilter {
        unit_id: q.unit_id,
        owner_rep_id: q.owner_rep_id,
        stage: q.stage,
        grade: q.grade,
        province: q.province.clone(),
        q: q.q.clone(),
        custom,
    };
    let p = state.store.list_customers(&caller.scope, &filter, &q.list_params()?).await?;
    Ok(web::Json(page(p, |items, next_cursor| CustomerPage { items, next_cursor })))
}

/// Create a customer; its first stage opens the stage history.
#[utoipa::path(tag = "customers", security(("bearer" = ["customers.write"])), request_body = NewCustomer, responses((status = 201, body = Customer), BadInput, Conflict))]
#[post("/customers")]
pub async fn create_customer(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewCustomer>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::CustomersWrite)?;
    let mut new = body.0;
    let mut errs = Errors::default();
    validate::name(&mut errs, "name", &mut new.name);
    validate::name(&mut errs, "province", &mut new.province);
    validate::name(&mut errs, "city", &mut new.city);
    crate::custom::check(&state, CustomEntity::Customer, Some(&new.custom), false, &mut errs).await?;
    errs.finish()?;
    let c = state.store.create_customer(&caller.scope, &new).await?;
    caller.audit(&state, "create", "customer", c.id, None::<&()>, Some(&c)).await;
    Ok(created("customers", c.id, &c))
}

/// Get one customer.
#[utoipa::path(tag = "customers", security(("bearer" = ["customers.read"])), params(("id" = i64, Path)), responses((status = 200, body = Customer), NotFound))]
#[get("/customers/{id}")]
pub async fn get_customer(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Customer>, ApiError> {
    caller.require(Permission::CustomersRead)?;
    Ok(web::Json(state.store.get_customer(&caller.scope, *id).await?))
}

/// Change a customer. A new `stage` is appended to the stage history with
/// `stage_note`. `customers.stage` allows only `stage` and `stage_note`
/// (a rep moving their own hospital on); every other field needs
/// `customers.write`.
#[utoipa::path(
    tag = "customers", security(("bearer" = ["customers.stage"])),
    params(("id" = i64, Path)),
    request_body = CustomerPatch,
    responses((status = 200, body = Customer), BadInput, NotFound)
)]
#[patch("/customers/{id}")]
pub async fn update_customer(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<CustomerPatch>,
) -> Result<web::Json<Customer>, ApiError> {
    let mut patch = body.0;
    authorize_patch(&caller, &patch)?;
    let mut errs = Errors::default();
    validate::opt_name(&mut errs, "name", &mut patch.name);
    validate::opt_name(&mut errs, "province", &mut patch.province);
    validate::opt_name(&mut errs, "city", &mut patch.city);
    validate::opt_note(&mut errs, "stage_note", &mut patch.stage_note);
    if patch.stage_note.is_some() && patch.stage.is_none() {
        errs.push("stage_note", "only goes with a stage change");
    }
    crate::custom::check(&state, CustomEntity::Customer, patch.custom.as_ref(), true, &mut errs).await?;
    errs.finish()?;
    let before = state.store.get_customer(&caller.scope, *id).await?;
    let after = state.store.update_customer(&caller.scope, *id, &patch).await?;
    caller.audit(&state, "update", "customer", after.id, Some(&before), Some(&after)).await;
    Ok(web::Json(after))
}

/// Mass assignment guard: without `customers.write`, a body that sets any
/// field other than the stage is refused whole, naming the field.
fn authorize_patch(caller: &Caller, p: &CustomerPatch) -> Result<(), ApiError> {
    if caller.has(Permission::CustomersWrite) {
        return Ok(());
    }
    caller.require(Permission::CustomersStage)?;
    let set = [
        ("name", p.name.is_some()),
        ("grade", p.grade.is_some()),
        ("province", p.province.is_some()),
        ("city", p.city.is_some()),
        ("unit_id", p.unit_id.is_some()),
        ("owner_rep_id", p.owner_rep_id.is_some()),
        ("custom", p.custom.is_some()),
    ];
    match set.iter().find(|(_, is_set)| *is_set) {
        Some((field, _)) => Err(ApiError::Forbidden(format!("{field}: changing it needs the permission customers.write"))),
        None => Ok(()),
    }
}

/// Delete a customer with no sales, opportunities or visits.
#[utoipa::path(tag = "customers", security(("bearer" = ["customers.write"])), params(("id" = i64, Path)), responses((status = 204, description = "Deleted"), NotFound, Conflict))]
#[delete("/customers/{id}")]
pub async fn delete_customer(state: web::Data<AppState>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::CustomersWrite)?;
    let before = state.store.get_customer(&caller.scope, *id).await?;
    state.store.delete_customer(&caller.scope, *id).await?;
    caller.audit(&state, "delete", "customer", before.id, Some(&before), None::<&()>).await;
    Ok(HttpResponse::NoContent().finish())
}

/// A customer's procurement stage history, oldest first.
#[utoipa::path(tag = "customers", security(("bearer" = ["customers.read"])), params(("id" = i64, Path)), responses((status = 200, body = Vec<StageChange>), NotFound))]
#[get("/customers/{id}/stage-history")]
pub async fn list_customer_stage_changes(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<StageChange>>, ApiError> {
    caller.require(Permission::CustomersRead)?;
    Ok(web::Json(state.store.customer_stage_history(&caller.scope, *id).await?))
}
