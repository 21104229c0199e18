//! A reason (a returned plan's comment, a calibration's why): free text up
//! to the note limit, with a live count against the minimum the server
//! requires (`cascade_core::MIN_REASON`).

use leptos::prelude::*;

use crate::catalogue;
use crate::i18n::{tr, Locale, T};

#[component]
pub fn ReasonField(label: T, value: RwSignal<String>, testid: &'static str) -> impl IntoView {
    let locale = Locale::expect();
    let hint_id = format!("{testid}-hint");
    view! {
        <label class="field">
            <span>{tr(label)}</span>
            <textarea
                rows="2"
                data-testid=testid
                maxlength=cascade_core::NOTE_MAX
                prop:value=move || value.get()
                aria-describedby=hint_id.clone()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
        </label>
        <p class="hint" id=hint_id>
            {move || catalogue::reason_hint(value.with(|r| r.trim().chars().count()), locale.lang())}
        </p>
    }
}
