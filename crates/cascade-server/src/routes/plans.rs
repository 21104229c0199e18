//! `/plans`: target plans — create, generate suggestions, adjust within the
//! band with reasons and evidence, rebalance, submit, approve or return,
//! revisions and diffs, what-if, calibration and HQ relief. Every write
//! names the version it was computed from in `If-Match`; a stale one
//! answers 412 and changes nothing.

use std::collections::{BTreeMap, HashMap, HashSet};

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use cascade_api_types::{
    CalibrationEvent, CalibrationResult, ChildKind, Evidence, LineDiff, LinePatch, NewCalibration, NewPlan, NewRelief, Plan,
    PlanDiff, PlanLine, PlanPage, PlanPatch, PlanRevision, PlanStatus, ReturnPlan, WhatIf, WhatIfLine, WhatIfResult,
};
use cascade_core::allocation::{ChildInput, SplitRule, Weights};
use cascade_core::band::{band_range, check_adjustment, rebalance, BandLine};
use cascade_core::calibration::{calibrate, hand_over_deals, CalibrationError, Cover, Customer, Deal, Event, Position};
use cascade_core::explain::yuan;
use cascade_core::{Money, Period, Permission};
use cascade_store::planning::{
    Actor, CustomerSelect, LineRecord, LineWrite, NewPlanRecord, NewRevision, PlanFilter, PlanRecord, PlanSettings, PlanWrite,
    SideEffect,
};
use cascade_store::{OrgUnitFilter, Scope, StoreError};
use futures_util::StreamExt;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{list_query, page};
use crate::auth::Caller;
use crate::error::docs::{BadInput, BadQuery, Conflict, NotFound, Stale};
use crate::error::{ApiError, Errors};
use crate::extract::{Json, Query};
use crate::lang::{AcceptLanguage, RequestLang};
use crate::openapi::FileBytes;
use crate::planning::*;
use crate::state::AppState;
use crate::validate;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_plans)
        .service(create_plan)
        .service(get_plan)
        .service(update_plan)
        .service(delete_plan)
        .service(generate_plan)
        .service(list_plan_lines)
        .service(adjust_plan_line)
        .service(upload_line_evidence)
        .service(list_line_evidence)
        .service(download_plan_evidence)
        .service(rebalance_plan)
        .service(submit_plan)
        .service(approve_plan)
        .service(return_plan)
        .service(list_plan_revisions)
        .service(diff_plan_revisions)
        .service(plan_what_if)
        .service(calibrate_plan)
        .service(grant_plan_relief);
}

/// Largest evidence file: meeting minutes, notices, photos and PDFs.
pub const MAX_EVIDENCE_BYTES: u64 = 10 * 1024 * 1024;

/// Evidence types and how their content must begin (so a renamed
/// executable is not served as a PDF). Text types must be UTF-8.
const EVIDENCE_TYPES: &[(&str, &[&[u8]])] = &[
    ("application/pdf", &[b"%PDF-"]),
    ("image/png", &[b"\x89PNG\r\n\x1a\n"]),
    ("image/jpeg", &[b"\xff\xd8\xff"]),
    ("image/webp", &[b"RIFF"]),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", &[b"PK\x03\x04"]),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &[b"PK\x03\x04"]),
    ("application/vnd.openxmlformats-officedocument.presentationml.presentation", &[b"PK\x03\x04"]),
    ("text/plain", &[]),
    ("text/csv", &[]),
];

fn plan_response(status: actix_web::http::StatusCode, plan: &Plan) -> HttpResponse {
    HttpResponse::build(status).insert_header(etag(plan.version)).json(plan)
}

fn actor(caller: &Caller) -> Actor {
    Actor { user_id: Some(caller.user_id), name: caller.username.clone() }
}

async fn load(state: &AppState, caller: &Caller, id: i64) -> Result<PlanRecord, ApiError> {
    Ok(state.store.get_plan(&caller.scope, id).await?)
}

/// The prologue of every plan write: the permission, `If-Match`, the plan
/// in the caller's scope, and the caller's right to change it.
async fn writable(
    req: &HttpRequest,
    state: &AppState,
    caller: &Caller,
    id: i64,
    permission: Permission,
) -> Result<(PlanRecord, i64), ApiError> {
    caller.require(permission)?;
    let version = if_match(req)?;
    let rec = load(state, caller, id).await?;
    require_editor(caller, &rec)?;
    Ok((rec, version))
}

async fn reload(state: &AppState, id: i64) -> Result<Plan, ApiError> {
    Ok(state.store.get_plan(&Scope::all(), id).await?.plan)
}

async fn all_lines(state: &AppState, id: i64) -> Result<Vec<LineRecord>, ApiError> {
    Ok(state.store.plan_lines(&Scope::all(), id).await?)
}

/// Achieved-to-date per line key, from the period's sales.
async fn achieved(state: &AppState, rec: &PlanRecord) -> Result<HashMap<i64, i64>, ApiError> {
    let facts = state.store.facts(&rec.unit_path, rec.plan.period, rec.plan.product_line_id, false).await?;
    Ok(achieved_by_key(rec, &facts))
}

list_query!(
    /// Filters of the plan list.
    PlanQuery sorted by cascade_store::sorts::PLANS {
        /// Plans of this unit and every unit below it.
        unit_id: Option<i64>,
        period: Option<Period>,
        status: Option<PlanStatus>,
        product_line_id: Option<i64>,
        /// `true`: only plans waiting for your approval (待我审批): submitted
        /// plans of the units below yours, which you approve or return. A
        /// region manager's own region plan waits for HQ, not for them.
        /// Needs `plans.approve`.
        approvable: Option<bool>,
    }
);

/// List plans in your scope. Sort keys: `id`, `period`.
#[utoipa::path(tag = "plans", security(("bearer" = ["plans.read"])), params(PlanQuery), responses((status = 200, body = PlanPage), BadQuery))]
#[get("/plans")]
pub async fn list_plans(
    state: web::Data<AppState>,
    caller: Caller,
    q: Query<PlanQuery>,
) -> Result<web::Json<PlanPage>, ApiError> {
    caller.require(Permission::PlansRead)?;
    let q = q.0;
    let approvable = q.approvable == Some(true);
    if approvable {
        caller.require(Permission::PlansApprove)?;
    }
    let filter =
        PlanFilter { unit_id: q.unit_id, period: q.period, status: q.status, product_line_id: q.product_line_id, approvable };
    let p = state.store.list_plans(&caller.scope, &filter, &q.list_params()?).await?;
    Ok(web::Json(page(p, |items, next_cursor| PlanPage { items, next_cursor })))
}

fn apply_settings(s: &mut PlanSettings, p: &PlanPatch) {
    if let Some(t) = p.total {
        s.total_fen = t.fen();
    }
    if let Some(w) = p.weights {
        s.weights = w.into();
    }
    if let Some(h) = p.history_percent {
        s.history_percent = h;
    }
    if let Some(b) = p.band_percent {
        s.band_percent = b;
    }
    if let Some(u) = p.rounding_unit {
        s.unit_fen = u.fen();
    }
    if let Some(pr) = &p.probabilities {
        s.probabilities = pr.clone();
    }
}

