//! Target planning over HTTP, as HQ, a region manager, a province manager and
//! a rep use it: the cascade HQ → region → province → reps with exact
//! totals, bands, If-Match, evidence, approval rights, revisions and diffs,
//! what-if, calibration, HQ relief and the metrics built on plans.

mod common;

use cascade_core::Role;
use cascade_store::Backend;
use common::{fields, read, two_regions, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

macro_rules! both {
    ($($name:ident),+ $(,)?) => {
        mod sqlite { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Sqlite).await).await })+ }
        mod postgres { $(#[tokio::test] async fn $name() { super::$name(super::TestApp::spawn(super::Backend::Postgres).await).await })+ }
    };
}

both!(planning_end_to_end, explanations_come_in_the_language_asked_for);

struct Call<'a> {
    app: &'a TestApp,
    client: &'a reqwest::Client,
}

impl Call<'_> {
    async fn go(&self, m: Method, path: &str, if_match: Option<i64>, body: Option<Value>) -> (u16, Value, Option<String>) {
        let mut r = self.client.request(m, self.app.url(path));
        if let Some(v) = if_match {
            r = r.header("If-Match", format!("\"{v}\""));
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.expect("request");
        let etag = resp.headers().get("etag").map(|v| v.to_str().unwrap().to_owned());
        let (s, v) = read(resp).await;
        (s, v, etag)
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let (s, v, _) = self.go(Method::GET, path, None, None).await;
        (s, v)
    }

    /// POST or PATCH with the current version, expecting success.
    async fn write(&self, m: Method, path: &str, version: i64, body: Option<Value>) -> Value {
        let (s, v, _) = self.go(m, path, Some(version), body).await;
        assert!(s == 200 || s == 201, "{path}: {s} {v}");
        v
    }
}

fn fen(v: &Value) -> i64 {
    let text = v.as_str().unwrap_or_else(|| panic!("money {v}"));
    let (y, f) = text.split_once('.').unwrap_or((text, "0"));
    y.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap()
}

fn sum_finals(lines: &Value) -> i64 {
    lines.as_array().unwrap().iter().map(|l| fen(&l["final"])).sum()
}

