//! 审计日志: every sign-in attempt and every write, newest first, with who,
//! when (in the company's time zone), from where, and the before and after
//! of a change field by field. The filters live in the address
//! (`/admin/audit?action=create&entity=api_token&since=2026-05-01`) so a
//! filtered view survives a reload and back; the days are the company's,
//! turned into instants for the server. Needs `audit.read`.

use std::collections::HashMap;

use cascade_api_types::{AuditEntry, User};
use cascade_core::access::{Permission, Role};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde_json::Value;

use crate::api::{self, url_component, ApiError, AuditQuery};
use crate::company::CompanyInfo;
use crate::display::MISSING;
use crate::i18n::{tr, Locale, T};
use crate::screens::admin::AdminTabs;
use crate::session::Auth;
use crate::widgets::state::{loaded, resource, Empty, Loading};
use crate::{catalogue, display};

/// The actions the server records (`grep 'audit(' crates/cascade-server`),
/// offered as a filter; one in the address but not here is offered too.
pub const ACTIONS: &[&str] = &[
    "login",
    "login_failed",
    "refresh_reused",
    "create",
    "update",
    "delete",
    "import",
    "revoke",
    "generate",
    "adjust",
    "rebalance",
    "submit",
    "approve",
    "return",
    "calibrate",
    "relief",
    "upload",
    "answer",
];

/// The kinds of object the server records entries about.
pub const ENTITIES: &[&str] = &[
    "session",
    "api_token",
    "role_permissions",
    "user",
    "org_unit",
    "rep",
    "customer",
    "opportunity",
    "visit",
    "sales_record",
    "product_line",
    "custom_field",
    "plan",
    "plan_line",
    "plan_evidence",
    "import_job",
    "fairness",
];

const HOME: &str = "/admin/audit";

/// The filters as the address holds them: days, not instants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub actor: Option<i64>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub since: Option<NaiveDate>,
    /// Inclusive: the whole day.
    pub until: Option<NaiveDate>,
}

impl Filters {
    /// Reads the address's query; what does not parse is no filter.
    pub fn read(get: impl Fn(&str) -> Option<String>) -> Filters {
        let text = |key: &str| get(key).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Filters {
            actor: text("actor").and_then(|v| v.parse().ok()),
            action: text("action"),
            entity: text("entity"),
            entity_id: text("entity_id"),
            since: text("since").as_deref().and_then(display::day),
            until: text("until").as_deref().and_then(display::day),
        }
    }

    /// The address of the log with these filters.
    pub fn href(&self) -> String {
        let mut parts = Vec::new();
        if let Some(actor) = self.actor {
            parts.push(format!("actor={actor}"));
        }
        for (key, value) in [("action", &self.action), ("entity", &self.entity), ("entity_id", &self.entity_id)] {
            if let Some(value) = value {
                parts.push(format!("{key}={}", url_component(value)));
            }
        }
        for (key, value) in [("since", self.since), ("until", self.until)] {
            if let Some(value) = value {
                parts.push(format!("{key}={value}"));
            }
        }
        if parts.is_empty() {
            HOME.to_owned()
        } else {
            format!("{HOME}?{}", parts.join("&"))
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    /// The server's query: the days from the start of `since` to the end of
    /// `until` in the zone whose UTC offset at an instant `offset` gives (in
    /// minutes); `None` when a day cannot be placed.
    pub fn query(&self, offset: impl Fn(DateTime<Utc>) -> Option<i32>) -> Option<AuditQuery> {
        let since = match self.since {
            Some(d) => Some(start_of_day(d, &offset)?),
            None => None,
        };
        let until = match self.until {
            Some(d) => Some(start_of_day(d.succ_opt()?, &offset)?),
            None => None,
        };
        Some(AuditQuery {
            actor_user_id: self.actor,
            action: self.action.clone(),
            entity: self.entity.clone(),
            entity_id: self.entity_id.clone(),
            since,
            until,
        })
    }
}

/// The instant a day begins in a zone, given its UTC offset (minutes) at
/// any instant: the offset is read at the guess and read again, so a day
/// beginning just after a clock change lands right.
pub fn start_of_day(day: NaiveDate, offset: impl Fn(DateTime<Utc>) -> Option<i32>) -> Option<DateTime<Utc>> {
    let midnight = day.and_hms_opt(0, 0, 0)?.and_utc();
    let first = offset(midnight)?;
    let guess = midnight - Duration::minutes(i64::from(first));
    let second = offset(guess)?;
    Some(if second == first { guess } else { midnight - Duration::minutes(i64::from(second)) })
}

/// The offset at the end of a date written with `timeZoneName: longOffset`
/// ("5/1/2026, 8:00:00 AM GMT+08:00" → 480, "… GMT" → 0), in minutes.
pub fn gmt_offset(text: &str) -> Option<i32> {
    let (_, tail) = text.rsplit_once("GMT")?;
    let tail = tail.trim();
    if tail.is_empty() {
        return Some(0);
    }
    let (sign, rest) = if let Some(rest) = tail.strip_prefix('+') {
        (1, rest)
    } else if let Some(rest) = tail.strip_prefix('-').or_else(|| tail.strip_prefix('\u{2212}')) {
        (-1, rest)
    } else {
        return None;
    };
    let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "0"));
    Some(sign * (hours.parse::<i32>().ok()? * 60 + minutes.parse::<i32>().ok()?))
}

