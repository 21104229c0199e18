//! `/opportunities`: deals in the funnel and their history.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use cascade_api_types::{CustomEntity, NewOpportunity, Opportunity, OpportunityChange, OpportunityPage, OpportunityPatch};
use cascade_core::{FunnelStage, Permission};
use cascade_store::OpportunityFilter;
use chrono::NaiveDate;
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
    cfg.service(list_opportunities)
        .service(create_opportunity)
        .service(get_opportunity)
        .service(update_opportunity)
        .service(delete_opportunity)
        .service(list_opportunity_changes);
}

list_query!(
    /// Filters of the opportunity list.
    OpportunityQuery sorted by cascade_store::sorts::OPPORTUNITIES {
        /// Deals of customers of this unit and every unit below it.
        unit_id: Option<i64>,
        customer_id: Option<i64>,
        owner_rep_id: Option<i64>,
        product_line_id: Option<i64>,
        stage: Option<FunnelStage>,
        /// `true`: only deals neither paid nor lost.
        open: Option<bool>,
        /// Expected close on or after this date.
        close_from: Option<NaiveDate>,
        /// Expected close on or before this date.
        close_to: Option<NaiveDate>,
    }
);

fn check_text(errs: &mut Errors, name: &mut Option<String>, external_id: &Option<String>, lost_reason: &mut Option<String>) {
    validate::opt_name(errs, "name", name);
    validate::opt_note(errs, "lost_reason", lost_reason);
    if let Some(x) = external_id {
        if let Err(e) = cascade_core::Code::parse_exact(x) {
            errs.push("external_id", e.to_string());
        }
    }
}

/// List opportunities. Sort keys: `id`, `expected_close`, `amount`, `name`.
#[utoipa::path(tag = "opportunities", security(("bearer" = ["opportunities.read"])), params(OpportunityQuery), responses((status = 200, body = OpportunityPage), BadQuery))]
#[get("/opportunities")]
pub async fn list_opportunities(
    state: web::Data<AppState>,
    caller: Caller,
    q: WithCustom<OpportunityQuery>,
) -> Result<web::Json<OpportunityPage>, ApiError> {
    caller.require(Permission::OpportunitiesRead)?;
    let custom = q.filters(&state, CustomEntity::Opportunity).await?;
    let q = q.query;
    let filter = OpportunityFilter {
        unit_id: q.unit_id,
        customer_id: q.customer_id,
        owner_rep_id: q.owner_rep_id,
        product_line_id: q.product_line_id,
        stage: q.stage,
        open: q.open,
        close_from: q.close_from,
        close_to: q.close_to,
        custom,
    };
    let p = state.store.list_opportunities(&caller.scope, &filter, &q.list_params()?).await?;
    Ok(web::Json(page(p, |items, next_cursor| OpportunityPage { items, next_cursor })))
}

/// Create an opportunity (stage `lead` unless given; `lost` needs a reason).
#[utoipa::path(tag = "opportunities", security(("bearer" = ["opportunities.write"])), request_body = NewOpportunity, responses((status = 201, body = Opportunity), BadInput, Conflict))]
#[post("/opportunities")]
pub async fn create_opportunity(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewOpportunity>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::OpportunitiesWrite)?;
    let mut new = body.0;
    let mut errs = Errors::default();
    let mut name = Some(std::mem::take(&mut new.name));
    check_text(&mut errs, &mut name, &new.external_id, &mut new.lost_reason);
    new.name = name.unwrap_or_default();
    crate::custom::check(&state, CustomEntity::Opportunity, Some(&new.custom), false, &mut errs).await?;
    errs.finish()?;
    let o = state.store.create_opportunity(&caller.scope, &new).await?;
    caller.audit(&state, "create", "opportunity", o.id, None::<&()>, Some(&o)).await;
    Ok(created("opportunities", o.id, &o))
}

/// Get one opportunity.
#[utoipa::path(tag = "opportunities", security(("bearer" = ["opportunities.read"])), params(("id" = i64, Path)), responses((status = 200, body = Opportunity), NotFound))]
#[get("/opportunities/{id}")]
pub async fn get_opportunity(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Opportunity>, ApiError> {
    caller.require(Permission::OpportunitiesRead)?;
    Ok(web::Json(state.store.get_opportunity(&caller.scope, *id).await?))
}

/// Change an opportunity. Stage moves and close-date slips are kept in its history.
#[utoipa::path(
    tag = "opportunities", security(("bearer" = ["opportunities.write"])),
    params(("id" = i64, Path)),
    request_body = OpportunityPatch,
    responses((status = 200, body = Opportunity), BadInput, NotFound)
)]
#[patch("/opportunities/{id}")]
pub async fn update_opportunity(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<OpportunityPatch>,
) -> Result<web::Json<Opportunity>, ApiError> {
    caller.require(Permission::OpportunitiesWrite)?;
    let mut patch = body.0;
    let mut errs = Errors::default();
    check_text(&mut errs, &mut patch.name, &None, &mut patch.lost_reason);
    crate::custom::check(&state, CustomEntity::Opportunity, patch.custom.as_ref(), true, &mut errs).await?;
    errs.finish()?;
    let before = state.store.get_opportunity(&caller.scope, *id).await?;
    let after = state.store.update_opportunity(&caller.scope, *id, &patch).await?;
    caller.audit(&state, "update", "opportunity", after.id, Some(&before), Some(&after)).await;
    Ok(web::Json(after))
}

/// Delete an opportunity.
#[utoipa::path(tag = "opportunities", security(("bearer" = ["opportunities.write"])), params(("id" = i64, Path)), responses((status = 204, description = "Deleted"), NotFound))]
#[delete("/opportunities/{id}")]
pub async fn delete_opportunity(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::OpportunitiesWrite)?;
    let before = state.store.get_opportunity(&caller.scope, *id).await?;
    state.store.delete_opportunity(&caller.scope, *id).await?;
    caller.audit(&state, "delete", "opportunity", before.id, Some(&before), None::<&()>).await;
    Ok(HttpResponse::NoContent().finish())
}

/// An opportunity's stage and expected-close history, oldest first.
#[utoipa::path(tag = "opportunities", security(("bearer" = ["opportunities.read"])), params(("id" = i64, Path)), responses((status = 200, body = Vec<OpportunityChange>), NotFound))]
#[get("/opportunities/{id}/history")]
pub async fn list_opportunity_changes(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<OpportunityChange>>, ApiError> {
    caller.require(Permission::OpportunitiesRead)?;
    Ok(web::Json(state.store.opportunity_history(&caller.scope, *id).await?))
}
