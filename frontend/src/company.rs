//! The company, loaded once per session and shared: its name, currency, time
//! zone, and today's date and quarter there. Screens take "this quarter"
//! from here, never from the browser's clock (a browser abroad or a clock
//! wrong by a day would show another quarter at its edges).

use cascade_api_types::Company;
use leptos::prelude::*;

use crate::api;
use crate::session::Auth;
use crate::widgets::state::{resource, Data};

#[derive(Clone, Copy)]
pub struct CompanyInfo(pub Data<Company>);

impl CompanyInfo {
    pub fn provide(auth: Auth) {
        provide_context(CompanyInfo(resource(move || api::get_company(auth))));
    }

    pub fn expect() -> Self {
        expect_context::<CompanyInfo>()
    }

    /// Reactive: the company's current quarter (`2026-Q4`), once known.
    pub fn quarter(self) -> Option<String> {
        self.0.get().and_then(|r| r.ok()).map(|c| c.quarter.to_string())
    }

    /// Reactive: the company's IANA time zone, in which every time is shown.
    pub fn time_zone(self) -> Option<String> {
        self.0.get().and_then(|r| r.ok()).map(|c| c.time_zone)
    }

    /// Reactive: today in the company's time zone.
    pub fn today(self) -> Option<chrono::NaiveDate> {
        self.0.get().and_then(|r| r.ok()).map(|c| c.today)
    }
}
