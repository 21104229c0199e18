//! The sales organisation tree.

use cascade_core::Code;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::common::{double_option, page};

/// Level of an org unit. Any depth is allowed; `company` is the root only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgUnitKind {
    Company,
    Region,
    Province,
    District,
    Team,
}

impl OrgUnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgUnitKind::Company => "company",
            OrgUnitKind::Region => "region",
            OrgUnitKind::Province => "province",
            OrgUnitKind::District => "district",
            OrgUnitKind::Team => "team",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Company, Self::Region, Self::Province, Self::District, Self::Team].into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgUnit {
    pub id: i64,
    pub code: Code,
    pub name: String,
    pub kind: OrgUnitKind,
    /// Absent for the company (root).
    pub parent_id: Option<i64>,
    /// Distance from the root (the company is 0).
    pub depth: i32,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"code": "P-GD", "name": "广东省区", "kind": "province", "parent_id": 4}))))]
pub struct NewOrgUnit {
    pub code: Code,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::name))]
    pub name: String,
    pub kind: OrgUnitKind,
    /// Required except for the first unit, which becomes the company root.
    #[serde(default)]
    pub parent_id: Option<i64>,
}

/// Rename and/or move a unit. Moving re-parents its whole subtree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"name": "广东省区（含海南）"}))))]
pub struct OrgUnitPatch {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_name))]
    pub name: Option<String>,
    #[serde(default)]
    pub kind: Option<OrgUnitKind>,
    /// The new parent; a unit can never move under itself or its descendants.
    #[serde(default, deserialize_with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub parent_id: Option<Option<i64>>,
}

page!(
    /// A page of org units.
    OrgUnitPage,
    OrgUnit
);
