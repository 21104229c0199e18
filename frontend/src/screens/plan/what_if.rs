//! What-if: sliders for the three weights and the band, and every line's
//! new suggestion, its move and its new band before anything is saved (the
//! server's `what-if`, which writes nothing). "Apply" saves the settings and
//! generates the suggestions again; pinned lines stay where they are while
//! their value is inside the new band.

use cascade_api_types::{NewPlanWeights, Plan, PlanPatch, WhatIf, WhatIfLine};
use leptos::prelude::*;
use leptos::task::spawn_local;
use rust_decimal::Decimal;

use super::adjust::Editing;
use crate::api::{self, ApiError};
use crate::i18n::{tr, Locale, T};
use crate::session::Auth;
use crate::widgets::money::Yuan;
use crate::widgets::state::{loaded, resource};
use crate::widgets::toast::Toasts;
use crate::{catalogue, display};

/// The settings tried: three weights (summing to 100) and the band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trial {
    pub market: Decimal,
    pub staffing: Decimal,
    pub priority: Decimal,
    pub band: Decimal,
}

impl Trial {
    fn of(plan: &Plan) -> Trial {
        Trial {
            market: plan.weights.market,
            staffing: plan.weights.staffing,
            priority: plan.weights.priority,
            band: plan.band_percent,
        }
    }

    /// The weights add up to exactly 100, as the server requires.
    pub fn sums_to_100(&self) -> bool {
        self.market + self.staffing + self.priority == Decimal::ONE_HUNDRED
    }

    fn weights(&self) -> NewPlanWeights {
        NewPlanWeights { market: self.market, staffing: self.staffing, priority: self.priority }
    }
}

#[component]
pub fn WhatIfPanel(plan: Plan) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let editing = Editing::expect();
    let toasts = Toasts::expect();
    let (plan_id, version) = (plan.id, plan.version);
    let start = Trial::of(&plan);
    // `shown` follows a slider as it moves; `tried` changes when it is let
    // go (or moved by keyboard), so a drag asks the server once.
    let shown = RwSignal::new(start);
    let tried = RwSignal::new(start);
    let result = resource(move || {
        let trial = tried.get();
        async move {
            if !trial.sums_to_100() {
                return Ok(None);
            }
            let settings = WhatIf { weights: Some(trial.weights()), band_percent: Some(trial.band), ..WhatIf::default() };
            api::what_if(auth, plan_id, &settings).await.map(Some)
        }
    });
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let apply = move |_| {
        let trial = tried.get_untracked();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let patch = PlanPatch { weights: Some(trial.weights()), band_percent: Some(trial.band), ..PlanPatch::default() };
            let result = match api::update_plan(auth, plan_id, version, &patch).await {
                Ok(plan) => api::generate_plan(auth, plan_id, plan.version).await,
                Err(e) => Err(e),
            };
            busy.set(false);
            match result {
                Ok(_) => {
                    toasts.say(locale.t(catalogue::WHAT_IF_APPLIED).to_owned());
                    editing.reload.run(());
                }
                Err(e) if e.is_stale() => editing.stale.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let slider = move |label: T, max: u32, get: fn(&Trial) -> Decimal, set: fn(&mut Trial, Decimal), testid: &'static str| {
        let read = move |ev: &leptos::ev::Event| event_target_value(ev).parse::<Decimal>().ok();
        view! {
            <label class="field what-if-slider">
                <span class="field-label">{tr(label)} " " <strong data-testid=format!("{testid}-value")>{move || display::percent(get(&shown.get()))}</strong></span>
                <input
                    type="range"
                    min="0"
                    max=max
                    step="1"
                    data-testid=testid
                    prop:value=move || get(&shown.get()).to_string()
                    on:input=move |ev| {
                        if let Some(v) = read(&ev) {
                            shown.update(|t| set(t, v));
                        }
                    }
                    on:change=move |ev| {
                        if let Some(v) = read(&ev) {
                            shown.update(|t| set(t, v));
                            tried.set(shown.get_untracked());
                        }
                    }
                />
            </label>
        }
    };
    let changed = move || tried.get() != start;
    let sum_ok = move || shown.with(Trial::sums_to_100);
    let refused = move || error.with(|e| e.as_ref().map(|e| catalogue::api_error(e, locale.lang())));
    view! {
        <section class="card card-wide what-if" data-testid="what-if">
            <h2 class="card-title">{tr(catalogue::WHAT_IF)}</h2>
            <p class="hint">{tr(catalogue::WHAT_IF_HINT)}</p>
            <div class="what-if-sliders">
                {slider(catalogue::MARKET, 100, |t| t.market, |t, v| t.market = v, "what-if-market")}
                {slider(catalogue::STAFFING, 100, |t| t.staffing, |t, v| t.staffing = v, "what-if-staffing")}
                {slider(catalogue::PRIORITY, 100, |t| t.priority, |t, v| t.priority = v, "what-if-priority")}
                {slider(catalogue::BAND, cascade_core::band::MAX_BAND_PERCENT, |t| t.band, |t, v| t.band = v, "what-if-band")}
            </div>
            <p class=move || if sum_ok() { "check check-ok" } else { "check check-bad" } data-testid="what-if-sum" data-ok=move || sum_ok().to_string()>
                {move || catalogue::weights_sum(shown.with(|t| t.market + t.staffing + t.priority), locale.lang())}
            </p>
            {loaded(result, |r| r.map(|r| moves(r.lines)).into_any())}
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    data-testid="what-if-apply"
                    disabled=move || busy.get() || !changed() || !tried.with(Trial::sums_to_100)
                    on:click=apply
                >
                    {tr(catalogue::WHAT_IF_APPLY)}
                </button>
                <button type="button" data-testid="what-if-reset" disabled=move || !changed() on:click=move |_| {
                    shown.set(start);
                    tried.set(start);
                }>
                    {tr(catalogue::WHAT_IF_RESET)}
                </button>
            </div>
            <p class="form-error" role="alert" data-testid="what-if-error">{refused}</p>
        </section>
    }
}

