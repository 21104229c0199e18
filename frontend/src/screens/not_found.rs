//! Any path no screen answers: said plainly, with the way home.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::catalogue;
use crate::i18n::tr;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="card" data-testid="not-found">
            <h1 class="card-title">{tr(catalogue::NOT_FOUND)}</h1>
            <p class="note">{tr(catalogue::NOT_FOUND_HINT)}</p>
            <A href="/">{tr(catalogue::BACK_HOME)}</A>
        </section>
    }
}
