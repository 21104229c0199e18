//! Starts the real server on a random port against a fresh database.

// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use cascade_server::config::{Overrides, Settings};
use cascade_server::startup::Application;
use cascade_store::testing::TestDb;
use cascade_store::Backend;
use serde_json::Value;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: TestDb,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        let db = TestDb::new(backend).await;
        let mut settings =
            Settings::load(None, &Overrides { database_url: Some(db.url.clone()), port: Some(0) }).expect("settings");
        settings.server.static_dir = "/nonexistent".into();
        settings.server.max_import_bytes = 1024 * 1024;
        settings.server.work_dir = std::env::temp_dir().join("cascade-test-uploads");
        let app = Application::build_with_store(settings, db.store.clone()).expect("server binds");
        let base = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        TestApp { base, client: reqwest::Client::new(), db }
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