/// The UTC offset of `time_zone` at `at`, from the browser's `Intl`.
fn browser_offset(at: DateTime<Utc>, time_zone: &str) -> Option<i32> {
    let options = js_sys::Object::new();
    for (key, value) in [("timeZone", time_zone), ("timeZoneName", "longOffset")] {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    // Milliseconds since 1970 are exact in an f64.
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at.timestamp_millis() as f64));
    gmt_offset(&String::from(date.to_locale_string("en-US", &options)))
}

/// One field of a change: its name (none for a single value), before, after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub key: Option<String>,
    pub before: String,
    pub after: String,
}

/// A value as it reads in the table: text as itself, nothing as a dash,
/// anything else as compact JSON.
pub fn shown(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => MISSING.to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// What an entry changed: for two objects the fields that differ; for a
/// creation or a deletion every field of the one there is; otherwise the
/// value itself.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<Change> {
    let field =
        |key: &str, b: Option<&Value>, a: Option<&Value>| Change { key: Some(key.to_owned()), before: shown(b), after: shown(a) };
    match (before, after) {
        (None, None) => Vec::new(),
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let mut keys: Vec<&String> = a.keys().collect();
            keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
            keys.into_iter().filter(|k| b.get(*k) != a.get(*k)).map(|k| field(k, b.get(k), a.get(k))).collect()
        }
        (Some(Value::Object(b)), None) => b.iter().map(|(k, v)| field(k, Some(v), None)).collect(),
        (None, Some(Value::Object(a))) => a.iter().map(|(k, v)| field(k, None, Some(v))).collect(),
        (b, a) => vec![Change { key: None, before: shown(b), after: shown(a) }],
    }
}

#[component]
pub fn AuditLog() -> impl IntoView {
    let auth = Auth::expect();
    let allowed = move || auth.me().is_some_and(|me| me.permissions.contains(&Permission::AuditRead));
    view! {
        <AdminTabs />
        <section class="card card-wide admin" data-testid="audit">
            <h1 class="card-title">{tr(catalogue::AUDIT_TITLE)}</h1>
            <p class="hint">{tr(catalogue::AUDIT_HINT)}</p>
            <Show when=allowed fallback=|| view! { <Empty text=catalogue::NOT_ALLOWED_HERE testid="not-allowed" /> }>
                <Log />
            </Show>
        </section>
    }
}

/// Pages loaded by "more" after the first, for the filters they were
/// asked with.
#[derive(Clone)]
struct More {
    filters: Filters,
    items: Vec<AuditEntry>,
    next: Option<String>,
}

