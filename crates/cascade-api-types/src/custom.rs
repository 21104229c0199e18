//! Custom fields: extra, admin-defined fields on customers, reps and
//! opportunities, carried in each object's `custom` object.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::common::page;

/// Values of custom fields by key. Numbers are JSON numbers, dates
/// `YYYY-MM-DD` strings, choices one of the field's choices.
pub type CustomValues = BTreeMap<String, serde_json::Value>;

/// Applies a PATCH's `custom` to the stored values: named keys are set,
/// keys set to `null` are cleared, the rest keep their values.
pub fn merge_custom(stored: &CustomValues, patch: Option<&CustomValues>) -> CustomValues {
    let mut out = stored.clone();
    for (k, v) in patch.into_iter().flatten() {
        if v.is_null() {
            out.remove(k);
        } else {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// The kinds of object that carry custom fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CustomEntity {
    Customer,
    Rep,
    Opportunity,
}

impl CustomEntity {
    pub const ALL: [CustomEntity; 3] = [CustomEntity::Customer, CustomEntity::Rep, CustomEntity::Opportunity];

    pub fn as_str(self) -> &'static str {
        match self {
            CustomEntity::Customer => "customer",
            CustomEntity::Rep => "rep",
            CustomEntity::Opportunity => "opportunity",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CustomFieldType {
    /// Up to 500 characters.
    Text,
    /// A JSON number.
    Number,
    /// `YYYY-MM-DD`.
    Date,
    /// One of `choices`.
    Choice,
}

impl CustomFieldType {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomFieldType::Text => "text",
            CustomFieldType::Number => "number",
            CustomFieldType::Date => "date",
            CustomFieldType::Choice => "choice",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [CustomFieldType::Text, CustomFieldType::Number, CustomFieldType::Date, CustomFieldType::Choice]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomField {
    pub id: i64,
    pub entity: CustomEntity,
    /// `[a-z][a-z0-9_]*`, at most 40 characters; the key in `custom` objects
    /// and, as `custom.<key>`, a list filter.
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub field_type: CustomFieldType,
    /// Must be given when an object is created, and can never be cleared.
    pub required: bool,
    pub choices: Vec<String>,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"entity": "customer", "key": "tier", "label_zh": "客户分层", "label_en": "Tier", "field_type": "choice", "required": false, "choices": ["战略", "重点", "一般"]}))))]
pub struct NewCustomField {
    pub entity: CustomEntity,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::custom_key))]
    pub key: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::name))]
    pub label_zh: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::name))]
    pub label_en: String,
    pub field_type: CustomFieldType,
    #[serde(default)]
    pub required: bool,
    /// Required for `choice` fields; refused for the others.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::choices))]
    pub choices: Vec<String>,
}

/// The entity, key and type of a field never change: stored values and
/// filters depend on them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"label_en": "Account tier", "choices": ["战略", "重点", "一般", "观察"]}))))]
pub struct CustomFieldPatch {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_name))]
    pub label_zh: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_name))]
    pub label_en: Option<String>,
    #[serde(default)]
    pub required: Option<bool>,
    /// The new, complete list of choices.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_choices))]
    pub choices: Option<Vec<String>>,
}

page!(
    /// A page of custom field definitions.
    CustomFieldPage,
    CustomField
);
