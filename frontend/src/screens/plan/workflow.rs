//! A plan's way to approval: its manager submits it once the lines add up;
//! whoever must approve it (the server says who: the plan is in their
//! `approvable` list) approves it or returns it with a comment; a returned
//! plan shows that comment to the people who must rework it.

use cascade_api_types::{Plan, PlanStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::adjust::Editing;
use crate::api::{self, ApiError};
use crate::catalogue;
use crate::i18n::{tr, Locale, T};
use crate::session::Auth;
use crate::widgets::reason::ReasonField;
use crate::widgets::toast::Toasts;

/// What the caller may do with the plan shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rights {
    /// Draft or returned, and the caller writes plans.
    pub submit: bool,
    /// Submitted, and waiting for this caller's approval.
    pub approve: bool,
}

#[component]
pub fn Workflow(plan: Plan, rights: Rights) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let editing = Editing::expect();
    let toasts = Toasts::expect();
    let (plan_id, version) = (plan.id, plan.version);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let comment = RwSignal::new(String::new());
    // Runs one step; the plan is read again after it, whatever happened to it.
    let step = move |done: T, call: std::pin::Pin<Box<dyn std::future::Future<Output = Result<Plan, ApiError>>>>| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = call.await;
            busy.set(false);
            match result {
                Ok(_) => {
                    toasts.say(locale.t(done).to_owned());
                    editing.reload.run(());
                }
                Err(e) if e.is_stale() => editing.stale.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let reconciles = plan.difference.fen() == 0;
    let refused = move || error.with(|e| e.as_ref().map(|e| catalogue::api_error(e, locale.lang())));
    let submit = rights.submit.then(|| {
        view! {
            <div class="workflow-step">
                <button
                    type="button"
                    class="primary"
                    data-testid="plan-submit"
                    disabled=move || busy.get() || !reconciles
                    aria-describedby="submit-hint"
                    on:click=move |_| step(catalogue::SUBMITTED, Box::pin(api::submit_plan(auth, plan_id, version)))
                >
                    {tr(catalogue::SUBMIT)}
                </button>
                {(!reconciles).then(|| view! { <p class="hint" id="submit-hint" data-testid="submit-hint">{tr(catalogue::SUBMIT_NEEDS_SUM)}</p> })}
            </div>
        }
    });
    let approve = rights.approve.then(|| {
        let comment_ok = move || comment.with(|c| cascade_core::says_why(c));
        view! {
            <div class="workflow-step">
                <button
                    type="button"
                    class="primary"
                    data-testid="plan-approve"
                    disabled=move || busy.get()
                    on:click=move |_| step(catalogue::APPROVED, Box::pin(api::approve_plan(auth, plan_id, version)))
                >
                    {tr(catalogue::APPROVE)}
                </button>
                <ReasonField label=catalogue::RETURN_COMMENT value=comment testid="return-comment" />
                <button
                    type="button"
                    data-testid="plan-return"
                    disabled=move || busy.get() || !comment_ok()
                    on:click=move |_| {
                        let text = comment.get_untracked().trim().to_owned();
                        step(catalogue::RETURNED, Box::pin(api::return_plan(auth, plan_id, version, text)))
                    }
                >
                    {tr(catalogue::RETURN)}
                </button>
            </div>
        }
    });
    let waiting = (plan.status == PlanStatus::Submitted && !rights.approve)
        .then(|| view! { <p class="hint" data-testid="plan-waiting">{tr(catalogue::WAITING_FOR_APPROVAL)}</p> });
    let returned = plan.comment.clone().filter(|_| plan.status == PlanStatus::Returned).map(|c| {
        view! {
            <div class="notice notice-warn" data-testid="plan-comment">
                <p><strong>{tr(catalogue::RETURN_COMMENT)}</strong> " " {c}</p>
            </div>
        }
    });
    view! {
        <div class="workflow" data-testid="workflow">
            {returned}
            {submit}
            {approve}
            {waiting}
            <p class="form-error" role="alert" data-testid="workflow-error">{refused}</p>
        </div>
    }
}
