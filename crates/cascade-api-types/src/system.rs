//! Health and the company profile.

use cascade_core::Period;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when the process serves requests; `/readyz` also checks the database.
    pub status: String,
    pub version: String,
    /// `sqlite` or `postgres`.
    pub database: String,
}

/// The company Cascade plans for: the root of the org tree and its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Company {
    /// Name of the root org unit; absent until the org tree has a root.
    pub name: Option<String>,
    pub root_unit_id: Option<i64>,
    /// ISO 4217 currency of every amount.
    pub currency: String,
    /// IANA time zone in which periods and business dates are counted.
    pub time_zone: String,
    /// The company's language, `zh-CN` or `en`: what the server writes in
    /// (plan explanations) when a request's `Accept-Language` asks for
    /// neither, and what the app starts in.
    #[cfg_attr(feature = "openapi", schema(example = "zh-CN", pattern = "^(zh-CN|en)$"))]
    pub language: String,
    /// Today's date in the company's time zone (not the server's, not the
    /// browser's): the date business dates are compared with.
    #[serde(deserialize_with = "crate::strict::date")]
    pub today: NaiveDate,
    /// The fiscal quarter containing `today`, e.g. `2026-Q4`.
    pub quarter: Period,
}
