//! The route × role matrix: every operation of the published OpenAPI
//! document, called by every role, on an object inside and an object outside
//! the caller's scope. The expected answer is derived, not listed: the
//! permission an operation needs is read from its security requirement in
//! the document, the role's permissions from the server's own matrix, and
//! the scope from where the object lives. Any leak (a scoped caller seeing a
//! region-B or a colleague's object), any wrong status and any out-of-scope
//! or refused write that changed something fails the test.
//!
//! An operation added to the API without a way to call it here fails the
//! test by name, so the matrix grows with the routes.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};

use cascade_core::Role;
use cascade_store::Backend;
use common::{bearer_client, read, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

macro_rules! both {
    ($($name:ident),+ $(,)?) => {
        mod sqlite { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Sqlite).await).await })+ }
        mod postgres { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Postgres).await).await })+ }
    };
}

both!(every_operation_by_every_role_in_and_out_of_scope);

/// Names of everything outside region A carry this marker; of a colleague's
/// records (outside a rep's own), `PEER`.
const ZONE_B: &str = "ZONE-B";
const PEER: &str = "PEER";

/// The fixture: region A (where the scoped callers work) and region B.
struct Fx {
    pa: i64,
    pb: i64,
    ea: i64,
    eb: i64,
    ca: i64,
    cb: i64,
    pl: i64,
    oa: i64,
    ob: i64,
    va: i64,
    vb: i64,
    sa: i64,
    sb: i64,
    user_a: i64,
    user_b: i64,
    job_a: i64,
    job_b: i64,
    /// A custom field of customers.
    field: i64,
    /// Secret of an API token acting as a province manager of P-A.
    token_a: String,
    ra: i64,
    rb: i64,
    /// Approved province plans of 2026-Q4, the lines of E-A and E-B in
    /// them, and an evidence file on each of those lines.
    plan_a: i64,
    plan_b: i64,
    line_a: i64,
    line_b: i64,
    ev_a: i64,
    ev_b: i64,
}

/// Who calls, and which objects are theirs.
struct Actor {
    role: Role,
    client: reqwest::Client,
    permissions: BTreeSet<String>,
    /// Markers this caller must never see.
    forbidden_markers: &'static [&'static str],
    company_wide: bool,
}

static SEQ: AtomicU32 = AtomicU32::new(0);

fn next() -> u32 {
    SEQ.fetch_add(1, Ordering::Relaxed)
}

/// Periods are unique per plan and unit, so every fresh plan gets its own
/// month (and every survey answer its own quarter).
static PERIODS: AtomicU32 = AtomicU32::new(0);

fn fresh_month() -> String {
    let n = PERIODS.fetch_add(1, Ordering::Relaxed);
    format!("{}-{:02}", 2030 + n / 12, n % 12 + 1)
}

fn fresh_quarter() -> String {
    let n = PERIODS.fetch_add(1, Ordering::Relaxed);
    format!("{}-Q{}", 2030 + n / 4, n % 4 + 1)
}

/// A plan write as the admin, with `If-Match`; returns the new version.
async fn admin_plan(app: &TestApp, path: &str, version: i64) -> i64 {
    let r = app.client.post(app.url(path)).header("If-Match", format!("\"{version}\"")).send().await.unwrap();
    let (s, v) = read(r).await;
    assert_eq!(s, 200, "{path}: {v}");
    v["version"].as_i64().unwrap()
}

/// Creates a plan as the admin and walks it through generate, submit and
/// approve as far as `steps` says (0: draft … 3: approved).
async fn plan_at(app: &TestApp, unit: i64, period: &str, total: Option<&str>, steps: usize) -> (i64, i64) {
    let mut body = json!({"unit_id": unit, "period": period});
    if let Some(t) = total {
        body["total"] = json!(t);
    }
    let (s, p) = app.post("/api/v1/plans", body).await;
    assert_eq!(s, 201, "plan of {unit} for {period}: {p}");
    let id = p["id"].as_i64().unwrap();
    let mut v = p["version"].as_i64().unwrap();
    for step in ["generate", "submit", "approve"].iter().take(steps) {
        v = admin_plan(app, &format!("/api/v1/plans/{id}/{step}"), v).await;
    }
    (id, v)
}

/// A fresh month whose company and region plans are approved, and a plan of
/// the province in it walked `steps` far; returns (plan, version, period).
async fn province_plan(app: &TestApp, region: i64, province: i64, steps: usize) -> (i64, i64, String) {
    let period = fresh_month();
    plan_at(app, app.hq, &period, Some("1000000.00"), 3).await;
    plan_at(app, region, &period, None, 3).await;
    let (id, v) = plan_at(app, province, &period, None, steps).await;
    (id, v, period)
}

/// The line of `rep` in a plan, as the admin sees it.
async fn line_of(app: &TestApp, plan: i64, rep: i64) -> Value {
    let (_, lines) = app.get(&format!("/api/v1/plans/{plan}/lines")).await;
    lines.as_array().unwrap().iter().find(|l| l["rep_id"] == rep).cloned().unwrap_or_else(|| panic!("no line of {rep}: {lines}"))
}

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF";

