//! 管理 (administration), for the HRBP: users, the permission matrix, custom
//! fields, API tokens and the audit log. Each section is its own screen
//! (`admin_*`); this module lists them, on `/admin` and as the tabs above
//! each, showing only those the caller's permissions open.

use cascade_core::access::Permission;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::catalogue;
use crate::i18n::{tr, T};
use crate::session::Auth;

/// One section of the administration.
pub struct Section {
    pub path: &'static str,
    pub label: T,
    pub hint: T,
    pub needs: Permission,
    pub testid: &'static str,
}

pub const SECTIONS: &[Section] = &[
    Section {
        path: "/admin/users",
        label: catalogue::ADMIN_USERS,
        hint: catalogue::ADMIN_USERS_HINT,
        needs: Permission::UsersWrite,
        testid: "admin-users",
    },
    Section {
        path: "/admin/permissions",
        label: catalogue::ADMIN_PERMISSIONS,
        hint: catalogue::ADMIN_PERMISSIONS_HINT,
        needs: Permission::PermissionsWrite,
        testid: "admin-permissions",
    },
    Section {
        path: "/admin/fields",
        label: catalogue::ADMIN_FIELDS,
        hint: catalogue::ADMIN_FIELDS_HINT,
        needs: Permission::CustomFieldsWrite,
        testid: "admin-fields",
    },
    Section {
        path: "/admin/tokens",
        label: catalogue::NAV_API_TOKENS,
        hint: catalogue::API_TOKENS_HINT,
        needs: Permission::ApiTokensWrite,
        testid: "admin-tokens",
    },
    Section {
        path: "/admin/audit",
        label: catalogue::NAV_AUDIT,
        hint: catalogue::AUDIT_HINT,
        needs: Permission::AuditRead,
        testid: "admin-audit",
    },
];

/// What opens the administration at all: any section's permission.
pub const ANY_SECTION: &[Permission] = &[
    Permission::UsersWrite,
    Permission::PermissionsWrite,
    Permission::CustomFieldsWrite,
    Permission::ApiTokensWrite,
    Permission::AuditRead,
];

fn open_sections(auth: Auth) -> Vec<&'static Section> {
    let held = auth.me().map(|me| me.permissions).unwrap_or_default();
    SECTIONS.iter().filter(|s| held.contains(&s.needs)).collect()
}

/// `/admin`: the sections the caller may use, each with what it is for.
#[component]
pub fn Admin() -> impl IntoView {
    let auth = Auth::expect();
    let cards = move || {
        open_sections(auth)
            .into_iter()
            .map(|s| {
                view! {
                    <li class="admin-card">
                        <A href=s.path attr:data-testid=s.testid>{tr(s.label)}</A>
                        <p class="hint">{tr(s.hint)}</p>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card card-wide" data-testid="admin">
            <h1 class="card-title">{tr(catalogue::ADMIN_TITLE)}</h1>
            <ul class="admin-cards">{cards}</ul>
        </section>
    }
}

/// The sections as tabs above one of them; the current one is marked by
/// the router (`aria-current`).
#[component]
pub fn AdminTabs() -> impl IntoView {
    let auth = Auth::expect();
    let tabs = move || {
        open_sections(auth)
            .into_iter()
            .map(|s| view! { <li><A href=s.path attr:data-testid=format!("{}-tab", s.testid)>{tr(s.label)}</A></li> })
            .collect_view()
    };
    view! {
        <nav class="admin-tabs" aria-label=tr(catalogue::ADMIN_TITLE)>
            <ul>{tabs}</ul>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_administration_opens_to_whoever_may_use_a_section() {
        let needs: Vec<Permission> = SECTIONS.iter().map(|s| s.needs).collect();
        assert_eq!(needs, ANY_SECTION);
    }
}
