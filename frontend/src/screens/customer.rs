//! One customer: who they are, where they stand, and the company's own
//! custom fields (labels in the reader's language), which whoever may change
//! customers fills in here.

use std::collections::BTreeMap;

use cascade_api_types::{CustomEntity, CustomField, CustomFieldType, Customer, CustomerPatch};
use cascade_core::access::Permission;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde_json::Value;

use crate::api::{self, ApiError};
use crate::catalogue;
use crate::display;
use crate::i18n::{tr, Lang, Locale};
use crate::session::Auth;
use crate::widgets::facts::Fact;
use crate::widgets::form::FormError;
use crate::widgets::state::{loaded, resource};
use crate::widgets::toast::Toasts;

#[derive(Clone)]
struct Loaded {
    customer: Customer,
    fields: Vec<CustomField>,
    owner: Option<String>,
}

async fn load(auth: Auth, id: Option<i64>) -> Result<Option<Loaded>, ApiError> {
    let Some(id) = id else { return Ok(None) };
    let customer = api::get_customer(auth, id).await?;
    let fields = api::list_custom_fields(auth, Some(CustomEntity::Customer)).await?;
    // The owner's name is a courtesy: a reader who may not see reps still
    // sees the customer.
    let owner = match customer.owner_rep_id {
        Some(rep) => api::get_rep(auth, rep).await.ok().map(|r| r.name),
        None => None,
    };
    Ok(Some(Loaded { customer, fields, owner }))
}

/// A stored value as a person reads and types it.
pub fn shown(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// What a typed value is sent as: `null` for nothing, a JSON number for a
/// number field; `Err` when a number field holds something else.
pub fn typed(kind: CustomFieldType, text: &str) -> Result<Value, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Value::Null);
    }
    match kind {
        CustomFieldType::Number => {
            let n: f64 = text.replace(',', "").parse().map_err(|_| ())?;
            serde_json::Number::from_f64(n).map(Value::Number).ok_or(())
        }
        _ => Ok(Value::String(text.to_owned())),
    }
}

#[component]
pub fn CustomerScreen() -> impl IntoView {
    let auth = Auth::expect();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|i| i.parse::<i64>().ok())));
    let customer = resource(move || load(auth, id.get()));
    loaded(customer, |l| l.map(|l| view! { <Detail loaded=l /> }).into_any())
}

#[component]
fn Detail(loaded: Loaded) -> impl IntoView {
    let locale = Locale::expect();
    let auth = Auth::expect();
    let Loaded { customer, fields, owner } = loaded;
    let stage = customer.stage;
    let grade = customer.grade;
    let may_write = auth.me().is_some_and(|me| me.permissions.contains(&Permission::CustomersWrite));
    let stage_words = Signal::derive(move || locale.t(catalogue::procurement_stage(stage)).to_owned());
    let grade_words = Signal::derive(move || locale.t(catalogue::grade(grade)).to_owned());
    view! {
        <section class="card card-wide" data-testid="customer">
            <h1 class="card-title">{customer.name.clone()}</h1>
            <dl class="facts">
                <Fact label=catalogue::CUSTOMER_CODE testid="customer-code" value=customer.code.as_str().to_owned() />
                <Fact label=catalogue::GRADE testid="customer-grade" value=grade_words />
                <Fact label=catalogue::PLACE testid="customer-place" value=format!("{} · {}", customer.province, customer.city) />
                <Fact label=catalogue::STAGE testid="customer-stage" value=stage_words />
                <Fact label=catalogue::OWNER testid="customer-owner" value=owner.unwrap_or_else(|| display::MISSING.to_owned()) />
            </dl>
        </section>
        <CustomValues customer_id=customer.id values=customer.custom fields=fields may_write=may_write />
    }
}

