//! One plan as its tree (HQ → region → province → rep): per line the
//! suggestion, the final target, its change against the band, what it has
//! achieved, and "why this number" in the language shown.
//!
//! On a desk a line with a plan below it opens in place, level under level;
//! on a phone (narrow screens hide the in-place toggle) the same line is a
//! link to that plan's own screen: a drill-down list, one level per screen.
//!
//! A draft or returned plan is adjusted on its own screen (see `adjust`):
//! each of its lines opens a dialog, and the header rebalances. The header
//! also carries the plan's way to approval (`workflow`), and below the tree
//! come its revisions and the diff between any two (`history`).

mod adjust;
mod calibrate;
mod history;
mod what_if;
mod workflow;

use std::collections::HashMap;

use cascade_api_types::{Plan, PlanLine, PlanStatus};
use cascade_core::access::Permission;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError, PlanFilter};
use crate::i18n::{tr, Lang, Locale};
use crate::session::Auth;
use crate::widgets::facts::Fact;
use crate::widgets::money::{Headline, Yuan};
use crate::widgets::state::{loaded, resource, Empty};
use crate::widgets::toast::Toasts;
use crate::{catalogue, display};
use adjust::{AdjustDialog, Editing, StaleNotice};
use calibrate::CalibratePanel;
use history::History;
use what_if::WhatIfPanel;
use workflow::{Rights, Workflow};

/// A plan, its lines, the plan below each line (by line id) among the
/// plans of its period the caller can see, whether the caller can see
/// the plan above (a region manager cannot see HQ's), and whether the plan
/// waits for the caller's approval (the server's word, not a guess).
#[derive(Clone)]
struct Level {
    plan: Plan,
    lines: Vec<PlanLine>,
    below: HashMap<i64, i64>,
    parent_visible: bool,
    approvable: bool,
}

/// The plan screen's own plan. After the plan itself, everything else is
/// asked at once: its lines, the plans of the period the caller can see
/// (the plan below each line, and whether the caller sees the one above),
/// and whether it waits for the caller's approval. `_lang` is only a
/// dependency: explanations are written in it.
async fn load(auth: Auth, id: i64, _lang: Lang) -> Result<Level, ApiError> {
    let plan = api::get_plan(auth, id).await?;
    let period = Some(plan.period.to_string());
    let approver = auth.me().is_some_and(|me| me.permissions.contains(&Permission::PlansApprove));
    let approvable = async {
        if plan.status != PlanStatus::Submitted || !approver {
            return Ok(false);
        }
        let filter = PlanFilter { period: period.clone(), unit_id: Some(plan.unit_id), approvable: true, status: None };
        Ok(api::list_plans(auth, filter).await?.items.iter().any(|p| p.id == plan.id))
    };
    let siblings = api::list_plans(auth, PlanFilter { period: period.clone(), ..PlanFilter::default() });
    let (lines, siblings, approvable) = futures_util::try_join!(api::list_plan_lines(auth, id), siblings, approvable)?;
    let below = children_by_line(&plan, &siblings.items);
    let parent_visible = plan.parent_plan_id.is_some_and(|parent| siblings.items.iter().any(|p| p.id == parent));
    Ok(Level { plan, lines, below, parent_visible, approvable })
}

/// A level opened in place under a line of the unit `unit_id`: the plan,
/// its lines and the plans below them in one round of calls at once, so a
/// whole company's tree opens level by level without waiting call by call.
async fn load_below(auth: Auth, id: i64, unit_id: i64, period: String, _lang: Lang) -> Result<Level, ApiError> {
    let filter = PlanFilter { period: Some(period), unit_id: Some(unit_id), ..PlanFilter::default() };
    let (plan, lines, plans) =
        futures_util::try_join!(api::get_plan(auth, id), api::list_plan_lines(auth, id), api::list_plans(auth, filter))?;
    let below = children_by_line(&plan, &plans.items);
    Ok(Level { plan, lines, below, parent_visible: false, approvable: false })
}

