//! A list read a page at a time: the first page again whenever what the
//! fetch reads changes (its filters), the next ones on "load more", after
//! the server's `next_cursor`.

use std::future::Future;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::catalogue;
use crate::i18n::tr;
use crate::widgets::state::{loaded, resource, Data};

/// Items and where the next page starts.
pub type Page<T> = (Vec<T>, Option<String>);

pub struct Paged<T: Send + Sync + 'static> {
    pub items: RwSignal<Vec<T>>,
    cursor: RwSignal<Option<String>>,
    /// The first page's load: show its state and errors, `refetch` it.
    pub first: Data<()>,
    loading_more: RwSignal<bool>,
    more: StoredValue<Box<dyn Fn()>, LocalStorage>,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T: Send + Sync + 'static> Paged<T> {
    /// `fetch(cursor)` reads its filters when called (so the first page
    /// follows them) and returns the page's future.
    pub fn new<F, Fut>(fetch: F) -> Self
    where
        F: Fn(Option<String>) -> Fut + Copy + 'static,
        Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
    {
        let items = RwSignal::new(Vec::new());
        let cursor = RwSignal::new(None::<String>);
        let loading_more = RwSignal::new(false);
        let first = resource(move || {
            let page = fetch(None);
            async move {
                let (list, next) = page.await?;
                items.set(list);
                cursor.set(next);
                Ok(())
            }
        });
        let more = move || {
            let Some(after) = cursor.get_untracked() else { return };
            loading_more.set(true);
            let page = untrack(|| fetch(Some(after)));
            leptos::task::spawn_local(async move {
                if let Ok((list, next)) = page.await {
                    items.update(|all| all.extend(list));
                    cursor.set(next);
                }
                loading_more.set(false);
            });
        };
        Paged { items, cursor, first, loading_more, more: StoredValue::new_local(Box::new(more)) }
    }

    /// The list as `show` draws it from `items`, in the frame of the first
    /// page's load (loading, failed with a retry).
    pub fn loaded(self, show: impl Fn() -> AnyView + Send + 'static) -> AnyView {
        loaded(self.first, move |()| show())
    }

    /// "Load more", shown while the server has more.
    pub fn more_button(self, testid: &'static str) -> impl IntoView {
        view! {
            <Show when=move || self.cursor.with(Option::is_some)>
                <div class="actions">
                    <button
                        type="button"
                        class="secondary"
                        data-testid=testid
                        disabled=move || self.loading_more.get()
                        on:click=move |_| self.more.with_value(|more| more())
                    >
                        {tr(catalogue::MORE)}
                    </button>
                </div>
            </Show>
        }
    }
}
