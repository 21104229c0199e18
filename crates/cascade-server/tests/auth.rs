//! Sign-in, tokens, throttling, the permission matrix's guard rails, API
//! tokens, mass assignment and the audit log, over HTTP on both databases.

mod common;

use cascade_core::Role;
use cascade_store::Backend;
use common::{bearer_client, read, TestApp, PASSWORD};
use serde_json::{json, Value};

macro_rules! both {
    ($($name:ident),+ $(,)?) => {
        mod sqlite { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Sqlite).await).await })+ }
        mod postgres { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Postgres).await).await })+ }
    };
}

both!(
    sign_in_refresh_rotation_and_sign_out,
    wrong_password_and_unknown_user_look_the_same_and_are_throttled,
    forged_expired_and_deactivated_tokens_are_refused,
    the_matrix_cannot_be_used_to_escalate,
    the_last_admin_stays,
    api_tokens_act_in_their_scope_until_revoked,
    a_rep_cannot_set_what_is_not_theirs,
    every_sign_in_and_write_is_audited,
);

async fn post(client: &reqwest::Client, app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    read(client.post(app.url(path)).json(&body).send().await.unwrap()).await
}

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, Value) {
    read(client.get(app.url(path)).send().await.unwrap()).await
}

async fn patch(client: &reqwest::Client, app: &TestApp, path: &str, body: Value) -> (u16, Value) {
    read(client.patch(app.url(path)).json(&body).send().await.unwrap()).await
}

/// A region with a province, a rep with a user, and a customer the rep owns.
async fn region(app: &TestApp) -> (i64, i64, i64, i64) {
    let ra = app.create("/api/v1/org-units", json!({"code": "R-A", "name": "华南", "kind": "region", "parent_id": app.hq})).await;
    let pa = app.create("/api/v1/org-units", json!({"code": "P-A", "name": "广东", "kind": "province", "parent_id": ra})).await;
    let rep = app
        .create(
            "/api/v1/reps",
            json!({"employee_no": "E1", "name": "张三", "unit_id": pa, "rating": "B", "hire_date": "2024-01-01"}),
        )
        .await;
    let cust = app
        .create(
            "/api/v1/customers",
            json!({"code": "H1", "name": "中山一院", "grade": "三甲", "province": "广东", "city": "广州", "unit_id": pa, "owner_rep_id": rep}),
        )
        .await;
    (ra, pa, rep, cust)
}

async fn sign_in_refresh_rotation_and_sign_out(app: TestApp) {
    let (s, t) = app.login_raw("admin", PASSWORD).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!((t["token_type"].as_str(), t["expires_in"].as_u64()), (Some("Bearer"), Some(900)));
    assert_eq!(t["me"]["role"], "admin");
    let access = t["access_token"].as_str().unwrap();
    let (s, me) = get(&bearer_client(access), &app, "/api/v1/auth/me").await;
    assert_eq!((s, me["username"].as_str()), (200, Some("admin")));
    // Refresh rotates: the new token works once, the old one never again.
    let r1 = t["refresh_token"].as_str().unwrap().to_owned();
    let (s, t2) = post(&app.anon, &app, "/api/v1/auth/refresh", json!({"refresh_token": r1})).await;
    assert_eq!(s, 200, "{t2}");
    let r2 = t2["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    // Replaying r1 means it was stolen: the whole session dies, r2 included.
    let (s, p) = post(&app.anon, &app, "/api/v1/auth/refresh", json!({"refresh_token": r1})).await;
    assert_eq!(s, 401, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("no longer valid"));
    let (s, _) = post(&app.anon, &app, "/api/v1/auth/refresh", json!({"refresh_token": r2})).await;
    assert_eq!(s, 401);
    // Sign-out revokes the session's refresh token.
    let (_, t3) = app.login_raw("admin", PASSWORD).await;
    let r3 = t3["refresh_token"].as_str().unwrap().to_owned();
    let r = app.anon.post(app.url("/api/v1/auth/logout")).json(&json!({"refresh_token": r3})).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let (s, _) = post(&app.anon, &app, "/api/v1/auth/refresh", json!({"refresh_token": r3})).await;
    assert_eq!(s, 401);
    // Unknown fields are refused here too.
    let (s, _) =
        post(&app.anon, &app, "/api/v1/auth/login", json!({"username": "admin", "password": PASSWORD, "role": "admin"})).await;
    assert_eq!(s, 422);
}

async fn wrong_password_and_unknown_user_look_the_same_and_are_throttled(app: TestApp) {
    let (s1, mut wrong) = app.login_raw("admin", "not the password").await;
    let (s2, mut unknown) = app.login_raw("nobody", "not the password").await;
    assert_eq!((s1, s2), (401, 401));
    wrong.as_object_mut().unwrap().remove("instance");
    unknown.as_object_mut().unwrap().remove("instance");
    assert_eq!(wrong, unknown, "the answers must not tell an unknown user from a wrong password");
    // Five failures per account in the window; the sixth attempt is refused
    // even with the right password, with Retry-After.
    for _ in 0..4 {
        assert_eq!(app.login_raw("admin", "still wrong").await.0, 401);
    }
    let r = app
        .anon
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 429);
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    let (_, p) = read(r).await;
    assert!(p["detail"].as_str().unwrap().contains("try again in"));
    // Other accounts from another address are not affected by the account
    // limit; the per-address limit (20) is not reached yet.
    app.add_user("other", Role::Hq, app.hq, None).await;
    assert_eq!(app.login_raw("other", PASSWORD).await.0, 200);
}