/// The plans made from `plan`'s lines, by the line they split (the plan
/// for all product lines, the one a tree follows).
fn children_by_line(plan: &Plan, plans: &[Plan]) -> HashMap<i64, i64> {
    plans
        .iter()
        .filter(|p| p.parent_plan_id == Some(plan.id) && p.product_line_id.is_none())
        .filter_map(|p| p.parent_line_id.map(|line| (line, p.id)))
        .collect()
}

#[component]
pub fn PlanScreen() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())));
    view! {
        {move || match id.get() {
            Some(id) => view! { <PlanView id=id /> }.into_any(),
            None => view! { <crate::screens::not_found::NotFound /> }.into_any(),
        }}
    }
}

#[component]
fn PlanView(id: i64) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let level = resource(move || load(auth, id, locale.lang()));
    let editing = Editing::provide(Callback::new(move |()| level.refetch()));
    let screen = move |level: Level| {
        let writer = auth.me().is_some_and(|me| me.permissions.contains(&Permission::PlansWrite));
        let editable = writer && level.plan.status.is_editable();
        let rights = Rights { submit: editable, approve: level.approvable };
        let dialog = {
            let level = level.clone();
            move || {
                let line = editing.line.get().and_then(|id| level.lines.iter().find(|l| l.id == id).cloned())?;
                Some(view! { <AdjustDialog plan=level.plan.clone() line=line editable=editable /> })
            }
        };
        let history = view! { <History plan_id=level.plan.id latest=level.plan.revision /> };
        let what_if = (editable && !level.lines.is_empty()).then(|| view! { <WhatIfPanel plan=level.plan.clone() /> });
        let holds = |p: Permission| auth.me().is_some_and(|me| me.permissions.contains(&p));
        let kinds = calibrate::kinds(&level.plan, holds(Permission::PlansCalibrate), holds(Permission::PlansRelief));
        let calibrate = (!kinds.is_empty() && !level.lines.is_empty()).then(|| {
            let below: Vec<i64> = level.below.keys().copied().collect();
            view! { <CalibratePanel plan=level.plan.clone() lines=level.lines.clone() kinds=kinds below=below /> }
        });
        view! {
            <Header plan=level.plan.clone() parent_visible=level.parent_visible editable=editable rights=rights />
            {lines(level, 0, editable)}
            {what_if}
            {calibrate}
            {history}
            {dialog}
        }
    };
    view! {
        {loaded(level, move |level| screen(level).into_any())}
    }
}

#[component]
fn Header(plan: Plan, parent_visible: bool, editable: bool, rights: Rights) -> impl IntoView {
    let locale = Locale::expect();
    let status = plan.status;
    let reconciles = plan.difference.fen() == 0;
    let weights = plan.weights_used.unwrap_or(plan.weights);
    let weights = move || {
        let lang = locale.lang();
        format!(
            "{} {} · {} {} · {} {}",
            catalogue::MARKET.get(lang),
            display::percent(weights.market),
            catalogue::STAFFING.get(lang),
            display::percent(weights.staffing),
            catalogue::PRIORITY.get(lang),
            display::percent(weights.priority),
        )
    };
    let band = format!("±{}", display::percent(plan.band_percent));
    view! {
        <section class="card card-wide" data-testid="plan-header" data-plan-id=plan.id>
            {plan.parent_plan_id.filter(|_| parent_visible).map(|parent| view! {
                <A href=format!("/plans/{parent}") attr:class="up" attr:data-testid="plan-up">{tr(catalogue::UP_ONE_LEVEL)}</A>
            })}
            <h1 class="plan-title">
                <span data-testid="plan-unit">{plan.unit_name.clone()}</span>
                <span class="card-period" data-testid="plan-period">{plan.period.to_string()}</span>
                <span class=format!("status status-{}", status.as_str()) data-testid="plan-status">
                    {move || locale.t(catalogue::plan_status(status))}
                </span>
            </h1>
            <p class="headline"><Headline fen=plan.total.fen() testid="plan-total" /></p>
            <dl class="facts">
                <Fact label=catalogue::TOTAL testid="plan-total-yuan" value=display::yuan(plan.total.fen()) />
                <Fact label=catalogue::DIFFERENCE testid="plan-difference" value=display::yuan(plan.difference.fen()) />
                <Fact label=catalogue::WEIGHTS testid="plan-weights" value=Signal::derive(weights) />
                <Fact label=catalogue::BAND testid="plan-band" value=band />
                <Fact label=catalogue::REVISION testid="plan-revision" value=plan.revision.to_string() />
            </dl>
            <p class=if reconciles { "check check-ok" } else { "check check-bad" } data-testid="plan-reconciles" data-ok=reconciles.to_string()>
                <span aria-hidden="true">{if reconciles { "✓ " } else { "✗ " }}</span>
                {tr(if reconciles { catalogue::RECONCILES } else { catalogue::DOES_NOT_RECONCILE })}
            </p>
            {editable.then(|| view! { <Rebalance plan_id=plan.id version=plan.version /> })}
            <Workflow plan=plan.clone() rights=rights />
            <StaleNotice testid="plan-stale" />
        </section>
    }
}