/// Every line under the settings tried: the suggestion now and then, its
/// move, the new band, and whether the final target stays inside it.
fn moves(lines: Vec<WhatIfLine>) -> impl IntoView {
    let rows = lines
        .into_iter()
        .map(|l| {
            let band = format!("{} – {}", display::yuan(l.band_min.fen()), display::yuan(l.band_max.fen()));
            view! {
                <tr data-testid="what-if-row" data-line-id=l.line_id.unwrap_or_default() data-in-band=l.final_in_band.to_string()>
                    <th scope="row" data-label=tr(catalogue::UNIT)>{l.name}</th>
                    <td class="num" data-label=tr(catalogue::SUGGESTED)><Yuan fen=l.current_suggested.fen() testid="what-if-now" /></td>
                    <td class="num" data-label=tr(catalogue::WOULD_BE)><Yuan fen=l.suggested.fen() testid="what-if-new" /></td>
                    <td class="num" data-label=tr(catalogue::DELTA)><Yuan fen=l.delta.fen() testid="what-if-delta" /></td>
                    <td class="num" data-label=tr(catalogue::BAND)>{band}</td>
                    <td class="num" data-label=tr(catalogue::FINAL)>
                        <Yuan fen=l.final_target.fen() />
                        {(!l.final_in_band).then(|| view! { <span class="warn">" ⚠ " {tr(catalogue::OUTSIDE_BAND)}</span> })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="data stack-on-phone" data-testid="what-if-lines">
                <thead>
                    <tr>
                        <th scope="col">{tr(catalogue::UNIT)}</th>
                        <th scope="col" class="num">{tr(catalogue::SUGGESTED)}</th>
                        <th scope="col" class="num">{tr(catalogue::WOULD_BE)}</th>
                        <th scope="col" class="num">{tr(catalogue::DELTA)}</th>
                        <th scope="col" class="num">{tr(catalogue::BAND)}</th>
                        <th scope="col" class="num">{tr(catalogue::FINAL)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_must_add_up_to_exactly_100() {
        let d = |v: i64| Decimal::from(v);
        assert!(Trial { market: d(50), staffing: d(30), priority: d(20), band: d(15) }.sums_to_100());
        assert!(!Trial { market: d(60), staffing: d(30), priority: d(20), band: d(15) }.sums_to_100());
        let thirds = Decimal::new(3333, 2);
        assert!(!Trial { market: thirds, staffing: thirds, priority: thirds, band: d(15) }.sums_to_100());
    }
}
