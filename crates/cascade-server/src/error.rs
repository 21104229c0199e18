//! The one API error type: every 4xx and 5xx leaves as RFC 9457 problem
//! details (`application/problem+json`) naming the field and the reason.
//! Internal causes are logged with their chain and never sent to clients.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use cascade_api_types::{FieldError, Problem};
use cascade_store::StoreError;

/// Errors shown to a client are capped; `total_errors` says how many there were.
pub const MAX_ERRORS_SHOWN: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is well-formed but some values are refused (422).
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// The body or a parameter could not be read at all (400).
    #[error("bad request: {}: {}", .0.field, .0.reason)]
    BadRequest(FieldError),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("conflict")]
    Conflict(FieldError),
    /// `If-Match` names a version that is no longer current (412): nothing
    /// was written; read again and redo the change.
    #[error("precondition failed: {0}")]
    PreconditionFailed(String),
    /// A write that needs `If-Match` came without it (428).
    #[error("precondition required")]
    PreconditionRequired,
    /// The path exists but not with this method (405, with `Allow`).
    #[error("method not allowed")]
    MethodNotAllowed { allowed: Vec<&'static str> },
    #[error("payload too large")]
    PayloadTooLarge { limit: u64 },
    #[error("unsupported media type")]
    UnsupportedMediaType(String),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// No credentials, or ones that are expired, revoked or forged (401).
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// Signed in, but the role lacks the permission or the field is not theirs to set (403).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Too many failed sign-ins; try again after this many seconds (429).
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, reason)])
    }

    fn kind(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::Validation(_) => ("validation", "Some values were refused"),
            ApiError::BadRequest(_) => ("bad-request", "The request could not be read"),
            ApiError::NotFound(_) => ("not-found", "Not found"),
            ApiError::Conflict(_) => ("conflict", "The request conflicts with what is stored"),
            ApiError::PreconditionFailed(_) => ("stale", "Changed since you read it"),
            ApiError::PreconditionRequired => ("if-match-required", "If-Match required"),
            ApiError::MethodNotAllowed { .. } => ("method-not-allowed", "Method not allowed"),
            ApiError::PayloadTooLarge { .. } => ("payload-too-large", "The request body is too large"),
            ApiError::UnsupportedMediaType(_) => ("unsupported-media-type", "Unsupported media type"),
            ApiError::Unavailable(_) => ("unavailable", "Service unavailable"),
            ApiError::Unauthorized(_) => ("unauthorized", "Sign-in required"),
            ApiError::Forbidden(_) => ("forbidden", "Not allowed"),
            ApiError::TooManyRequests { .. } => ("too-many-requests", "Too many attempts"),
            ApiError::Internal(_) => ("internal", "Internal error"),
        }
    }

    pub fn problem(&self) -> Problem {
        let (slug, title) = self.kind();
        let (detail, errors) = match self {
            ApiError::Validation(errs) => {
                let n = errs.len();
                (Some(format!("{n} value{} refused; see errors", if n == 1 { " was" } else { "s were" })), errs.clone())
            }
            ApiError::BadRequest(e) | ApiError::Conflict(e) => (Some(format!("{}: {}", e.field, e.reason)), vec![e.clone()]),
            ApiError::NotFound(what) => (Some(format!("no such {what}, or it is outside your scope")), vec![]),
            ApiError::MethodNotAllowed { allowed } => (Some(format!("this path answers only {}", allowed.join(", "))), vec![]),
            ApiError::PayloadTooLarge { limit } => (Some(format!("the limit is {limit} bytes")), vec![]),
            ApiError::PreconditionFailed(what) => {
                (Some(format!("the {what} changed since you read it; nothing was written — read it again")), vec![])
            }
            ApiError::PreconditionRequired => (
                Some("send the version you read as If-Match (the ETag of the GET), so no change is overwritten".to_owned()),
                vec![FieldError::new("If-Match", "is required")],
            ),
            ApiError::UnsupportedMediaType(msg)
            | ApiError::Unavailable(msg)
            | ApiError::Unauthorized(msg)
            | ApiError::Forbidden(msg) => (Some(msg.clone()), vec![]),
            ApiError::TooManyRequests { retry_after } => {
                (Some(format!("too many failed sign-ins; try again in {retry_after} seconds")), vec![])
            }
            ApiError::Internal(_) => (Some("the error was logged; try again or contact support".to_owned()), vec![]),
        };
        let total = errors.len();
        let mut errors = errors;
        errors.truncate(MAX_ERRORS_SHOWN);
        Problem {
            kind: format!("https://cascade.dev/problems/{slug}"),
            title: title.to_owned(),
            status: self.status_code().as_u16(),
            detail,
            instance: None,
            total_errors: (total > errors.len()).then_some(total as u64),
            errors,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(e) = self {
            tracing::error!(error = ?e, "request failed");
        }
        let mut r = problem_response(&self.problem());
        match self {
            ApiError::Unauthorized(_) => {
                r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"cascade\""));
            }
            ApiError::TooManyRequests { retry_after } => {
                r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
            }
            ApiError::MethodNotAllowed { allowed } => {
                if let Ok(v) = HeaderValue::from_str(&allowed.join(", ")) {
                    r.headers_mut().insert(header::ALLOW, v);
                }
            }
            _ => {}
        }
        r
    }
}

