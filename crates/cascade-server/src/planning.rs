//! Target planning between the routes and the store: turns stored facts
//! into the model's inputs, runs `cascade-core`'s split, band, rebalance and
//! calibration, enforces the workflow (who may edit, submit, approve) and
//! prepares the store's all-or-nothing writes. Handlers stay thin.

use std::collections::{BTreeMap, HashMap};

use cascade_api_types as api;
use cascade_core::allocation::{split, ChildInput, Factor, Line, Split, SplitError, SplitRule, Weights};
use cascade_core::band::{band_range, BandError, MAX_BAND_PERCENT};
use cascade_core::explain::{yuan, Explanation, Lang};
use cascade_core::scores::{capability_weight, expected_value};
use cascade_core::{FunnelStage, Money, Period};
use std::collections::HashSet;

use cascade_store::planning::{
    Actor, Facts, LineRecord, LineWrite, NewRevision, PlanRecord, PlanSettings, PlanWrite, RevisionRecord, SplitMeta,
};
use cascade_store::Scope;
use cascade_store::Store;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::auth::Caller;
use crate::error::{ApiError, Errors};

use cascade_core::MIN_REASON;

/// The model's record of one line at its last generation, kept with the
/// line so its explanation can be shown later exactly as computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stored {
    pub history: [i64; 3],
    pub pipeline: i64,
    pub staffing: Decimal,
    pub priority: Decimal,
    pub line: Line,
    pub weights_used: Weights,
    pub history_percent_used: Decimal,
    pub ignored: Vec<Factor>,
    pub even: bool,
    pub total: i64,
    pub siblings: usize,
    pub rule: SplitRule,
}

/// One child of a plan with its model inputs and what it booked so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    pub unit_id: Option<i64>,
    pub rep_id: Option<i64>,
    pub name: String,
    pub input: ChildInput,
    /// Booked in the period so far (without calibration credits).
    pub achieved: i64,
}

impl Child {
    pub fn key(&self) -> i64 {
        self.input.id
    }
}

pub fn rule_of(p: &api::Plan) -> SplitRule {
    SplitRule {
        weights: Weights { market: p.weights.market, staffing: p.weights.staffing, priority: p.weights.priority },
        history_percent: p.history_percent,
        unit: p.rounding_unit.fen(),
    }
}

pub fn settings_of(p: &api::Plan) -> PlanSettings {
    PlanSettings {
        total_fen: p.total.fen(),
        weights: p.weights,
        history_percent: p.history_percent,
        band_percent: p.band_percent,
        unit_fen: p.rounding_unit.fen(),
        probabilities: p.probabilities.clone(),
    }
}

/// The probability a plan gives a stage.
fn probability(p: &BTreeMap<String, Decimal>, stage: FunnelStage) -> Option<Decimal> {
    p.get(stage.as_str()).copied()
}

/// Σ amount × probability per stage, rounded once per stage sum.
pub fn pipeline_value(probs: &BTreeMap<String, Decimal>, by_stage: impl IntoIterator<Item = (FunnelStage, i64)>) -> i64 {
    by_stage.into_iter().map(|(stage, amount)| expected_value(amount, stage, probability(probs, stage))).sum()
}

/// The line key of a line record (its child unit or rep id).
pub fn line_key(l: &LineRecord) -> i64 {
    l.child_unit_id.or(l.rep_id).unwrap_or(l.id)
}

