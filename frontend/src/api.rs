//! Calls to the Cascade server, and the words a person sees when one fails.
//!
//! Paths are absolute and same-origin: the server that serves this app also
//! answers its API, so there is no base URL to configure and no CORS.
//!
//! Every `/api/v1` call goes through [`authed_send`]: it sends the access
//! token as `Authorization: Bearer …`; a 401 means the token expired, so it
//! trades the refresh token for a new pair once and retries. If the server
//! refuses the refresh token too, the session is over: it is cleared and the
//! app falls back to the sign-in page.
//!
//! Writes to a plan or a line send the version they were computed from as
//! `If-Match`; a 412 means someone else changed it since ([`ApiError::is_stale`]).

use std::future::Future;
use std::pin::Pin;

use cascade_api_types::{
    AttainmentReport, CalibrationResult, Company, CustomEntity, CustomField, CustomFieldPatch, Customer, CustomerPage,
    CustomerPatch, Evidence, FairnessScore, Health, LinePatch, LoginRequest, Me, MyTarget, NewCalibration, NewCustomField,
    NewFairnessScore, NewRelief, NewUser, OpportunityPage, OrgUnitPage, Password, Plan, PlanDiff, PlanLine, PlanPage, PlanPatch,
    PlanRevision, PlanStatus, RefreshRequest, Rep, RepPage, ReturnPlan, RolePermissions, RolePermissionsUpdate, TokenResponse,
    User, UserPage, UserPatch, WhatIf, WhatIfResult,
};
use cascade_core::access::{Permission, Role};
use futures_util::lock::Mutex;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::JsValue;

use crate::json::from_json;
use crate::session::{Auth, Session, SignedOutBecause};

pub const HEALTH_PATH: &str = "/healthz";
pub const COMPANY_PATH: &str = "/api/v1/company";
pub const LOGIN_PATH: &str = "/api/v1/auth/login";
pub const REFRESH_PATH: &str = "/api/v1/auth/refresh";
pub const LOGOUT_PATH: &str = "/api/v1/auth/logout";
pub const ME_PATH: &str = "/api/v1/auth/me";
pub const MY_TARGET_PATH: &str = "/api/v1/reps/{id}/target";
pub const ATTAINMENT_PATH: &str = "/api/v1/metrics/attainment";
pub const ORG_UNITS_PATH: &str = "/api/v1/org-units";
pub const PLANS_PATH: &str = "/api/v1/plans";
pub const PLAN_PATH: &str = "/api/v1/plans/{id}";
pub const PLAN_LINES_PATH: &str = "/api/v1/plans/{id}/lines";
pub const PLAN_LINE_PATH: &str = "/api/v1/plans/{id}/lines/{line_id}";
pub const REBALANCE_PATH: &str = "/api/v1/plans/{id}/rebalance";
pub const SUBMIT_PATH: &str = "/api/v1/plans/{id}/submit";
pub const APPROVE_PATH: &str = "/api/v1/plans/{id}/approve";
pub const RETURN_PATH: &str = "/api/v1/plans/{id}/return";
pub const REVISIONS_PATH: &str = "/api/v1/plans/{id}/revisions";
pub const DIFF_PATH: &str = "/api/v1/plans/{id}/diff";
pub const WHAT_IF_PATH: &str = "/api/v1/plans/{id}/what-if";
pub const GENERATE_PATH: &str = "/api/v1/plans/{id}/generate";
pub const CALIBRATIONS_PATH: &str = "/api/v1/plans/{id}/calibrations";
pub const RELIEF_PATH: &str = "/api/v1/plans/{id}/relief";
pub const CUSTOMERS_PATH: &str = "/api/v1/customers";
pub const REPS_PATH: &str = "/api/v1/reps";
pub const OPPORTUNITIES_PATH: &str = "/api/v1/opportunities";
pub const LINE_EVIDENCE_PATH: &str = "/api/v1/plans/{id}/lines/{line_id}/evidence";
pub const EVIDENCE_PATH: &str = "/api/v1/plans/{id}/evidence/{evidence_id}";
pub const FAIRNESS_PATH: &str = "/api/v1/fairness";
pub const USERS_PATH: &str = "/api/v1/users";
pub const USER_PATH: &str = "/api/v1/users/{id}";
pub const ROLES_PATH: &str = "/api/v1/roles";
pub const ROLE_PERMISSIONS_PATH: &str = "/api/v1/roles/{role}/permissions";
pub const CUSTOM_FIELDS_PATH: &str = "/api/v1/custom-fields";
pub const CUSTOM_FIELD_PATH: &str = "/api/v1/custom-fields/{id}";
pub const CUSTOMER_PATH: &str = "/api/v1/customers/{id}";
pub const REP_PATH: &str = "/api/v1/reps/{id}";

const ACCEPT: &str = "application/json, application/problem+json";

/// Why a request gave no usable value. Each variant keeps the method and
/// path so that a screenshot of the error tells which call failed. `Display`
/// is for the console; a person reads `catalogue::api_error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("cannot reach the server: {reason} · {method} {path}")]
    Network { method: &'static str, path: &'static str, reason: String },
    #[error("{message} · {method} {path}")]
    Status {
        method: &'static str,
        path: &'static str,
        status: u16,
        message: String,
        /// The problem's `detail` alone, for places that speak in plain words.
        detail: Option<String>,
        /// Seconds from a `Retry-After` header (429, 503).
        retry_after: Option<u64>,
        /// The problem's `errors`: which value was refused and why.
        fields: Vec<FieldProblem>,
    },
    #[error("unexpected response: {reason} · {method} {path}")]
    Decode { method: &'static str, path: &'static str, reason: String },
    /// The session ended (refused refresh token) while the call was made.
    #[error("the session has ended")]
    SignedOut,
}

