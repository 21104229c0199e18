//! Who is calling and what they may do. [`Caller`] is an actix extractor: it
//! reads `Authorization: Bearer …` (an access token from sign-in, or an API
//! token `cas_…`), loads the user, role, scope and permissions from the
//! database on every request, and answers 401 when any of that fails.
//! Handlers then call [`Caller::require`] with the permission their OpenAPI
//! security requirement names, and pass [`Caller::scope`] to every store call.

pub mod password;
pub mod throttle;
pub mod tokens;

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpRequest};
use cascade_api_types::Me;
use cascade_core::{Permission, Role};
use cascade_store::{scope_for, NewAuditEntry, Principal, Scope};
use serde::Serialize;

use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: i64,
    pub unit_code: String,
    pub rep_id: Option<i64>,
    pub scope: Scope,
    pub permissions: BTreeSet<Permission>,
    /// Set when the caller is a third-party system with an API token.
    pub api_token_id: Option<i64>,
    pub client_ip: Option<String>,
}

impl Caller {
    pub fn has(&self, p: Permission) -> bool {
        self.permissions.contains(&p)
    }

    /// 403 unless the caller's role holds `p`.
    pub fn require(&self, p: Permission) -> Result<(), ApiError> {
        if self.has(p) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!("your role ({}) lacks the permission {p}", self.role)))
        }
    }

    /// 403 for callers confined to their own records, for routes that work
    /// on whole units (imports, exports).
    pub fn require_unit_scope(&self, what: &str) -> Result<(), ApiError> {
        if self.scope.rep_id().is_some() {
            return Err(ApiError::Forbidden(format!("{what} work on whole units; your scope is your own records")));
        }
        Ok(())
    }

    /// 403 unless the caller acts company-wide.
    pub fn require_company_scope(&self, what: &str) -> Result<(), ApiError> {
        if !self.scope.is_all() {
            return Err(ApiError::Forbidden(format!("{what} needs a company-wide scope")));
        }
        Ok(())
    }

    pub fn me(&self) -> Me {
        Me {
            user_id: self.user_id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            unit_id: self.unit_id,
            unit_code: self.unit_code.clone(),
            rep_id: self.rep_id,
            permissions: self.permissions.iter().copied().collect(),
            api_token_id: self.api_token_id,
        }
    }

    pub(crate) fn of_user(p: Principal, permissions: BTreeSet<Permission>, client_ip: Option<String>) -> Caller {
        Caller {
            scope: p.scope(),
            user_id: p.user_id,
            username: p.username,
            display_name: p.display_name,
            role: p.role,
            unit_id: p.unit_id,
            unit_code: p.unit_code,
            rep_id: p.rep_id,
            permissions,
            api_token_id: None,
            client_ip,
        }
    }

    /// Records a write in the audit log. The write has happened; a failure
    /// to record it is logged loudly rather than reported as the write failing.
    pub async fn audit<B: Serialize, A: Serialize>(
        &self,
        state: &AppState,
        action: &str,
        entity: &str,
        id: impl ToString,
        before: Option<&B>,
        after: Option<&A>,
    ) {
        let entry = NewAuditEntry {
            actor_user_id: Some(self.user_id),
            actor: self.username.clone(),
            api_token_id: self.api_token_id,
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: Some(id.to_string()),
            before: before.and_then(|b| serde_json::to_value(b).ok()),
            after: after.and_then(|a| serde_json::to_value(a).ok()),
            client_ip: self.client_ip.clone(),
        };
        if let Err(e) = state.store.append_audit(&entry).await {
            tracing::error!(error = ?e, action, entity, "could not write the audit log");
        }
    }
}

/// The address of the TCP peer. `X-Forwarded-For` is not trusted: anyone
/// could send one to dodge the per-address sign-in throttle.
pub fn client_ip(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|a| a.ip().to_string())
}

fn bearer(req: &HttpRequest) -> Result<String, ApiError> {
    let header = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .ok_or_else(|| ApiError::Unauthorized("sign in: send Authorization: Bearer <token>".to_owned()))?;
    let value = header.to_str().map_err(|_| ApiError::Unauthorized("the Authorization header is not text".to_owned()))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => Ok(token.trim().to_owned()),
        _ => Err(ApiError::Unauthorized("the Authorization header must be: Bearer <token>".to_owned())),
    }
}

async fn authenticate(req: HttpRequest) -> Result<Caller, ApiError> {
    let state =
        req.app_data::<web::Data<AppState>>().ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no application state")))?.clone();
    let token = bearer(&req)?;
    let ip = client_ip(&req);
    if token.starts_with(tokens::API_TOKEN_PREFIX) {
        let today = state.settings.today();
        let found = state.store.api_token_principal(&tokens::token_hash(&token), today).await?;
        let t = found.ok_or_else(|| ApiError::Unauthorized("the API token is unknown, revoked or expired".to_owned()))?;
        if !t.issuer.active {
            return Err(ApiError::Unauthorized("the API token's issuer is deactivated".to_owned()));
        }
        // A token never does more than its issuer could today.
        let issuer_perms = state.store.permissions_of(t.issuer.role).await?;
        let perms = state.store.permissions_of(t.token.role).await?.intersection(&issuer_perms).copied().collect();
        let mut caller = Caller::of_user(t.issuer, perms, ip);
        caller.scope = scope_for(t.token.role, &t.unit_path, caller.rep_id);
        caller.role = t.token.role;
        caller.unit_id = t.token.unit_id;
        caller.unit_code = t.unit_code;
        caller.api_token_id = Some(t.token.id);
        return Ok(caller);
    }
    let user_id = state.keys.verify(&token).map_err(ApiError::Unauthorized)?;
    let p = state.store.principal(user_id).await?.filter(|p| p.active);
    let p = p.ok_or_else(|| ApiError::Unauthorized("the account is deactivated or gone".to_owned()))?;
    let perms = state.store.permissions_of(p.role).await?;
    Ok(Caller::of_user(p, perms, ip))
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}
