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
mod json;
mod screens;
mod session;
mod widgets;

fn main() {
    // Without the hook a panic in WASM shows up as an opaque `unreachable`
    // trap; with it the console gets the Rust message and location.
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}

#[cfg(test)]
mod tests {
    /// The stylesheet's blocks, checked because a browser never complains:
    /// a rule left open swallows every rule after it as a nested rule, and
    /// whole screens lose their styles without an error anywhere (two
    /// merges once did that to the administration and imports).
    #[test]
    fn every_rule_in_the_stylesheet_is_closed_and_only_at_rules_hold_rules() {
        let css = include_str!("../style.css");
        let mut text = css.to_owned();
        while let Some(start) = text.find("/*") {
            let end = text[start..].find("*/").map_or(text.len(), |e| start + e + 2);
            text.replace_range(start..end, "");
        }
        // The opening text of each open block, innermost last.
        let mut open: Vec<String> = Vec::new();
        let mut since = 0;
        for (at, c) in text.char_indices() {
            match c {
                '{' => {
                    let head = text[since..at].trim().to_owned();
                    if let Some(outer) = open.last() {
                        assert!(outer.starts_with('@'), "`{head}` opens inside `{outer}`: is a rule before it left open?");
                    }
                    open.push(head);
                    since = at + 1;
                }
                '}' => {
                    assert!(open.pop().is_some(), "a `}}` closes nothing near: {}", &text[since..at]);
                    since = at + 1;
                }
                ';' => since = at + 1,
                _ => {}
            }
        }
        assert!(open.is_empty(), "left open: {open:?}");
    }
}