/// The plan's children as the model sees them, in a stable order (by
/// path for units, by id for reps). `priorities` are the stored points by
/// line key (1 when absent).
pub fn children(rec: &PlanRecord, facts: &Facts, priorities: &HashMap<i64, Decimal>) -> Vec<Child> {
    let plan = &rec.plan;
    let start = plan.period.start();
    let prio = |k: i64| priorities.get(&k).copied().unwrap_or(Decimal::ONE);
    match plan.child_kind {
        api::ChildKind::Unit => {
            let kids: Vec<&cascade_store::planning::UnitFact> =
                facts.units.iter().filter(|u| u.parent_id == Some(plan.unit_id)).collect();
            let index: HashMap<i64, usize> = facts
                .units
                .iter()
                .filter_map(|u| kids.iter().position(|k| u.path.starts_with(&k.path)).map(|i| (u.id, i)))
                .collect();
            let mut out: Vec<Child> = kids
                .iter()
                .map(|k| Child {
                    unit_id: Some(k.id),
                    rep_id: None,
                    name: k.name.clone(),
                    input: ChildInput { id: k.id, history: [0; 3], pipeline: 0, staffing: Decimal::ZERO, priority: prio(k.id) },
                    achieved: 0,
                })
                .collect();
            for s in &facts.sales {
                if let Some(&i) = index.get(&s.unit_id) {
                    for y in 0..3 {
                        out[i].input.history[y] += s.history[y];
                    }
                    out[i].achieved += s.current;
                }
            }
            for p in &facts.pipeline {
                if let Some(&i) = index.get(&p.unit_id) {
                    out[i].input.pipeline += pipeline_value(&plan.probabilities, [(p.stage, p.amount)]);
                }
            }
            for r in &facts.reps {
                if let Some(&i) = index.get(&r.unit_id) {
                    out[i].input.staffing += capability_weight(r.rating, r.hire_date, r.status, r.status_since, start);
                }
            }
            out
        }
        api::ChildKind::Rep => {
            // Reps gone before the period starts carry no target; one who
            // leaves during it keeps a line until calibration moves it.
            let mut out: Vec<Child> = facts
                .reps
                .iter()
                .filter(|r| r.unit_id == plan.unit_id)
                .map(|r| (r, capability_weight(r.rating, r.hire_date, r.status, r.status_since, start)))
                .filter(|(_, w)| *w > Decimal::ZERO)
                .map(|(r, w)| Child {
                    unit_id: None,
                    rep_id: Some(r.id),
                    name: r.name.clone(),
                    input: ChildInput { id: r.id, history: [0; 3], pipeline: 0, staffing: w, priority: prio(r.id) },
                    achieved: 0,
                })
                .collect();
            let index: HashMap<i64, usize> = out.iter().enumerate().map(|(i, c)| (c.input.id, i)).collect();
            for s in &facts.sales {
                if let Some(&i) = s.owner_rep_id.and_then(|r| index.get(&r)) {
                    for y in 0..3 {
                        out[i].input.history[y] += s.history[y];
                    }
                    out[i].achieved += s.current;
                }
            }
            for p in &facts.pipeline {
                if let Some(&i) = p.owner_rep_id.and_then(|r| index.get(&r)) {
                    out[i].input.pipeline += pipeline_value(&plan.probabilities, [(p.stage, p.amount)]);
                }
            }
            out
        }
    }
}

/// Achieved-to-date of every child key (units: their subtree's sales;
/// reps: their customers' sales), without credits.
pub fn achieved_by_key(rec: &PlanRecord, facts: &Facts) -> HashMap<i64, i64> {
    let mut all = HashMap::new();
    match rec.plan.child_kind {
        api::ChildKind::Unit => {
            let kids: Vec<&cascade_store::planning::UnitFact> =
                facts.units.iter().filter(|u| u.parent_id == Some(rec.plan.unit_id)).collect();
            let top: HashMap<i64, i64> = facts
                .units
                .iter()
                .filter_map(|u| kids.iter().find(|k| u.path.starts_with(&k.path)).map(|k| (u.id, k.id)))
                .collect();
            for s in &facts.sales {
                if let Some(k) = top.get(&s.unit_id) {
                    *all.entry(*k).or_insert(0) += s.current;
                }
            }
        }
        api::ChildKind::Rep => {
            for s in &facts.sales {
                if let Some(r) = s.owner_rep_id {
                    *all.entry(r).or_insert(0) += s.current;
                }
            }
        }
    }
    all
}

