//! 客户 (customers): the hospitals in the caller's scope, found by name or
//! number, each opening on its own screen. The search lives in the address
//! (`/customers?q=协和`) so it survives reload and back.

use cascade_api_types::Customer;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::catalogue;
use crate::i18n::{tr, Locale};
use crate::session::Auth;
use crate::widgets::paged::Paged;
use crate::widgets::state::Empty;
use crate::widgets::table::{record_table, Col};

const COLUMNS: &[Col] = &[
    Col::Text(catalogue::CUSTOMER),
    Col::Text(catalogue::CUSTOMER_CODE),
    Col::Text(catalogue::GRADE),
    Col::Text(catalogue::PLACE),
    Col::Text(catalogue::STAGE),
];

#[component]
pub fn Customers() -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
    let customers = Paged::new(move |cursor| {
        let q = q.get();
        async move { api::search_customers(auth, q, cursor).await.map(|p| (p.items, p.next_cursor)) }
    });
    let navigate = use_navigate();
    let search = move |text: String| {
        let text = text.trim().to_owned();
        let to = if text.is_empty() { "/customers".to_owned() } else { format!("/customers?q={}", api::encode(&text)) };
        navigate(&to, Default::default());
    };
    let rows = move || {
        customers
            .items
            .get()
            .into_iter()
            .map(|c: Customer| {
                let stage = c.stage;
                let grade = c.grade;
                view! {
                    <tr data-testid="customer-row" data-code=c.code.as_str().to_owned()>
                        <th scope="row" data-label=tr(catalogue::CUSTOMER)>
                            <A href=format!("/customers/{}", c.id)>{c.name.clone()}</A>
                        </th>
                        <td data-label=tr(catalogue::CUSTOMER_CODE)>{c.code.as_str().to_owned()}</td>
                        <td data-label=tr(catalogue::GRADE)>{move || locale.t(catalogue::grade(grade))}</td>
                        <td data-label=tr(catalogue::PLACE)>{format!("{} · {}", c.province, c.city)}</td>
                        <td data-label=tr(catalogue::STAGE)>{move || locale.t(catalogue::procurement_stage(stage))}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card card-wide" data-testid="customers">
            <h1 class="card-title">{tr(catalogue::NAV_CUSTOMERS)}</h1>
            <form class="filters" role="search" on:submit=move |ev| {
                ev.prevent_default();
                let input = event_target::<web_sys::HtmlFormElement>(&ev)
                    .elements()
                    .named_item("q")
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok());
                if let Some(input) = input {
                    search(input.value());
                }
            }>
                <label class="field">
                    <span class="field-label">{tr(catalogue::SEARCH_CUSTOMERS)}</span>
                    <input type="search" name="q" data-testid="customers-q" prop:value=move || q.get() />
                </label>
                <div class="filters-action">
                    <button type="submit" class="secondary" data-testid="customers-search">{tr(catalogue::SEARCH)}</button>
                </div>
            </form>
            {customers.loaded(move || {
                if customers.items.with(Vec::is_empty) {
                    return view! { <Empty text=catalogue::NO_CUSTOMERS_FOUND testid="customers-empty" /> }.into_any();
                }
                record_table("customers-table", COLUMNS, rows).into_any()
            })}
            {customers.more_button("customers-more")}
        </section>
    }
}
