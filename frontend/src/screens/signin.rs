//! The sign-in page, shown whenever there is no session: the form, and in
//! plain words why signing in failed or why the person is here again.

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, LoginError};
use crate::catalogue;
use crate::i18n::{tr, Locale};
use crate::session::{Auth, SignedOutBecause};
use crate::widgets::shell::LanguageSwitch;

/// What went wrong at the last attempt; worded when shown, so switching the
/// language rewords it.
#[derive(Clone)]
enum Problem {
    EmptyFields,
    Failed(LoginError),
}

#[component]
pub fn SignIn() -> impl IntoView {
    let auth = Auth::expect();
    let username = NodeRef::<html::Input>::new();
    let password = NodeRef::<html::Input>::new();
    let pending = RwSignal::new(false);
    // After a 429 the button rests until the server's Retry-After has passed.
    let resting = RwSignal::new(false);
    let locale = Locale::expect();
    let error = RwSignal::new(None::<Problem>);

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
            error.set(Some(Problem::EmptyFields));
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
                    error.try_set(Some(Problem::Failed(failure)));
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
                    {tr(catalogue::SESSION_ENDED)}
                </p>
            }
        })
    };
    let error_view = move || {
        error.get().map(|problem| {
            let message = match problem {
                Problem::EmptyFields => catalogue::EMPTY_FIELDS.get(locale.lang()).to_owned(),
                Problem::Failed(failure) => catalogue::login_error(&failure, locale.lang()),
            };
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
                <h1 class="brand">{catalogue::BRAND}</h1>
                <p class="tagline">{tr(catalogue::TAGLINE)}</p>
                <LanguageSwitch />
            </header>
            <main class="signin">
                <section class="card" data-testid="login-card">
                    <h2 class="card-title">{tr(catalogue::SIGN_IN)}</h2>
                    {notice}
                    <form class="form" on:submit=submit novalidate=true data-testid="login-form">
                        <label class="field">
                            <span class="field-label">{tr(catalogue::USERNAME)}</span>
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
                            <span class="field-label">{tr(catalogue::PASSWORD)}</span>
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
                            {move || locale.t(if pending.get() { catalogue::SIGNING_IN } else { catalogue::SIGN_IN })}
                        </button>
                    </form>
                </section>
            </main>
        </div>
    }
}