async fn call(client: &reqwest::Client, app: &TestApp, method: Method, c: &Case) -> (u16, Value, String) {
    let mut req = client.request(method, app.url(&c.path));
    match &c.body {
        Some(Body::Json(v)) => req = req.json(v),
        Some(Body::Csv(text)) => req = req.header("content-type", "text/csv").body(text.clone()),
        Some(Body::Raw(ct, bytes)) => req = req.header("content-type", *ct).body(bytes.clone()),
        None => {}
    }
    if let Some(v) = c.if_match {
        req = req.header("If-Match", format!("\"{v}\""));
    }
    let path = &c.path;
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let text = r.text().await.expect("body");
    if status >= 400 {
        assert_eq!(ct, "application/problem+json", "{path} answered {status} without problem+json: {text}");
    }
    (status, serde_json::from_str(&text).unwrap_or(Value::Null), text)
}

async fn fixture(app: &TestApp) -> Fx {
    let hq = app.hq;
    let ra = app.create("/api/v1/org-units", json!({"code": "R-A", "name": "华南大区", "kind": "region", "parent_id": hq})).await;
    let rb = app
        .create("/api/v1/org-units", json!({"code": "R-B", "name": "ZONE-B 华东大区", "kind": "region", "parent_id": hq}))
        .await;
    let pa =
        app.create("/api/v1/org-units", json!({"code": "P-A", "name": "广东省区", "kind": "province", "parent_id": ra})).await;
    let pb =
        app.create("/api/v1/org-units", json!({"code": "P-B", "name": "ZONE-B 上海", "kind": "province", "parent_id": rb})).await;
    let rep = |no: &str, name: &str, unit: i64| json!({"employee_no": no, "name": name, "unit_id": unit, "rating": "B", "hire_date": "2023-03-01"});
    let ea = app.create("/api/v1/reps", rep("E-A", "张三", pa)).await;
    let ea2 = app.create("/api/v1/reps", rep("E-A2", "PEER 李四", pa)).await;
    let eb = app.create("/api/v1/reps", rep("E-B", "ZONE-B 王五", pb)).await;
    let cust = |code: &str, name: &str, unit: i64, owner: i64| json!({"code": code, "name": name, "grade": "三甲", "province": "广东", "city": "广州", "unit_id": unit, "owner_rep_id": owner});
    let ca = app.create("/api/v1/customers", cust("C-A", "中山一院", pa, ea)).await;
    let ca2 = app.create("/api/v1/customers", cust("C-A2", "PEER 省人民医院", pa, ea2)).await;
    let cb = app.create("/api/v1/customers", cust("C-B", "ZONE-B 瑞金医院", pb, eb)).await;
    let pl = app.create("/api/v1/product-lines", json!({"code": "PL-IMG", "name": "医学影像"})).await;
    let opp = |name: &str, c: i64, owner: i64| json!({"name": name, "customer_id": c, "owner_rep_id": owner, "product_line_id": pl, "amount": "100000.00", "expected_close": "2026-12-20"});
    let oa = app.create("/api/v1/opportunities", opp("CT 采购", ca, ea)).await;
    app.create("/api/v1/opportunities", opp("PEER MRI", ca2, ea2)).await;
    let ob = app.create("/api/v1/opportunities", opp("ZONE-B DSA", cb, eb)).await;
    let visit = |rep: i64, c: i64, notes: &str| json!({"rep_id": rep, "customer_id": c, "visit_date": "2026-11-20", "kind": "on_site", "notes": notes});
    let va = app.create("/api/v1/visits", visit(ea, ca, "设备科")).await;
    app.create("/api/v1/visits", visit(ea2, ca2, "PEER visit")).await;
    let vb = app.create("/api/v1/visits", visit(eb, cb, "ZONE-B visit")).await;
    let sale = |doc: &str, c: i64| json!({"doc_id": doc, "customer_id": c, "product_line_id": pl, "booked_on": "2026-10-08", "amount": "1250.00"});
    let sa = app.create("/api/v1/sales-records", sale("S-A", ca)).await;
    app.create("/api/v1/sales-records", sale("S-PEER", ca2)).await;
    let sb = app.create("/api/v1/sales-records", sale("S-ZONE-B", cb)).await;
    let user_a = app.add_user("rep.a", Role::Rep, pa, Some(ea)).await;
    let user_b = app.add_user("rep.b", Role::Rep, pb, Some(eb)).await;
    app.add_user("rep.peer", Role::Rep, pa, Some(ea2)).await;
    app.add_user("hq.user", Role::Hq, app.hq, None).await;
    app.add_user("rm.a", Role::RegionManager, ra, None).await;
    app.add_user("rm.b", Role::RegionManager, rb, None).await;
    app.add_user("pm.a", Role::ProvinceManager, pa, None).await;
    app.add_user("admin.a", Role::Admin, ra, None).await;
    // Import jobs are placed by their submitter's scope.
    let job = |client: reqwest::Client, rows: &'static str| async move {
        let r = client
            .post(app.url("/api/v1/imports?kind=visits&wait=true"))
            .header("content-type", "text/csv")
            .body(format!("external_id,employee_no,customer_code,visit_date,kind\n{rows}"))
            .send()
            .await
            .unwrap();
        let (s, v) = read(r).await;
        assert_eq!(s, 200, "{v}");
        v["id"].as_i64().unwrap()
    };
    let job_a = job(app.login("rm.a").await, "VIS-JOB-A,E-A,C-A,2026-11-21,phone").await;
    let job_b = job(app.login("rm.b").await, "VIS-ZONE-B-JOB,E-B,C-B,2026-11-21,phone").await;
    let token = |unit: i64, name: &str| json!({"name": name, "role": "province_manager", "unit_id": unit});
    let (s, t) = app.post("/api/v1/api-tokens", token(pa, "ERP sync A")).await;
    assert_eq!(s, 201, "{t}");
    let token_a = t["token"].as_str().unwrap().to_owned();
    let (s, _) = app.post("/api/v1/api-tokens", token(pb, "ZONE-B sync")).await;
    assert_eq!(s, 201);
    let field = app.create("/api/v1/custom-fields",
        json!({"entity": "customer", "key": "tier", "label_zh": "客户分层", "label_en": "Tier", "field_type": "choice", "choices": ["gold", "silver"]}),
    )
    .await;
    plan_at(app, hq, "2026-Q4", Some("1000000.00"), 3).await;
    plan_at(app, ra, "2026-Q4", None, 3).await;
    plan_at(app, rb, "2026-Q4", None, 3).await;
    let (plan_a, _) = plan_at(app, pa, "2026-Q4", None, 3).await;
    let (plan_b, _) = plan_at(app, pb, "2026-Q4", None, 3).await;
    let line_a = line_of(app, plan_a, ea).await["id"].as_i64().unwrap();
    let line_b = line_of(app, plan_b, eb).await["id"].as_i64().unwrap();
    let evidence = |plan: i64, line: i64| async move {
        let url = app.url(&format!("/api/v1/plans/{plan}/lines/{line}/evidence?file_name=minutes.pdf"));
        let (s, v) =
            read(app.client.post(url).header("content-type", "application/pdf").body(PDF.to_vec()).send().await.unwrap()).await;
        assert_eq!(s, 201, "{v}");
        v["id"].as_i64().unwrap()
    };
    let (ev_a, ev_b) = (evidence(plan_a, line_a).await, evidence(plan_b, line_b).await);
    Fx {
        pa,
        pb,
        ea,
        eb,
        ca,
        cb,
        pl,
        oa,
        ob,
        va,
        vb,
        sa,
        sb,
        user_a,
        user_b,
        job_a,
        job_b,
        field,
        token_a,
        ra,
        rb,
        plan_a,
        plan_b,
        line_a,
        line_b,
        ev_a,
        ev_b,
    }
}

