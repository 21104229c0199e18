//! `openapi/openapi.json` is generated from the routes and committed. This
//! test fails when the committed file differs from what the code generates;
//! `make openapi` rewrites it.

use std::path::PathBuf;

#[test]
fn committed_openapi_document_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../openapi/openapi.json");
    let generated = cascade_server::openapi::render();
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == generated, "openapi/openapi.json is stale: run `make openapi` and commit the result");
}

#[test]
fn every_operation_documents_its_errors() {
    let doc: serde_json::Value = serde_json::from_str(&cascade_server::openapi::render()).unwrap();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.keys().any(|k| k.starts_with('2')), "{method} {path} has no success response");
            if path.contains("{id}") {
                assert!(responses.contains_key("404"), "{method} {path} must document 404");
            }
            if matches!(method.as_str(), "post" | "patch" | "put") {
                assert!(responses.contains_key("422"), "{method} {path} must document 422");
            }
            for (code, r) in responses {
                if code.starts_with('4') || code.starts_with('5') {
                    assert!(r["content"]["application/problem+json"].is_object(), "{method} {path} {code} must be problem+json");
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} operations documented");
}
