//! 用户 (users): who may sign in, with what role and over which part of the
//! company. An HRBP finds people, creates them, changes their role, unit or
//! password, and deactivates them; the server's guards (never grant more
//! than you hold, the last admin stays) come back as reasons on the field.

use cascade_api_types::{NewUser, OrgUnit, Password, User, UserPatch};
use cascade_core::access::Role;
use cascade_core::Code;
use leptos::prelude::*;

use crate::api::{self, ApiError, UserFilter};
use crate::catalogue;
use crate::i18n::{tr, Locale};
use crate::screens::admin::AdminTabs;
use crate::session::Auth;
use crate::widgets::dialog::Dialog;
use crate::widgets::form::{Checks, FieldError, FormError};
use crate::widgets::paged::Paged;
use crate::widgets::state::{resource, Empty};
use crate::widgets::table::{record_table, Col};
use crate::widgets::toast::Toasts;

const COLUMNS: &[Col] = &[
    Col::Text(catalogue::USERNAME),
    Col::Text(catalogue::DISPLAY_NAME),
    Col::Text(catalogue::ROLE),
    Col::Text(catalogue::SCOPE),
    Col::Text(catalogue::USER_STATUS),
    Col::Hidden(catalogue::EDIT),
];

#[component]
pub fn Users() -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let filter = RwSignal::new(UserFilter { active: Some(true), ..UserFilter::default() });
    let users = Paged::new(move |cursor| {
        let filter = filter.get();
        async move { api::list_users(auth, filter, cursor).await.map(|p| (p.items, p.next_cursor)) }
    });
    let units = resource(move || api::list_org_units(auth));
    let unit_list = Signal::derive(move || units.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default());
    // The dialog: `Some(None)` creates, `Some(Some(user))` edits.
    let editing = RwSignal::new(None::<Option<User>>);
    let saved = move || users.first.refetch();

    let role_options = move || {
        let chosen = filter.with(|f| f.role);
        Role::ALL
            .iter()
            .map(|r| view! { <option value=r.as_str() selected=chosen == Some(*r)>{locale.t(catalogue::role(*r))}</option> })
            .collect_view()
    };
    let rows = move || {
        let units = unit_list.get();
        users
            .items
            .get()
            .into_iter()
            .map(|u| {
                let unit = units.iter().find(|x| x.id == u.unit_id).map_or_else(|| u.unit_id.to_string(), |x| x.name.clone());
                let role = u.role;
                let active = u.active;
                let edit = u.clone();
                view! {
                    <tr data-testid="user-row" data-username=u.username.as_str().to_owned()>
                        <th scope="row" data-label=tr(catalogue::USERNAME)>{u.username.as_str().to_owned()}</th>
                        <td data-label=tr(catalogue::DISPLAY_NAME)>{u.display_name.clone()}</td>
                        <td data-label=tr(catalogue::ROLE)>{move || locale.t(catalogue::role(role))}</td>
                        <td data-label=tr(catalogue::SCOPE)>{unit}</td>
                        <td data-label=tr(catalogue::USER_STATUS) data-testid="user-active">
                            {move || locale.t(if active { catalogue::ACTIVE } else { catalogue::INACTIVE })}
                        </td>
                        <td>
                            <button type="button" class="secondary" data-testid="user-edit" on:click=move |_| editing.set(Some(Some(edit.clone())))>
                                {tr(catalogue::EDIT)}
                            </button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <AdminTabs />
        <section class="card card-wide" data-testid="users">
            <h1 class="card-title">{tr(catalogue::ADMIN_USERS)}</h1>
            <div class="filters">
                <label class="field">
                    <span class="field-label">{tr(catalogue::SEARCH_USERS)}</span>
                    <input type="search" data-testid="users-q" prop:value=move || filter.with(|f| f.q.clone()) on:change=move |ev| {
                        filter.update(|f| f.q = event_target_value(&ev));
                    } />
                </label>
                <label class="field">
                    <span class="field-label">{tr(catalogue::ROLE)}</span>
                    <select data-testid="users-role" on:change=move |ev| filter.update(|f| f.role = Role::parse(&event_target_value(&ev)).ok())>
                        <option value="">{tr(catalogue::ALL)}</option>
                        {role_options}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{tr(catalogue::USER_STATUS)}</span>
                    <select data-testid="users-active" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        filter.update(|f| f.active = (v != "all").then_some(v == "active"));
                    }>
                        <option value="active">{tr(catalogue::ACTIVE)}</option>
                        <option value="inactive">{tr(catalogue::INACTIVE)}</option>
                        <option value="all">{tr(catalogue::ALL)}</option>
                    </select>
                </label>
                <div class="filters-action">
                    <button type="button" class="primary" data-testid="user-new" on:click=move |_| editing.set(Some(None))>
                        {tr(catalogue::NEW_USER)}
                    </button>
                </div>
            </div>
            {users.loaded(move || {
                if users.items.with(Vec::is_empty) {
                    return view! { <Empty text=catalogue::NO_USERS testid="users-empty" /> }.into_any();
                }
                record_table("users-table", COLUMNS, rows).into_any()
            })}
            {users.more_button("users-more")}
        </section>
        {move || {
            editing
                .get()
                .map(|user| {
                    view! { <UserDialog user=user units=unit_list on_close=Callback::new(move |_| editing.set(None)) on_saved=Callback::new(move |_| saved()) /> }
                })
        }}
    }
}

/// What the form holds, as typed.
#[derive(Debug, Clone, Default)]
struct Draft {
    username: String,
    display_name: String,
    role: Option<Role>,
    unit_id: Option<i64>,
    rep_id: Option<i64>,
    dingtalk: String,
    password: String,
    active: bool,
}

impl Draft {
    fn of(user: &User) -> Draft {
        Draft {
            username: user.username.as_str().to_owned(),
            display_name: user.display_name.clone(),
            role: Some(user.role),
            unit_id: Some(user.unit_id),
            rep_id: user.rep_id,
            dingtalk: user.dingtalk_userid.clone().unwrap_or_default(),
            password: String::new(),
            active: user.active,
        }
    }
}

/// Why the form cannot be sent yet, per field, in the reader's words.
fn check(d: &Draft, creating: bool) -> Vec<(&'static str, crate::i18n::T)> {
    let mut out = Vec::new();
    if creating && Code::parse_exact(&d.username).is_err() {
        out.push(("username", catalogue::USERNAME_RULE));
    }
    if d.display_name.trim().is_empty() {
        out.push(("display_name", catalogue::REQUIRED));
    }
    if d.role.is_none() {
        out.push(("role", catalogue::REQUIRED));
    }
    if d.unit_id.is_none() {
        out.push(("unit_id", catalogue::REQUIRED));
    }
    if d.role == Some(Role::Rep) && d.rep_id.is_none() {
        out.push(("rep_id", catalogue::REP_REQUIRED));
    }
    let length = d.password.chars().count();
    if length > 0 && !(10..=128).contains(&length) {
        out.push(("password", catalogue::PASSWORD_RULE));
    }
    out
}

#[component]
fn UserDialog(user: Option<User>, units: Signal<Vec<OrgUnit>>, on_close: Callback<()>, on_saved: Callback<()>) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let toasts = Toasts::expect();
    let creating = user.is_none();
    let original = StoredValue::new(user.clone());
    let draft = RwSignal::new(user.as_ref().map_or_else(|| Draft { active: true, ..Draft::default() }, Draft::of));
    let error = RwSignal::new(None::<ApiError>);
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // The reps a rep user can be: the active reps of the chosen unit.
    let reps = resource(move || {
        let unit = draft.with(|d| d.unit_id);
        async move {
            match unit {
                Some(unit) => api::active_reps(auth, unit).await.map(|p| p.items),
                None => Ok(Vec::new()),
            }
        }
    });
    let problems = Memo::new(move |_| draft.with(|d| check(d, creating)));
    let checks = Checks { tried, problems };
    let save = move |_| {
        if !checks.pass() {
            return;
        }
        let d = draft.get_untracked();
        let password = (!d.password.is_empty()).then(|| Password(d.password.clone()));
        let dingtalk = (!d.dingtalk.trim().is_empty()).then(|| d.dingtalk.trim().to_owned());
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let done = match original.get_value() {
                None => {
                    let (Ok(username), Some(role), Some(unit_id)) = (Code::parse_exact(&d.username), d.role, d.unit_id) else {
                        busy.set(false);
                        return;
                    };
                    let new = NewUser {
                        username,
                        display_name: d.display_name.trim().to_owned(),
                        rep_id: d.rep_id.filter(|_| role == Role::Rep),
                        dingtalk_userid: dingtalk,
                        role,
                        unit_id,
                        password,
                    };
                    api::create_user(auth, &new).await.map(|_| catalogue::USER_CREATED)
                }
                Some(before) => {
                    let role = d.role.filter(|r| *r != before.role);
                    let rep_id = match d.role {
                        Some(Role::Rep) if d.rep_id != before.rep_id => Some(d.rep_id),
                        Some(r) if r != Role::Rep && before.rep_id.is_some() => Some(None),
                        _ => None,
                    };
                    let patch = UserPatch {
                        display_name: (d.display_name.trim() != before.display_name).then(|| d.display_name.trim().to_owned()),
                        rep_id,
                        dingtalk_userid: (dingtalk != before.dingtalk_userid).then_some(dingtalk),
                        role,
                        unit_id: d.unit_id.filter(|u| *u != before.unit_id),
                        password,
                        active: (d.active != before.active).then_some(d.active),
                    };
                    api::update_user(auth, before.id, &patch).await.map(|_| catalogue::USER_SAVED)
                }
            };
            busy.set(false);
            match done {
                Ok(words) => {
                    toasts.say(locale.t(words).to_owned());
                    on_saved.run(());
                    on_close.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let title = Signal::derive(move || {
        let words = if creating { catalogue::NEW_USER } else { catalogue::EDIT_USER };
        match original.with_value(|u| u.as_ref().map(|u| u.display_name.clone())) {
            Some(name) => format!("{} · {name}", locale.t(words)),
            None => locale.t(words).to_owned(),
        }
    });
    let unit_options = move || {
        let chosen = draft.with(|d| d.unit_id);
        units
            .get()
            .into_iter()
            .map(|u| {
                let indent = "\u{3000}".repeat(usize::try_from(u.depth).unwrap_or(0));
                view! { <option value=u.id.to_string() selected=chosen == Some(u.id)>{format!("{indent}{}", u.name)}</option> }
            })
            .collect_view()
    };
    let role_options = move || {
        let chosen = draft.with(|d| d.role);
        Role::ALL
            .iter()
            .map(|r| view! { <option value=r.as_str() selected=chosen == Some(*r)>{locale.t(catalogue::role(*r))}</option> })
            .collect_view()
    };
    let rep_options = move || {
        let chosen = draft.with(|d| d.rep_id);
        reps.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|r| {
            view! { <option value=r.id.to_string() selected=chosen == Some(r.id)>{format!("{} · {}", r.name, r.employee_no.as_str())}</option> }
        }).collect_view()
    };
    const SHOWN: &[&str] = &["username", "display_name", "role", "unit_id", "rep_id", "dingtalk_userid", "password", "active"];
    view! {
        <Dialog title=title testid="user-dialog" on_close=on_close>
            <form class="form" on:submit=move |ev| ev.prevent_default()>
                <label class="field">
                    <span>{tr(catalogue::USERNAME)}</span>
                    <input
                        type="text"
                        data-testid="user-username"
                        autocomplete="off"
                        disabled=!creating
                        aria-describedby="user-username-error"
                        prop:value=move || draft.with(|d| d.username.clone())
                        on:input=move |ev| draft.update(|d| d.username = event_target_value(&ev))
                    />
                </label>
                <FieldError error=error field="username" id="user-username-error".to_owned() checks=checks />
                <label class="field">
                    <span>{tr(catalogue::DISPLAY_NAME)}</span>
                    <input
                        type="text"
                        data-testid="user-display-name"
                        maxlength="100"
                        aria-describedby="user-display-name-error"
                        prop:value=move || draft.with(|d| d.display_name.clone())
                        on:input=move |ev| draft.update(|d| d.display_name = event_target_value(&ev))
                    />
                </label>
                <FieldError error=error field="display_name" id="user-display-name-error".to_owned() checks=checks />
                <label class="field">
                    <span>{tr(catalogue::ROLE)}</span>
                    <select data-testid="user-role" aria-describedby="user-role-error" on:change=move |ev| {
                        draft.update(|d| d.role = Role::parse(&event_target_value(&ev)).ok());
                    }>
                        <option value="" selected=move || draft.with(|d| d.role.is_none())>{tr(catalogue::CHOOSE)}</option>
                        {role_options}
                    </select>
                </label>
                <FieldError error=error field="role" id="user-role-error".to_owned() checks=checks />
                <label class="field">
                    <span>{tr(catalogue::SCOPE)}</span>
                    <select data-testid="user-unit" aria-describedby="user-unit-error" on:change=move |ev| {
                        draft.update(|d| {
                            d.unit_id = event_target_value(&ev).parse().ok();
                            d.rep_id = None;
                        });
                    }>
                        <option value="" selected=move || draft.with(|d| d.unit_id.is_none())>{tr(catalogue::CHOOSE)}</option>
                        {unit_options}
                    </select>
                </label>
                <p class="hint">{tr(catalogue::SCOPE_HINT)}</p>
                <FieldError error=error field="unit_id" id="user-unit-error".to_owned() checks=checks />
                <Show when=move || draft.with(|d| d.role == Some(Role::Rep))>
                    <label class="field">
                        <span>{tr(catalogue::USER_REP)}</span>
                        <select data-testid="user-rep" aria-describedby="user-rep-error" on:change=move |ev| {
                            draft.update(|d| d.rep_id = event_target_value(&ev).parse().ok());
                        }>
                            <option value="" selected=move || draft.with(|d| d.rep_id.is_none())>{tr(catalogue::CHOOSE)}</option>
                            {rep_options}
                        </select>
                    </label>
                    <FieldError error=error field="rep_id" id="user-rep-error".to_owned() checks=checks />
                </Show>
                <label class="field">
                    <span>{tr(catalogue::DINGTALK_ID)}</span>
                    <input
                        type="text"
                        data-testid="user-dingtalk"
                        maxlength="64"
                        aria-describedby="user-dingtalk-error"
                        prop:value=move || draft.with(|d| d.dingtalk.clone())
                        on:input=move |ev| draft.update(|d| d.dingtalk = event_target_value(&ev))
                    />
                </label>
                <FieldError error=error field="dingtalk_userid" id="user-dingtalk-error".to_owned() />
                <label class="field">
                    <span>{tr(if creating { catalogue::PASSWORD_NEW_USER } else { catalogue::PASSWORD_RESET })}</span>
                    <input
                        type="password"
                        data-testid="user-password"
                        autocomplete="new-password"
                        maxlength="128"
                        aria-describedby="user-password-hint user-password-error"
                        prop:value=move || draft.with(|d| d.password.clone())
                        on:input=move |ev| draft.update(|d| d.password = event_target_value(&ev))
                    />
                </label>
                <p class="hint" id="user-password-hint">{tr(catalogue::PASSWORD_HINT)}</p>
                <FieldError error=error field="password" id="user-password-error".to_owned() checks=checks />
                <Show when=move || !creating>
                    <label class="check-field">
                        <input
                            type="checkbox"
                            data-testid="user-active-toggle"
                            aria-describedby="user-active-error"
                            prop:checked=move || draft.with(|d| d.active)
                            on:change=move |ev| draft.update(|d| d.active = event_target_checked(&ev))
                        />
                        <span>{tr(catalogue::USER_CAN_SIGN_IN)}</span>
                    </label>
                    <FieldError error=error field="active" id="user-active-error".to_owned() />
                </Show>
                <FormError error=error shown=SHOWN testid="user-error" />
                <div class="actions">
                    <button type="submit" class="primary" data-testid="user-save" disabled=move || busy.get() on:click=save>
                        {move || locale.t(if busy.get() { catalogue::SAVING } else { catalogue::SAVE })}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}
