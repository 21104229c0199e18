//! 我的目标 (my target), for a rep: this quarter's target and why it is what
//! it is, every change to it with who made it and why, and the quarter's
//! fairness survey (is my target fair, 0–10?) answered in place.
//!
//! Everything comes from one call (`GET /reps/{id}/target`), in the language
//! shown; the survey answer is the rep's own (`survey`), which no manager
//! sees. The quarter is the company's current one unless the address names
//! another (`/my-target?period=2027-Q1`: next quarter's, once planned).

use cascade_api_types::{FairnessScore, MyTarget, NewFairnessScore, TargetChange};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{self, ApiError};
use crate::company::CompanyInfo;
use crate::i18n::{tr, Lang, Locale};
use crate::screens::plans::quarter_options;
use crate::session::Auth;
use crate::widgets::money::Yuan;
use crate::widgets::state::{loaded, resource, Empty, Loading};
use crate::widgets::table::{record_table, Col};
use crate::widgets::target_card::mine;
use crate::widgets::toast::Toasts;
use crate::{catalogue, display};

/// `_lang` is only a dependency: the explanation is written in it.
async fn load(auth: Auth, rep_id: Option<i64>, quarter: Option<String>, _lang: Lang) -> Result<Loaded, ApiError> {
    let (Some(rep_id), Some(quarter)) = (rep_id, quarter) else { return Ok(Loaded::Waiting) };
    Ok(match api::get_my_target(auth, rep_id, &quarter).await? {
        Some(t) => Loaded::Target(Box::new(t)),
        None => Loaded::Nothing,
    })
}

#[derive(Clone)]
enum Loaded {
    /// Who the caller is or which quarter it is is not known yet.
    Waiting,
    Nothing,
    Target(Box<MyTarget>),
}

#[component]
pub fn MyTargetScreen() -> impl IntoView {
    let auth = Auth::expect();
    let company = CompanyInfo::expect();
    let locale = Locale::expect();
    let query = use_query_map();
    let quarter = Memo::new(move |_| query.with(|q| q.get("period")).or_else(|| company.quarter()));
    let target = resource(move || load(auth, auth.me().and_then(|me| me.rep_id), quarter.get(), locale.lang()));
    let navigate = use_navigate();
    let options = move || quarter_options(company, quarter.get());
    view! {
        <section class="card card-wide" data-testid="my-target">
            <h1 class="card-title">
                {tr(catalogue::MY_TARGET)}
                <span class="card-period" data-testid="target-period">{move || quarter.get()}</span>
            </h1>
            <div class="filters filters-narrow">
                <label class="field">
                    <span class="field-label">{tr(catalogue::PERIOD)}</span>
                    <select data-testid="my-target-period" on:change=move |ev| {
                        navigate(&format!("/my-target?period={}", event_target_value(&ev)), Default::default());
                    }>
                        {options}
                    </select>
                </label>
            </div>
            {loaded(target, |target| match target {
                Loaded::Waiting => view! { <Loading /> }.into_any(),
                Loaded::Nothing => view! { <Empty text=catalogue::NO_TARGET testid="target-none" /> }.into_any(),
                Loaded::Target(t) => mine(&t).into_any(),
            })}
        </section>
        // The history and the survey follow the target once it is in (a
        // reload keeps the last answer until the next one arrives).
        {move || {
            target
                .get()
                .and_then(Result::ok)
                .and_then(|loaded| match loaded {
                    Loaded::Target(t) => Some(t),
                    _ => None,
                })
                .map(|t| {
                    let quarter = t.period.to_string();
                    view! {
                        <Changes history=t.history.clone() />
                        <Survey quarter=quarter answer=t.survey.clone() />
                    }
                })
        }}
    }
}

const HISTORY_COLUMNS: &[Col] = &[
    Col::Text(catalogue::WHEN),
    Col::Text(catalogue::KIND),
    Col::Num(catalogue::TARGET_BEFORE),
    Col::Num(catalogue::TARGET_AFTER),
    Col::Num(catalogue::CHANGE),
    Col::Text(catalogue::WHY_CHANGED),
    Col::Text(catalogue::WHO),
];