pub fn split_error(e: SplitError) -> ApiError {
    let field = match &e {
        SplitError::Weights(_) => "weights",
        SplitError::HistoryPercent(_) => "history_percent",
        SplitError::Unit(_) => "rounding_unit",
        SplitError::Total { .. } => "total",
        SplitError::NoChildren => "unit_id",
        SplitError::DuplicateChild(_) | SplitError::NegativeScore(_) => "lines",
    };
    ApiError::invalid(field, e.to_string())
}

/// Why a manual value is refused by its band, in yuan.
pub fn band_reason(e: BandError) -> String {
    match e {
        BandError::Outside { value, suggested, min, max } => {
            format!("{} is outside the band {} – {} around the suggested {}", yuan(value), yuan(min), yuan(max), yuan(suggested))
        }
        e => e.to_string(),
    }
}

pub fn band_error(field: &str, e: BandError) -> ApiError {
    match e {
        BandError::Band(b) => ApiError::invalid("band_percent", format!("must be between 0 and {MAX_BAND_PERCENT} (got {b})")),
        e @ BandError::Outside { .. } => ApiError::invalid(field, band_reason(e)),
        BandError::Infeasible { needed, min, max, unit } => ApiError::Conflict(api::FieldError::new(
            field,
            format!(
                "no rebalance fits: the unpinned lines must take {} but their bands allow only {} – {} in whole units of {}; \
                 unpin a line or change a pinned value",
                yuan(needed),
                yuan(min),
                yuan(max),
                yuan(unit)
            ),
        )),
        BandError::NotWhole(left) => ApiError::Conflict(api::FieldError::new(
            field,
            format!("the total left for the unpinned lines ({}) is not a whole number of rounding units", yuan(left)),
        )),
    }
}

/// Runs the model for a plan's children.
pub fn run_split(rec: &PlanRecord, rule: &SplitRule, total: i64, kids: &[Child]) -> Result<Split, ApiError> {
    if kids.is_empty() {
        let what = match rec.plan.child_kind {
            api::ChildKind::Unit => "child units",
            api::ChildKind::Rep => "reps who count in the period",
        };
        return Err(ApiError::Conflict(api::FieldError::new(
            "unit_id",
            format!("{} has no {what} to split over", rec.plan.unit_name),
        )));
    }
    let inputs: Vec<ChildInput> = kids.iter().map(|k| k.input.clone()).collect();
    split(total, rule, &inputs).map_err(split_error)
}

pub fn meta_of(s: &Split) -> SplitMeta {
    SplitMeta {
        weights_used: api::PlanWeights {
            market: s.weights_used.market,
            staffing: s.weights_used.staffing,
            priority: s.weights_used.priority,
        },
        ignored_factors: s.ignored.iter().map(|f| factor_word(*f).to_owned()).collect(),
        even_split: s.even,
    }
}

pub fn factor_word(f: Factor) -> &'static str {
    match f {
        Factor::History => "history",
        Factor::Pipeline => "pipeline",
        Factor::Market => "market",
        Factor::Staffing => "staffing",
        Factor::Priority => "priority",
    }
}

pub fn stored_of(kid: &Child, line: &Line, s: &Split, total: i64, rule: &SplitRule) -> Stored {
    Stored {
        history: kid.input.history,
        pipeline: kid.input.pipeline,
        staffing: kid.input.staffing,
        priority: kid.input.priority,
        line: line.clone(),
        weights_used: s.weights_used,
        history_percent_used: s.history_percent_used,
        ignored: s.ignored.clone(),
        even: s.even,
        total,
        siblings: s.lines.len(),
        rule: *rule,
    }
}

pub fn parse_stored(l: &LineRecord) -> Option<Stored> {
    serde_json::from_str(&l.explanation).ok()
}

/// The explanation of a stored line in plain words, in `lang`.
pub fn explanation(stored: &Stored, name: &str, lang: Lang) -> Explanation {
    let s = Split {
        lines: Vec::new(),
        weights_used: stored.weights_used,
        history_percent_used: stored.history_percent_used,
        ignored: stored.ignored.clone(),
        even: stored.even,
    };
    cascade_core::explain::explain(name, &stored.line, &s, &stored.rule, stored.total, stored.siblings, lang)
}

