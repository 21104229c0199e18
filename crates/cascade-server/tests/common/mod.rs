//! Starts the real server on a random port against a fresh database.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use cascade_api_types::{NewOrgUnit, NewUser, OrgUnitKind};
use cascade_core::{Code, Role};
use cascade_server::config::{Overrides, Settings};
use cascade_server::startup::Application;
use cascade_store::testing::TestDb;
use cascade_store::{Backend, Scope};
use serde_json::{json, Value};

/// Every test user's password.
pub const PASSWORD: &str = "test-password-1";

/// A running server on a fresh database holding the company root `HQ`
/// (华康医疗) and one admin, `admin`, whose signed-in client is `client`.
pub struct TestApp {
    pub base: String,
    /// Sends the admin's access token with every request.
    pub client: reqwest::Client,
    /// Sends no credentials.
    pub anon: reqwest::Client,
    pub db: TestDb,
    pub hq: i64,
    pub admin_id: i64,
    /// One argon2id hash of [`PASSWORD`], reused for speed.
    pub hash: String,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Like [`TestApp::spawn`], with settings changed by `configure` first
    /// (e.g. another company time zone or language).
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let db = TestDb::new(backend).await;
        let mut settings =
            Settings::load(None, &Overrides { database_url: Some(db.url.clone()), port: Some(0) }).expect("settings");
        settings.server.static_dir = "/nonexistent".into();
        settings.server.max_import_bytes = 1024 * 1024;
        settings.server.work_dir = std::env::temp_dir().join("cascade-test-uploads");
        configure(&mut settings);
        let app = Application::build_with_store(settings, db.store.clone()).expect("server binds");
        let base = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        let root =
            NewOrgUnit {
                code: Code::parse("HQ").unwrap(), name: "华康医疗".into(), kind: OrgUnitKind::Company, parent_id: None
            };
        let hq = db.store.create_org_unit(&Scope::all(), &root).await.expect("root unit").id;
        let hash = cascade_server::auth::password::hash(PASSWORD).expect("hash");
        let anon = reqwest::Client::new();
        let mut app = TestApp { base, client: anon.clone(), anon, db, hq, admin_id: 0, hash };
        app.admin_id = app.add_user("admin", Role::Admin, hq, None).await;
        app.client = app.login("admin").await;
        app
    }

    /// Adds a user straight to the store, with [`PASSWORD`].
    pub async fn add_user(&self, username: &str, role: Role, unit_id: i64, rep_id: Option<i64>) -> i64 {
        let new = NewUser {
            username: Code::parse(username).unwrap(),
            display_name: username.to_owned(),
            rep_id,
            dingtalk_userid: None,
            role,
            unit_id,
            password: None,
        };
        self.db.store.create_user(&Scope::all(), &new, Some(&self.hash)).await.expect("user").id
    }

    /// Signs in over HTTP and returns the answer.
    pub async fn login_raw(&self, username: &str, password: &str) -> (u16, Value) {
        let r = self
            .anon
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("request");
        read(r).await
    }

    /// A client that sends `username`'s access token with every request.
    pub async fn login(&self, username: &str) -> reqwest::Client {
        let (status, v) = self.login_raw(username, PASSWORD).await;
        assert_eq!(status, 200, "login {username}: {v}");
        bearer_client(v["access_token"].as_str().expect("access_token"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self.client.get(self.url(path)).send().await.expect("request");
        read(r).await
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, body: &Value) -> (u16, Value) {
        let r = self.client.request(method, self.url(path)).json(body).send().await.expect("request");
        read(r).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, &body).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PATCH, path, &body).await
    }

    pub async fn delete(&self, path: &str) -> u16 {
        self.client.delete(self.url(path)).send().await.expect("request").status().as_u16()
    }

    /// Creates and returns the id, failing the test with the problem otherwise.
    pub async fn create(&self, path: &str, body: Value) -> i64 {
        let (status, v) = self.post(path, body).await;
        assert_eq!(status, 201, "POST {path}: {v}");
        v["id"].as_i64().expect("id")
    }
}

pub fn bearer_client(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().expect("header"));
    reqwest::Client::builder().default_headers(headers).build().expect("client")
}

pub async fn read(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let is_problem = r.headers().get("content-type").is_some_and(|v| v.to_str().unwrap_or("") == "application/problem+json");
    let text = r.text().await.expect("body");
    if status >= 400 {
        assert!(is_problem, "status {status} must come as application/problem+json, got: {text}");
    }
    let v = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    (status, v)
}

