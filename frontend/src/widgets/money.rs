//! Amounts: full yuan where figures must reconcile (tables), 万 or millions
//! in headlines, with the exact figure a hover or a screen reader away.

use leptos::prelude::*;

use crate::display;
use crate::i18n::Locale;

/// An amount to the fen, right-aligned in a table cell by its class.
#[component]
pub fn Yuan(fen: i64, #[prop(optional)] testid: &'static str) -> impl IntoView {
    view! {
        <span class="num" data-testid=testid>
            {display::yuan(fen)}
        </span>
    }
}

/// A headline amount in the reader's unit; `title` gives the exact yuan.
#[component]
pub fn Headline(fen: i64, #[prop(optional)] testid: &'static str) -> impl IntoView {
    let locale = Locale::expect();
    view! {
        <span class="headline-amount" title=display::yuan(fen) data-testid=testid data-fen=fen>
            {move || display::headline(fen, locale.lang())}
        </span>
    }
}