/// One refused value of a problem's `errors`, as the server words it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub reason: String,
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// 412: the plan or line changed since it was read; nothing was written.
    pub fn is_stale(&self) -> bool {
        self.status() == Some(412)
    }

    /// Why the server refused `field`, if it named that field.
    pub fn field_reason(&self, field: &str) -> Option<String> {
        let ApiError::Status { fields, .. } = self else { return None };
        let reasons: Vec<&str> = fields.iter().filter(|f| f.field == field).map(|f| f.reason.as_str()).collect();
        (!reasons.is_empty()).then(|| reasons.join("; "))
    }

    /// Whether every refused value is one of `shown` (those a form shows
    /// beside their inputs); otherwise the form shows the whole message too.
    pub fn only_fields(&self, shown: &[&str]) -> bool {
        match self {
            ApiError::Status { fields, .. } => !fields.is_empty() && fields.iter().all(|f| shown.contains(&f.field.as_str())),
            _ => false,
        }
    }
}

/// `GET /healthz`, public.
pub async fn get_health() -> Result<Health, ApiError> {
    let response = send("GET", HEALTH_PATH, Request::get(HEALTH_PATH).header("Accept", ACCEPT)).await?;
    decode("GET", HEALTH_PATH, response).await
}

pub async fn get_company(auth: Auth) -> Result<Company, ApiError> {
    authed_get(auth, COMPANY_PATH).await
}

pub async fn get_me(auth: Auth) -> Result<Me, ApiError> {
    authed_get(auth, ME_PATH).await
}

/// A rep's own target for a period; `None` when no approved or draft plan
/// of the rep's unit has a line for them yet (404).
pub async fn get_my_target(auth: Auth, rep_id: i64, period: &str) -> Result<Option<MyTarget>, ApiError> {
    let url = format!("{}?period={period}", MY_TARGET_PATH.replace("{id}", &rep_id.to_string()));
    match authed_get_url(auth, MY_TARGET_PATH, &url).await {
        Ok(target) => Ok(Some(target)),
        Err(error) if error.status() == Some(404) => Ok(None),
        Err(error) => Err(error),
    }
}

/// A unit's attainment for a period, rolled up over its subtree, with its
/// children's.
pub async fn get_attainment(auth: Auth, unit_id: i64, period: &str) -> Result<AttainmentReport, ApiError> {
    authed_get_url(auth, ATTAINMENT_PATH, &format!("{ATTAINMENT_PATH}?unit_id={unit_id}&period={period}")).await
}

/// Which plans a list shows; `None` is "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanFilter {
    pub period: Option<String>,
    pub unit_id: Option<i64>,
    pub status: Option<PlanStatus>,
    /// Only those waiting for the caller's approval (待我审批).
    pub approvable: bool,
}

impl PlanFilter {
    /// The query string of `GET /plans`: one page of the most the server
    /// gives (a company has one plan per unit, period and product line).
    pub fn query(&self) -> String {
        let mut query = vec!["limit=500".to_owned()];
        if let Some(period) = &self.period {
            query.push(format!("period={period}"));
        }
        if let Some(unit) = self.unit_id {
            query.push(format!("unit_id={unit}"));
        }
        if let Some(status) = self.status {
            query.push(format!("status={}", status.as_str()));
        }
        if self.approvable {
            query.push("approvable=true".to_owned());
        }
        query.join("&")
    }
}

/// The units in the caller's scope (one page of the most the server gives).
pub async fn list_org_units(auth: Auth) -> Result<OrgUnitPage, ApiError> {
    authed_get_url(auth, ORG_UNITS_PATH, &format!("{ORG_UNITS_PATH}?limit=500")).await
}

pub async fn list_plans(auth: Auth, filter: PlanFilter) -> Result<PlanPage, ApiError> {
    authed_get_url(auth, PLANS_PATH, &format!("{PLANS_PATH}?{}", filter.query())).await
}

pub async fn get_plan(auth: Auth, id: i64) -> Result<Plan, ApiError> {
    authed_get_url(auth, PLAN_PATH, &PLAN_PATH.replace("{id}", &id.to_string())).await
}

pub async fn list_plan_lines(auth: Auth, plan_id: i64) -> Result<Vec<PlanLine>, ApiError> {
    authed_get_url(auth, PLAN_LINES_PATH, &PLAN_LINES_PATH.replace("{id}", &plan_id.to_string())).await
}

fn line_url(template: &str, plan_id: i64, line_id: i64) -> String {
    template.replace("{id}", &plan_id.to_string()).replace("{line_id}", &line_id.to_string())
}

/// Changes one line, as read at `version`.
pub async fn patch_line(auth: Auth, plan_id: i64, line_id: i64, version: i64, patch: &LinePatch) -> Result<PlanLine, ApiError> {
    let url = line_url(PLAN_LINE_PATH, plan_id, line_id);
    authed(auth, Call::json("PATCH", PLAN_LINE_PATH, &url, patch)?.at(version)).await
}

/// A step of a plan, as read at `version`: rebalance, submit, approve, or
/// return (the one with a body).
async fn plan_step(
    auth: Auth,
    path: &'static str,
    plan_id: i64,
    version: i64,
    body: Option<&ReturnPlan>,
) -> Result<Plan, ApiError> {
    let url = path.replace("{id}", &plan_id.to_string());
    let call = match body {
        Some(body) => Call::json("POST", path, &url, body)?,
        None => Call::new("POST", path, &url),
    };
    authed(auth, call.at(version)).await
}

/// Spreads what the pinned lines leave over the others, as read at `version`.
pub async fn rebalance(auth: Auth, plan_id: i64, version: i64) -> Result<Plan, ApiError> {
    plan_step(auth, REBALANCE_PATH, plan_id, version, None).await
}

/// Suggests every line again from the plan's settings, as read at `version`.
pub async fn generate_plan(auth: Auth, plan_id: i64, version: i64) -> Result<Plan, ApiError> {
    plan_step(auth, GENERATE_PATH, plan_id, version, None).await
}

/// Changes a plan's settings, as read at `version` (generate to apply them).
pub async fn update_plan(auth: Auth, plan_id: i64, version: i64, patch: &PlanPatch) -> Result<Plan, ApiError> {
    let url = PLAN_PATH.replace("{id}", &plan_id.to_string());
    authed(auth, Call::json("PATCH", PLAN_PATH, &url, patch)?.at(version)).await
}

/// Every line's suggestion under other settings; nothing is saved.
pub async fn what_if(auth: Auth, plan_id: i64, settings: &WhatIf) -> Result<WhatIfResult, ApiError> {
    let url = WHAT_IF_PATH.replace("{id}", &plan_id.to_string());
    authed(auth, Call::json("POST", WHAT_IF_PATH, &url, settings)?).await
}

