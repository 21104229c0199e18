//! Adjusting one line of a draft or returned plan: a new final target
//! inside the band with a reason, evidence files, pinning, and the live
//! check that the lines still add up to the parent's target.
//!
//! What a person types is kept per line in [`Editing`] for as long as the
//! plan screen is open: closing the dialog, a refused save, or a reload
//! after someone else changed the plan (412) loses none of it.

use std::collections::HashMap;

use cascade_api_types::{Evidence, LineDiff, LinePatch, Plan, PlanLine};
use cascade_core::Money;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::i18n::{tr, Locale};
use crate::session::Auth;
use crate::widgets::band::{input_text, Band, BandInput};
use crate::widgets::dialog::Dialog;
use crate::widgets::file_drop::{save_as, FileDrop, EVIDENCE_ACCEPT};
use crate::widgets::state::resource;
use crate::widgets::toast::Toasts;
use crate::{catalogue, display};

/// What was typed for one line and not saved yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub amount: String,
    pub reason: String,
}

impl Draft {
    /// What the form starts with when nothing was typed: the line as it is.
    fn of(line: &PlanLine) -> Draft {
        Draft { amount: input_text(line.final_target.fen()), reason: line.reason.clone().unwrap_or_default() }
    }
}

/// The plan screen's editing state, shared by its rows, its header and the
/// dialog.
#[derive(Clone, Copy)]
pub struct Editing {
    /// Unsaved input by line id.
    pub drafts: RwSignal<HashMap<i64, Draft>>,
    /// The line whose dialog is open.
    pub line: RwSignal<Option<i64>>,
    /// A write found the plan changed since it was read (412).
    pub stale: RwSignal<bool>,
    /// Reads the plan and its lines again.
    pub reload: Callback<()>,
    /// The lines the last calibration or relief moved.
    pub changes: RwSignal<Option<Vec<LineDiff>>>,
}

impl Editing {
    pub fn provide(reload: Callback<()>) -> Editing {
        let editing = Editing {
            drafts: RwSignal::new(HashMap::new()),
            line: RwSignal::new(None),
            stale: RwSignal::new(false),
            reload,
            changes: RwSignal::new(None),
        };
        provide_context(editing);
        editing
    }

    pub fn expect() -> Editing {
        expect_context::<Editing>()
    }

    /// Reads the plan again after a 412; the drafts stay.
    pub fn reload_stale(self) {
        self.stale.set(false);
        self.reload.run(());
    }
}

/// The "someone changed this plan" message, with the reload it asks for.
#[component]
pub fn StaleNotice(testid: &'static str) -> impl IntoView {
    let editing = Editing::expect();
    view! {
        <Show when=move || editing.stale.get()>
            <div class="notice notice-warn" role="alert" data-testid=testid>
                <p>{tr(catalogue::STALE)}</p>
                <button type="button" data-testid=format!("{testid}-reload") on:click=move |_| editing.reload_stale()>
                    {tr(catalogue::RELOAD)}
                </button>
            </div>
        </Show>
    }
}

/// The dialog of one line. `editable`: the plan is a draft or returned and
/// the caller may write it; otherwise it only lists the line's evidence.
#[component]
pub fn AdjustDialog(plan: Plan, line: PlanLine, editable: bool) -> impl IntoView {
    let editing = Editing::expect();
    let locale = Locale::expect();
    let line_id = line.id;
    let name = line.name.clone();
    let title = {
        let name = name.clone();
        Signal::derive(move || {
            if editable {
                catalogue::adjust_title(&name, locale.lang())
            } else {
                format!("{} · {}", name, locale.t(catalogue::EVIDENCE))
            }
        })
    };
    // Evidence uploaded here changes the row's count: read the plan again
    // when the dialog closes.
    let evidence_changed = StoredValue::new(false);
    let on_close = Callback::new(move |()| {
        editing.line.set(None);
        if evidence_changed.get_value() {
            editing.reload.run(());
        }
    });
    view! {
        <Dialog title=title testid="adjust-dialog" on_close=on_close>
            {editable.then(|| view! { <AdjustForm plan=plan.clone() line=line.clone() /> })}
            <EvidenceList plan_id=plan.id line_id=line_id editable=editable changed=evidence_changed />
        </Dialog>
    }
}

