//! `/product-lines`: company-wide reference data.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use cascade_api_types::{NewProductLine, ProductLine, ProductLinePage, ProductLinePatch};
use cascade_store::ProductLineFilter;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{created, list_query, page};
use crate::error::docs::{BadInput, BadQuery, Conflict, NotFound};
use crate::error::{ApiError, Errors};
use crate::extract::{Json, Query};
use crate::state::AppState;
use crate::validate;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list).service(create).service(get_one).service(update).service(remove);
}

list_query!(
    /// Filters of the product line list.
    ProductLineQuery {
        active: Option<bool>,
        /// Substring of code or name.
        q: Option<String>,
    }
);

/// List product lines. Sort keys: `id`, `code`, `name`.
#[utoipa::path(tag = "product lines", params(ProductLineQuery), responses((status = 200, body = ProductLinePage), BadQuery))]
#[get("/product-lines")]
pub async fn list(state: web::Data<AppState>, q: Query<ProductLineQuery>) -> Result<web::Json<ProductLinePage>, ApiError> {
    let q = q.0;
    let filter = ProductLineFilter { active: q.active, q: q.q.clone() };
    let p = state.store.list_product_lines(&filter, &q.list_params()).await?;
    Ok(web::Json(page(p, |items, next_cursor| ProductLinePage { items, next_cursor })))
}

/// Create a product line.
#[utoipa::path(tag = "product lines", request_body = NewProductLine, responses((status = 201, body = ProductLine), BadInput, Conflict))]
#[post("/product-lines")]
pub async fn create(state: web::Data<AppState>, body: Json<NewProductLine>) -> Result<HttpResponse, ApiError> {
    let mut new = body.0;
    let mut errs = Errors::default();
    validate::name(&mut errs, "name", &mut new.name);
    errs.finish()?;
    let pl = state.store.create_product_line(&new).await?;
    Ok(created("product-lines", pl.id, &pl))
}

/// Get one product line.
#[utoipa::path(tag = "product lines", params(("id" = i64, Path)), responses((status = 200, body = ProductLine), NotFound))]
#[get("/product-lines/{id}")]
pub async fn get_one(state: web::Data<AppState>, id: web::Path<i64>) -> Result<web::Json<ProductLine>, ApiError> {
    Ok(web::Json(state.store.get_product_line(*id).await?))
}

/// Rename a product line or retire it (`active: false`).
#[utoipa::path(
    tag = "product lines",
    params(("id" = i64, Path)),
    request_body = ProductLinePatch,
    responses((status = 200, body = ProductLine), BadInput, NotFound)
)]
#[patch("/product-lines/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: Json<ProductLinePatch>,
) -> Result<web::Json<ProductLine>, ApiError> {
    let mut patch = body.0;
    let mut errs = Errors::default();
    validate::opt_name(&mut errs, "name", &mut patch.name);
    errs.finish()?;
    Ok(web::Json(state.store.update_product_line(*id, &patch).await?))
}

/// Delete a product line no sale or opportunity uses.
#[utoipa::path(tag = "product lines", params(("id" = i64, Path)), responses((status = 204, description = "Deleted"), NotFound, Conflict))]
#[delete("/product-lines/{id}")]
pub async fn remove(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    state.store.delete_product_line(*id).await?;
    Ok(HttpResponse::NoContent().finish())
}
