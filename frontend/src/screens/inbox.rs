//! 待我审批: the plans waiting for the caller's approval, whatever their
//! period — the server says which (`GET /plans?approvable=true`: submitted
//! plans of the units below the caller's own). Each opens on its plan's
//! screen, where it is approved or returned.

use leptos::prelude::*;

use crate::api::{self, PlanFilter};
use crate::catalogue;
use crate::i18n::tr;
use crate::session::Auth;
use crate::widgets::plan_table::plan_table;
use crate::widgets::state::{loaded, resource};

#[component]
pub fn Inbox() -> impl IntoView {
    let auth = Auth::expect();
    let plans = resource(move || api::list_plans(auth, PlanFilter { approvable: true, ..PlanFilter::default() }));
    view! {
        <section class="card card-wide" data-testid="inbox">
            <h1 class="card-title">{tr(catalogue::INBOX_TITLE)}</h1>
            <p class="hint">{tr(catalogue::INBOX_HINT)}</p>
            {loaded(plans, |page| plan_table(page.items, catalogue::INBOX_EMPTY).into_any())}
        </section>
    }
}