/// The changes to the target, newest first.
#[component]
fn Changes(history: Vec<TargetChange>) -> impl IntoView {
    let locale = Locale::expect();
    let company = CompanyInfo::expect();
    let rows = history
        .into_iter()
        .rev()
        .map(|c| {
            let kind = c.kind.clone();
            let (reason_kind, reason) = (c.kind.clone(), c.reason.clone());
            let reason = move || catalogue::revision_reason(&reason_kind, &reason, locale.lang());
            let millis = c.at.timestamp_millis();
            let at = move || company.time_zone().map(|tz| display::moment(millis, &tz, locale.lang())).unwrap_or_default();
            let change = c.from_final.map_or_else(
                || display::MISSING.to_owned(),
                |from| display::change(from.fen(), c.to_final.fen()),
            );
            view! {
                <tr data-testid="target-change" data-revision=c.revision data-kind=c.kind.clone()>
                    <td data-label=tr(catalogue::WHEN)>{at}</td>
                    <td data-label=tr(catalogue::KIND)>
                        {move || catalogue::revision_kind(&kind).map_or_else(|| kind.clone(), |t| locale.t(t).to_owned())}
                    </td>
                    <td class="num" data-label=tr(catalogue::TARGET_BEFORE)>
                        {c.from_final.map_or_else(|| display::MISSING.to_owned().into_any(), |m| view! { <Yuan fen=m.fen() /> }.into_any())}
                    </td>
                    <td class="num" data-label=tr(catalogue::TARGET_AFTER)>
                        <Yuan fen=c.to_final.fen() testid="target-change-to" />
                    </td>
                    <td class="num" data-label=tr(catalogue::CHANGE)>{change}</td>
                    <td class="wrap" data-label=tr(catalogue::WHY_CHANGED) data-testid="target-change-reason">{reason}</td>
                    <td data-label=tr(catalogue::WHO)>{c.actor}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card card-wide" data-testid="target-history">
            <h2 class="card-title">{tr(catalogue::TARGET_HISTORY)}</h2>
            {record_table("target-changes", HISTORY_COLUMNS, rows)}
        </section>
    }
}

/// The fairness survey: a 0–10 scale and an optional comment, sent once;
/// afterwards the answer given.
#[component]
fn Survey(quarter: String, answer: Option<FairnessScore>) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let toasts = Toasts::expect();
    let answered = RwSignal::new(answer);
    let score = RwSignal::new(None::<u8>);
    let comment = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let quarter = StoredValue::new(quarter);
    let send = move |_| {
        let Some(chosen) = score.get_untracked() else { return };
        let Ok(period) = quarter.get_value().parse() else { return };
        let text = comment.get_untracked();
        let answer =
            NewFairnessScore { rep_id: None, quarter: period, score: chosen, comment: (!text.trim().is_empty()).then_some(text) };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::answer_fairness(auth, &answer).await {
                Ok(saved) => {
                    toasts.say(locale.t(catalogue::SURVEY_THANKS).to_owned());
                    answered.set(Some(saved));
                }
                Err(e) => error.set(Some(catalogue::api_error(&e, locale.lang()))),
            }
            busy.set(false);
        });
    };
    let form = move || {
        let scale = (0..=10u8)
            .map(|n| {
                view! {
                    <label class="choice scale-choice" data-testid=format!("survey-score-{n}")>
                        <input type="radio" name="survey-score" prop:checked=move || score.get() == Some(n) on:change=move |_| score.set(Some(n)) />
                        <span>{n}</span>
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset class="choices scale" aria-describedby="survey-ends">
                <legend>{tr(catalogue::SURVEY_QUESTION)}</legend>
                {scale}
            </fieldset>
            <p class="hint" id="survey-ends">{tr(catalogue::SURVEY_ENDS)}</p>
            <label class="field">
                <span>{tr(catalogue::SURVEY_COMMENT)}</span>
                <textarea
                    rows="2"
                    data-testid="survey-comment"
                    maxlength=cascade_core::NOTE_MAX
                    prop:value=move || comment.get()
                    on:input=move |ev| comment.set(event_target_value(&ev))
                ></textarea>
            </label>
            <p class="form-error" role="alert" data-testid="survey-error">{move || error.get()}</p>
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    data-testid="survey-send"
                    disabled=move || busy.get() || score.with(Option::is_none)
                    on:click=send
                >
                    {tr(catalogue::SURVEY_SEND)}
                </button>
            </div>
        }
    };
    view! {
        <section class="card card-wide" data-testid="survey">
            <h2 class="card-title">{tr(catalogue::SURVEY)}</h2>
            {move || match answered.get() {
                Some(FairnessScore { score, comment, .. }) => view! {
                    <p class="headline" data-testid="survey-answer" data-score=score>
                        {move || catalogue::survey_answer(score, locale.lang())}
                    </p>
                    {(!comment.is_empty()).then(|| view! { <p class="wrap" data-testid="survey-answer-comment">{comment}</p> })}
                }
                .into_any(),
                None => form().into_any(),
            }}
        </section>
    }
}
