//! A modal dialog: the browser's own `<dialog>` opened with `showModal()`,
//! so focus stays inside, Escape closes it and the page behind is inert.
//! It is mounted open; closing it (Escape, the close button) calls
//! `on_close`, and the owner unmounts it.

use leptos::html;
use leptos::prelude::*;

use crate::catalogue;
use crate::i18n::tr;

#[component]
pub fn Dialog(
    #[prop(into)] title: Signal<String>,
    testid: &'static str,
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let node = NodeRef::<html::Dialog>::new();
    Effect::new(move || {
        if let Some(dialog) = node.get() {
            if !dialog.open() {
                // Fails only if the element is not in the document yet; the
                // effect runs again once it is.
                let _ = dialog.show_modal();
            }
        }
    });
    view! {
        <dialog node_ref=node class="dialog" data-testid=testid aria-labelledby="dialog-title" on:close=move |_| on_close.run(())>
            <header class="dialog-head">
                <h2 id="dialog-title">{title}</h2>
                <button type="button" class="dialog-close" data-testid="dialog-close" on:click=move |_| {
                    if let Some(dialog) = node.get_untracked() {
                        dialog.close();
                    }
                }>
                    <span aria-hidden="true">"×"</span>
                    <span class="visually-hidden">{tr(catalogue::CLOSE)}</span>
                </button>
            </header>
            {children()}
        </dialog>
    }
}
