//! Scope holds where a body or a file names another object: imports never
//! touch a row outside the importer's scope, a calibration naming something
//! outside the plan answers exactly as for something that does not exist,
//! company-wide settings need a company-wide caller, and calibration refuses
//! receivers who left, dates outside the plan and deals nobody can take.

mod common;

use cascade_core::Role;
use cascade_store::Backend;
use common::{bearer_client, fields, province_plan, read, two_regions, TestApp};
use serde_json::{json, Value};

macro_rules! both {
    ($($name:ident),+ $(,)?) => {
        mod sqlite { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Sqlite).await).await })+ }
        mod postgres { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Postgres).await).await })+ }
    };
}

both!(
    imports_never_touch_rows_outside_the_scope,
    calibrations_answer_for_outside_objects_as_for_missing_ones,
    calibration_refuses_what_it_must_and_hands_deals_over,
    company_wide_things_need_a_company_wide_scope,
);

async fn upload(client: &reqwest::Client, app: &TestApp, kind: &str, text: &str) -> (u16, Value) {
    let r = client
        .post(app.url(&format!("/api/v1/imports?kind={kind}&wait=true")))
        .header("content-type", "text/csv")
        .body(text.to_owned())
        .send()
        .await
        .unwrap();
    read(r).await
}

async fn export(app: &TestApp, kind: &str) -> String {
    app.client.get(app.url(&format!("/api/v1/exports/{kind}"))).send().await.unwrap().text().await.unwrap()
}

async fn imports_never_touch_rows_outside_the_scope(app: TestApp) {
    two_regions(&app).await;
    let rm = app.login("rm.a").await;
    // Row 2 is new and in region A; row 3 names region B's record by its
    // natural key while every reference on it lies in region A, so only the
    // key itself can refuse it.
    let files = [
        (
            "reps",
            "employee_no",
            "employee_no,name,unit_code,rating,hire_date,status,status_since\n\
          E-NEW,新人,P-A,C,2026-11-01,active,2026-11-01\nE-B,改名,P-A,A,2020-01-01,active,2020-01-01\n",
        ),
        (
            "customers",
            "code",
            "code,name,grade,province,city,unit_code,owner_employee_no,stage\n\
          C-NEW,新医院,二甲,广东,佛山,P-A,E-A,not_engaged\nC-B,我的医院,三甲,广东,广州,P-A,E-A,won\n",
        ),
        (
            "sales_records",
            "doc_id",
            "doc_id,customer_code,product_line_code,booked_on,amount\n\
          S-NEW,C-A,PL-IMG,2026-11-02,10.00\nS-B,C-A,PL-IMG,2026-11-02,99999.00\n",
        ),
        (
            "opportunities",
            "external_id",
            "external_id,name,customer_code,owner_employee_no,product_line_code,amount,expected_close,stage\n\
          OPP-NEW,新商机,C-A,E-A,PL-IMG,10.00,2026-12-30,lead\nOPP-B,抢来的,C-A,E-A,PL-IMG,1.00,2026-12-30,contract\n",
        ),
        (
            "visits",
            "external_id",
            "external_id,employee_no,customer_code,visit_date,kind,notes\n\
          VIS-NEW,E-A,C-A,2026-11-23,phone,新\nVIS-B,E-A,C-A,2026-11-23,phone,抢来的\n",
        ),
    ];
    // A region manager holds imports.run but neither sales.write nor
    // org_units.write: a file is no way around that.
    let units = "code,name,kind,parent_code\nP-NEW,新省,province,R-A\n";
    for (kind, text) in [("sales_records", files[2].2), ("org_units", units)] {
        let before = export(&app, kind).await;
        let (s, v) = upload(&rm, &app, kind, text).await;
        assert_eq!(s, 403, "{kind}: {v}");
        assert!(v["detail"].as_str().unwrap().contains(".write"), "{kind}: the answer names the permission: {v}");
        assert_eq!(export(&app, kind).await, before, "{kind}: the refused file changed something");
    }
    // Granted sales.write, the same manager still cannot reach region B's rows.
    let (_, roles) = app.get("/api/v1/roles").await;
    let mut perms = roles.as_array().unwrap().iter().find(|r| r["role"] == "region_manager").unwrap()["permissions"].clone();
    perms.as_array_mut().unwrap().push(json!("sales.write"));
    let r = app.client.put(app.url("/api/v1/roles/region_manager/permissions")).json(&json!({ "permissions": perms })).send();
    assert_eq!(read(r.await.unwrap()).await.0, 200);
    for (kind, key, text) in &files {
        let (kind, key, text) = (*kind, *key, *text);
        let before = export(&app, kind).await;
        let (s, v) = upload(&rm, &app, kind, text).await;
        assert_eq!(s, 422, "{kind}: {v}");
        let errors = v["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{kind}: only row 3 is refused: {v}");
        assert_eq!((errors[0]["row"].as_u64(), errors[0]["field"].as_str()), (Some(3), Some(key)), "{kind}: {v}");
        assert!(errors[0]["reason"].as_str().unwrap().contains("outside your scope"), "{kind}: {v}");
        assert!(!v.to_string().contains("ZONE-B"), "{kind}: the answer shows the other row: {v}");
        assert_eq!(export(&app, kind).await, before, "{kind}: the refused file changed something");
    }
    // The same files from a company-wide caller are ordinary upserts.
    for (kind, _, text) in files {
        let (s, v) = upload(&app.client, &app, kind, text).await;
        assert_eq!(s, 200, "{kind} as admin: {v}");
    }
    // The attack of the issue: the customer is now in region A, so region A
    // may change it; region B's sales on it moved with it.
    let (s, v) = app.get("/api/v1/customers?q=C-B").await;
    assert_eq!((s, v["items"][0]["name"].as_str()), (200, Some("我的医院")));
    let (s, v) = upload(
        &rm,
        &app,
        "customers",
        "code,name,grade,province,city,unit_code,owner_employee_no,stage\nC-B,再改名,三甲,广东,广州,P-A,E-A,won\n",
    )
    .await;
    assert_eq!((s, v["rows_changed"].as_u64()), (200, Some(1)), "{v}");
}

