//! Files in and out: dropped on a zone or picked with the system's chooser
//! (on a phone: the camera, the gallery or the file app), and saved under
//! their own name. The zone is a `<label>` for a real file input, so it is
//! reachable by keyboard and read by screen readers as what it is.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::catalogue;
use crate::i18n::{tr, T};

/// What evidence may be: PDF, images and Office files, as the server takes them.
pub const EVIDENCE_ACCEPT: &str =
    ".pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.pptx,.txt,.csv,application/pdf,image/png,image/jpeg,image/webp";

fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[component]
pub fn FileDrop(
    label: T,
    accept: &'static str,
    testid: &'static str,
    #[prop(into)] disabled: Signal<bool>,
    on_files: Callback<Vec<web_sys::File>>,
    /// Whether several files may be picked at once (evidence); an import
    /// takes one.
    #[prop(default = true)]
    multiple: bool,
    /// The words of the zone's button.
    #[prop(default = catalogue::CHOOSE_FILES)]
    button: T,
) -> impl IntoView {
    let over = RwSignal::new(false);
    view! {
        <label
            class="file-drop"
            class:file-drop-over=move || over.get()
            data-testid=testid
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                over.set(false);
                if !disabled.get_untracked() {
                    on_files.run(files_of(ev.data_transfer().and_then(|d| d.files())));
                }
            }
        >
            <span class="file-drop-text">{tr(label)}</span>
            // The browser words its own file button in the browser's
            // language; ours is in the app's, and the input stays the
            // focusable control behind it.
            <span class="file-drop-button" aria-hidden="true">{tr(button)}</span>
            <input
                type="file"
                class="visually-hidden"
                multiple=multiple
                accept=accept
                disabled=move || disabled.get()
                data-testid=format!("{testid}-input")
                on:change=move |ev| {
                    let input = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
                    if let Some(input) = input {
                        on_files.run(files_of(input.files()));
                        // The same file may be chosen again after a refusal.
                        input.set_value("");
                    }
                }
            />
        </label>
    }
}

/// Saves `blob` as a download named `file_name` (the browser's own "save").
pub fn save_as(blob: &web_sys::Blob, file_name: &str) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else { return };
    let anchor = document().create_element("a").ok().and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(anchor) = anchor {
        anchor.set_href(&url);
        anchor.set_download(file_name);
        anchor.click();
    }
    // Some browsers read the blob after the click returns: the URL goes a
    // minute later, not at once.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
}
