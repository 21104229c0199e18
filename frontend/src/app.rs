//! The app root and the home page: which company Cascade plans for, whether
//! the server is well, and who is signed in. Without a session the root
//! shows the sign-in page instead (`signin`).
//!
//! Each card loads on its own, so one failing call does not blank the other.
//! The cards read their resource synchronously (`resource.get()` under
//! `<Transition>`, which registers it with the transition) rather than
//! awaiting it in a `Suspend`. With two `Suspend`s pending at once, tachys
//! 0.2 keeps the thread-local error hook set across the `.await`, so an error
//! from one card is thrown into the *other* card's `<ErrorBoundary>` (seen in
//! the e2e test `explains a failed call…`). A reactive closure re-installs its
//! own boundary's hook every time it runs.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::session::{Auth, SignedOutBecause};
use crate::signin::SignIn;
use crate::targets::TargetCard;
use crate::{api, display};

#[component]
pub fn App() -> impl IntoView {
    let auth = Auth::restore();
    auth.provide();
    if auth.current().is_some() {
        // A session from before a reload: ask who this is now (the role may
        // have changed), which also finds out early if the session has ended.
        spawn_local(async move {
            if let Ok(me) = api::get_me(auth).await {
                auth.update_me(me);
            }
        });
    }
    view! {
        <Show when=move || auth.is_signed_in() fallback=|| view! { <SignIn /> }>
            <Home />
        </Show>
    }
}

#[component]
fn Home() -> impl IntoView {
    view! {
        <div class="shell">
            <header class="masthead">
                <div class="masthead-row">
                    <div class="masthead-brand">
                        <h1 class="brand">"Cascade"</h1>
                        <p class="tagline">"目标分解与动态校准"</p>
                    </div>
                    <WhoAmI />
                </div>
            </header>
            <main class="cards">
                <TargetCard />
                <CompanyCard />
                <HealthCard />
            </main>
        </div>
    }
}

/// Who is signed in, and the way out.
#[component]
fn WhoAmI() -> impl IntoView {
    let auth = Auth::expect();
    let sign_out = move |_| {
        let Some(session) = auth.current() else { return };
        // The page changes at once; revoking the refresh token on the server
        // follows in the background and cannot keep anyone signed in here.
        auth.clear(SignedOutBecause::SignedOut);
        spawn_local(async move {
            if let Err(error) = api::logout(&session).await {
                leptos::logging::warn!("sign-out not confirmed by the server: {error}");
            }
        });
    };
    let who = move || {
        auth.me().map(|me| {
            let name = display::person_name(&me.display_name, &me.username).to_owned();
            let role = me.role.as_str();
            view! {
                <div class="who-text">
                    <span class="who-name" data-testid="me-name">{name}</span>
                    <span class="who-meta">
                        <span data-testid="me-role" data-role=role>{display::role_label(role)}</span>
                        <span class="who-sep" aria-hidden="true">"·"</span>
                        <span class="who-unit" title="范围 Scope" data-testid="me-unit">{me.unit_code}</span>
                    </span>
                </div>
            }
        })
    };
    view! {
        <div class="who" data-testid="who">
            {who}
            <button type="button" class="signout" data-testid="logout" on:click=sign_out>
                "退出登录 Sign out"
            </button>
        </div>
    }
}

#[component]
fn CompanyCard() -> impl IntoView {
    let auth = Auth::expect();
    let company = LocalResource::new(move || api::get_company(auth));
    view! {
        <section class="card" data-testid="company-card">
            <h2 class="card-title">"公司" <span class="en">"Company"</span></h2>
            <Transition fallback=loading>
                <ErrorBoundary fallback=move |errors| load_error(errors, move || company.refetch())>
                    {move || {
                        company
                            .get()
                            .map(|result| {
                                result
                                    .map(|company| {
                                        let name = display::company_name(company.name.as_deref())
                                            .to_owned();
                                        view! {
                                            <p class="headline" data-testid="company-name">{name}</p>
                                            <dl class="facts">
                                                <Fact label="币种" en="Currency" testid="company-currency" value=company.currency />
                                                <Fact label="时区" en="Time zone" testid="company-time-zone" value=company.time_zone />
                                            </dl>
                                        }
                                    })
                            })
                    }}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn HealthCard() -> impl IntoView {
    let health = LocalResource::new(api::get_health);
    view! {
        <section class="card" data-testid="health-card">
            <h2 class="card-title">"服务状态" <span class="en">"Server"</span></h2>
            <Transition fallback=loading>
                <ErrorBoundary fallback=move |errors| load_error(errors, move || health.refetch())>
                    {move || {
                        health
                            .get()
                            .map(|result| {
                                result
                                    .map(|health| {
                                        let tone = display::status_tone(&health.status);
                                        view! {
                                            <p class="headline">
                                                <span class=tone data-testid="health-status">{health.status}</span>
                                            </p>
                                            <dl class="facts">
                                                <Fact label="版本" en="Version" testid="health-version" value=health.version />
                                                <Fact label="数据库" en="Database" testid="health-database" value=health.database />
                                            </dl>
                                        }
                                    })
                            })
                    }}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// One labelled value of a card, in both languages.
#[component]
pub(crate) fn Fact(label: &'static str, en: &'static str, testid: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="fact">
            <dt>{label} " " <span class="en">{en}</span></dt>
            <dd data-testid=testid>{value}</dd>
        </div>
    }
}

pub(crate) fn loading() -> impl IntoView {
    view! { <p class="loading" aria-busy="true">"加载中… Loading…"</p> }
}

pub(crate) fn load_error(errors: ArcRwSignal<Errors>, retry: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let messages =
        move || errors.with(|errors| errors.iter().map(|(_, error)| view! { <li>{error.to_string()}</li> }).collect_view());
    view! {
        <div class="load-error" role="alert" data-testid="load-error">
            <p class="load-error-title">"加载失败 · Could not load"</p>
            <ul>{messages}</ul>
            <button type="button" class="retry" on:click=move |_| retry()>
                "重试 Retry"
            </button>
        </div>
    }
}
