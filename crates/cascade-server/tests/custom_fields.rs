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

both!(custom_fields_end_to_end, custom_fields_travel_in_imports_and_exports);

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

async fn import(app: &TestApp, kind: &str, csv: String) -> (u16, serde_json::Value) {
    let r = app
        .client
        .post(app.url(&format!("/api/v1/imports?kind={kind}&wait=true")))
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    read(r).await
}

async fn custom_fields_travel_in_imports_and_exports(app: TestApp) {
    app.create("/api/v1/org-units", json!({"code": "P-A", "name": "广东", "kind": "province", "parent_id": app.hq})).await;
    let def = |key: &str, t: &str, required: bool, choices: serde_json::Value| json!({"entity": "customer", "key": key, "label_zh": "字段", "label_en": "Field", "field_type": t, "required": required, "choices": choices});
    app.create("/api/v1/custom-fields", def("beds", "number", true, json!([]))).await;
    app.create("/api/v1/custom-fields", def("tier", "choice", false, json!(["gold", "silver"]))).await;
    let header = "code,name,grade,province,city,unit_code,owner_employee_no,stage,custom.beds,custom.tier";
    // Every bad cell is named with its row; nothing is written.
    let bad = format!(
        "{header}\nH1,中山一院,三甲,广东,广州,P-A,,not_engaged,many,bronze\nH2,省医,三甲,广东,广州,P-A,,not_engaged,,gold\n"
    );
    let (s, p) = import(&app, "customers", bad).await;
    assert_eq!(s, 422, "{p}");
    let got: Vec<(String, u64)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["row"].as_u64().unwrap()))
        .collect();
    assert_eq!(got, [("custom.beds".to_owned(), 2), ("custom.tier".to_owned(), 2), ("custom.beds".to_owned(), 3)]);
    assert_eq!(app.get("/api/v1/customers").await.1["items"].as_array().unwrap().len(), 0);
    let (s, p) =
        import(&app, "customers", format!("{header},custom.colour\nH1,中山一院,三甲,广东,广州,P-A,,not_engaged,1200,gold,red\n"))
            .await;
    assert_eq!((s, common::fields(&p)), (422, vec!["custom.colour".to_owned()]));
    // A good file.
    let good = format!(
        "{header}\nH1,中山一院,三甲,广东,广州,P-A,,not_engaged,1200,gold\nH2,省医,三甲,广东,广州,P-A,,not_engaged,0300,\n"
    );
    let (s, job) = import(&app, "customers", good).await;
    assert_eq!((s, job["rows_changed"].as_u64()), (200, Some(2)), "{job}");
    let (_, l) = app.get("/api/v1/customers?sort=code").await;
    assert_eq!(l["items"][0]["custom"], json!({"beds": 1200, "tier": "gold"}));
    assert_eq!(l["items"][1]["custom"], json!({"beds": 300}));
    // The export carries every defined field; importing it back changes nothing.
    let export = app.client.get(app.url("/api/v1/exports/customers")).send().await.unwrap().text().await.unwrap();
    let first = export.trim_start_matches('\u{feff}').lines().next().unwrap().to_owned();
    assert!(first.ends_with(",custom.beds,custom.tier"), "{first}");
    assert!(export.contains(",1200,gold"), "{export}");
    let (s, job) = import(&app, "customers", export).await;
    assert_eq!((s, job["rows_changed"].as_u64()), (200, Some(0)), "{job}");
    // A file that names only some fields leaves the others alone.
    let (s, job) = import(
        &app,
        "customers",
        "code,name,grade,province,city,unit_code,stage,custom.beds\nH1,中山一院,三甲,广东,广州,P-A,not_engaged,1300\n".into(),
    )
    .await;
    assert_eq!((s, job["rows_changed"].as_u64()), (200, Some(1)));
    let (_, l) = app.get("/api/v1/customers?sort=code").await;
    assert_eq!(l["items"][0]["custom"], json!({"beds": 1300, "tier": "gold"}));
    // Kinds without custom fields refuse such columns in the header.
    let (s, p) = import(&app, "org_units", "code,name,kind,parent_code,custom.x\nP-B,广西,province,HQ,1\n".into()).await;
    assert_eq!((s, common::fields(&p)), (422, vec!["custom.x".to_owned()]));
}
