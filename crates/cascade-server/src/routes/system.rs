//! Liveness, readiness, the company profile and fiscal periods.

use actix_web::{get, web, HttpResponse};
use cascade_api_types::{Company, Health, PeriodInfo, Problem};
use cascade_core::{Period, PeriodKind};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Query;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_company).service(list_periods).service(get_period);
}

fn health(state: &AppState) -> Health {
    Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database: state.store.backend().as_str().to_owned(),
    }
}

/// Liveness: the process answers.
#[utoipa::path(tag = "system", responses((status = 200, description = "The process serves requests", body = Health)))]
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(health(&state))
}

/// Readiness: the database answers too.
#[utoipa::path(
    tag = "system",
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.store.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "readiness check failed");
        ApiError::Unavailable("the database does not answer".to_owned())
    })?;
    Ok(HttpResponse::Ok().json(health(&state)))
}

/// The company: the org tree's root, the currency and time zone of every
/// figure, its language, and today's date and quarter in its time zone.
#[utoipa::path(tag = "system", security(("bearer" = [])), responses((status = 200, body = Company)))]
#[get("/company")]
pub async fn get_company(_caller: Caller, state: web::Data<AppState>) -> Result<web::Json<Company>, ApiError> {
    let root = state.store.root_org_unit().await?;
    let today = state.settings.today();
    Ok(web::Json(Company {
        name: root.as_ref().map(|r| r.name.clone()),
        root_unit_id: root.map(|r| r.id),
        currency: state.settings.company.currency.clone(),
        time_zone: state.settings.company.time_zone.clone(),
        language: state.settings.language().tag().to_owned(),
        today,
        quarter: Period::containing(today, PeriodKind::Quarter),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// The fiscal year whose periods to list (default: the current year in the company's time zone).
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// Only periods of this kind (default: all).
    pub kind: Option<PeriodKind>,
}

/// The fiscal periods of a year: the year, its quarters and its months.
#[utoipa::path(
    tag = "system", security(("bearer" = [])),
    params(PeriodQuery),
    responses(
        (status = 200, body = Vec<PeriodInfo>),
        (status = 422, description = "Bad year or kind", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/periods")]
pub async fn list_periods(
    state: web::Data<AppState>,
    _caller: Caller,
    q: Query<PeriodQuery>,
) -> Result<web::Json<Vec<PeriodInfo>>, ApiError> {
    let year = match q.0.year {
        Some(y) => y,
        None => chrono::Datelike::year(&state.settings.today()),
    };
    let y = Period::parse(&year.to_string()).map_err(|e| ApiError::invalid("year", e.to_string()))?;
    let mut all = vec![y];
    for quarter in y.children() {
        all.push(quarter);
        all.extend(quarter.children());
    }
    Ok(web::Json(all.into_iter().filter(|p| q.0.kind.is_none_or(|k| p.kind() == k)).map(PeriodInfo::from).collect()))
}

/// One fiscal period by key (`2026`, `2026-Q2`, `2026-05`).
#[utoipa::path(
    tag = "system", security(("bearer" = [])),
    params(("key" = Period, Path, description = "2026, 2026-Q2 or 2026-05")),
    responses(
        (status = 200, body = PeriodInfo),
        (status = 422, description = "Not a period key", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/periods/{key}")]
pub async fn get_period(_caller: Caller, key: web::Path<String>) -> Result<web::Json<PeriodInfo>, ApiError> {
    let p: Period = serde_json::from_value(serde_json::Value::String(key.into_inner()))
        .map_err(|e| ApiError::invalid("key", e.to_string()))?;
    Ok(web::Json(PeriodInfo::from(p)))
}