/// The fields named by a problem's `errors`.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|a| a.iter().map(|e| e["field"].as_str().unwrap_or("").to_owned()).collect())
        .unwrap_or_default()
}

/// Region A (where `rm.a` works) and region B, whose every name carries
/// `ZONE-B` so a leak of its content is easy to see.
pub struct Regions {
    pub ra: i64,
    pub rb: i64,
    pub pa: i64,
    pub pb: i64,
    pub ea: i64,
    pub ea2: i64,
    pub eb: i64,
    pub ca: i64,
    pub ca2: i64,
    pub cb: i64,
    pub pl: i64,
}

pub async fn two_regions(app: &TestApp) -> Regions {
    let unit =
        |code: &str, name: &str, kind: &str, parent: i64| json!({"code": code, "name": name, "kind": kind, "parent_id": parent});
    let ra = app.create("/api/v1/org-units", unit("R-A", "华南大区", "region", app.hq)).await;
    let rb = app.create("/api/v1/org-units", unit("R-B", "ZONE-B 华东大区", "region", app.hq)).await;
    let pa = app.create("/api/v1/org-units", unit("P-A", "广东省区", "province", ra)).await;
    let pb = app.create("/api/v1/org-units", unit("P-B", "ZONE-B 上海", "province", rb)).await;
    let rep = |no: &str, name: &str, unit: i64| json!({"employee_no": no, "name": name, "unit_id": unit, "rating": "B", "hire_date": "2023-03-01"});
    let ea = app.create("/api/v1/reps", rep("E-A", "张三", pa)).await;
    let ea2 = app.create("/api/v1/reps", rep("E-A2", "李四", pa)).await;
    let eb = app.create("/api/v1/reps", rep("E-B", "ZONE-B 王五", pb)).await;
    let cust = |code: &str, name: &str, unit: i64, owner: Option<i64>| json!({"code": code, "name": name, "grade": "三甲", "province": "广东", "city": "广州", "unit_id": unit, "owner_rep_id": owner});
    let ca = app.create("/api/v1/customers", cust("C-A", "中山一院", pa, Some(ea))).await;
    let ca2 = app.create("/api/v1/customers", cust("C-A2", "省人民医院", pa, Some(ea2))).await;
    let cb = app.create("/api/v1/customers", cust("C-B", "ZONE-B 瑞金医院", pb, Some(eb))).await;
    let pl = app.create("/api/v1/product-lines", json!({"code": "PL-IMG", "name": "医学影像"})).await;
    let opp = |ext: &str, name: &str, c: i64, owner: i64| json!({"external_id": ext, "name": name, "customer_id": c, "owner_rep_id": owner, "product_line_id": pl, "amount": "100000.00", "expected_close": "2026-12-20"});
    app.create("/api/v1/opportunities", opp("OPP-B", "ZONE-B DSA", cb, eb)).await;
    let visit = json!({"external_id": "VIS-B", "rep_id": eb, "customer_id": cb, "visit_date": "2026-11-20", "kind": "on_site", "notes": "ZONE-B visit"});
    app.create("/api/v1/visits", visit).await;
    let sale = json!({"doc_id": "S-B", "customer_id": cb, "product_line_id": pl, "booked_on": "2026-10-08", "amount": "1250.00"});
    app.create("/api/v1/sales-records", sale).await;
    app.add_user("rm.a", Role::RegionManager, ra, None).await;
    Regions { ra, rb, pa, pb, ea, ea2, eb, ca, ca2, cb, pl }
}

/// Approved plans of 2026-Q4 down to P-A's reps; returns (plan, version).
pub async fn province_plan(app: &TestApp, fx: &Regions) -> (i64, i64) {
    let mut v = 0;
    let mut id = 0;
    for (unit, total) in [(app.hq, Some("1000000.00")), (fx.ra, None), (fx.pa, None)] {
        let mut body = json!({"unit_id": unit, "period": "2026-Q4"});
        if let Some(t) = total {
            body["total"] = json!(t);
        }
        let (s, p) = app.post("/api/v1/plans", body).await;
        assert_eq!(s, 201, "{p}");
        id = p["id"].as_i64().unwrap();
        v = p["version"].as_i64().unwrap();
        for step in ["generate", "submit", "approve"] {
            let r = app
                .client
                .post(app.url(&format!("/api/v1/plans/{id}/{step}")))
                .header("If-Match", format!("\"{v}\""))
                .send()
                .await;
            let (s, p) = read(r.unwrap()).await;
            assert_eq!(s, 200, "{step}: {p}");
            v = p["version"].as_i64().unwrap();
        }
    }
    (id, v)
}
