//! Cascade's single-page app: Leptos in client-side-rendering mode, compiled
//! to WASM and post-processed by `wasm-bindgen --target web` (see
//! `mk/frontend.mk`). The server hands out `frontend/dist` at `/` and this
//! page for every client-side route.
//!
//! - `app`: the root (language, session, router and routes);
//! - `screens`: one module per screen, and the navigation's entries;
//! - `widgets`: what screens share (the shell, amounts, states, cards);
//! - `catalogue`: every word shown, Chinese and English; `i18n`: the switch;
//! - `session`: who is signed in, kept in `sessionStorage`;
//! - `company`: the company and its current quarter, loaded once;
//! - `api`: calls to the server (bearer token, one refresh on 401);
//! - `display`: pure formatting of values for the page.

mod api;
mod app;
mod catalogue;
mod company;
mod display;
mod i18n;
mod screens;
mod session;
mod widgets;

fn main() {
    // Without the hook a panic in WASM shows up as an opaque `unreachable`
    // trap; with it the console gets the Rust message and location.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
