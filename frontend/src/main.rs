//! Cascade's single-page app: Leptos in client-side-rendering mode, compiled
//! to WASM and post-processed by `wasm-bindgen --target web` (see
//! `mk/frontend.mk`). The server hands out `frontend/dist` at `/`.
//!
//! - `api`: calls to the server and how their failures read to a person;
//! - `display`: pure formatting of values for the page;
//! - `app`: the components.

mod api;
mod app;
mod display;

fn main() {
    // Without the hook a panic in WASM shows up as an opaque `unreachable`
    // trap; with it the console gets the Rust message and location.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