/// Create a plan for a unit and period. A unit below the company needs its
/// line in the parent's plan to be final (that plan approved) and takes its
/// total and settings from there; the company's plan needs a `total`.
#[utoipa::path(tag = "plans", security(("bearer" = ["plans.write"])), request_body = NewPlan, responses((status = 201, body = Plan), BadInput, Conflict))]
#[post("/plans")]
pub async fn create_plan(state: web::Data<AppState>, caller: Caller, body: Json<NewPlan>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlansWrite)?;
    caller.require_unit_scope("plans")?;
    let new = body.0;
    let unit = state.store.get_org_unit(&caller.scope, new.unit_id).await.map_err(|e| match e {
        StoreError::NotFound { .. } => ApiError::invalid("unit_id", "no such org unit, or it is outside your scope"),
        e => e.into(),
    })?;
    if let Some(pl) = new.product_line_id {
        state.store.get_product_line(pl).await.map_err(|_| ApiError::invalid("product_line_id", "no such product line"))?;
    }
    let sub = state
        .store
        .list_org_units(
            &Scope::all(),
            &OrgUnitFilter { parent_id: Some(unit.id), ..Default::default() },
            &cascade_store::ListParams { limit: 1, ..Default::default() },
        )
        .await?;
    let child_kind = if sub.items.is_empty() { ChildKind::Rep } else { ChildKind::Unit };
    let mut settings = default_settings();
    let mut parent_line_id = None;
    let mut errs = Errors::default();
    if unit.parent_id.is_some() {
        let Some((parent, line)) = state.store.find_line_for_unit(unit.id, new.period, new.product_line_id).await? else {
            return Err(ApiError::Conflict(cascade_api_types::FieldError::new(
                "unit_id",
                format!(
                    "{} has no line in a plan of the unit above for {}: that plan must be made and approved first",
                    unit.name, new.period
                ),
            )));
        };
        if parent.plan.status != PlanStatus::Approved {
            return Err(ApiError::Conflict(cascade_api_types::FieldError::new(
                "unit_id",
                format!(
                    "{}'s line is not final yet: plan {} of {} is {}",
                    unit.name,
                    parent.plan.id,
                    parent.plan.unit_name,
                    parent.plan.status.as_str()
                ),
            )));
        }
        settings = settings_of(&parent.plan);
        settings.total_fen = line.final_fen;
        parent_line_id = Some(line.id);
        if new.total.is_some_and(|t| t.fen() != line.final_fen) {
            errs.push("total", format!("is the parent line's final target, {}; leave it out", yuan(line.final_fen)));
        }
    } else {
        match new.total {
            Some(t) => settings.total_fen = t.fen(),
            None => errs.push("total", "is required for the company's plan"),
        }
    }
    apply_settings(
        &mut settings,
        &PlanPatch {
            total: None,
            weights: new.weights,
            history_percent: new.history_percent,
            band_percent: new.band_percent,
            rounding_unit: new.rounding_unit,
            probabilities: new.probabilities.clone(),
        },
    );
    check_settings(&mut errs, &settings);
    errs.finish()?;
    let id = state
        .store
        .create_plan(&NewPlanRecord {
            unit_id: unit.id,
            period: new.period,
            product_line_id: new.product_line_id,
            parent_line_id,
            child_kind,
            settings,
            created_by: Some(caller.user_id),
        })
        .await?;
    let plan = reload(&state, id).await?;
    caller.audit(&state, "create", "plan", id, None::<&()>, Some(&plan)).await;
    Ok(plan_response(actix_web::http::StatusCode::CREATED, &plan).customize_location(format!("/api/v1/plans/{id}")))
}

trait Located {
    fn customize_location(self, to: String) -> HttpResponse;
}

impl Located for HttpResponse {
    fn customize_location(mut self, to: String) -> HttpResponse {
        if let Ok(v) = header::HeaderValue::from_str(&to) {
            self.headers_mut().insert(header::LOCATION, v);
        }
        self
    }
}

/// Get a plan; its `ETag` is the version to send as `If-Match`.
#[utoipa::path(tag = "plans", security(("bearer" = ["plans.read"])), params(("id" = i64, Path)), responses((status = 200, body = Plan, headers(("ETag" = String))), NotFound))]
#[get("/plans/{id}")]
pub async fn get_plan(state: web::Data<AppState>, caller: Caller, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlansRead)?;
    let rec = load(&state, &caller, *id).await?;
    Ok(plan_response(actix_web::http::StatusCode::OK, &rec.plan))
}

/// Change a draft or returned plan's settings (generate again to apply
/// them). Only the company's plan can change its total.
#[utoipa::path(
    tag = "plans", security(("bearer" = ["plans.write"])),
    params(("id" = i64, Path), IfMatch),
    request_body = PlanPatch,
    responses((status = 200, body = Plan), BadInput, NotFound, Conflict, Stale)
)]
#[patch("/plans/{id}")]
pub async fn update_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<PlanPatch>,
) -> Result<HttpResponse, ApiError> {
    let (rec, version) = writable(&req, &state, &caller, *id, Permission::PlansWrite).await?;
    require_editable(&rec)?;
    check_version(rec.plan.version, version, "plan")?;
    let patch = body.0;
    let mut errs = Errors::default();
    if patch.total.is_some() && rec.plan.parent_line_id.is_some() {
        errs.push("total", "a child plan's total is its parent line's final target");
    }
    let mut settings = settings_of(&rec.plan);
    apply_settings(&mut settings, &patch);
    check_settings(&mut errs, &settings);
    errs.finish()?;
    let write = PlanWrite { plan_id: rec.plan.id, expect_version: Some(version), settings: Some(settings), ..Default::default() };
    state.store.write_plans(&[write], &[], &actor(&caller)).await?;
    let plan = reload(&state, rec.plan.id).await?;
    caller.audit(&state, "update", "plan", plan.id, Some(&rec.plan), Some(&plan)).await;
    Ok(plan_response(actix_web::http::StatusCode::OK, &plan))
}

/// Delete a draft or returned plan that has no child plans.
#[utoipa::path(
    tag = "plans", security(("bearer" = ["plans.write"])),
    params(("id" = i64, Path), IfMatch),
    responses((status = 204, description = "Deleted"), NotFound, Conflict, Stale)
)]
#[delete("/plans/{id}")]
pub async fn delete_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (rec, version) = writable(&req, &state, &caller, *id, Permission::PlansWrite).await?;
    require_editable(&rec)?;
    check_version(rec.plan.version, version, "plan")?;
    state.store.delete_plan(&caller.scope, rec.plan.id).await?;
    caller.audit(&state, "delete", "plan", rec.plan.id, Some(&rec.plan), None::<&()>).await;
    Ok(HttpResponse::NoContent().finish())
}

/// Generate suggestions with the three-factor model from the period's
/// sales history, pipeline, staffing and priority points. Lines a manager
/// pinned keep their value while it stays inside the new band.
#[utoipa::path(
    tag = "plans", security(("bearer" = ["plans.write"])),
    params(("id" = i64, Path), IfMatch),
    responses((status = 200, body = Plan), NotFound, Conflict, Stale, BadInput)
)]
#[post("/plans/{id}/generate")]
pub async fn generate_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (rec, version) = writable(&req, &state, &caller, *id, Permission::PlansWrite).await?;
    require_editable(&rec)?;
    check_version(rec.plan.version, version, "plan")?;
    generate_lines(state.store.as_ref(), &rec, version, &actor(&caller)).await?;
    let plan = reload(&state, rec.plan.id).await?;
    caller.audit(&state, "generate", "plan", plan.id, None::<&()>, Some(&plan)).await;
    Ok(plan_response(actix_web::http::StatusCode::OK, &plan))
}

