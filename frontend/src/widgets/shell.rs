//! The frame around every screen: the masthead with the navigation the
//! caller's permissions allow, the language switch and who is signed in.

use cascade_core::access::Permission;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::i18n::{self, tr, Locale, T};
use crate::session::{Auth, SignedOutBecause};
use crate::{api, catalogue, display};

/// One entry of the navigation: where it goes, what it says, and who sees
/// it (the server refuses the others anyway).
pub struct NavEntry {
    pub path: &'static str,
    pub label: T,
    pub needs: Needs,
    pub testid: &'static str,
}

/// Who an entry of the navigation is for.
#[derive(Debug, Clone, Copy)]
pub enum Needs {
    Anyone,
    /// Whoever holds at least one of these permissions.
    AnyOf(&'static [Permission]),
    /// Someone who sells (the signed-in user is a rep), holding this.
    Rep(Permission),
}

/// The entries a caller holding `permissions` may use, in order; `is_rep`
/// when the caller is a rep.
pub fn allowed<'a>(entries: &'a [NavEntry], permissions: &[Permission], is_rep: bool) -> Vec<&'a NavEntry> {
    entries
        .iter()
        .filter(|e| match e.needs {
            Needs::Anyone => true,
            Needs::AnyOf(any) => any.iter().any(|p| permissions.contains(p)),
            Needs::Rep(p) => is_rep && permissions.contains(&p),
        })
        .collect()
}

#[component]
pub fn Masthead(entries: &'static [NavEntry]) -> impl IntoView {
    view! {
        <header class="masthead">
            <div class="masthead-row">
                <div class="masthead-brand">
                    <p class="brand">{catalogue::BRAND}</p>
                    <p class="tagline">{tr(catalogue::TAGLINE)}</p>
                </div>
                <div class="masthead-tools">
                    <LanguageSwitch />
                    <WhoAmI />
                </div>
            </div>
            <Nav entries=entries />
        </header>
    }
}

#[component]
fn Nav(entries: &'static [NavEntry]) -> impl IntoView {
    let auth = Auth::expect();
    let links = move || {
        let (permissions, is_rep) = auth.me().map(|me| (me.permissions, me.rep_id.is_some())).unwrap_or_default();
        allowed(entries, &permissions, is_rep)
            .into_iter()
            .map(|entry| {
                // `A` marks the link of the screen shown (and of those below
                // it, `/plans/3` under `/plans`) with `aria-current`.
                view! {
                    <li>
                        <A href=entry.path exact=entry.path == "/" attr:data-testid=entry.testid>
                            {tr(entry.label)}
                        </A>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <nav class="nav" aria-label=tr(catalogue::MAIN_NAV) data-testid="nav">
            <ul>{links}</ul>
        </nav>
    }
}

/// Switches between Chinese and English; the choice is remembered.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let locale = Locale::expect();
    view! {
        <button
            type="button"
            class="lang-switch"
            // The name is the visible word, in its own language ("English",
            // "中文"), as a screen reader should say it; the hint is a title.
            lang=move || i18n::other(locale.lang()).tag()
            title=tr(catalogue::SWITCH_LANGUAGE)
            data-testid="lang-switch"
            on:click=move |_| locale.set(i18n::other(locale.lang()))
        >
            {tr(catalogue::SWITCH_TO)}
        </button>
    }
}

/// Who is signed in, and the way out.
#[component]
fn WhoAmI() -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
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
            let role = me.role;
            view! {
                <div class="who-text">
                    <span class="who-name" data-testid="me-name">{name}</span>
                    <span class="who-meta">
                        <span data-testid="me-role" data-role=role.as_str()>
                            {move || locale.t(catalogue::role(role))}
                        </span>
                        <span class="who-sep" aria-hidden="true">"·"</span>
                        <span class="who-unit" title=tr(catalogue::SCOPE) data-testid="me-unit">{me.unit_code}</span>
                    </span>
                </div>
            }
        })
    };
    view! {
        <div class="who" data-testid="who">
            {who}
            <button type="button" class="signout" data-testid="logout" on:click=sign_out>
                {tr(catalogue::SIGN_OUT)}
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRIES: &[NavEntry] = &[
        NavEntry { path: "/", label: T::new("首页", "Home"), needs: Needs::Anyone, testid: "nav-home" },
        NavEntry {
            path: "/plans",
            label: T::new("计划", "Plans"),
            needs: Needs::AnyOf(&[Permission::PlansRead]),
            testid: "nav-plans",
        },
        NavEntry { path: "/mine", label: T::new("我的", "Mine"), needs: Needs::Rep(Permission::PlansRead), testid: "nav-mine" },
        NavEntry {
            path: "/admin",
            label: T::new("管理", "Admin"),
            needs: Needs::AnyOf(&[Permission::UsersWrite, Permission::AuditRead]),
            testid: "nav-admin",
        },
    ];

    #[test]
    fn only_what_the_permissions_allow_is_offered() {
        let paths = |p: &[Permission], rep| allowed(ENTRIES, p, rep).iter().map(|e| e.path).collect::<Vec<_>>();
        assert_eq!(paths(&[], false), ["/"]);
        assert_eq!(paths(&[Permission::PlansRead], false), ["/", "/plans"]);
        assert_eq!(paths(&[Permission::PlansRead], true), ["/", "/plans", "/mine"]);
        assert_eq!(paths(&[], true), ["/"], "a rep without the permission");
        assert_eq!(paths(&[Permission::AuditRead, Permission::PlansRead], false), ["/", "/plans", "/admin"]);
        assert_eq!(paths(&[Permission::UsersWrite], false), ["/", "/admin"]);
    }
}
