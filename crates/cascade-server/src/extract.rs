//! Request extractors that refuse bad input with problem details naming the
//! field: JSON bodies (size-limited, unknown fields refused, errors carry the
//! path of the bad value) and query strings (unknown parameters refused).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{web, FromRequest, HttpRequest};
use cascade_api_types::FieldError;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest JSON body, set once at start-up as app data.
#[derive(Debug, Clone, Copy)]
pub struct JsonLimit(pub usize);

/// A JSON request body.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req.app_data::<JsonLimit>().map_or(256 * 1024, |l| l.0);
        let content_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
        let declared = req.headers().get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !(content_type.starts_with("application/json") || content_type.contains("+json")) {
                return Err(ApiError::UnsupportedMediaType("send the body as application/json".to_owned()));
            }
            if declared.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge { limit: limit as u64 });
            }
            let bytes = body.await.map_err(|e| {
                if e.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge { limit: limit as u64 }
                } else {
                    ApiError::BadRequest(FieldError::new("body", e.to_string()))
                }
            })?;
            if bytes.len() > limit {
                return Err(ApiError::PayloadTooLarge { limit: limit as u64 });
            }
            parse_json(&bytes).map(Json)
        })
    }
}

/// Deserializes, reporting the JSON path of the offending value. Syntax
/// errors are 400; values of the wrong type or refused by a domain parser are 422.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(cascade_api_types::strict::ObjectsOnly(de)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let reason = strip_position(&inner.to_string());
        match inner.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof | serde_json::error::Category::Io => {
                ApiError::BadRequest(FieldError::new("body", format!("is not valid JSON: {reason}")))
            }
            serde_json::error::Category::Data => {
                let (field, reason) = name_the_field(&path, &reason);
                ApiError::Validation(vec![FieldError::new(field, reason)])
            }
        }
    })
}

/// serde reports unknown and missing fields at the parent's path; name the
/// field itself so a client can point at it.
fn name_the_field(path: &str, reason: &str) -> (String, String) {
    let quoted = reason.split('`').nth(1);
    let join = |name: &str| if path == "." || path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
    if let (true, Some(name)) = (reason.starts_with("unknown field"), quoted) {
        // The path of an unknown field already ends with its name.
        let field = if path == name || path.ends_with(&format!(".{name}")) { path.to_owned() } else { join(name) };
        return (field, "is not a field of this request".to_owned());
    }
    if let (true, Some(name)) = (reason.starts_with("missing field"), quoted) {
        return (join(name), "is required".to_owned());
    }
    let field = if path == "." || path.is_empty() { "body".to_owned() } else { path.to_owned() };
    (field, reason.to_owned())
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

/// A query string; unknown parameters are refused so a misspelt filter is
/// an error instead of a silently unfiltered list.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

pub fn parse_query<T: DeserializeOwned>(qs: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(qs));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let reason = e.into_inner().to_string();
        let (field, reason) = name_the_field(&path, &reason);
        ApiError::Validation(vec![FieldError::new(field, reason)])
    })
}

fn form_urlencoded_parse(qs: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(qs.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        amount: cascade_core::Money,
    }

    fn field(e: ApiError) -> (u16, String, String) {
        let p = e.problem();
        (p.status, p.errors[0].field.clone(), p.errors[0].reason.clone())
    }

    #[test]
    fn names_unknown_missing_and_bad_fields() {
        assert_eq!(field(parse_json::<Body>(br#"{"name":"a","nmae":1}"#).err().unwrap()).1, "nmae");
        let (status, f, r) = field(parse_json::<Body>(br#"{}"#).err().unwrap());
        assert_eq!((status, f.as_str(), r.as_str()), (422, "name", "is required"));
        let (_, f, r) = field(parse_json::<Body>(br#"{"name":"a","inner":{"amount":"1.001"}}"#).err().unwrap());
        assert_eq!(f, "inner.amount");
        assert!(r.contains("two decimal places"), "{r}");
        let (_, f, _) = field(parse_json::<Body>(br#"{"name":"a","inner":{"amount":"1","x":2}}"#).err().unwrap());
        assert_eq!(f, "inner.x");
        let (status, f, _) = field(parse_json::<Body>(b"{oops").err().unwrap());
        assert_eq!((status, f.as_str()), (400, "body"));
    }

    #[test]
    fn arrays_never_pass_for_objects() {
        let (status, f, r) = field(parse_json::<Body>(br#"["a"]"#).err().unwrap());
        assert_eq!((status, f.as_str()), (422, "body"), "{r}");
        let (status, f, _) = field(parse_json::<Body>(br#"{"name":"a","inner":["1.00"]}"#).err().unwrap());
        assert_eq!((status, f.as_str()), (422, "inner"));
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Q {
        limit: Option<u32>,
    }

    #[test]
    fn query_refuses_unknown_and_bad_values() {
        assert!(parse_query::<Q>("limit=5").is_ok());
        assert_eq!(field(parse_query::<Q>("limt=5").err().unwrap()).1, "limt");
        assert_eq!(field(parse_query::<Q>("limit=x").err().unwrap()).1, "limit");
    }
}
