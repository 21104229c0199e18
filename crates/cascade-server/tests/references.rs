//! The route × role matrix for references: every body field, list filter
//! and import column that names another object by id or natural key, sent
//! by callers confined to region A (a region manager, and an admin whose
//! scope is region A) with three values: an object of region A, one of
//! region B, and one that does not exist. Region B's object must answer
//! exactly as the missing one (same status, same problem, the value aside),
//! be refused, and change nothing of region B; region A's object is taken
//! wherever the caller's role allows the call.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};

use cascade_core::Role;
use cascade_store::Backend;
use common::{province_plan, read, two_regions, Regions, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

macro_rules! both {
    ($($name:ident),+ $(,)?) => {
        mod sqlite { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Sqlite).await).await })+ }
        mod postgres { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Postgres).await).await })+ }
    };
}

both!(every_reference_outside_the_scope_answers_as_a_missing_one);

static SEQ: AtomicU32 = AtomicU32::new(0);

fn next() -> u32 {
    SEQ.fetch_add(1, Ordering::Relaxed)
}

/// What a reference names: ids or natural keys of region A, of region B,
/// and of nothing.
#[derive(Clone, Copy)]
struct Names<'a> {
    inside: &'a str,
    outside: &'a str,
    missing: &'a str,
}

/// One call with the reference spliced in for `@`.
struct Call {
    method: Method,
    path: String,
    body: Option<String>,
    csv: bool,
    if_match: Option<i64>,
}

type Make = Box<dyn Fn(u32) -> (Method, String, Option<String>)>;

struct Case<'a> {
    name: &'static str,
    names: Names<'a>,
    /// Whether region A's object is taken (some calls are refused for other
    /// reasons whatever the reference, e.g. a unit without an approved
    /// parent plan).
    inside_taken: bool,
    make: Make,
}

async fn send(client: &reqwest::Client, app: &TestApp, call: &Call) -> (u16, String) {
    let mut r = client.request(call.method.clone(), app.url(&call.path));
    if let Some(b) = &call.body {
        r = r.header("content-type", if call.csv { "text/csv" } else { "application/json" }).body(b.clone());
    }
    if let Some(v) = call.if_match {
        r = r.header("If-Match", format!("\"{v}\""));
    }
    let (s, mut v) = read(r.send().await.unwrap()).await;
    // An import's problem names its own job, which differs call by call.
    if let Some(o) = v.as_object_mut() {
        o.remove("instance");
    }
    (s, v.to_string())
}

/// Region B as its own region manager sees it: every export, every user and
/// every API token there.
async fn region_b(app: &TestApp, rm_b: &reqwest::Client, rb: i64) -> Vec<String> {
    let mut out = Vec::new();
    for kind in ["org_units", "reps", "customers", "sales_records", "opportunities", "visits"] {
        out.push(rm_b.get(app.url(&format!("/api/v1/exports/{kind}"))).send().await.unwrap().text().await.unwrap());
    }
    out.push(app.get(&format!("/api/v1/users?unit_id={rb}&limit=500")).await.1.to_string());
    let (_, tokens) = app.get("/api/v1/api-tokens?limit=500").await;
    let in_b: Vec<&Value> = tokens["items"].as_array().unwrap().iter().filter(|t| t["unit_id"] == rb).collect();
    out.push(format!("{in_b:?}"));
    out
}

const CUSTOMERS: &str = "code,name,grade,province,city,unit_code,owner_employee_no,stage\n";
const OPPORTUNITIES: &str = "external_id,name,customer_code,owner_employee_no,product_line_code,amount,expected_close,stage\n";
const VISITS: &str = "external_id,employee_no,customer_code,visit_date,kind\n";

/// An import of `kind` whose file is `file(k)`.
fn import(kind: &'static str, file: fn(u32) -> String) -> Make {
    Box::new(move |k| (Method::POST, format!("/api/v1/imports?kind={kind}&wait=true"), Some(file(k))))
}

fn json(m: Method, path: String, body: String) -> (Method, String, Option<String>) {
    (m, path, Some(body))
}

fn get(path: String) -> (Method, String, Option<String>) {
    (Method::GET, path, None)
}

