//! A table of records: it scrolls inside its own box on a desk and stacks
//! each row into label–value pairs on a phone (`stack-on-phone`, whose cells
//! carry their column's word in `data-label`).

use leptos::prelude::*;

use crate::i18n::{tr, T};

/// How a column's head reads.
#[derive(Debug, Clone, Copy)]
pub enum Col {
    Text(T),
    /// Figures, right-aligned.
    Num(T),
    /// Named for screen readers only (a column of buttons).
    Hidden(T),
}

pub fn record_table(testid: &'static str, columns: &'static [Col], rows: impl IntoView + 'static) -> impl IntoView {
    let heads = columns
        .iter()
        .map(|c| match *c {
            Col::Text(t) => view! { <th scope="col">{tr(t)}</th> }.into_any(),
            Col::Num(t) => view! { <th scope="col" class="num">{tr(t)}</th> }.into_any(),
            Col::Hidden(t) => view! { <th scope="col"><span class="visually-hidden">{tr(t)}</span></th> }.into_any(),
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="data stack-on-phone" data-testid=testid>
                <thead>
                    <tr>{heads}</tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