/// A POST of `body` to a plan's `path`, as read at `version`.
async fn plan_event<B: serde::Serialize>(
    auth: Auth,
    path: &'static str,
    plan_id: i64,
    version: i64,
    body: &B,
) -> Result<CalibrationResult, ApiError> {
    let url = path.replace("{id}", &plan_id.to_string());
    authed(auth, Call::json("POST", path, &url, body)?.at(version)).await
}

/// Records a departure, transfer, hire or slip on an approved rep plan.
pub async fn calibrate(auth: Auth, plan_id: i64, version: i64, event: &NewCalibration) -> Result<CalibrationResult, ApiError> {
    plan_event(auth, CALIBRATIONS_PATH, plan_id, version, event).await
}

/// HQ moves one line's target (and its plan's and the plans' above).
pub async fn relieve(auth: Auth, plan_id: i64, version: i64, relief: &NewRelief) -> Result<CalibrationResult, ApiError> {
    plan_event(auth, RELIEF_PATH, plan_id, version, relief).await
}

/// The customers a rep owns (one page of the most the server gives).
pub async fn customers_of(auth: Auth, rep_id: i64) -> Result<CustomerPage, ApiError> {
    authed_get_url(auth, CUSTOMERS_PATH, &format!("{CUSTOMERS_PATH}?owner_rep_id={rep_id}&limit=500")).await
}

/// The active reps of a unit's subtree.
pub async fn active_reps(auth: Auth, unit_id: i64) -> Result<RepPage, ApiError> {
    authed_get_url(auth, REPS_PATH, &format!("{REPS_PATH}?unit_id={unit_id}&status=active&limit=500")).await
}

/// A unit's open deals expected to close from `from` to `to` (inclusive).
pub async fn open_deals(auth: Auth, unit_id: i64, from: String, to: String) -> Result<OpportunityPage, ApiError> {
    let url = format!("{OPPORTUNITIES_PATH}?unit_id={unit_id}&open=true&close_from={from}&close_to={to}&limit=500");
    authed_get_url(auth, OPPORTUNITIES_PATH, &url).await
}

pub async fn submit_plan(auth: Auth, plan_id: i64, version: i64) -> Result<Plan, ApiError> {
    plan_step(auth, SUBMIT_PATH, plan_id, version, None).await
}

pub async fn approve_plan(auth: Auth, plan_id: i64, version: i64) -> Result<Plan, ApiError> {
    plan_step(auth, APPROVE_PATH, plan_id, version, None).await
}

pub async fn return_plan(auth: Auth, plan_id: i64, version: i64, comment: String) -> Result<Plan, ApiError> {
    plan_step(auth, RETURN_PATH, plan_id, version, Some(&ReturnPlan { comment })).await
}

pub async fn list_revisions(auth: Auth, plan_id: i64) -> Result<Vec<PlanRevision>, ApiError> {
    authed_get_url(auth, REVISIONS_PATH, &REVISIONS_PATH.replace("{id}", &plan_id.to_string())).await
}

/// The lines whose final target differs between revisions `from` and `to`.
pub async fn get_diff(auth: Auth, plan_id: i64, from: i64, to: i64) -> Result<PlanDiff, ApiError> {
    let url = format!("{}?from={from}&to={to}", DIFF_PATH.replace("{id}", &plan_id.to_string()));
    authed_get_url(auth, DIFF_PATH, &url).await
}

/// The rep's answer to the quarter's fairness survey.
pub async fn answer_fairness(auth: Auth, answer: &NewFairnessScore) -> Result<FairnessScore, ApiError> {
    authed_write(auth, "POST", FAIRNESS_PATH, FAIRNESS_PATH, answer).await
}

/// The user list's filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserFilter {
    pub q: String,
    pub role: Option<Role>,
    /// `None` for everyone, active or not.
    pub active: Option<bool>,
}

/// One page of users (the first, or the one after `cursor`).
pub async fn list_users(auth: Auth, filter: UserFilter, cursor: Option<String>) -> Result<UserPage, ApiError> {
    let mut url = format!("{USERS_PATH}?limit=100&sort=username");
    if !filter.q.trim().is_empty() {
        url.push_str(&format!("&q={}", encode(filter.q.trim())));
    }
    if let Some(role) = filter.role {
        url.push_str(&format!("&role={}", role.as_str()));
    }
    if let Some(active) = filter.active {
        url.push_str(&format!("&active={active}"));
    }
    if let Some(cursor) = cursor {
        url.push_str(&format!("&cursor={}", encode(&cursor)));
    }
    authed_get_url(auth, USERS_PATH, &url).await
}

pub async fn create_user(auth: Auth, new: &NewUser) -> Result<User, ApiError> {
    authed_write(auth, "POST", USERS_PATH, USERS_PATH, new).await
}

pub async fn update_user(auth: Auth, id: i64, patch: &UserPatch) -> Result<User, ApiError> {
    authed_write(auth, "PATCH", USER_PATH, &USER_PATH.replace("{id}", &id.to_string()), patch).await
}

/// The permission matrix: every role's permissions.
pub async fn list_roles(auth: Auth) -> Result<Vec<RolePermissions>, ApiError> {
    authed_get(auth, ROLES_PATH).await
}

/// Replaces one role's permissions.
pub async fn set_role_permissions(auth: Auth, role: Role, permissions: Vec<Permission>) -> Result<RolePermissions, ApiError> {
    let url = ROLE_PERMISSIONS_PATH.replace("{role}", role.as_str());
    authed_write(auth, "PUT", ROLE_PERMISSIONS_PATH, &url, &RolePermissionsUpdate { permissions }).await
}

pub async fn list_custom_fields(auth: Auth, entity: Option<CustomEntity>) -> Result<Vec<CustomField>, ApiError> {
    match entity {
        Some(e) => authed_get_url(auth, CUSTOM_FIELDS_PATH, &format!("{CUSTOM_FIELDS_PATH}?entity={}", e.as_str())).await,
        None => authed_get(auth, CUSTOM_FIELDS_PATH).await,
    }
}