pub fn problem_response(p: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json")))
        .body(serde_json::to_string(p).unwrap_or_default())
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity } => ApiError::NotFound(entity),
            StoreError::Conflict { field, reason } => ApiError::Conflict(FieldError::new(field, reason)),
            StoreError::Invalid { field, reason } => ApiError::Validation(vec![FieldError::new(field, reason)]),
            StoreError::Stale { entity } => ApiError::PreconditionFailed(entity.to_owned()),
            StoreError::Other(e) => ApiError::Internal(anyhow::Error::new(e)),
            StoreError::Corrupt(msg) => ApiError::Internal(anyhow::anyhow!("corrupt data: {msg}")),
        }
    }
}

/// Collects field errors so a request reports all of them at once.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.0.push(FieldError::new(field, reason));
    }

    /// Records the error of a parse, returning its value when it succeeded.
    pub fn check<T, E: std::fmt::Display>(&mut self, field: &str, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(field, e.to_string());
                None
            }
        }
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;

    #[test]
    fn validation_is_problem_json_with_every_field() {
        let mut errs = Errors::default();
        errs.push("name", "must not be empty");
        errs.push("amount", "must not be negative");
        let e = errs.finish().unwrap_err();
        let resp = e.error_response();
        assert_eq!(resp.status(), 422);
        assert_eq!(resp.headers().get("content-type").unwrap(), "application/problem+json");
        let body = resp.into_body().try_into_bytes().unwrap();
        let p: Problem = serde_json::from_slice(&body).unwrap();
        assert_eq!(p.errors.len(), 2);
        assert_eq!(p.errors[1].field, "amount");
    }

    #[test]
    fn internal_causes_are_not_sent() {
        let p = ApiError::Internal(anyhow::anyhow!("password=hunter2 at db")).problem();
        assert!(!serde_json::to_string(&p).unwrap().contains("hunter2"));
        assert_eq!(p.status, 500);
    }

    #[test]
    fn long_error_lists_are_capped_with_a_total() {
        let errs = (0..250).map(|i| FieldError::new(format!("f{i}"), "bad")).collect();
        let p = ApiError::Validation(errs).problem();
        assert_eq!(p.errors.len(), MAX_ERRORS_SHOWN);
        assert_eq!(p.total_errors, Some(250));
    }
}

/// Problem responses as documented in OpenAPI, grouped the way handlers use them.
pub mod docs {
    use cascade_api_types::Problem;
    use utoipa::IntoResponses;

    /// 404: no such object, or it is outside the caller's scope (not told apart).
    #[derive(IntoResponses)]
    #[response(
        status = 404,
        description = "No such object, or it is outside your scope",
        content_type = "application/problem+json"
    )]
    pub struct NotFound(#[allow(dead_code)] Problem);

    /// 400/413/415/422: a body or parameter that cannot be read or is refused.
    #[derive(IntoResponses)]
    #[allow(dead_code)]
    pub enum BadInput {
        #[response(status = 400, description = "The body is not valid JSON", content_type = "application/problem+json")]
        Malformed(Problem),
        #[response(status = 413, description = "The body is over the size limit", content_type = "application/problem+json")]
        TooLarge(Problem),
        #[response(status = 415, description = "The body is not application/json", content_type = "application/problem+json")]
        MediaType(Problem),
        #[response(
            status = 422,
            description = "Values were refused; `errors` names each field and why",
            content_type = "application/problem+json"
        )]
        Refused(Problem),
    }

    /// 422 alone: a refused query parameter.
    #[derive(IntoResponses)]
    #[response(
        status = 422,
        description = "A query parameter was refused; `errors` names it and why",
        content_type = "application/problem+json"
    )]
    pub struct BadQuery(#[allow(dead_code)] Problem);

    /// 409: a duplicate key or a state rule (e.g. a unit that still has children).
    #[derive(IntoResponses)]
    #[response(
        status = 409,
        description = "Conflicts with what is stored (duplicate key, object still in use)",
        content_type = "application/problem+json"
    )]
    pub struct Conflict(#[allow(dead_code)] Problem);

    /// 412/428: optimistic concurrency on `If-Match`.
    #[derive(IntoResponses)]
    #[allow(dead_code)]
    pub enum Stale {
        #[response(
            status = 412,
            description = "The version in If-Match is no longer current; nothing was written",
            content_type = "application/problem+json"
        )]
        Changed(Problem),
        #[response(status = 428, description = "If-Match is missing", content_type = "application/problem+json")]
        Missing(Problem),
        #[response(
            status = 422,
            description = "If-Match is not a version, or a value was refused; `errors` says which",
            content_type = "application/problem+json"
        )]
        Malformed(Problem),
    }
}
