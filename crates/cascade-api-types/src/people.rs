//! Sales reps and login identities.

use cascade_core::{CapabilityRating, Code, RepStatus, Role};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::Password;
use crate::common::{double_option, page};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rep {
    pub id: i64,
    /// Employee number (工号): the natural key imports match on.
    pub employee_no: Code,
    pub name: String,
    pub unit_id: i64,
    pub status: RepStatus,
    /// Since when the status holds (hire date for a rep who was never away).
    #[serde(deserialize_with = "crate::strict::date")]
    pub status_since: NaiveDate,
    pub rating: CapabilityRating,
    #[serde(deserialize_with = "crate::strict::date")]
    pub hire_date: NaiveDate,
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
#[cfg_attr(feature = "openapi", schema(examples(json!({"employee_no": "E20260101", "name": "陈晓", "unit_id": 12, "rating": "B", "hire_date": "2026-01-05"}))))]
pub struct NewRep {
    pub employee_no: Code,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::name))]
    pub name: String,
    pub unit_id: i64,
    pub rating: CapabilityRating,
    #[serde(deserialize_with = "crate::strict::date")]
    pub hire_date: NaiveDate,
    /// Defaults to `active`.
    #[serde(default)]
    pub status: Option<RepStatus>,
    /// Defaults to the hire date; required when the status is not `active`.
    #[serde(default, deserialize_with = "crate::strict::opt_date")]
    pub status_since: Option<NaiveDate>,
    /// Custom field values by key; every required field of this kind must be given.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::custom_values))]
    pub custom: crate::CustomValues,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"status": "on_leave", "status_since": "2026-11-20"}))))]
pub struct RepPatch {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_name))]
    pub name: Option<String>,
    #[serde(default)]
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub rating: Option<CapabilityRating>,
    #[serde(default, deserialize_with = "crate::strict::opt_date")]
    pub hire_date: Option<NaiveDate>,
    /// A status change needs `status_since`, its effective date.
    #[serde(default)]
    pub status: Option<RepStatus>,
    #[serde(default, deserialize_with = "crate::strict::opt_date")]
    pub status_since: Option<NaiveDate>,
    /// Custom field values to set; a key set to `null` is cleared (not
    /// allowed for required fields). Keys not named keep their values.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_custom_values))]
    pub custom: Option<crate::CustomValues>,
}

page!(
    /// A page of reps.
    RepPage,
    Rep
);

/// A login identity: what they may do (`role`) and where (`unit_id`'s
/// subtree; a rep sees only their own records inside it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: i64,
    pub username: Code,
    pub display_name: String,
    /// The rep this person is, if they sell.
    pub rep_id: Option<i64>,
    /// DingTalk `userid`, for in-app login and push.
    pub dingtalk_userid: Option<String>,
    pub role: Role,
    /// Root of the org subtree the user works in.
    pub unit_id: i64,
    /// Whether a password is set (never the password or its hash).
    pub has_password: bool,
    pub active: bool,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"username": "pm.gd2", "display_name": "广东省区经理（二）", "role": "province_manager", "unit_id": 12, "password": "Change-me-2026"}))))]
pub struct NewUser {
    pub username: Code,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::name))]
    pub display_name: String,
    #[serde(default)]
    pub rep_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_dingtalk_userid))]
    pub dingtalk_userid: Option<String>,
    pub role: Role,
    /// Root of the user's scope; a rep's must contain their own unit.
    pub unit_id: i64,
    /// At least 10 characters. Without one the user can only sign in
    /// through DingTalk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_new_password))]
    pub password: Option<Password>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"display_name": "广东省区经理", "active": true}))))]
pub struct UserPatch {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_name))]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub rep_id: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_dingtalk_userid))]
    pub dingtalk_userid: Option<Option<String>>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// A new password (at least 10 characters); signs the user out everywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::opt_new_password))]
    pub password: Option<Password>,
    #[serde(default)]
    pub active: Option<bool>,
}

page!(
    /// A page of users.
    UserPage,
    User
);
