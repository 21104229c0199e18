//! Sign-in, tokens, the role → permission matrix, API tokens for third-party
//! systems, and the audit log.

use std::fmt;

use cascade_core::{Permission, Role};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::common::page;

/// A password in a request body. It never prints, and it is never sent back.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Password(pub String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Sign in with a username and password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"username": "rm.hn", "password": "Cascade-demo-2026"}))))]
pub struct LoginRequest {
    pub username: String,
    pub password: Password,
}

/// Trade a refresh token for a new pair, or (logout) revoke it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"refresh_token": "rt_6f1c2d…"}))))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

impl fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshRequest(***)")
    }
}

/// A short-lived access token (send as `Authorization: Bearer …`) and a
/// one-time refresh token that rotates on every use.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub refresh_token: String,
    /// Seconds until the refresh token expires unless used.
    pub refresh_expires_in: u64,
    pub me: Me,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse").field("me", &self.me).finish_non_exhaustive()
    }
}

/// Who the caller is and what they may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// The user, or for an API token the user who issued it.
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// Root of the caller's scope.
    pub unit_id: i64,
    pub unit_code: String,
    /// Set for a rep: they see only their own records.
    pub rep_id: Option<i64>,
    pub permissions: Vec<Permission>,
    /// Set when the caller is an API token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_token_id: Option<i64>,
}

/// One role's row of the permission matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RolePermissions {
    pub role: Role,
    pub permissions: Vec<Permission>,
}

/// The new, complete permission list of a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"permissions": ["org_units.read", "reps.read", "customers.read", "customers.stage", "opportunities.read", "opportunities.write", "visits.read", "visits.write", "sales.read", "plans.read", "fairness.submit"]}))))]
pub struct RolePermissionsUpdate {
    pub permissions: Vec<Permission>,
}

/// Issue a long-lived token for a third-party system, acting with `role`'s
/// permissions inside `unit_id`'s subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(examples(json!({"name": "SAP 销售数据同步", "role": "province_manager", "unit_id": 12, "expires_on": "2027-12-31"}))))]
pub struct NewApiToken {
    /// What the token is for, e.g. "Salesforce sync".
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::strict::schema::name))]
    pub name: String,
    pub role: Role,
    pub unit_id: i64,
    /// Last day the token works (company time zone); none means until revoked.
    #[serde(default, deserialize_with = "crate::strict::opt_date")]
    pub expires_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, to recognise it in logs and lists.
    pub prefix: String,
    pub role: Role,
    pub unit_id: i64,
    pub created_by: i64,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "crate::strict::opt_date")]
    pub expires_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::strict::opt_timestamp")]
    pub revoked_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::strict::opt_timestamp")]
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A newly issued API token. `token` is shown this once and never again.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedApiToken {
    pub token: String,
    pub api_token: ApiToken,
}

impl fmt::Debug for IssuedApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedApiToken").field("api_token", &self.api_token).finish_non_exhaustive()
    }
}

page!(
    /// A page of API tokens.
    ApiTokenPage,
    ApiToken
);

/// One entry of the audit log: a sign-in attempt or a write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub at: DateTime<Utc>,
    /// The user who acted; none for a failed sign-in of an unknown name.
    pub actor_user_id: Option<i64>,
    /// Username as given (for sign-ins) or of the actor.
    pub actor: String,
    /// Set when the actor used an API token.
    pub api_token_id: Option<i64>,
    /// `login`, `login_failed`, `create`, `update`, `delete`, `import`, …
    pub action: String,
    /// The kind of object, e.g. `customer`.
    pub entity: String,
    pub entity_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
    pub client_ip: Option<String>,
}

page!(
    /// A page of audit entries, newest first.
    AuditPage,
    AuditEntry
);
