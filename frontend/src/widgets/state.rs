//! Loading, failed and empty: the three states a screen shows before or
//! instead of its data, the same everywhere, and the data itself as it
//! loads ([`resource`], [`loaded`]).
//!
//! Both are written so that leptos' generic machinery is compiled once per
//! type of answer rather than once per screen (a future type and a view
//! type per call site each cost kilobytes of the WASM budget): the fetch
//! is boxed, and the frame around the data is one non-generic function.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::*;

use crate::api::ApiError;
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

/// A call's answer, boxed (see the module's note).
type Answer<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

/// Data a screen loads with `fetch`, fetched again whenever a signal that
/// `fetch` reads changes (and on `refetch`).
pub fn resource<T: 'static, Fut>(fetch: impl Fn() -> Fut + 'static) -> LocalResource<Result<T, ApiError>>
where
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    boxed_resource(Box::new(move || Box::pin(fetch())))
}

/// Outside [`resource`] so that the closure leptos keeps depends on `T`
/// alone, not on the caller's future.
fn boxed_resource<T: 'static>(fetch: Box<dyn Fn() -> Answer<T>>) -> LocalResource<Result<T, ApiError>> {
    LocalResource::new(fetch)
}

/// `data` as `show` draws it: "loading" until the first answer, the
/// failure in words with a retry, and while it reloads the previous
/// content stays (no flash of "loading" after a change).
pub fn loaded<T>(data: LocalResource<Result<T, ApiError>>, show: impl Fn(T) -> AnyView + Send + 'static) -> AnyView
where
    T: Clone + 'static,
{
    frame(Box::new(move || data.get().map(|answer| answer.map(&show))), Arc::new(move || data.refetch()))
}

/// What [`loaded`] draws, for any number of sources: `body` is `None`
/// while the first answer is awaited; `retry` fetches again after a
/// failure.
pub fn frame(body: Box<dyn Fn() -> Option<Result<AnyView, ApiError>> + Send>, retry: Arc<dyn Fn() + Send + Sync>) -> AnyView {
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            <ErrorBoundary fallback=move |errors| {
                let retry = retry.clone();
                load_error(errors, move || retry())
            }>{move || body()}</ErrorBoundary>
        </Transition>
    }
    .into_any()
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
