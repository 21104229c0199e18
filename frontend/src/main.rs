//! Cascade's single-page app: Leptos in client-side-rendering mode, compiled
//! to WASM and post-processed by `wasm-bindgen --target web` (see
//! `mk/frontend.mk`). The server hands out `frontend/dist` at `/`.
//!
//! - `session`: who is signed in, kept in `sessionStorage`;
//! - `api`: calls to the server (bearer token, one refresh on 401) and how
//!   their failures read to a person;
//! - `display`: pure formatting of values for the page;
//! - `app`: the root and the home page; `signin`: the sign-in page;
//! - `targets`: the home page's target card (a rep's own, a manager's unit).

mod api;
mod app;
mod display;
mod session;
mod signin;
mod targets;

fn main() {
    // Without the hook a panic in WASM shows up as an opaque `unreachable`
    // trap; with it the console gets the Rust message and location.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