/// A stored line as the API shows it, its explanation written in `lang`.
pub fn to_api_line(plan: &api::Plan, l: &LineRecord, achieved: i64, lang: Lang) -> api::PlanLine {
    let (min, max) = band_range(l.suggested_fen, plan.band_percent);
    let stored = parse_stored(l);
    let achieved = achieved + l.achieved_credit_fen;
    api::PlanLine {
        id: l.id,
        plan_id: l.plan_id,
        child_unit_id: l.child_unit_id,
        rep_id: l.rep_id,
        name: l.name.clone(),
        suggested: Money::from_fen(l.suggested_fen),
        final_target: Money::from_fen(l.final_fen),
        band_min: Money::from_fen(min),
        band_max: Money::from_fen(max),
        pinned: l.pinned,
        reason: l.reason.clone(),
        notes: l.notes.clone(),
        achieved: Money::from_fen(achieved),
        attainment: ratio(achieved, l.final_fen),
        scores: stored.as_ref().map(|s| api::LineScores {
            history: s.history.map(Money::from_fen),
            history_score: s.line.history_score.round_dp(2),
            pipeline: Money::from_fen(s.pipeline),
            staffing: s.staffing,
            priority: s.priority,
            history_share: s.line.history_share.round_dp(6),
            pipeline_share: s.line.pipeline_share.round_dp(6),
            market_share: s.line.market_share.round_dp(6),
            staffing_share: s.line.staffing_share.round_dp(6),
            priority_share: s.line.priority_share.round_dp(6),
            composite: s.line.composite.round_dp(6),
        }),
        explanation: stored.as_ref().map(|s| explanation(s, &l.name, lang)),
        evidence: l.evidence,
        version: l.version,
        updated_at: l.updated_at,
    }
}

/// `a ÷ b` to four places, absent when `b` is zero.
/// The revisions that moved one line, oldest first: those that changed its
/// final value or its suggestion (`revisions` in number order).
pub fn target_history(revisions: &[RevisionRecord], line_id: i64) -> Vec<api::TargetChange> {
    let mut before: Option<(i64, i64)> = None;
    let mut out = Vec::new();
    for rec in revisions {
        let Some(&(_, suggested, final_fen)) = rec.changes.iter().find(|(l, _, _)| *l == line_id) else { continue };
        if before == Some((suggested, final_fen)) {
            continue;
        }
        let r = &rec.revision;
        out.push(api::TargetChange {
            revision: r.number,
            kind: r.kind.clone(),
            reason: r.reason.clone(),
            actor: r.actor.clone(),
            at: r.at,
            from_final: before.map(|(_, f)| Money::from_fen(f)),
            to_final: Money::from_fen(final_fen),
            suggested: Money::from_fen(suggested),
        });
        before = Some((suggested, final_fen));
    }
    out
}

pub fn ratio(a: i64, b: i64) -> Option<Decimal> {
    (b != 0).then(|| (Decimal::from(a) / Decimal::from(b)).round_dp(4))
}

/// A line write that keeps everything of `l` but what the caller changes.
pub fn keep(l: &LineRecord) -> LineWrite {
    LineWrite {
        id: Some(l.id),
        expect_version: None,
        child_unit_id: l.child_unit_id,
        rep_id: l.rep_id,
        suggested_fen: l.suggested_fen,
        final_fen: l.final_fen,
        pinned: l.pinned,
        reason: l.reason.clone(),
        notes: l.notes.clone(),
        priority: l.priority,
        explanation: l.explanation.clone(),
        achieved_credit_fen: l.achieved_credit_fen,
    }
}

/// What the model sees of a plan now: the period's facts, the stored lines
/// (whose priority points it reuses) and the children with their inputs.
pub struct Model {
    pub facts: Facts,
    pub lines: Vec<LineRecord>,
    pub children: Vec<Child>,
}

