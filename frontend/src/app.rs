//! The app root: the language, the session, and — once someone is signed in
//! — the router with its screens inside the shell. Without a session the
//! root shows the sign-in page; the address is kept, so a deep link opened
//! signed out lands on its screen after signing in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::api;
use crate::company::CompanyInfo;
use crate::i18n::Locale;
use crate::screens::admin::Admin;
use crate::screens::admin_audit::AuditLog;
use crate::screens::admin_fields::CustomFields;
use crate::screens::admin_permissions::PermissionMatrix;
use crate::screens::admin_tokens::ApiTokens;
use crate::screens::admin_users::Users;
use crate::screens::customer::CustomerScreen;
use crate::screens::customers::Customers;
use crate::screens::home::Home;
use crate::screens::imports::Imports;
use crate::screens::inbox::Inbox;
use crate::screens::my_target::MyTargetScreen;
use crate::screens::not_found::NotFound;
use crate::screens::plan::PlanScreen;
use crate::screens::plans::Plans;
use crate::screens::signin::SignIn;
use crate::screens::NAV;
use crate::session::Auth;
use crate::widgets::shell::Masthead;
use crate::widgets::toast::{ToastRegion, Toasts};

#[component]
pub fn App() -> impl IntoView {
    Locale::restore().provide();
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
            <SignedIn />
        </Show>
    }
}

#[component]
fn SignedIn() -> impl IntoView {
    CompanyInfo::provide(Auth::expect());
    Toasts::provide();
    view! {
        <Router>
            <div class="shell">
                <Masthead entries=NAV />
                <main class="screen" id="main">
                    <Routes fallback=|| view! { <NotFound /> }>
                        <Route path=path!("/") view=Home />
                        <Route path=path!("/plans") view=Plans />
                        <Route path=path!("/plans/:id") view=PlanScreen />
                        <Route path=path!("/inbox") view=Inbox />
                        <Route path=path!("/my-target") view=MyTargetScreen />
                        <Route path=path!("/customers") view=Customers />
                        <Route path=path!("/customers/:id") view=CustomerScreen />
                        <Route path=path!("/admin") view=Admin />
                        <Route path=path!("/admin/users") view=Users />
                        <Route path=path!("/admin/permissions") view=PermissionMatrix />
                        <Route path=path!("/admin/fields") view=CustomFields />
                        <Route path=path!("/admin/tokens") view=ApiTokens />
                        <Route path=path!("/admin/audit") view=AuditLog />
                        <Route path=path!("/imports") view=Imports />
                    </Routes>
                </main>
                <ToastRegion />
            </div>
        </Router>
    }
}
