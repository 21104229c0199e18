//! `/product-lines`: company-wide reference data.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use cascade_api_types::{NewProductLine, ProductLine, ProductLinePage, ProductLinePatch};
use cascade_store::ProductLineFilter;
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
    cfg.service(list_product_lines)
        .service(create_product_line)
        .service(get_product_line)
        .service(update_product_line)
        .service(delete_product_line);
}

list_query!(
    /// Filters of the product line list.
    ProductLineQuery sorted by cascade_store::sorts::PRODUCT_LINES {
        active: Option<bool>,
        /// Substring of code or name.
        q: Option<String>,
    }
);

/// List product lines. Sort keys: `id`, `code`, `name`.
#[utoipa::path(tag = "product lines", security(("bearer" = ["product_lines.read"])), params(ProductLineQuery), responses((status = 200, body = ProductLinePage), BadQuery))]
#[get("/product-lines")]
pub async fn list_product_lines(
    state: web::Data<AppState>,
    caller: Caller,
    q: Query<ProductLineQuery>,
) -> Result<web::Json<ProductLinePage>, ApiError> {
    caller.require(Permission::ProductLinesRead)?;
    let q = q.0;
    let filter = ProductLineFilter { active: q.active, q: q.q.clone() };
    let p = state.store.list_product_lines(&filter, &q.list_params()?).await?;
    Ok(web::Json(page(p, |items, next_cursor| ProductLinePage { items, next_cursor })))
}

/// Create a product line.
#[utoipa::path(tag = "product lines", security(("bearer" = ["product_lines.write"])), request_body = NewProductLine, responses((status = 201, body = ProductLine), BadInput, Conflict))]
#[post("/product-lines")]
pub async fn create_product_line(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewProductLine>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ProductLinesWrite)?;
    caller.require_company_scope("product lines are company-wide: changing them")?;
    let mut new = body.0;
    let mut errs = Errors::default();
    validate::name(&mut errs, "name", &mut new.name);
    errs.finish()?;
    let pl = state.store.create_product_line(&new).await?;
    caller.audit(&state, "create", "product_line", pl.id, None::<&()>, Some(&pl)).await;
    Ok(created("product-lines", pl.id, &pl))
}

/// Get one product line.
#[utoipa::path(tag = "product lines", security(("bearer" = ["product_lines.read"])), params(("id" = i64, Path)), responses((status = 200, body = ProductLine), NotFound))]
#[get("/product-lines/{id}")]
pub async fn get_product_line(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<ProductLine>, ApiError> {
    caller.require(Permission::ProductLinesRead)?;
    Ok(web::Json(state.store.get_product_line(*id).await?))
}

/// Rename a product line or retire it (`active: false`).
#[utoipa::path(
    tag = "product lines", security(("bearer" = ["product_lines.write"])),
    params(("id" = i64, Path)),
    request_body = ProductLinePatch,
    responses((status = 200, body = ProductLine), BadInput, NotFound)
)]
#[patch("/product-lines/{id}")]
pub async fn update_product_line(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<ProductLinePatch>,
) -> Result<web::Json<ProductLine>, ApiError> {
    caller.require(Permission::ProductLinesWrite)?;
    caller.require_company_scope("product lines are company-wide: changing them")?;
    let mut patch = body.0;
    let mut errs = Errors::default();
    validate::opt_name(&mut errs, "name", &mut patch.name);
    errs.finish()?;
    let before = state.store.get_product_line(*id).await?;
    let after = state.store.update_product_line(*id, &patch).await?;
    caller.audit(&state, "update", "product_line", after.id, Some(&before), Some(&after)).await;
    Ok(web::Json(after))
}

/// Delete a product line no sale or opportunity uses.
#[utoipa::path(tag = "product lines", security(("bearer" = ["product_lines.write"])), params(("id" = i64, Path)), responses((status = 204, description = "Deleted"), NotFound, Conflict))]
#[delete("/product-lines/{id}")]
pub async fn delete_product_line(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ProductLinesWrite)?;
    caller.require_company_scope("product lines are company-wide: changing them")?;
    let before = state.store.get_product_line(*id).await?;
    state.store.delete_product_line(*id).await?;
    caller.audit(&state, "delete", "product_line", before.id, Some(&before), None::<&()>).await;
    Ok(HttpResponse::NoContent().finish())
}