pub async fn model(store: &dyn Store, rec: &PlanRecord) -> Result<Model, ApiError> {
    let facts = store.facts(&rec.unit_path, rec.plan.period, rec.plan.product_line_id, true).await?;
    let lines = store.plan_lines(&Scope::all(), rec.plan.id).await?;
    let priorities: HashMap<i64, Decimal> = lines.iter().map(|l| (line_key(l), l.priority)).collect();
    let children = children(rec, &facts, &priorities);
    Ok(Model { facts, lines, children })
}

/// A new plan's settings: the model's standard weights (50/30/20), history
/// 60 % of market potential, a 15 % band, rounding to 100 yuan.
pub fn default_settings() -> PlanSettings {
    PlanSettings {
        total_fen: 0,
        weights: api::PlanWeights { market: Decimal::from(50), staffing: Decimal::from(30), priority: Decimal::from(20) },
        history_percent: Decimal::from(60),
        band_percent: Decimal::from(15),
        unit_fen: 10_000,
        probabilities: BTreeMap::new(),
    }
}

/// Generates a plan's suggestions from the period's facts and writes them
/// as one revision, computed from plan version `expect_version`. Lines a
/// manager pinned keep their value while it stays inside the new band.
pub async fn generate_lines(store: &dyn Store, rec: &PlanRecord, expect_version: i64, actor: &Actor) -> Result<(), ApiError> {
    let Model { lines: existing, children: kids, .. } = model(store, rec).await?;
    let rule = rule_of(&rec.plan);
    let total = rec.plan.total.fen();
    let s = run_split(rec, &rule, total, &kids)?;
    let by_key: HashMap<i64, &LineRecord> = existing.iter().map(|l| (line_key(l), l)).collect();
    let mut writes = Vec::with_capacity(kids.len());
    for (kid, line) in kids.iter().zip(&s.lines) {
        let explanation =
            serde_json::to_string(&stored_of(kid, line, &s, total, &rule)).map_err(|e| ApiError::Internal(e.into()))?;
        let (min, max) = band_range(line.suggested, rec.plan.band_percent);
        let w = match by_key.get(&kid.key()) {
            Some(l) => {
                let keep_pin = l.pinned && (min..=max).contains(&l.final_fen);
                LineWrite {
                    suggested_fen: line.suggested,
                    final_fen: if keep_pin { l.final_fen } else { line.suggested },
                    pinned: keep_pin,
                    reason: if keep_pin { l.reason.clone() } else { None },
                    explanation,
                    ..keep(l)
                }
            }
            None => LineWrite {
                id: None,
                expect_version: None,
                child_unit_id: kid.unit_id,
                rep_id: kid.rep_id,
                suggested_fen: line.suggested,
                final_fen: line.suggested,
                pinned: false,
                reason: None,
                notes: String::new(),
                priority: kid.input.priority,
                explanation,
                achieved_credit_fen: 0,
            },
        };
        writes.push(w);
    }
    let live: HashSet<i64> = kids.iter().map(Child::key).collect();
    let write = PlanWrite {
        plan_id: rec.plan.id,
        expect_version: Some(expect_version),
        split_meta: Some(meta_of(&s)),
        lines: writes,
        delete_lines: existing.iter().filter(|l| !live.contains(&line_key(l))).map(|l| l.id).collect(),
        revision: Some(NewRevision {
            kind: "generate".into(),
            reason: "suggestions generated by the three-factor model".into(),
            event: None,
        }),
        ..Default::default()
    };
    store.write_plans(&[write], &[], actor).await?;
    Ok(())
}