async fn forged_expired_and_deactivated_tokens_are_refused(app: TestApp) {
    for header in ["Bearer", "Bearer not.a.jwt", "Basic YWRtaW46eA==", "Bearer cas_unknown"] {
        let r = app.anon.get(app.url("/api/v1/customers")).header("authorization", header).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401, "{header}");
        assert!(r.headers().get("www-authenticate").is_some());
    }
    let id = app.add_user("leaver", Role::Hq, app.hq, None).await;
    let client = app.login("leaver").await;
    assert_eq!(get(&client, &app, "/api/v1/customers").await.0, 200);
    let (s, _) = patch(&app.client, &app, &format!("/api/v1/users/{id}"), json!({"active": false})).await;
    assert_eq!(s, 200);
    // The access token is still unexpired, but the account is checked on every request.
    assert_eq!(get(&client, &app, "/api/v1/customers").await.0, 401);
    assert_eq!(app.login_raw("leaver", PASSWORD).await.0, 401);
}

async fn the_matrix_cannot_be_used_to_escalate(app: TestApp) {
    let (ra, ..) = region(&app).await;
    app.add_user("rm.a", Role::RegionManager, ra, None).await;
    app.add_user("hq.user", Role::Hq, app.hq, None).await;
    let rm = app.login("rm.a").await;
    let hq = app.login("hq.user").await;
    // Without permissions.write: 403, nothing changes.
    let (s, _) = read(
        hq.put(app.url("/api/v1/roles/rep/permissions")).json(&json!({"permissions": ["customers.read"]})).send().await.unwrap(),
    )
    .await;
    assert_eq!(s, 403);
    // The admin role keeps its floor.
    let (s, p) = read(
        app.client
            .put(app.url("/api/v1/roles/admin/permissions"))
            .json(&json!({"permissions": ["users.read"]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 422, "{p}");
    // Grant the region manager users.write: they may now create users, but
    // never one whose role holds more than they do (hq has audit.read).
    let (_, roles) = app.get("/api/v1/roles").await;
    let mut perms: Vec<Value> = roles.as_array().unwrap().iter().find(|r| r["role"] == "region_manager").unwrap()["permissions"]
        .as_array()
        .unwrap()
        .clone();
    perms.push(json!("users.write"));
    let (s, _) = read(
        app.client
            .put(app.url("/api/v1/roles/region_manager/permissions"))
            .json(&json!({ "permissions": perms }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, 200);
    let (s, p) =
        post(&rm, &app, "/api/v1/users", json!({"username": "boss", "display_name": "x", "role": "hq", "unit_id": ra})).await;
    assert_eq!(s, 403, "{p}");
    let (s, p) = post(
        &rm,
        &app,
        "/api/v1/users",
        json!({"username": "pm.new", "display_name": "x", "role": "province_manager", "unit_id": ra}),
    )
    .await;
    assert_eq!(s, 201, "{p}");
    // ...and not outside their region.
    let (s, p) = post(
        &rm,
        &app,
        "/api/v1/users",
        json!({"username": "pm.hq", "display_name": "x", "role": "province_manager", "unit_id": app.hq}),
    )
    .await;
    assert_eq!((s, common::fields(&p)), (422, vec!["unit_id".to_owned()]));
}

async fn the_last_admin_stays(app: TestApp) {
    let me = app.admin_id;
    let (s, p) = patch(&app.client, &app, &format!("/api/v1/users/{me}"), json!({"role": "hq"})).await;
    assert_eq!(s, 409, "{p}");
    let (s, _) = patch(&app.client, &app, &format!("/api/v1/users/{me}"), json!({"active": false})).await;
    assert_eq!(s, 409);
    assert_eq!(app.delete(&format!("/api/v1/users/{me}")).await, 409);
    // With a second admin, the first may step down.
    app.add_user("admin2", Role::Admin, app.hq, None).await;
    let (s, p) = patch(&app.client, &app, &format!("/api/v1/users/{me}"), json!({"role": "hq"})).await;
    assert_eq!((s, p["role"].as_str()), (200, Some("hq")));
}

async fn api_tokens_act_in_their_scope_until_revoked(app: TestApp) {
    let (_, pa, _, cust) = region(&app).await;
    let rb = app.create("/api/v1/org-units", json!({"code": "R-B", "name": "华东", "kind": "region", "parent_id": app.hq})).await;
    let other = app
        .create(
            "/api/v1/customers",
            json!({"code": "H9", "name": "瑞金", "grade": "三甲", "province": "上海", "city": "上海", "unit_id": rb}),
        )
        .await;
    let (s, t) =
        app.post("/api/v1/api-tokens", json!({"name": "Salesforce sync", "role": "province_manager", "unit_id": pa})).await;
    assert_eq!(s, 201, "{t}");
    let secret = t["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("cas_") && secret.len() > 40);
    let id = t["api_token"]["id"].as_i64().unwrap();
    let sys = bearer_client(&secret);
    assert_eq!(get(&sys, &app, &format!("/api/v1/customers/{cust}")).await.0, 200);
    assert_eq!(get(&sys, &app, &format!("/api/v1/customers/{other}")).await.0, 404);
    let (s, me) = get(&sys, &app, "/api/v1/auth/me").await;
    assert_eq!((s, me["api_token_id"].as_i64(), me["role"].as_str()), (200, Some(id), Some("province_manager")));
    // A token cannot mint tokens, and the list never shows a secret.
    assert_eq!(post(&sys, &app, "/api/v1/api-tokens", json!({"name": "x", "role": "rep", "unit_id": pa})).await.0, 403);
    let (_, list) = app.get("/api/v1/api-tokens").await;
    assert!(!list.to_string().contains(&secret[4..]));
    assert!(list["items"][0]["last_used_at"].is_string());
    let r = app.client.delete(app.url(&format!("/api/v1/api-tokens/{id}"))).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(get(&sys, &app, &format!("/api/v1/customers/{cust}")).await.0, 401);
}

async fn a_rep_cannot_set_what_is_not_theirs(app: TestApp) {
    let (_, pa, rep, cust) = region(&app).await;
    let peer = app
        .create(
            "/api/v1/reps",
            json!({"employee_no": "E2", "name": "李四", "unit_id": pa, "rating": "A", "hire_date": "2024-01-01"}),
        )
        .await;
    app.add_user("rep.a", Role::Rep, pa, Some(rep)).await;
    let me = app.login("rep.a").await;
    let path = format!("/api/v1/customers/{cust}");
    // The stage is theirs to move; the owner, unit and name are not.
    for body in [json!({"owner_rep_id": peer}), json!({"name": "x"}), json!({"stage": "won", "unit_id": pa})] {
        let (s, p) = patch(&me, &app, &path, body.clone()).await;
        assert_eq!(s, 403, "{body}: {p}");
    }
    let (s, c) = patch(&me, &app, &path, json!({"stage": "in_contact", "stage_note": "首次拜访"})).await;
    assert_eq!((s, c["stage"].as_str(), c["owner_rep_id"].as_i64()), (200, Some("in_contact"), Some(rep)));
    // Their own rating, and any other rep's, is off limits.
    assert_eq!(patch(&me, &app, &format!("/api/v1/reps/{rep}"), json!({"rating": "A"})).await.0, 403);
    // A visit in a colleague's name is refused without saying whether the colleague exists.
    let (s, p) = post(
        &me,
        &app,
        "/api/v1/visits",
        json!({"rep_id": peer, "customer_id": cust, "visit_date": "2026-11-20", "kind": "phone", "notes": ""}),
    )
    .await;
    assert_eq!((s, common::fields(&p)), (422, vec!["rep_id".to_owned()]));
    // Nor can a rep give themselves a role.
    let (s, _) = patch(&me, &app, "/api/v1/users/1", json!({"role": "admin"})).await;
    assert_eq!(s, 403);
}

async fn every_sign_in_and_write_is_audited(app: TestApp) {
    app.login_raw("admin", "wrong password").await;
    let (_, pa, _, cust) = region(&app).await;
    let (s, _) = app.patch(&format!("/api/v1/customers/{cust}"), json!({"name": "中山大学附属第一医院"})).await;
    assert_eq!(s, 200);
    let (s, log) = app.get(&format!("/api/v1/audit?entity=customer&entity_id={cust}")).await;
    assert_eq!(s, 200, "{log}");
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "create and update: {log}");
    let update = &items[0];
    assert_eq!((update["action"].as_str(), update["actor"].as_str()), (Some("update"), Some("admin")));
    assert_eq!(update["before"]["name"], "中山一院");
    assert_eq!(update["after"]["name"], "中山大学附属第一医院");
    let (_, failed) = app.get("/api/v1/audit?action=login_failed").await;
    assert_eq!(failed["items"][0]["actor"], "admin");
    assert!(failed["items"][0]["client_ip"].is_string());
    // Only company-wide readers with audit.read; nothing can edit it.
    app.add_user("pm.a", Role::ProvinceManager, pa, None).await;
    let pm = app.login("pm.a").await;
    assert_eq!(get(&pm, &app, "/api/v1/audit").await.0, 403);
    let id = update["id"].as_i64().unwrap();
    for method in [reqwest::Method::PATCH, reqwest::Method::DELETE, reqwest::Method::PUT] {
        let r = app.client.request(method.clone(), app.url(&format!("/api/v1/audit/{id}"))).send().await.unwrap();
        assert!(matches!(r.status().as_u16(), 404 | 405), "{method} answered {}", r.status());
    }
}