/// The company's custom fields on this customer: read, or filled in.
#[component]
fn CustomValues(customer_id: i64, values: BTreeMap<String, Value>, fields: Vec<CustomField>, may_write: bool) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let toasts = Toasts::expect();
    let stored = RwSignal::new(values);
    let fields = StoredValue::new(fields);
    // What is typed, by key.
    let drafts = RwSignal::new(BTreeMap::<String, String>::new());
    let reset = move || {
        drafts.set(
            stored.with_untracked(|s| fields.with_value(|f| f.iter().map(|x| (x.key.clone(), shown(s.get(&x.key)))).collect())),
        )
    };
    reset();
    let error = RwSignal::new(None::<ApiError>);
    let bad_number = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let label = move |f: &CustomField| match locale.lang() {
        Lang::Zh => f.label_zh.clone(),
        Lang::En => f.label_en.clone(),
    };
    let save = move |_| {
        let mut custom = BTreeMap::new();
        bad_number.set(None);
        for f in fields.get_value() {
            let text = drafts.with_untracked(|d| d.get(&f.key).cloned().unwrap_or_default());
            if text.trim() == stored.with_untracked(|s| shown(s.get(&f.key))) {
                continue;
            }
            match typed(f.field_type, &text) {
                Ok(v) => {
                    custom.insert(f.key.clone(), v);
                }
                Err(()) => {
                    bad_number.set(Some(f.key.clone()));
                    return;
                }
            }
        }
        if custom.is_empty() {
            return;
        }
        let patch = CustomerPatch { custom: Some(custom), ..CustomerPatch::default() };
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::update_customer(auth, customer_id, &patch).await {
                Ok(saved) => {
                    stored.set(saved.custom);
                    reset();
                    toasts.say(locale.t(catalogue::CUSTOMER_SAVED).to_owned());
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let rows = move || {
        fields
            .get_value()
            .into_iter()
            .map(|f| {
                let key = f.key.clone();
                let input_id = format!("custom-{}", f.key);
                let error_id = format!("custom-{}-error", f.key);
                let name = { let f = f.clone(); move || label(&f) };
                let value_key = key.clone();
                let value = move || drafts.with(|d| d.get(&value_key).cloned().unwrap_or_default());
                let set_key = key.clone();
                let set = move |text: String| drafts.update(|d| {
                    d.insert(set_key.clone(), text);
                });
                let reason_key = key.clone();
                let reason = move || {
                    let local = bad_number.with(|b| b.as_deref() == Some(reason_key.as_str())).then(|| locale.t(catalogue::NOT_A_NUMBER).to_owned());
                    local.or_else(|| error.with(|e| e.as_ref().and_then(|e| e.field_reason(&format!("custom.{}", reason_key)))))
                };
                if !may_write {
                    let read_key = key.clone();
                    return view! {
                        <div class="fact" data-testid="custom-value" data-key=key.clone()>
                            <dt>{name}</dt>
                            <dd>{move || { let v = stored.with(|s| shown(s.get(&read_key))); if v.is_empty() { display::MISSING.to_owned() } else { v } }}</dd>
                        </div>
                    }
                    .into_any();
                }
                let control = match f.field_type {
                    CustomFieldType::Choice => {
                        let choices = f.choices.clone();
                        let current = value.clone();
                        view! {
                            <select id=input_id.clone() aria-describedby=error_id.clone() data-testid=format!("custom-input-{key}") on:change=move |ev| set(event_target_value(&ev))>
                                <option value="" selected={ let c = current.clone(); move || c().is_empty() }>{display::MISSING}</option>
                                {choices.into_iter().map(|c| {
                                    let is = { let current = current.clone(); let c = c.clone(); move || current() == c };
                                    view! { <option value=c.clone() selected=is>{c.clone()}</option> }
                                }).collect_view()}
                            </select>
                        }
                        .into_any()
                    }
                    kind => {
                        let (kind_attr, mode) = match kind {
                            CustomFieldType::Date => ("date", "text"),
                            CustomFieldType::Number => ("text", "decimal"),
                            _ => ("text", "text"),
                        };
                        view! {
                            <input type=kind_attr inputmode=mode id=input_id.clone() maxlength="500" aria-describedby=error_id.clone()
                                data-testid=format!("custom-input-{key}")
                                prop:value=value on:input=move |ev| set(event_target_value(&ev)) />
                        }
                        .into_any()
                    }
                };
                view! {
                    <div class="field" data-testid="custom-value" data-key=key.clone()>
                        <label for=input_id>{name}{f.required.then(|| view! { <span class="required-mark">" *"</span> })}</label>
                        {control}
                        <p class="field-error" id=error_id role="alert">{reason}</p>
                    </div>
                }
                .into_any()
            })
            .collect_view()
    };
    let empty = fields.with_value(Vec::is_empty);
    view! {
        <section class="card card-wide" data-testid="custom-values">
            <h2 class="card-title">{tr(catalogue::CUSTOM_VALUES)}</h2>
            {empty.then(|| view! { <p class="hint">{tr(catalogue::NO_CUSTOM_VALUES)}</p> })}
            {if may_write {
                view! {
                    <form class="form" on:submit=move |ev| ev.prevent_default()>
                        {rows}
                        {fields.with_value(|f| f.iter().any(|x| x.required)).then(|| view! { <p class="hint">{tr(catalogue::REQUIRED_MARK_HINT)}</p> })}
                        <FormError error=error shown=&[] testid="custom-error" />
                        {(!empty).then(|| view! {
                            <div class="actions">
                                <button type="submit" class="primary" data-testid="custom-save" disabled=move || busy.get() on:click=save>
                                    {move || locale.t(if busy.get() { catalogue::SAVING } else { catalogue::SAVE })}
                                </button>
                            </div>
                        })}
                    </form>
                }
                .into_any()
            } else {
                view! { <dl class="facts">{rows}</dl> }.into_any()
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_sent_in_their_fields_type() {
        assert_eq!(typed(CustomFieldType::Number, " 1,200.5 "), Ok(serde_json::json!(1200.5)));
        assert_eq!(typed(CustomFieldType::Number, "twelve"), Err(()));
        assert_eq!(typed(CustomFieldType::Text, "  "), Ok(Value::Null));
        assert_eq!(typed(CustomFieldType::Choice, "战略"), Ok(serde_json::json!("战略")));
        assert_eq!(shown(Some(&serde_json::json!(12))), "12");
        assert_eq!(shown(Some(&serde_json::json!("a"))), "a");
        assert_eq!(shown(None), "");
    }
}