/// The plan's lines with suggestion, band, final value, achievement and
/// the explanation of each, in the language `Accept-Language` asks for
/// (else the company's). A rep sees only their own line.
#[utoipa::path(
    tag = "plans", security(("bearer" = ["plans.read"])),
    params(("id" = i64, Path), AcceptLanguage),
    responses(
        (status = 200, body = Vec<PlanLine>, headers(("Content-Language" = String, description = "The explanations' language: `zh-CN` or `en`"))),
        NotFound
    )
)]
#[get("/plans/{id}/lines")]
pub async fn list_plan_lines(
    state: web::Data<AppState>,
    caller: Caller,
    lang: RequestLang,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlansRead)?;
    let rec = load(&state, &caller, *id).await?;
    let rows = state.store.plan_lines(&caller.scope, rec.plan.id).await?;
    let got = achieved(&state, &rec).await?;
    let lines: Vec<PlanLine> =
        rows.iter().map(|l| to_api_line(&rec.plan, l, got.get(&line_key(l)).copied().unwrap_or(0), lang.0)).collect();
    Ok(lang.ok().json(lines))
}

async fn line_of(state: &AppState, rec: &PlanRecord, line_id: i64) -> Result<LineRecord, ApiError> {
    all_lines(state, rec.plan.id).await?.into_iter().find(|l| l.id == line_id).ok_or(ApiError::NotFound("plan line"))
}

/// Adjust a line within its band: a new final value (a whole number of
/// rounding units) needs a reason of at least 10 characters; `pinned:
/// false` returns it to the suggestion. `If-Match` is the line's version.
/// The line comes back with its explanation in the language
/// `Accept-Language` asks for (else the company's).
#[utoipa::path(
    tag = "plans", security(("bearer" = ["plans.write"])),
    params(("id" = i64, Path), ("line_id" = i64, Path), IfMatch, AcceptLanguage),
    request_body = LinePatch,
    responses(
        (status = 200, body = PlanLine, headers(("ETag" = String), ("Content-Language" = String, description = "The explanation's language: `zh-CN` or `en`"))),
        BadInput, NotFound, Conflict, Stale
    )
)]
#[patch("/plans/{id}/lines/{line_id}")]
pub async fn adjust_plan_line(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    lang: RequestLang,
    path: web::Path<(i64, i64)>,
    body: Json<LinePatch>,
) -> Result<HttpResponse, ApiError> {
    let (id, line_id) = path.into_inner();
    let (rec, version) = writable(&req, &state, &caller, id, Permission::PlansWrite).await?;
    require_editable(&rec)?;
    let line = line_of(&state, &rec, line_id).await?;
    check_version(line.version, version, "plan line")?;
    let mut patch = body.0;
    let mut errs = Errors::default();
    validate::opt_note(&mut errs, "notes", &mut patch.notes);
    let mut w = LineWrite { expect_version: Some(version), ..keep(&line) };
    if let Some(p) = patch.priority {
        if p.is_sign_negative() {
            errs.push("priority", "must not be negative");
        }
        w.priority = p;
    }
    if let Some(n) = &patch.notes {
        w.notes = n.clone();
    }
    if patch.pinned == Some(false) {
        w.pinned = false;
        w.final_fen = w.suggested_fen;
        w.reason = None;
    }
    let mut revision = None;
    if let Some(f) = patch.final_target {
        let fen = f.fen();
        let unit = rec.plan.rounding_unit.fen();
        if fen % unit != 0 {
            errs.push("final", format!("must be a whole number of rounding units ({})", yuan(unit)));
        } else if let Err(e) = check_adjustment(fen, line.suggested_fen, rec.plan.band_percent) {
            errs.push("final", band_reason(e));
        }
        let reason =
            if fen == line.suggested_fen { patch.reason.clone() } else { check_reason(&mut errs, "reason", &patch.reason) };
        w.final_fen = fen;
        w.pinned = true;
        w.reason = reason.clone();
        if fen != line.final_fen {
            revision = Some(NewRevision {
                kind: "adjust".into(),
                reason: reason.unwrap_or_else(|| "back to the suggestion".into()),
                event: Some(serde_json::json!({"line_id": line.id, "from": Money::from_fen(line.final_fen), "to": f})),
            });
        }
    } else if let Some(r) = &patch.reason {
        if w.pinned {
            w.reason = check_reason(&mut errs, "reason", &Some(r.clone()));
        } else {
            errs.push("reason", "only a line with a changed final value carries a reason");
        }
    }
    if patch.pinned == Some(false) && line.final_fen != line.suggested_fen {
        revision = Some(NewRevision {
            kind: "adjust".into(),
            reason: "back to the suggestion".into(),
            event: Some(
                serde_json::json!({"line_id": line.id, "from": Money::from_fen(line.final_fen), "to": Money::from_fen(line.suggested_fen)}),
            ),
        });
    }
    errs.finish()?;
    let write = PlanWrite { plan_id: rec.plan.id, lines: vec![w], revision, ..Default::default() };
    state.store.write_plans(&[write], &[], &actor(&caller)).await?;
    let after = line_of(&state, &rec, line_id).await?;
    let got = achieved(&state, &rec).await?;
    let body = to_api_line(&rec.plan, &after, got.get(&line_key(&after)).copied().unwrap_or(0), lang.0);
    caller.audit(&state, "adjust", "plan_line", line_id, Some(&line.final_fen), Some(&after.final_fen)).await;
    Ok(lang.ok().insert_header(etag(after.version)).json(body))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EvidenceQuery {
    /// The file's name as the user knows it.
    #[param(value_type = cascade_api_types::strict::schema::FileName, inline)]
    pub file_name: String,
}

fn check_content(content_type: &str, bytes: &[u8]) -> Result<(), ApiError> {
    let Some((_, magics)) = EVIDENCE_TYPES.iter().find(|(t, _)| *t == content_type) else {
        let allowed: Vec<&str> = EVIDENCE_TYPES.iter().map(|(t, _)| *t).collect();
        return Err(ApiError::UnsupportedMediaType(format!("evidence may be one of: {}", allowed.join(", "))));
    };
    let ok = if magics.is_empty() { std::str::from_utf8(bytes).is_ok() } else { magics.iter().any(|m| bytes.starts_with(m)) };
    if !ok {
        return Err(ApiError::invalid("body", format!("the content is not a valid {content_type} file")));
    }
    Ok(())
}

/// Attach evidence to a line: the file is the request body, its type the
/// `Content-Type` (PDF, PNG, JPEG, WebP, Word, Excel, PowerPoint, plain
/// text or CSV), at most 10 MiB. Equal files are stored once.
#[utoipa::path(
    tag = "plans", security(("bearer" = ["plans.write"])),
    params(("id" = i64, Path), ("line_id" = i64, Path), EvidenceQuery),
    request_body(
        description = "The file, sent with its own type (these are all the types accepted)",
        content(
            (FileBytes = "application/pdf"), (FileBytes = "image/png"), (FileBytes = "image/jpeg"), (FileBytes = "image/webp"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            (FileBytes = "text/plain"), (FileBytes = "text/csv")
        )
    ),
    responses(
        (status = 201, body = Evidence),
        (status = 413, description = "Over 10 MiB", body = cascade_api_types::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not an accepted type", body = cascade_api_types::Problem, content_type = "application/problem+json"),
        NotFound, BadQuery
    )
)]
#[post("/plans/{id}/lines/{line_id}/evidence")]
pub async fn upload_line_evidence(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
    q: Query<EvidenceQuery>,
    mut body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlansWrite)?;
    let (id, line_id) = path.into_inner();
    let rec = load(&state, &caller, id).await?;
    require_editor(&caller, &rec)?;
    let line = line_of(&state, &rec, line_id).await?;
    let file_name = crate::validate::file_name(&q.0.file_name)?;
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    if req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        .is_some_and(|n| n > MAX_EVIDENCE_BYTES)
    {
        return Err(ApiError::PayloadTooLarge { limit: MAX_EVIDENCE_BYTES });
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(cascade_api_types::FieldError::new("body", e.to_string())))?;
        if (bytes.len() + chunk.len()) as u64 > MAX_EVIDENCE_BYTES {
            return Err(ApiError::PayloadTooLarge { limit: MAX_EVIDENCE_BYTES });
        }
        bytes.extend_from_slice(&chunk);
    }
    if bytes.is_empty() {
        return Err(ApiError::invalid("body", "is empty: send the file as the request body"));
    }
    check_content(&content_type, &bytes)?;
    let ev = state.store.add_evidence(line.id, &file_name, &content_type, &bytes, Some(caller.user_id)).await?;
    caller.audit(&state, "upload", "plan_evidence", ev.id, None::<&()>, Some(&ev)).await;
    Ok(HttpResponse::Created().insert_header((header::LOCATION, format!("/api/v1/plans/{id}/evidence/{}", ev.id))).json(ev))
}