async fn planning_end_to_end(app: TestApp) {
    let unit =
        |code: &str, name: &str, kind: &str, parent: i64| json!({"code": code, "name": name, "kind": kind, "parent_id": parent});
    let r1 = app.create("/api/v1/org-units", unit("R1", "华南大区", "region", app.hq)).await;
    let r2 = app.create("/api/v1/org-units", unit("R2", "华东大区", "region", app.hq)).await;
    let p1 = app.create("/api/v1/org-units", unit("P1", "广东", "province", r1)).await;
    let p2 = app.create("/api/v1/org-units", unit("P2", "广西", "province", r1)).await;
    // P2 and P3 each have one rep, so every unit has someone to carry a target.
    let p3 = app.create("/api/v1/org-units", unit("P3", "上海", "province", r2)).await;
    let rep = |no: &str, unit: i64, rating: &str| json!({"employee_no": no, "name": format!("rep {no}"), "unit_id": unit, "rating": rating, "hire_date": "2020-03-01"});
    let e1 = app.create("/api/v1/reps", rep("E1", p1, "A")).await;
    let e2 = app.create("/api/v1/reps", rep("E2", p1, "B")).await;
    let e3 = app.create("/api/v1/reps", rep("E3", p1, "C")).await;
    let e4 = app.create("/api/v1/reps", rep("E4", p2, "B")).await;
    let e5 = app.create("/api/v1/reps", rep("E5", p3, "B")).await;
    let pl = app.create("/api/v1/product-lines", json!({"code": "IMG", "name": "影像"})).await;
    let mut customers = Vec::new();
    for (i, (owner, u, history, now)) in [
        (e1, p1, 900_000, 100_000),
        (e2, p1, 500_000, 50_000),
        (e2, p1, 100_000, 0),
        (e3, p1, 300_000, 0),
        (e4, p2, 400_000, 0),
        (e5, p3, 600_000, 0),
    ]
    .into_iter()
    .enumerate()
    {
        let c = app
            .create(
                "/api/v1/customers",
                json!({"code": format!("C{i}"), "name": format!("医院 {i}"), "grade": "三甲", "province": "广东", "city": "广州", "unit_id": u, "owner_rep_id": owner}),
            )
            .await;
        customers.push(c);
        let sale = |doc: String, day: &str, amount: i64| json!({"doc_id": doc, "customer_id": c, "product_line_id": pl, "booked_on": day, "amount": format!("{amount}.00")});
        app.create("/api/v1/sales-records", sale(format!("H{i}"), "2025-11-10", history)).await;
        if now > 0 {
            app.create("/api/v1/sales-records", sale(format!("N{i}"), "2026-10-10", now)).await;
        }
    }
    let opp = app
        .create(
            "/api/v1/opportunities",
            json!({"name": "CT", "customer_id": customers[1], "owner_rep_id": e2, "product_line_id": pl, "amount": "200000.00", "expected_close": "2026-12-15", "stage": "contract"}),
        )
        .await;
    app.add_user("hq", Role::Hq, app.hq, None).await;
    app.add_user("rm1", Role::RegionManager, r1, None).await;
    app.add_user("rm2", Role::RegionManager, r2, None).await;
    app.add_user("pm1", Role::ProvinceManager, p1, None).await;
    app.add_user("rep1", Role::Rep, p1, Some(e1)).await;
    let (hq_c, rm1_c, rm2_c, pm1_c, rep1_c) =
        (app.login("hq").await, app.login("rm1").await, app.login("rm2").await, app.login("pm1").await, app.login("rep1").await);
    let hq = Call { app: &app, client: &hq_c };
    let rm1 = Call { app: &app, client: &rm1_c };
    let rm2 = Call { app: &app, client: &rm2_c };
    let pm1 = Call { app: &app, client: &pm1_c };
    let rep1 = Call { app: &app, client: &rep1_c };

    // HQ's plan: a total that is not a whole number of units is refused.
    let (s, p, _) = hq
        .go(Method::POST, "/api/v1/plans", None, Some(json!({"unit_id": app.hq, "period": "2026-Q4", "total": "1000050.00"})))
        .await;
    assert_eq!((s, fields(&p)), (422, vec!["total".to_owned()]));
    let (s, p, _) = hq
        .go(Method::POST, "/api/v1/plans", None, Some(json!({"unit_id": app.hq, "period": "2026-Q4", "total": "1000000.00", "weights": {"market": "50", "staffing": "30", "priority": "30"}})))
        .await;
    assert_eq!((s, fields(&p)), (422, vec!["weights".to_owned()]));
    let (s, plan, etag) = hq
        .go(Method::POST, "/api/v1/plans", None, Some(json!({"unit_id": app.hq, "period": "2026-Q4", "total": "1000000.00"})))
        .await;
    assert_eq!(s, 201, "{plan}");
    assert_eq!(etag.as_deref(), Some("\"1\""));
    let top = plan["id"].as_i64().unwrap();
    // A region cannot plan before HQ's line for it is final.
    let (s, p, _) = rm1.go(Method::POST, "/api/v1/plans", None, Some(json!({"unit_id": r1, "period": "2026-Q4"}))).await;
    assert_eq!((s, fields(&p)), (409, vec!["unit_id".to_owned()]), "{p}");

    // Generate needs If-Match, and the current one.
    let gen = format!("/api/v1/plans/{top}/generate");
    let (s, p, _) = hq.go(Method::POST, &gen, None, None).await;
    assert_eq!((s, fields(&p)), (428, vec!["If-Match".to_owned()]));
    let (s, _, _) = hq.go(Method::POST, &gen, Some(7), None).await;
    assert_eq!(s, 412);
    let plan = hq.write(Method::POST, &gen, 1, None).await;
    assert_eq!(plan["lines"], 2);
    assert_eq!(plan["difference"], "0.00");
    let (_, lines) = hq.get(&format!("/api/v1/plans/{top}/lines")).await;
    assert_eq!(sum_finals(&lines), 100_000_000);
    let south = lines.as_array().unwrap().iter().find(|l| l["child_unit_id"] == r1).unwrap().clone();
    let east = lines.as_array().unwrap().iter().find(|l| l["child_unit_id"] == r2).unwrap().clone();
    assert!(fen(&south["suggested"]) > fen(&east["suggested"]), "more history and staff: {lines}");
    assert!(south["explanation"]["summary"].as_str().unwrap().contains("华南大区"), "{south}");
    assert_eq!(south["scores"]["history"][0], "2200000.00", "广东 and 广西 together");

    // Adjust within the band, with a reason; outside it or without one: refused.
    let south_line = format!("/api/v1/plans/{top}/lines/{}", south["id"]);
    let sv = south["version"].as_i64().unwrap();
    let high = fen(&south["band_max"]) / 10_000 * 10_000 + 10_000;
    let (s, p, _) = hq
        .go(
            Method::PATCH,
            &south_line,
            Some(sv),
            Some(json!({"final": format!("{}.00", high / 100), "reason": "新医院开业，设备集中采购"})),
        )
        .await;
    assert_eq!((s, fields(&p)), (422, vec!["final".to_owned()]), "{p}");
    let raised = fen(&south["suggested"]) + 2_000_000; // ¥20,000 more
    let (s, p, _) = hq
        .go(Method::PATCH, &south_line, Some(sv), Some(json!({"final": format!("{}.00", raised / 100), "reason": "short"})))
        .await;
    assert_eq!((s, fields(&p)), (422, vec!["reason".to_owned()]));
    let (s, adjusted, etag) = hq
        .go(
            Method::PATCH,
            &south_line,
            Some(sv),
            Some(json!({"final": format!("{}.00", raised / 100), "reason": "广州新院区开业，影像设备集中采购"})),
        )
        .await;
    assert_eq!(s, 200, "{adjusted}");
    assert_eq!(etag, Some(format!("\"{}\"", sv + 1)));
    // A second manager writing from the same read loses: 412, nothing written.
    let (s, _, _) = hq.go(Method::PATCH, &south_line, Some(sv), Some(json!({"notes": "overwrite"}))).await;
    assert_eq!(s, 412);
    let (_, lines) = hq.get(&format!("/api/v1/plans/{top}/lines")).await;
    assert_eq!(lines.as_array().unwrap().iter().find(|l| l["id"] == south["id"]).unwrap()["notes"], "");
    // Submit needs exact totals; rebalance restores them around the pinned line.
    let (_, plan) = hq.get(&format!("/api/v1/plans/{top}")).await;
    let v = plan["version"].as_i64().unwrap();
    let (s, p, _) = hq.go(Method::POST, &format!("/api/v1/plans/{top}/submit"), Some(v), None).await;
    assert_eq!((s, fields(&p)), (409, vec!["lines".to_owned()]));
    let plan = hq.write(Method::POST, &format!("/api/v1/plans/{top}/rebalance"), v, None).await;
    assert_eq!(plan["difference"], "0.00");
    let (_, lines) = hq.get(&format!("/api/v1/plans/{top}/lines")).await;
    assert_eq!(sum_finals(&lines), 100_000_000);
    let east_final = fen(&lines.as_array().unwrap().iter().find(|l| l["id"] == east["id"]).unwrap()["final"]);
    assert_eq!(east_final, 100_000_000 - raised);
    // What-if changes nothing.
    let before = plan["version"].clone();
    let (s, w, _) = hq
        .go(
            Method::POST,
            &format!("/api/v1/plans/{top}/what-if"),
            None,
            Some(json!({"weights": {"market": "0", "staffing": "100", "priority": "0"}})),
        )
        .await;
    assert_eq!(s, 200, "{w}");
    assert_eq!(w["lines"].as_array().unwrap().iter().map(|l| fen(&l["suggested"])).sum::<i64>(), 100_000_000);
    let (_, plan) = hq.get(&format!("/api/v1/plans/{top}")).await;
    assert_eq!(plan["version"], before);
    let v = plan["version"].as_i64().unwrap();
    let plan = hq.write(Method::POST, &format!("/api/v1/plans/{top}/submit"), v, None).await;
    assert_eq!(plan["status"], "submitted");
    // A region manager cannot approve HQ's plan.
    let (s, _, _) = rm1.go(Method::POST, &format!("/api/v1/plans/{top}/approve"), Some(v + 1), None).await;
    assert_eq!(s, 404, "HQ's plan is outside a region's scope");
    let plan = hq.write(Method::POST, &format!("/api/v1/plans/{top}/approve"), v + 1, None).await;
    assert_eq!(plan["status"], "approved");

    // The region plan takes its line's final as its total.
    let (s, region, _) = rm1.go(Method::POST, "/api/v1/plans", None, Some(json!({"unit_id": r1, "period": "2026-Q4"}))).await;
    assert_eq!(s, 201, "{region}");
    assert_eq!(fen(&region["total"]), raised);
    let rp = region["id"].as_i64().unwrap();
    let (s, _, _) = rm2.go(Method::POST, &format!("/api/v1/plans/{rp}/generate"), Some(1), None).await;
    assert_eq!(s, 404, "another region's plan is invisible");
    rm1.write(Method::POST, &format!("/api/v1/plans/{rp}/generate"), 1, None).await;
    let plan = rm1.write(Method::POST, &format!("/api/v1/plans/{rp}/submit"), 2, None).await;
    // 待我审批: the submitted region plan waits for HQ, not for its own manager.
    let waiting = |body: &Value| body["items"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(waiting(&hq.get("/api/v1/plans?approvable=true").await.1), vec![rp]);
    assert_eq!(waiting(&rm1.get("/api/v1/plans?approvable=true").await.1), Vec::<i64>::new());
    assert_eq!(waiting(&rm1.get("/api/v1/plans?status=submitted").await.1), vec![rp], "he sees it, as submitted");
    let (s, _, _) =
        rm1.go(Method::POST, &format!("/api/v1/plans/{rp}/approve"), Some(plan["version"].as_i64().unwrap()), None).await;
    assert_eq!(s, 403, "a region plan is approved by HQ");
    let (s, p, _) = hq
        .go(Method::POST, &format!("/api/v1/plans/{rp}/return"), Some(3), Some(json!({"comment": "广西的目标偏低，请重新评估"})))
        .await;
    assert_eq!((s, p["status"].clone()), (200, json!("returned")));
    let plan = rm1.write(Method::POST, &format!("/api/v1/plans/{rp}/submit"), 4, None).await;
    hq.write(Method::POST, &format!("/api/v1/plans/{rp}/approve"), plan["version"].as_i64().unwrap(), None).await;
    let (_, rlines) = rm1.get(&format!("/api/v1/plans/{rp}/lines")).await;
    assert_eq!(sum_finals(&rlines), raised);
    let p1_final = fen(&rlines.as_array().unwrap().iter().find(|l| l["child_unit_id"] == p1).unwrap()["final"]);

    // The province plan splits over reps.
    let (s, prov, _) = pm1.go(Method::POST, "/api/v1/plans", None, Some(json!({"unit_id": p1, "period": "2026-Q4"}))).await;
    assert_eq!(s, 201, "{prov}");
    let pp = prov["id"].as_i64().unwrap();
    assert_eq!(prov["child_kind"], "rep");
    pm1.write(Method::POST, &format!("/api/v1/plans/{pp}/generate"), 1, None).await;
    let (_, plines) = pm1.get(&format!("/api/v1/plans/{pp}/lines")).await;
    assert_eq!(plines.as_array().unwrap().len(), 3);
    assert_eq!(sum_finals(&plines), p1_final);
    let line_e1 = plines.as_array().unwrap().iter().find(|l| l["rep_id"] == e1).unwrap().clone();
    assert_eq!(line_e1["achieved"], "100000.00");

    // Evidence: typed, limited, content-addressed, downloadable.
    let ev_url = format!("/api/v1/plans/{pp}/lines/{}/evidence?file_name=会议纪要.pdf", line_e1["id"]);
    let upload = |ct: &str, bytes: Vec<u8>| {
        let r = pm1_c.post(app.url(&ev_url)).header("content-type", ct).body(bytes);
        async move { read(r.send().await.unwrap()).await }
    };
    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF".to_vec();
    let (s, ev) = upload("application/pdf", pdf.clone()).await;
    assert_eq!(s, 201, "{ev}");
    let (_, ev2) = upload("application/pdf", pdf.clone()).await;
    assert_eq!(ev["sha256"], ev2["sha256"]);
    assert_eq!(upload("application/x-msdownload", b"MZ".to_vec()).await.0, 415);
    assert_eq!(upload("application/pdf", b"not a pdf".to_vec()).await.0, 422);
    assert_eq!(upload("application/pdf", vec![b'%'; 10 * 1024 * 1024 + 1]).await.0, 413);
    let r = rep1_c.get(app.url(&format!("/api/v1/plans/{pp}/evidence/{}", ev["id"]))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);

    // A rep sees their own line and their target in plain words.
    let (s, own) = rep1.get(&format!("/api/v1/plans/{pp}/lines")).await;
    assert_eq!((s, own.as_array().unwrap().len()), (200, 1));
    let (s, _, _) = rep1.go(Method::POST, &format!("/api/v1/plans/{pp}/generate"), Some(2), None).await;
    assert_eq!(s, 403);
    let prov_version = pm1.get(&format!("/api/v1/plans/{pp}")).await.1["version"].as_i64().unwrap();
    let plan = pm1.write(Method::POST, &format!("/api/v1/plans/{pp}/submit"), prov_version, None).await;
    let pv = plan["version"].as_i64().unwrap();
    let (s, _, _) = pm1.go(Method::POST, &format!("/api/v1/plans/{pp}/approve"), Some(pv), None).await;
    assert_eq!(s, 403, "a province manager lacks plans.approve");
    let (s, _) = pm1.get("/api/v1/plans?approvable=true").await;
    assert_eq!(s, 403, "nor has he an approval inbox");
    assert_eq!(waiting(&rm1.get("/api/v1/plans?approvable=true").await.1), vec![pp], "the province plan waits for its region");
    assert_eq!(waiting(&hq.get("/api/v1/plans?approvable=true").await.1), vec![pp], "and HQ, above it, may act too");
    rm1.write(Method::POST, &format!("/api/v1/plans/{pp}/approve"), pv, None).await;
    let (s, _) = rep1.get(&format!("/api/v1/reps/{e2}/target?period=2026-Q4")).await;
    assert_eq!(s, 404, "a colleague's target is not a rep's business");
    let (s, mine) = rep1.get(&format!("/api/v1/reps/{e1}/target?period=2026-Q4")).await;
    assert_eq!(s, 200, "{mine}");
    assert_eq!(mine["final"], line_e1["final"]);
    assert!(!mine["explanation"]["reasons"].as_array().unwrap().is_empty(), "{mine}");

    // Calibration: rep E2 leaves; their customers go to E1 with the open target.
    let (_, plan) = rm1.get(&format!("/api/v1/plans/{pp}")).await;
    let v = plan["version"].as_i64().unwrap();
    let (s, p, _) = rm1
        .go(
            Method::POST,
            &format!("/api/v1/plans/{pp}/calibrations"),
            Some(v),
            Some(json!({"event": {"kind": "departure", "rep_id": e2, "effective": "2026-11-20", "reassign": [{"customer_id": customers[1], "to_rep_id": e1}]}, "reason": "E2 离职，客户交接给 E1"})),
        )
        .await;
    assert_eq!((s, fields(&p)), (422, vec!["event.reassign".to_owned()]), "every customer needs a receiver: {p}");
    let cal = rm1
        .write(
            Method::POST,
            &format!("/api/v1/plans/{pp}/calibrations"),
            v,
            Some(json!({"event": {"kind": "departure", "rep_id": e2, "effective": "2026-11-20", "reassign": [{"customer_id": customers[1], "to_rep_id": e1}, {"customer_id": customers[2], "to_rep_id": e3}]}, "reason": "E2 离职，客户交接给 E1 和 E3"})),
        )
        .await;
    assert_eq!(cal["plan"]["difference"], "0.00");
    let (_, after) = rm1.get(&format!("/api/v1/plans/{pp}/lines")).await;
    assert_eq!(sum_finals(&after), p1_final, "the province total holds");
    let l2 = after.as_array().unwrap().iter().find(|l| l["rep_id"] == e2).unwrap();
    assert_eq!(
        (l2["final"].clone(), l2["achieved"].clone()),
        (json!("50000.00"), json!("50000.00")),
        "achievement stays with E2"
    );
    let (_, c) = app.get(&format!("/api/v1/customers/{}", customers[1])).await;
    assert_eq!(c["owner_rep_id"], e1);
    let (_, o) = app.get(&format!("/api/v1/opportunities/{opp}")).await;
    assert_eq!(o["owner_rep_id"], e1, "open deals follow the customer");

    // HQ relief lowers E1's target and every total above it, by the same amount.
    let v = cal["plan"]["version"].as_i64().unwrap();
    let e1_line = after.as_array().unwrap().iter().find(|l| l["rep_id"] == e1).unwrap().clone();
    let relief = json!({"line_id": e1_line["id"], "delta": "-10000.00", "reason": "重点医院预算冻结，总部减免"});
    let (s, _, _) = rm1.go(Method::POST, &format!("/api/v1/plans/{pp}/relief"), Some(v), Some(relief.clone())).await;
    assert_eq!(s, 403, "relief is HQ's");
    let r = hq.write(Method::POST, &format!("/api/v1/plans/{pp}/relief"), v, Some(relief)).await;
    assert_eq!(fen(&r["plan"]["total"]), p1_final - 1_000_000);
    let (_, top_plan) = hq.get(&format!("/api/v1/plans/{top}")).await;
    assert_eq!(fen(&top_plan["total"]), 99_000_000);
    assert_eq!(top_plan["difference"], "0.00");
    let (_, region_plan) = hq.get(&format!("/api/v1/plans/{rp}")).await;
    assert_eq!(region_plan["difference"], "0.00");

    // Revisions and a diff between any two.
    let (_, revs) = rm1.get(&format!("/api/v1/plans/{pp}/revisions")).await;
    let kinds: Vec<&str> = revs.as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["generate", "submit", "approve", "calibration", "relief"]);
    assert_eq!(revs[3]["actor"], "rm1");
    assert_eq!(revs[3]["event"]["kind"], "departure");
    let (s, d) = rm1.get(&format!("/api/v1/plans/{pp}/diff?from=1&to=5")).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(fen(&d["total_to"]) - fen(&d["total_from"]), -1_000_000);
    assert!(d["lines"].as_array().unwrap().iter().any(|l| l["line_id"] == e1_line["id"]));
    let (s, _) = rm1.get(&format!("/api/v1/plans/{pp}/diff?from=0&to=9")).await;
    assert_eq!(s, 422);

    // Metrics: attainment rolled up, adjustment frequency, fairness.
    let (s, a) = hq.get(&format!("/api/v1/metrics/attainment?unit_id={}&period=2026-Q4", app.hq)).await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(fen(&a["unit"]["target"]), 99_000_000, "the company rolls up its regions' lines");
    assert_eq!(a["unit"]["achieved"], "150000.00");
    let (_, a) = rm1.get(&format!("/api/v1/metrics/attainment?unit_id={p1}&period=2026-Q4")).await;
    assert_eq!(a["children"].as_array().unwrap().len(), 3, "reps of the province: {a}");
    let (s, _) = rm2.get(&format!("/api/v1/metrics/attainment?unit_id={p1}&period=2026-Q4")).await;
    assert_eq!(s, 404);
    let (s, f) = hq.get(&format!("/api/v1/metrics/adjustments?unit_id={}&quarter=2026-Q4", app.hq)).await;
    assert_eq!(s, 200, "{f}");
    assert_eq!(f["by_kind"], json!({"adjust": 1, "calibration": 1, "parent_relief": 2, "relief": 1}), "{f}");
    let (s, _) = rep1.get(&format!("/api/v1/metrics/adjustments?unit_id={p1}&quarter=2026-Q4")).await;
    assert_eq!(s, 403);
    let (s, _, _) = rep1.go(Method::POST, "/api/v1/fairness", None, Some(json!({"quarter": "2026-Q4", "score": 8}))).await;
    assert_eq!(s, 201);
    let (s, p, _) = rep1.go(Method::POST, "/api/v1/fairness", None, Some(json!({"quarter": "2026-Q4", "score": 3}))).await;
    assert_eq!((s, fields(&p)), (409, vec!["quarter".to_owned()]));
    let (s, p, _) = rep1.go(Method::POST, "/api/v1/fairness", None, Some(json!({"quarter": "2026-Q4", "score": 11}))).await;
    assert_eq!(s, 422, "{p}");
    let (s, fr) = rm1.get(&format!("/api/v1/metrics/fairness?unit_id={r1}&quarter=2026-Q4")).await;
    assert_eq!(s, 200, "{fr}");
    assert_eq!((fr["unit"]["responses"].clone(), fr["unit"]["mean"].clone()), (json!(1), json!("8")));
    assert_eq!(fr["distribution"][8], 1);

    // My target: every change with its reason, and the rep's own answer,
    // which the manager reading the same target does not see.
    let (_, mine) = rep1.get(&format!("/api/v1/reps/{e1}/target?period=2026-Q4")).await;
    let history = mine["history"].as_array().unwrap();
    assert!(history[0]["from_final"].is_null(), "the first value has no before: {mine}");
    assert_eq!(history.last().unwrap()["to_final"], mine["final"], "the last change is the target now: {mine}");
    assert!(
        history.iter().any(|c| c["kind"] == "calibration" && c["reason"] == "E2 离职，客户交接给 E1 和 E3"),
        "the departure moved E1's target: {mine}"
    );
    assert!(history.windows(2).all(|w| w[0]["to_final"] == w[1]["from_final"]), "changes chain: {mine}");
    assert_eq!((mine["survey"]["score"].clone(), mine["survey"]["quarter"].clone()), (json!(8), json!("2026-Q4")));
    let (s, theirs) = rm1.get(&format!("/api/v1/reps/{e1}/target?period=2026-Q4")).await;
    assert_eq!(s, 200, "{theirs}");
    assert_eq!((theirs["history"].clone(), theirs["survey"].clone()), (mine["history"].clone(), Value::Null));
}

