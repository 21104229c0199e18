//! Metrics built on plans: attainment rolled up over any level of the tree,
//! adjustment frequency, a rep's own target in plain words, and the
//! quarterly fairness survey.

use std::collections::{BTreeMap, HashMap};

use actix_web::{get, post, web, HttpResponse};
use cascade_api_types::{
    AdjustmentFrequency, AttainmentReport, AttainmentRow, FairnessGroup, FairnessRollup, FairnessScore, MyTarget,
    NewFairnessScore,
};
use cascade_core::{Money, Period, PeriodKind, Permission};
use cascade_store::planning::Facts;
use cascade_store::StoreError;
use chrono::TimeZone;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Caller;
use crate::error::docs::{BadInput, BadQuery, Conflict, NotFound};
use crate::error::{ApiError, Errors};
use crate::extract::{Json, Query};
use crate::lang::{AcceptLanguage, RequestLang};
use crate::planning::{ratio, spread, to_api_line};
use crate::state::AppState;
use crate::validate;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_attainment)
        .service(get_adjustment_frequency)
        .service(get_rep_target)
        .service(submit_fairness_score)
        .service(get_fairness);
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AttainmentQuery {
    pub unit_id: i64,
    pub period: Period,
    /// Targets and sales of one product line (plans made for it).
    pub product_line_id: Option<i64>,
}

struct Tree<'a> {
    facts: &'a Facts,
    unit_target: HashMap<i64, i64>,
    rep_target: HashMap<i64, (i64, i64)>,
    children: HashMap<i64, Vec<i64>>,
}

impl Tree<'_> {
    /// A unit's target: its own line, or (a group node) the sum of its
    /// children's targets, or of its reps' lines.
    fn target(&self, unit: i64) -> i64 {
        if let Some(t) = self.unit_target.get(&unit) {
            return *t;
        }
        match self.children.get(&unit) {
            Some(kids) if !kids.is_empty() => kids.iter().map(|k| self.target(*k)).sum(),
            _ => {
                self.facts.reps.iter().filter(|r| r.unit_id == unit).filter_map(|r| self.rep_target.get(&r.id)).map(|t| t.0).sum()
            }
        }
    }
}

fn row(kind: &str, id: i64, name: &str, target: i64, achieved: i64) -> AttainmentRow {
    AttainmentRow {
        kind: kind.to_owned(),
        id,
        name: name.to_owned(),
        target: Money::from_fen(target),
        achieved: Money::from_fen(achieved),
        attainment: ratio(achieved, target),
    }
}

