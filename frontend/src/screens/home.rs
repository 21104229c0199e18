//! The home page: this quarter's target, the company, and whether the server
//! is well.
//!
//! Each card loads on its own, so one failing call does not blank the other.
//! The cards read their resource synchronously (`loaded`: `resource.get()`
//! under `<Transition>`, which registers it with the transition) rather than
//! awaiting it in a `Suspend`. With two `Suspend`s pending at once, tachys
//! 0.2 keeps the thread-local error hook set across the `.await`, so an error
//! from one card is thrown into the *other* card's `<ErrorBoundary>` (seen in
//! the e2e test `explains a failed call…`). A reactive closure re-installs its
//! own boundary's hook every time it runs.

use leptos::prelude::*;

use crate::company::CompanyInfo;
use crate::i18n::tr;
use crate::widgets::facts::Fact;
use crate::widgets::state::{loaded, resource};
use crate::widgets::target_card::TargetCard;
use crate::{api, catalogue, display};

#[component]
pub fn Home() -> impl IntoView {
    view! {
        <div class="cards">
            <TargetCard />
            <CompanyCard />
            <HealthCard />
        </div>
    }
}

#[component]
fn CompanyCard() -> impl IntoView {
    let company = CompanyInfo::expect().0;
    view! {
        <section class="card" data-testid="company-card">
            <h2 class="card-title">{tr(catalogue::COMPANY)}</h2>
            {loaded(company, |company| {
                let name = display::company_name(company.name.as_deref()).to_owned();
                view! {
                    <p class="headline" data-testid="company-name">{name}</p>
                    <dl class="facts">
                        <Fact label=catalogue::CURRENCY testid="company-currency" value=company.currency />
                        <Fact label=catalogue::TIME_ZONE testid="company-time-zone" value=company.time_zone />
                    </dl>
                }
                .into_any()
            })}
        </section>
    }
}

#[component]
fn HealthCard() -> impl IntoView {
    let health = resource(api::get_health);
    view! {
        <section class="card" data-testid="health-card">
            <h2 class="card-title">{tr(catalogue::SERVER)}</h2>
            {loaded(health, |health| {
                let tone = display::status_tone(&health.status);
                view! {
                    <p class="headline">
                        <span class=tone data-testid="health-status">{health.status}</span>
                    </p>
                    <dl class="facts">
                        <Fact label=catalogue::VERSION testid="health-version" value=health.version />
                        <Fact label=catalogue::DATABASE testid="health-database" value=health.database />
                    </dl>
                }
                .into_any()
            })}
        </section>
    }
}
