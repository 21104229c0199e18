//! Imports and exports over HTTP on both databases: all-or-nothing with
//! every bad row named, idempotent, polled as jobs, round-tripping exports.

mod common;

use cascade_store::Backend;
use common::TestApp;
use serde_json::Value;

macro_rules! both {
    ($($name:ident),+ $(,)?) => {
        mod sqlite { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Sqlite).await).await })+ }
        mod postgres { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Postgres).await).await })+ }
    };
}

both!(
    org_units_then_people_then_sales_idempotently,
    a_bad_file_writes_nothing_and_names_every_bad_row,
    jobs_are_polled_to_the_end,
    exports_import_back_unchanged,
    the_edges_of_every_value_export_and_import_back,
    excel_files_import,
    broken_and_oversized_files_are_refused,
);

async fn upload(app: &TestApp, kind: &str, content_type: &str, body: Vec<u8>, wait: bool) -> (u16, Value) {
    let r = app
        .client
        .post(app.url(&format!("/api/v1/imports?kind={kind}&wait={wait}")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    common::read(r).await
}

async fn csv(app: &TestApp, kind: &str, text: &str) -> (u16, Value) {
    upload(app, kind, "text/csv", text.as_bytes().to_vec(), true).await
}

const UNITS: &str =
    "code,name,kind,parent_code\nP-GD,广东,province,R-HN\nHQ,华康医疗,company,\nR-HN,华南,region,HQ\nP-GX,广西,province,R-HN\n";
const REPS: &str = "employee_no,name,unit_code,rating,hire_date,status,status_since\n\
E1,张三,P-GD,A,2022-03-01,active,2022-03-01\nE2,李四,P-GX,B,2023-07-15,departed,2026-05-10\n";
const CUSTOMERS: &str = "code,name,grade,province,city,unit_code,owner_employee_no,stage\n\
H1,中山一院,三甲,广东,广州,P-GD,E1,in_hospital\nH2,\"南宁市第一人民医院, 东院\",二甲,广西,南宁,P-GX,,not_engaged\n";

async fn base(app: &TestApp) {
    for (kind, text) in [("org_units", UNITS), ("reps", REPS), ("customers", CUSTOMERS)] {
        let (s, v) = csv(app, kind, text).await;
        assert_eq!(s, 200, "{kind}: {v}");
        assert_eq!(v["status"], "succeeded");
    }
    app.create("/api/v1/product-lines", serde_json::json!({"code": "PL-IMG", "name": "医学影像"})).await;
}

async fn org_units_then_people_then_sales_idempotently(app: TestApp) {
    base(&app).await;
    let (_, units) = app.get("/api/v1/org-units?sort=depth").await;
    assert_eq!(units["items"].as_array().unwrap().len(), 4);
    let (_, c) = app.get("/api/v1/customers?q=H2").await;
    assert_eq!(c["items"][0]["name"], "南宁市第一人民医院, 东院");
    let sales = "doc_id,customer_code,product_line_code,booked_on,amount\n\
                 SO-1,H1,PL-IMG,2026-04-03,125000.00\nCN-1,H1,PL-IMG,2026-04-20,-2500.5\nSO-2,H2,PL-IMG,2026-05-09,8800\n";
    let (s, v) = csv(&app, "sales_records", sales).await;
    assert_eq!((s, v["rows_total"].as_u64(), v["rows_changed"].as_u64()), (200, Some(3), Some(3)), "{v}");
    // The same files again change nothing.
    for (kind, text) in [("org_units", UNITS), ("reps", REPS), ("customers", CUSTOMERS), ("sales_records", sales)] {
        let (s, v) = csv(&app, kind, text).await;
        assert_eq!((s, v["rows_changed"].as_u64()), (200, Some(0)), "{kind}: {v}");
    }
    // A corrected file changes only what changed, and stage changes reach the history.
    let moved = CUSTOMERS.replace("in_hospital", "pending_tender");
    let (_, v) = csv(&app, "customers", &moved).await;
    assert_eq!(v["rows_changed"], 1);
    let (_, c) = app.get("/api/v1/customers?q=H1").await;
    let id = c["items"][0]["id"].as_i64().unwrap();
    let (_, h) = app.get(&format!("/api/v1/customers/{id}/stage-history")).await;
    let stages: Vec<&str> = h.as_array().unwrap().iter().map(|s| s["to_stage"].as_str().unwrap()).collect();
    assert_eq!(stages, ["in_hospital", "pending_tender"]);
    let (_, list) = app.get("/api/v1/sales-records?sort=amount").await;
    assert_eq!(list["items"][0]["amount"], "-2500.50");
}

async fn a_bad_file_writes_nothing_and_names_every_bad_row(app: TestApp) {
    base(&app).await;
    let sales = "doc_id,customer_code,product_line_code,booked_on,amount\n\
                 SO-1,H1,PL-IMG,2026-04-03,125000.00\n\
                 SO-2,H404,PL-IMG,2026-04-04,10\n\
                 SO-3,H1,PL-IMG,2026-02-30,10\n\
                 SO-1,H2,PL-IMG,2026-04-05,10\n\
                 SO-5,H1,PL-IMG,2026-04-06,ten\n\
                 SO-6,H1,PL-XXX,2026-04-06,10\n";
    let (s, v) = csv(&app, "sales_records", sales).await;
    assert_eq!(s, 422, "{v}");
    let found: Vec<(u64, String)> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["field"].as_str().unwrap().to_owned()))
        .collect();
    for expected in [(3, "customer_code"), (4, "booked_on"), (5, "doc_id"), (6, "amount"), (7, "product_line_code")] {
        assert!(found.contains(&(expected.0, expected.1.to_owned())), "missing {expected:?} in {found:?}");
    }
    assert_eq!(v["total_errors"].as_u64(), Some(found.len() as u64));
    let (_, list) = app.get("/api/v1/sales-records").await;
    assert!(list["items"].as_array().unwrap().is_empty(), "nothing may be written: {list}");
    // A wrong header is refused as a whole, naming the columns.
    let (s, v) =
        csv(&app, "sales_records", "doc,customer_code,product_line_code,booked_on,amount,colour\nX,H1,PL-IMG,2026-01-01,1,red\n")
            .await;
    assert_eq!(s, 422);
    let fields: Vec<&str> = v["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"doc_id") && fields.contains(&"colour"), "{v}");
    // An org unit file with a cycle or an unknown parent writes nothing either.
    let (s, v) = csv(&app, "org_units", "code,name,kind,parent_code\nA,甲,region,B\nB,乙,region,A\nC,丙,province,NOPE\n").await;
    assert_eq!(s, 422, "{v}");
    let (_, units) = app.get("/api/v1/org-units?q=%E7%94%B2").await;
    assert!(units["items"].as_array().unwrap().is_empty());
}

async fn jobs_are_polled_to_the_end(app: TestApp) {
    base(&app).await;
    let mut text = String::from("doc_id,customer_code,product_line_code,booked_on,amount\n");
    for i in 0..5_000 {
        text.push_str(&format!("SO-{i},H{},PL-IMG,2026-04-{:02},{}.{:02}\n", 1 + i % 2, 1 + i % 28, i * 3, i % 100));
    }
    let (s, job) = upload(&app, "sales_records", "text/csv", text.into_bytes(), false).await;
    assert_eq!((s, job["status"].as_str()), (202, Some("queued")), "{job}");
    let id = job["id"].as_i64().unwrap();
    let mut last = Value::Null;
    for _ in 0..200 {
        let (_, j) = app.get(&format!("/api/v1/imports/{id}")).await;
        if j["status"] == "succeeded" || j["status"] == "failed" {
            last = j;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(last["status"], "succeeded", "{last}");
    assert_eq!(
        (last["rows_total"].as_u64(), last["rows_done"].as_u64(), last["rows_changed"].as_u64()),
        (Some(5000), Some(5000), Some(5000))
    );
    let (_, jobs) = app.get("/api/v1/imports?limit=2").await;
    assert_eq!(jobs["items"][0]["id"].as_i64(), Some(id), "newest first");
    let (_, oldest) = app.get("/api/v1/imports?order=asc&limit=1").await;
    assert!(oldest["items"][0]["id"].as_i64() < Some(id), "order=asc gives the oldest first: {oldest}");
}

async fn exports_import_back_unchanged(app: TestApp) {
    base(&app).await;
    app.create(
        "/api/v1/visits",
        serde_json::json!({"rep_id": app.get("/api/v1/reps?q=E1").await.1["items"][0]["id"], "customer_id": app.get("/api/v1/customers?q=H1").await.1["items"][0]["id"], "visit_date": "2026-05-06", "kind": "phone", "notes": "电话, \"跟进\"\n第二行"}),
    )
    .await;
    for kind in ["org_units", "reps", "customers", "visits"] {
        let r = app.client.get(app.url(&format!("/api/v1/exports/{kind}"))).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-disposition"].to_str().unwrap().contains(&format!("{kind}.csv")));
        let body = r.bytes().await.unwrap().to_vec();
        let (s, v) = upload(&app, kind, "text/csv", body, true).await;
        assert_eq!((s, v["rows_changed"].as_u64()), (200, Some(0)), "{kind}: {v}");
    }
    let r = app.client.get(app.url("/api/v1/exports/customers?format=xlsx")).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let body = r.bytes().await.unwrap().to_vec();
    let (s, v) = upload(&app, "customers", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body, true).await;
    assert_eq!((s, v["rows_changed"].as_u64()), (200, Some(0)), "{v}");
}

/// Whatever the API accepts, the exports write in a form the imports take
/// back unchanged, in CSV and in Excel: the largest amounts either way,
/// the first and last dates of four-digit years, the longest names and
/// notes, quotes, commas, tabs and line breaks.
async fn the_edges_of_every_value_export_and_import_back(app: TestApp) {
    base(&app).await;
    let id = |v: (u16, Value)| v.1["items"][0]["id"].as_i64().unwrap();
    let rep = id(app.get("/api/v1/reps?q=E1").await);
    let unit = app.get("/api/v1/reps?q=E1").await.1["items"][0]["unit_id"].as_i64().unwrap();
    let pl = id(app.get("/api/v1/product-lines").await);
    let long_name = format!("=\"{}\", {}", "名".repeat(40), "x".repeat(55));
    assert_eq!(long_name.chars().count(), 100);
    let c = app
        .create(
            "/api/v1/customers",
            serde_json::json!({"code": "Z.9_z-0", "name": long_name, "grade": "未定级", "province": "广东", "city": " 广州 ", "unit_id": unit, "owner_rep_id": rep}),
        )
        .await;
    app.create(
        "/api/v1/reps",
        serde_json::json!({"employee_no": "E0001", "name": "老员工", "unit_id": unit, "rating": "A", "hire_date": "0001-01-01"}),
    )
    .await;
    for (doc, amount, day) in
        [("MAX", "9999999999999.99", "9999-12-31"), ("MIN", "-9999999999999.99", "0001-01-01"), ("FEN", "0.01", "2026-02-28")]
    {
        app.create(
            "/api/v1/sales-records",
            serde_json::json!({"doc_id": doc, "customer_id": c, "product_line_id": pl, "booked_on": day, "amount": amount}),
        )
        .await;
    }
    app.create(
        "/api/v1/opportunities",
        serde_json::json!({"external_id": "OPP.MAX", "name": long_name, "customer_id": c, "owner_rep_id": rep, "product_line_id": pl, "amount": "9999999999999.99", "expected_close": "9999-12-31", "stage": "lost", "lost_reason": "预算\t取消\n改年"}),
    )
    .await;
    let notes = format!("{}\r\n,\"\t", "记".repeat(1995));
    app.create("/api/v1/visits", serde_json::json!({"external_id": "V.MAX", "rep_id": rep, "customer_id": c, "visit_date": "0001-01-01", "kind": "meeting", "notes": notes})).await;
    for kind in ["reps", "customers", "sales_records", "opportunities", "visits"] {
        for (format, mime) in [("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
        {
            let r = app.client.get(app.url(&format!("/api/v1/exports/{kind}?format={format}"))).send().await.unwrap();
            assert_eq!(r.status(), 200, "{kind} {format}");
            let body = r.bytes().await.unwrap().to_vec();
            let (s, v) = upload(&app, kind, mime, body, true).await;
            assert_eq!((s, v["rows_changed"].as_u64()), (200, Some(0)), "{kind} as {format}: {v}");
        }
    }
    let (_, sales) = app.get("/api/v1/sales-records?sort=amount").await;
    let amounts: Vec<&str> = sales["items"].as_array().unwrap().iter().map(|s| s["amount"].as_str().unwrap()).collect();
    assert_eq!(amounts, ["-9999999999999.99", "0.01", "9999999999999.99"]);
}

async fn excel_files_import(app: TestApp) {
    base(&app).await;
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["doc_id", "customer_code", "product_line_code", "booked_on", "amount"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_number(1, 0, 90000001.0).unwrap();
    sheet.write_string(1, 1, "H1").unwrap();
    sheet.write_string(1, 2, "PL-IMG").unwrap();
    sheet.write_string(1, 3, "2026-04-03").unwrap();
    sheet.write_number(1, 4, 1250.5).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let (s, v) =
        upload(&app, "sales_records", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes, true).await;
    assert_eq!(s, 200, "{v}");
    let (_, list) = app.get("/api/v1/sales-records").await;
    assert_eq!((list["items"][0]["doc_id"].as_str(), list["items"][0]["amount"].as_str()), (Some("90000001"), Some("1250.50")));
}

async fn broken_and_oversized_files_are_refused(app: TestApp) {
    base(&app).await;
    let (s, v) = upload(
        &app,
        "customers",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04 not really".to_vec(),
        true,
    )
    .await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["errors"][0]["field"], "file");
    let (s, _) = upload(&app, "customers", "application/pdf", b"%PDF".to_vec(), true).await;
    assert_eq!(s, 415);
    let (s, v) = upload(&app, "customers", "text/csv", Vec::new(), true).await;
    assert_eq!((s, common::fields(&v)), (422, vec!["body".to_owned()]));
    let (s, v) = app.get("/api/v1/imports?kind=customers").await;
    assert_eq!(s, 422, "{v}");
    let big = vec![b'a'; 2 * 1024 * 1024];
    let r = app.client.post(app.url("/api/v1/imports?kind=customers")).header("content-type", "text/csv").body(big).send().await;
    // The server may close the connection once it has refused the body.
    if let Ok(r) = r {
        assert_eq!(r.status(), 413);
    }
}
