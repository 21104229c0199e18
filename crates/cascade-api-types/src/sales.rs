//! Booked revenue (from the ERP) and fiscal periods.

use cascade_core::{Code, Money, Period, PeriodKind};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::common::page;

/// One line of booked revenue. Credit notes are negative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SalesRecord {
    pub id: i64,
    /// Source document line (e.g. SAP billing document + item): the natural key.
    pub doc_id: Code,
    pub customer_id: i64,
    pub product_line_id: i64,
    /// Business date in the company's time zone.
    #[serde(deserialize_with = "crate::strict::date")]
    pub booked_on: NaiveDate,
    pub amount: Money,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"doc_id": "SO-90012345-10", "customer_id": 2001, "product_line_id": 1, "booked_on": "2026-11-28", "amount": "356000.00"}))))]
pub struct NewSalesRecord {
    pub doc_id: Code,
    pub customer_id: i64,
    pub product_line_id: i64,
    #[serde(deserialize_with = "crate::strict::date")]
    pub booked_on: NaiveDate,
    pub amount: Money,
}

page!(
    /// A page of sales records.
    SalesRecordPage,
    SalesRecord
);

/// A fiscal period with its date range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodInfo {
    pub key: Period,
    pub kind: PeriodKind,
    /// First day, inclusive.
    #[serde(deserialize_with = "crate::strict::date")]
    pub start: NaiveDate,
    /// Last day, inclusive.
    #[serde(deserialize_with = "crate::strict::date")]
    pub end: NaiveDate,
    /// The periods one level down (a year's quarters, a quarter's months).
    pub children: Vec<Period>,
}

impl From<Period> for PeriodInfo {
    fn from(p: Period) -> Self {
        PeriodInfo { key: p, kind: p.kind(), start: p.start(), end: p.end(), children: p.children() }
    }
}