/// A line's evidence files.
#[utoipa::path(tag = "plans", security(("bearer" = ["plans.read"])), params(("id" = i64, Path), ("line_id" = i64, Path)), responses((status = 200, body = Vec<Evidence>), NotFound))]
#[get("/plans/{id}/lines/{line_id}/evidence")]
pub async fn list_line_evidence(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<web::Json<Vec<Evidence>>, ApiError> {
    caller.require(Permission::PlansRead)?;
    let (id, line_id) = path.into_inner();
    let rec = load(&state, &caller, id).await?;
    let visible = state.store.plan_lines(&caller.scope, rec.plan.id).await?;
    let line = visible.iter().find(|l| l.id == line_id).ok_or(ApiError::NotFound("plan line"))?;
    Ok(web::Json(state.store.list_evidence(line.id).await?))
}

/// Download one evidence file.
#[utoipa::path(
    tag = "plans", security(("bearer" = ["plans.read"])),
    params(("id" = i64, Path), ("evidence_id" = i64, Path)),
    responses(
        (status = 200, description = "The file, with the type it was uploaded with", content(
            (FileBytes = "application/pdf"), (FileBytes = "image/png"), (FileBytes = "image/jpeg"), (FileBytes = "image/webp"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            (FileBytes = "text/plain"), (FileBytes = "text/csv")
        )),
        NotFound
    )
)]
#[get("/plans/{id}/evidence/{evidence_id}")]
pub async fn download_plan_evidence(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlansRead)?;
    let (id, evidence_id) = path.into_inner();
    let rec = load(&state, &caller, id).await?;
    let (ev, bytes) = state.store.get_evidence(evidence_id).await?;
    let visible = state.store.plan_lines(&caller.scope, rec.plan.id).await?;
    if !visible.iter().any(|l| l.id == ev.line_id) {
        return Err(ApiError::NotFound("evidence"));
    }
    let encoded: String = ev
        .file_name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, ev.content_type.clone()))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{encoded}")))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((header::ETAG, format!("\"{}\"", ev.sha256)))
        .body(bytes))
}

/// Spread what the pinned lines leave over the unpinned ones, in
/// proportion to their suggestions and inside their bands; 409 with the
/// numbers when no such spread exists.
#[utoipa::path(
    tag = "plans", security(("bearer" = ["plans.write"])),
    params(("id" = i64, Path), IfMatch),
    responses((status = 200, body = Plan), NotFound, Conflict, Stale)
)]
#[post("/plans/{id}/rebalance")]
pub async fn rebalance_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (rec, version) = writable(&req, &state, &caller, *id, Permission::PlansWrite).await?;
    require_editable(&rec)?;
    check_version(rec.plan.version, version, "plan")?;
    let rows = all_lines(&state, rec.plan.id).await?;
    if rows.is_empty() {
        return Err(ApiError::Conflict(cascade_api_types::FieldError::new("lines", "generate suggestions first")));
    }
    let band: Vec<BandLine> =
        rows.iter().map(|l| BandLine { id: l.id, suggested: l.suggested_fen, current: l.final_fen, pinned: l.pinned }).collect();
    let finals = rebalance(rec.plan.total.fen(), rec.plan.rounding_unit.fen(), rec.plan.band_percent, &band)
        .map_err(|e| band_error("lines", e))?;
    let writes: Vec<LineWrite> = rows
        .iter()
        .zip(&finals)
        .filter(|(l, f)| l.final_fen != **f)
        .map(|(l, f)| LineWrite { final_fen: *f, ..keep(l) })
        .collect();
    let write = PlanWrite {
        plan_id: rec.plan.id,
        expect_version: Some(version),
        lines: writes,
        revision: Some(NewRevision {
            kind: "rebalance".into(),
            reason: "the unpinned lines take what the pinned ones leave".into(),
            event: None,
        }),
        ..Default::default()
    };
    state.store.write_plans(&[write], &[], &actor(&caller)).await?;
    let plan = reload(&state, rec.plan.id).await?;
    caller.audit(&state, "rebalance", "plan", plan.id, None::<&()>, Some(&plan)).await;
    Ok(plan_response(actix_web::http::StatusCode::OK, &plan))
}

/// A workflow step: the status it leads to and the revision it records.
struct Step {
    status: PlanStatus,
    comment: Option<String>,
    kind: &'static str,
    reason: String,
}

async fn transition(
    state: &AppState,
    caller: &Caller,
    rec: &PlanRecord,
    version: i64,
    step: Step,
) -> Result<HttpResponse, ApiError> {
    let write = PlanWrite {
        plan_id: rec.plan.id,
        expect_version: Some(version),
        status: Some(step.status),
        comment: Some(step.comment),
        revision: Some(NewRevision { kind: step.kind.into(), reason: step.reason, event: None }),
        ..Default::default()
    };
    state.store.write_plans(&[write], &[], &actor(caller)).await?;
    let plan = reload(state, rec.plan.id).await?;
    caller.audit(state, step.kind, "plan", plan.id, Some(&rec.plan.status), Some(&plan.status)).await;
    Ok(plan_response(actix_web::http::StatusCode::OK, &plan))
}

fn require_status(rec: &PlanRecord, want: PlanStatus) -> Result<(), ApiError> {
    if rec.plan.status == want {
        Ok(())
    } else {
        Err(ApiError::Conflict(cascade_api_types::FieldError::new(
            "status",
            format!("the plan is {}, not {}", rec.plan.status.as_str(), want.as_str()),
        )))
    }
}

