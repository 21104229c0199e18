//! Opportunities (deals) with their funnel history, and customer visits.

use cascade_core::{FunnelStage, Money};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::common::page;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Opportunity {
    pub id: i64,
    /// Optional external key (e.g. a Salesforce Opportunity Id) imports match on.
    pub external_id: Option<String>,
    pub name: String,
    pub customer_id: i64,
    pub owner_rep_id: i64,
    pub product_line_id: i64,
    pub amount: Money,
    #[serde(deserialize_with = "crate::strict::date")]
    pub expected_close: NaiveDate,
    pub stage: FunnelStage,
    /// Required when the stage is `lost`.
    pub lost_reason: Option<String>,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub stage_changed_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub updated_at: DateTime<Utc>,
    /// Custom field values by key (see `GET /api/v1/custom-fields`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object, additional_properties))]
    pub custom: crate::CustomValues,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"external_id": "SF-0065g00000AbCdE", "name": "内镜中心扩建", "customer_id": 2001, "owner_rep_id": 101, "product_line_id": 1, "amount": "1280000.00", "expected_close": "2026-12-18", "stage": "quote"}))))]
pub struct NewOpportunity {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_code))]
    pub external_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::name))]
    pub name: String,
    pub customer_id: i64,
    pub owner_rep_id: i64,
    pub product_line_id: i64,
    /// Not negative.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::non_negative_money))]
    pub amount: Money,
    #[serde(deserialize_with = "crate::strict::date")]
    pub expected_close: NaiveDate,
    /// Defaults to `lead`.
    #[serde(default)]
    pub stage: Option<FunnelStage>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_note))]
    pub lost_reason: Option<String>,
    /// Custom field values by key; every required field of this kind must be given.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::custom_values))]
    pub custom: crate::CustomValues,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"stage": "contract", "expected_close": "2026-12-22"}))))]
pub struct OpportunityPatch {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_name))]
    pub name: Option<String>,
    #[serde(default)]
    pub owner_rep_id: Option<i64>,
    #[serde(default)]
    pub product_line_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_non_negative_money))]
    pub amount: Option<Money>,
    /// A change of the expected close date is kept in the history (a slip).
    #[serde(default, deserialize_with = "crate::strict::opt_date")]
    pub expected_close: Option<NaiveDate>,
    #[serde(default)]
    pub stage: Option<FunnelStage>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_note))]
    pub lost_reason: Option<String>,
    /// Custom field values to set; a key set to `null` is cleared (not
    /// allowed for required fields). Keys not named keep their values.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_custom_values))]
    pub custom: Option<crate::CustomValues>,
}

page!(
    /// A page of opportunities.
    OpportunityPage,
    Opportunity
);

/// One change of an opportunity's stage or expected close date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpportunityChange {
    pub id: i64,
    pub from_stage: Option<FunnelStage>,
    pub to_stage: FunnelStage,
    #[serde(default, deserialize_with = "crate::strict::opt_date")]
    pub from_close: Option<NaiveDate>,
    #[serde(deserialize_with = "crate::strict::date")]
    pub to_close: NaiveDate,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub changed_at: DateTime<Utc>,
}

/// How a visit was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    OnSite,
    Phone,
    Online,
    Meeting,
}

impl VisitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            VisitKind::OnSite => "on_site",
            VisitKind::Phone => "phone",
            VisitKind::Online => "online",
            VisitKind::Meeting => "meeting",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::OnSite, Self::Phone, Self::Online, Self::Meeting].into_iter().find(|k| k.as_str() == s.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Visit {
    pub id: i64,
    pub external_id: Option<String>,
    pub rep_id: i64,
    pub customer_id: i64,
    #[serde(deserialize_with = "crate::strict::date")]
    pub visit_date: NaiveDate,
    pub kind: VisitKind,
    pub notes: String,
    /// True when this is the rep's first visit to this customer.
    pub new_customer: bool,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"rep_id": 101, "customer_id": 2001, "visit_date": "2026-11-30", "kind": "on_site", "notes": "与设备科主任确认招标时间"}))))]
pub struct NewVisit {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_code))]
    pub external_id: Option<String>,
    pub rep_id: i64,
    pub customer_id: i64,
    #[serde(deserialize_with = "crate::strict::date")]
    pub visit_date: NaiveDate,
    pub kind: VisitKind,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::note))]
    pub notes: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"notes": "与设备科主任确认招标时间；院长办公会12月第二周"}))))]
pub struct VisitPatch {
    #[serde(default, deserialize_with = "crate::strict::opt_date")]
    pub visit_date: Option<NaiveDate>,
    #[serde(default)]
    pub kind: Option<VisitKind>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_note))]
    pub notes: Option<String>,
}

page!(
    /// A page of visits.
    VisitPage,
    Visit
);
