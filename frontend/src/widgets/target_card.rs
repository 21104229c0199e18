//! The target card, "本季目标 This quarter's target": for a rep, their own
//! target with why it is what it is, in plain words; for anyone else, the
//! target of the unit they answer for, what it has achieved, and how that
//! spreads over the units or reps below it.
//!
//! The quarter is the browser's: Cascade's users work in the company's time
//! zone, and the server answers for any quarter asked.

use cascade_api_types::{AttainmentReport, AttainmentRow, Me, MyTarget};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::app::{load_error, loading, Fact};
use crate::display;
use crate::session::Auth;

#[derive(Clone)]
enum Target {
    Mine(Option<MyTarget>),
    Unit(AttainmentReport),
}

async fn load(auth: Auth, me: Option<Me>, quarter: String) -> Result<Option<Target>, ApiError> {
    let Some(me) = me else { return Ok(None) };
    Ok(Some(match me.rep_id {
        Some(rep_id) => Target::Mine(api::get_my_target(auth, rep_id, &quarter).await?),
        None => Target::Unit(api::get_attainment(auth, me.unit_id, &quarter).await?),
    }))
}

fn this_quarter() -> String {
    let now = js_sys::Date::new_0();
    display::quarter(i32::try_from(now.get_full_year()).unwrap_or(2000), now.get_month())
}

#[component]
pub fn TargetCard() -> impl IntoView {
    let auth = Auth::expect();
    let quarter = this_quarter();
    let title_quarter = quarter.clone();
    let target = LocalResource::new(move || load(auth, auth.me(), quarter.clone()));
    view! {
        <section class="card card-wide" data-testid="target-card">
            <h2 class="card-title">
                "本季目标" <span class="en">"Target"</span>
                <span class="card-period" data-testid="target-period">{title_quarter}</span>
            </h2>
            <Transition fallback=loading>
                <ErrorBoundary fallback=move |errors| load_error(errors, move || target.refetch())>
                    {move || {
                        target
                            .get()
                            .map(|result| {
                                result
                                    .map(|target| match target {
                                        None => loading().into_any(),
                                        Some(Target::Mine(Some(t))) => mine(t).into_any(),
                                        Some(Target::Mine(None)) => no_target().into_any(),
                                        Some(Target::Unit(report)) => unit(report).into_any(),
                                    })
                            })
                    }}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

fn no_target() -> impl IntoView {
    view! {
        <p class="note" data-testid="target-none">
            "本季尚未下达目标。" <span class="en">"No target for this quarter yet."</span>
        </p>
    }
}

fn mine(t: MyTarget) -> impl IntoView {
    let reasons = t.explanation.as_ref().map(|e| e.reasons.iter().map(|r| view! { <li>{r.text.clone()}</li> }).collect_view());
    let summary = t.explanation.as_ref().map(|e| e.summary.clone());
    view! {
        <p class="headline" data-testid="target-final">{display::yuan(t.final_target.fen())}</p>
        <dl class="facts">
            <Fact label="已完成" en="Achieved" testid="target-achieved" value=display::yuan(t.achieved.fen()) />
            <Fact label="完成率" en="Attainment" testid="target-attainment" value=display::attainment(t.attainment) />
            <Fact label="状态" en="Plan" testid="target-status" value=display::plan_status_label(t.plan_status).to_owned() />
        </dl>
        <div class="why" data-testid="target-why">
            <p>{summary}</p>
            <ul>{reasons}</ul>
            {t.adjustment.map(|a| view! { <p class="adjustment" data-testid="target-adjustment">{a}</p> })}
        </div>
    }
}

fn unit(report: AttainmentReport) -> impl IntoView {
    let AttainmentReport { unit, children, spread, .. } = report;
    let rows = children.into_iter().map(row).collect_view();
    view! {
        <p class="headline" data-testid="target-final">{display::yuan(unit.target.fen())}</p>
        <dl class="facts">
            <Fact label="已完成" en="Achieved" testid="target-achieved" value=display::yuan(unit.achieved.fen()) />
            <Fact label="完成率" en="Attainment" testid="target-attainment" value=display::attainment(unit.attainment) />
            <Fact label="差异" en="Spread" testid="target-spread" value=display::spread(spread.gini, spread.max_over_min) />
        </dl>
        <div class="table-scroll">
            <table class="targets" data-testid="target-children">
                <thead>
                    <tr>
                        <th scope="col">{unit.name}</th>
                        <th scope="col" class="num">"目标 Target"</th>
                        <th scope="col" class="num">"已完成 Achieved"</th>
                        <th scope="col" class="num">"完成率"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn row(r: AttainmentRow) -> impl IntoView {
    view! {
        <tr data-testid="target-row">
            <th scope="row">{r.name}</th>
            <td class="num">{display::yuan(r.target.fen())}</td>
            <td class="num">{display::yuan(r.achieved.fen())}</td>
            <td class="num">{display::attainment(r.attainment)}</td>
        </tr>
    }
}