/// Submit for approval: the lines' final targets must sum to exactly the total.
#[utoipa::path(
    tag = "plans", security(("bearer" = ["plans.write"])),
    params(("id" = i64, Path), IfMatch),
    responses((status = 200, body = Plan), NotFound, Conflict, Stale)
)]
#[post("/plans/{id}/submit")]
pub async fn submit_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (rec, version) = writable(&req, &state, &caller, *id, Permission::PlansWrite).await?;
    require_editable(&rec)?;
    check_version(rec.plan.version, version, "plan")?;
    if rec.plan.lines == 0 {
        return Err(ApiError::Conflict(cascade_api_types::FieldError::new("lines", "generate suggestions first")));
    }
    if rec.plan.difference.fen() != 0 {
        return Err(ApiError::Conflict(cascade_api_types::FieldError::new(
            "lines",
            format!(
                "the lines sum to {} but the total is {} (difference {}): adjust or rebalance first",
                yuan(rec.plan.lines_total.fen()),
                yuan(rec.plan.total.fen()),
                yuan(rec.plan.difference.fen())
            ),
        )));
    }
    transition(
        &state,
        &caller,
        &rec,
        version,
        Step { status: PlanStatus::Submitted, comment: None, kind: "submit", reason: "submitted for approval".into() },
    )
    .await
}

/// Approve a submitted plan (HQ approves region plans, the region manager
/// province plans). The plan is locked; child plans can be made from it.
#[utoipa::path(
    tag = "plans", security(("bearer" = ["plans.approve"])),
    params(("id" = i64, Path), IfMatch),
    responses((status = 200, body = Plan), NotFound, Conflict, Stale)
)]
#[post("/plans/{id}/approve")]
pub async fn approve_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlansApprove)?;
    let version = if_match(&req)?;
    let rec = load(&state, &caller, *id).await?;
    require_approver(&caller, &rec)?;
    require_status(&rec, PlanStatus::Submitted)?;
    check_version(rec.plan.version, version, "plan")?;
    transition(
        &state,
        &caller,
        &rec,
        version,
        Step { status: PlanStatus::Approved, comment: None, kind: "approve", reason: "approved".into() },
    )
    .await
}

/// Return a submitted plan to its manager with a comment.
#[utoipa::path(
    tag = "plans", security(("bearer" = ["plans.approve"])),
    params(("id" = i64, Path), IfMatch),
    request_body = ReturnPlan,
    responses((status = 200, body = Plan), BadInput, NotFound, Conflict, Stale)
)]
#[post("/plans/{id}/return")]
pub async fn return_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<ReturnPlan>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlansApprove)?;
    let version = if_match(&req)?;
    let rec = load(&state, &caller, *id).await?;
    require_approver(&caller, &rec)?;
    let mut errs = Errors::default();
    let comment = check_reason(&mut errs, "comment", &Some(body.0.comment));
    errs.finish()?;
    require_status(&rec, PlanStatus::Submitted)?;
    check_version(rec.plan.version, version, "plan")?;
    let comment = comment.unwrap_or_default();
    transition(
        &state,
        &caller,
        &rec,
        version,
        Step { status: PlanStatus::Returned, comment: Some(comment.clone()), kind: "return", reason: comment },
    )
    .await
}

/// Revisions visible to the caller: a rep sees those that changed their line.
async fn visible_revisions(
    state: &AppState,
    caller: &Caller,
    rec: &PlanRecord,
    upto: Option<i64>,
) -> Result<(Vec<cascade_store::planning::RevisionRecord>, Option<HashSet<i64>>), ApiError> {
    let revs = state.store.revisions(rec.plan.id, upto).await?;
    let own: Option<HashSet<i64>> = match caller.scope.rep_id() {
        Some(_) => Some(state.store.plan_lines(&caller.scope, rec.plan.id).await?.iter().map(|l| l.id).collect()),
        None => None,
    };
    Ok((revs, own))
}

