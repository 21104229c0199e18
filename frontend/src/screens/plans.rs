//! 目标计划: the plans in the caller's scope, by period, unit and status.
//! The filters live in the address (`/plans?period=2026-Q4&status=submitted`)
//! so a filtered list can be bookmarked, shared and reached with back.

use cascade_api_types::{OrgUnit, PlanStatus};
use cascade_core::period::{Period, PeriodKind};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{self, PlanFilter};
use crate::catalogue;
use crate::company::CompanyInfo;
use crate::i18n::{tr, Locale};
use crate::session::Auth;
use crate::widgets::plan_table::plan_table;
use crate::widgets::state::{loaded, resource};

const STATUSES: [PlanStatus; 4] = [PlanStatus::Draft, PlanStatus::Submitted, PlanStatus::Approved, PlanStatus::Returned];

/// The quarters a list offers around the company's current one: a year back
/// (to compare) and two ahead (to plan).
pub fn quarters_around(current: Period) -> Vec<Period> {
    let mut before = Vec::new();
    let mut p = current;
    for _ in 0..4 {
        p = Period::containing(p.start().pred_opt().unwrap_or(p.start()), PeriodKind::Quarter);
        before.push(p);
    }
    let mut after = Vec::new();
    let mut p = current;
    for _ in 0..2 {
        p = Period::containing(p.end_exclusive(), PeriodKind::Quarter);
        after.push(p);
    }
    after.into_iter().rev().chain([current]).chain(before).collect()
}

/// The quarters around the company's current one as `<option>`s, with
/// `chosen` selected (and offered even when it lies further away).
pub fn quarter_options(company: CompanyInfo, chosen: Option<String>) -> impl IntoView {
    let current = company.quarter().and_then(|q| Period::parse(&q).ok());
    let mut periods: Vec<String> = current.map(quarters_around).unwrap_or_default().iter().map(|p| p.to_string()).collect();
    if let Some(c) = &chosen {
        if !periods.contains(c) {
            periods.insert(0, c.clone());
        }
    }
    periods
        .into_iter()
        .map(|p| {
            let selected = chosen.as_deref() == Some(p.as_str());
            view! { <option value=p.clone() selected=selected>{p.clone()}</option> }
        })
        .collect_view()
}

/// The address of the list with these filters.
pub fn href(filter: &PlanFilter) -> String {
    let mut parts = Vec::new();
    if let Some(period) = &filter.period {
        parts.push(format!("period={period}"));
    }
    if let Some(unit) = filter.unit_id {
        parts.push(format!("unit={unit}"));
    }
    if let Some(status) = filter.status {
        parts.push(format!("status={}", status.as_str()));
    }
    if parts.is_empty() {
        "/plans".to_owned()
    } else {
        format!("/plans?{}", parts.join("&"))
    }
}

#[component]
pub fn Plans() -> impl IntoView {
    let auth = Auth::expect();
    let company = CompanyInfo::expect();
    let query = use_query_map();
    // No period in the address: the company's current quarter.
    let filter = Memo::new(move |_| {
        query.with(|q| PlanFilter {
            period: q.get("period").filter(|p| p != "all").or_else(|| company.quarter()),
            unit_id: q.get("unit").and_then(|u| u.parse().ok()),
            status: q.get("status").and_then(|s| PlanStatus::parse(&s)),
            approvable: false,
        })
    });
    let plans = resource(move || api::list_plans(auth, filter.get()));
    let units = resource(move || api::list_org_units(auth));
    let navigate = use_navigate();
    let go = move |change: &dyn Fn(&mut PlanFilter)| {
        let mut next = filter.get_untracked();
        change(&mut next);
        // "All periods" must survive the default of the current quarter.
        let mut to = href(&next);
        if next.period.is_none() {
            to.push_str(if to.contains('?') { "&period=all" } else { "?period=all" });
        }
        navigate(&to, Default::default());
    };
    let go_period = go.clone();
    let go_unit = go.clone();
    let locale = Locale::expect();

    let period_options = move || quarter_options(company, filter.with(|f| f.period.clone()));
    let unit_options = move || {
        let chosen = filter.with(|f| f.unit_id);
        units
            .get()
            .and_then(Result::ok)
            .map(|page| {
                page.items
                    .into_iter()
                    .map(|u: OrgUnit| {
                        let indent = "\u{3000}".repeat(usize::try_from(u.depth).unwrap_or(0));
                        view! { <option value=u.id.to_string() selected=chosen == Some(u.id)>{format!("{indent}{}", u.name)}</option> }
                    })
                    .collect_view()
            })
    };
    let status_options = move || {
        let chosen = filter.with(|f| f.status);
        STATUSES
            .iter()
            .map(|s| {
                let s = *s;
                view! { <option value=s.as_str() selected=chosen == Some(s)>{locale.t(catalogue::plan_status(s))}</option> }
            })
            .collect_view()
    };

    view! {
        <section class="card card-wide" data-testid="plans">
            <h1 class="card-title">{tr(catalogue::PLANS_TITLE)}</h1>
            <form class="filters" aria-label=tr(catalogue::FILTERS) on:submit=|ev| ev.prevent_default()>
                <label class="field">
                    <span class="field-label">{tr(catalogue::PERIOD)}</span>
                    <select
                        data-testid="plans-period"
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            go_period(&move |f: &mut PlanFilter| f.period = (value != "all").then(|| value.clone()));
                        }
                    >
                        <option value="all" selected=move || filter.with(|f| f.period.is_none())>{tr(catalogue::ALL)}</option>
                        {period_options}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{tr(catalogue::UNIT)}</span>
                    <select
                        data-testid="plans-unit"
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            go_unit(&move |f: &mut PlanFilter| f.unit_id = value.parse().ok());
                        }
                    >
                        <option value="" selected=move || filter.with(|f| f.unit_id.is_none())>{tr(catalogue::ALL)}</option>
                        {unit_options}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{tr(catalogue::STATUS)}</span>
                    <select
                        data-testid="plans-status"
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            go(&move |f: &mut PlanFilter| f.status = PlanStatus::parse(&value));
                        }
                    >
                        <option value="" selected=move || filter.with(|f| f.status.is_none())>{tr(catalogue::ALL)}</option>
                        {status_options}
                    </select>
                </label>
            </form>
            {loaded(plans, |page| plan_table(page.items, catalogue::NO_PLANS).into_any())}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_back_and_two_quarters_ahead_newest_first() {
        let got: Vec<String> = quarters_around(Period::parse("2026-Q1").unwrap()).iter().map(ToString::to_string).collect();
        assert_eq!(got, ["2026-Q3", "2026-Q2", "2026-Q1", "2025-Q4", "2025-Q3", "2025-Q2", "2025-Q1"]);
    }

    #[test]
    fn filters_make_the_address() {
        assert_eq!(href(&PlanFilter::default()), "/plans");
        let filter = PlanFilter {
            period: Some("2026-Q4".into()),
            unit_id: Some(2),
            status: Some(PlanStatus::Approved),
            approvable: false,
        };
        assert_eq!(href(&filter), "/plans?period=2026-Q4&unit=2&status=approved");
    }
}