#[component]
fn Log() -> impl IntoView {
    let auth = Auth::expect();
    let company = CompanyInfo::expect();
    let locale = Locale::expect();
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(|q| Filters::read(|key| q.get(key))));
    let users = resource(move || api::all_users(auth));
    let people = Memo::new(move |_| {
        users.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|u| (u.id, u)).collect::<HashMap<i64, User>>()
    });
    // The server's query for the filters: the days need the company's time
    // zone, so until it is known a filter with days waits (`None`).
    let server_query = move || {
        let filters = filters.get();
        match company.time_zone() {
            Some(tz) => filters.query(|at| browser_offset(at, &tz)),
            None if filters.since.is_none() && filters.until.is_none() => filters.query(|_| Some(0)),
            None => None,
        }
    };
    let first = resource(move || {
        let asked = server_query();
        async move {
            match asked {
                Some(q) => api::list_audit(auth, &q, None).await.map(Some),
                None => Ok(None),
            }
        }
    });
    let more = RwSignal::new(None::<More>);
    let more_busy = RwSignal::new(false);
    let more_error = RwSignal::new(None::<ApiError>);
    // Other filters, other pages.
    Effect::new(move |_| {
        filters.track();
        more.set(None);
        more_error.set(None);
    });
    let first_page = move || first.get().and_then(Result::ok).flatten();
    let entries = Memo::new(move |_| {
        let mut all = first_page().map(|p| p.items).unwrap_or_default();
        more.with(|m| {
            if let Some(m) = m.as_ref().filter(|m| m.filters == filters.get()) {
                all.extend(m.items.iter().cloned());
            }
        });
        all
    });
    let next = move || match more.with(|m| m.as_ref().filter(|m| m.filters == filters.get()).map(|m| m.next.clone())) {
        Some(next) => next,
        None => first_page().and_then(|p| p.next_cursor),
    };
    let load_more = move |_| {
        let Some(cursor) = next() else { return };
        let Some(asked) = server_query() else { return };
        let for_filters = filters.get_untracked();
        more_busy.set(true);
        more_error.set(None);
        spawn_local(async move {
            let result = api::list_audit(auth, &asked, Some(&cursor)).await;
            more_busy.set(false);
            if filters.get_untracked() != for_filters {
                return;
            }
            match result {
                Ok(page) => more.update(|m| {
                    if let Some(m) = m.as_mut().filter(|m| m.filters == for_filters) {
                        m.items.extend(page.items);
                        m.next = page.next_cursor;
                    } else {
                        *m = Some(More { filters: for_filters, items: page.items, next: page.next_cursor });
                    }
                }),
                Err(e) => more_error.set(Some(e)),
            }
        });
    };
    let table = loaded(first, move |page| match page {
        None => view! { <Loading /> }.into_any(),
        Some(_) => entry_table(entries, people).into_any(),
    });
    let more_error_text = move || more_error.with(|e| e.as_ref().map(|e| catalogue::api_error(e, locale.lang())));
    let count = move || {
        let n = entries.with(Vec::len);
        (n > 0).then(|| catalogue::entries_shown(n, next().is_some(), locale.lang()))
    };
    view! {
        <AuditFilters filters=filters users=Signal::derive(move || users.get().and_then(Result::ok).unwrap_or_default()) />
        {table}
        <p class="note" data-testid="audit-count">{count}</p>
        <p class="form-error" role="alert" data-testid="audit-more-error">{more_error_text}</p>
        <Show when=move || next().is_some()>
            <div class="actions">
                <button type="button" class="line-action" data-testid="audit-more" disabled=move || more_busy.get() on:click=load_more>
                    {move || locale.t(if more_busy.get() { catalogue::LOADING } else { catalogue::MORE })}
                </button>
            </div>
        </Show>
    }
}