pub async fn create_custom_field(auth: Auth, new: &NewCustomField) -> Result<CustomField, ApiError> {
    authed_write(auth, "POST", CUSTOM_FIELDS_PATH, CUSTOM_FIELDS_PATH, new).await
}

pub async fn update_custom_field(auth: Auth, id: i64, patch: &CustomFieldPatch) -> Result<CustomField, ApiError> {
    authed_write(auth, "PATCH", CUSTOM_FIELD_PATH, &CUSTOM_FIELD_PATH.replace("{id}", &id.to_string()), patch).await
}

pub async fn delete_custom_field(auth: Auth, id: i64) -> Result<(), ApiError> {
    authed_delete(auth, CUSTOM_FIELD_PATH, &CUSTOM_FIELD_PATH.replace("{id}", &id.to_string())).await
}

/// Customers whose name or number holds `q` (all when empty), one page.
pub async fn search_customers(auth: Auth, q: String, cursor: Option<String>) -> Result<CustomerPage, ApiError> {
    let mut url = format!("{CUSTOMERS_PATH}?limit=50&sort=name");
    if !q.trim().is_empty() {
        url.push_str(&format!("&q={}", encode(q.trim())));
    }
    if let Some(cursor) = cursor {
        url.push_str(&format!("&cursor={}", encode(&cursor)));
    }
    authed_get_url(auth, CUSTOMERS_PATH, &url).await
}

pub async fn get_customer(auth: Auth, id: i64) -> Result<Customer, ApiError> {
    authed_get_url(auth, CUSTOMER_PATH, &CUSTOMER_PATH.replace("{id}", &id.to_string())).await
}

pub async fn update_customer(auth: Auth, id: i64, patch: &CustomerPatch) -> Result<Customer, ApiError> {
    authed_write(auth, "PATCH", CUSTOMER_PATH, &CUSTOMER_PATH.replace("{id}", &id.to_string()), patch).await
}

pub async fn get_rep(auth: Auth, id: i64) -> Result<Rep, ApiError> {
    authed_get_url(auth, REP_PATH, &REP_PATH.replace("{id}", &id.to_string())).await
}

/// A query value, percent-encoded.
pub fn encode(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

pub async fn list_evidence(auth: Auth, plan_id: i64, line_id: i64) -> Result<Vec<Evidence>, ApiError> {
    authed_get_url(auth, LINE_EVIDENCE_PATH, &line_url(LINE_EVIDENCE_PATH, plan_id, line_id)).await
}

/// Attaches `file` to a line: its bytes are the body, sent with its type.
pub async fn upload_evidence(auth: Auth, plan_id: i64, line_id: i64, file: &web_sys::File) -> Result<Evidence, ApiError> {
    let name = file.name();
    let url = format!(
        "{}?file_name={}",
        line_url(LINE_EVIDENCE_PATH, plan_id, line_id),
        String::from(js_sys::encode_uri_component(&name))
    );
    let browser_type = file.type_();
    post_file(auth, LINE_EVIDENCE_PATH, &url, evidence_type(&browser_type, &name), file).await
}

/// The type to send a file as: the browser's, or from the name's extension
/// when the browser gives none (some systems know no Office types).
pub fn evidence_type<'a>(browser: &'a str, name: &str) -> &'a str {
    if !browser.is_empty() {
        return browser;
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "csv" => "text/csv",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
}

/// One evidence file's bytes, as a blob of its own type.
pub async fn download_evidence(auth: Auth, plan_id: i64, evidence: &Evidence) -> Result<web_sys::Blob, ApiError> {
    let url = EVIDENCE_PATH.replace("{id}", &plan_id.to_string()).replace("{evidence_id}", &evidence.id.to_string());
    let response = get_file(auth, EVIDENCE_PATH, &url).await?;
    blob_of(EVIDENCE_PATH, response, &evidence.content_type).await
}

/// POSTs `file` to `url` as the body, sent as `content_type`.
async fn post_file<T: DeserializeOwned>(
    auth: Auth,
    path: &'static str,
    url: &str,
    content_type: &str,
    file: &web_sys::File,
) -> Result<T, ApiError> {
    authed(auth, Call { body: Body::File { file, content_type }, ..Call::new("POST", path, url) }).await
}

/// `GET url` of a file: the answer, when it is a 2xx.
async fn get_file(auth: Auth, path: &'static str, url: &str) -> Result<Response, ApiError> {
    let response = authed_send(auth, &Call::new("GET", path, url)).await?;
    if !response.ok() {
        return Err(status_error("GET", path, response).await);
    }
    Ok(response)
}

/// A file's bytes as a blob of `content_type`, to save under its name.
async fn blob_of(path: &'static str, response: Response, content_type: &str) -> Result<web_sys::Blob, ApiError> {
    let bytes = response.binary().await.map_err(|e| ApiError::Decode { method: "GET", path, reason: e.to_string() })?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|e| ApiError::Decode {
        method: "GET",
        path,
        reason: format!("{e:?}"),
    })
}

/// Signs in. The caller keeps the session (see [`Auth::set`]).
pub async fn login(username: &str, password: &str) -> Result<Session, LoginError> {
    let body = LoginRequest { username: username.trim().to_owned(), password: Password(password.to_owned()) };
    let response = post_json(LOGIN_PATH, &body, None).await?;
    match decode::<TokenResponse>("POST", LOGIN_PATH, response).await {
        Ok(tokens) => Ok(Session::from(tokens)),
        Err(error) => Err(LoginError::from(error)),
    }
}

/// Revokes the refresh token on the server. The local session is the
/// caller's to clear; a failure here changes nothing for the person.
pub async fn logout(session: &Session) -> Result<(), ApiError> {
    let body = RefreshRequest { refresh_token: session.refresh_token.clone() };
    let response = post_json(LOGOUT_PATH, &body, Some(&session.access_token)).await?;
    if response.ok() {
        Ok(())
    } else {
        Err(status_error("POST", LOGOUT_PATH, response).await)
    }
}

/// `GET path` as the signed-in person, refreshing the access token once if
/// the server says it expired.
pub async fn authed_get<T: DeserializeOwned>(auth: Auth, path: &'static str) -> Result<T, ApiError> {
    authed_get_url(auth, path, path).await
}

