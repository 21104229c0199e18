//! A list of plans: unit (a link to the plan), period, status, total, lines
//! and what is left to allocate. The plans screen and the approval inbox
//! show the same table.

use cascade_api_types::Plan;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{tr, Locale, T};
use crate::widgets::money::Yuan;
use crate::widgets::state::Empty;
use crate::{catalogue, display};

/// Plans as a table (cards on a phone), each unit a link to its plan, with
/// their count below; `empty` says why there are none.
pub fn plan_table(plans: Vec<Plan>, empty: T) -> AnyView {
    if plans.is_empty() {
        return view! { <Empty text=empty testid="plans-empty" /> }.into_any();
    }
    let locale = Locale::expect();
    let count = plans.len();
    let rows = plans.into_iter().map(row).collect_view();
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="data stack-on-phone" data-testid="plans-table">
                <thead>
                    <tr>
                        <th scope="col">{tr(catalogue::UNIT)}</th>
                        <th scope="col">{tr(catalogue::PERIOD)}</th>
                        <th scope="col">{tr(catalogue::STATUS)}</th>
                        <th scope="col" class="num">{tr(catalogue::TOTAL)}</th>
                        <th scope="col" class="num">{tr(catalogue::LINES)}</th>
                        <th scope="col" class="num">{tr(catalogue::DIFFERENCE)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="note" data-testid="plans-count">{move || catalogue::plans_count(count, locale.lang())}</p>
    }
    .into_any()
}

fn row(plan: Plan) -> impl IntoView {
    let locale = Locale::expect();
    let status = plan.status;
    let period = plan.period.to_string();
    view! {
        <tr data-testid="plan-row" data-plan-id=plan.id>
            <th scope="row" data-label=tr(catalogue::UNIT)>
                <A href=format!("/plans/{}", plan.id)>{plan.unit_name}</A>
            </th>
            <td data-label=tr(catalogue::PERIOD)>{period}</td>
            <td data-label=tr(catalogue::STATUS)>
                <span class=format!("status status-{}", status.as_str()) data-testid="plan-status">
                    {move || locale.t(catalogue::plan_status(status))}
                </span>
            </td>
            <td class="num" data-label=tr(catalogue::TOTAL)><Yuan fen=plan.total.fen() /></td>
            <td class="num" data-label=tr(catalogue::LINES)>{plan.lines}</td>
            <td class="num" data-label=tr(catalogue::DIFFERENCE)>{display::yuan(plan.difference.fen())}</td>
        </tr>
    }
}
