//! One module per screen. Adding a screen is adding its file here, its
//! route in `app::App` and, if people reach it from the navigation, its
//! entry in [`NAV`].

use cascade_core::access::Permission;

use crate::catalogue;
use crate::widgets::shell::{NavEntry, Needs};

pub mod admin;
pub mod admin_audit;
pub mod admin_fields;
pub mod admin_permissions;
pub mod admin_tokens;
pub mod admin_users;
pub mod customer;
pub mod customers;
pub mod home;
pub mod imports;
pub mod inbox;
pub mod my_target;
pub mod not_found;
pub mod plan;
pub mod plans;
pub mod signin;

/// The navigation, in order; each entry shows only to those holding its
/// permission (from `/auth/me`, i.e. the company's permission matrix).
pub const NAV: &[NavEntry] = &[
    NavEntry { path: "/", label: catalogue::NAV_HOME, needs: Needs::Anyone, testid: "nav-home" },
    NavEntry { path: "/plans", label: catalogue::NAV_PLANS, needs: Needs::AnyOf(&[Permission::PlansRead]), testid: "nav-plans" },
    NavEntry {
        path: "/my-target",
        label: catalogue::NAV_MY_TARGET,
        needs: Needs::Rep(Permission::PlansRead),
        testid: "nav-my-target",
    },
    NavEntry {
        path: "/inbox",
        label: catalogue::NAV_INBOX,
        needs: Needs::AnyOf(&[Permission::PlansApprove]),
        testid: "nav-inbox",
    },
    NavEntry {
        path: "/customers",
        label: catalogue::NAV_CUSTOMERS,
        needs: Needs::AnyOf(&[Permission::CustomersRead]),
        testid: "nav-customers",
    },
    NavEntry { path: "/admin", label: catalogue::NAV_ADMIN, needs: Needs::AnyOf(admin::ANY_SECTION), testid: "nav-admin" },
    NavEntry {
        path: "/imports",
        label: catalogue::NAV_IMPORTS,
        needs: Needs::AnyOf(&[Permission::ImportsRun, Permission::ExportsRun]),
        testid: "nav-imports",
    },
];
