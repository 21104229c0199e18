//! Nothing panics on input: every numeric value of every request the
//! document describes — each number or decimal string of each request
//! body's published example, and each numeric query parameter — is sent at
//! the extremes (the largest decimal, the largest and smallest 64-bit
//! integers, beyond them, zero, minus one, too many decimals). Every answer
//! must come back, below 500 and as problem details when refused: a dropped
//! connection or a 5xx fails the test.

mod common;

use cascade_core::Role;
use cascade_store::Backend;
use common::{province_plan, read, two_regions, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

macro_rules! both {
    ($($name:ident),+ $(,)?) => {
        mod sqlite { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Sqlite).await).await })+ }
        mod postgres { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Postgres).await).await })+ }
    };
}

both!(every_numeric_value_at_its_extremes_is_answered_below_500);

const NUMBERS: &[&str] = &[
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551616",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "1e400",
    "0",
    "-1",
    "0.5",
];

const DECIMALS: &[&str] = &[
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "9999999999999.99",
    "-9999999999999.99",
    "10000000000000",
    "0.0000000000000000000000000001",
    "1e400",
    "0",
    "-0.01",
    "100",
];

/// Every path of a numeric leaf in `v`: JSON numbers, and strings that
/// read as decimals (money, percentages, points).
fn numeric_leaves(v: &Value, at: &mut Vec<String>, out: &mut Vec<(Vec<String>, bool)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                at.push(k.clone());
                numeric_leaves(x, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                at.push(i.to_string());
                numeric_leaves(x, at, out);
                at.pop();
            }
        }
        Value::Number(_) => out.push((at.clone(), false)),
        Value::String(s) if s.parse::<f64>().is_ok() => out.push((at.clone(), true)),
        _ => {}
    }
}

fn set(v: &mut Value, path: &[String], to: Value) {
    let mut cur = v;
    for k in path {
        cur = match cur {
            Value::Object(m) => m.get_mut(k).unwrap(),
            Value::Array(a) => &mut a[k.parse::<usize>().unwrap()],
            _ => unreachable!(),
        };
    }
    *cur = to;
}

async fn every_numeric_value_at_its_extremes_is_answered_below_500(app: TestApp) {
    let fx = two_regions(&app).await;
    let (plan, _) = province_plan(&app, &fx).await;
    let (_, lines) = app.get(&format!("/api/v1/plans/{plan}/lines")).await;
    let line = lines[0]["id"].as_i64().unwrap();
    let (_, opps) = app.get(&format!("/api/v1/opportunities?customer_id={}", fx.cb)).await;
    let opp = opps["items"][0]["id"].as_i64().unwrap();
    let (_, visits) = app.get(&format!("/api/v1/visits?customer_id={}", fx.cb)).await;
    let visit = visits["items"][0]["id"].as_i64().unwrap();
    let field = app
        .create(
            "/api/v1/custom-fields",
            json!({"entity": "customer", "key": "tier", "label_zh": "分层", "label_en": "Tier", "field_type": "text"}),
        )
        .await;
    let user = app.add_user("pm.a", Role::ProvinceManager, fx.pa, None).await;
    let id_of = |path: &str| -> Option<i64> {
        let table = [
            ("/api/v1/org-units/", fx.pa),
            ("/api/v1/reps/", fx.ea),
            ("/api/v1/users/", user),
            ("/api/v1/customers/", fx.ca),
            ("/api/v1/opportunities/", opp),
            ("/api/v1/visits/", visit),
            ("/api/v1/custom-fields/", field),
            ("/api/v1/product-lines/", fx.pl),
            ("/api/v1/plans/", plan),
        ];
        table.iter().find(|(p, _)| path.starts_with(p)).map(|(_, id)| *id)
    };
    let doc: Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    let (mut calls, mut failures) = (0, Vec::new());
    for (template, item) in doc["paths"].as_object().unwrap() {
        let path = template
            .replace("{id}", &id_of(template).unwrap_or(1).to_string())
            .replace("{line_id}", &line.to_string())
            .replace("{role}", "rep")
            .replace("{key}", "2026-Q4")
            .replace("{kind}", "customers")
            .replace("{evidence_id}", "1");
        for (method, op) in item.as_object().unwrap() {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let mut requests: Vec<(String, Option<Value>)> = Vec::new();
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            if let Some(r) = schema["$ref"].as_str() {
                let component = &doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")];
                let example = component["examples"][0].clone();
                let mut leaves = Vec::new();
                numeric_leaves(&example, &mut Vec::new(), &mut leaves);
                for (leaf, decimal) in leaves {
                    for x in if decimal { DECIMALS } else { NUMBERS } {
                        let mut body = example.clone();
                        let to =
                            if decimal { Value::String((*x).to_owned()) } else { serde_json::from_str(x).unwrap_or(Value::Null) };
                        set(&mut body, &leaf, to);
                        requests.push((path.clone(), Some(body)));
                    }
                }
            }
            for p in op["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == "query") {
                let ty = &p["schema"]["type"];
                if ty == "integer" || ty.as_array().is_some_and(|t| t.contains(&"integer".into())) {
                    for x in NUMBERS {
                        requests.push((format!("{path}?{}={x}", p["name"].as_str().unwrap()), None));
                    }
                }
            }
            for (url, body) in requests {
                // Plan writes carry the version they were computed from, so
                // the values reach the arithmetic instead of a 412.
                let version = if template.contains("{line_id}") {
                    let (_, lines) = app.get(&format!("/api/v1/plans/{plan}/lines")).await;
                    lines.as_array().unwrap().iter().find(|l| l["id"] == line).map(|l| l["version"].clone())
                } else {
                    Some(app.get(&format!("/api/v1/plans/{plan}")).await.1["version"].clone())
                };
                let version = version.and_then(|v| v.as_i64()).unwrap_or(0);
                let mut r = app.client.request(m.clone(), app.url(&url)).header("If-Match", format!("\"{version}\""));
                if let Some(b) = &body {
                    r = r.header("content-type", "application/json").body(b.to_string());
                }
                calls += 1;
                match r.send().await {
                    Err(e) => failures.push(format!("{method} {url} {body:?}: no answer ({e})")),
                    Ok(resp) => {
                        let status = resp.status().as_u16();
                        let (_, v) = read(resp).await;
                        if status >= 500 {
                            failures.push(format!("{method} {url} {body:?}: {status} {v}"));
                        }
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {calls} calls failed:\n{}", failures.len(), failures.join("\n"));
    assert!(calls > 500, "only {calls} calls");
    println!("extremes: {calls} calls, all answered below 500");
}
