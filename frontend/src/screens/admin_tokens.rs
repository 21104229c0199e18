//! API 令牌: long-lived tokens for other systems (SAP, Salesforce…). The
//! list, revoked ones included; issuing one, whose secret is shown once in
//! a dialog with a copy button; revoking one after a confirmation. Needs
//! `api_tokens.write`; the server refuses a role holding permissions the
//! issuer lacks (403) and names refused values (422), shown on their field.

use std::collections::HashMap;

use cascade_api_types::{ApiToken, IssuedApiToken, NewApiToken, OrgUnit};
use cascade_core::access::{Permission, Role};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::company::CompanyInfo;
use crate::i18n::{tr, Locale, T};
use crate::screens::admin::AdminTabs;
use crate::session::Auth;
use crate::widgets::dialog::Dialog;
use crate::widgets::state::{loaded, resource, Empty};
use crate::widgets::toast::Toasts;
use crate::{catalogue, display};

/// The fields of the form the server may name in a refusal.
const FIELDS: [&str; 4] = ["name", "role", "unit_id", "expires_on"];

/// Where a token stands, said in words (the colour only repeats it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
}

impl TokenState {
    /// `today` is the company's: a token works through its last day there,
    /// as the server checks it.
    pub fn of(token: &ApiToken, today: Option<NaiveDate>) -> TokenState {
        if token.revoked_at.is_some() {
            TokenState::Revoked
        } else if token.expires_on.zip(today).is_some_and(|(last, today)| last < today) {
            TokenState::Expired
        } else {
            TokenState::Active
        }
    }

    fn words(self) -> T {
        match self {
            TokenState::Active => catalogue::TOKEN_ACTIVE,
            TokenState::Expired => catalogue::TOKEN_EXPIRED,
            TokenState::Revoked => catalogue::TOKEN_REVOKED,
        }
    }

    fn key(self) -> &'static str {
        match self {
            TokenState::Active => "active",
            TokenState::Expired => "expired",
            TokenState::Revoked => "revoked",
        }
    }
}

/// What the form holds that cannot be sent, field by field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Problems {
    pub name: Option<T>,
    pub role: Option<T>,
    pub unit: Option<T>,
    pub expires: Option<T>,
}

/// The request the form's values make, or why they do not make one. The
/// server checks the name's length and characters itself (its refusal is
/// shown on the field); here only what needs no round trip.
pub fn check(
    name: &str,
    role: Option<Role>,
    unit: Option<i64>,
    expires: &str,
    today: Option<NaiveDate>,
) -> Result<NewApiToken, Box<Problems>> {
    let mut problems = Problems::default();
    if name.trim().is_empty() {
        problems.name = Some(catalogue::NAME_REQUIRED);
    }
    if role.is_none() {
        problems.role = Some(catalogue::ROLE_REQUIRED);
    }
    if unit.is_none() {
        problems.unit = Some(catalogue::UNIT_REQUIRED);
    }
    let expires_on = match expires.trim() {
        "" => None,
        text => match display::day(text) {
            Some(day) if today.is_some_and(|today| day < today) => {
                problems.expires = Some(catalogue::EXPIRES_PAST);
                None
            }
            Some(day) => Some(day),
            None => {
                problems.expires = Some(catalogue::DATE_INVALID);
                None
            }
        },
    };
    match (role, unit) {
        (Some(role), Some(unit_id)) if problems == Problems::default() => {
            Ok(NewApiToken { name: name.trim().to_owned(), role, unit_id, expires_on })
        }
        _ => Err(Box::new(problems)),
    }
}

/// The server's 403 for a role holding a permission the issuer lacks: its
/// detail names the field (`role: you cannot grant …`).
pub fn role_refusal(error: &ApiError) -> Option<String> {
    match error {
        ApiError::Status { status: 403, detail: Some(detail), .. } => {
            detail.strip_prefix("role:").map(|rest| rest.trim().to_owned())
        }
        _ => None,
    }
}

