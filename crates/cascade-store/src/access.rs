//! What identity and access need from storage: who a user is and where they
//! work, the role → permission matrix, refresh-token families, API tokens
//! and the append-only audit log.

use std::collections::BTreeSet;

use async_trait::async_trait;
use cascade_api_types as api;
use cascade_core::{Permission, Role};
use chrono::{DateTime, NaiveDate, Utc};

use crate::{ListParams, Page, Scope, StoreResult};

/// A user as sign-in and authorisation see them.
#[derive(Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_path: String,
    pub rep_id: Option<i64>,
    pub active: bool,
    /// argon2id PHC string; none when the user signs in only through DingTalk.
    pub password_hash: Option<String>,
}

impl std::fmt::Debug for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Principal")
            .field("user_id", &self.user_id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("unit_code", &self.unit_code)
            .field("rep_id", &self.rep_id)
            .finish_non_exhaustive()
    }
}

impl Principal {
    /// Where this user may read and write: their unit's subtree, or for a
    /// rep only their own records in it.
    pub fn scope(&self) -> Scope {
        scope_for(self.role, &self.unit_path, self.rep_id)
    }
}

/// The scope of a role at a unit. A rep role without a linked rep owns
/// nothing, so it sees no owned records at all (ids start at 1).
pub fn scope_for(role: Role, unit_path: &str, rep_id: Option<i64>) -> Scope {
    if role.is_own_records_only() {
        Scope::own(unit_path, rep_id.unwrap_or(0))
    } else {
        Scope::subtree(unit_path)
    }
}

#[derive(Debug, Clone)]
pub struct NewRefreshToken {
    pub user_id: i64,
    pub family: String,
    pub token_hash: String,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What presenting a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spent {
    /// Valid and now spent: issue its successor in `family`.
    Fresh {
        user_id: i64,
        family: String,
    },
    /// Already spent or revoked: someone replayed it. The whole family is
    /// now revoked.
    Replayed {
        user_id: i64,
    },
    Expired,
    Unknown,
}

#[derive(Debug, Clone)]
pub struct NewApiTokenRow {
    pub name: String,
    pub prefix: String,
    pub token_hash: String,
    pub role: Role,
    pub unit_id: i64,
    pub created_by: i64,
    pub expires_on: Option<NaiveDate>,
}

/// An API token as authorisation sees it.
#[derive(Debug, Clone)]
pub struct TokenPrincipal {
    pub token: api::ApiToken,
    pub unit_code: String,
    pub unit_path: String,
    /// The user who issued it; the token acts in their name.
    pub issuer: Principal,
}

#[derive(Debug, Clone, Default)]
pub struct NewAuditEntry {
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub api_token_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub client_ip: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_user_id: Option<i64>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait AccessStore {
    /// Active or not; the caller decides what an inactive user may do.
    async fn principal_by_username(&self, username: &str) -> StoreResult<Option<Principal>>;
    async fn principal(&self, user_id: i64) -> StoreResult<Option<Principal>>;

    async fn permissions_of(&self, role: Role) -> StoreResult<BTreeSet<Permission>>;
    async fn permission_matrix(&self) -> StoreResult<Vec<(Role, BTreeSet<Permission>)>>;
    async fn set_permissions(&self, role: Role, permissions: &BTreeSet<Permission>) -> StoreResult<()>;
    /// Fills the matrix when it is empty (a new company); returns whether it did.
    async fn seed_permissions(&self, matrix: &[(Role, BTreeSet<Permission>)]) -> StoreResult<bool>;
    /// Ids of active users holding the admin role.
    async fn active_admins(&self) -> StoreResult<Vec<i64>>;

    async fn insert_refresh_token(&self, token: &NewRefreshToken) -> StoreResult<()>;
    /// Spends a refresh token exactly once, even under concurrent use.
    async fn spend_refresh_token(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Spent>;
    /// Logout: revokes the family of this token; unknown tokens are ignored.
    async fn revoke_refresh_family_of(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()>;

    /// Refused with `Invalid` unless `unit_id` lies inside the scope.
    async fn create_api_token(&self, scope: &Scope, row: &NewApiTokenRow) -> StoreResult<api::ApiToken>;
    /// Tokens whose unit lies inside the scope.
    async fn list_api_tokens(&self, scope: &Scope, params: &ListParams) -> StoreResult<Page<api::ApiToken>>;
    async fn revoke_api_token(&self, scope: &Scope, id: i64) -> StoreResult<api::ApiToken>;
    /// A live (unrevoked, unexpired on `today`) token; marks it used.
    async fn api_token_principal(&self, token_hash: &str, today: NaiveDate) -> StoreResult<Option<TokenPrincipal>>;

    async fn append_audit(&self, entry: &NewAuditEntry) -> StoreResult<()>;
    /// Newest first.
    async fn list_audit(&self, filter: &AuditFilter, params: &ListParams) -> StoreResult<Page<api::AuditEntry>>;
}