/// Attainment (achieved ÷ final target of approved plans) of a unit and its
/// children for a period, rolled up over the whole subtree: a unit without
/// a line of its own (a group node) sums its children's targets. With the
/// spread of the children's attainment (Gini, max, min, max ÷ min).
#[utoipa::path(tag = "metrics", security(("bearer" = ["metrics.read"])), params(AttainmentQuery), responses((status = 200, body = AttainmentReport), NotFound, BadQuery))]
#[get("/metrics/attainment")]
pub async fn get_attainment(
    state: web::Data<AppState>,
    caller: Caller,
    q: Query<AttainmentQuery>,
) -> Result<web::Json<AttainmentReport>, ApiError> {
    caller.require(Permission::MetricsRead)?;
    let q = q.0;
    let unit = state.store.get_org_unit(&caller.scope, q.unit_id).await?;
    let root = state.store.scope_of_unit(unit.id).await?;
    let facts = state.store.facts(root.path(), q.period, q.product_line_id, false).await?;
    let targets = state.store.targets(root.path(), q.period, q.product_line_id).await?;
    let mut tree = Tree { facts: &facts, unit_target: HashMap::new(), rep_target: HashMap::new(), children: HashMap::new() };
    for t in &targets {
        if let Some(u) = t.child_unit_id {
            tree.unit_target.insert(u, t.final_fen);
        }
        if let Some(r) = t.rep_id {
            tree.rep_target.insert(r, (t.final_fen, t.achieved_credit_fen));
        }
    }
    for u in &facts.units {
        if let Some(p) = u.parent_id {
            tree.children.entry(p).or_default().push(u.id);
        }
    }
    let path_of: HashMap<i64, &str> = facts.units.iter().map(|u| (u.id, u.path.as_str())).collect();
    let mut by_unit: HashMap<i64, i64> = HashMap::new();
    let mut by_rep: HashMap<i64, i64> = HashMap::new();
    for s in &facts.sales {
        *by_unit.entry(s.unit_id).or_insert(0) += s.current;
        if let Some(r) = s.owner_rep_id {
            *by_rep.entry(r).or_insert(0) += s.current;
        }
    }
    let subtree_sales = |id: i64| -> i64 {
        let p = path_of.get(&id).copied().unwrap_or("");
        facts.units.iter().filter(|u| u.path.starts_with(p)).map(|u| by_unit.get(&u.id).copied().unwrap_or(0)).sum()
    };
    let top = row("unit", unit.id, &unit.name, tree.target(unit.id), subtree_sales(unit.id));
    let kids = tree.children.get(&unit.id).cloned().unwrap_or_default();
    let children: Vec<AttainmentRow> = if kids.is_empty() {
        facts
            .reps
            .iter()
            .filter(|r| r.unit_id == unit.id)
            .filter_map(|r| {
                let (target, credit) = tree.rep_target.get(&r.id).copied()?;
                Some(row("rep", r.id, &r.name, target, by_rep.get(&r.id).copied().unwrap_or(0) + credit))
            })
            .collect()
    } else {
        kids.iter()
            .filter_map(|k| facts.units.iter().find(|u| u.id == *k))
            .map(|u| row("unit", u.id, &u.name, tree.target(u.id), subtree_sales(u.id)))
            .collect()
    };
    let values: Vec<Decimal> = children.iter().filter_map(|c| c.attainment).collect();
    Ok(web::Json(AttainmentReport {
        period: q.period,
        product_line_id: q.product_line_id,
        unit: top,
        spread: spread(&values),
        children,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AdjustmentQuery {
    pub unit_id: i64,
    /// A quarter, e.g. `2026-Q3`.
    #[param(value_type = cascade_api_types::strict::schema::Quarter, inline)]
    pub quarter: Period,
}

fn require_quarter(p: Period) -> Result<(), ApiError> {
    if p.kind() == PeriodKind::Quarter {
        Ok(())
    } else {
        Err(ApiError::invalid("quarter", "must be a quarter, e.g. 2026-Q3"))
    }
}

/// How often targets changed in a unit's subtree in a quarter (manager
/// adjustments, calibrations and reliefs), per plan, with every reason.
/// Neither 0 (rigid) nor dozens (chaos) is healthy.
#[utoipa::path(tag = "metrics", security(("bearer" = ["metrics.read"])), params(AdjustmentQuery), responses((status = 200, body = AdjustmentFrequency), NotFound, BadQuery))]
#[get("/metrics/adjustments")]
pub async fn get_adjustment_frequency(
    state: web::Data<AppState>,
    caller: Caller,
    q: Query<AdjustmentQuery>,
) -> Result<web::Json<AdjustmentFrequency>, ApiError> {
    caller.require(Permission::MetricsRead)?;
    let q = q.0;
    require_quarter(q.quarter)?;
    let unit = state.store.get_org_unit(&caller.scope, q.unit_id).await?;
    let root = state.store.scope_of_unit(unit.id).await?;
    let tz = state.settings.time_zone();
    let at = |d: chrono::NaiveDate| {
        tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN)).earliest().map(|t| t.with_timezone(&chrono::Utc))
    };
    let (from, to) = match (at(q.quarter.start()), at(q.quarter.end_exclusive())) {
        (Some(a), Some(b)) => (a, b),
        _ => return Err(ApiError::invalid("quarter", "has no midnight in the company's time zone")),
    };
    let (entries, periods) = state.store.changes(root.path(), from, to).await?;
    let plans =
        periods.iter().filter(|p| crate::planning::overlaps(**p, q.quarter.start(), q.quarter.end_exclusive())).count() as u64;
    let mut by_kind: BTreeMap<String, u64> = BTreeMap::new();
    for e in &entries {
        *by_kind.entry(e.kind.clone()).or_insert(0) += 1;
    }
    let changes = entries.len() as u64;
    Ok(web::Json(AdjustmentFrequency {
        unit_id: unit.id,
        quarter: q.quarter,
        changes,
        plans,
        per_plan: (plans > 0).then(|| (Decimal::from(changes) / Decimal::from(plans)).round_dp(2)),
        by_kind,
        entries,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MyTargetQuery {
    pub period: Period,
}

/// A rep's target for a period — "my target" for a rep, who may ask only
/// about themselves — with why it is what it is in plain words (为什么我的
/// 目标是这个数) and, when a manager changed it, how and why: in the
/// language `Accept-Language` asks for, else the company's; every change
/// to it with its reason; and, for the rep themselves, their answer to the
/// quarter's fairness survey.
#[utoipa::path(
    tag = "metrics", security(("bearer" = ["plans.read"])),
    params(("id" = i64, Path), MyTargetQuery, AcceptLanguage),
    responses(
        (status = 200, body = MyTarget, headers(("Content-Language" = String, description = "The language of `explanation` and `adjustment`: `zh-CN` or `en`"))),
        NotFound, BadQuery
    )
)]
#[get("/reps/{id}/target")]
pub async fn get_rep_target(
    state: web::Data<AppState>,
    caller: Caller,
    lang: RequestLang,
    id: web::Path<i64>,
    q: Query<MyTargetQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::PlansRead)?;
    let rep = state.store.get_rep(&caller.scope, *id).await?.id;
    let (rec, line) = state.store.rep_line(rep, q.0.period).await?.ok_or(ApiError::NotFound("target"))?;
    let facts = state.store.facts(&rec.unit_path, rec.plan.period, rec.plan.product_line_id, false).await?;
    let got = crate::planning::achieved_by_key(&rec, &facts).get(&rep).copied().unwrap_or(0);
    let api_line = to_api_line(&rec.plan, &line, got, lang.0);
    let history = crate::planning::target_history(&state.store.revisions(rec.plan.id, None).await?, line.id);
    let survey = match (caller.scope.rep_id(), rec.plan.period.kind()) {
        (Some(own), PeriodKind::Quarter) if own == rep => state.store.fairness_answer(rep, rec.plan.period).await?,
        _ => None,
    };
    let adjustment = (line.final_fen != line.suggested_fen).then(|| {
        cascade_core::explain::adjustment(line.suggested_fen, line.final_fen, line.reason.as_deref().unwrap_or(""), lang.0)
    });
    Ok(lang.ok().json(MyTarget {
        rep_id: rep,
        period: rec.plan.period,
        plan_id: rec.plan.id,
        line_id: line.id,
        suggested: api_line.suggested,
        final_target: api_line.final_target,
        achieved: api_line.achieved,
        attainment: api_line.attainment,
        plan_status: rec.plan.status,
        explanation: api_line.explanation,
        adjustment,
        history,
        survey,
    }))
}

/// Answer the quarter's fairness survey: is your target fair, 0–10? Once
/// per rep and quarter. A rep answers for themselves; an HRBP entering
/// paper answers names the rep (`rep_id`, in their scope).
#[utoipa::path(tag = "metrics", security(("bearer" = ["fairness.submit"])), request_body = NewFairnessScore, responses((status = 201, body = FairnessScore), BadInput, Conflict))]
#[post("/fairness")]
pub async fn submit_fairness_score(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<NewFairnessScore>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::FairnessSubmit)?;
    let mut new = body.0;
    let rep = match (caller.scope.rep_id(), new.rep_id) {
        (Some(own), None) => own,
        (Some(own), Some(r)) if r == own => own,
        (Some(_), Some(_)) => return Err(ApiError::Forbidden("a rep answers only for themselves".into())),
        (None, Some(r)) => {
            state
                .store
                .get_rep(&caller.scope, r)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound { .. } => ApiError::invalid("rep_id", "no such rep in your scope"),
                    e => e.into(),
                })?
                .id
        }
        (None, None) => return Err(ApiError::invalid("rep_id", "is required when you answer for a rep")),
    };
    let mut errs = Errors::default();
    if new.quarter.kind() != PeriodKind::Quarter {
        errs.push("quarter", "must be a quarter, e.g. 2026-Q3");
    }
    if new.score > 10 {
        errs.push("score", "must be from 0 to 10");
    }
    validate::opt_note(&mut errs, "comment", &mut new.comment);
    errs.finish()?;
    let saved = state.store.add_fairness(rep, &new).await?;
    caller.audit(&state, "answer", "fairness", saved.id, None::<&()>, Some(&saved)).await;
    Ok(HttpResponse::Created().json(saved))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FairnessQuery {
    pub unit_id: i64,
    #[param(value_type = cascade_api_types::strict::schema::Quarter, inline)]
    pub quarter: Period,
}

/// The fairness survey of a quarter rolled up for a unit and its children:
/// answers, reps who could answer, mean score, and the 0–10 distribution.
#[utoipa::path(tag = "metrics", security(("bearer" = ["metrics.read"])), params(FairnessQuery), responses((status = 200, body = FairnessRollup), NotFound, BadQuery))]
#[get("/metrics/fairness")]
pub async fn get_fairness(
    state: web::Data<AppState>,
    caller: Caller,
    q: Query<FairnessQuery>,
) -> Result<web::Json<FairnessRollup>, ApiError> {
    caller.require(Permission::MetricsRead)?;
    let q = q.0;
    require_quarter(q.quarter)?;
    let unit = state.store.get_org_unit(&caller.scope, q.unit_id).await.map_err(|e| match e {
        StoreError::NotFound { .. } => ApiError::NotFound("org unit"),
        e => e.into(),
    })?;
    let root = state.store.scope_of_unit(unit.id).await?;
    let facts = state.store.facts(root.path(), q.quarter, None, false).await?;
    let scores = state.store.fairness_scores(root.path(), q.quarter).await?;
    let start = q.quarter.start();
    let path_of: HashMap<i64, &str> = facts.units.iter().map(|u| (u.id, u.path.as_str())).collect();
    let group = |id: i64, name: &str| {
        let p = path_of.get(&id).copied().unwrap_or("");
        let inside = |u: i64| path_of.get(&u).is_some_and(|up| up.starts_with(p));
        let answers: Vec<u8> = scores.iter().filter(|(u, _)| inside(*u)).map(|(_, s)| *s).collect();
        let reps = facts
            .reps
            .iter()
            .filter(|r| inside(r.unit_id))
            .filter(|r| {
                cascade_core::scores::capability_weight(r.rating, r.hire_date, r.status, r.status_since, start) > Decimal::ZERO
            })
            .count() as u64;
        let n = answers.len() as u64;
        FairnessGroup {
            unit_id: id,
            name: name.to_owned(),
            responses: n,
            reps,
            mean: (n > 0)
                .then(|| (Decimal::from(answers.iter().map(|s| u64::from(*s)).sum::<u64>()) / Decimal::from(n)).round_dp(2)),
        }
    };
    let mut distribution = vec![0u64; 11];
    for (_, s) in &scores {
        distribution[usize::from((*s).min(10))] += 1;
    }
    let children = facts.units.iter().filter(|u| u.parent_id == Some(unit.id)).map(|u| group(u.id, &u.name)).collect();
    Ok(web::Json(FairnessRollup { quarter: q.quarter, unit: group(unit.id, &unit.name), distribution, children }))
}