/// Spreads what the pinned lines leave over the others (the server's
/// rebalance), from the plan as shown.
#[component]
fn Rebalance(plan_id: i64, version: i64) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let editing = Editing::expect();
    let toasts = Toasts::expect();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<api::ApiError>);
    let run = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::rebalance(auth, plan_id, version).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    toasts.say(locale.t(catalogue::REBALANCED).to_owned());
                    editing.reload.run(());
                }
                Err(e) if e.is_stale() => editing.stale.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let refused = move || {
        error.with(|e| e.as_ref().map(|e| e.field_reason("lines").unwrap_or_else(|| catalogue::api_error(e, locale.lang()))))
    };
    view! {
        <div class="rebalance">
            <button type="button" data-testid="plan-rebalance" disabled=move || busy.get() on:click=run aria-describedby="rebalance-hint">
                {tr(catalogue::REBALANCE)}
            </button>
            <p class="hint" id="rebalance-hint">{tr(catalogue::REBALANCE_HINT)}</p>
            <p class="form-error" role="alert" data-testid="rebalance-error">{refused}</p>
        </div>
    }
}

/// A plan's lines as a table; `depth` is how far below the screen's plan
/// this level sits (its rows are indented by it). `editable`: the lines
/// can be adjusted here (only the screen's own plan's, at depth 0).
fn lines(level: Level, depth: usize, editable: bool) -> AnyView {
    if level.lines.is_empty() {
        return view! { <Empty text=catalogue::NO_LINES testid="plan-no-lines" /> }.into_any();
    }
    let Level { plan, lines, below, .. } = level;
    let rows = lines.into_iter().map(|line| {
        let child = below.get(&line.id).copied();
        let (band_percent, period) = (plan.band_percent.to_string(), plan.period.to_string());
        view! { <LineRow line=line child=child depth=depth band_percent=band_percent period=period editable=editable /> }
    });
    let rows = rows.collect_view();
    let table = view! {
        <table class="data plan-lines stack-on-phone" data-testid="plan-lines" data-plan-id=plan.id data-depth=depth>
            <thead>
                <tr>
                    <th scope="col">{tr(catalogue::UNIT)}</th>
                    <th scope="col" class="num">{tr(catalogue::SUGGESTED)}</th>
                    <th scope="col" class="num">{tr(catalogue::FINAL)}</th>
                    <th scope="col" class="num">{tr(catalogue::CHANGE)}</th>
                    <th scope="col" class="num">{tr(catalogue::ACHIEVED)}</th>
                    <th scope="col" class="num">{tr(catalogue::ATTAINMENT)}</th>
                    <th scope="col">{tr(catalogue::WHY)}</th>
                    <th scope="col"><span class="visually-hidden">{tr(catalogue::ADJUST)}</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    };
    if depth == 0 {
        view! { <section class="card card-wide"><div class="table-scroll" tabindex="0">{table}</div></section> }.into_any()
    } else {
        table.into_any()
    }
}

