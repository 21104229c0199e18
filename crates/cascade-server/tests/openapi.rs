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

/// Every operation has its own operationId that says what it works on,
/// so a generated client reads `list_customers`, not `list`.
#[test]
fn operation_ids_are_unique_and_name_their_resource() {
    let doc: serde_json::Value = serde_json::from_str(&cascade_server::openapi::render()).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(seen.insert(id.to_owned()), "operationId {id} is used twice");
            assert!(
                !matches!(id, "list" | "create" | "get_one" | "update" | "remove" | "history" | "lines" | "submit" | "approve"),
                "{method} {path}: operationId {id} does not say what it works on"
            );
        }
    }
}

/// What the document promises of input, checked where a client reads it:
/// bounded pages, sort keys, request examples and If-Match.
#[test]
fn constraints_are_in_the_schemas() {
    let doc: serde_json::Value = serde_json::from_str(&cascade_server::openapi::render()).unwrap();
    let resolve = |s: &serde_json::Value| -> serde_json::Value {
        match s["$ref"].as_str() {
            Some(r) => doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")].clone(),
            None => s.clone(),
        }
    };
    let mut lists = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let param = |name: &str| params.iter().find(|p| p["name"] == name).cloned();
            if let Some(limit) = param("limit") {
                lists += 1;
                assert_eq!(
                    (limit["schema"]["minimum"].as_u64(), limit["schema"]["maximum"].as_u64()),
                    (Some(1), Some(500)),
                    "{path}"
                );
                let sort = param("sort").unwrap_or_else(|| panic!("{path} pages without sort"));
                assert!(sort["schema"]["enum"].as_array().is_some_and(|e| e.contains(&"id".into())), "{path}: {sort}");
                assert_eq!(resolve(&param("order").unwrap()["schema"])["enum"], serde_json::json!(["asc", "desc"]), "{path}");
            }
            if let Some(m) = param("If-Match") {
                assert_eq!(m["required"], true, "{method} {path}");
                assert!(m["schema"]["pattern"].is_string(), "{method} {path}");
            }
            if let Some(body) = op["requestBody"]["content"]["application/json"]["schema"].as_object() {
                let schema = resolve(&serde_json::Value::Object(body.clone()));
                assert!(
                    schema["examples"].is_array() || schema["example"].is_object(),
                    "{method} {path}: the request body has no example"
                );
            }
        }
    }
    assert!(lists >= 12, "only {lists} lists");
    for (name, pattern) in [("Period", r"Q[1-4]"), ("Money", r"[0-9]{0,12}"), ("Code", "64")] {
        assert!(doc["components"]["schemas"][name]["pattern"].as_str().unwrap().contains(pattern), "{name}");
    }
}