fn cases<'a>(fx: &'a Regions, ids: &'a Ids) -> Vec<Case<'a>> {
    let n = |inside: &'a str, outside: &'a str| Names { inside, outside, missing: "987654321" };
    let code = |inside: &'a str, outside: &'a str, missing: &'a str| Names { inside, outside, missing };
    let units = n(&ids.pa, &ids.pb);
    let regions = n(&ids.ra, &ids.rb);
    let reps = n(&ids.ea, &ids.eb);
    let customers = n(&ids.ca, &ids.cb);
    let (pa, ea, ca, pl, team, user, opp) = (fx.pa, fx.ea, fx.ca, fx.pl, ids.team, ids.user, ids.opp);
    let case = |name, names, inside_taken, make: Make| Case { name, names, inside_taken, make };
    vec![
        case(
            "POST org-units parent_id",
            regions,
            true,
            Box::new(move |k| {
                json(
                    Method::POST,
                    "/api/v1/org-units".into(),
                    format!(r#"{{"code":"T-{k}","name":"小组","kind":"team","parent_id":@}}"#),
                )
            }),
        ),
        case(
            "PATCH org-units parent_id",
            regions,
            true,
            Box::new(move |_| json(Method::PATCH, format!("/api/v1/org-units/{team}"), r#"{"parent_id":@}"#.into())),
        ),
        case(
            "POST reps unit_id",
            units,
            true,
            Box::new(move |k| {
                json(
                    Method::POST,
                    "/api/v1/reps".into(),
                    format!(r#"{{"employee_no":"E-N{k}","name":"新人","unit_id":@,"rating":"C","hire_date":"2026-11-01"}}"#),
                )
            }),
        ),
        case(
            "PATCH reps unit_id",
            units,
            true,
            Box::new(move |_| json(Method::PATCH, format!("/api/v1/reps/{ea}"), r#"{"unit_id":@}"#.into())),
        ),
        case(
            "POST users unit_id",
            units,
            true,
            Box::new(move |k| {
                json(
                    Method::POST,
                    "/api/v1/users".into(),
                    format!(r#"{{"username":"u.{k}","display_name":"新用户","role":"province_manager","unit_id":@}}"#),
                )
            }),
        ),
        case(
            "POST users rep_id",
            reps,
            true,
            Box::new(move |k| {
                json(
                    Method::POST,
                    "/api/v1/users".into(),
                    format!(r#"{{"username":"r.{k}","display_name":"代表","role":"rep","unit_id":{pa},"rep_id":@}}"#),
                )
            }),
        ),
        case(
            "PATCH users unit_id",
            units,
            true,
            Box::new(move |_| json(Method::PATCH, format!("/api/v1/users/{user}"), r#"{"unit_id":@}"#.into())),
        ),
        case(
            "POST customers unit_id",
            units,
            true,
            Box::new(move |k| {
                json(
                    Method::POST,
                    "/api/v1/customers".into(),
                    format!(r#"{{"code":"C-N{k}","name":"新医院","grade":"二甲","province":"广东","city":"佛山","unit_id":@}}"#),
                )
            }),
        ),
        case(
            "POST customers owner_rep_id",
            reps,
            true,
            Box::new(move |k| {
                json(
                    Method::POST,
                    "/api/v1/customers".into(),
                    format!(
                        r#"{{"code":"C-O{k}","name":"新医院","grade":"二甲","province":"广东","city":"佛山","unit_id":{pa},"owner_rep_id":@}}"#
                    ),
                )
            }),
        ),
        case(
            "PATCH customers unit_id",
            units,
            true,
            Box::new(move |_| json(Method::PATCH, format!("/api/v1/customers/{ca}"), r#"{"unit_id":@}"#.into())),
        ),
        case(
            "PATCH customers owner_rep_id",
            reps,
            true,
            Box::new(move |_| json(Method::PATCH, format!("/api/v1/customers/{ca}"), r#"{"owner_rep_id":@}"#.into())),
        ),
        case(
            "POST opportunities customer_id",
            customers,
            true,
            Box::new(move |k| {
                json(
                    Method::POST,
                    "/api/v1/opportunities".into(),
                    format!(
                        r#"{{"external_id":"O-C{k}","name":"商机","customer_id":@,"owner_rep_id":{ea},"product_line_id":{pl},"amount":"10.00","expected_close":"2026-12-30"}}"#
                    ),
                )
            }),
        ),
        case(
            "POST opportunities owner_rep_id",
            reps,
            true,
            Box::new(move |k| {
                json(
                    Method::POST,
                    "/api/v1/opportunities".into(),
                    format!(
                        r#"{{"external_id":"O-R{k}","name":"商机","customer_id":{ca},"owner_rep_id":@,"product_line_id":{pl},"amount":"10.00","expected_close":"2026-12-30"}}"#
                    ),
                )
            }),
        ),
        case(
            "PATCH opportunities owner_rep_id",
            reps,
            true,
            Box::new(move |_| json(Method::PATCH, format!("/api/v1/opportunities/{opp}"), r#"{"owner_rep_id":@}"#.into())),
        ),
        case(
            "POST visits customer_id",
            customers,
            true,
            Box::new(move |k| {
                json(
                    Method::POST,
                    "/api/v1/visits".into(),
                    format!(
                        r#"{{"external_id":"V-C{k}","rep_id":{ea},"customer_id":@,"visit_date":"2026-11-25","kind":"phone"}}"#
                    ),
                )
            }),
        ),
        case(
            "POST visits rep_id",
            reps,
            true,
            Box::new(move |k| {
                json(
                    Method::POST,
                    "/api/v1/visits".into(),
                    format!(
                        r#"{{"external_id":"V-R{k}","rep_id":@,"customer_id":{ca},"visit_date":"2026-11-25","kind":"phone"}}"#
                    ),
                )
            }),
        ),
        case(
            "POST sales-records customer_id",
            customers,
            true,
            Box::new(move |k| {
                json(
                    Method::POST,
                    "/api/v1/sales-records".into(),
                    format!(
                        r#"{{"doc_id":"S-N{k}","customer_id":@,"product_line_id":{pl},"booked_on":"2026-11-02","amount":"10.00"}}"#
                    ),
                )
            }),
        ),
        case(
            "POST api-tokens unit_id",
            units,
            true,
            Box::new(move |k| {
                json(Method::POST, "/api/v1/api-tokens".into(), format!(r#"{{"name":"同步 {k}","role":"rep","unit_id":@}}"#))
            }),
        ),
        case(
            "POST plans unit_id",
            units,
            false,
            Box::new(move |_| json(Method::POST, "/api/v1/plans".into(), r#"{"unit_id":@,"period":"2027-03"}"#.into())),
        ),
        case(
            "POST fairness rep_id",
            reps,
            true,
            Box::new(move |k| {
                json(
                    Method::POST,
                    "/api/v1/fairness".into(),
                    format!(r#"{{"rep_id":@,"quarter":"{}-Q{}","score":7}}"#, 2031 + k / 4, k % 4 + 1),
                )
            }),
        ),
        case("GET customers unit_id", units, true, Box::new(|_| get("/api/v1/customers?unit_id=@".into()))),
        case("GET customers owner_rep_id", reps, true, Box::new(|_| get("/api/v1/customers?owner_rep_id=@".into()))),
        case("GET opportunities customer_id", customers, true, Box::new(|_| get("/api/v1/opportunities?customer_id=@".into()))),
        case("GET opportunities owner_rep_id", reps, true, Box::new(|_| get("/api/v1/opportunities?owner_rep_id=@".into()))),
        case("GET visits customer_id", customers, true, Box::new(|_| get("/api/v1/visits?customer_id=@".into()))),
        case("GET visits rep_id", reps, true, Box::new(|_| get("/api/v1/visits?rep_id=@".into()))),
        case("GET sales-records customer_id", customers, true, Box::new(|_| get("/api/v1/sales-records?customer_id=@".into()))),
        case("GET reps unit_id", units, true, Box::new(|_| get("/api/v1/reps?unit_id=@".into()))),
        case("GET users unit_id", units, true, Box::new(|_| get("/api/v1/users?unit_id=@".into()))),
        case("GET org-units under", units, true, Box::new(|_| get("/api/v1/org-units?under=@".into()))),
        case("GET plans unit_id", units, true, Box::new(|_| get("/api/v1/plans?unit_id=@".into()))),
        case(
            "GET metrics attainment unit_id",
            units,
            true,
            Box::new(|_| get("/api/v1/metrics/attainment?unit_id=@&period=2026-Q4".into())),
        ),
        case("GET reps target", reps, true, Box::new(|_| get("/api/v1/reps/@/target?period=2026-Q4".into()))),
        // Import files: each column that names another object.
        case(
            "import org_units parent_code",
            code("R-A", "R-B", "R-NONE"),
            true,
            import("org_units", |k| format!("code,name,kind,parent_code\nT-I{k},小组,team,@\n")),
        ),
        case(
            "import reps unit_code",
            code("P-A", "P-B", "P-NONE"),
            true,
            import("reps", |k| {
                format!("employee_no,name,unit_code,rating,hire_date,status,status_since\nE-I{k},新人,@,C,2026-11-01,active,2026-11-01\n")
            }),
        ),
        case(
            "import customers unit_code",
            code("P-A", "P-B", "P-NONE"),
            true,
            import("customers", |k| format!("{CUSTOMERS}C-I{k},新医院,二甲,广东,佛山,@,,not_engaged\n")),
        ),
        case(
            "import customers owner_employee_no",
            code("E-A", "E-B", "E-NONE"),
            true,
            import("customers", |k| format!("{CUSTOMERS}C-J{k},新医院,二甲,广东,佛山,P-A,@,not_engaged\n")),
        ),
        case(
            "import sales_records customer_code",
            code("C-A", "C-B", "C-NONE"),
            true,
            import("sales_records", |k| {
                format!("doc_id,customer_code,product_line_code,booked_on,amount\nS-I{k},@,PL-IMG,2026-11-02,10.00\n")
            }),
        ),
        case(
            "import opportunities customer_code",
            code("C-A", "C-B", "C-NONE"),
            true,
            import("opportunities", |k| format!("{OPPORTUNITIES}O-I{k},商机,@,E-A,PL-IMG,10.00,2026-12-30,lead\n")),
        ),
        case(
            "import opportunities owner_employee_no",
            code("E-A", "E-B", "E-NONE"),
            true,
            import("opportunities", |k| format!("{OPPORTUNITIES}O-J{k},商机,C-A,@,PL-IMG,10.00,2026-12-30,lead\n")),
        ),
        case(
            "import visits customer_code",
            code("C-A", "C-B", "C-NONE"),
            true,
            import("visits", |k| format!("{VISITS}V-I{k},E-A,@,2026-11-22,phone\n")),
        ),
        case(
            "import visits employee_no",
            code("E-A", "E-B", "E-NONE"),
            true,
            import("visits", |k| format!("{VISITS}V-J{k},@,C-A,2026-11-22,phone\n")),
        ),
    ]
}

/// Ids as text, for splicing.
struct Ids {
    ra: String,
    rb: String,
    pa: String,
    pb: String,
    ea: String,
    eb: String,
    ca: String,
    cb: String,
    team: i64,
    user: i64,
    opp: i64,
}

async fn every_reference_outside_the_scope_answers_as_a_missing_one(app: TestApp) {
    let fx = two_regions(&app).await;
    let (plan, _) = province_plan(&app, &fx).await;
    let team =
        app.create("/api/v1/org-units", json!({"code": "T-A", "name": "广州组", "kind": "team", "parent_id": fx.ra})).await;
    let user = app.add_user("pm.a", Role::ProvinceManager, fx.pa, None).await;
    let opp = app
        .create(
            "/api/v1/opportunities",
            json!({"name": "CT", "customer_id": fx.ca, "owner_rep_id": fx.ea, "product_line_id": fx.pl, "amount": "100.00", "expected_close": "2026-12-20"}),
        )
        .await;
    app.add_user("admin.a", Role::Admin, fx.ra, None).await;
    app.add_user("rm.b", Role::RegionManager, fx.rb, None).await;
    let s = |v: i64| v.to_string();
    let ids = Ids {
        ra: s(fx.ra),
        rb: s(fx.rb),
        pa: s(fx.pa),
        pb: s(fx.pb),
        ea: s(fx.ea),
        eb: s(fx.eb),
        ca: s(fx.ca),
        cb: s(fx.cb),
        team,
        user,
        opp,
    };
    let rm_b = app.login("rm.b").await;
    let before = region_b(&app, &rm_b, fx.rb).await;
    let callers = [("region manager", app.login("rm.a").await), ("admin of region A", app.login("admin.a").await)];
    let (mut calls, mut failures) = (0, Vec::new());
    for (who, client) in &callers {
        for case in cases(&fx, &ids) {
            let k = next();
            let (method, path, body) = (case.make)(k);
            let call = |value: &str| Call {
                method: method.clone(),
                path: path.replace('@', value),
                body: body.as_ref().map(|b| b.replace('@', value)),
                csv: path.contains("/imports"),
                if_match: None,
            };
            let (s_out, v_out) = send(client, &app, &call(case.names.outside)).await;
            let (s_missing, v_missing) = send(client, &app, &call(case.names.missing)).await;
            let (s_in, v_in) = send(client, &app, &call(case.names.inside)).await;
            calls += 3;
            let who = format!("{} as {who}", case.name);
            let norm = |v: &str, value: &str| v.replace(&format!("{value} "), "<ref> ").replace(&format!("{value}\""), "<ref>\"");
            if (s_out, norm(&v_out, case.names.outside)) != (s_missing, norm(&v_missing, case.names.missing)) {
                failures.push(format!("{who}: region B answers {s_out} {v_out}, a missing object {s_missing} {v_missing}"));
            }
            if s_out < 400 && method != Method::GET {
                failures.push(format!("{who}: region B's object was taken: {s_out} {v_out}"));
            }
            if method == Method::GET && s_out < 400 && v_out.contains("ZONE-B") {
                failures.push(format!("{who}: LEAK {v_out}"));
            }
            let forbidden = s_in == 403;
            if case.inside_taken && !forbidden && !(200..300).contains(&s_in) {
                failures.push(format!("{who}: region A's object was refused: {s_in} {v_in}"));
            }
        }
    }
    // Calibrations name customers and reps inside the event.
    for (who, client) in &callers {
        let version = app.get(&format!("/api/v1/plans/{plan}")).await.1["version"].as_i64().unwrap();
        for (name, names, event) in [
            (
                "calibration transfer customer_ids",
                Names { inside: &ids.ca, outside: &ids.cb, missing: "987654321" },
                r#"{"kind":"transfer","customer_ids":[@],"to_rep_id":TO,"effective":"2026-12-01"}"#,
            ),
            (
                "calibration hire rep_id",
                Names { inside: &ids.ea, outside: &ids.eb, missing: "987654321" },
                r#"{"kind":"hire","rep_id":@}"#,
            ),
        ] {
            let event = event.replace("TO", &fx.ea2.to_string());
            let call = |value: &str| Call {
                method: Method::POST,
                path: format!("/api/v1/plans/{plan}/calibrations"),
                body: Some(format!(r#"{{"event":{},"reason":"季度中客户变动，重新校准"}}"#, event.replace('@', value))),
                csv: false,
                if_match: Some(version),
            };
            let (s_out, v_out) = send(client, &app, &call(names.outside)).await;
            let (s_missing, v_missing) = send(client, &app, &call(names.missing)).await;
            calls += 2;
            if (s_out, &v_out) != (s_missing, &v_missing) || s_out < 400 {
                failures
                    .push(format!("{name} as {who}: region B answers {s_out} {v_out}, a missing object {s_missing} {v_missing}"));
            }
        }
    }
    if region_b(&app, &rm_b, fx.rb).await != before {
        failures.push("region B changed".to_owned());
    }
    assert!(failures.is_empty(), "{} problems in {calls} calls:\n{}", failures.len(), failures.join("\n"));
    println!("references: {calls} calls, every reference outside the scope answered as a missing one");
}