/// `GET path` as `client` with an optional `Accept-Language`: status,
/// `Content-Language`, `Vary` and body.
async fn in_language(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    accept: Option<&str>,
) -> (u16, Option<String>, Option<String>, Value) {
    let mut r = client.get(app.url(path));
    if let Some(a) = accept {
        r = r.header("Accept-Language", a);
    }
    let resp = r.send().await.expect("request");
    let header = |name: &str| resp.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    let (language, vary) = (header("content-language"), header("vary"));
    let (s, v) = read(resp).await;
    (s, language, vary, v)
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Every sentence of an explanation.
fn sentences(e: &Value) -> Vec<String> {
    let mut all = vec![e["summary"].as_str().unwrap().to_owned()];
    all.extend(e["reasons"].as_array().unwrap().iter().map(|r| r["text"].as_str().unwrap().to_owned()));
    all.extend(e["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_owned()));
    all
}

/// A rep reads why their target is what it is in the company's language
/// (zh-CN) unless `Accept-Language` asks for English; the answer says which
/// in `Content-Language`. The same holds for plan lines and the line a
/// manager adjusts.
async fn explanations_come_in_the_language_asked_for(app: TestApp) {
    let fx = two_regions(&app).await;
    // HQ and the region approved, the province plan still a draft to adjust.
    let mut plan = 0;
    for (unit, total, steps) in [
        (app.hq, Some("1000000.00"), &["generate", "submit", "approve"][..]),
        (fx.ra, None, &["generate", "submit", "approve"][..]),
        (fx.pa, None, &["generate"][..]),
    ] {
        let mut body = json!({"unit_id": unit, "period": "2026-Q4"});
        if let Some(t) = total {
            body["total"] = json!(t);
        }
        let (s, p) = app.post("/api/v1/plans", body).await;
        assert_eq!(s, 201, "{p}");
        plan = p["id"].as_i64().unwrap();
        let mut version = p["version"].as_i64().unwrap();
        for step in steps {
            let r =
                app.client.post(app.url(&format!("/api/v1/plans/{plan}/{step}"))).header("If-Match", format!("\"{version}\""));
            let (s, p) = read(r.send().await.unwrap()).await;
            assert_eq!(s, 200, "{step}: {p}");
            version = p["version"].as_i64().unwrap();
        }
    }
    app.add_user("rep.zhang", Role::Rep, fx.pa, Some(fx.ea)).await;
    let rep = app.login("rep.zhang").await;
    let target = format!("/api/v1/reps/{}/target?period=2026-Q4", fx.ea);

    // No Accept-Language: the company's language, Chinese.
    let (s, language, vary, zh) = in_language(&app, &rep, &target, None).await;
    assert_eq!((s, language.as_deref()), (200, Some("zh-CN")), "{zh}");
    assert!(vary.is_some_and(|v| v.contains("Accept-Language")));
    let summary = zh["explanation"]["summary"].as_str().unwrap();
    assert!(summary.starts_with("张三：建议目标 ¥"), "{summary}");
    assert!(summary.contains("占团队目标 ¥"), "{summary}");
    assert!(sentences(&zh["explanation"]).iter().all(|t| has_chinese(t)), "{zh}");
    assert!(!zh["explanation"]["reasons"].as_array().unwrap().is_empty(), "{zh}");

    // English when asked, by any English tag or by preference order.
    for accept in ["en", "en-US,en;q=0.9,zh-CN;q=0.8", "zh;q=0.1, en-GB"] {
        let (s, language, _, en) = in_language(&app, &rep, &target, Some(accept)).await;
        assert_eq!((s, language.as_deref()), (200, Some("en")), "{accept}: {en}");
        let summary = en["explanation"]["summary"].as_str().unwrap();
        assert!(summary.starts_with("张三: suggested target ¥"), "{summary}");
        assert!(summary.contains("of the team's ¥"), "{summary}");
        assert!(sentences(&en["explanation"])[1..].iter().all(|t| !has_chinese(t)), "{en}");
        // Only the words change: the figures are the same.
        assert_eq!((&en["final"], &en["suggested"]), (&zh["final"], &zh["suggested"]));
        let figures = |v: &Value| {
            v["explanation"]["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["factor"].clone(), r["weight_percent"].clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(figures(&en), figures(&zh));
    }
    // A language Cascade does not speak, or a Chinese tag: Chinese.
    for accept in ["fr-FR", "zh-Hans", "*"] {
        let (_, language, _, _) = in_language(&app, &rep, &target, Some(accept)).await;
        assert_eq!(language.as_deref(), Some("zh-CN"), "{accept}");
    }

    // Plan lines follow the same rule.
    let lines = format!("/api/v1/plans/{plan}/lines");
    let (s, language, _, zh_lines) = in_language(&app, &app.client, &lines, None).await;
    assert_eq!((s, language.as_deref()), (200, Some("zh-CN")));
    assert!(zh_lines.as_array().unwrap().iter().all(|l| has_chinese(l["explanation"]["summary"].as_str().unwrap())));
    let (_, language, _, en_lines) = in_language(&app, &app.client, &lines, Some("en")).await;
    assert_eq!(language.as_deref(), Some("en"));
    assert!(en_lines[0]["explanation"]["summary"].as_str().unwrap().contains(": suggested target ¥"), "{en_lines}");

    // A manager raises the line with a reason; the rep reads how and why.
    let line = zh_lines.as_array().unwrap().iter().find(|l| l["rep_id"] == fx.ea).unwrap().clone();
    let raised = fen(&line["suggested"]) + 10_000;
    let why = "中山一院设备更新提前到本季度";
    let r = app
        .client
        .patch(app.url(&format!("/api/v1/plans/{plan}/lines/{}", line["id"])))
        .header("If-Match", format!("\"{}\"", line["version"]))
        .header("Accept-Language", "en")
        .json(&json!({"final": format!("{}.{:02}", raised / 100, raised % 100), "reason": why}));
    let resp = r.send().await.unwrap();
    assert_eq!(resp.headers().get("content-language").map(|v| v.to_str().unwrap().to_owned()).as_deref(), Some("en"));
    let (s, patched) = read(resp).await;
    assert_eq!(s, 200, "{patched}");
    assert!(patched["explanation"]["summary"].as_str().unwrap().contains("suggested target"), "{patched}");
    let (_, _, _, zh) = in_language(&app, &rep, &target, None).await;
    let adjustment = zh["adjustment"].as_str().unwrap();
    assert!(adjustment.starts_with("经理将你的目标从建议的 ¥") && adjustment.contains("上调"), "{adjustment}");
    assert!(adjustment.ends_with(&format!("：{why}")), "{adjustment}");
    let (_, _, _, en) = in_language(&app, &rep, &target, Some("en")).await;
    let adjustment = en["adjustment"].as_str().unwrap();
    assert!(adjustment.starts_with("Your manager raised your target"), "{adjustment}");
    assert!(adjustment.ends_with(&format!(": {why}")), "{adjustment}");
}