/// Checks settings a client sent, collecting every refusal.
pub fn check_settings(errs: &mut Errors, s: &PlanSettings) {
    let w = s.weights;
    for (f, v) in [("weights.market", w.market), ("weights.staffing", w.staffing), ("weights.priority", w.priority)] {
        if v.is_sign_negative() {
            errs.push(f, "must not be negative");
        }
    }
    let sum = w.market + w.staffing + w.priority;
    if sum != Decimal::ONE_HUNDRED {
        errs.push("weights", format!("must sum to exactly 100 (they sum to {})", sum.normalize()));
    }
    if s.history_percent.is_sign_negative() || s.history_percent > Decimal::ONE_HUNDRED {
        errs.push("history_percent", "must be between 0 and 100");
    }
    if s.band_percent.is_sign_negative() || s.band_percent > Decimal::from(MAX_BAND_PERCENT) {
        errs.push("band_percent", format!("must be between 0 and {MAX_BAND_PERCENT}"));
    }
    if s.unit_fen <= 0 {
        errs.push("rounding_unit", "must be positive");
    } else if s.total_fen < 0 {
        errs.push("total", "must not be negative");
    } else if s.total_fen % s.unit_fen != 0 {
        errs.push("total", format!("must be a multiple of the rounding unit {}", Money::from_fen(s.unit_fen)));
    }
    for (k, v) in &s.probabilities {
        match FunnelStage::parse(k) {
            Err(_) => errs.push(format!("probabilities.{k}"), "is not a funnel stage (lead, quote, contract, payment, lost)"),
            Ok(_) if v.is_sign_negative() || *v > Decimal::ONE => {
                errs.push(format!("probabilities.{k}"), "must be between 0 and 1")
            }
            Ok(_) => {}
        }
    }
}

/// A reason: free text (see [`crate::validate::note`]) of at least
/// [`MIN_REASON`] characters once leading and trailing spaces are trimmed.
pub fn check_reason(errs: &mut Errors, field: &str, reason: &Option<String>) -> Option<String> {
    let Some(raw) = reason else {
        errs.push(field, format!("is required: at least {MIN_REASON} characters saying why"));
        return None;
    };
    let text = errs.check(field, cascade_core::parse_note(raw, cascade_core::NOTE_MAX))?;
    if !cascade_core::says_why(&text) {
        errs.push(field, format!("is required: at least {MIN_REASON} characters saying why"));
        return None;
    }
    Some(text)
}

/// The scope of the unit above a plan's unit (the company for a top unit).
fn parent_scope(rec: &PlanRecord) -> Scope {
    let trimmed = rec.unit_path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(i) if rec.unit_parent_id.is_some() => Scope::subtree(&trimmed[..=i]),
        _ => Scope::all(),
    }
}

/// Only a manager of the plan's unit (or above) changes it.
pub fn require_editor(caller: &Caller, rec: &PlanRecord) -> Result<(), ApiError> {
    caller.require_unit_scope("plans")?;
    if !caller.scope.contains(&Scope::subtree(&rec.unit_path)) {
        return Err(ApiError::NotFound("plan"));
    }
    Ok(())
}

/// Region plans are approved by HQ, province plans by the region manager:
/// the approver's scope holds the unit above the plan's unit.
pub fn require_approver(caller: &Caller, rec: &PlanRecord) -> Result<(), ApiError> {
    caller.require_unit_scope("approvals")?;
    let parent = parent_scope(rec);
    if !caller.scope.contains(&parent) {
        return Err(ApiError::Forbidden(format!(
            "the plan of {} is approved by a manager of the unit above it",
            rec.plan.unit_name
        )));
    }
    Ok(())
}

pub fn require_editable(rec: &PlanRecord) -> Result<(), ApiError> {
    if rec.plan.status.is_editable() {
        Ok(())
    } else {
        Err(ApiError::Conflict(api::FieldError::new(
            "status",
            format!("the plan is {}; only a draft or returned plan can be changed", rec.plan.status.as_str()),
        )))
    }
}

/// The `If-Match` header of every plan and line write, as documented.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatch {
    /// The `ETag` of the plan or line as read (e.g. `"7"`): the version the
    /// change was computed from. A version that is no longer current answers
    /// 412 and writes nothing; without the header the answer is 428.
    #[serde(rename = "If-Match")]
    #[param(pattern = r#"^(W/)?"?[0-9]{1,18}"?$"#)]
    pub if_match: String,
}

/// `If-Match` as a version number (`"7"`, `W/"7"` or `7`).
pub fn if_match(req: &actix_web::HttpRequest) -> Result<i64, ApiError> {
    let raw = req.headers().get(actix_web::http::header::IF_MATCH).ok_or(ApiError::PreconditionRequired)?;
    version_of(raw.to_str().unwrap_or(""))
        .ok_or_else(|| ApiError::invalid("If-Match", "must be the ETag of the resource, e.g. \"3\""))
}