#[component]
fn AuditFilters(filters: Memo<Filters>, #[prop(into)] users: Signal<Vec<User>>) -> impl IntoView {
    let locale = Locale::expect();
    let company = CompanyInfo::expect();
    let navigate = use_navigate();
    let go = move |change: &dyn Fn(&mut Filters)| {
        let mut next = filters.get_untracked();
        change(&mut next);
        navigate(&next.href(), Default::default());
    };
    let (go_actor, go_word, go_id, go_day, go_clear) = (go.clone(), go.clone(), go.clone(), go.clone(), go);

    // People by role, so the few who administer are not lost among the reps.
    let actor_options = move || {
        let chosen = filters.with(|f| f.actor);
        let all = users.get();
        // Someone in the address who is not listed (gone, or out of scope).
        let mut options: Vec<AnyView> = chosen
            .filter(|id| !all.iter().any(|u| u.id == *id))
            .map(|id| view! { <option value=id.to_string() prop:selected=true>{format!("#{id}")}</option> }.into_any())
            .into_iter()
            .collect();
        for role in Role::ALL {
            let role = *role;
            let people = all
                .iter()
                .filter(|u| u.role == role)
                .map(|u| {
                    let id = u.id;
                    let name = display::person_name(&u.display_name, u.username.as_str());
                    let label = format!("{name} ({})", u.username.as_str());
                    view! { <option value=id.to_string() prop:selected=chosen == Some(id)>{label}</option> }
                })
                .collect_view();
            if all.iter().any(|u| u.role == role) {
                options.push(view! { <optgroup label=move || locale.t(catalogue::role(role))>{people}</optgroup> }.into_any());
            }
        }
        options
    };
    // A filter of words the server writes: those it is known to write, in
    // the language shown, and one from the address that is not among them.
    let word_filter = move |label: T,
                            testid: &'static str,
                            known: &'static [&'static str],
                            words: fn(&str) -> Option<T>,
                            field: fn(&mut Filters) -> &mut Option<String>| {
        let chosen = move || filters.with(|f| field(&mut f.clone()).clone());
        let options = move || {
            let chosen = chosen();
            let mut values: Vec<String> = known.iter().map(|v| (*v).to_owned()).collect();
            values.extend(chosen.clone().filter(|c| !values.contains(c)));
            values
                .into_iter()
                .map(|v| {
                    let selected = chosen.as_deref() == Some(v.as_str());
                    let label = words(&v).map_or_else(|| v.clone(), |t| locale.t(t).to_owned());
                    view! { <option value=v prop:selected=selected>{label}</option> }
                })
                .collect_view()
        };
        let go = go_word.clone();
        view! {
            <label class="field">
                <span class="field-label">{tr(label)}</span>
                <select
                    data-testid=testid
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        go(&move |f: &mut Filters| *field(f) = (!value.is_empty()).then(|| value.clone()));
                    }
                >
                    <option value="" prop:selected=move || chosen().is_none()>{tr(catalogue::ALL)}</option>
                    {options}
                </select>
            </label>
        }
    };
    // A day of the company's, described by the zone it is in.
    let date_filter = move |label: T, testid: &'static str, field: fn(&mut Filters) -> &mut Option<NaiveDate>| {
        let go = go_day.clone();
        view! {
            <label class="field">
                <span class="field-label">{tr(label)}</span>
                <input
                    type="date"
                    data-testid=testid
                    aria-describedby="audit-zone"
                    prop:value=move || filters.with(|f| *field(&mut f.clone())).map(|d| d.to_string()).unwrap_or_default()
                    on:change=move |ev| {
                        let value = display::day(&event_target_value(&ev));
                        go(&move |f: &mut Filters| *field(f) = value);
                    }
                />
            </label>
        }
    };
    let zone = move || company.time_zone().map(|tz| catalogue::dates_in(&tz, locale.lang()));
    view! {
        <form class="filters audit-filters" aria-label=tr(catalogue::FILTERS) on:submit=|ev| ev.prevent_default()>
            <label class="field">
                <span class="field-label">{tr(catalogue::WHO)}</span>
                <select
                    data-testid="audit-actor"
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        go_actor(&move |f: &mut Filters| f.actor = value.parse().ok());
                    }
                >
                    <option value="" prop:selected=move || filters.with(|f| f.actor.is_none())>{tr(catalogue::ALL)}</option>
                    {actor_options}
                </select>
            </label>
            {word_filter(catalogue::ACTION, "audit-action", ACTIONS, catalogue::audit_action, |f| &mut f.action)}
            {word_filter(catalogue::ENTITY, "audit-entity", ENTITIES, catalogue::audit_entity, |f| &mut f.entity)}
            <label class="field">
                <span class="field-label">{tr(catalogue::ENTITY_ID)}</span>
                <input
                    type="text"
                    data-testid="audit-entity-id"
                    autocomplete="off"
                    prop:value=move || filters.with(|f| f.entity_id.clone().unwrap_or_default())
                    on:change=move |ev| {
                        let value = event_target_value(&ev).trim().to_owned();
                        go_id(&move |f: &mut Filters| f.entity_id = (!value.is_empty()).then(|| value.clone()));
                    }
                />
            </label>
            {date_filter(catalogue::SINCE, "audit-since", |f| &mut f.since)}
            {date_filter(catalogue::UNTIL, "audit-until", |f| &mut f.until)}
        </form>
        <div class="audit-filter-foot">
            <p class="hint" id="audit-zone" data-testid="audit-zone">{zone}</p>
            <Show when=move || !filters.with(Filters::is_empty)>
                <button
                    type="button"
                    class="line-action"
                    data-testid="audit-clear"
                    on:click={
                        let go_clear = go_clear.clone();
                        move |_| go_clear(&|f: &mut Filters| *f = Filters::default())
                    }
                >
                    {tr(catalogue::CLEAR_FILTERS)}
                </button>
            </Show>
        </div>
    }
}

