//! In-quarter calibration of an approved plan, from its screen: a rep
//! leaves (each of their customers to a named colleague), customers move to
//! another rep, a rep joins, a deal's approval slips out of the quarter —
//! and HQ's relief of one line. Each says why; the server moves the targets
//! (achieved stays with whoever earned it), versions the change, and the
//! lines it moved are shown until the next one.

use std::collections::HashMap;

use cascade_api_types::{CalibrationEvent, CalibrationResult, Customer, NewCalibration, NewRelief, Plan, PlanLine, Reassignment};
use cascade_core::Money;
use chrono::Days;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::adjust::Editing;
use crate::api::{self, ApiError};
use crate::company::CompanyInfo;
use crate::i18n::{tr, Locale, T};
use crate::session::Auth;
use crate::widgets::line_diffs::line_diff_table;
use crate::widgets::reason::ReasonField;
use crate::widgets::state::{loaded, resource};
use crate::widgets::toast::Toasts;
use crate::{catalogue, display};

/// What is being recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Departure,
    Transfer,
    Hire,
    Slip,
    Relief,
}

impl Kind {
    fn words(self) -> T {
        match self {
            Kind::Departure => catalogue::DEPARTURE,
            Kind::Transfer => catalogue::TRANSFER,
            Kind::Hire => catalogue::HIRE,
            Kind::Slip => catalogue::SLIP,
            Kind::Relief => catalogue::RELIEF,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Kind::Departure => "departure",
            Kind::Transfer => "transfer",
            Kind::Hire => "hire",
            Kind::Slip => "slip",
            Kind::Relief => "relief",
        }
    }
}

/// The events this caller may record on this plan (from their permissions
/// and the plan: calibration needs rep lines, relief is HQ's).
pub fn kinds(plan: &Plan, calibrate: bool, relief: bool) -> Vec<Kind> {
    let mut kinds = Vec::new();
    if plan.status != cascade_api_types::PlanStatus::Approved {
        return kinds;
    }
    if calibrate && plan.child_kind == cascade_api_types::ChildKind::Rep {
        kinds.extend([Kind::Departure, Kind::Transfer, Kind::Hire, Kind::Slip]);
    }
    if relief {
        kinds.push(Kind::Relief);
    }
    kinds
}