/// [`authed_get`] of `url`, a `path` template filled in (ids, query); errors
/// name the template, which says which call failed without the values.
pub async fn authed_get_url<T: DeserializeOwned>(auth: Auth, path: &'static str, url: &str) -> Result<T, ApiError> {
    authed(auth, Call::new("GET", path, url)).await
}

/// `method url` with a JSON body as the signed-in person (no `If-Match`:
/// for resources that are not versioned), decoding the answer.
pub async fn authed_write<B: serde::Serialize, T: DeserializeOwned>(
    auth: Auth,
    method: &'static str,
    path: &'static str,
    url: &str,
    body: &B,
) -> Result<T, ApiError> {
    authed(auth, Call::json(method, path, url, body)?).await
}

/// `DELETE url` as the signed-in person; success has no body.
pub async fn authed_delete(auth: Auth, path: &'static str, url: &str) -> Result<(), ApiError> {
    let response = authed_send(auth, &Call::new("DELETE", path, url)).await?;
    if response.ok() {
        Ok(())
    } else {
        Err(status_error("DELETE", path, response).await)
    }
}

/// What a call sends: nothing, JSON already written, or a file as it is.
enum Body<'a> {
    Empty,
    Json(String),
    File { file: &'a web_sys::File, content_type: &'a str },
}

/// One call as the signed-in person. `path` is the template that errors
/// name (which call failed, without the values); `url` is it filled in.
///
/// Everything about sending is here and in [`authed_send`], written once
/// for every call: only turning the answer into a type is generic
/// ([`authed`]), which keeps the web app's WASM inside its size budget.
struct Call<'a> {
    method: &'static str,
    path: &'static str,
    url: &'a str,
    body: Body<'a>,
    /// The version a write was computed from, sent as `If-Match`.
    if_match: Option<i64>,
}

impl<'a> Call<'a> {
    fn new(method: &'static str, path: &'static str, url: &'a str) -> Self {
        Call { method, path, url, body: Body::Empty, if_match: None }
    }

    fn json<B: serde::Serialize + ?Sized>(
        method: &'static str,
        path: &'static str,
        url: &'a str,
        body: &B,
    ) -> Result<Self, ApiError> {
        let json =
            serde_json::to_string(body).map_err(|e| ApiError::Decode { method: "SEND", path: "body", reason: e.to_string() })?;
        Ok(Call { body: Body::Json(json), ..Call::new(method, path, url) })
    }

    fn at(self, version: i64) -> Self {
        Call { if_match: Some(version), ..self }
    }

    /// The request with the caller's token and the language explanations
    /// are to be written in.
    fn request(&self, access_token: &str) -> Result<Request, ApiError> {
        let builder = match self.method {
            "POST" => Request::post(self.url),
            "PATCH" => Request::patch(self.url),
            "PUT" => Request::put(self.url),
            "DELETE" => Request::delete(self.url),
            _ => Request::get(self.url),
        };
        let mut builder = builder
            .header("Accept", ACCEPT)
            .header("Accept-Language", crate::i18n::current().tag())
            .header("Authorization", &bearer(access_token));
        if let Some(version) = self.if_match {
            builder = builder.header("If-Match", &format!("\"{version}\""));
        }
        let request = match &self.body {
            Body::Empty => builder.build(),
            Body::Json(json) => builder.header("Content-Type", "application/json").body(json.as_str()),
            Body::File { file, content_type } => {
                builder.header("Content-Type", content_type).body(JsValue::from((*file).clone()))
            }
        };
        request.map_err(|e| ApiError::Network { method: self.method, path: self.path, reason: e.to_string() })
    }
}

/// Sends `call` with an access token, as the signed-in person; after a 401
/// it renews the token and sends it once more.
async fn authed_send(auth: Auth, call: &Call<'_>) -> Result<Response, ApiError> {
    let session = auth.current().ok_or(ApiError::SignedOut)?;
    let mut response = send_request(call.method, call.path, call.request(&session.access_token)?).await?;
    if response.status() == 401 {
        let renewed = renew(auth, &session.access_token).await?;
        response = send_request(call.method, call.path, call.request(&renewed.access_token)?).await?;
    }
    Ok(response)
}

/// `call`'s answer as a `T` (a 2xx), or why not.
async fn authed<T: DeserializeOwned>(auth: Auth, call: Call<'_>) -> Result<T, ApiError> {
    let (method, path) = (call.method, call.path);
    parse(method, path, &authed_text(auth, call).await?)
}

/// The body of `call`'s 2xx answer. Boxed on purpose: a future awaited
/// inside another is compiled into it, so unboxed this state machine would
/// be copied into every typed call above (boxing saved 1.3 KB gzip).
fn authed_text<'a>(auth: Auth, call: Call<'a>) -> Pin<Box<dyn Future<Output = Result<String, ApiError>> + 'a>> {
    Box::pin(async move {
        let response = authed_send(auth, &call).await?;
        body_text(call.method, call.path, response).await
    })
}

async fn send_request(method: &'static str, path: &'static str, request: Request) -> Result<Response, ApiError> {
    request.send().await.map_err(|e| ApiError::Network { method, path, reason: e.to_string() })
}

/// Held while a refresh is in flight. A refresh token works exactly once
/// (reusing one revokes the whole session), so when two calls find their
/// access token expired together, the second must wait and use the pair the
/// first obtained instead of spending the same refresh token again.
static REFRESHING: Mutex<()> = Mutex::new(());

/// A session whose access token is newer than `expired`: the one another call
/// just obtained, or a fresh pair from `/auth/refresh`.
async fn renew(auth: Auth, expired: &str) -> Result<Session, ApiError> {
    let _turn = REFRESHING.lock().await;
    let session = auth.current().ok_or(ApiError::SignedOut)?;
    if session.access_token != expired {
        return Ok(session);
    }
    let body = RefreshRequest { refresh_token: session.refresh_token.clone() };
    let response = post_json(REFRESH_PATH, &body, None).await?;
    match decode::<TokenResponse>("POST", REFRESH_PATH, response).await {
        Ok(tokens) => {
            let renewed = Session::from(tokens);
            auth.set(renewed.clone());
            Ok(renewed)
        }
        // The server refused the refresh token: the session is over. Anything
        // else (a 5xx, a proxy's error page) may pass; keep the session so
        // that "retry" can try again.
        Err(error) if matches!(error.status(), Some(400 | 401 | 403 | 422)) => {
            auth.clear(SignedOutBecause::Expired);
            Err(ApiError::SignedOut)
        }
        Err(error) => Err(error),
    }
}