/// Every revision of the plan: who, when, why, which event, and how many
/// lines it changed. A rep sees the revisions that changed their own line.
#[utoipa::path(tag = "plans", security(("bearer" = ["plans.read"])), params(("id" = i64, Path)), responses((status = 200, body = Vec<PlanRevision>), NotFound))]
#[get("/plans/{id}/revisions")]
pub async fn list_plan_revisions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<Vec<PlanRevision>>, ApiError> {
    caller.require(Permission::PlansRead)?;
    let rec = load(&state, &caller, *id).await?;
    let (revs, own) = visible_revisions(&state, &caller, &rec, None).await?;
    Ok(web::Json(
        revs.into_iter()
            .filter(|r| own.as_ref().is_none_or(|o| r.changes.iter().any(|c| o.contains(&c.0))))
            .map(|r| r.revision)
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// A revision number (0: before the first).
    pub from: i64,
    pub to: i64,
}

/// The lines whose final target differs between two revisions.
#[utoipa::path(tag = "plans", security(("bearer" = ["plans.read"])), params(("id" = i64, Path), DiffQuery), responses((status = 200, body = PlanDiff), NotFound, BadQuery))]
#[get("/plans/{id}/diff")]
pub async fn diff_plan_revisions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    q: Query<DiffQuery>,
) -> Result<web::Json<PlanDiff>, ApiError> {
    caller.require(Permission::PlansRead)?;
    let rec = load(&state, &caller, *id).await?;
    let q = q.0;
    let mut errs = Errors::default();
    for (f, v) in [("from", q.from), ("to", q.to)] {
        if v < 0 || v > rec.plan.revision {
            errs.push(f, format!("must be a revision number from 0 to {}", rec.plan.revision));
        }
    }
    errs.finish()?;
    let (revs, own) = visible_revisions(&state, &caller, &rec, Some(q.from.max(q.to))).await?;
    let at = |n: i64| {
        let mut values: BTreeMap<i64, i64> = BTreeMap::new();
        let mut total = 0;
        for r in revs.iter().filter(|r| r.revision.number <= n) {
            total = r.revision.total.fen();
            for (line, _, f) in &r.changes {
                values.insert(*line, *f);
            }
        }
        (values, total)
    };
    let (a, ta) = at(q.from);
    let (b, tb) = at(q.to);
    let names: HashMap<i64, String> = all_lines(&state, rec.plan.id).await?.into_iter().map(|l| (l.id, l.name)).collect();
    let keys: std::collections::BTreeSet<i64> = a.keys().chain(b.keys()).copied().collect();
    let changed = keys
        .into_iter()
        .filter(|k| own.as_ref().is_none_or(|o| o.contains(k)))
        .filter(|k| a.get(k) != b.get(k))
        .map(|k| {
            let (fa, fb) = (a.get(&k).copied(), b.get(&k).copied());
            LineDiff {
                line_id: k,
                name: names.get(&k).cloned().unwrap_or_else(|| format!("line {k} (removed)")),
                from_final: fa.map(Money::from_fen),
                to_final: fb.map(Money::from_fen),
                delta: Money::from_fen(fb.unwrap_or(0) - fa.unwrap_or(0)),
            }
        })
        .collect();
    Ok(web::Json(PlanDiff {
        from: q.from,
        to: q.to,
        total_from: Money::from_fen(ta),
        total_to: Money::from_fen(tb),
        lines: changed,
    }))
}

/// Try other weights, band or total: every line's new suggestion, its delta
/// and new band, without saving anything.
#[utoipa::path(tag = "plans", security(("bearer" = ["plans.write"])), params(("id" = i64, Path)), request_body = WhatIf, responses((status = 200, body = WhatIfResult), BadInput, NotFound, Conflict))]
#[post("/plans/{id}/what-if")]
pub async fn plan_what_if(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<WhatIf>,
) -> Result<web::Json<WhatIfResult>, ApiError> {
    caller.require(Permission::PlansWrite)?;
    let rec = load(&state, &caller, *id).await?;
    require_editor(&caller, &rec)?;
    let w = body.0;
    let mut settings = settings_of(&rec.plan);
    apply_settings(
        &mut settings,
        &PlanPatch {
            total: w.total,
            weights: w.weights,
            history_percent: w.history_percent,
            band_percent: w.band_percent,
            rounding_unit: None,
            probabilities: None,
        },
    );
    let mut errs = Errors::default();
    check_settings(&mut errs, &settings);
    errs.finish()?;
    let Model { lines: existing, children: kids, .. } = model(state.store.as_ref(), &rec).await?;
    let rule = SplitRule {
        weights: Weights {
            market: settings.weights.market,
            staffing: settings.weights.staffing,
            priority: settings.weights.priority,
        },
        history_percent: settings.history_percent,
        unit: settings.unit_fen,
    };
    let s = run_split(&rec, &rule, settings.total_fen, &kids)?;
    let by_key: HashMap<i64, &LineRecord> = existing.iter().map(|l| (line_key(l), l)).collect();
    let rows = kids
        .iter()
        .zip(&s.lines)
        .map(|(kid, line)| {
            let cur = by_key.get(&kid.key());
            let (min, max) = band_range(line.suggested, settings.band_percent);
            let current_suggested = cur.map_or(0, |l| l.suggested_fen);
            let final_fen = cur.map_or(line.suggested, |l| l.final_fen);
            WhatIfLine {
                line_id: cur.map(|l| l.id),
                child_unit_id: kid.unit_id,
                rep_id: kid.rep_id,
                name: kid.name.clone(),
                current_suggested: Money::from_fen(current_suggested),
                suggested: Money::from_fen(line.suggested),
                delta: Money::from_fen(line.suggested - current_suggested),
                band_min: Money::from_fen(min),
                band_max: Money::from_fen(max),
                final_target: Money::from_fen(final_fen),
                final_in_band: (min..=max).contains(&final_fen),
            }
        })
        .collect();
    let meta = meta_of(&s);
    Ok(web::Json(WhatIfResult {
        total: Money::from_fen(settings.total_fen),
        weights_used: meta.weights_used,
        ignored_factors: meta.ignored_factors,
        lines: rows,
    }))
}

/// A rep's open deals (neither paid nor lost) inside `scope`.
async fn open_deals_of(state: &AppState, scope: &Scope, rep_id: i64) -> Result<Vec<cascade_api_types::Opportunity>, ApiError> {
    let filter = cascade_store::OpportunityFilter { owner_rep_id: Some(rep_id), open: Some(true), ..Default::default() };
    let mut params = cascade_store::ListParams { limit: cascade_store::MAX_PAGE_SIZE, ..Default::default() };
    let mut deals = Vec::new();
    loop {
        let page = state.store.list_opportunities(scope, &filter, &params).await?;
        deals.extend(page.items);
        match page.next_cursor {
            Some(c) => params.cursor = Some(c),
            None => return Ok(deals),
        }
    }
}

fn calibration_error(e: CalibrationError) -> ApiError {
    ApiError::Conflict(cascade_api_types::FieldError::new("event", e.to_string()))
}

fn customer_of(probs: &BTreeMap<String, Decimal>, c: &cascade_store::planning::CustomerFact) -> Customer {
    Customer { id: c.id, history: c.history, pipeline: pipeline_value(probs, c.pipeline.iter().copied()) }
}

/// Record a calibration event on an approved rep plan: a departure, a slip,
/// a transfer or a hire. Achieved-to-date stays with whoever earned it; the
/// rest moves as the model says, the total holds, and a new revision
/// records who, when, why and which event.
#[utoipa::path(
    tag = "plans", security(("bearer" = ["plans.calibrate"])),
    params(("id" = i64, Path), IfMatch),
    request_body = NewCalibration,
    responses((status = 200, body = CalibrationResult), BadInput, NotFound, Conflict, Stale)
)]
#[post("/plans/{id}/calibrations")]
pub async fn calibrate_plan(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<NewCalibration>,
) -> Result<HttpResponse, ApiError> {
    let (rec, version) = writable(&req, &state, &caller, *id, Permission::PlansCalibrate).await?;
    let new = body.0;
    let mut errs = Errors::default();
    let reason = check_reason(&mut errs, "reason", &Some(new.reason.clone()));
    errs.finish()?;
    require_status(&rec, PlanStatus::Approved)?;
    if rec.plan.child_kind != ChildKind::Rep {
        return Err(ApiError::Conflict(cascade_api_types::FieldError::new(
            "event",
            "calibration moves targets between reps: use it on a plan whose lines are reps",
        )));
    }
    check_version(rec.plan.version, version, "plan")?;
    let period = rec.plan.period;
    let pl = rec.plan.product_line_id;
    let probs = &rec.plan.probabilities;
    let Model { facts, lines: rows, children: kids } = model(state.store.as_ref(), &rec).await?;
    let got = achieved_by_key(&rec, &facts);
    let by_rep: HashMap<i64, &LineRecord> = rows.iter().filter_map(|l| l.rep_id.map(|r| (r, l))).collect();
    let positions: Vec<Position> = rows
        .iter()
        .filter_map(|l| {
            l.rep_id.map(|r| Position {
                id: r,
                final_target: l.final_fen,
                achieved: got.get(&r).copied().unwrap_or(0) + l.achieved_credit_fen,
            })
        })
        .collect();
    let inputs: HashMap<i64, &ChildInput> = kids.iter().map(|k| (k.key(), &k.input)).collect();
    let line_of_rep = |rep: i64, field: &str| -> Result<&LineRecord, ApiError> {
        by_rep.get(&rep).copied().ok_or_else(|| ApiError::invalid(field, format!("rep {rep} has no line in this plan")))
    };
    let mut effects = Vec::new();
    // Sales already booked this period on customers that change hands stay
    // credited to the rep who made them.
    let mut credits: HashMap<i64, i64> = HashMap::new();
    // Every customer, deal and rep an event names is looked up inside the
    // plan's unit: anything else answers exactly as if it did not exist.
    let plan_scope = Scope::subtree(&rec.unit_path);
    let active: HashSet<i64> = facts.reps.iter().filter(|r| r.status == cascade_core::RepStatus::Active).map(|r| r.id).collect();
    let event = match &new.event {
        CalibrationEvent::Departure { rep_id, effective, reassign } => {
            line_of_rep(*rep_id, "event.rep_id")?;
            let owned = state.store.customer_facts(&plan_scope, &CustomerSelect::OwnedBy(*rep_id), period, pl).await?;
            let named: HashMap<i64, i64> = reassign.iter().map(|r| (r.customer_id, r.to_rep_id)).collect();
            let mut errs = Errors::default();
            if !period.contains(*effective) {
                errs.push("event.effective", format!("must lie in {period} ({} – {})", period.start(), period.end()));
            }
            for c in &owned {
                if !named.contains_key(&c.id) {
                    errs.push("event.reassign", format!("customer {} of the departing rep has no receiving rep", c.id));
                }
            }
            for (i, r) in reassign.iter().enumerate() {
                if !owned.iter().any(|c| c.id == r.customer_id) {
                    errs.push(format!("event.reassign[{i}].customer_id"), "is not a customer of the departing rep");
                }
                if r.to_rep_id == *rep_id || !by_rep.contains_key(&r.to_rep_id) {
                    errs.push(format!("event.reassign[{i}].to_rep_id"), "must be another rep with a line in this plan");
                } else if !active.contains(&r.to_rep_id) {
                    errs.push(
                        format!("event.reassign[{i}].to_rep_id"),
                        "is not an active rep: choose a colleague who is at work",
                    );
                }
            }
            // Open deals the leaver owns on a colleague's customer go to
            // that colleague; a deal with nobody active to take it is refused.
            let deals: Vec<Deal> = open_deals_of(&state, &plan_scope, *rep_id)
                .await?
                .iter()
                .filter(|d| !owned.iter().any(|o| o.id == d.customer_id))
                .map(|d| Deal { id: d.id, customer: d.customer_id })
                .collect();
            let owners: HashMap<i64, Option<i64>> = state
                .store
                .customer_facts(&plan_scope, &CustomerSelect::Ids(deals.iter().map(|d| d.customer).collect()), period, pl)
                .await?
                .into_iter()
                .map(|c| (c.id, c.owner_rep_id))
                .collect();
            let handover = match hand_over_deals(*rep_id, &deals, &owners, |r| active.contains(&r) && by_rep.contains_key(&r)) {
                Ok(h) => h,
                Err(stranded) => {
                    for d in stranded {
                        errs.push(
                            "event.rep_id",
                            format!(
                                "the departing rep's open deal {} is on customer {}, which has no active owner in this plan to \
                                 take it over: give the customer an owner first",
                                d.id, d.customer
                            ),
                        );
                    }
                    BTreeMap::new()
                }
            };
            errs.finish()?;
            let mut receivers: BTreeMap<i64, ChildInput> = BTreeMap::new();
            let mut moves: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
            for c in &owned {
                let to = named[&c.id];
                let base = inputs.get(&to).map(|m| (m.staffing, m.priority)).unwrap_or((Decimal::ZERO, Decimal::ONE));
                let r = receivers.entry(to).or_insert(ChildInput {
                    id: to,
                    history: [0; 3],
                    pipeline: 0,
                    staffing: base.0,
                    priority: base.1,
                });
                for y in 0..3 {
                    r.history[y] += c.history[y];
                }
                r.pipeline += pipeline_value(probs, c.pipeline.iter().copied());
                *credits.entry(*rep_id).or_insert(0) += c.current;
                *credits.entry(to).or_insert(0) -= c.current;
                moves.entry(to).or_default().push(c.id);
            }
            for (to, customer_ids) in moves {
                effects.push(SideEffect::MoveCustomers { customer_ids, to_rep_id: to });
            }
            for (to, opportunity_ids) in handover {
                effects.push(SideEffect::HandOverDeals { opportunity_ids, to_rep_id: to });
            }
            effects.push(SideEffect::RepDeparted { rep_id: *rep_id, since: *effective });
            Event::Departure { rep: *rep_id, receivers: receivers.into_values().collect() }
        }
        CalibrationEvent::Slip { opportunity_id, new_expected_close } => {
            let opp = state.store.get_opportunity(&plan_scope, *opportunity_id).await.map_err(|e| match e {
                StoreError::NotFound { .. } => {
                    ApiError::invalid("event.opportunity_id", "no such opportunity in this plan's unit")
                }
                e => e.into(),
            })?;
            if !period.contains(opp.expected_close) {
                return Err(ApiError::invalid("event.opportunity_id", format!("the deal is not expected to close in {period}")));
            }
            if *new_expected_close < period.end_exclusive() {
                return Err(ApiError::invalid(
                    "event.new_expected_close",
                    format!("must be after {period} ends ({})", period.end()),
                ));
            }
            let customer =
                state.store.customer_facts(&plan_scope, &CustomerSelect::Ids(vec![opp.customer_id]), period, pl).await?;
            let owner = customer
                .first()
                .and_then(|c| c.owner_rep_id)
                .ok_or_else(|| ApiError::invalid("event.opportunity_id", "the deal's customer has no owner in this plan"))?;
            line_of_rep(owner, "event.opportunity_id")?;
            let amount = pipeline_value(probs, [(opp.stage, opp.amount.fen())]);
            let team: Vec<ChildInput> =
                kids.iter().filter(|k| k.key() != owner && by_rep.contains_key(&k.key())).map(|k| k.input.clone()).collect();
            effects.push(SideEffect::SlipOpportunity { opportunity_id: opp.id, new_close: *new_expected_close });
            Event::Slip { rep: owner, amount, cover: Cover::Team(team) }
        }
        CalibrationEvent::Transfer { customer_ids, to_rep_id, effective } => {
            if !period.contains(*effective) {
                return Err(ApiError::invalid(
                    "event.effective",
                    format!("must lie in {period} ({} – {})", period.start(), period.end()),
                ));
            }
            line_of_rep(*to_rep_id, "event.to_rep_id")?;
            if !active.contains(to_rep_id) {
                return Err(ApiError::invalid("event.to_rep_id", "is not an active rep: choose a colleague who is at work"));
            }
            let moved = state.store.customer_facts(&plan_scope, &CustomerSelect::Ids(customer_ids.clone()), period, pl).await?;
            if moved.len() != customer_ids.iter().collect::<HashSet<_>>().len() || moved.is_empty() {
                return Err(ApiError::invalid("event.customer_ids", "name one or more existing customers, each once"));
            }
            let owners: HashSet<Option<i64>> = moved.iter().map(|c| c.owner_rep_id).collect();
            let from = match owners.into_iter().collect::<Vec<_>>()[..] {
                [Some(from)] => from,
                _ => return Err(ApiError::invalid("event.customer_ids", "the customers must all belong to one rep")),
            };
            if from == *to_rep_id {
                return Err(ApiError::invalid("event.to_rep_id", "the customers already belong to this rep"));
            }
            line_of_rep(from, "event.customer_ids")?;
            let kept = state.store.customer_facts(&plan_scope, &CustomerSelect::OwnedBy(from), period, pl).await?;
            let kept: Vec<Customer> =
                kept.iter().filter(|c| !customer_ids.contains(&c.id)).map(|c| customer_of(probs, c)).collect();
            for c in &moved {
                *credits.entry(from).or_insert(0) += c.current;
                *credits.entry(*to_rep_id).or_insert(0) -= c.current;
            }
            effects.push(SideEffect::MoveCustomers { customer_ids: customer_ids.clone(), to_rep_id: *to_rep_id });
            Event::Transfer { from, to: *to_rep_id, moved: moved.iter().map(|c| customer_of(probs, c)).collect(), kept }
        }
        CalibrationEvent::Hire { rep_id } => {
            if by_rep.contains_key(rep_id) {
                return Err(ApiError::invalid("event.rep_id", "the rep already has a line in this plan"));
            }
            let hired = inputs.get(rep_id).map(|m| (*m).clone()).ok_or_else(|| {
                ApiError::invalid(
                    "event.rep_id",
                    format!("must be an active rep of {} who counts in {period}", rec.plan.unit_name),
                )
            })?;
            let team: Vec<ChildInput> = kids.iter().filter(|k| by_rep.contains_key(&k.key())).map(|k| k.input.clone()).collect();
            Event::Hire { hired, team }
        }
    };
    let rule = rule_of(&rec.plan);
    let result = calibrate(&positions, &rule, &event).map_err(calibration_error)?;
    let mut writes = Vec::new();
    let mut changes = Vec::new();
    let names: HashMap<i64, String> = kids.iter().map(|k| (k.key(), k.name.clone())).collect();
    for c in &result.changes {
        let credit = credits.remove(&c.id).unwrap_or(0);
        match by_rep.get(&c.id) {
            Some(l) => {
                writes.push(LineWrite {
                    final_fen: c.after,
                    pinned: true,
                    reason: reason.clone(),
                    achieved_credit_fen: l.achieved_credit_fen + credit,
                    ..keep(l)
                });
                changes.push(LineDiff {
                    line_id: l.id,
                    name: l.name.clone(),
                    from_final: Some(Money::from_fen(c.before)),
                    to_final: Some(Money::from_fen(c.after)),
                    delta: Money::from_fen(c.after - c.before),
                });
            }
            None => {
                writes.push(LineWrite {
                    id: None,
                    expect_version: None,
                    child_unit_id: None,
                    rep_id: Some(c.id),
                    suggested_fen: c.after,
                    final_fen: c.after,
                    pinned: true,
                    reason: reason.clone(),
                    notes: String::new(),
                    priority: Decimal::ONE,
                    explanation: "{}".into(),
                    achieved_credit_fen: credit,
                });
                changes.push(LineDiff {
                    line_id: 0,
                    name: names.get(&c.id).cloned().unwrap_or_default(),
                    from_final: None,
                    to_final: Some(Money::from_fen(c.after)),
                    delta: Money::from_fen(c.after),
                });
            }
        }
    }
    // Credits of lines whose final did not change still move with the customers.
    for (rep, credit) in credits {
        if let Some(l) = by_rep.get(&rep) {
            if credit != 0 {
                writes.push(LineWrite { achieved_credit_fen: l.achieved_credit_fen + credit, ..keep(l) });
            }
        }
    }
    let write = PlanWrite {
        plan_id: rec.plan.id,
        expect_version: Some(version),
        lines: writes,
        revision: Some(NewRevision {
            kind: "calibration".into(),
            reason: reason.unwrap_or_default(),
            event: serde_json::to_value(&new.event).ok(),
        }),
        ..Default::default()
    };
    state.store.write_plans(&[write], &effects, &actor(&caller)).await?;
    let plan = reload(&state, rec.plan.id).await?;
    caller.audit(&state, "calibrate", "plan", plan.id, None::<&()>, Some(&new.event)).await;
    let revision = plan.revision;
    Ok(HttpResponse::Ok().insert_header(etag(plan.version)).json(CalibrationResult { plan, revision, changes }))
}