#[component]
fn LineRow(
    line: PlanLine,
    child: Option<i64>,
    depth: usize,
    band_percent: String,
    period: String,
    editable: bool,
) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let editing = Editing::expect();
    let line_id = line.id;
    let evidence = line.evidence;
    // The screen's own lines open their dialog: to adjust, or to read the
    // evidence of a plan that can no longer change.
    let actions = (depth == 0 && (editable || evidence > 0)).then(|| {
        let label = move || {
            let lang = locale.lang();
            if editable {
                locale.t(catalogue::ADJUST).to_owned()
            } else {
                catalogue::evidence_count(evidence, lang)
            }
        };
        view! {
            <button
                type="button"
                class="line-action"
                data-testid=if editable { "line-adjust" } else { "line-evidence-open" }
                on:click=move |_| editing.line.set(Some(line_id))
            >
                {label}
            </button>
        }
    });
    let evidence_note = (evidence > 0).then(|| {
        view! {
            <span class="tag" data-testid="line-evidence" data-count=evidence>
                <span aria-hidden="true">"📎 "</span>
                {move || catalogue::evidence_count(evidence, locale.lang())}
            </span>
        }
    });
    let open = RwSignal::new(false);
    let (suggested, final_fen) = (line.suggested.fen(), line.final_target.fen());
    let inside = display::in_band(final_fen, line.band_min.fen(), line.band_max.fen());
    let change = display::change(suggested, final_fen);
    let band_title = format!("{} {} – {}", band_percent, display::yuan(line.band_min.fen()), display::yuan(line.band_max.fen()));
    let explanation = line.explanation.clone();
    let toggle = child.map(|_| {
        view! {
            <button
                type="button"
                class="toggle"
                aria-expanded=move || open.get().to_string()
                aria-label=move || locale.t(if open.get() { catalogue::COLLAPSE } else { catalogue::EXPAND })
                data-testid="line-toggle"
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span aria-hidden="true">{move || if open.get() { "▾" } else { "▸" }}</span>
            </button>
        }
    });
    let name = match child {
        Some(plan) => view! {
            <A href=format!("/plans/{plan}") attr:data-testid="line-open" attr:title=tr(catalogue::OPEN_LEVEL)>{line.name.clone()}</A>
        }
        .into_any(),
        None => view! { <span>{line.name.clone()}</span> }.into_any(),
    };
    let below = move || {
        let (plan, unit) = (child?, line.child_unit_id?);
        open.get().then(|| {
            let period = period.clone();
            let level = resource(move || load_below(auth, plan, unit, period.clone(), locale.lang()));
            view! {
                <tr class="below">
                    <td colspan="8">
                        {loaded(level, move |level| lines(level, depth + 1, false))}
                    </td>
                </tr>
            }
        })
    };
    view! {
        <tr data-testid="line-row" data-line-id=line.id class=format!("depth-{depth}")>
            <th scope="row" data-label=tr(catalogue::UNIT)>
                {toggle}
                {name}
                {line.pinned.then(|| view! { <span class="tag" data-testid="line-pinned">{tr(catalogue::PINNED)}</span> })}
            </th>
            <td class="num" data-label=tr(catalogue::SUGGESTED)><Yuan fen=suggested testid="line-suggested" /></td>
            <td class="num" data-label=tr(catalogue::FINAL)><Yuan fen=final_fen testid="line-final" /></td>
            <td class="num" data-label=tr(catalogue::CHANGE) title=band_title data-testid="line-change" data-in-band=inside.to_string()>
                {change}
                {(!inside).then(|| view! { <span class="warn">" ⚠ " {tr(catalogue::OUTSIDE_BAND)}</span> })}
            </td>
            <td class="num" data-label=tr(catalogue::ACHIEVED)><Yuan fen=line.achieved.fen() testid="line-achieved" /></td>
            <td class="num" data-label=tr(catalogue::ATTAINMENT) data-testid="line-attainment">{display::attainment(line.attainment)}</td>
            <td data-label=tr(catalogue::WHY)>
                {explanation.map(|e| view! {
                    <details class="why" data-testid="line-why">
                        <summary>{e.summary.clone()}</summary>
                        <ul>{e.reasons.into_iter().map(|r| view! { <li>{r.text}</li> }).collect_view()}</ul>
                        {(!e.notes.is_empty()).then(|| view! { <ul class="notes">{e.notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul> })}
                    </details>
                })}
                {line.reason.clone().map(|r| view! { <p class="adjustment" data-testid="line-reason">{r}</p> })}
                {evidence_note}
            </td>
            <td class="line-actions">{actions}</td>
        </tr>
        {below}
    }
}
