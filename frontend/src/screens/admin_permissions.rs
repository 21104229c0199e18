//! 权限矩阵 (the permission matrix): one row per permission, one column per
//! role, a tick where the role holds it. A tick is saved at once (the
//! role's whole list, `PUT /roles/{role}/permissions`) and takes effect on
//! the next request of every user of the role.
//!
//! The server's guards are shown before anyone clicks, as reasons beside
//! the boxes they lock (the same rules, `cascade_core::access`): you change
//! only permissions you hold yourself, the admin role keeps what it needs to
//! manage the matrix, and only someone whose scope is the whole company
//! edits it at all.

use std::collections::BTreeSet;

use cascade_api_types::RolePermissions;
use cascade_core::access::{Permission, Role, ADMIN_FLOOR};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::catalogue;
use crate::i18n::{tr, Locale};
use crate::screens::admin::AdminTabs;
use crate::session::Auth;
use crate::widgets::state::{loaded, resource};
use crate::widgets::toast::Toasts;

/// Why a box cannot be changed, if it cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// The caller does not hold the permission.
    NotHeld,
    /// The admin role must keep it.
    AdminFloor,
}

/// The guard on `role`'s box for `p`, for a caller holding `held`.
pub fn guard(held: &[Permission], role: Role, p: Permission, checked: bool) -> Option<Guard> {
    if !held.contains(&p) {
        Some(Guard::NotHeld)
    } else if role == Role::Admin && checked && ADMIN_FLOOR.contains(&p) {
        Some(Guard::AdminFloor)
    } else {
        None
    }
}

#[derive(Clone)]
struct Loaded {
    matrix: Vec<RolePermissions>,
    /// Whether the caller's scope is the whole company.
    company_wide: bool,
}

async fn load(auth: Auth, me_unit: Option<i64>) -> Result<Loaded, ApiError> {
    let matrix = api::list_roles(auth).await?;
    let units = api::list_org_units(auth).await?;
    let root = units.items.iter().find(|u| u.parent_id.is_none()).map(|u| u.id);
    Ok(Loaded { matrix, company_wide: root.is_some() && root == me_unit })
}

#[component]
pub fn PermissionMatrix() -> impl IntoView {
    let auth = Auth::expect();
    let matrix = resource(move || load(auth, auth.me().map(|me| me.unit_id)));
    view! {
        <AdminTabs />
        <section class="card card-wide" data-testid="permissions">
            <h1 class="card-title">{tr(catalogue::ADMIN_PERMISSIONS)}</h1>
            <p class="hint">{tr(catalogue::PERMISSIONS_HINT)}</p>
            {loaded(matrix, |l| view! { <Grid matrix=l.matrix company_wide=l.company_wide /> }.into_any())}
        </section>
    }
}