#[component]
pub fn ApiTokens() -> impl IntoView {
    let auth = Auth::expect();
    let allowed = move || auth.me().is_some_and(|me| me.permissions.contains(&Permission::ApiTokensWrite));
    view! {
        <AdminTabs />
        <section class="card card-wide admin" data-testid="api-tokens">
            <h1 class="card-title">{tr(catalogue::API_TOKENS_TITLE)}</h1>
            <p class="hint">{tr(catalogue::API_TOKENS_HINT)}</p>
            <Show when=allowed fallback=|| view! { <Empty text=catalogue::NOT_ALLOWED_HERE testid="not-allowed" /> }>
                <Tokens />
            </Show>
        </section>
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let auth = Auth::expect();
    let tokens = resource(move || api::list_api_tokens(auth));
    let units = resource(move || api::list_org_units(auth));
    let unit_list = Signal::derive(move || units.get().and_then(Result::ok).map(|p| p.items).unwrap_or_default());
    let unit_names = Memo::new(move |_| unit_list.with(|u| u.iter().map(|u| (u.id, u.name.clone())).collect::<HashMap<_, _>>()));
    let issued = RwSignal::new(None::<IssuedApiToken>);
    let revoking = RwSignal::new(None::<ApiToken>);
    let on_issued = Callback::new(move |token: IssuedApiToken| {
        issued.set(Some(token));
        tokens.refetch();
    });
    let on_revoked = Callback::new(move |()| {
        revoking.set(None);
        tokens.refetch();
    });
    view! {
        <IssueForm units=unit_list on_issued=on_issued />
        <h2 class="admin-section">{tr(catalogue::ISSUED_TOKENS)}</h2>
        {loaded(tokens, move |list| token_table(list, unit_names, revoking).into_any())}
        {move || {
            issued
                .get()
                .map(|token| view! { <ShownOnce issued=token on_close=Callback::new(move |()| issued.set(None)) /> })
        }}
        {move || {
            revoking
                .get()
                .map(|token| {
                    view! {
                        <ConfirmRevoke token=token on_cancel=Callback::new(move |()| revoking.set(None)) on_revoked=on_revoked />
                    }
                })
        }}
    }
}

#[component]
fn IssueForm(#[prop(into)] units: Signal<Vec<OrgUnit>>, on_issued: Callback<IssuedApiToken>) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let company = CompanyInfo::expect();
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(None::<Role>);
    let unit = RwSignal::new(None::<i64>);
    let expires = RwSignal::new(String::new());
    // Local problems show once a submit was tried, not while typing.
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let checked = Memo::new(move |_| check(&name.get(), role.get(), unit.get(), &expires.get(), company.today()));
    // A field's message: what is wrong here, else the server's refusal.
    let message = move |local: fn(&Problems) -> Option<T>, field: &'static str| {
        move || {
            let here = tried.get().then(|| checked.with(|c| c.as_ref().err().and_then(|p| local(p)))).flatten();
            here.map(|t| locale.t(t).to_owned()).or_else(|| {
                error.with(|e| {
                    let e = e.as_ref()?;
                    e.field_reason(field).or_else(|| {
                        (field == "role").then(|| role_refusal(e)).flatten().map(|d| catalogue::cannot_grant(&d, locale.lang()))
                    })
                })
            })
        }
    };
    let name_error = message(|p| p.name, "name");
    let role_error = message(|p| p.role, "role");
    let unit_error = message(|p| p.unit, "unit_id");
    let expires_error = message(|p| p.expires, "expires_on");
    let general = move || {
        error.with(|e| match e {
            Some(e) if !e.only_fields(&FIELDS) && role_refusal(e).is_none() => Some(catalogue::api_error(e, locale.lang())),
            _ => None,
        })
    };
    let edited = move || error.set(None);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        tried.set(true);
        let Ok(new) = checked.get_untracked() else { return };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::issue_api_token(auth, &new).await;
            busy.set(false);
            match result {
                Ok(token) => {
                    name.set(String::new());
                    role.set(None);
                    unit.set(None);
                    expires.set(String::new());
                    tried.set(false);
                    on_issued.run(token);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let role_options = Role::ALL
        .iter()
        .map(|r| {
            let r = *r;
            view! { <option value=r.as_str() prop:selected=move || role.get() == Some(r)>{move || locale.t(catalogue::role(r))}</option> }
        })
        .collect_view();
    let unit_options = move || {
        units
            .get()
            .into_iter()
            .map(|u| {
                let indent = "\u{3000}".repeat(usize::try_from(u.depth).unwrap_or(0));
                let id = u.id;
                view! { <option value=id.to_string() prop:selected=move || unit.get() == Some(id)>{format!("{indent}{}", u.name)}</option> }
            })
            .collect_view()
    };
    let invalid = |message: &dyn Fn() -> Option<String>| message().is_some().to_string();
    view! {
        <h2 class="admin-section">{tr(catalogue::ISSUE_TOKEN)}</h2>
        <form class="admin-form" data-testid="token-form" on:submit=submit novalidate>
            <label class="field">
                <span class="field-label">{tr(catalogue::TOKEN_NAME)}</span>
                <input
                    type="text"
                    data-testid="token-name"
                    autocomplete="off"
                    prop:value=move || name.get()
                    aria-invalid=move || invalid(&name_error)
                    aria-describedby="token-name-error"
                    disabled=move || busy.get()
                    on:input=move |ev| {
                        name.set(event_target_value(&ev));
                        edited();
                    }
                />
                <span class="field-error" id="token-name-error" role="alert" data-testid="token-name-error">{name_error}</span>
            </label>
            {choice(
                catalogue::ROLE,
                "token-role",
                role_error,
                busy,
                move || role.get().is_none(),
                role_options,
                move |value| {
                    role.set(Role::parse(&value).ok());
                    edited();
                },
            )}
            {choice(
                catalogue::UNIT,
                "token-unit",
                unit_error,
                busy,
                move || unit.get().is_none(),
                unit_options,
                move |value| {
                    unit.set(value.parse().ok());
                    edited();
                },
            )}
            <label class="field">
                <span class="field-label">{tr(catalogue::EXPIRES_ON)}</span>
                <input
                    type="date"
                    data-testid="token-expires"
                    min=move || company.today().map(|d| d.to_string())
                    prop:value=move || expires.get()
                    aria-invalid=move || invalid(&expires_error)
                    aria-describedby="token-expires-hint token-expires-error"
                    disabled=move || busy.get()
                    on:input=move |ev| {
                        expires.set(event_target_value(&ev));
                        edited();
                    }
                />
                <span class="hint" id="token-expires-hint">{tr(catalogue::EXPIRES_HINT)}</span>
                <span class="field-error" id="token-expires-error" role="alert" data-testid="token-expires-error">
                    {expires_error}
                </span>
            </label>
            <p class="form-error" role="alert" data-testid="token-error">{general}</p>
            <div class="actions">
                <button type="submit" class="primary" data-testid="token-issue" disabled=move || busy.get()>
                    {move || locale.t(if busy.get() { catalogue::ISSUING } else { catalogue::ISSUE })}
                </button>
            </div>
        </form>
    }
}

/// A select of the form with its label and, beside it, why its value
/// cannot be sent (`{testid}-error`).
fn choice(
    label: T,
    testid: &'static str,
    error: impl Fn() -> Option<String> + Copy + Send + Sync + 'static,
    busy: RwSignal<bool>,
    none_chosen: impl Fn() -> bool + Send + Sync + 'static,
    options: impl IntoView + 'static,
    on_change: impl Fn(String) + 'static,
) -> impl IntoView {
    let error_id = format!("{testid}-error");
    view! {
        <label class="field">
            <span class="field-label">{tr(label)}</span>
            <select
                data-testid=testid
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=error_id.clone()
                disabled=move || busy.get()
                on:change=move |ev| on_change(event_target_value(&ev))
            >
                <option value="" prop:selected=none_chosen>{tr(catalogue::CHOOSE)}</option>
                {options}
            </select>
            <span class="field-error" id=error_id.clone() role="alert" data-testid=error_id>{error}</span>
        </label>
    }
}

fn token_table(tokens: Vec<ApiToken>, units: Memo<HashMap<i64, String>>, revoking: RwSignal<Option<ApiToken>>) -> AnyView {
    if tokens.is_empty() {
        return view! { <Empty text=catalogue::NO_TOKENS testid="tokens-empty" /> }.into_any();
    }
    let rows = tokens.into_iter().map(|t| token_row(t, units, revoking)).collect_view();
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="data stack-on-phone" data-testid="tokens">
                <thead>
                    <tr>
                        <th scope="col">{tr(catalogue::NAME)}</th>
                        <th scope="col">{tr(catalogue::PREFIX)}</th>
                        <th scope="col">{tr(catalogue::ROLE)}</th>
                        <th scope="col">{tr(catalogue::UNIT)}</th>
                        <th scope="col">{tr(catalogue::CREATED)}</th>
                        <th scope="col">{tr(catalogue::LAST_USED)}</th>
                        <th scope="col">{tr(catalogue::EXPIRES)}</th>
                        <th scope="col">{tr(catalogue::STATUS)}</th>
                        <th scope="col">{tr(catalogue::MANAGE)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A moment in the company's time zone, following the language.
fn at(millis: i64) -> impl Fn() -> String + Send + Sync + 'static {
    let company = CompanyInfo::expect();
    let locale = Locale::expect();
    move || company.time_zone().map(|tz| display::moment(millis, &tz, locale.lang())).unwrap_or_default()
}

fn token_row(token: ApiToken, units: Memo<HashMap<i64, String>>, revoking: RwSignal<Option<ApiToken>>) -> impl IntoView {
    let locale = Locale::expect();
    let company = CompanyInfo::expect();
    let role = token.role;
    let unit_id = token.unit_id;
    let unit = move || units.with(|u| u.get(&unit_id).cloned()).unwrap_or_else(|| format!("#{unit_id}"));
    let last_used = token.last_used_at.map(|t| at(t.timestamp_millis()));
    let last_used = move || last_used.as_ref().map_or_else(|| locale.t(catalogue::NEVER_USED).to_owned(), |f| f());
    let expires = token.expires_on.map(|d| d.to_string());
    let expires = move || expires.clone().unwrap_or_else(|| locale.t(catalogue::NO_EXPIRY).to_owned());
    let state_of = token.clone();
    let state = Memo::new(move |_| TokenState::of(&state_of, company.today()));
    let revoked_at = token.revoked_at.map(|t| at(t.timestamp_millis()));
    let name = token.name.clone();
    let button_name = move || catalogue::revoke_title(&name, locale.lang());
    let for_dialog = token.clone();
    view! {
        <tr data-testid="token-row" data-token-id=token.id data-state=move || state.get().key()>
            <th scope="row" data-label=tr(catalogue::NAME) class="wrap" data-testid="token-name-cell">{token.name.clone()}</th>
            <td data-label=tr(catalogue::PREFIX)><code data-testid="token-prefix">{token.prefix.clone()}</code></td>
            <td data-label=tr(catalogue::ROLE) data-testid="token-role-cell" data-role=role.as_str()>
                {move || locale.t(catalogue::role(role))}
            </td>
            <td data-label=tr(catalogue::UNIT) data-testid="token-unit-cell">{unit}</td>
            <td data-label=tr(catalogue::CREATED) data-testid="token-created">{at(token.created_at.timestamp_millis())}</td>
            <td data-label=tr(catalogue::LAST_USED) data-testid="token-last-used">{last_used}</td>
            <td data-label=tr(catalogue::EXPIRES) data-testid="token-expires-cell">{expires}</td>
            <td data-label=tr(catalogue::STATUS)>
                <span class=move || format!("token-state token-{}", state.get().key()) data-testid="token-state">
                    {move || locale.t(state.get().words())}
                </span>
                {revoked_at.map(|f| view! { <span class="token-revoked-at" data-testid="token-revoked-at">{f}</span> })}
            </td>
            <td data-label=tr(catalogue::MANAGE)>
                {if state.get_untracked() == TokenState::Revoked {
                    display::MISSING.into_any()
                } else {
                    view! {
                        <button
                            type="button"
                            class="line-action danger"
                            data-testid="token-revoke"
                            aria-label=button_name
                            on:click=move |_| revoking.set(Some(for_dialog.clone()))
                        >
                            {tr(catalogue::REVOKE)}
                        </button>
                    }
                        .into_any()
                }}
            </td>
        </tr>
    }
}

/// The issued token, this once: copy it, or select it by hand.
#[component]
fn ShownOnce(issued: IssuedApiToken, on_close: Callback<()>) -> impl IntoView {
    let locale = Locale::expect();
    let IssuedApiToken { token, api_token } = issued;
    let title = Signal::derive(move || locale.t(catalogue::TOKEN_ISSUED).to_owned());
    let copied = RwSignal::new(None::<bool>);
    let secret = StoredValue::new(token);
    let copy = move |_| {
        spawn_local(async move {
            let ok = copy_text(&secret.get_value()).await;
            copied.set(Some(ok));
        });
    };
    let said = move || match copied.get() {
        Some(true) => Some(locale.t(catalogue::COPIED_HINT)),
        Some(false) => Some(locale.t(catalogue::COPY_FAILED)),
        None => None,
    };
    let role = api_token.role;
    view! {
        <Dialog title=title testid="token-dialog" on_close=on_close>
            <div class="token-once" data-token-id=api_token.id>
                <p class="notice notice-warn" data-testid="token-once">
                    <span aria-hidden="true">"⚠ "</span>
                    {tr(catalogue::TOKEN_ONCE)}
                </p>
                <p class="field-label">{tr(catalogue::TOKEN)}</p>
                <p class="token-value">
                    <code data-testid="token-value">{secret.get_value()}</code>
                </p>
                <p class="hint">
                    {api_token.name.clone()} " · " {move || locale.t(catalogue::role(role))} " · " <code>{api_token.prefix.clone()}</code>
                </p>
                <p class="token-copied" role="status" data-testid="token-copied">{said}</p>
                <div class="actions">
                    <button type="button" class="primary" data-testid="token-copy" data-copied=move || copied.get() == Some(true) on:click=copy>
                        <span aria-hidden="true">{move || if copied.get() == Some(true) { "✓ " } else { "" }}</span>
                        {move || locale.t(if copied.get() == Some(true) { catalogue::COPIED } else { catalogue::COPY_TOKEN })}
                    </button>
                    // A button of a `method="dialog"` form closes the dialog
                    // natively: the close event unmounts it, and focus goes
                    // back to where it was.
                    <form method="dialog" class="dialog-form">
                        <button type="submit" data-testid="token-done">{tr(catalogue::SAVED_IT)}</button>
                    </form>
                </div>
            </div>
        </Dialog>
    }
}

/// Writes `text` to the clipboard; false where the browser has none here
/// (an insecure page) or refuses.
async fn copy_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    let navigator = window.navigator();
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else { return false };
    let Ok(clipboard) = clipboard.dyn_into::<web_sys::Clipboard>() else { return false };
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

#[component]
fn ConfirmRevoke(token: ApiToken, on_cancel: Callback<()>, on_revoked: Callback<()>) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let toasts = Toasts::expect();
    let name = StoredValue::new(token.name.clone());
    let title = Signal::derive(move || catalogue::revoke_title(&name.get_value(), locale.lang()));
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let id = token.id;
    let revoke = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::revoke_api_token(auth, id).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    toasts.say(catalogue::revoked(&name.get_value(), locale.lang()));
                    on_revoked.run(());
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let general = move || error.with(|e| e.as_ref().map(|e| catalogue::api_error(e, locale.lang())));
    view! {
        <Dialog title=title testid="revoke-dialog" on_close=on_cancel>
            <p class="notice notice-warn">
                <span aria-hidden="true">"⚠ "</span>
                {tr(catalogue::REVOKE_WARNING)}
            </p>
            <dl class="facts">
                <div class="fact">
                    <dt>{tr(catalogue::NAME)}</dt>
                    <dd>{token.name.clone()}</dd>
                </div>
                <div class="fact">
                    <dt>{tr(catalogue::PREFIX)}</dt>
                    <dd><code>{token.prefix.clone()}</code></dd>
                </div>
            </dl>
            <p class="form-error" role="alert" data-testid="revoke-error">{general}</p>
            <div class="actions">
                <button type="button" class="primary danger" data-testid="revoke-confirm" disabled=move || busy.get() on:click=revoke>
                    {move || locale.t(if busy.get() { catalogue::REVOKING } else { catalogue::REVOKE })}
                </button>
                <form method="dialog" class="dialog-form">
                    <button type="submit" data-testid="revoke-cancel">{tr(catalogue::CANCEL)}</button>
                </form>
            </div>
        </Dialog>
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn token(expires_on: Option<NaiveDate>, revoked: bool) -> ApiToken {
        let at = Utc.with_ymd_and_hms(2026, 5, 1, 8, 0, 0).unwrap();
        ApiToken {
            id: 7,
            name: "SAP 销售数据同步".into(),
            prefix: "cas_AbCdEf".into(),
            role: Role::ProvinceManager,
            unit_id: 12,
            created_by: 3,
            created_at: at,
            expires_on,
            revoked_at: revoked.then_some(at),
            last_used_at: None,
        }
    }

    fn day(text: &str) -> NaiveDate {
        display::day(text).unwrap()
    }

    #[test]
    fn a_token_works_through_its_last_day_until_revoked() {
        let today = Some(day("2026-05-10"));
        assert_eq!(TokenState::of(&token(None, false), today), TokenState::Active);
        assert_eq!(TokenState::of(&token(Some(day("2026-05-10")), false), today), TokenState::Active);
        assert_eq!(TokenState::of(&token(Some(day("2026-05-09")), false), today), TokenState::Expired);
        assert_eq!(TokenState::of(&token(Some(day("2026-05-09")), true), today), TokenState::Revoked);
        // Before the company's day is known, nothing reads as expired.
        assert_eq!(TokenState::of(&token(Some(day("2000-01-01")), false), None), TokenState::Active);
    }

    #[test]
    fn the_form_makes_a_request_or_says_what_is_missing() {
        let today = Some(day("2026-05-10"));
        let made = check("  SAP 同步 ", Some(Role::Hq), Some(1), "", today).unwrap();
        assert_eq!(made, NewApiToken { name: "SAP 同步".into(), role: Role::Hq, unit_id: 1, expires_on: None });
        let made = check("x", Some(Role::Rep), Some(4), "2026-05-10", today).unwrap();
        assert_eq!(made.expires_on, Some(day("2026-05-10")));
        let missing = check(" ", None, None, "", today).unwrap_err();
        assert_eq!(missing.name, Some(catalogue::NAME_REQUIRED));
        assert_eq!(missing.role, Some(catalogue::ROLE_REQUIRED));
        assert_eq!(missing.unit, Some(catalogue::UNIT_REQUIRED));
        assert_eq!(missing.expires, None);
        let past = check("x", Some(Role::Rep), Some(4), "2026-05-09", today).unwrap_err();
        assert_eq!(*past, Problems { expires: Some(catalogue::EXPIRES_PAST), ..Problems::default() });
        let bad = check("x", Some(Role::Rep), Some(4), "10/05/2026", today).unwrap_err();
        assert_eq!(bad.expires, Some(catalogue::DATE_INVALID));
    }

    #[test]
    fn only_a_refused_role_is_read_as_one() {
        let status = |status, detail: &str| ApiError::Status {
            method: "POST",
            path: api::API_TOKENS_PATH,
            status,
            message: String::new(),
            detail: Some(detail.to_owned()),
            retry_after: None,
            fields: Vec::new(),
        };
        assert_eq!(
            role_refusal(&status(403, "role: you cannot grant audit.read, which you do not hold")).as_deref(),
            Some("you cannot grant audit.read, which you do not hold")
        );
        assert_eq!(role_refusal(&status(403, "an API token cannot issue API tokens")), None);
        assert_eq!(role_refusal(&status(422, "role: whatever")), None);
    }
}