async fn calibrate(client: &reqwest::Client, app: &TestApp, plan: i64, version: i64, event: Value) -> (u16, Value) {
    let r = client
        .post(app.url(&format!("/api/v1/plans/{plan}/calibrations")))
        .header("If-Match", format!("\"{version}\""))
        .json(&json!({"event": event, "reason": "季度中人员与客户变动，重新校准"}))
        .send()
        .await
        .unwrap();
    read(r).await
}

/// A calibration event naming the given id.
type EventOf<'a> = Box<dyn Fn(i64) -> Value + 'a>;

async fn calibrations_answer_for_outside_objects_as_for_missing_ones(app: TestApp) {
    let fx = two_regions(&app).await;
    let (plan, version) = province_plan(&app, &fx).await;
    let rm = app.login("rm.a").await;
    let (_, opps) = app.get(&format!("/api/v1/opportunities?customer_id={}", fx.cb)).await;
    let opp_b = opps["items"][0]["id"].as_i64().unwrap();
    let (_, reps) = app.get("/api/v1/reps?q=E-B").await;
    let eb = reps["items"][0]["id"].as_i64().unwrap();
    let missing = 987_654;
    let events: [(&str, EventOf<'_>, i64); 4] = [
        (
            "transfer",
            Box::new(|c| json!({"kind": "transfer", "customer_ids": [c], "to_rep_id": fx.ea2, "effective": "2026-12-01"})),
            fx.cb,
        ),
        ("slip", Box::new(|o| json!({"kind": "slip", "opportunity_id": o, "new_expected_close": "2027-01-20"})), opp_b),
        ("hire", Box::new(|r| json!({"kind": "hire", "rep_id": r})), eb),
        (
            "departure",
            Box::new(
                |c| json!({"kind": "departure", "rep_id": fx.ea, "effective": "2026-12-01", "reassign": [{"customer_id": fx.ca, "to_rep_id": fx.ea2}, {"customer_id": c, "to_rep_id": fx.ea2}]}),
            ),
            fx.cb,
        ),
    ];
    for (name, event, outside) in &events {
        let (s_out, v_out) = calibrate(&rm, &app, plan, version, event(*outside)).await;
        let (s_missing, v_missing) = calibrate(&rm, &app, plan, version, event(missing)).await;
        assert!(s_out >= 400, "{name}: {v_out}");
        assert_eq!(
            (s_out, &v_out),
            (s_missing, &v_missing),
            "{name}: an object outside the plan answers differently from a missing one"
        );
    }
    let (_, lines) = app.get(&format!("/api/v1/plans/{plan}")).await;
    assert_eq!(lines["version"], version, "a refused calibration wrote something");
}

async fn calibration_refuses_what_it_must_and_hands_deals_over(app: TestApp) {
    let fx = two_regions(&app).await;
    let rep = json!({"employee_no": "E-A3", "name": "王六", "unit_id": fx.pa, "rating": "B", "hire_date": "2023-03-01"});
    let ea3 = app.create("/api/v1/reps", rep).await;
    let orphan = app
        .create(
            "/api/v1/customers",
            json!({"code": "C-A0", "name": "无人负责医院", "grade": "二乙", "province": "广东", "city": "江门", "unit_id": fx.pa}),
        )
        .await;
    let opp = |c: i64, ext: &str| json!({"external_id": ext, "name": "DR 采购", "customer_id": c, "owner_rep_id": fx.ea, "product_line_id": fx.pl, "amount": "50000.00", "expected_close": "2026-12-28", "stage": "contract"});
    let on_colleague = app.create("/api/v1/opportunities", opp(fx.ca2, "OPP-ON-A2")).await;
    let (plan, version) = province_plan(&app, &fx).await;
    let (s, v) = app.patch(&format!("/api/v1/reps/{ea3}"), json!({"status": "departed", "status_since": "2026-11-15"})).await;
    assert_eq!(s, 200, "{v}");
    let rm = app.login("rm.a").await;
    let departure = |effective: &str, to: i64| json!({"kind": "departure", "rep_id": fx.ea, "effective": effective, "reassign": [{"customer_id": fx.ca, "to_rep_id": to}]});

    // A rep "departed since 2020" while the plan runs in 2026-Q4.
    let (s, v) = calibrate(&rm, &app, plan, version, departure("2020-01-01", fx.ea2)).await;
    assert_eq!((s, fields(&v).contains(&"event.effective".to_owned())), (422, true), "{v}");
    let (s, v) = calibrate(&rm, &app, plan, version, departure("2027-01-05", fx.ea2)).await;
    assert_eq!((s, fields(&v).contains(&"event.effective".to_owned())), (422, true), "{v}");
    // A receiver who has already left.
    let (s, v) = calibrate(&rm, &app, plan, version, departure("2026-12-01", ea3)).await;
    assert_eq!((s, fields(&v)), (422, vec!["event.reassign[0].to_rep_id".to_owned()]), "{v}");
    // An open deal on a customer nobody owns cannot be handed over.
    let stranded = app.create("/api/v1/opportunities", opp(orphan, "OPP-ORPHAN")).await;
    let (s, v) = calibrate(&rm, &app, plan, version, departure("2026-12-01", fx.ea2)).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["errors"][0]["reason"].as_str().unwrap().contains(&stranded.to_string()), "{v}");
    assert_eq!(app.delete(&format!("/api/v1/opportunities/{stranded}")).await, 204);
    // A transfer to a rep who left, or dated outside the plan.
    let transfer =
        |to: i64, effective: &str| json!({"kind": "transfer", "customer_ids": [fx.ca], "to_rep_id": to, "effective": effective});
    let (s, v) = calibrate(&rm, &app, plan, version, transfer(ea3, "2026-12-01")).await;
    assert_eq!((s, fields(&v)), (422, vec!["event.to_rep_id".to_owned()]), "{v}");
    let (s, v) = calibrate(&rm, &app, plan, version, transfer(fx.ea2, "2025-12-01")).await;
    assert_eq!((s, fields(&v)), (422, vec!["event.effective".to_owned()]), "{v}");
    let (_, p) = app.get(&format!("/api/v1/plans/{plan}")).await;
    assert_eq!(p["version"], version, "refused calibrations wrote something");

    // Accepted: the customer moves to E-A2 and so does the deal E-A held on
    // E-A2's own customer.
    let (s, v) = calibrate(&rm, &app, plan, version, departure("2026-12-01", fx.ea2)).await;
    assert_eq!(s, 200, "{v}");
    let (_, o) = app.get(&format!("/api/v1/opportunities/{on_colleague}")).await;
    assert_eq!(o["owner_rep_id"], fx.ea2, "the leaver's deal on a colleague's customer stayed with the leaver: {o}");
    let (_, c) = app.get(&format!("/api/v1/customers/{}", fx.ca)).await;
    assert_eq!(c["owner_rep_id"], fx.ea2);
    let (_, r) = app.get(&format!("/api/v1/reps/{}", fx.ea)).await;
    assert_eq!((r["status"].as_str(), r["status_since"].as_str()), (Some("departed"), Some("2026-12-01")));
}

