//! Customers (hospitals), their procurement stage history, and product lines.

use cascade_core::{Code, ProcurementStage};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::common::{double_option, page};

/// Hospital grade (医院等级) as used in China's grading system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum HospitalGrade {
    #[serde(rename = "三甲")]
    Tertiary3A,
    #[serde(rename = "三乙")]
    Tertiary3B,
    #[serde(rename = "二甲")]
    Secondary2A,
    #[serde(rename = "二乙")]
    Secondary2B,
    #[serde(rename = "一级")]
    Primary,
    #[serde(rename = "未定级")]
    Ungraded,
}

impl HospitalGrade {
    pub const ALL: [HospitalGrade; 6] = [
        HospitalGrade::Tertiary3A,
        HospitalGrade::Tertiary3B,
        HospitalGrade::Secondary2A,
        HospitalGrade::Secondary2B,
        HospitalGrade::Primary,
        HospitalGrade::Ungraded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HospitalGrade::Tertiary3A => "三甲",
            HospitalGrade::Tertiary3B => "三乙",
            HospitalGrade::Secondary2A => "二甲",
            HospitalGrade::Secondary2B => "二乙",
            HospitalGrade::Primary => "一级",
            HospitalGrade::Ungraded => "未定级",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    pub id: i64,
    /// Customer number (e.g. the ERP's sold-to party): the natural key.
    pub code: Code,
    pub name: String,
    pub grade: HospitalGrade,
    /// Province as an address (广东), not the org unit.
    pub province: String,
    pub city: String,
    /// The org unit responsible for the account (usually a province unit).
    pub unit_id: i64,
    pub owner_rep_id: Option<i64>,
    pub stage: ProcurementStage,
    /// When the stage last changed.
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
#[cfg_attr(feature = "openapi", schema(examples(json!({"code": "GD-0001", "name": "中山大学附属第一医院", "grade": "三甲", "province": "广东", "city": "广州", "unit_id": 12, "owner_rep_id": 101, "stage": "in_hospital", "custom": {"tier": "战略"}}))))]
pub struct NewCustomer {
    pub code: Code,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::name))]
    pub name: String,
    pub grade: HospitalGrade,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::name))]
    pub province: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::name))]
    pub city: String,
    pub unit_id: i64,
    #[serde(default)]
    pub owner_rep_id: Option<i64>,
    /// Defaults to `not_engaged`.
    #[serde(default)]
    pub stage: Option<ProcurementStage>,
    /// Custom field values by key; every required field of this kind must be given.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::custom_values))]
    pub custom: crate::CustomValues,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"stage": "pending_tender", "stage_note": "设备科已提交采购申请"}))))]
pub struct CustomerPatch {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_name))]
    pub name: Option<String>,
    #[serde(default)]
    pub grade: Option<HospitalGrade>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_name))]
    pub province: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_name))]
    pub city: Option<String>,
    #[serde(default)]
    pub unit_id: Option<i64>,
    #[serde(default, deserialize_with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub owner_rep_id: Option<Option<i64>>,
    /// A stage change is recorded in the customer's stage history.
    #[serde(default)]
    pub stage: Option<ProcurementStage>,
    /// Why the stage changed; kept in the history.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_note))]
    pub stage_note: Option<String>,
    /// Custom field values to set; a key set to `null` is cleared (not
    /// allowed for required fields). Keys not named keep their values.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_custom_values))]
    pub custom: Option<crate::CustomValues>,
}

page!(
    /// A page of customers.
    CustomerPage,
    Customer
);

/// One change of a customer's procurement stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageChange {
    pub id: i64,
    /// Absent for the stage the customer was created with.
    pub from_stage: Option<ProcurementStage>,
    pub to_stage: ProcurementStage,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub changed_at: DateTime<Utc>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductLine {
    pub id: i64,
    pub code: Code,
    pub name: String,
    pub active: bool,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"code": "PL-ENDO", "name": "内窥镜"}))))]
pub struct NewProductLine {
    pub code: Code,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::name))]
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"name": "软镜与硬镜", "active": true}))))]
pub struct ProductLinePatch {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_name))]
    pub name: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

page!(
    /// A page of product lines.
    ProductLinePage,
    ProductLine
);