fn entry_table(entries: Memo<Vec<AuditEntry>>, people: Memo<HashMap<i64, User>>) -> impl IntoView {
    view! {
        <Show
            when=move || entries.with(|e| !e.is_empty())
            fallback=|| view! { <Empty text=catalogue::NO_ENTRIES testid="audit-empty" /> }
        >
            <div class="table-scroll" tabindex="0">
                <table class="data stack-on-phone audit-table" data-testid="audit-entries">
                    <thead>
                        <tr>
                            <th scope="col">{tr(catalogue::WHEN)}</th>
                            <th scope="col">{tr(catalogue::WHO)}</th>
                            <th scope="col">{tr(catalogue::ACTION)}</th>
                            <th scope="col">{tr(catalogue::ENTITY)}</th>
                            <th scope="col">{tr(catalogue::ENTITY_ID)}</th>
                            <th scope="col">{tr(catalogue::CLIENT_IP)}</th>
                            <th scope="col">{tr(catalogue::CHANGE_DETAILS)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || entries.get() key=|e| e.id let(entry)>
                            {entry_row(entry, people)}
                        </For>
                    </tbody>
                </table>
            </div>
        </Show>
    }
}

fn entry_row(entry: AuditEntry, people: Memo<HashMap<i64, User>>) -> impl IntoView {
    let locale = Locale::expect();
    let company = CompanyInfo::expect();
    let millis = entry.at.timestamp_millis();
    let when = move || company.time_zone().map(|tz| display::moment(millis, &tz, locale.lang())).unwrap_or_default();
    let (actor_id, actor) = (entry.actor_user_id, StoredValue::new(entry.actor.clone()));
    // The person's name when the server knows them by another than the
    // username they acted as.
    let name = move || {
        let username = actor.get_value();
        actor_id
            .and_then(|id| people.with(|p| p.get(&id).map(|u| display::person_name(&u.display_name, &username).to_owned())))
            .filter(|name| *name != username)
    };
    let token = entry.api_token_id.map(|id| move || catalogue::via_token(id, locale.lang()));
    let action = entry.action.clone();
    let action_words = move || catalogue::audit_action(&action).map_or_else(|| action.clone(), |t| locale.t(t).to_owned());
    let entity = entry.entity.clone();
    let entity_words = move || catalogue::audit_entity(&entity).map_or_else(|| entity.clone(), |t| locale.t(t).to_owned());
    let found = changes(entry.before.as_ref(), entry.after.as_ref());
    view! {
        <tr
            data-testid="audit-row"
            data-entry-id=entry.id
            data-action=entry.action.clone()
            data-entity=entry.entity.clone()
            data-entity-id=entry.entity_id.clone().unwrap_or_default()
        >
            <td data-label=tr(catalogue::WHEN) data-testid="audit-at">{when}</td>
            <th scope="row" data-label=tr(catalogue::WHO) data-testid="audit-who">
                <span class="audit-actor">{move || name().unwrap_or_else(|| actor.get_value())}</span>
                {move || name().map(|_| view! { <span class="audit-username">{actor.get_value()}</span> })}
                {token.map(|t| view! { <span class="audit-username">{t}</span> })}
            </th>
            <td data-label=tr(catalogue::ACTION) data-testid="audit-action-cell">{action_words}</td>
            <td data-label=tr(catalogue::ENTITY) data-testid="audit-entity-cell">{entity_words}</td>
            <td data-label=tr(catalogue::ENTITY_ID) data-testid="audit-entity-id-cell">
                {entry.entity_id.clone().unwrap_or_else(|| MISSING.to_owned())}
            </td>
            <td data-label=tr(catalogue::CLIENT_IP) data-testid="audit-ip">{entry.client_ip.clone().unwrap_or_else(|| MISSING.to_owned())}</td>
            <td data-label=tr(catalogue::CHANGE_DETAILS) class="audit-change-cell">{change_details(found)}</td>
        </tr>
    }
}

fn change_details(found: Vec<Change>) -> AnyView {
    if found.is_empty() {
        return MISSING.into_any();
    }
    let locale = Locale::expect();
    let n = found.len();
    let rows = found
        .into_iter()
        .map(|c| {
            let key = c.key.clone();
            let label = move || key.clone().unwrap_or_else(|| locale.t(catalogue::VALUE).to_owned());
            view! {
                <tr data-testid="audit-change-row" data-key=c.key.clone().unwrap_or_default()>
                    <th scope="row">{label}</th>
                    <td data-testid="audit-before">{readable(c.key.as_deref(), c.before)}</td>
                    <td data-testid="audit-after">{readable(c.key.as_deref(), c.after)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="audit-change" data-testid="audit-change">
            <summary>{move || catalogue::changed_fields(n, locale.lang())}</summary>
            <table class="audit-diff">
                <thead>
                    <tr>
                        <th scope="col">{tr(catalogue::FIELD)}</th>
                        <th scope="col">{tr(catalogue::BEFORE)}</th>
                        <th scope="col">{tr(catalogue::AFTER)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
    .into_any()
}

/// A value of a change as people read it: an instant in the company's time
/// zone (the exact one kept in `datetime`), a role in words, else as shown.
fn readable(key: Option<&str>, text: String) -> AnyView {
    let locale = Locale::expect();
    if let Some(at) = cascade_api_types::strict::parse_timestamp(&text) {
        let company = CompanyInfo::expect();
        let millis = at.timestamp_millis();
        let exact = text.clone();
        let shown = move || company.time_zone().map_or_else(|| exact.clone(), |tz| display::moment(millis, &tz, locale.lang()));
        return view! { <time datetime=text>{shown}</time> }.into_any();
    }
    match (key, Role::parse(&text)) {
        (Some("role"), Ok(role)) => (move || locale.t(catalogue::role(role))).into_any(),
        _ => text.into_any(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    fn date(text: &str) -> NaiveDate {
        display::day(text).unwrap()
    }

    #[test]
    fn every_action_and_kind_offered_has_words() {
        for action in ACTIONS {
            assert!(catalogue::audit_action(action).is_some(), "{action}");
        }
        for entity in ENTITIES {
            assert!(catalogue::audit_entity(entity).is_some(), "{entity}");
        }
        assert_eq!(catalogue::audit_action("teleport"), None);
    }

    #[test]
    fn filters_survive_the_address() {
        let filters = Filters {
            actor: Some(12),
            action: Some("create".into()),
            entity: Some("api_token".into()),
            entity_id: Some("7 & 8".into()),
            since: Some(date("2026-05-01")),
            until: Some(date("2026-05-03")),
        };
        let href = filters.href();
        assert_eq!(
            href,
            "/admin/audit?actor=12&action=create&entity=api_token&entity_id=7%20%26%208&since=2026-05-01&until=2026-05-03"
        );
        // The router hands the query decoded.
        let pairs: HashMap<&str, &str> = [
            ("actor", "12"),
            ("action", "create"),
            ("entity", "api_token"),
            ("entity_id", "7 & 8"),
            ("since", "2026-05-01"),
            ("until", "2026-05-03"),
        ]
        .into();
        assert_eq!(Filters::read(|k| pairs.get(k).map(|v| (*v).to_owned())), filters);
        assert_eq!(Filters::default().href(), "/admin/audit");
        assert!(Filters::read(|k| (k == "since").then(|| "soon".to_owned())).is_empty());
    }

    #[test]
    fn the_companys_days_become_instants() {
        let shanghai = |_: DateTime<Utc>| Some(480);
        let filters = Filters { since: Some(date("2026-05-01")), until: Some(date("2026-05-03")), ..Filters::default() };
        let q = filters.query(shanghai).unwrap();
        assert_eq!(q.since, Some(Utc.with_ymd_and_hms(2026, 4, 30, 16, 0, 0).unwrap()));
        // "Until the 3rd" is the whole day: before the 4th began.
        assert_eq!(q.until, Some(Utc.with_ymd_and_hms(2026, 5, 3, 16, 0, 0).unwrap()));
        assert_eq!(q.query(None), "limit=50&since=2026-04-30T16%3A00%3A00Z&until=2026-05-03T16%3A00%3A00Z");
        assert_eq!(filters.query(|_| None), None);
    }

    #[test]
    fn a_day_after_a_clock_change_begins_at_its_own_offset() {
        // New York: -5 h until 2026-03-08 07:00 UTC, -4 h after.
        let change = Utc.with_ymd_and_hms(2026, 3, 8, 7, 0, 0).unwrap();
        let new_york = move |at: DateTime<Utc>| Some(if at < change { -300 } else { -240 });
        assert_eq!(start_of_day(date("2026-03-08"), new_york), Some(Utc.with_ymd_and_hms(2026, 3, 8, 5, 0, 0).unwrap()));
        assert_eq!(start_of_day(date("2026-03-09"), new_york), Some(Utc.with_ymd_and_hms(2026, 3, 9, 4, 0, 0).unwrap()));
        // A zone ahead of UTC whose clocks went forward at local midnight.
        let forward = Utc.with_ymd_and_hms(2026, 3, 31, 22, 0, 0).unwrap();
        let ahead = move |at: DateTime<Utc>| Some(if at < forward { 120 } else { 180 });
        assert_eq!(start_of_day(date("2026-04-01"), ahead), Some(Utc.with_ymd_and_hms(2026, 3, 31, 22, 0, 0).unwrap()));
    }

    #[test]
    fn offsets_are_read_from_the_browsers_words() {
        assert_eq!(gmt_offset("5/1/2026, 8:00:00 AM GMT+08:00"), Some(480));
        assert_eq!(gmt_offset("5/1/2026, 12:00:00 AM GMT"), Some(0));
        assert_eq!(gmt_offset("3/8/2026, 1:00:00 AM GMT-05:00"), Some(-300));
        assert_eq!(gmt_offset("1/1/2026, 5:45:00 AM GMT+05:45"), Some(345));
        assert_eq!(gmt_offset("1/1/2026 GMT\u{2212}03:30"), Some(-210));
        assert_eq!(gmt_offset("no zone here"), None);
    }

    #[test]
    fn the_query_names_only_the_filters_set() {
        let q = AuditQuery { action: Some("create".into()), actor_user_id: Some(3), ..AuditQuery::default() };
        assert_eq!(q.query(None), "limit=50&actor_user_id=3&action=create");
        assert_eq!(AuditQuery::default().query(Some("eyJpZCI6MTJ9")), "limit=50&cursor=eyJpZCI6MTJ9");
        assert_eq!(url_component("a+b/c=="), "a%2Bb%2Fc%3D%3D");
        assert_eq!(url_component("区"), "%E5%8C%BA");
    }

    #[test]
    fn an_update_shows_only_the_fields_that_changed() {
        let before = json!({"name": "广东省区", "code": "P-GD", "parent_id": 4, "updated_at": "2026-05-01T00:00:00Z"});
        let after = json!({"name": "广东省区（含海南）", "code": "P-GD", "parent_id": 4, "updated_at": "2026-05-02T00:00:00Z", "note": null});
        let found = changes(Some(&before), Some(&after));
        let keys: Vec<_> = found.iter().map(|c| c.key.as_deref().unwrap()).collect();
        assert_eq!(keys, ["name", "note", "updated_at"]);
        assert_eq!(found[0].before, "广东省区");
        assert_eq!(found[0].after, "广东省区（含海南）");
        assert_eq!(found[1].before, MISSING);
        assert_eq!(found[1].after, MISSING);
    }

    #[test]
    fn a_creation_shows_every_field_and_a_step_its_value() {
        let after = json!({"id": 7, "role": "hq", "revoked_at": null, "scopes": ["a", "b"]});
        let found = changes(None, Some(&after));
        assert_eq!(found.len(), 4);
        assert!(found.iter().all(|c| c.before == MISSING));
        assert_eq!(found.iter().find(|c| c.key.as_deref() == Some("id")).unwrap().after, "7");
        assert_eq!(found.iter().find(|c| c.key.as_deref() == Some("scopes")).unwrap().after, r#"["a","b"]"#);
        let deleted = changes(Some(&json!({"id": 7})), None);
        assert_eq!(deleted, [Change { key: Some("id".into()), before: "7".into(), after: MISSING.into() }]);
        let step = changes(Some(&json!("draft")), Some(&json!("submitted")));
        assert_eq!(step, [Change { key: None, before: "draft".into(), after: "submitted".into() }]);
        assert!(changes(None, None).is_empty());
    }
}
