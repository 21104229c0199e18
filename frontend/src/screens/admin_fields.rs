//! 自定义字段 (custom fields): the fields a company adds to its customers,
//! reps and deals without an engineer. An HRBP creates one, renames it,
//! changes its choices, and retires it when it is no longer wanted (which
//! deletes its values: the confirmation says so).

use cascade_api_types::{CustomEntity, CustomField, CustomFieldPatch, CustomFieldType, NewCustomField};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::catalogue;
use crate::i18n::{tr, Locale, T};
use crate::screens::admin::AdminTabs;
use crate::session::Auth;
use crate::widgets::dialog::Dialog;
use crate::widgets::form::{Checks, FieldError, FormError};
use crate::widgets::state::{loaded, resource, Empty};
use crate::widgets::table::{record_table, Col};
use crate::widgets::toast::Toasts;

const TYPES: [CustomFieldType; 4] =
    [CustomFieldType::Text, CustomFieldType::Number, CustomFieldType::Date, CustomFieldType::Choice];

/// Whether `key` is a field key the server takes: a lowercase letter, then
/// up to 39 of a-z, 0-9 and `_`.
pub fn is_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && key.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The choices typed one per line: trimmed, blank lines dropped.
pub fn choices_of(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// Why a list of choices is refused, if it is.
pub fn choices_problem(choices: &[String]) -> Option<T> {
    if choices.is_empty() || choices.len() > 100 {
        return Some(catalogue::CHOICES_COUNT);
    }
    if choices.iter().any(|c| c.chars().count() > 100) {
        return Some(catalogue::CHOICE_TOO_LONG);
    }
    let mut seen = std::collections::BTreeSet::new();
    if !choices.iter().all(|c| seen.insert(c)) {
        return Some(catalogue::CHOICE_TWICE);
    }
    None
}

fn label_problem(label: &str) -> Option<T> {
    if label.trim().is_empty() {
        Some(catalogue::REQUIRED)
    } else if label.chars().count() > 100 {
        Some(catalogue::LABEL_TOO_LONG)
    } else {
        None
    }
}

const COLUMNS: &[Col] = &[
    Col::Text(catalogue::LABEL_ZH),
    Col::Text(catalogue::LABEL_EN),
    Col::Text(catalogue::FIELD_KEY),
    Col::Text(catalogue::FIELD_TYPE),
    Col::Text(catalogue::FIELD_REQUIRED),
    Col::Text(catalogue::CHOICES),
    Col::Hidden(catalogue::EDIT),
];

#[component]
pub fn CustomFields() -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let entity = RwSignal::new(CustomEntity::Customer);
    let fields = resource(move || api::list_custom_fields(auth, Some(entity.get())));
    // The dialogs: create, edit one, retire one.
    let creating = RwSignal::new(false);
    let editing = RwSignal::new(None::<CustomField>);
    let retiring = RwSignal::new(None::<CustomField>);
    let tabs = CustomEntity::ALL
        .iter()
        .map(|e| {
            let e = *e;
            view! {
                <label class="choice" data-testid=format!("fields-entity-{}", e.as_str())>
                    <input type="radio" name="fields-entity" prop:checked=move || entity.get() == e on:change=move |_| entity.set(e) />
                    <span>{tr(catalogue::custom_entity(e))}</span>
                </label>
            }
        })
        .collect_view();
    let table = move |list: Vec<CustomField>| {
        if list.is_empty() {
            return view! { <Empty text=catalogue::NO_FIELDS testid="fields-empty" /> }.into_any();
        }
        let rows = list
            .into_iter()
            .map(|f| {
                let kind = f.field_type;
                let required = f.required;
                let (edit, retire) = (f.clone(), f.clone());
                view! {
                    <tr data-testid="field-row" data-key=f.key.clone()>
                        <th scope="row" data-label=tr(catalogue::LABEL_ZH)>{f.label_zh.clone()}</th>
                        <td data-label=tr(catalogue::LABEL_EN)>{f.label_en.clone()}</td>
                        <td data-label=tr(catalogue::FIELD_KEY)><span class="code">{f.key.clone()}</span></td>
                        <td data-label=tr(catalogue::FIELD_TYPE)>{move || locale.t(catalogue::field_type(kind))}</td>
                        <td data-label=tr(catalogue::FIELD_REQUIRED)>{move || locale.t(if required { catalogue::YES } else { catalogue::NO })}</td>
                        <td class="wrap" data-label=tr(catalogue::CHOICES)>{f.choices.join("、")}</td>
                        <td class="row-actions">
                            <button type="button" class="secondary" data-testid="field-edit" on:click=move |_| editing.set(Some(edit.clone()))>
                                {tr(catalogue::EDIT)}
                            </button>
                            <button type="button" class="danger" data-testid="field-retire" on:click=move |_| retiring.set(Some(retire.clone()))>
                                {tr(catalogue::RETIRE)}
                            </button>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            {record_table("fields-table", COLUMNS, rows)}
        }
        .into_any()
    };
    let done = Callback::new(move |_| fields.refetch());
    view! {
        <AdminTabs />
        <section class="card card-wide" data-testid="fields">
            <h1 class="card-title">{tr(catalogue::ADMIN_FIELDS)}</h1>
            <div class="filters">
                <fieldset class="choices">
                    <legend class="visually-hidden">{tr(catalogue::FIELD_ENTITY)}</legend>
                    {tabs}
                </fieldset>
                <div class="filters-action">
                    <button type="button" class="primary" data-testid="field-new" on:click=move |_| creating.set(true)>
                        {tr(catalogue::NEW_FIELD)}
                    </button>
                </div>
            </div>
            {loaded(fields, move |fields| table(fields).into_any())}
        </section>
        <Show when=move || creating.get()>
            <FieldDialog field=None entity=entity.get_untracked() on_close=Callback::new(move |_| creating.set(false)) on_saved=done />
        </Show>
        {move || editing.get().map(|f| view! {
            <FieldDialog entity=f.entity field=Some(f) on_close=Callback::new(move |_| editing.set(None)) on_saved=done />
        })}
        {move || retiring.get().map(|f| view! { <RetireDialog field=f on_close=Callback::new(move |_| retiring.set(None)) on_saved=done /> })}
    }
}

#[derive(Debug, Clone)]
struct Draft {
    key: String,
    label_zh: String,
    label_en: String,
    field_type: CustomFieldType,
    required: bool,
    choices: String,
}

#[component]
fn FieldDialog(
    field: Option<CustomField>,
    entity: CustomEntity,
    on_close: Callback<()>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let toasts = Toasts::expect();
    let original = StoredValue::new(field.clone());
    let creating = field.is_none();
    let draft = RwSignal::new(match &field {
        Some(f) => Draft {
            key: f.key.clone(),
            label_zh: f.label_zh.clone(),
            label_en: f.label_en.clone(),
            field_type: f.field_type,
            required: f.required,
            choices: f.choices.join("\n"),
        },
        None => Draft {
            key: String::new(),
            label_zh: String::new(),
            label_en: String::new(),
            field_type: CustomFieldType::Text,
            required: false,
            choices: String::new(),
        },
    });
    let error = RwSignal::new(None::<ApiError>);
    let tried = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let problems = Memo::new(move |_| {
        draft.with(|d| {
            let mut out: Vec<(&'static str, T)> = Vec::new();
            if creating && !is_key(&d.key) {
                out.push(("key", catalogue::KEY_RULE));
            }
            if let Some(t) = label_problem(&d.label_zh) {
                out.push(("label_zh", t));
            }
            if let Some(t) = label_problem(&d.label_en) {
                out.push(("label_en", t));
            }
            if d.field_type == CustomFieldType::Choice {
                if let Some(t) = choices_problem(&choices_of(&d.choices)) {
                    out.push(("choices", t));
                }
            }
            out
        })
    });
    let checks = Checks { tried, problems };
    let save = move |_| {
        if !checks.pass() {
            return;
        }
        let d = draft.get_untracked();
        let choices = if d.field_type == CustomFieldType::Choice { choices_of(&d.choices) } else { Vec::new() };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = match original.get_value() {
                None => {
                    let new = NewCustomField {
                        entity,
                        key: d.key.clone(),
                        label_zh: d.label_zh.trim().to_owned(),
                        label_en: d.label_en.trim().to_owned(),
                        field_type: d.field_type,
                        required: d.required,
                        choices,
                    };
                    api::create_custom_field(auth, &new).await.map(|_| catalogue::FIELD_CREATED)
                }
                Some(before) => {
                    let patch = CustomFieldPatch {
                        label_zh: (d.label_zh.trim() != before.label_zh).then(|| d.label_zh.trim().to_owned()),
                        label_en: (d.label_en.trim() != before.label_en).then(|| d.label_en.trim().to_owned()),
                        required: (d.required != before.required).then_some(d.required),
                        choices: (before.field_type == CustomFieldType::Choice && choices != before.choices).then_some(choices),
                    };
                    api::update_custom_field(auth, before.id, &patch).await.map(|_| catalogue::FIELD_SAVED)
                }
            };
            busy.set(false);
            match result {
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
        let words = if creating { catalogue::NEW_FIELD } else { catalogue::EDIT_FIELD };
        format!("{} · {}", locale.t(words), locale.t(catalogue::custom_entity(entity)))
    });
    let type_options = move || {
        let chosen = draft.with(|d| d.field_type);
        TYPES
            .iter()
            .map(|t| view! { <option value=t.as_str() selected=chosen == *t>{locale.t(catalogue::field_type(*t))}</option> })
            .collect_view()
    };
    const SHOWN: &[&str] = &["key", "label_zh", "label_en", "field_type", "required", "choices"];
    view! {
        <Dialog title=title testid="field-dialog" on_close=on_close>
            <form class="form" on:submit=move |ev| ev.prevent_default()>
                <label class="field">
                    <span>{tr(catalogue::LABEL_ZH)}</span>
                    <input type="text" maxlength="100" data-testid="field-label-zh" aria-describedby="field-label-zh-error"
                        prop:value=move || draft.with(|d| d.label_zh.clone())
                        on:input=move |ev| draft.update(|d| d.label_zh = event_target_value(&ev)) />
                </label>
                <FieldError error=error field="label_zh" id="field-label-zh-error".to_owned() checks=checks />
                <label class="field">
                    <span>{tr(catalogue::LABEL_EN)}</span>
                    <input type="text" maxlength="100" data-testid="field-label-en" aria-describedby="field-label-en-error"
                        prop:value=move || draft.with(|d| d.label_en.clone())
                        on:input=move |ev| draft.update(|d| d.label_en = event_target_value(&ev)) />
                </label>
                <FieldError error=error field="label_en" id="field-label-en-error".to_owned() checks=checks />
                <label class="field">
                    <span>{tr(catalogue::FIELD_KEY)}</span>
                    <input type="text" maxlength="40" data-testid="field-key" disabled=!creating autocomplete="off"
                        aria-describedby="field-key-hint field-key-error"
                        prop:value=move || draft.with(|d| d.key.clone())
                        on:input=move |ev| draft.update(|d| d.key = event_target_value(&ev)) />
                </label>
                <p class="hint" id="field-key-hint">{tr(if creating { catalogue::KEY_HINT } else { catalogue::FIXED_HINT })}</p>
                <FieldError error=error field="key" id="field-key-error".to_owned() checks=checks />
                <label class="field">
                    <span>{tr(catalogue::FIELD_TYPE)}</span>
                    <select data-testid="field-type" disabled=!creating aria-describedby="field-type-error" on:change=move |ev| {
                        if let Some(t) = CustomFieldType::parse(&event_target_value(&ev)) {
                            draft.update(|d| d.field_type = t);
                        }
                    }>
                        {type_options}
                    </select>
                </label>
                <FieldError error=error field="field_type" id="field-type-error".to_owned() />
                <Show when=move || draft.with(|d| d.field_type == CustomFieldType::Choice)>
                    <label class="field">
                        <span>{tr(catalogue::CHOICES)}</span>
                        <textarea rows="4" data-testid="field-choices" aria-describedby="field-choices-hint field-choices-error"
                            prop:value=move || draft.with(|d| d.choices.clone())
                            on:input=move |ev| draft.update(|d| d.choices = event_target_value(&ev))></textarea>
                    </label>
                    <p class="hint" id="field-choices-hint">{tr(catalogue::CHOICES_HINT)}</p>
                    <FieldError error=error field="choices" id="field-choices-error".to_owned() checks=checks />
                </Show>
                <label class="check-field">
                    <input type="checkbox" data-testid="field-required" aria-describedby="field-required-hint field-required-error"
                        prop:checked=move || draft.with(|d| d.required)
                        on:change=move |ev| draft.update(|d| d.required = event_target_checked(&ev)) />
                    <span>{tr(catalogue::FIELD_REQUIRED)}</span>
                </label>
                <p class="hint" id="field-required-hint">{tr(catalogue::REQUIRED_HINT)}</p>
                <FieldError error=error field="required" id="field-required-error".to_owned() />
                <FormError error=error shown=SHOWN testid="field-error" />
                <div class="actions">
                    <button type="submit" class="primary" data-testid="field-save" disabled=move || busy.get() on:click=save>
                        {move || locale.t(if busy.get() { catalogue::SAVING } else { catalogue::SAVE })}
                    </button>
                </div>
            </form>
        </Dialog>
    }
}

/// Retiring a field deletes its values: the reader confirms knowing that.
#[component]
fn RetireDialog(field: CustomField, on_close: Callback<()>, on_saved: Callback<()>) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let toasts = Toasts::expect();
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let id = field.id;
    let name = StoredValue::new(field.label_zh.clone());
    let name_en = StoredValue::new(field.label_en.clone());
    let title = Signal::derive(move || {
        let label = match locale.lang() {
            crate::i18n::Lang::Zh => name.get_value(),
            crate::i18n::Lang::En => name_en.get_value(),
        };
        format!("{} · {label}", locale.t(catalogue::RETIRE))
    });
    let retire = move |_| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::delete_custom_field(auth, id).await {
                Ok(()) => {
                    toasts.say(locale.t(catalogue::FIELD_RETIRED).to_owned());
                    on_saved.run(());
                    on_close.run(());
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <Dialog title=title testid="retire-dialog" on_close=on_close>
            <p>{tr(catalogue::RETIRE_WARNING)}</p>
            <FormError error=error shown=&[] testid="retire-error" />
            <div class="actions">
                <button type="button" class="danger" data-testid="retire-confirm" disabled=move || busy.get() on:click=retire>
                    {tr(catalogue::RETIRE_CONFIRM)}
                </button>
            </div>
        </Dialog>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_what_the_server_takes() {
        assert!(is_key("tier"));
        assert!(is_key("a1_b"));
        assert!(!is_key(""));
        assert!(!is_key("1a"));
        assert!(!is_key("Tier"));
        assert!(!is_key("客户"));
        assert!(!is_key(&"a".repeat(41)));
        assert!(is_key(&"a".repeat(40)));
    }

    #[test]
    fn choices_are_one_per_line_each_once() {
        assert_eq!(choices_of(" 战略 \n\n重点\n"), vec!["战略", "重点"]);
        assert_eq!(choices_problem(&[]), Some(catalogue::CHOICES_COUNT));
        assert_eq!(choices_problem(&["a".into(), "a".into()]), Some(catalogue::CHOICE_TWICE));
        assert_eq!(choices_problem(&["a".repeat(101)]), Some(catalogue::CHOICE_TOO_LONG));
        assert_eq!(choices_problem(&["a".into(), "b".into()]), None);
    }
}
