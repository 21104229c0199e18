//! The target card, "本季目标 This quarter's target": for a rep, their own
//! target with why it is what it is, in plain words; for anyone else, the
//! target of the unit they answer for, what it has achieved, and how that
//! spreads over the units or reps below it.
//!
//! The quarter is the company's (see `company`), and the explanation comes
//! in the language shown: switching the language asks for it again.

use cascade_api_types::{AttainmentReport, AttainmentRow, Me, MyTarget};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::company::CompanyInfo;
use crate::i18n::{tr, Lang, Locale};
use crate::session::Auth;
use crate::widgets::facts::Fact;
use crate::widgets::money::{Headline, Yuan};
use crate::widgets::state::{loaded, resource, Empty, Loading};
use crate::{catalogue, display};

#[derive(Clone)]
enum Target {
    Mine(Option<MyTarget>),
    Unit(AttainmentReport),
}

/// `_lang` is only a dependency: the explanation is written in it.
async fn load(auth: Auth, me: Option<Me>, quarter: Option<String>, _lang: Lang) -> Result<Option<Target>, ApiError> {
    let (Some(me), Some(quarter)) = (me, quarter) else { return Ok(None) };
    Ok(Some(match me.rep_id {
        Some(rep_id) => Target::Mine(api::get_my_target(auth, rep_id, &quarter).await?),
        None => Target::Unit(api::get_attainment(auth, me.unit_id, &quarter).await?),
    }))
}

#[component]
pub fn TargetCard() -> impl IntoView {
    let auth = Auth::expect();
    let company = CompanyInfo::expect();
    let locale = Locale::expect();
    let target = resource(move || load(auth, auth.me(), company.quarter(), locale.lang()));
    view! {
        <section class="card card-wide" data-testid="target-card">
            <h2 class="card-title">
                {tr(catalogue::THIS_QUARTER_TARGET)}
                <span class="card-period" data-testid="target-period">{move || company.quarter()}</span>
            </h2>
            {loaded(target, |target| match target {
                None => view! { <Loading /> }.into_any(),
                Some(Target::Mine(Some(t))) => mine(&t).into_any(),
                Some(Target::Mine(None)) => no_target().into_any(),
                Some(Target::Unit(report)) => unit(report).into_any(),
            })}
        </section>
    }
}

fn no_target() -> impl IntoView {
    view! { <Empty text=catalogue::NO_TARGET testid="target-none" /> }
}

/// A rep's target: the figure, achieved, attainment, the plan's status and
/// why it is what it is. Also the head of the "my target" screen.
pub fn mine(t: &MyTarget) -> impl IntoView {
    let reasons = t.explanation.as_ref().map(|e| e.reasons.iter().map(|r| view! { <li>{r.text.clone()}</li> }).collect_view());
    let summary = t.explanation.as_ref().map(|e| e.summary.clone());
    let adjustment = t.adjustment.clone();
    view! {
        <p class="headline"><Headline fen=t.final_target.fen() testid="target-final" /></p>
        <dl class="facts">
            <Fact label=catalogue::ACHIEVED testid="target-achieved" value=display::yuan(t.achieved.fen()) />
            <Fact label=catalogue::ATTAINMENT testid="target-attainment" value=display::attainment(t.attainment) />
            <Fact label=catalogue::PLAN testid="target-status" value=plan_status(t.plan_status) />
        </dl>
        <div class="why" data-testid="target-why">
            <h3 class="why-title">{tr(catalogue::WHY_MINE)}</h3>
            <p>{summary}</p>
            <ul>{reasons}</ul>
            {adjustment.map(|a| view! { <p class="adjustment" data-testid="target-adjustment">{a}</p> })}
        </div>
    }
}

fn unit(report: AttainmentReport) -> impl IntoView {
    let AttainmentReport { unit, children, spread, .. } = report;
    let rows = children.into_iter().map(row).collect_view();
    view! {
        <p class="headline"><Headline fen=unit.target.fen() testid="target-final" /></p>
        <dl class="facts">
            <Fact label=catalogue::ACHIEVED testid="target-achieved" value=display::yuan(unit.achieved.fen()) />
            <Fact label=catalogue::ATTAINMENT testid="target-attainment" value=display::attainment(unit.attainment) />
            <Fact label=catalogue::SPREAD testid="target-spread" value=display::spread(spread.gini, spread.max_over_min) />
        </dl>
        <div class="table-scroll" tabindex="0">
            <table class="data" data-testid="target-children">
                <thead>
                    <tr>
                        <th scope="col">{unit.name}</th>
                        <th scope="col" class="num">{tr(catalogue::TARGET)}</th>
                        <th scope="col" class="num">{tr(catalogue::ACHIEVED)}</th>
                        <th scope="col" class="num">{tr(catalogue::ATTAINMENT)}</th>
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
            <td class="num"><Yuan fen=r.target.fen() /></td>
            <td class="num"><Yuan fen=r.achieved.fen() /></td>
            <td class="num">{display::attainment(r.attainment)}</td>
        </tr>
    }
}

/// A plan status as a signal of its words, for a `Fact`.
fn plan_status(status: cascade_api_types::PlanStatus) -> Signal<String> {
    let locale = Locale::expect();
    Signal::derive(move || locale.t(catalogue::plan_status(status)).to_owned())
}