#[component]
fn AdjustForm(plan: Plan, line: PlanLine) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let editing = Editing::expect();
    let toasts = Toasts::expect();
    let (line_id, plan_id, version) = (line.id, plan.id, line.version);
    let suggested = line.suggested.fen();
    let band = Band::new(line.band_min.fen(), line.band_max.fen(), plan.rounding_unit.fen());
    let start = Draft::of(&line);
    let typed = editing.drafts.with_untracked(|d| d.get(&line_id).cloned()).unwrap_or_else(|| start.clone());
    let amount = RwSignal::new(typed.amount);
    let reason = RwSignal::new(typed.reason);
    // Every keystroke is kept for this line until it is saved.
    Effect::new(move || {
        let draft = Draft { amount: amount.get(), reason: reason.get() };
        editing.drafts.update(|d| {
            if draft == start {
                d.remove(&line_id);
            } else {
                d.insert(line_id, draft);
            }
        });
    });
    let parsed = Memo::new(move |_| amount.with(|a| band.parse(a)));
    let reason_chars = Memo::new(move |_| reason.with(|r| r.trim().chars().count()));
    // A value other than the suggestion says why (the server's rule).
    let needs_reason = Memo::new(move |_| parsed.get().is_ok_and(|fen| fen != suggested));
    let reason_short = move || needs_reason.get() && !reason.with(|r| cascade_core::says_why(r));
    let saving = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let server_amount = Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_reason("final"))));
    let server_reason = move || error.with(|e| e.as_ref().and_then(|e| e.field_reason("reason")));
    let general = move || {
        error.with(|e| match e {
            Some(e) if !e.is_stale() && !e.only_fields(&["final", "reason"]) => Some(catalogue::api_error(e, locale.lang())),
            _ => None,
        })
    };
    let can_save = move || !saving.get() && parsed.get().is_ok() && !reason_short();

    // The sum of every line with this one at its typed value, against the
    // parent's target: to the yuan, before anything is saved.
    let (total, others) = (plan.total.fen(), plan.lines_total.fen() - line.final_target.fen());
    let sum = move || others + parsed.get().unwrap_or(line.final_target.fen());
    let matches = move || sum() == total;

    let finish = move |result: Result<PlanLine, ApiError>, said: Option<String>| {
        saving.set(false);
        match result {
            Ok(_) => {
                editing.drafts.update(|d| {
                    d.remove(&line_id);
                });
                if let Some(said) = said {
                    toasts.say(said);
                }
                editing.line.set(None);
                editing.reload.run(());
            }
            Err(e) => {
                if e.is_stale() {
                    editing.stale.set(true);
                }
                error.set(Some(e));
            }
        }
    };
    let name = line.name.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(fen) = parsed.get_untracked() else { return };
        if !can_save() {
            return;
        }
        let text = reason.get_untracked().trim().to_owned();
        let patch = LinePatch {
            final_target: Some(Money::from_fen(fen)),
            reason: (!text.is_empty()).then_some(text),
            ..LinePatch::default()
        };
        let said = catalogue::saved(&name, &display::yuan(fen), locale.lang());
        saving.set(true);
        error.set(None);
        spawn_local(async move { finish(api::patch_line(auth, plan_id, line_id, version, &patch).await, Some(said)) });
    };
    let unpin = move |_| {
        saving.set(true);
        error.set(None);
        let patch = LinePatch { pinned: Some(false), ..LinePatch::default() };
        spawn_local(async move {
            let result = api::patch_line(auth, plan_id, line_id, version, &patch).await;
            if result.is_ok() {
                // Back to the suggestion: what was typed no longer applies.
                amount.set(input_text(suggested));
            }
            finish(result, None)
        });
    };
    let change = move || parsed.get().map(|fen| display::change(suggested, fen)).unwrap_or_default();
    view! {
        <form class="adjust" data-testid="adjust-form" on:submit=save novalidate>
            <dl class="facts">
                <div class="fact">
                    <dt>{tr(catalogue::SUGGESTED)}</dt>
                    <dd data-testid="adjust-suggested">{display::yuan(suggested)}</dd>
                </div>
                <div class="fact">
                    <dt>{tr(catalogue::FINAL)}</dt>
                    <dd data-testid="adjust-current">{display::yuan(line.final_target.fen())}</dd>
                </div>
                <div class="fact">
                    <dt>{tr(catalogue::CHANGE)}</dt>
                    <dd data-testid="adjust-change">{change}</dd>
                </div>
            </dl>
            <BandInput
                band=band
                band_percent=display::percent(plan.band_percent)
                text=amount
                server=server_amount
                disabled=Signal::derive(move || saving.get())
            />
            <label class="field">
                <span>{tr(catalogue::REASON)}</span>
                <textarea
                    data-testid="adjust-reason"
                    rows="3"
                    maxlength=cascade_core::NOTE_MAX
                    prop:value=move || reason.get()
                    aria-invalid=move || (reason_short() || server_reason().is_some()).to_string()
                    aria-describedby="reason-hint reason-error"
                    disabled=move || saving.get()
                    on:input=move |ev| reason.set(event_target_value(&ev))
                ></textarea>
            </label>
            <p class="hint" id="reason-hint" data-testid="reason-hint">
                {move || catalogue::reason_hint(reason_chars.get(), locale.lang())}
            </p>
            <p class="field-error" id="reason-error" role="alert" data-testid="reason-error">{server_reason}</p>
            <div class=move || if matches() { "check check-ok" } else { "check check-bad" } data-testid="live-sum" data-ok=move || matches().to_string() data-sum=sum>
                <p>
                    {tr(catalogue::LIVE_SUM)} " " <strong data-testid="live-sum-value">{move || display::yuan(sum())}</strong>
                    " · " {tr(catalogue::PARENT_TARGET)} " " <strong data-testid="live-sum-total">{display::yuan(total)}</strong>
                    " · " {tr(catalogue::DIFFERENCE)} " " <strong data-testid="live-sum-difference">{move || display::yuan(total - sum())}</strong>
                </p>
                <p>
                    <span aria-hidden="true">{move || if matches() { "✓ " } else { "✗ " }}</span>
                    {move || locale.t(if matches() { catalogue::SUM_MATCHES } else { catalogue::SUM_DIFFERS })}
                </p>
            </div>
            <p class="hint">{tr(catalogue::PIN_HINT)}</p>
            <p class="form-error" role="alert" data-testid="adjust-error">{general}</p>
            <StaleNotice testid="stale" />
            <div class="actions">
                <button type="submit" class="primary" data-testid="adjust-save" disabled=move || !can_save()>
                    {move || locale.t(if saving.get() { catalogue::SAVING } else { catalogue::SAVE_AND_PIN })}
                </button>
                {line.pinned.then(|| view! {
                    <button type="button" data-testid="adjust-unpin" disabled=move || saving.get() on:click=unpin>
                        {tr(catalogue::UNPIN)}
                    </button>
                })}
            </div>
        </form>
    }
}