#[derive(Debug, Clone)]
enum Body {
    Json(Value),
    Csv(String),
    /// A file upload: content type and bytes.
    Raw(&'static str, Vec<u8>),
}

/// One call of an operation.
struct Case {
    path: String,
    body: Option<Body>,
    /// What the admin re-reads before and after a refused write: it must not change.
    probe: Option<String>,
    /// Lists answer 200 for an out-of-scope filter as long as nothing leaks.
    list: bool,
    /// The version a plan write was computed from.
    if_match: Option<i64>,
}

impl Case {
    fn new(path: impl Into<String>) -> Case {
        Case { path: path.into(), body: None, probe: None, list: false, if_match: None }
    }
    fn if_match(mut self, v: i64) -> Case {
        self.if_match = Some(v);
        self
    }
    fn json(mut self, v: Value) -> Case {
        self.body = Some(Body::Json(v));
        self
    }
    fn probe(mut self, p: impl Into<String>) -> Case {
        self.probe = Some(p.into());
        self
    }
    fn list(mut self) -> Case {
        self.list = true;
        self
    }
}

/// How to call `op` on an object inside (`inside`) or outside the caller's
/// region. `None`: the operation has no out-of-scope variant (company-wide
/// reference data, or the caller's own session).
async fn case(app: &TestApp, fx: &Fx, op: &str, inside: bool) -> Option<Case> {
    if !inside && !has_scope_variant(op) {
        return None;
    }
    let n = next();
    let pick = |a: i64, b: i64| if inside { a } else { b };
    let unit = pick(fx.pa, fx.pb);
    let rep = pick(fx.ea, fx.eb);
    let cust = pick(fx.ca, fx.cb);
    let zone = if inside { "A" } else { ZONE_B };
    // Teams go under the region: a province with sub-units would plan over
    // them instead of its reps.
    let region = pick(fx.ra, fx.rb);
    let plan = pick(fx.plan_a, fx.plan_b);
    let customer_body = |code: String| json!({"code": code, "name": format!("{zone} 医院"), "grade": "二甲", "province": "广东", "city": "广州", "unit_id": unit, "owner_rep_id": rep});
    let fresh_customer = || app.create("/api/v1/customers", customer_body(format!("C-FRESH-{n}")));
    let case = match op {
        "GET /api/v1/auth/me" | "GET /api/v1/company" | "GET /api/v1/roles" => Case::new(op[4..].to_owned()),
        "GET /api/v1/periods" => Case::new("/api/v1/periods?year=2026&kind=quarter"),
        "GET /api/v1/periods/{key}" => Case::new("/api/v1/periods/2026-Q4"),
        "PUT /api/v1/roles/{role}/permissions" => {
            let (_, roles) = app.get("/api/v1/roles").await;
            let pm = roles.as_array()?.iter().find(|r| r["role"] == "province_manager")?.clone();
            Case::new("/api/v1/roles/province_manager/permissions")
                .json(json!({"permissions": pm["permissions"]}))
                .probe("/api/v1/roles")
        }
        "GET /api/v1/audit" => Case::new("/api/v1/audit?limit=5").list(),
        "GET /api/v1/custom-fields" => Case::new("/api/v1/custom-fields?entity=customer").list(),
        "POST /api/v1/custom-fields" => Case::new("/api/v1/custom-fields")
            .json(json!({"entity": "rep", "key": format!("k{n}"), "label_zh": "字段", "label_en": "Field", "field_type": "text"}))
            .probe("/api/v1/custom-fields"),
        "GET /api/v1/custom-fields/{id}" => Case::new(format!("/api/v1/custom-fields/{}", fx.field)),
        "PATCH /api/v1/custom-fields/{id}" => {
            let p = format!("/api/v1/custom-fields/{}", fx.field);
            Case::new(&p).json(json!({"label_en": "Tier"})).probe(p)
        }
        "DELETE /api/v1/custom-fields/{id}" => {
            let id = app.create("/api/v1/custom-fields",
                json!({"entity": "opportunity", "key": format!("d{n}"), "label_zh": "删", "label_en": "Del", "field_type": "number"}),
            )
            .await;
            let p = format!("/api/v1/custom-fields/{id}");
            Case::new(&p).probe(p)
        }
        "GET /api/v1/product-lines" => Case::new("/api/v1/product-lines").list(),
        "POST /api/v1/product-lines" => {
            Case::new("/api/v1/product-lines").json(json!({"code": format!("PL-{n}"), "name": "新产品线"})).probe("/api/v1/product-lines")
        }
        "GET /api/v1/product-lines/{id}" => Case::new(format!("/api/v1/product-lines/{}", fx.pl)),
        "PATCH /api/v1/product-lines/{id}" => {
            let p = format!("/api/v1/product-lines/{}", fx.pl);
            Case::new(&p).json(json!({"name": "医学影像"})).probe(p)
        }
        "DELETE /api/v1/product-lines/{id}" => {
            let id = app.create("/api/v1/product-lines", json!({"code": format!("PL-DEL-{n}"), "name": "x"})).await;
            let p = format!("/api/v1/product-lines/{id}");
            Case::new(&p).probe(p)
        }
        "GET /api/v1/org-units" => Case::new(format!("/api/v1/org-units?under={}", pick(fx.pa, fx.pb))).list(),
        "POST /api/v1/org-units" => Case::new("/api/v1/org-units")
            .json(json!({"code": format!("T-{n}"), "name": format!("{zone} team"), "kind": "team", "parent_id": region}))
            .probe(format!("/api/v1/org-units?q=T-{n}")),
        "GET /api/v1/org-units/{id}" => Case::new(format!("/api/v1/org-units/{unit}")),
        "PATCH /api/v1/org-units/{id}" => {
            let p = format!("/api/v1/org-units/{unit}");
            let name = if inside { "广东省区" } else { "ZONE-B 上海" };
            Case::new(&p).json(json!({"name": name})).probe(p)
        }
        "DELETE /api/v1/org-units/{id}" => {
            let id = app.create("/api/v1/org-units",
                json!({"code": format!("T-DEL-{n}"), "name": format!("{zone} team"), "kind": "team", "parent_id": region}),
            )
            .await;
            let p = format!("/api/v1/org-units/{id}");
            Case::new(&p).probe(p)
        }
        "GET /api/v1/reps" => Case::new(format!("/api/v1/reps?unit_id={unit}")).list(),
        "POST /api/v1/reps" => Case::new("/api/v1/reps")
            .json(json!({"employee_no": format!("E-N{n}"), "name": format!("{zone} 新人"), "unit_id": unit, "rating": "C", "hire_date": "2026-11-01"}))
            .probe(format!("/api/v1/reps?q=E-N{n}")),
        "GET /api/v1/reps/{id}" => Case::new(format!("/api/v1/reps/{rep}")),
        "PATCH /api/v1/reps/{id}" => {
            let p = format!("/api/v1/reps/{rep}");
            Case::new(&p).json(json!({"rating": "B"})).probe(p)
        }
        "DELETE /api/v1/reps/{id}" => {
            let id = app.create("/api/v1/reps",
                json!({"employee_no": format!("E-D{n}"), "name": format!("{zone} 离职"), "unit_id": unit, "rating": "C", "hire_date": "2026-11-01"}),
            )
            .await;
            let p = format!("/api/v1/reps/{id}");
            Case::new(&p).probe(p)
        }
        "GET /api/v1/users" => Case::new(format!("/api/v1/users?unit_id={unit}")).list(),
        "POST /api/v1/users" => Case::new("/api/v1/users")
            .json(json!({"username": format!("new.{n}"), "display_name": format!("{zone} 新用户"), "role": "province_manager", "unit_id": unit}))
            .probe(format!("/api/v1/users?q=new.{n}")),
        "GET /api/v1/users/{id}" => Case::new(format!("/api/v1/users/{}", pick(fx.user_a, fx.user_b))),
        "PATCH /api/v1/users/{id}" => {
            let p = format!("/api/v1/users/{}", pick(fx.user_a, fx.user_b));
            Case::new(&p).json(json!({"display_name": if inside { "rep.a" } else { "rep.b" }})).probe(p)
        }
        "DELETE /api/v1/users/{id}" => {
            let id = app.add_user(&format!("del.{n}"), Role::ProvinceManager, unit, None).await;
            let p = format!("/api/v1/users/{id}");
            Case::new(&p).probe(p)
        }
        "GET /api/v1/customers" => Case::new(format!("/api/v1/customers?unit_id={unit}")).list(),
        "POST /api/v1/customers" => {
            Case::new("/api/v1/customers").json(customer_body(format!("C-N{n}"))).probe(format!("/api/v1/customers?q=C-N{n}"))
        }
        "GET /api/v1/customers/{id}" => Case::new(format!("/api/v1/customers/{cust}")),
        "GET /api/v1/customers/{id}/stage-history" => Case::new(format!("/api/v1/customers/{cust}/stage-history")),
        "PATCH /api/v1/customers/{id}" => {
            let p = format!("/api/v1/customers/{}", fresh_customer().await);
            Case::new(&p).json(json!({"stage": "in_contact", "stage_note": "首次拜访"})).probe(p)
        }
        "DELETE /api/v1/customers/{id}" => {
            let p = format!("/api/v1/customers/{}", fresh_customer().await);
            Case::new(&p).probe(p)
        }
        "GET /api/v1/opportunities" => Case::new(format!("/api/v1/opportunities?customer_id={cust}")).list(),
        "POST /api/v1/opportunities" => Case::new("/api/v1/opportunities")
            .json(json!({"external_id": format!("OPP-N{n}"), "name": format!("{zone} 新商机"), "customer_id": cust, "owner_rep_id": rep, "product_line_id": fx.pl, "amount": "5000.00", "expected_close": "2026-12-30"}))
            .probe(format!("/api/v1/opportunities?customer_id={cust}")),
        "GET /api/v1/opportunities/{id}" => Case::new(format!("/api/v1/opportunities/{}", pick(fx.oa, fx.ob))),
        "GET /api/v1/opportunities/{id}/history" => Case::new(format!("/api/v1/opportunities/{}/history", pick(fx.oa, fx.ob))),
        "PATCH /api/v1/opportunities/{id}" => {
            let p = format!("/api/v1/opportunities/{}", pick(fx.oa, fx.ob));
            Case::new(&p).json(json!({"amount": "100000.00"})).probe(p)
        }
        "DELETE /api/v1/opportunities/{id}" => {
            let id = app.create("/api/v1/opportunities",
                json!({"name": format!("{zone} 删除"), "customer_id": cust, "owner_rep_id": rep, "product_line_id": fx.pl, "amount": "1.00", "expected_close": "2026-12-30"}),
            )
            .await;
            let p = format!("/api/v1/opportunities/{id}");
            Case::new(&p).probe(p)
        }
        "GET /api/v1/visits" => Case::new(format!("/api/v1/visits?customer_id={cust}")).list(),
        "POST /api/v1/visits" => Case::new("/api/v1/visits")
            .json(json!({"rep_id": rep, "customer_id": cust, "visit_date": "2026-11-25", "kind": "phone", "notes": format!("{zone} call {n}")}))
            .probe(format!("/api/v1/visits?customer_id={cust}")),
        "GET /api/v1/visits/{id}" => Case::new(format!("/api/v1/visits/{}", pick(fx.va, fx.vb))),
        "PATCH /api/v1/visits/{id}" => {
            let p = format!("/api/v1/visits/{}", pick(fx.va, fx.vb));
            Case::new(&p).json(json!({"kind": "on_site"})).probe(p)
        }
        "DELETE /api/v1/visits/{id}" => {
            let id = app.create("/api/v1/visits",
                json!({"rep_id": rep, "customer_id": cust, "visit_date": "2026-11-26", "kind": "phone", "notes": format!("{zone} del")}),
            )
            .await;
            let p = format!("/api/v1/visits/{id}");
            Case::new(&p).probe(p)
        }
        "GET /api/v1/sales-records" => Case::new(format!("/api/v1/sales-records?customer_id={cust}")).list(),
        "POST /api/v1/sales-records" => Case::new("/api/v1/sales-records")
            .json(json!({"doc_id": format!("S-N{n}"), "customer_id": cust, "product_line_id": fx.pl, "booked_on": "2026-11-02", "amount": "10.00"}))
            .probe(format!("/api/v1/sales-records?customer_id={cust}")),
        "GET /api/v1/sales-records/{id}" => Case::new(format!("/api/v1/sales-records/{}", pick(fx.sa, fx.sb))),
        "DELETE /api/v1/sales-records/{id}" => {
            let id = app.create("/api/v1/sales-records",
                json!({"doc_id": format!("S-D{n}"), "customer_id": cust, "product_line_id": fx.pl, "booked_on": "2026-11-02", "amount": "1.00"}),
            )
            .await;
            let p = format!("/api/v1/sales-records/{id}");
            Case::new(&p).probe(p)
        }
        "GET /api/v1/imports" => Case::new("/api/v1/imports").list(),
        "GET /api/v1/imports/{id}" => Case::new(format!("/api/v1/imports/{}", pick(fx.job_a, fx.job_b))),
        "POST /api/v1/imports" => {
            let c = if inside { "C-A" } else { "C-B" };
            Case {
                path: "/api/v1/imports?kind=visits&wait=true".to_owned(),
                body: Some(Body::Csv(format!(
                    "external_id,employee_no,customer_code,visit_date,kind\nVIS-IMP-{n},{},{c},2026-11-22,phone\n",
                    if inside { "E-A" } else { "E-B" }
                ))),
                probe: Some(format!("/api/v1/visits?customer_id={cust}")),
                list: false,
                if_match: None,
            }
        }
        "GET /api/v1/exports/{kind}" => Case::new("/api/v1/exports/customers").list(),
        "GET /api/v1/api-tokens" => Case::new("/api/v1/api-tokens").list(),
        "POST /api/v1/api-tokens" => Case::new("/api/v1/api-tokens")
            .json(json!({"name": format!("{zone} sync {n}"), "role": "province_manager", "unit_id": unit}))
            .probe("/api/v1/api-tokens?limit=500"),
        "DELETE /api/v1/api-tokens/{id}" => {
            let (_, t) = app.post("/api/v1/api-tokens", json!({"name": format!("{zone} del {n}"), "role": "rep", "unit_id": unit})).await;
            let id = t["api_token"]["id"].as_i64()?;
            Case::new(format!("/api/v1/api-tokens/{id}")).probe("/api/v1/api-tokens?limit=500")
        }
        "GET /api/v1/plans" => Case::new(format!("/api/v1/plans?unit_id={unit}")).list(),
        "POST /api/v1/plans" => {
            let period = fresh_month();
            plan_at(app, app.hq, &period, Some("1000000.00"), 3).await;
            plan_at(app, region, &period, None, 3).await;
            Case::new("/api/v1/plans")
                .json(json!({"unit_id": unit, "period": period}))
                .probe(format!("/api/v1/plans?unit_id={unit}&period={period}"))
        }
        "GET /api/v1/plans/{id}" => Case::new(format!("/api/v1/plans/{plan}")),
        "PATCH /api/v1/plans/{id}" => {
            let (id, v, _) = province_plan(app, region, unit, 0).await;
            let p = format!("/api/v1/plans/{id}");
            Case::new(&p).json(json!({"band_percent": "10"})).if_match(v).probe(p)
        }
        "DELETE /api/v1/plans/{id}" => {
            let (id, v, _) = province_plan(app, region, unit, 0).await;
            let p = format!("/api/v1/plans/{id}");
            Case::new(&p).if_match(v).probe(p)
        }
        "POST /api/v1/plans/{id}/generate" | "POST /api/v1/plans/{id}/rebalance" | "POST /api/v1/plans/{id}/submit" => {
            let steps = if op.ends_with("generate") { 0 } else { 1 };
            let (id, v, _) = province_plan(app, region, unit, steps).await;
            Case::new(op[5..].replace("{id}", &id.to_string())).if_match(v).probe(format!("/api/v1/plans/{id}/lines"))
        }
        "POST /api/v1/plans/{id}/approve" => {
            let (id, v, _) = province_plan(app, region, unit, 2).await;
            Case::new(format!("/api/v1/plans/{id}/approve")).if_match(v).probe(format!("/api/v1/plans/{id}"))
        }
        "POST /api/v1/plans/{id}/return" => {
            let (id, v, _) = province_plan(app, region, unit, 2).await;
            Case::new(format!("/api/v1/plans/{id}/return"))
                .json(json!({"comment": "请补充重点医院的采购计划"}))
                .if_match(v)
                .probe(format!("/api/v1/plans/{id}"))
        }
        "GET /api/v1/plans/{id}/lines" | "GET /api/v1/plans/{id}/revisions" => {
            Case::new(op[4..].replace("{id}", &plan.to_string()))
        }
        "GET /api/v1/plans/{id}/diff" => Case::new(format!("/api/v1/plans/{plan}/diff?from=0&to=1")),
        "POST /api/v1/plans/{id}/what-if" => {
            Case::new(format!("/api/v1/plans/{plan}/what-if")).json(json!({"weights": {"market": "100", "staffing": "0", "priority": "0"}}))
        }
        "PATCH /api/v1/plans/{id}/lines/{line_id}" => {
            let (id, _, _) = province_plan(app, region, unit, 1).await;
            let line = line_of(app, id, rep).await;
            Case::new(format!("/api/v1/plans/{id}/lines/{}", line["id"]))
                .json(json!({"notes": format!("{zone} 重点跟进")}))
                .if_match(line["version"].as_i64()?)
                .probe(format!("/api/v1/plans/{id}/lines"))
        }
        "POST /api/v1/plans/{id}/lines/{line_id}/evidence" => {
            let (id, _, _) = province_plan(app, region, unit, 1).await;
            let line = line_of(app, id, rep).await["id"].as_i64()?;
            Case {
                path: format!("/api/v1/plans/{id}/lines/{line}/evidence?file_name=minutes-{n}.pdf"),
                body: Some(Body::Raw("application/pdf", PDF.to_vec())),
                probe: Some(format!("/api/v1/plans/{id}/lines/{line}/evidence")),
                list: false,
                if_match: None,
            }
        }
        "GET /api/v1/plans/{id}/lines/{line_id}/evidence" => {
            Case::new(format!("/api/v1/plans/{plan}/lines/{}/evidence", pick(fx.line_a, fx.line_b)))
        }
        "GET /api/v1/plans/{id}/evidence/{evidence_id}" => {
            Case::new(format!("/api/v1/plans/{plan}/evidence/{}", pick(fx.ev_a, fx.ev_b)))
        }
        "POST /api/v1/plans/{id}/calibrations" => {
            let (id, v, _) = province_plan(app, region, unit, 3).await;
            let hired = app.create("/api/v1/reps",
                json!({"employee_no": format!("E-H{n}"), "name": format!("{zone} 新同事"), "unit_id": unit, "rating": "B", "hire_date": "2026-11-01"}),
            )
            .await;
            Case::new(format!("/api/v1/plans/{id}/calibrations"))
                .json(json!({"event": {"kind": "hire", "rep_id": hired}, "reason": "新同事入职，重新分配剩余目标"}))
                .if_match(v)
                .probe(format!("/api/v1/plans/{id}/lines"))
        }
        "POST /api/v1/plans/{id}/relief" => {
            let (id, v, _) = province_plan(app, region, unit, 3).await;
            let line = line_of(app, id, rep).await["id"].as_i64()?;
            Case::new(format!("/api/v1/plans/{id}/relief"))
                .json(json!({"line_id": line, "delta": "-100.00", "reason": "医院预算冻结，总部减免"}))
                .if_match(v)
                .probe(format!("/api/v1/plans/{id}/lines"))
        }
        "GET /api/v1/metrics/attainment" => Case::new(format!("/api/v1/metrics/attainment?unit_id={unit}&period=2026-Q4")),
        "GET /api/v1/metrics/adjustments" => Case::new(format!("/api/v1/metrics/adjustments?unit_id={unit}&quarter=2026-Q4")),
        "GET /api/v1/metrics/fairness" => Case::new(format!("/api/v1/metrics/fairness?unit_id={unit}&quarter=2026-Q4")),
        "GET /api/v1/reps/{id}/target" => Case::new(format!("/api/v1/reps/{rep}/target?period=2026-Q4")),
        "POST /api/v1/fairness" => {
            let quarter = fresh_quarter();
            Case::new("/api/v1/fairness")
                .json(json!({"rep_id": rep, "quarter": quarter, "score": 7}))
                .probe(format!("/api/v1/metrics/fairness?unit_id={unit}&quarter={quarter}"))
        }
        other => panic!("the access matrix has no way to call {other}: add it to `case` in {}", file!()),
    };
    Some(case)
}

/// A probe without `last_used_at`, which moves whenever the API-token
/// caller itself makes a request.
fn without_usage(mut v: Value) -> Value {
    if let Some(items) = v.get_mut("items").and_then(Value::as_array_mut) {
        for item in items {
            item.as_object_mut().map(|o| o.remove("last_used_at"));
        }
    }
    v
}

/// Operations on what belongs to the whole company rather than to a unit:
/// only a company-wide caller may call them, whatever its role.
fn needs_company_scope(op: &str) -> bool {
    matches!(
        op,
        "PUT /api/v1/roles/{role}/permissions"
            | "GET /api/v1/audit"
            | "POST /api/v1/custom-fields"
            | "PATCH /api/v1/custom-fields/{id}"
            | "DELETE /api/v1/custom-fields/{id}"
            | "POST /api/v1/product-lines"
            | "PATCH /api/v1/product-lines/{id}"
            | "DELETE /api/v1/product-lines/{id}"
    )
}

/// Operations whose object or filter lives in one region, so an
/// out-of-scope variant exists. The others are company-wide reference data,
/// the caller's own session, or lists whose in-scope call already proves
/// nothing leaks.
fn has_scope_variant(op: &str) -> bool {
    !(op.contains("/product-lines")
        || op.contains("/periods")
        || op.contains("/roles")
        || op.ends_with("/auth/me")
        || op.ends_with("/company")
        || op.ends_with("/audit")
        || op.contains("/custom-fields")
        || matches!(op, "GET /api/v1/imports" | "GET /api/v1/exports/{kind}" | "GET /api/v1/api-tokens"))
}

async fn every_operation_by_every_role_in_and_out_of_scope(app: TestApp) {
    let fx = fixture(&app).await;
    let doc: Value = app.client.get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    let (_, roles) = app.get("/api/v1/roles").await;
    let perms_of = |role: Role| -> BTreeSet<String> {
        roles
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["role"] == role.as_str())
            .map(|r| r["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()).collect())
            .unwrap()
    };
    let actor = |role: Role, client: reqwest::Client, markers: &'static [&'static str], company_wide: bool| Actor {
        role,
        client,
        permissions: perms_of(role),
        forbidden_markers: markers,
        company_wide,
    };
    let actors = [
        actor(Role::Admin, app.client.clone(), &[], true),
        actor(Role::Hq, app.login("hq.user").await, &[], true),
        actor(Role::RegionManager, app.login("rm.a").await, &[ZONE_B], false),
        actor(Role::ProvinceManager, app.login("pm.a").await, &[ZONE_B], false),
        actor(Role::Rep, app.login("rep.a").await, &[ZONE_B, PEER], false),
        // A third-party system with a province manager's API token for P-A.
        actor(Role::ProvinceManager, bearer_client(&fx.token_a), &[ZONE_B], false),
        // An admin whose scope is region A: every permission, but not the
        // whole company, so company-wide settings are not theirs to change.
        actor(Role::Admin, app.login("admin.a").await, &[ZONE_B], false),
    ];
    let mut ops: Vec<(String, String, Option<String>)> = Vec::new();
    let mut public = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let security = op["security"].as_array();
            let needed = security.and_then(|s| s.iter().find_map(|r| r["bearer"].as_array())).map(|scopes| {
                assert!(scopes.len() <= 1, "{method} {path} names more than one permission");
                scopes.first().and_then(|s| s.as_str()).map(str::to_owned)
            });
            match needed {
                Some(perm) => ops.push((method.to_uppercase(), path.clone(), perm)),
                None => public.push(format!("{} {path}", method.to_uppercase())),
            }
        }
    }
    public.sort();
    assert_eq!(
        public,
        ["GET /healthz", "GET /readyz", "POST /api/v1/auth/login", "POST /api/v1/auth/logout", "POST /api/v1/auth/refresh"],
        "only these operations may be called without credentials"
    );
    let mut calls = 0;
    let mut failures = Vec::new();
    for (method, path, needed) in &ops {
        let op = format!("{method} {path}");
        // Unauthenticated: always 401.
        if let Some(c) = case(&app, &fx, &op, true).await {
            let m = Method::from_bytes(method.as_bytes()).unwrap();
            let (s, _, _) = call(&app.anon, &app, m, &c).await;
            if s != 401 {
                failures.push(format!("{op} without credentials answered {s}, not 401"));
            }
            calls += 1;
        }
        for a in &actors {
            for inside in [true, false] {
                let Some(c) = case(&app, &fx, &op, inside).await else { continue };
                let m = Method::from_bytes(method.as_bytes()).unwrap();
                let before = match &c.probe {
                    Some(p) => Some(without_usage(app.get(p).await.1)),
                    None => None,
                };
                let (s, v, text) = call(&a.client, &app, m.clone(), &c).await;
                calls += 1;
                let allowed = needed.as_ref().is_none_or(|p| a.permissions.contains(p));
                let in_scope = inside || a.company_wide;
                let who = format!("{op} as {} ({} object)", a.role, if inside { "in-scope" } else { "out-of-scope" });
                let ok = if !allowed || (!a.company_wide && needs_company_scope(&op)) {
                    s == 403
                } else if in_scope || c.list {
                    (200..300).contains(&s) || (c.list && !in_scope && matches!(s, 404 | 422))
                } else {
                    matches!(s, 403 | 404 | 422)
                };
                if !ok {
                    failures.push(format!("{who}: answered {s}: {v}"));
                }
                if let Some(m) = a.forbidden_markers.iter().find(|m| text.contains(**m)) {
                    failures.push(format!("{who}: LEAK of {m}: {text}"));
                }
                let wrote = (200..300).contains(&s);
                if let (Some(p), Some(before), false) = (&c.probe, before, wrote) {
                    let after = without_usage(app.get(p).await.1);
                    if after != before {
                        failures.push(format!("{who}: refused with {s} but changed {p}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {calls} calls went wrong:\n{}", failures.len(), failures.join("\n"));
    println!(
        "access matrix: {} operations x {} callers (5 roles, 1 API token, 1 regional admin) x in/out of scope = {calls} calls",
        ops.len(),
        actors.len()
    );
    assert!(calls > 400, "the matrix ran only {calls} calls");
}