async fn company_wide_things_need_a_company_wide_scope(app: TestApp) {
    let fx = two_regions(&app).await;
    let field = app
        .create(
            "/api/v1/custom-fields",
            json!({"entity": "customer", "key": "tier", "label_zh": "分层", "label_en": "Tier", "field_type": "text"}),
        )
        .await;
    // An admin of region A only, and an admin-role API token confined to region A.
    app.add_user("admin.a", Role::Admin, fx.ra, None).await;
    let (s, t) = app.post("/api/v1/api-tokens", json!({"name": "regional sync", "role": "admin", "unit_id": fx.ra})).await;
    assert_eq!(s, 201, "{t}");
    let callers = [("admin.a", app.login("admin.a").await), ("token", bearer_client(t["token"].as_str().unwrap()))];
    for (who, c) in &callers {
        let calls = [
            (reqwest::Method::DELETE, format!("/api/v1/custom-fields/{field}"), None),
            (reqwest::Method::PATCH, format!("/api/v1/custom-fields/{field}"), Some(json!({"label_en": "Renamed"}))),
            (
                reqwest::Method::POST,
                "/api/v1/custom-fields".to_owned(),
                Some(json!({"entity": "rep", "key": "x", "label_zh": "x", "label_en": "x", "field_type": "text"})),
            ),
            (reqwest::Method::PATCH, format!("/api/v1/product-lines/{}", fx.pl), Some(json!({"name": "改名"}))),
            (reqwest::Method::POST, "/api/v1/product-lines".to_owned(), Some(json!({"code": "PL-X", "name": "新"}))),
            (reqwest::Method::DELETE, format!("/api/v1/product-lines/{}", fx.pl), None),
            (reqwest::Method::PUT, "/api/v1/roles/rep/permissions".to_owned(), Some(json!({"permissions": []}))),
        ];
        for (m, path, body) in calls {
            let mut r = c.request(m.clone(), app.url(&path));
            if let Some(b) = body {
                r = r.json(&b);
            }
            let (s, v) = read(r.send().await.unwrap()).await;
            assert_eq!(s, 403, "{who} {m} {path}: {v}");
            assert!(v["detail"].as_str().unwrap().contains("company-wide"), "{who} {m} {path}: {v}");
        }
        // Reading them is fine.
        let (s, _) = read(c.get(app.url(&format!("/api/v1/custom-fields/{field}"))).send().await.unwrap()).await;
        assert_eq!(s, 200, "{who}");
    }
    let (_, f) = app.get(&format!("/api/v1/custom-fields/{field}")).await;
    assert_eq!(f["label_en"], "Tier");
    let (_, p) = app.get(&format!("/api/v1/product-lines/{}", fx.pl)).await;
    assert_eq!(p["name"], "医学影像");
    assert_eq!(app.delete(&format!("/api/v1/custom-fields/{field}")).await, 204, "the company-wide admin may");
}