fn bearer(access_token: &str) -> String {
    format!("Bearer {access_token}")
}

async fn post_json<B: serde::Serialize>(path: &'static str, body: &B, access_token: Option<&str>) -> Result<Response, ApiError> {
    let mut builder = Request::post(path).header("Accept", ACCEPT);
    if let Some(token) = access_token {
        builder = builder.header("Authorization", &bearer(token));
    }
    let request = builder.json(body).map_err(|e| ApiError::Network { method: "POST", path, reason: e.to_string() })?;
    request.send().await.map_err(|e| ApiError::Network { method: "POST", path, reason: e.to_string() })
}

async fn send(method: &'static str, path: &'static str, request: RequestBuilder) -> Result<Response, ApiError> {
    request.send().await.map_err(|e| ApiError::Network { method, path, reason: e.to_string() })
}

async fn decode<T: DeserializeOwned>(method: &'static str, path: &'static str, response: Response) -> Result<T, ApiError> {
    parse(method, path, &body_text(method, path, response).await?)
}

/// The body of a 2xx answer; any other status is an error.
async fn body_text(method: &'static str, path: &'static str, response: Response) -> Result<String, ApiError> {
    if !response.ok() {
        return Err(status_error(method, path, response).await);
    }
    response.text().await.map_err(|e| ApiError::Decode { method, path, reason: e.to_string() })
}

fn parse<T: DeserializeOwned>(method: &'static str, path: &'static str, text: &str) -> Result<T, ApiError> {
    from_json(text).map_err(|e| ApiError::Decode { method, path, reason: e.to_string() })
}

async fn status_error(method: &'static str, path: &'static str, response: Response) -> ApiError {
    let status = response.status();
    let retry_after = response.headers().get("Retry-After").as_deref().and_then(retry_after_seconds);
    // An unreadable body must not hide the status, so it degrades to "".
    let body = response.text().await.unwrap_or_default();
    ApiError::Status {
        method,
        path,
        status,
        message: problem_message(status, &response.status_text(), &body),
        detail: problem_detail(&body),
        retry_after,
        fields: problem_fields(&body),
    }
}

/// Why signing in failed (`catalogue::login_error` words it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    /// 401: wrong username or password (`None`), or the server's own words
    /// when it has something else to say (an account matter).
    #[error("refused: {0:?}")]
    Refused(Option<String>),
    /// 429: too many attempts; come back after this many seconds, if said.
    #[error("too many attempts (retry after {retry_after:?} s)")]
    TooManyAttempts { retry_after: Option<u64>, detail: Option<String> },
    #[error(transparent)]
    Other(ApiError),
}

impl From<ApiError> for LoginError {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Status { status: 401, detail, .. } => LoginError::Refused(account_matter(detail)),
            ApiError::Status { status: 429, detail, retry_after, .. } => LoginError::TooManyAttempts { retry_after, detail },
            other => LoginError::Other(other),
        }
    }
}