/// A line's evidence files: listed, downloadable, and (for an editor)
/// dropped or picked to upload one after another.
#[component]
fn EvidenceList(plan_id: i64, line_id: i64, editable: bool, changed: StoredValue<bool>) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let toasts = Toasts::expect();
    let files = resource(move || api::list_evidence(auth, plan_id, line_id));
    let uploading = RwSignal::new(0usize);
    let error = RwSignal::new(None::<String>);
    let upload = Callback::new(move |picked: Vec<web_sys::File>| {
        if picked.is_empty() {
            return;
        }
        error.set(None);
        uploading.set(picked.len());
        spawn_local(async move {
            for file in picked {
                match api::upload_evidence(auth, plan_id, line_id, &file).await {
                    Ok(evidence) => {
                        changed.set_value(true);
                        toasts.say(catalogue::uploaded(&evidence.file_name, locale.lang()));
                    }
                    Err(e) => error.set(Some(format!("{}: {}", file.name(), catalogue::api_error(&e, locale.lang())))),
                }
                uploading.update(|n| *n = n.saturating_sub(1));
            }
            files.refetch();
        });
    });
    let download = move |evidence: Evidence| {
        spawn_local(async move {
            match api::download_evidence(auth, plan_id, &evidence).await {
                Ok(blob) => save_as(&blob, &evidence.file_name),
                Err(e) => error.set(Some(catalogue::api_error(&e, locale.lang()))),
            }
        });
    };
    let list = move || {
        files.get().map(|result| match result {
            Ok(list) if list.is_empty() => view! { <p class="empty" data-testid="evidence-none">{tr(catalogue::NO_EVIDENCE)}</p> }.into_any(),
            Ok(list) => view! {
                <ul class="evidence-list" data-testid="evidence-list">
                    {list.into_iter().map(|evidence| {
                        let size = display::file_size(evidence.size_bytes);
                        let file_name = evidence.file_name.clone();
                        view! {
                            <li data-testid="evidence-item">
                                <span class="evidence-name" data-testid="evidence-name">{file_name}</span>
                                <span class="evidence-size">{size}</span>
                                <button type="button" data-testid="evidence-download" on:click=move |_| download(evidence.clone())>
                                    {tr(catalogue::DOWNLOAD)}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{catalogue::api_error(&e, locale.lang())}</p> }.into_any(),
        })
    };
    view! {
        <section class="evidence" data-testid="evidence">
            <h3>{tr(catalogue::EVIDENCE)}</h3>
            {list}
            {editable.then(|| view! {
                <FileDrop
                    label=catalogue::DROP_EVIDENCE
                    accept=EVIDENCE_ACCEPT
                    testid="evidence-drop"
                    disabled=Signal::derive(move || uploading.get() > 0)
                    on_files=upload
                />
            })}
            <Show when=move || { uploading.get() > 0 }>
                <p class="loading" aria-busy="true" data-testid="evidence-uploading">{tr(catalogue::UPLOADING)}</p>
            </Show>
            <p class="form-error" role="alert" data-testid="evidence-error">{move || error.get()}</p>
        </section>
    }
}