/// HQ relief: change one line's final target and, by the same amount, this
/// plan's total and every plan above it, each with a revision. The line
/// cannot go below what it has achieved.
#[utoipa::path(
    tag = "plans", security(("bearer" = ["plans.relief"])),
    params(("id" = i64, Path), IfMatch),
    request_body = NewRelief,
    responses((status = 200, body = CalibrationResult), BadInput, NotFound, Conflict, Stale)
)]
#[post("/plans/{id}/relief")]
pub async fn grant_plan_relief(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    body: Json<NewRelief>,
) -> Result<HttpResponse, ApiError> {
    let (rec, version) = writable(&req, &state, &caller, *id, Permission::PlansRelief).await?;
    let new = body.0;
    let mut errs = Errors::default();
    let reason = check_reason(&mut errs, "reason", &Some(new.reason.clone())).unwrap_or_default();
    if new.delta.fen() == 0 {
        errs.push("delta", "must not be zero");
    }
    errs.finish()?;
    require_status(&rec, PlanStatus::Approved)?;
    check_version(rec.plan.version, version, "plan")?;
    let rows = all_lines(&state, rec.plan.id).await?;
    let line =
        rows.iter().find(|l| l.id == new.line_id).ok_or_else(|| ApiError::invalid("line_id", "no such line in this plan"))?;
    if let Some(child) = state.store.plan_of_line(line.id).await? {
        return Err(ApiError::Conflict(cascade_api_types::FieldError::new(
            "line_id",
            format!("{} has its own plan ({}): grant relief on a line of that plan", line.name, child.plan.id),
        )));
    }
    let got = achieved(&state, &rec).await?;
    let positions: Vec<Position> = rows
        .iter()
        .map(|l| Position {
            id: l.id,
            final_target: l.final_fen,
            achieved: got.get(&line_key(l)).copied().unwrap_or(0) + l.achieved_credit_fen,
        })
        .collect();
    let result = calibrate(&positions, &rule_of(&rec.plan), &Event::Relief { rep: line.id, delta: new.delta.fen() })
        .map_err(|e| ApiError::Conflict(cascade_api_types::FieldError::new("delta", e.to_string())))?;
    let after = result.lines.iter().find(|p| p.id == line.id).map_or(line.final_fen, |p| p.final_target);
    let event = serde_json::json!({"line_id": line.id, "delta": new.delta});
    let mut settings = settings_of(&rec.plan);
    settings.total_fen = result.total_after;
    let mut writes = vec![PlanWrite {
        plan_id: rec.plan.id,
        expect_version: Some(version),
        settings: Some(settings),
        lines: vec![LineWrite { final_fen: after, pinned: true, reason: Some(reason.clone()), ..keep(line) }],
        revision: Some(NewRevision { kind: "relief".into(), reason: reason.clone(), event: Some(event.clone()) }),
        ..Default::default()
    }];
    // Every plan above moves by the same amount, so totals still reconcile.
    let mut parent_line = rec.plan.parent_line_id;
    while let Some(pl_id) = parent_line {
        let Some(parent) = state.store.plan_of_line_owner(pl_id).await? else { break };
        let pl_line = all_lines(&state, parent.plan.id)
            .await?
            .into_iter()
            .find(|l| l.id == pl_id)
            .ok_or(ApiError::NotFound("plan line"))?;
        let mut s = settings_of(&parent.plan);
        s.total_fen += new.delta.fen();
        writes.push(PlanWrite {
            plan_id: parent.plan.id,
            settings: Some(s),
            lines: vec![LineWrite {
                final_fen: pl_line.final_fen + new.delta.fen(),
                pinned: true,
                reason: Some(reason.clone()),
                ..keep(&pl_line)
            }],
            revision: Some(NewRevision { kind: "parent_relief".into(), reason: reason.clone(), event: Some(event.clone()) }),
            ..Default::default()
        });
        parent_line = parent.plan.parent_line_id;
    }
    state.store.write_plans(&writes, &[], &actor(&caller)).await?;
    let plan = reload(&state, rec.plan.id).await?;
    caller.audit(&state, "relief", "plan", plan.id, None::<&()>, Some(&event)).await;
    let revision = plan.revision;
    let changes = vec![LineDiff {
        line_id: line.id,
        name: line.name.clone(),
        from_final: Some(Money::from_fen(line.final_fen)),
        to_final: Some(Money::from_fen(after)),
        delta: Money::from_fen(after - line.final_fen),
    }];
    Ok(HttpResponse::Ok().insert_header(etag(plan.version)).json(CalibrationResult { plan, revision, changes }))
}

#[cfg(test)]
mod tests {
    /// The document lists exactly the evidence types the upload accepts.
    #[test]
    fn documented_evidence_types_are_the_accepted_ones() {
        let doc = serde_json::to_value(crate::openapi::document()).unwrap();
        for (path, method, at) in [
            ("/api/v1/plans/{id}/lines/{line_id}/evidence", "post", "/requestBody/content"),
            ("/api/v1/plans/{id}/evidence/{evidence_id}", "get", "/responses/200/content"),
        ] {
            let content = doc["paths"][path][method].pointer(at).and_then(|c| c.as_object()).unwrap();
            let documented: Vec<&str> = content.keys().map(String::as_str).collect();
            let mut accepted: Vec<&str> = super::EVIDENCE_TYPES.iter().map(|(t, _)| *t).collect();
            accepted.sort_unstable();
            assert_eq!(documented, accepted, "{method} {path}");
        }
    }
}
