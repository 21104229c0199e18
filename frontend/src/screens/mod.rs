//! One module per screen. Adding a screen is adding its file here, its
//! route in `app::App` and, if people reach it from the navigation, its
//! entry in [`NAV`].

use cascade_core::access::Permission;

use crate::catalogue;
use crate::widgets::shell::NavEntry;

pub mod home;
pub mod imports;
pub mod inbox;
pub mod not_found;
pub mod plan;
pub mod plans;
pub mod signin;

/// The navigation, in order; each entry shows only to those holding its
/// permission (from `/auth/me`, i.e. the company's permission matrix).
pub const NAV: &[NavEntry] = &[
    NavEntry { path: "/", label: catalogue::NAV_HOME, needs: None, testid: "nav-home" },
    NavEntry { path: "/plans", label: catalogue::NAV_PLANS, needs: Some(Permission::PlansRead), testid: "nav-plans" },
    NavEntry { path: "/inbox", label: catalogue::NAV_INBOX, needs: Some(Permission::PlansApprove), testid: "nav-inbox" },
    // An entry takes one permission: exports.run, which in the default
    // matrix every role that may import holds too (and province managers
    // alone). The screen shows each part to holders of its own permission.
    NavEntry { path: "/imports", label: catalogue::NAV_IMPORTS, needs: Some(Permission::ExportsRun), testid: "nav-imports" },
];
