//! Calls to the Cascade server, and the words a person sees when one fails.
//!
//! Paths are absolute and same-origin: the server that serves this app also
//! answers its API, so there is no base URL to configure and no CORS.

use cascade_api_types::{Company, Health};
use gloo_net::http::Request;
use serde::de::DeserializeOwned;
use serde::Deserialize;

pub const HEALTH_PATH: &str = "/healthz";
pub const COMPANY_PATH: &str = "/api/v1/company";

/// Why a request gave no usable value. Each variant keeps the path so that a
/// screenshot of the error tells which call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("无法连接服务器 / Cannot reach the server: {reason} · GET {path}")]
    Network { path: &'static str, reason: String },
    #[error("{message} · GET {path}")]
    Status { path: &'static str, status: u16, message: String },
    #[error("响应格式不正确 / Unexpected response: {reason} · GET {path}")]
    Decode { path: &'static str, reason: String },
}

pub async fn get_health() -> Result<Health, ApiError> {
    get_json(HEALTH_PATH).await
}

pub async fn get_company() -> Result<Company, ApiError> {
    get_json(COMPANY_PATH).await
}

async fn get_json<T: DeserializeOwned>(path: &'static str) -> Result<T, ApiError> {
    let response = Request::get(path)
        .header("Accept", "application/json, application/problem+json")
        .send()
        .await
        .map_err(|e| ApiError::Network { path, reason: e.to_string() })?;
    if !response.ok() {
        let status = response.status();
        // An unreadable body must not hide the status, so it degrades to "".
        let body = response.text().await.unwrap_or_default();
        return Err(ApiError::Status { path, status, message: problem_message(status, &response.status_text(), &body) });
    }
    response.json::<T>().await.map_err(|e| ApiError::Decode { path, reason: e.to_string() })
}

/// Only the human-readable members of RFC 9457 problem details, all optional.
/// Deliberately looser than `cascade_api_types::Problem`: a proxy's or an
/// older server's partial problem body should still yield its words.
#[derive(Deserialize)]
struct ProblemText {
    title: Option<String>,
    detail: Option<String>,
}

/// What to tell a person about a non-2xx answer: the problem's `title` and
/// `detail` when the body is problem+json, else the bare HTTP status (an HTML
/// error page from a proxy is not worth echoing).
pub fn problem_message(status: u16, status_text: &str, body: &str) -> String {
    let fallback = || match status_text.trim() {
        "" => format!("HTTP {status}"),
        text => format!("HTTP {status} {text}"),
    };
    let Ok(problem) = serde_json::from_str::<ProblemText>(body) else {
        return fallback();
    };
    let words = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s: &String| !s.is_empty());
    match (words(problem.title), words(problem.detail)) {
        (Some(title), Some(detail)) if title != detail => format!("{title}: {detail}"),
        (_, Some(detail)) => detail,
        (Some(title), None) => title,
        (None, None) => fallback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_detail_are_both_shown() {
        let body =
            r#"{"type":"https://cascade.example/problems/not-found","title":"Not found","status":404,"detail":"No org unit 7"}"#;
        assert_eq!(problem_message(404, "Not Found", body), "Not found: No org unit 7");
    }

    #[test]
    fn detail_alone_or_equal_to_title_is_shown_once() {
        assert_eq!(problem_message(409, "", r#"{"detail":"已存在"}"#), "已存在");
        assert_eq!(problem_message(409, "", r#"{"title":"Conflict","detail":"Conflict"}"#), "Conflict");
    }

    #[test]
    fn title_alone_is_shown() {
        assert_eq!(problem_message(401, "Unauthorized", r#"{"title":"登录已过期","detail":"  "}"#), "登录已过期");
    }

    #[test]
    fn non_problem_bodies_fall_back_to_the_status() {
        assert_eq!(problem_message(502, "Bad Gateway", "<html>nginx</html>"), "HTTP 502 Bad Gateway");
        assert_eq!(problem_message(500, "", ""), "HTTP 500");
        assert_eq!(problem_message(503, " ", "{}"), "HTTP 503");
        assert_eq!(problem_message(400, "", "[1,2]"), "HTTP 400");
    }

    #[test]
    fn errors_name_the_failed_call() {
        let status = ApiError::Status { path: COMPANY_PATH, status: 404, message: "Not found".into() };
        assert_eq!(status.to_string(), "Not found · GET /api/v1/company");
        let network = ApiError::Network { path: HEALTH_PATH, reason: "TypeError: Failed to fetch".into() };
        assert!(network.to_string().contains("Cannot reach the server"));
        assert!(network.to_string().ends_with("GET /healthz"));
    }
}