/// The version an `If-Match` value names: exactly the documented pattern,
/// up to 18 digits, so it always fits.
pub fn version_of(text: &str) -> Option<i64> {
    let text = text.strip_prefix("W/").unwrap_or(text);
    let text = text.strip_prefix('"').unwrap_or(text);
    let text = text.strip_suffix('"').unwrap_or(text);
    if !(1..=18).contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

pub fn etag(version: i64) -> (actix_web::http::header::HeaderName, String) {
    (actix_web::http::header::ETAG, format!("\"{version}\""))
}

/// The stored version must be the one the client read.
pub fn check_version(have: i64, sent: i64, what: &str) -> Result<(), ApiError> {
    if have == sent {
        Ok(())
    } else {
        Err(ApiError::PreconditionFailed(what.to_owned()))
    }
}

/// Gini coefficient of non-negative values (negative ones count as 0).
pub fn gini(values: &[Decimal]) -> Option<Decimal> {
    let mut v: Vec<Decimal> = values.iter().map(|x| (*x).max(Decimal::ZERO)).collect();
    let n = Decimal::from(v.len() as i64);
    let sum: Decimal = v.iter().sum();
    if v.is_empty() || sum.is_zero() {
        return None;
    }
    v.sort();
    let weighted: Decimal = v.iter().enumerate().map(|(i, x)| Decimal::from(i as i64 + 1) * *x).sum();
    Some(((Decimal::TWO * weighted) / (n * sum) - (n + Decimal::ONE) / n).round_dp(4))
}

pub fn spread(values: &[Decimal]) -> api::Spread {
    let max = values.iter().max().copied();
    let min = values.iter().min().copied();
    api::Spread {
        gini: gini(values),
        max,
        min,
        max_over_min: match (max, min) {
            (Some(a), Some(b)) if b > Decimal::ZERO => Some((a / b).round_dp(4)),
            _ => None,
        },
    }
}

/// Whether a plan's period overlaps `[from, to)`.
pub fn overlaps(p: Period, from: chrono::NaiveDate, to: chrono::NaiveDate) -> bool {
    p.start() < to && from < p.end_exclusive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_of_equal_values_is_zero_and_of_one_winner_is_high() {
        let eq = [Decimal::ONE; 4];
        assert_eq!(gini(&eq), Some(Decimal::ZERO));
        let one = [Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ONE];
        assert_eq!(gini(&one), Some(Decimal::new(75, 2)));
        assert_eq!(gini(&[]), None);
    }

    fn revision(number: i64, kind: &str, changes: Vec<(i64, i64, i64)>) -> RevisionRecord {
        RevisionRecord {
            revision: api::PlanRevision {
                number,
                kind: kind.to_owned(),
                reason: format!("reason {number}"),
                event: None,
                total: Money::from_fen(0),
                actor_user_id: None,
                actor: "rm.hn".to_owned(),
                at: chrono::DateTime::UNIX_EPOCH,
                changed_lines: changes.len() as u64,
            },
            changes,
        }
    }

    #[test]
    fn a_targets_history_keeps_only_the_revisions_that_moved_it() {
        let revs = vec![
            revision(1, "generate", vec![(7, 100, 100), (8, 50, 50)]),
            revision(2, "adjust", vec![(8, 50, 60)]),
            revision(3, "submit", vec![]),
            revision(4, "calibration", vec![(7, 100, 130), (8, 50, 30)]),
            revision(5, "rebalance", vec![(7, 100, 130)]),
        ];
        let h = target_history(&revs, 7);
        let seen: Vec<_> = h.iter().map(|c| (c.revision, c.from_final.map(|m| m.fen()), c.to_final.fen())).collect();
        assert_eq!(seen, vec![(1, None, 100), (4, Some(100), 130)]);
        assert_eq!(h[1].reason, "reason 4");
        assert!(target_history(&revs, 9).is_empty());
    }
}