impl LoginError {
    /// How long the submit button stays disabled.
    pub fn wait_seconds(&self) -> Option<u64> {
        match self {
            LoginError::TooManyAttempts { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The server says "wrong username or password" in English for a 401; the
/// page says that in its own language. Any other detail (an account matter
/// the page cannot know about) is kept to be shown as the server words it.
fn account_matter(detail: Option<String>) -> Option<String> {
    detail.filter(|d| !d.trim().is_empty() && !d.trim().eq_ignore_ascii_case("wrong username or password"))
}

/// `Retry-After` in seconds. The HTTP-date form is not used by Cascade and
/// yields `None` (the message then says "later").
pub fn retry_after_seconds(header: &str) -> Option<u64> {
    header.trim().parse::<u64>().ok()
}

/// Only the human-readable members of RFC 9457 problem details, all optional.
/// Deliberately looser than `cascade_api_types::Problem`: a proxy's or an
/// older server's partial problem body should still yield its words.
#[derive(Deserialize)]
struct ProblemText {
    title: Option<String>,
    detail: Option<String>,
}

#[derive(Deserialize)]
struct ProblemFields {
    #[serde(default)]
    errors: Vec<FieldProblem>,
}

/// The problem's `errors`, when the body is problem+json and has them.
pub fn problem_fields(body: &str) -> Vec<FieldProblem> {
    from_json::<ProblemFields>(body).map(|p| p.errors).unwrap_or_default()
}

fn words(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// The problem's `detail`, when the body is problem+json and has one.
pub fn problem_detail(body: &str) -> Option<String> {
    from_json::<ProblemText>(body).ok().and_then(|problem| words(problem.detail))
}

/// What to tell a person about a non-2xx answer: the problem's `title` and
/// `detail` when the body is problem+json, else the bare HTTP status (an HTML
/// error page from a proxy is not worth echoing).
pub fn problem_message(status: u16, status_text: &str, body: &str) -> String {
    let fallback = || match status_text.trim() {
        "" => format!("HTTP {status}"),
        text => format!("HTTP {status} {text}"),
    };
    let Ok(problem) = from_json::<ProblemText>(body) else {
        return fallback();
    };
    match (words(problem.title), words(problem.detail)) {
        (Some(title), Some(detail)) if title != detail => format!("{title}: {detail}"),
        (_, Some(detail)) => detail,
        (Some(title), None) => title,
        (None, None) => fallback(),
    }
}

// Administration: API tokens, the people who act, and the audit log.

use cascade_api_types::{ApiToken, ApiTokenPage, IssuedApiToken, NewApiToken};

pub const API_TOKENS_PATH: &str = "/api/v1/api-tokens";
pub const API_TOKEN_PATH: &str = "/api/v1/api-tokens/{id}";

/// `text` as one component of a URL: everything but RFC 3986's unreserved
/// characters percent-encoded (pure, so the host tests the queries).
pub fn url_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Every page of a list (`first_url` has a query already), in order.
async fn every_page<P: DeserializeOwned, I>(
    auth: Auth,
    path: &'static str,
    first_url: &str,
    split: impl Fn(P) -> (Vec<I>, Option<String>),
) -> Result<Vec<I>, ApiError> {
    let mut items = Vec::new();
    let mut url = first_url.to_owned();
    loop {
        let (mut page, next) = split(authed_get_url(auth, path, &url).await?);
        items.append(&mut page);
        match next {
            Some(cursor) => url = format!("{first_url}&cursor={}", url_component(&cursor)),
            None => return Ok(items),
        }
    }
}

/// The API tokens whose unit is in the caller's scope, newest first,
/// revoked ones included.
pub async fn list_api_tokens(auth: Auth) -> Result<Vec<ApiToken>, ApiError> {
    let url = format!("{API_TOKENS_PATH}?limit=500&order=desc");
    every_page(auth, API_TOKENS_PATH, &url, |p: ApiTokenPage| (p.items, p.next_cursor)).await
}

/// Issues a token; the answer holds the token itself, this once.
pub async fn issue_api_token(auth: Auth, new: &NewApiToken) -> Result<IssuedApiToken, ApiError> {
    authed_write(auth, "POST", API_TOKENS_PATH, API_TOKENS_PATH, new).await
}

/// Revokes a token at once (it stays listed, revoked).
pub async fn revoke_api_token(auth: Auth, id: i64) -> Result<(), ApiError> {
    authed_delete(auth, API_TOKEN_PATH, &API_TOKEN_PATH.replace("{id}", &id.to_string())).await
}

use cascade_api_types::AuditPage;
use chrono::{DateTime, SecondsFormat, Utc};

pub const AUDIT_PATH: &str = "/api/v1/audit";

/// Entries of the audit log per page ("more" asks for the next).
pub const AUDIT_PAGE_SIZE: u32 = 50;

/// Every user in the caller's scope, by username.
pub async fn all_users(auth: Auth) -> Result<Vec<User>, ApiError> {
    let url = format!("{USERS_PATH}?limit=500&sort=username");
    every_page(auth, USERS_PATH, &url, |p: UserPage| (p.items, p.next_cursor)).await
}

/// Which audit entries to list; `None` is "any". Instants, not dates: the
/// screen turns the company's days into them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub actor_user_id: Option<i64>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// At or after.
    pub since: Option<DateTime<Utc>>,
    /// Before.
    pub until: Option<DateTime<Utc>>,
}

impl AuditQuery {
    /// The query string of `GET /audit` (newest first), from `cursor` on.
    pub fn query(&self, cursor: Option<&str>) -> String {
        let mut query = vec![format!("limit={AUDIT_PAGE_SIZE}")];
        let mut add = |key: &str, value: &str| query.push(format!("{key}={}", url_component(value)));
        if let Some(actor) = self.actor_user_id {
            add("actor_user_id", &actor.to_string());
        }
        for (key, value) in [("action", &self.action), ("entity", &self.entity), ("entity_id", &self.entity_id)] {
            if let Some(value) = value {
                add(key, value);
            }
        }
        for (key, value) in [("since", self.since), ("until", self.until)] {
            if let Some(at) = value {
                add(key, &at.to_rfc3339_opts(SecondsFormat::Secs, true));
            }
        }
        if let Some(cursor) = cursor {
            add("cursor", cursor);
        }
        query.join("&")
    }
}

/// One page of the audit log, newest first.
pub async fn list_audit(auth: Auth, query: &AuditQuery, cursor: Option<&str>) -> Result<AuditPage, ApiError> {
    authed_get_url(auth, AUDIT_PATH, &format!("{AUDIT_PATH}?{}", query.query(cursor))).await
}

// Imports and exports.

use cascade_api_types::{FileFormat, ImportJob, ImportJobPage, ImportKind};

pub const IMPORTS_PATH: &str = "/api/v1/imports";
pub const IMPORT_PATH: &str = "/api/v1/imports/{id}";
pub const EXPORT_PATH: &str = "/api/v1/exports/{kind}";
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The format of an import file: from its name's extension first (browsers
/// on Windows call a CSV `application/vnd.ms-excel`), else from the type the
/// browser gives; `None` for anything else (an old `.xls` among them).
pub fn import_format(name: &str, browser_type: &str) -> Option<FileFormat> {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match (extension.as_str(), browser_type) {
        ("csv", _) => Some(FileFormat::Csv),
        ("xlsx", _) => Some(FileFormat::Xlsx),
        (_, "text/csv") => Some(FileFormat::Csv),
        (_, XLSX_TYPE) => Some(FileFormat::Xlsx),
        _ => None,
    }
}

/// The type a file of `format` is sent and saved as.
pub fn format_type(format: FileFormat) -> &'static str {
    match format {
        FileFormat::Csv => "text/csv",
        FileFormat::Xlsx => XLSX_TYPE,
    }
}

/// Whether the server keeps `name` with the job (1–200 characters, no
/// slashes or control characters); another name is left out rather than
/// refusing the file for it.
pub fn keeps_file_name(name: &str) -> bool {
    !name.is_empty() && name.chars().count() <= 200 && !name.chars().any(|c| c.is_control() || c == '/' || c == '\\')
}

/// Sends `file` as an import of `kind`; the answer is the job to follow
/// (the server checks and writes the rows after answering).
pub async fn start_import(auth: Auth, kind: ImportKind, format: FileFormat, file: &web_sys::File) -> Result<ImportJob, ApiError> {
    let mut url = format!("{IMPORTS_PATH}?kind={}&format={}", kind.as_str(), format.as_str());
    let name = file.name();
    if keeps_file_name(&name) {
        url.push_str(&format!("&file_name={}", String::from(js_sys::encode_uri_component(&name))));
    }
    post_file(auth, IMPORTS_PATH, &url, format_type(format), file).await
}

/// One import job as it stands: status, rows done of rows in the file, errors.
pub async fn get_import(auth: Auth, id: i64) -> Result<ImportJob, ApiError> {
    authed_get_url(auth, IMPORT_PATH, &IMPORT_PATH.replace("{id}", &id.to_string())).await
}

/// The latest import jobs in the caller's scope, newest first.
pub async fn recent_imports(auth: Auth) -> Result<ImportJobPage, ApiError> {
    authed_get_url(auth, IMPORTS_PATH, &format!("{IMPORTS_PATH}?limit=10")).await
}

/// Every row of `kind` in the caller's scope as a file, with the name the
/// server gives it (`customers.csv`).
pub async fn download_export(auth: Auth, kind: ImportKind, format: FileFormat) -> Result<(web_sys::Blob, String), ApiError> {
    let url = format!("{}?format={}", EXPORT_PATH.replace("{kind}", kind.as_str()), format.as_str());
    let response = get_file(auth, EXPORT_PATH, &url).await?;
    let name = response
        .headers()
        .get("Content-Disposition")
        .as_deref()
        .and_then(attachment_name)
        .unwrap_or_else(|| format!("{}.{}", kind.as_str(), format.as_str()));
    Ok((blob_of(EXPORT_PATH, response, format_type(format)).await?, name))
}

/// The file name of a `Content-Disposition: attachment; filename="…"`.
pub fn attachment_name(header: &str) -> Option<String> {
    let (_, rest) = header.split_once("filename=")?;
    let name = rest.split(';').next()?.trim().trim_matches('"');
    keeps_file_name(name).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, detail: Option<&str>, retry_after: Option<u64>) -> ApiError {
        ApiError::Status {
            method: "POST",
            path: LOGIN_PATH,
            status,
            message: "whatever".into(),
            detail: detail.map(str::to_owned),
            retry_after,
            fields: Vec::new(),
        }
    }

    #[test]
    fn title_and_detail_are_both_shown() {
        let body =
            r#"{"type":"https://cascade.example/problems/not-found","title":"Not found","status":404,"detail":"No org unit 7"}"#;
        assert_eq!(problem_message(404, "Not Found", body), "Not found: No org unit 7");
        assert_eq!(problem_detail(body).as_deref(), Some("No org unit 7"));
    }

    #[test]
    fn detail_alone_or_equal_to_title_is_shown_once() {
        assert_eq!(problem_message(409, "", r#"{"detail":"已存在"}"#), "已存在");
        assert_eq!(problem_message(409, "", r#"{"title":"Conflict","detail":"Conflict"}"#), "Conflict");
    }

    #[test]
    fn refused_fields_are_read_from_the_problem() {
        let body = r#"{"status":422,"title":"Some values were refused","errors":[{"field":"final","reason":"is outside the band"},{"field":"reason","reason":"is required"},{"field":"final","row":null,"reason":"must be whole"}]}"#;
        let fields = problem_fields(body);
        assert_eq!(fields.len(), 3);
        let error = ApiError::Status {
            method: "PATCH",
            path: PLAN_LINE_PATH,
            status: 422,
            message: String::new(),
            detail: None,
            retry_after: None,
            fields,
        };
        assert_eq!(error.field_reason("final").as_deref(), Some("is outside the band; must be whole"));
        assert_eq!(error.field_reason("notes"), None);
        assert!(error.only_fields(&["final", "reason"]));
        assert!(!error.only_fields(&["final"]));
        assert!(problem_fields("<html/>").is_empty());
        assert!(problem_fields(r#"{"title":"x"}"#).is_empty());
        assert!(!error.is_stale());
    }

    #[test]
    fn evidence_types_fall_back_to_the_extension() {
        assert_eq!(evidence_type("image/png", "x.jpg"), "image/png");
        assert_eq!(evidence_type("", "会议纪要.PDF"), "application/pdf");
        assert_eq!(evidence_type("", "政策.docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        assert_eq!(evidence_type("", "noext"), "application/octet-stream");
    }

    #[test]
    fn title_alone_is_shown() {
        assert_eq!(problem_message(401, "Unauthorized", r#"{"title":"登录已过期","detail":"  "}"#), "登录已过期");
        assert_eq!(problem_detail(r#"{"title":"登录已过期","detail":"  "}"#), None);
    }

    #[test]
    fn non_problem_bodies_fall_back_to_the_status() {
        assert_eq!(problem_message(502, "Bad Gateway", "<html>nginx</html>"), "HTTP 502 Bad Gateway");
        assert_eq!(problem_message(500, "", ""), "HTTP 500");
        assert_eq!(problem_message(503, " ", "{}"), "HTTP 503");
        assert_eq!(problem_message(400, "", "[1,2]"), "HTTP 400");
        assert_eq!(problem_detail("<html>nginx</html>"), None);
    }

    #[test]
    fn a_refused_sign_in_keeps_only_an_account_matter() {
        assert_eq!(
            LoginError::from(status(401, Some("账号已停用 / Account disabled"), None)),
            LoginError::Refused(Some("账号已停用 / Account disabled".into()))
        );
        assert_eq!(LoginError::from(status(401, None, None)), LoginError::Refused(None));
        assert_eq!(LoginError::from(status(401, Some("wrong username or password"), None)), LoginError::Refused(None));
    }

    #[test]
    fn too_many_attempts_keeps_the_wait() {
        let error = LoginError::from(status(429, Some("Too many attempts"), Some(42)));
        assert_eq!(error.wait_seconds(), Some(42));
        assert_eq!(LoginError::from(status(429, Some("稍后再试"), None)).wait_seconds(), None);
    }

    #[test]
    fn plan_filters_become_a_query() {
        assert_eq!(PlanFilter::default().query(), "limit=500");
        let filter = PlanFilter {
            period: Some("2026-Q4".into()),
            unit_id: Some(3),
            status: Some(PlanStatus::Submitted),
            approvable: false,
        };
        assert_eq!(filter.query(), "limit=500&period=2026-Q4&unit_id=3&status=submitted");
        let inbox = PlanFilter { approvable: true, ..PlanFilter::default() };
        assert_eq!(inbox.query(), "limit=500&approvable=true");
    }

    #[test]
    fn other_failures_keep_the_call() {
        let error = LoginError::from(status(500, None, None));
        assert!(matches!(error, LoginError::Other(_)));
        assert!(error.to_string().ends_with("POST /api/v1/auth/login"));
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        assert_eq!(retry_after_seconds("30"), Some(30));
        assert_eq!(retry_after_seconds(" 7 "), Some(7));
        assert_eq!(retry_after_seconds("Wed, 21 Oct 2026 07:28:00 GMT"), None);
        assert_eq!(retry_after_seconds("-1"), None);
    }
}
