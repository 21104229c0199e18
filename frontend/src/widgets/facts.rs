//! A card's labelled values (`<dl>`).

use leptos::prelude::*;

use crate::i18n::{tr, T};

/// One labelled value of a card.
#[component]
pub fn Fact(label: T, testid: &'static str, #[prop(into)] value: Signal<String>) -> impl IntoView {
    view! {
        <div class="fact">
            <dt>{tr(label)}</dt>
            <dd data-testid=testid>{value}</dd>
        </div>
    }
}
