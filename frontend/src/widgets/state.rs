//! Loading, failed and empty: the three states a screen shows before or
//! instead of its data, the same everywhere, and the data itself as it
//! loads ([`resource`], [`loaded`]).
//!
//! Both are written so that leptos' generic machinery is compiled once for
//! the whole app rather than once per screen or per type of answer (each
//! copy cost kilobytes of the WASM budget): every resource holds its answer
//! type-erased behind one future type, [`Data`] gives the type back, and
//! the frame around the data is one non-generic function.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
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

/// What every resource holds underneath: the answer behind a type-erased
/// pointer (see the module's note; [`Data`] gives the type back).
type Held = Result<Rc<dyn Any>, ApiError>;

/// Data a screen loads, typed: a handle to a resource that holds `T`.
pub struct Data<T> {
    held: LocalResource<Held>,
    of: PhantomData<fn() -> T>,
}

impl<T> Clone for Data<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Data<T> {}

impl<T: Clone + 'static> Data<T> {
    /// Reactive: the answer, `None` until the first one is in (a reload
    /// keeps the last answer until the next one arrives).
    pub fn get(self) -> Option<Result<T, ApiError>> {
        self.held.get().and_then(typed)
    }

    pub fn get_untracked(self) -> Option<Result<T, ApiError>> {
        self.held.get_untracked().and_then(typed)
    }

    /// Fetches again.
    pub fn refetch(self) {
        self.held.refetch();
    }
}

/// `held` as the `T` that [`resource`] put in. Only a `T` is ever put in,
/// so the downcast cannot fail; if it could, "still loading" would be the
/// honest answer.
fn typed<T: Clone + 'static>(held: Held) -> Option<Result<T, ApiError>> {
    match held {
        Ok(any) => any.downcast_ref::<T>().cloned().map(Ok),
        Err(error) => Some(Err(error)),
    }
}

/// Data a screen loads with `fetch`, fetched again whenever a signal that
/// `fetch` reads changes (and on `refetch`).
pub fn resource<T: 'static, Fut>(fetch: impl Fn() -> Fut + 'static) -> Data<T>
where
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let held = erased(Box::new(move || {
        let answer = fetch();
        Box::pin(async move { answer.await.map(|value| Rc::new(value) as Rc<dyn Any>) })
    }));
    Data { held, of: PhantomData }
}

/// Outside [`resource`] and untyped, so that leptos' resource machinery is
/// compiled once for all screens.
fn erased(fetch: Box<dyn Fn() -> Pin<Box<dyn Future<Output = Held>>>>) -> LocalResource<Held> {
    LocalResource::new(fetch)
}

/// `data` as `show` draws it: "loading" until the first answer, the
/// failure in words with a retry, and while it reloads the previous
/// content stays (no flash of "loading" after a change).
pub fn loaded<T>(data: Data<T>, show: impl Fn(T) -> AnyView + Send + 'static) -> AnyView
where
    T: Clone + 'static,
{
    frame(Box::new(move || data.get().map(|answer| answer.map(&show))), Arc::new(move || data.refetch()))
}

/// What [`loaded`] draws, typed by nothing: `body` is `None` while the
/// first answer is awaited; `retry` fetches again after a failure.
fn frame(body: Box<dyn Fn() -> Option<Result<AnyView, ApiError>> + Send>, retry: Arc<dyn Fn() + Send + Sync>) -> AnyView {
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
