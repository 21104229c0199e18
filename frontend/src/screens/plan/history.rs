//! A plan's revisions — who changed what, when (in the company's time zone)
//! and why — and the lines whose target moved between any two of them.

use cascade_api_types::PlanRevision;
use leptos::prelude::*;

use crate::api;
use crate::company::CompanyInfo;
use crate::i18n::{tr, Locale};
use crate::session::Auth;
use crate::widgets::line_diffs::line_diff_table;
use crate::widgets::money::Yuan;
use crate::widgets::state::{loaded, resource, Empty};
use crate::{catalogue, display};

#[component]
pub fn History(plan_id: i64, latest: i64) -> impl IntoView {
    let auth = Auth::expect();
    let revisions = resource(move || api::list_revisions(auth, plan_id));
    view! {
        <section class="card card-wide" data-testid="history">
            <h2 class="card-title">{tr(catalogue::HISTORY)}</h2>
            {loaded(revisions, |r| revision_table(r).into_any())}
            {(latest > 0).then(|| view! { <Compare plan_id=plan_id latest=latest /> })}
        </section>
    }
}

fn revision_table(revisions: Vec<PlanRevision>) -> impl IntoView {
    let locale = Locale::expect();
    let company = CompanyInfo::expect();
    let rows = revisions
        .into_iter()
        .rev()
        .map(|r| {
            let kind = r.kind.clone();
            let (reason_kind, reason) = (r.kind.clone(), r.reason.clone());
            let reason = move || catalogue::revision_reason(&reason_kind, &reason, locale.lang());
            let millis = r.at.timestamp_millis();
            let at = move || company.time_zone().map(|tz| display::moment(millis, &tz, locale.lang())).unwrap_or_default();
            view! {
                <tr data-testid="revision-row" data-number=r.number data-kind=r.kind.clone()>
                    <th scope="row" data-label=tr(catalogue::NUMBER)>{r.number}</th>
                    <td data-label=tr(catalogue::KIND)>
                        {move || catalogue::revision_kind(&kind).map_or_else(|| kind.clone(), |t| locale.t(t).to_owned())}
                    </td>
                    <td data-label=tr(catalogue::WHY_CHANGED) class="wrap" data-testid="revision-reason">{reason}</td>
                    <td data-label=tr(catalogue::WHO)>{r.actor}</td>
                    <td data-label=tr(catalogue::WHEN) data-testid="revision-at">{at}</td>
                    <td class="num" data-label=tr(catalogue::TOTAL)><Yuan fen=r.total.fen() /></td>
                    <td class="num" data-label=tr(catalogue::CHANGED_LINES)>{r.changed_lines}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="data stack-on-phone" data-testid="revisions">
                <thead>
                    <tr>
                        <th scope="col">{tr(catalogue::NUMBER)}</th>
                        <th scope="col">{tr(catalogue::KIND)}</th>
                        <th scope="col">{tr(catalogue::WHY_CHANGED)}</th>
                        <th scope="col">{tr(catalogue::WHO)}</th>
                        <th scope="col">{tr(catalogue::WHEN)}</th>
                        <th scope="col" class="num">{tr(catalogue::TOTAL)}</th>
                        <th scope="col" class="num">{tr(catalogue::CHANGED_LINES)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Two revision pickers (the one before the latest against the latest to
/// begin with) and the lines whose final target differs between them.
#[component]
fn Compare(plan_id: i64, latest: i64) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let from = RwSignal::new(latest - 1);
    let to = RwSignal::new(latest);
    let diff = resource(move || api::get_diff(auth, plan_id, from.get(), to.get()));
    let options = move |chosen: RwSignal<i64>| {
        (0..=latest)
            .map(|n| {
                let label = move || if n == 0 { locale.t(catalogue::BEFORE).to_owned() } else { n.to_string() };
                view! { <option value=n.to_string() selected=move || chosen.get() == n>{label}</option> }
            })
            .collect_view()
    };
    let picker = move |label: crate::i18n::T, chosen: RwSignal<i64>, testid: &'static str| {
        view! {
            <label class="field">
                <span class="field-label">{tr(label)}</span>
                <select data-testid=testid on:change=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse() {
                        chosen.set(n);
                    }
                }>
                    {options(chosen)}
                </select>
            </label>
        }
    };
    let lines = loaded(diff, |d| {
        if d.lines.is_empty() {
            return view! { <Empty text=catalogue::NO_DIFFERENCE testid="diff-empty" /> }.into_any();
        }
        line_diff_table(d.lines, "diff").into_any()
    });
    view! {
        <h3>{tr(catalogue::COMPARE)}</h3>
        <div class="filters">
            {picker(catalogue::FROM_REVISION, from, "diff-from-revision")}
            {picker(catalogue::TO_REVISION, to, "diff-to-revision")}
        </div>
        {lines}
    }
}