#[component]
pub fn CalibratePanel(plan: Plan, lines: Vec<PlanLine>, kinds: Vec<Kind>, below: Vec<i64>) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let editing = Editing::expect();
    let toasts = Toasts::expect();
    let company = CompanyInfo::expect();
    let first = kinds[0];
    let kind = RwSignal::new(first);
    let (plan_id, version, unit_id, period) = (plan.id, plan.version, plan.unit_id, plan.period);
    let reps: Vec<(i64, String)> = lines.iter().filter_map(|l| l.rep_id.map(|r| (r, l.name.clone()))).collect();
    let names = StoredValue::new(reps.iter().cloned().collect::<HashMap<i64, String>>());
    let reps = StoredValue::new(reps);
    // Relief goes on a line without a plan of its own (the server refuses
    // the others: relief is granted on the plan that holds the person).
    let own_lines = StoredValue::new(
        lines.iter().filter(|l| !below.contains(&l.id)).map(|l| (l.id, l.name.clone())).collect::<Vec<(i64, String)>>(),
    );

    // The form's values, kept across kinds so switching loses nothing.
    let rep = RwSignal::new(None::<i64>);
    let to_rep = RwSignal::new(None::<i64>);
    let receivers = RwSignal::new(HashMap::<i64, i64>::new());
    let picked = RwSignal::new(Vec::<i64>::new());
    let effective = RwSignal::new(String::new());
    let opportunity = RwSignal::new(None::<i64>);
    let new_close = RwSignal::new(period.end().checked_add_days(Days::new(30)).map(|d| d.to_string()).unwrap_or_default());
    let relief_line = RwSignal::new(None::<i64>);
    let delta = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    // The effective date starts at today in the company, inside the period.
    Effect::new(move || {
        if effective.with_untracked(String::is_empty) {
            if let Some(today) = company.today() {
                effective.set(today.clamp(period.start(), period.end()).to_string());
            }
        }
    });

    let customers = resource(move || {
        let rep = rep.get();
        async move {
            match rep {
                Some(rep) => api::customers_of(auth, rep).await.map(|p| p.items),
                None => Ok(Vec::new()),
            }
        }
    });
    let hires = resource(move || api::active_reps(auth, unit_id));
    let deals = resource(move || api::open_deals(auth, unit_id, period.start().to_string(), period.end().to_string()));

    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let record = move |_| {
        let text = reason.get_untracked().trim().to_owned();
        let day = display::day(&effective.get_untracked());
        let event = match kind.get_untracked() {
            Kind::Departure => rep.get_untracked().zip(day).map(|(rep_id, effective)| {
                let reassign = receivers
                    .get_untracked()
                    .into_iter()
                    .map(|(customer_id, to_rep_id)| Reassignment { customer_id, to_rep_id })
                    .collect();
                CalibrationEvent::Departure { rep_id, effective, reassign }
            }),
            Kind::Transfer => to_rep.get_untracked().zip(day).map(|(to_rep_id, effective)| CalibrationEvent::Transfer {
                customer_ids: picked.get_untracked(),
                to_rep_id,
                effective,
            }),
            Kind::Hire => rep.get_untracked().map(|rep_id| CalibrationEvent::Hire { rep_id }),
            Kind::Slip => opportunity
                .get_untracked()
                .zip(display::day(&new_close.get_untracked()))
                .map(|(opportunity_id, new_expected_close)| CalibrationEvent::Slip { opportunity_id, new_expected_close }),
            Kind::Relief => None,
        };
        let relief = (kind.get_untracked() == Kind::Relief)
            .then(|| relief_line.get_untracked().zip(Money::parse_str(&delta.get_untracked()).ok()))
            .flatten()
            .map(|(line_id, delta)| NewRelief { line_id, delta, reason: text.clone() });
        busy.set(true);
        error.set(None);
        // What the previous event moved is not what this one will.
        editing.changes.set(None);
        spawn_local(async move {
            let result: Result<CalibrationResult, ApiError> = match (event, relief) {
                (Some(event), _) => api::calibrate(auth, plan_id, version, &NewCalibration { event, reason: text }).await,
                (None, Some(relief)) => api::relieve(auth, plan_id, version, &relief).await,
                (None, None) => {
                    busy.set(false);
                    return;
                }
            };
            busy.set(false);
            match result {
                Ok(done) => {
                    toasts.say(catalogue::calibrated(done.changes.len(), locale.lang()));
                    editing.changes.set(Some(done.changes));
                    reason.set(String::new());
                    editing.reload.run(());
                }
                Err(e) if e.is_stale() => editing.stale.set(true),
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let rep_select = move |label: T,
                           chosen: RwSignal<Option<i64>>,
                           except: Option<RwSignal<Option<i64>>>,
                           testid: &'static str| {
        view! {
            <label class="field">
                <span class="field-label">{tr(label)}</span>
                <select data-testid=testid on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                    <option value="" selected=move || chosen.get().is_none()>{tr(catalogue::CHOOSE)}</option>
                    {move || {
                        let skip = except.and_then(|e| e.get());
                        reps.get_value()
                            .into_iter()
                            .filter(|(id, _)| Some(*id) != skip)
                            .map(|(id, name)| view! { <option value=id.to_string() selected=move || chosen.get() == Some(id)>{name}</option> })
                            .collect_view()
                    }}
                </select>
            </label>
        }
    };
    let effective_field = move || {
        view! {
            <label class="field">
                <span class="field-label">{tr(catalogue::EFFECTIVE)}</span>
                <input
                    type="date"
                    data-testid="calibrate-effective"
                    min=period.start().to_string()
                    max=period.end().to_string()
                    prop:value=move || effective.get()
                    on:input=move |ev| effective.set(event_target_value(&ev))
                />
            </label>
        }
    };
    // One receiving colleague per customer of the departing rep, or the
    // customers to move (transfer).
    let customer_rows = move |departure: bool| {
        loaded(customers, move |list: Vec<Customer>| {
            if list.is_empty() && rep.get_untracked().is_some() {
                return view! { <p class="hint" data-testid="calibrate-no-customers">{tr(catalogue::NO_CUSTOMERS)}</p> }
                    .into_any();
            }
            let leaving = rep.get_untracked();
            list.into_iter()
                        .map(|c| {
                            let id = c.id;
                            let label = format!("{} · {}", c.name, c.code.as_str());
                            if departure {
                                view! {
                                    <label class="field calibrate-customer" data-testid="calibrate-customer" data-customer-id=id>
                                        <span>{label}</span>
                                        <select data-testid="calibrate-receiver" on:change=move |ev| {
                                            let to = event_target_value(&ev).parse::<i64>().ok();
                                            receivers.update(|m| match to {
                                                Some(to) => { m.insert(id, to); }
                                                None => { m.remove(&id); }
                                            });
                                        }>
                                            <option value="">{tr(catalogue::CHOOSE_RECEIVER)}</option>
                                            {reps.get_value().into_iter().filter(|(r, _)| Some(*r) != leaving).map(|(r, name)| {
                                                view! { <option value=r.to_string() selected=move || receivers.with(|m| m.get(&id) == Some(&r))>{name}</option> }
                                            }).collect_view()}
                                        </select>
                                    </label>
                                }
                                .into_any()
                            } else {
                                view! {
                                    <label class="check-field" data-testid="calibrate-customer" data-customer-id=id>
                                        <input type="checkbox" prop:checked=move || picked.with(|p| p.contains(&id)) on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            picked.update(|p| {
                                                p.retain(|c| *c != id);
                                                if on {
                                                    p.push(id);
                                                }
                                            });
                                        } />
                                        <span>{label}</span>
                                    </label>
                                }
                                .into_any()
                            }
                        })
                        .collect_view()
                        .into_any()
        })
    };
    // "All to one colleague", then change the few that go elsewhere.
    let all_to = move |ev: leptos::ev::Event| {
        let Ok(to) = event_target_value(&ev).parse::<i64>() else { return };
        let listed: Vec<i64> = customers.get_untracked().and_then(Result::ok).unwrap_or_default().iter().map(|c| c.id).collect();
        receivers.update(|m| {
            for id in listed {
                m.insert(id, to);
            }
        });
    };
    let form = move || {
        match kind.get() {
        Kind::Departure => view! {
            {rep_select(catalogue::LEAVING_REP, rep, None, "calibrate-rep")}
            {effective_field()}
            <fieldset class="calibrate-customers">
                <legend>{tr(catalogue::RECEIVERS)}</legend>
                <label class="field">
                    <span class="field-label">{tr(catalogue::ALL_TO)}</span>
                    <select data-testid="calibrate-all-to" on:change=all_to>
                        <option value="">{tr(catalogue::CHOOSE_RECEIVER)}</option>
                        {move || {
                            let leaving = rep.get();
                            reps.get_value()
                                .into_iter()
                                .filter(|(r, _)| Some(*r) != leaving)
                                .map(|(r, name)| view! { <option value=r.to_string()>{name}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
                {customer_rows(true)}
            </fieldset>
        }
        .into_any(),
        Kind::Transfer => view! {
            {rep_select(catalogue::FROM_REP, rep, None, "calibrate-rep")}
            <fieldset class="calibrate-customers">
                <legend>{tr(catalogue::CUSTOMERS_TO_MOVE)}</legend>
                {customer_rows(false)}
            </fieldset>
            {rep_select(catalogue::TO_REP, to_rep, Some(rep), "calibrate-to-rep")}
            {effective_field()}
        }
        .into_any(),
        Kind::Hire => {
            let with_line: Vec<i64> = reps.get_value().iter().map(|(id, _)| *id).collect();
            view! {
                <label class="field">
                    <span class="field-label">{tr(catalogue::NEW_REP)}</span>
                    <select data-testid="calibrate-hire" on:change=move |ev| rep.set(event_target_value(&ev).parse().ok())>
                        <option value="">{tr(catalogue::CHOOSE)}</option>
                        {move || hires.get().and_then(Result::ok).map(|page| {
                            page.items.into_iter().filter(|r| !with_line.contains(&r.id)).map(|r| {
                                view! { <option value=r.id.to_string()>{format!("{} · {}", r.name, r.employee_no.as_str())}</option> }
                            }).collect_view()
                        })}
                    </select>
                </label>
            }
            .into_any()
        }
        Kind::Slip => view! {
            <label class="field">
                <span class="field-label">{tr(catalogue::SLIPPING_DEAL)}</span>
                <select data-testid="calibrate-deal" on:change=move |ev| opportunity.set(event_target_value(&ev).parse().ok())>
                    <option value="">{tr(catalogue::CHOOSE)}</option>
                    {move || deals.get().and_then(Result::ok).map(|page| {
                        page.items.into_iter().map(|d| {
                            let owner = names.with_value(|n| n.get(&d.owner_rep_id).cloned().unwrap_or_default());
                            let label = format!("{} · {} · {} · {}", d.name, owner, display::yuan(d.amount.fen()), d.expected_close);
                            view! { <option value=d.id.to_string()>{label}</option> }
                        }).collect_view()
                    })}
                </select>
            </label>
            <label class="field">
                <span class="field-label">{tr(catalogue::NEW_CLOSE)}</span>
                <input
                    type="date"
                    data-testid="calibrate-new-close"
                    min=period.end().checked_add_days(Days::new(1)).map(|d| d.to_string()).unwrap_or_default()
                    prop:value=move || new_close.get()
                    on:input=move |ev| new_close.set(event_target_value(&ev))
                />
            </label>
        }
        .into_any(),
        Kind::Relief => {
            let own = own_lines.get_value();
            view! {
                <label class="field">
                    <span class="field-label">{tr(catalogue::RELIEF_LINE)}</span>
                    <select data-testid="relief-line" on:change=move |ev| relief_line.set(event_target_value(&ev).parse().ok())>
                        <option value="">{tr(catalogue::CHOOSE)}</option>
                        {own.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{tr(catalogue::RELIEF_DELTA)}</span>
                    <input type="text" inputmode="decimal" data-testid="relief-delta" prop:value=move || delta.get() on:input=move |ev| delta.set(event_target_value(&ev)) />
                </label>
            }
            .into_any()
        }
    }
    };
    let ready = move || {
        cascade_core::says_why(&reason.get())
            && match kind.get() {
                Kind::Departure => rep.get().is_some() && display::day(&effective.get()).is_some(),
                Kind::Transfer => {
                    rep.get().is_some()
                        && to_rep.get().is_some()
                        && !picked.with(Vec::is_empty)
                        && display::day(&effective.get()).is_some()
                }
                Kind::Hire => rep.get().is_some(),
                Kind::Slip => opportunity.get().is_some() && display::day(&new_close.get()).is_some(),
                Kind::Relief => relief_line.get().is_some() && Money::parse_str(&delta.get()).is_ok_and(|m| m.fen() != 0),
            }
    };
    let refused = move || {
        error.with(|e| {
            e.as_ref().map(|e| match e {
                ApiError::Status { fields, .. } if !fields.is_empty() => {
                    fields.iter().map(|f| format!("{}: {}", f.field, f.reason)).collect::<Vec<_>>().join("; ")
                }
                e => catalogue::api_error(e, locale.lang()),
            })
        })
    };
    let tabs = kinds
        .iter()
        .map(|k| {
            let k = *k;
            view! {
                <label class="choice" data-testid=format!("calibrate-kind-{}", k.key())>
                    <input type="radio" name="calibrate-kind" prop:checked=move || kind.get() == k on:change=move |_| {
                        kind.set(k);
                        rep.set(None);
                        error.set(None);
                    } />
                    <span>{tr(k.words())}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="card card-wide calibrate" data-testid="calibrate">
            <h2 class="card-title">{tr(catalogue::CALIBRATE)}</h2>
            <p class="hint">{tr(catalogue::CALIBRATE_HINT)}</p>
            <fieldset class="choices">
                <legend class="visually-hidden">{tr(catalogue::KIND)}</legend>
                {tabs}
            </fieldset>
            <div class="calibrate-form">{form}</div>
            <ReasonField label=catalogue::REASON value=reason testid="calibrate-reason" />
            <p class="form-error" role="alert" data-testid="calibrate-error">{refused}</p>
            <div class="actions">
                <button type="button" class="primary" data-testid="calibrate-record" disabled=move || busy.get() || !ready() on:click=record>
                    {tr(catalogue::RECORD)}
                </button>
            </div>
            <Changes />
        </section>
    }
}

/// The lines the last event moved, until the next one.
#[component]
fn Changes() -> impl IntoView {
    let editing = Editing::expect();
    move || {
        editing.changes.get().map(|changes| {
            view! {
                <h3>{tr(catalogue::LAST_CHANGES)}</h3>
                {line_diff_table(changes, "change")}
            }
        })
    }
}
