//! `/sales-records`: booked revenue lines.

use actix_web::{delete, get, post, web, HttpResponse};
use cascade_api_types::{NewSalesRecord, SalesRecord, SalesRecordPage};
use cascade_store::SalesFilter;
use chrono::NaiveDate;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{created, list_query, page};
use crate::auth::Caller;
use crate::error::docs::{BadInput, BadQuery, Conflict, NotFound};
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::state::AppState;
use cascade_core::Permission;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_sales_records).service(create_sales_record).service(get_sales_record).service(delete_sales_record);
}

list_query!(
    /// Filters of the sales record list.
    SalesQuery sorted by cascade_store::sorts::SALES_RECORDS {
        /// Sales to customers of this unit and every unit below it.
        unit_id: Option<i64>,
        customer_id: Option<i64>,
        product_line_id: Option<i64>,
        /// Booked on or after this date.
        from: Option<NaiveDate>,
        /// Booked on or before this date.
        to: Option<NaiveDate>,
    }
);

/// List sales records. Sort keys: `id`, `booked_on`, `amount`, `doc_id`.
#[utoipa::path(tag = "sales records", security(("bearer" = ["sales.read"])), params(SalesQuery), responses((status = 200, body = SalesRecordPage), BadQuery))]
#[get("/sales-records")]
pub async fn list_sales_records(
    state: web::Data<AppState>,
    caller: Caller,
    q: Query<SalesQuery>,
) -> Result<web::Json<SalesRecordPage>, ApiError> {
    caller.require(Permission::SalesRead)?;
    let q = q.0;
    let filter = SalesFilter {
        unit_id: q.unit_id,
        customer_id: q.customer_id,
        product_line_id: q.product_line_id,
        from: q.from,
        to: q.to,
    };
    let p = state.store.list_sales_records(&caller.scope, &filter, &q.list_params()?).await?;
    Ok(web::Json(page(p, |items, next_cursor| SalesRecordPage { items, next_cursor })))
}

/// Record one booked revenue line (credit notes are negative). Bulk loads go through imports.
#[utoipa::path(tag = "sales records", security(("bearer" = ["sales.write"])), request_body = NewSalesRecord, responses((status = 201, body = SalesRecord), BadInput, Conflict))]
#[post("/sales-records")]
pub async fn create_sales_record(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewSalesRecord>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::SalesWrite)?;
    let s = state.store.create_sales_record(&caller.scope, &body.0).await?;
    caller.audit(&state, "create", "sales_record", s.id, None::<&()>, Some(&s)).await;
    Ok(created("sales-records", s.id, &s))
}

/// Get one sales record.
#[utoipa::path(tag = "sales records", security(("bearer" = ["sales.read"])), params(("id" = i64, Path)), responses((status = 200, body = SalesRecord), NotFound))]
#[get("/sales-records/{id}")]
pub async fn get_sales_record(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<SalesRecord>, ApiError> {
    caller.require(Permission::SalesRead)?;
    Ok(web::Json(state.store.get_sales_record(&caller.scope, *id).await?))
}

/// Delete a sales record.
#[utoipa::path(tag = "sales records", security(("bearer" = ["sales.write"])), params(("id" = i64, Path)), responses((status = 204, description = "Deleted"), NotFound))]
#[delete("/sales-records/{id}")]
pub async fn delete_sales_record(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::SalesWrite)?;
    let before = state.store.get_sales_record(&caller.scope, *id).await?;
    state.store.delete_sales_record(&caller.scope, *id).await?;
    caller.audit(&state, "delete", "sales_record", before.id, Some(&before), None::<&()>).await;
    Ok(HttpResponse::NoContent().finish())
}
