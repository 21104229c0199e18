//! `/auth`: sign in with a password, rotate refresh tokens, sign out, and
//! who am I. The same token pair will answer DingTalk's in-app login.

use std::time::Instant;

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use cascade_api_types::{LoginRequest, Me, RefreshRequest, TokenResponse};
use cascade_store::{NewAuditEntry, NewRefreshToken, Principal, Spent};
use chrono::{Duration, Utc};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{client_ip, password, tokens, Caller};
use crate::error::docs::BadInput;
use crate::error::ApiError;
use crate::extract::Json;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login).service(refresh).service(logout).service(get_me);
}

/// One answer for an unknown user, a wrong password, a deactivated account
/// and a user without a password, so none of them can be told apart.
const WRONG: &str = "wrong username or password";

/// Sign in. Answers an access token (valid `expires_in` seconds) and a
/// refresh token. Failed attempts are limited per account and per client
/// address: over the limit the answer is 429 with `Retry-After`.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    security(()),
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Wrong username or password", content_type = "application/problem+json", body = cascade_api_types::Problem),
        (status = 429, description = "Too many failed attempts; see Retry-After", content_type = "application/problem+json", body = cascade_api_types::Problem),
        BadInput
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let LoginRequest { username, password: pw } = body.0;
    let username = username.trim().to_owned();
    let ip = client_ip(&req);
    let ip_key = ip.clone().unwrap_or_default();
    if let Some(retry_after) = state.throttle.check(&username, &ip_key, Instant::now()) {
        return Err(ApiError::TooManyRequests { retry_after });
    }
    let found = state.store.principal_by_username(&username).await?;
    let hash = found.as_ref().filter(|p| p.active).and_then(|p| p.password_hash.clone());
    // Over-long input is never hashed, but still costs one dummy hash.
    let (hash, pw) = if pw.0.chars().count() > password::MAX_LENGTH { (None, String::new()) } else { (hash, pw.0) };
    let ok = web::block(move || password::verify(hash.as_deref(), &pw)).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut entry = NewAuditEntry {
        actor_user_id: found.as_ref().map(|p| p.user_id),
        actor: username.clone(),
        action: "login".to_owned(),
        entity: "session".to_owned(),
        client_ip: ip,
        ..Default::default()
    };
    let principal = match found {
        Some(p) if ok => p,
        _ => {
            state.throttle.failed(&username, &ip_key, Instant::now());
            entry.action = "login_failed".to_owned();
            state.store.append_audit(&entry).await?;
            return Err(ApiError::Unauthorized(WRONG.to_owned()));
        }
    };
    state.throttle.succeeded(&username);
    state.store.append_audit(&entry).await?;
    Ok(web::Json(issue(&state, principal, tokens::random_token(16)).await?))
}

/// Trade a refresh token for a new pair. Each refresh token works once:
/// presenting a spent one revokes every token of that sign-in, since it
/// means a copy was stolen.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    security(()),
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", content_type = "application/problem+json", body = cascade_api_types::Problem),
        BadInput
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RefreshRequest>,
) -> Result<web::Json<TokenResponse>, ApiError> {
    let now = Utc::now();
    match state.store.spend_refresh_token(&tokens::token_hash(&body.0.refresh_token), now).await? {
        Spent::Fresh { user_id, family } => {
            let p = state.store.principal(user_id).await?.filter(|p| p.active);
            let p = p.ok_or_else(|| ApiError::Unauthorized("the account is deactivated or gone".to_owned()))?;
            Ok(web::Json(issue(&state, p, family).await?))
        }
        Spent::Replayed { user_id } => {
            let entry = NewAuditEntry {
                actor_user_id: Some(user_id),
                actor: state.store.principal(user_id).await?.map(|p| p.username).unwrap_or_default(),
                action: "refresh_reused".to_owned(),
                entity: "session".to_owned(),
                client_ip: client_ip(&req),
                ..Default::default()
            };
            state.store.append_audit(&entry).await?;
            Err(ApiError::Unauthorized(
                "this refresh token is no longer valid (used before, or its session was ended): sign in again".to_owned(),
            ))
        }
        Spent::Expired => Err(ApiError::Unauthorized("the refresh token has expired: sign in again".to_owned())),
        Spent::Unknown => Err(ApiError::Unauthorized("the refresh token is not valid".to_owned())),
    }
}

/// Sign out: revokes the refresh token and every token rotated from the
/// same sign-in. Access tokens already issued lapse within minutes.
#[utoipa::path(tag = "auth", request_body = RefreshRequest, security(()), responses((status = 204, description = "Signed out"), BadInput))]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, body: Json<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    state.store.revoke_refresh_family_of(&tokens::token_hash(&body.0.refresh_token), Utc::now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Who the caller is: role, scope and permissions.
#[utoipa::path(tag = "auth", security(("bearer" = [])), responses((status = 200, body = Me)))]
#[get("/auth/me")]
pub async fn get_me(caller: Caller) -> web::Json<Me> {
    web::Json(caller.me())
}

async fn issue(state: &AppState, p: Principal, family: String) -> Result<TokenResponse, ApiError> {
    let now = Utc::now();
    let keys = &state.keys;
    let access_token = keys.access_token(p.user_id, "pwd", now.timestamp())?;
    let refresh_token = tokens::random_token(32);
    state
        .store
        .insert_refresh_token(&NewRefreshToken {
            user_id: p.user_id,
            family,
            token_hash: tokens::token_hash(&refresh_token),
            issued_at: now,
            expires_at: now + Duration::seconds(keys.refresh_ttl),
        })
        .await?;
    let permissions = state.store.permissions_of(p.role).await?;
    let who = Caller::of_user(p, permissions, None).me();
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: keys.access_ttl.unsigned_abs(),
        refresh_token,
        refresh_expires_in: keys.refresh_ttl.unsigned_abs(),
        me: who,
    })
}
