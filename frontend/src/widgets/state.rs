//! Loading, failed and empty: the three states a screen shows before or
//! instead of its data, the same everywhere.

use leptos::prelude::*;

use crate::catalogue;
use crate::i18n::{tr, Locale, T};

#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <p class="loading" aria-busy="true">
            {tr(catalogue::LOADING)}
        </p>
    }
}

/// The fallback of an `<ErrorBoundary>`: what failed, in words, and a retry.
pub fn load_error(errors: ArcRwSignal<Errors>, retry: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let locale = Locale::expect();
    let messages = move || {
        let lang = locale.lang();
        errors.with(|errors| {
            errors
                .iter()
                .map(|(_, error)| {
                    let text = match error.downcast_ref::<crate::api::ApiError>() {
                        Some(api) => catalogue::api_error(api, lang),
                        None => error.to_string(),
                    };
                    view! { <li>{text}</li> }
                })
                .collect_view()
        })
    };
    view! {
        <div class="load-error" role="alert" data-testid="load-error">
            <p class="load-error-title">{tr(catalogue::LOAD_FAILED)}</p>
            <ul>{messages}</ul>
            <button type="button" class="retry" on:click=move |_| retry()>
                {tr(catalogue::RETRY)}
            </button>
        </div>
    }
}

/// Nothing to show, said so (an empty table reads as "still loading").
#[component]
pub fn Empty(text: T, #[prop(optional)] testid: &'static str) -> impl IntoView {
    view! {
        <p class="empty" data-testid=testid>
            {tr(text)}
        </p>
    }
}