#[component]
fn Grid(matrix: Vec<RolePermissions>, company_wide: bool) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let toasts = Toasts::expect();
    let roles: Vec<Role> = matrix.iter().map(|r| r.role).collect();
    let held = StoredValue::new(auth.me().map(|me| me.permissions).unwrap_or_default());
    let sets = RwSignal::new(
        matrix.into_iter().map(|r| (r.role, r.permissions.into_iter().collect::<BTreeSet<_>>())).collect::<Vec<_>>(),
    );
    let busy = RwSignal::new(None::<Role>);
    let error = RwSignal::new(None::<String>);
    let has = move |role: Role, p: Permission| sets.with(|s| s.iter().any(|(r, set)| *r == role && set.contains(&p)));
    let toggle = move |role: Role, p: Permission, on: bool| {
        let Some(mut next) = sets.with_untracked(|s| s.iter().find(|(r, _)| *r == role).map(|(_, set)| set.clone())) else {
            return;
        };
        if on {
            next.insert(p);
        } else {
            next.remove(&p);
        }
        busy.set(Some(role));
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::set_role_permissions(auth, role, next.into_iter().collect()).await {
                Ok(saved) => {
                    sets.update(|s| {
                        if let Some((_, set)) = s.iter_mut().find(|(r, _)| *r == role) {
                            *set = saved.permissions.into_iter().collect();
                        }
                    });
                    toasts.say(catalogue::permissions_saved(locale.t(catalogue::role(role)), locale.lang()));
                }
                Err(e) => {
                    // The box shows what the server holds, not the click.
                    sets.update(|_| ());
                    error.set(Some(catalogue::api_error(&e, locale.lang())));
                }
            }
            busy.set(None);
        });
    };
    let heads = roles
        .iter()
        .map(|r| {
            let r = *r;
            view! { <th scope="col" class="center">{move || locale.t(catalogue::role(r))}</th> }
        })
        .collect_view();
    let rows = Permission::ALL
        .iter()
        .map(|p| {
            let p = *p;
            let cells = roles
                .iter()
                .map(|role| {
                    let role = *role;
                    let lock = move || {
                        if company_wide {
                            held.with_value(|h| guard(h, role, p, has(role, p)))
                        } else {
                            Some(Guard::NotHeld)
                        }
                    };
                    let label = move || {
                        format!("{} · {}", locale.t(catalogue::role(role)), locale.t(catalogue::permission(p)))
                    };
                    view! {
                        <td class="center" data-testid=format!("perm-{}-{}", role.as_str(), p.as_str())>
                            <label class="grid-check">
                                <input
                                    type="checkbox"
                                    aria-label=label
                                    aria-describedby=move || lock().map(|g| guard_id(g).to_owned())
                                    prop:checked=move || has(role, p)
                                    disabled=move || lock().is_some() || busy.get().is_some()
                                    on:change=move |ev| toggle(role, p, event_target_checked(&ev))
                                />
                                {move || {
                                    // Colour is never the only signal: a
                                    // locked box carries its footnote mark.
                                    lock().filter(|_| company_wide).map(|g| view! { <sup class="guard-mark" aria-hidden="true">{guard_mark(g)}</sup> })
                                }}
                            </label>
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr data-testid="perm-row" data-permission=p.as_str()>
                    <th scope="row">
                        {move || locale.t(catalogue::permission(p))}
                        <span class="code">{p.as_str()}</span>
                    </th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        {(!company_wide).then(|| view! { <p class="notice" data-testid="permissions-read-only">{tr(catalogue::PERMISSIONS_COMPANY_ONLY)}</p> })}
        <ul class="guards" data-testid="permission-guards">
            <li id=guard_id(Guard::NotHeld)><span aria-hidden="true">{guard_mark(Guard::NotHeld)}" "</span>{tr(catalogue::GUARD_NOT_HELD)}</li>
            <li id=guard_id(Guard::AdminFloor)><span aria-hidden="true">{guard_mark(Guard::AdminFloor)}" "</span>{tr(catalogue::GUARD_ADMIN_FLOOR)}</li>
        </ul>
        <p class="form-error" role="alert" data-testid="permissions-error">{move || error.get()}</p>
        <div class="table-scroll" tabindex="0">
            <table class="data matrix" data-testid="permission-matrix">
                <thead>
                    <tr>
                        <th scope="col">{tr(catalogue::PERMISSION)}</th>
                        {heads}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn guard_id(g: Guard) -> &'static str {
    match g {
        Guard::NotHeld => "guard-not-held",
        Guard::AdminFloor => "guard-admin-floor",
    }
}

fn guard_mark(g: Guard) -> &'static str {
    match g {
        Guard::NotHeld => "①",
        Guard::AdminFloor => "②",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guards_are_the_servers() {
        let held = [Permission::PlansRead, Permission::PermissionsWrite, Permission::UsersRead];
        assert_eq!(guard(&held, Role::Rep, Permission::PlansApprove, false), Some(Guard::NotHeld));
        assert_eq!(guard(&held, Role::Rep, Permission::PlansRead, true), None);
        assert_eq!(guard(&held, Role::Admin, Permission::PermissionsWrite, true), Some(Guard::AdminFloor));
        assert_eq!(guard(&held, Role::Hq, Permission::PermissionsWrite, true), None, "only the admin role has a floor");
        // Whatever the grid allows, the server's own check allows too.
        for role in Role::ALL {
            for p in Permission::ALL {
                for checked in [false, true] {
                    if guard(&held, *role, *p, checked).is_none() {
                        let before: BTreeSet<Permission> = ADMIN_FLOOR.iter().copied().chain(checked.then_some(*p)).collect();
                        let mut after = before.clone();
                        if checked {
                            after.remove(p);
                        } else {
                            after.insert(*p);
                        }
                        let held: BTreeSet<Permission> = held.iter().copied().collect();
                        assert!(cascade_core::access::check_matrix_edit(&held, *role, &before, &after).is_ok(), "{role:?} {p:?}");
                    }
                }
            }
        }
    }
}
