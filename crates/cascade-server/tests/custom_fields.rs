//! Custom fields over HTTP: defined by an admin, validated on every write,
//! merged by PATCH, filterable in lists, and removed with their values.

mod common;

use cascade_core::Role;
use cascade_store::Backend;
use common::{fields, read, TestApp};
use serde_json::json;

macro_rules! both {
    ($($name:ident),+ $(,)?) => {
        mod sqlite { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Sqlite).await).await })+ }
        mod postgres { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Postgres).await).await })+ }
    };
}

both!(custom_fields_end_to_end);

async fn custom_fields_end_to_end(app: TestApp) {
    let pa =
        app.create("/api/v1/org-units", json!({"code": "P-A", "name": "广东", "kind": "province", "parent_id": app.hq})).await;
    let def = |key: &str, t: &str, required: bool, choices: serde_json::Value| json!({"entity": "customer", "key": key, "label_zh": "字段", "label_en": "Field", "field_type": t, "required": required, "choices": choices});
    let tier = app.create("/api/v1/custom-fields", def("tier", "choice", false, json!(["gold", "silver"]))).await;
    app.create("/api/v1/custom-fields", def("beds", "number", true, json!([]))).await;
    // Bad definitions name the field.
    let (s, p) = app.post("/api/v1/custom-fields", def("Bad Key", "choice", false, json!([]))).await;
    assert_eq!((s, fields(&p)), (422, vec!["key".to_owned(), "choices".to_owned()]));
    let (s, p) = app.post("/api/v1/custom-fields", def("tier", "text", false, json!([]))).await;
    assert_eq!((s, fields(&p)), (409, vec!["key".to_owned()]));
    let customer = |code: &str, custom: serde_json::Value| json!({"code": code, "name": "医院", "grade": "三甲", "province": "广东", "city": "广州", "unit_id": pa, "custom": custom});
    // Required, typed, known keys only.
    let (s, p) = app.post("/api/v1/customers", customer("H1", json!({"tier": "bronze", "colour": "red"}))).await;
    assert_eq!(s, 422);
    assert_eq!(fields(&p), ["custom.colour", "custom.tier", "custom.beds"]);
    let (s, c) = app.post("/api/v1/customers", customer("H1", json!({"tier": "gold", "beds": 1200}))).await;
    assert_eq!((s, c["custom"].clone()), (201, json!({"beds": 1200, "tier": "gold"})));
    let h1 = c["id"].as_i64().unwrap();
    app.create("/api/v1/customers", customer("H2", json!({"tier": "silver", "beds": 300}))).await;
    // PATCH merges; null clears; a required field cannot be cleared.
    let (s, c) = app.patch(&format!("/api/v1/customers/{h1}"), json!({"custom": {"tier": null}})).await;
    assert_eq!((s, c["custom"].clone()), (200, json!({"beds": 1200})));
    let (s, p) = app.patch(&format!("/api/v1/customers/{h1}"), json!({"custom": {"beds": null}})).await;
    assert_eq!((s, fields(&p)), (422, vec!["custom.beds".to_owned()]));
    app.patch(&format!("/api/v1/customers/{h1}"), json!({"custom": {"tier": "gold"}})).await;
    // Filters.
    let (s, l) = app.get("/api/v1/customers?custom.tier=gold").await;
    assert_eq!(s, 200);
    assert_eq!(l["items"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect::<Vec<_>>(), ["H1"]);
    let (s, l) = app.get("/api/v1/customers?custom.beds=300").await;
    assert_eq!((s, l["items"][0]["code"].as_str()), (200, Some("H2")));
    let (s, p) = app.get("/api/v1/customers?custom.colour=red").await;
    assert_eq!((s, fields(&p)), (422, vec!["custom.colour".to_owned()]));
    let (s, _) = app.get("/api/v1/customers?colour=red").await;
    assert_eq!(s, 422, "other unknown parameters are still refused");
    // A choice still in use cannot be withdrawn; an unused one can.
    let (s, p) = app.patch(&format!("/api/v1/custom-fields/{tier}"), json!({"choices": ["silver"]})).await;
    assert_eq!(s, 409, "{p}");
    let (s, f) = app.patch(&format!("/api/v1/custom-fields/{tier}"), json!({"choices": ["gold", "silver", "bronze"]})).await;
    assert_eq!((s, f["choices"].as_array().unwrap().len()), (200, 3));
    // A rep moving a stage cannot touch custom values.
    let rep = app
        .create(
            "/api/v1/reps",
            json!({"employee_no": "E1", "name": "张三", "unit_id": pa, "rating": "B", "hire_date": "2024-01-01"}),
        )
        .await;
    app.patch(&format!("/api/v1/customers/{h1}"), json!({"owner_rep_id": rep})).await;
    app.add_user("rep.a", Role::Rep, pa, Some(rep)).await;
    let me = app.login("rep.a").await;
    let r =
        me.patch(app.url(&format!("/api/v1/customers/{h1}"))).json(&json!({"custom": {"tier": "silver"}})).send().await.unwrap();
    assert_eq!(read(r).await.0, 403);
    // Deleting the field deletes its values.
    assert_eq!(app.delete(&format!("/api/v1/custom-fields/{tier}")).await, 204);
    let (_, c) = app.get(&format!("/api/v1/customers/{h1}")).await;
    assert_eq!(c["custom"], json!({"beds": 1200}));
    // The OpenAPI document describes `custom` as an open object.
    let (_, doc) = app.get("/api/openapi.json").await;
    let custom = &doc["components"]["schemas"]["Customer"]["properties"]["custom"];
    assert_eq!(custom["type"], "object", "{custom}");
}
