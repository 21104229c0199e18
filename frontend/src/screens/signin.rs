//! The sign-in page, shown whenever there is no session: the form, and in
//! plain words why signing in failed or why the person is here again.

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::session::{Auth, SignedOutBecause};

const EMPTY_FIELDS: &str = "请输入用户名和密码 / Enter your username and password";
const SESSION_ENDED: &str = "登录已过期，请重新登录 / Your session has ended, please sign in again";

#[component]
pub fn SignIn() -> impl IntoView {
    let auth = Auth::expect();
    let username = NodeRef::<html::Input>::new();
    let password = NodeRef::<html::Input>::new();
    let pending = RwSignal::new(false);
    // After a 429 the button rests until the server's Retry-After has passed.
    let resting = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() || resting.get_untracked() {
            return;
        }
        // Read at submit time rather than bound on input: a password manager's
        // autofill does not always fire input events.
        let value = |input: NodeRef<html::Input>| input.get_untracked().map(|el| el.value()).unwrap_or_default();
        let (name, secret) = (value(username), value(password));
        if name.trim().is_empty() || secret.is_empty() {
            error.set(Some(EMPTY_FIELDS.to_owned()));
            return;
        }
        error.set(None);
        pending.set(true);
        spawn_local(async move {
            let result = api::login(&name, &secret).await;
            // On success this page goes away with the signals below, hence try_set.
            pending.try_set(false);
            match result {
                Ok(session) => auth.set(session),
                Err(failure) => {
                    if let Some(seconds) = failure.wait_seconds() {
                        resting.try_set(true);
                        set_timeout(
                            move || {
                                resting.try_set(false);
                            },
                            Duration::from_secs(seconds),
                        );
                    }
                    error.try_set(Some(failure.to_string()));
                    if let Some(field) = password.get_untracked() {
                        let _ = field.focus();
                    }
                }
            }
        });
    };

    let notice = move || {
        (auth.signed_out_because() == Some(SignedOutBecause::Expired) && error.with(Option::is_none)).then(|| {
            view! {
                <p class="notice" role="status" data-testid="login-notice">
                    {SESSION_ENDED}
                </p>
            }
        })
    };
    let error_view = move || {
        error.get().map(|message| {
            view! {
                <p class="form-error" role="alert" data-testid="login-error">
                    {message}
                </p>
            }
        })
    };

    view! {
        <div class="shell">
            <header class="masthead masthead-center">
                <h1 class="brand">"Cascade"</h1>
                <p class="tagline">"目标分解与动态校准"</p>
            </header>
            <main class="signin">
                <section class="card" data-testid="login-card">
                    <h2 class="card-title">"登录" <span class="en">"Sign in"</span></h2>
                    {notice}
                    <form class="form" on:submit=submit novalidate=true data-testid="login-form">
                        <label class="field">
                            <span class="field-label">"用户名" " " <span class="en">"Username"</span></span>
                            <input
                                node_ref=username
                                type="text"
                                name="username"
                                autocomplete="username"
                                autocapitalize="none"
                                spellcheck="false"
                                required=true
                                data-testid="login-username"
                            />
                        </label>
                        <label class="field">
                            <span class="field-label">"密码" " " <span class="en">"Password"</span></span>
                            <input
                                node_ref=password
                                type="password"
                                name="password"
                                autocomplete="current-password"
                                required=true
                                data-testid="login-password"
                            />
                        </label>
                        {error_view}
                        <button
                            type="submit"
                            class="primary"
                            data-testid="login-submit"
                            disabled=move || pending.get() || resting.get()
                        >
                            {move || if pending.get() { "登录中… Signing in…" } else { "登录 Sign in" }}
                        </button>
                    </form>
                </section>
            </main>
        </div>
    }
}
