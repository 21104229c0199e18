//! The storage contract: every test here runs against SQLite and PostgreSQL,
//! and both must behave the same.

use std::str::FromStr;

use cascade_api_types::*;
use cascade_core::{CapabilityRating, Code, FunnelStage, Money, Permission, ProcurementStage, RepStatus, Role};
use cascade_store::testing::TestDb;
use cascade_store::*;
use chrono::NaiveDate;

macro_rules! contract {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name(super::TestDb::new(super::Backend::Sqlite).await).await })+
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name(super::TestDb::new(super::Backend::Postgres).await).await })+
        }
    };
}

contract!(
    org_tree_create_move_and_cycles,
    org_delete_rules,
    scope_hides_other_regions,
    rep_status_rules,
    customer_stage_history,
    opportunity_history_and_lost_reason,
    visits_know_the_first_visit,
    sales_records_filters_and_pages,
    pagination_walks_every_row_once_in_every_sort,
    unique_keys_conflict,
    users_link_to_reps,
    a_rep_sees_only_their_own_records,
    refresh_tokens_are_spent_once_and_reuse_revokes_the_family,
    permissions_are_seeded_once_and_the_audit_log_is_append_only,
    product_lines_in_use_cannot_be_deleted,
    migrations_are_idempotent,
    plan_facts_sum_sales_exactly_through_every_kind_of_write,
    job_slots_are_claimed_once_across_servers,
    transactions_that_read_then_write_wait_for_each_other,
);

fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::from_str(s).unwrap()
}

fn all() -> Scope {
    Scope::all()
}

async fn unit(db: &TestDb, c: &str, kind: OrgUnitKind, parent: Option<i64>) -> OrgUnit {
    db.store
        .create_org_unit(&all(), &NewOrgUnit { code: code(c), name: format!("unit {c}"), kind, parent_id: parent })
        .await
        .unwrap()
}

/// HQ with two regions, each with one province.
struct Tree {
    hq: OrgUnit,
    south: OrgUnit,
    east: OrgUnit,
    gd: OrgUnit,
    sh: OrgUnit,
}

async fn tree(db: &TestDb) -> Tree {
    let hq = unit(db, "HQ", OrgUnitKind::Company, None).await;
    let south = unit(db, "S", OrgUnitKind::Region, Some(hq.id)).await;
    let east = unit(db, "E", OrgUnitKind::Region, Some(hq.id)).await;
    let gd = unit(db, "GD", OrgUnitKind::Province, Some(south.id)).await;
    let sh = unit(db, "SH", OrgUnitKind::Province, Some(east.id)).await;
    Tree { hq, south, east, gd, sh }
}

async fn rep(db: &TestDb, no: &str, unit_id: i64) -> Rep {
    db.store
        .create_rep(
            &all(),
            &NewRep {
                custom: Default::default(),
                employee_no: code(no),
                name: format!("rep {no}"),
                unit_id,
                rating: CapabilityRating::B,
                hire_date: date("2024-01-15"),
                status: None,
                status_since: None,
            },
        )
        .await
        .unwrap()
}

async fn customer(db: &TestDb, c: &str, unit_id: i64, owner: Option<i64>) -> Customer {
    db.store
        .create_customer(
            &all(),
            &NewCustomer {
                custom: Default::default(),
                code: code(c),
                name: format!("医院 {c}"),
                grade: HospitalGrade::Tertiary3A,
                province: "广东".into(),
                city: "广州".into(),
                unit_id,
                owner_rep_id: owner,
                stage: None,
            },
        )
        .await
        .unwrap()
}

async fn product(db: &TestDb, c: &str) -> ProductLine {
    db.store.create_product_line(&NewProductLine { code: code(c), name: format!("line {c}") }).await.unwrap()
}

fn invalid_field(e: StoreError) -> String {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

async fn org_tree_create_move_and_cycles(db: TestDb) {
    let t = tree(&db).await;
    assert_eq!(t.gd.depth, 2);
    assert_eq!(db.store.root_org_unit().await.unwrap().unwrap().id, t.hq.id);
    // A second root is refused.
    let e = db
        .store
        .create_org_unit(&all(), &NewOrgUnit { code: code("HQ2"), name: "x".into(), kind: OrgUnitKind::Company, parent_id: None })
        .await;
    assert_eq!(invalid_field(e.unwrap_err()), "parent_id");
    // Move a district under GD, then move GD (with its district) to the east region.
    let district = unit(&db, "GZ", OrgUnitKind::District, Some(t.gd.id)).await;
    let moved = db
        .store
        .update_org_unit(
            &all(),
            t.gd.id,
            &OrgUnitPatch { parent_id: Some(Some(t.east.id)), name: Some("广东省区".into()), kind: None },
        )
        .await
        .unwrap();
    assert_eq!(moved.parent_id, Some(t.east.id));
    assert_eq!(moved.name, "广东省区");
    let east_scope = db.store.scope_of_unit(t.east.id).await.unwrap();
    let d = db.store.get_org_unit(&east_scope, district.id).await.unwrap();
    assert_eq!(d.depth, 3);
    assert!(matches!(
        db.store.get_org_unit(&db.store.scope_of_unit(t.south.id).await.unwrap(), district.id).await,
        Err(StoreError::NotFound { .. })
    ));
    // No unit may move under itself or a descendant.
    let e = db
        .store
        .update_org_unit(&all(), t.east.id, &OrgUnitPatch { parent_id: Some(Some(district.id)), ..Default::default() })
        .await;
    assert_eq!(invalid_field(e.unwrap_err()), "parent_id");
    let e = db
        .store
        .update_org_unit(&all(), t.east.id, &OrgUnitPatch { parent_id: Some(Some(t.east.id)), ..Default::default() })
        .await;
    assert_eq!(invalid_field(e.unwrap_err()), "parent_id");
    // Listing below a unit walks the whole subtree, children filter one level.
    let under = db
        .store
        .list_org_units(&all(), &OrgUnitFilter { under: Some(t.east.id), ..Default::default() }, &ListParams::default())
        .await
        .unwrap();
    let mut codes: Vec<String> = under.items.iter().map(|u| u.code.to_string()).collect();
    codes.sort();
    assert_eq!(codes, vec!["GD", "GZ", "SH"]);
    let kids = db
        .store
        .list_org_units(&all(), &OrgUnitFilter { parent_id: Some(t.east.id), ..Default::default() }, &ListParams::default())
        .await
        .unwrap();
    assert_eq!(kids.items.len(), 2);
}

async fn org_delete_rules(db: TestDb) {
    let t = tree(&db).await;
    let e = db.store.delete_org_unit(&all(), t.south.id).await.unwrap_err();
    assert!(matches!(e, StoreError::Conflict { .. }), "{e:?}");
    let r = rep(&db, "E001", t.sh.id).await;
    assert!(matches!(db.store.delete_org_unit(&all(), t.sh.id).await, Err(StoreError::Conflict { .. })));
    db.store.delete_rep(&all(), r.id).await.unwrap();
    // Users and API tokens working in the unit keep it too: a conflict that
    // says so, never "refers to a row that does not exist".
    let u = db.store.create_user(&all(), &new_user("pm.sh", Role::ProvinceManager, t.sh.id, None), None).await.unwrap();
    let e = db.store.delete_org_unit(&all(), t.sh.id).await.unwrap_err();
    assert!(matches!(&e, StoreError::Conflict { reason, .. } if reason.contains("1 users")), "{e:?}");
    let token = NewApiTokenRow {
        name: "sync".into(),
        prefix: "cas_sync".into(),
        token_hash: "h".repeat(64),
        role: Role::Rep,
        unit_id: t.sh.id,
        created_by: u.id,
        expires_on: None,
    };
    db.store.create_api_token(&all(), &token).await.unwrap();
    db.store.update_user(&all(), u.id, &UserPatch { unit_id: Some(t.east.id), ..Default::default() }, None).await.unwrap();
    let e = db.store.delete_org_unit(&all(), t.sh.id).await.unwrap_err();
    assert!(matches!(&e, StoreError::Conflict { reason, .. } if reason.contains("API tokens")), "{e:?}");
    let _ = t.hq;
}

async fn scope_hides_other_regions(db: TestDb) {
    let t = tree(&db).await;
    let south = db.store.scope_of_unit(t.south.id).await.unwrap();
    let r_s = rep(&db, "S1", t.gd.id).await;
    let r_e = rep(&db, "E1", t.sh.id).await;
    let c_s = customer(&db, "C-S", t.gd.id, Some(r_s.id)).await;
    let c_e = customer(&db, "C-E", t.sh.id, Some(r_e.id)).await;
    let pl = product(&db, "PL1").await;
    // Reads: the other region's rows do not exist for this scope.
    assert!(matches!(db.store.get_rep(&south, r_e.id).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(db.store.get_customer(&south, c_e.id).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(db.store.get_org_unit(&south, t.east.id).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(db.store.get_org_unit(&south, t.hq.id).await, Err(StoreError::NotFound { .. })));
    let reps = db.store.list_reps(&south, &RepFilter::default(), &ListParams::default()).await.unwrap();
    assert_eq!(reps.items.iter().map(|r| r.id).collect::<Vec<_>>(), vec![r_s.id]);
    let custs = db.store.list_customers(&south, &CustomerFilter::default(), &ListParams::default()).await.unwrap();
    assert_eq!(custs.items.len(), 1);
    // A filter naming an out-of-scope unit is refused like an unknown one.
    let e = db
        .store
        .list_customers(&south, &CustomerFilter { unit_id: Some(t.east.id), ..Default::default() }, &ListParams::default())
        .await;
    assert_eq!(invalid_field(e.unwrap_err()), "unit_id");
    // Writes: nothing can be created, changed or deleted across the border.
    let e = db
        .store
        .create_customer(
            &south,
            &NewCustomer {
                custom: Default::default(),
                code: code("C-X"),
                name: "x".into(),
                grade: HospitalGrade::Primary,
                province: "上海".into(),
                city: "上海".into(),
                unit_id: t.sh.id,
                owner_rep_id: None,
                stage: None,
            },
        )
        .await;
    assert_eq!(invalid_field(e.unwrap_err()), "unit_id");
    assert!(matches!(
        db.store.update_customer(&south, c_e.id, &CustomerPatch { name: Some("x".into()), ..Default::default() }).await,
        Err(StoreError::NotFound { .. })
    ));
    let e =
        db.store.update_customer(&south, c_s.id, &CustomerPatch { owner_rep_id: Some(Some(r_e.id)), ..Default::default() }).await;
    assert_eq!(invalid_field(e.unwrap_err()), "owner_rep_id");
    assert!(matches!(db.store.delete_rep(&south, r_e.id).await, Err(StoreError::NotFound { .. })));
    let e = db
        .store
        .create_opportunity(
            &south,
            &NewOpportunity {
                custom: Default::default(),
                external_id: None,
                name: "deal".into(),
                customer_id: c_e.id,
                owner_rep_id: r_s.id,
                product_line_id: pl.id,
                amount: Money::parse_str("100").unwrap(),
                expected_close: date("2026-06-30"),
                stage: None,
                lost_reason: None,
            },
        )
        .await;
    assert_eq!(invalid_field(e.unwrap_err()), "customer_id");
    let e =
        db.store.update_org_unit(&south, t.gd.id, &OrgUnitPatch { parent_id: Some(Some(t.east.id)), ..Default::default() }).await;
    assert_eq!(invalid_field(e.unwrap_err()), "parent_id");
    assert_eq!(db.store.get_customer(&all(), c_e.id).await.unwrap().name, c_e.name);
}

async fn rep_status_rules(db: TestDb) {
    let t = tree(&db).await;
    let r = rep(&db, "R1", t.gd.id).await;
    assert_eq!(r.status, RepStatus::Active);
    assert_eq!(r.status_since, r.hire_date);
    let e = db.store.update_rep(&all(), r.id, &RepPatch { status: Some(RepStatus::Departed), ..Default::default() }).await;
    assert_eq!(invalid_field(e.unwrap_err()), "status_since");
    let e = db
        .store
        .update_rep(
            &all(),
            r.id,
            &RepPatch { status: Some(RepStatus::Departed), status_since: Some(date("2020-01-01")), ..Default::default() },
        )
        .await;
    assert_eq!(invalid_field(e.unwrap_err()), "status_since");
    let d = db
        .store
        .update_rep(
            &all(),
            r.id,
            &RepPatch {
                status: Some(RepStatus::Departed),
                status_since: Some(date("2026-05-10")),
                rating: Some(CapabilityRating::A),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((d.status, d.status_since, d.rating), (RepStatus::Departed, date("2026-05-10"), CapabilityRating::A));
    let listed = db
        .store
        .list_reps(&all(), &RepFilter { status: Some(RepStatus::Departed), ..Default::default() }, &ListParams::default())
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    let listed = db
        .store
        .list_reps(&all(), &RepFilter { unit_id: Some(t.east.id), ..Default::default() }, &ListParams::default())
        .await
        .unwrap();
    assert!(listed.items.is_empty());
}

async fn customer_stage_history(db: TestDb) {
    let t = tree(&db).await;
    let c = customer(&db, "C1", t.gd.id, None).await;
    assert_eq!(c.stage, ProcurementStage::NotEngaged);
    let c2 = db
        .store
        .update_customer(
            &all(),
            c.id,
            &CustomerPatch {
                stage: Some(ProcurementStage::InContact),
                stage_note: Some("科室主任同意交流".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(c2.stage_changed_at >= c.stage_changed_at);
    // Same stage again is not a change; a rename does not touch the stage.
    db.store
        .update_customer(
            &all(),
            c.id,
            &CustomerPatch { stage: Some(ProcurementStage::InContact), name: Some("新名字".into()), ..Default::default() },
        )
        .await
        .unwrap();
    db.store
        .update_customer(&all(), c.id, &CustomerPatch { stage: Some(ProcurementStage::PendingTender), ..Default::default() })
        .await
        .unwrap();
    let h = db.store.customer_stage_history(&all(), c.id).await.unwrap();
    let steps: Vec<(Option<ProcurementStage>, ProcurementStage)> = h.iter().map(|s| (s.from_stage, s.to_stage)).collect();
    assert_eq!(
        steps,
        vec![
            (None, ProcurementStage::NotEngaged),
            (Some(ProcurementStage::NotEngaged), ProcurementStage::InContact),
            (Some(ProcurementStage::InContact), ProcurementStage::PendingTender),
        ]
    );
    assert_eq!(h[1].note, "科室主任同意交流");
    let f = db
        .store
        .list_customers(
            &all(),
            &CustomerFilter { stage: Some(ProcurementStage::PendingTender), ..Default::default() },
            &ListParams::default(),
        )
        .await
        .unwrap();
    assert_eq!(f.items[0].name, "新名字");
}

async fn opportunity_history_and_lost_reason(db: TestDb) {
    let t = tree(&db).await;
    let r = rep(&db, "R1", t.gd.id).await;
    let c = customer(&db, "C1", t.gd.id, Some(r.id)).await;
    let pl = product(&db, "PL").await;
    let new = NewOpportunity {
        custom: Default::default(),
        external_id: Some("006A".into()),
        name: "CT 采购".into(),
        customer_id: c.id,
        owner_rep_id: r.id,
        product_line_id: pl.id,
        amount: Money::parse_str("1250000.50").unwrap(),
        expected_close: date("2026-06-20"),
        stage: None,
        lost_reason: None,
    };
    let o = db.store.create_opportunity(&all(), &new).await.unwrap();
    assert_eq!((o.stage, o.amount.to_string().as_str()), (FunnelStage::Lead, "1250000.50"));
    let e = db
        .store
        .update_opportunity(&all(), o.id, &OpportunityPatch { stage: Some(FunnelStage::Lost), ..Default::default() })
        .await;
    assert_eq!(invalid_field(e.unwrap_err()), "lost_reason");
    let e = db
        .store
        .update_opportunity(&all(), o.id, &OpportunityPatch { lost_reason: Some("x".into()), ..Default::default() })
        .await;
    assert_eq!(invalid_field(e.unwrap_err()), "lost_reason");
    db.store
        .update_opportunity(
            &all(),
            o.id,
            &OpportunityPatch { stage: Some(FunnelStage::Quote), expected_close: Some(date("2026-07-15")), ..Default::default() },
        )
        .await
        .unwrap();
    db.store
        .update_opportunity(
            &all(),
            o.id,
            &OpportunityPatch { amount: Some(Money::parse_str("1").unwrap()), ..Default::default() },
        )
        .await
        .unwrap();
    let lost = db
        .store
        .update_opportunity(
            &all(),
            o.id,
            &OpportunityPatch { stage: Some(FunnelStage::Lost), lost_reason: Some("预算冻结".into()), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(lost.lost_reason.as_deref(), Some("预算冻结"));
    let h = db.store.opportunity_history(&all(), o.id).await.unwrap();
    assert_eq!(h.len(), 3, "{h:?}");
    assert_eq!((h[1].from_close, h[1].to_close), (Some(date("2026-06-20")), date("2026-07-15")));
    let open = db
        .store
        .list_opportunities(&all(), &OpportunityFilter { open: Some(true), ..Default::default() }, &ListParams::default())
        .await
        .unwrap();
    assert!(open.items.is_empty());
    let e = db
        .store
        .create_opportunity(&all(), &NewOpportunity { amount: Money::parse_str("-1").unwrap(), external_id: None, ..new.clone() })
        .await;
    assert_eq!(invalid_field(e.unwrap_err()), "amount");
    let e = db.store.create_opportunity(&all(), &NewOpportunity { product_line_id: 9999, external_id: None, ..new }).await;
    assert_eq!(invalid_field(e.unwrap_err()), "product_line_id");
}

async fn visits_know_the_first_visit(db: TestDb) {
    let t = tree(&db).await;
    let r = rep(&db, "R1", t.gd.id).await;
    let c = customer(&db, "C1", t.gd.id, Some(r.id)).await;
    let v = |d: &str| NewVisit {
        external_id: None,
        rep_id: r.id,
        customer_id: c.id,
        visit_date: date(d),
        kind: VisitKind::OnSite,
        notes: String::new(),
    };
    let second = db.store.create_visit(&all(), &v("2026-05-12")).await.unwrap();
    assert!(second.new_customer);
    let first = db.store.create_visit(&all(), &v("2026-05-05")).await.unwrap();
    assert!(first.new_customer);
    assert!(!db.store.get_visit(&all(), second.id).await.unwrap().new_customer);
    let listed = db
        .store
        .list_visits(&all(), &VisitFilter { from: Some(date("2026-05-10")), ..Default::default() }, &ListParams::default())
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
}

async fn sales_records_filters_and_pages(db: TestDb) {
    let t = tree(&db).await;
    let c1 = customer(&db, "C1", t.gd.id, None).await;
    let c2 = customer(&db, "C2", t.sh.id, None).await;
    let pl = product(&db, "PL").await;
    for (i, (c, d, amt)) in
        [(c1.id, "2026-01-05", "100.00"), (c1.id, "2026-02-05", "-20.50"), (c2.id, "2026-01-07", "300")].iter().enumerate()
    {
        db.store
            .create_sales_record(
                &all(),
                &NewSalesRecord {
                    doc_id: code(&format!("9000{i}-10")),
                    customer_id: *c,
                    product_line_id: pl.id,
                    booked_on: date(d),
                    amount: Money::parse_str(amt).unwrap(),
                },
            )
            .await
            .unwrap();
    }
    let south = db.store.scope_of_unit(t.south.id).await.unwrap();
    let page = db
        .store
        .list_sales_records(&south, &SalesFilter::default(), &ListParams { sort: Some("amount".into()), ..Default::default() })
        .await
        .unwrap();
    let amounts: Vec<String> = page.items.iter().map(|s| s.amount.to_string()).collect();
    assert_eq!(amounts, vec!["-20.50", "100.00"]);
    let jan = db
        .store
        .list_sales_records(
            &all(),
            &SalesFilter { from: Some(date("2026-01-01")), to: Some(date("2026-01-31")), ..Default::default() },
            &ListParams::default(),
        )
        .await
        .unwrap();
    assert_eq!(jan.items.len(), 2);
}

async fn pagination_walks_every_row_once_in_every_sort(db: TestDb) {
    let t = tree(&db).await;
    // Duplicate names force the id tie-breaker.
    for i in 0..23 {
        db.store
            .create_customer(
                &all(),
                &NewCustomer {
                    custom: Default::default(),
                    code: code(&format!("K{i:02}")),
                    name: format!("医院{}", i % 4),
                    grade: HospitalGrade::Secondary2A,
                    province: "广东".into(),
                    city: "深圳".into(),
                    unit_id: t.gd.id,
                    owner_rep_id: None,
                    stage: None,
                },
            )
            .await
            .unwrap();
    }
    for sort in ["id", "code", "name", "province"] {
        for order in [SortOrder::Asc, SortOrder::Desc] {
            let mut seen = Vec::new();
            let mut cursor = None;
            loop {
                let params = ListParams { limit: 5, cursor: cursor.clone(), sort: Some(sort.into()), order };
                let page = db.store.list_customers(&all(), &CustomerFilter::default(), &params).await.unwrap();
                seen.extend(page.items.iter().map(|c| (c.name.clone(), c.id)));
                match page.next_cursor {
                    Some(c) => cursor = Some(c),
                    None => break,
                }
            }
            assert_eq!(seen.len(), 23, "{sort} {order:?}");
            let mut ids: Vec<i64> = seen.iter().map(|s| s.1).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), 23, "{sort} {order:?} repeated a row");
            if sort == "name" {
                let mut expect = seen.clone();
                expect.sort();
                if order == SortOrder::Desc {
                    expect.reverse();
                }
                assert_eq!(seen, expect);
            }
        }
    }
}

async fn unique_keys_conflict(db: TestDb) {
    let t = tree(&db).await;
    let e = db
        .store
        .create_org_unit(
            &all(),
            &NewOrgUnit { code: code("GD"), name: "dup".into(), kind: OrgUnitKind::Province, parent_id: Some(t.south.id) },
        )
        .await;
    assert!(matches!(e, Err(StoreError::Conflict { ref field, .. }) if field == "code"), "{e:?}");
    rep(&db, "R1", t.gd.id).await;
    let e = db
        .store
        .create_rep(
            &all(),
            &NewRep {
                custom: Default::default(),
                employee_no: code("R1"),
                name: "x".into(),
                unit_id: t.gd.id,
                rating: CapabilityRating::C,
                hire_date: date("2025-01-01"),
                status: None,
                status_since: None,
            },
        )
        .await;
    assert!(matches!(e, Err(StoreError::Conflict { ref field, .. }) if field == "employee_no"), "{e:?}");
    customer(&db, "C1", t.gd.id, None).await;
    let e = db
        .store
        .create_customer(
            &all(),
            &NewCustomer {
                custom: Default::default(),
                code: code("C1"),
                name: "x".into(),
                grade: HospitalGrade::Primary,
                province: "x".into(),
                city: "x".into(),
                unit_id: t.gd.id,
                owner_rep_id: None,
                stage: None,
            },
        )
        .await;
    assert!(matches!(e, Err(StoreError::Conflict { ref field, .. }) if field == "code"), "{e:?}");
}

fn new_user(name: &str, role: Role, unit_id: i64, rep_id: Option<i64>) -> NewUser {
    NewUser { username: code(name), display_name: name.into(), rep_id, dingtalk_userid: None, role, unit_id, password: None }
}

async fn users_link_to_reps(db: TestDb) {
    let t = tree(&db).await;
    let r = rep(&db, "R1", t.gd.id).await;
    let mut new = new_user("zhang.san", Role::Rep, t.gd.id, Some(r.id));
    new.dingtalk_userid = Some("u123".into());
    let u = db.store.create_user(&all(), &new, Some("$argon2id$fake")).await.unwrap();
    assert!(u.has_password);
    let admin = db.store.create_user(&all(), &new_user("hrbp", Role::Admin, t.hq.id, None), None).await.unwrap();
    assert!(!admin.has_password);
    let south = db.store.scope_of_unit(t.south.id).await.unwrap();
    let east = db.store.scope_of_unit(t.east.id).await.unwrap();
    assert_eq!(db.store.get_user(&south, u.id).await.unwrap().dingtalk_userid.as_deref(), Some("u123"));
    assert!(matches!(db.store.get_user(&east, u.id).await, Err(StoreError::NotFound { .. })));
    assert!(matches!(db.store.get_user(&south, admin.id).await, Err(StoreError::NotFound { .. })));
    // A rep's user must work inside the user's unit, and the unit inside the caller's scope.
    let e = db.store.create_user(&all(), &new_user("other", Role::Rep, t.sh.id, Some(r.id)), None).await;
    assert!(matches!(e, Err(StoreError::Invalid { ref field, .. }) if field == "rep_id"), "{e:?}");
    let e = db.store.create_user(&south, &new_user("other", Role::Hq, t.hq.id, None), None).await;
    assert!(matches!(e, Err(StoreError::Invalid { ref field, .. }) if field == "unit_id"), "{e:?}");
    let e = db.store.create_user(&all(), &new_user("other", Role::Rep, t.gd.id, Some(r.id)), None).await;
    assert!(matches!(e, Err(StoreError::Conflict { .. })), "{e:?}");
    let cleared = db
        .store
        .update_user(&all(), u.id, &UserPatch { dingtalk_userid: Some(None), active: Some(false), ..Default::default() }, None)
        .await
        .unwrap();
    assert_eq!((cleared.dingtalk_userid, cleared.active, cleared.rep_id), (None, false, Some(r.id)));
    db.store.delete_rep(&all(), r.id).await.unwrap();
    assert_eq!(db.store.get_user(&all(), u.id).await.unwrap().rep_id, None);
}

/// A rep's scope is their own records: their customers, opportunities,
/// visits, sales, rep and user rows, and nothing of a colleague's in the
/// same province.
async fn a_rep_sees_only_their_own_records(db: TestDb) {
    let t = tree(&db).await;
    let mine = rep(&db, "R1", t.gd.id).await;
    let theirs = rep(&db, "R2", t.gd.id).await;
    let c_mine = customer(&db, "C1", t.gd.id, Some(mine.id)).await;
    let c_theirs = customer(&db, "C2", t.gd.id, Some(theirs.id)).await;
    let gd_path = db.store.scope_of_unit(t.gd.id).await.unwrap();
    let own = Scope::own(gd_path.path(), mine.id);
    let listed = db.store.list_customers(&own, &CustomerFilter::default(), &ListParams::default()).await.unwrap();
    assert_eq!(listed.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![c_mine.id]);
    assert!(matches!(db.store.get_customer(&own, c_theirs.id).await, Err(StoreError::NotFound { .. })));
    assert!(db.store.get_rep(&own, mine.id).await.is_ok());
    assert!(matches!(db.store.get_rep(&own, theirs.id).await, Err(StoreError::NotFound { .. })));
    // Nor can they write through a reference to a colleague's customer.
    let pl = product(&db, "PL").await;
    let sale = |customer_id| NewSalesRecord {
        doc_id: code("D1"),
        customer_id,
        product_line_id: pl.id,
        booked_on: date("2026-01-01"),
        amount: Money::parse_str("1").unwrap(),
    };
    let e = db.store.create_sales_record(&own, &sale(c_theirs.id)).await;
    assert!(matches!(e, Err(StoreError::Invalid { ref field, .. }) if field == "customer_id"), "{e:?}");
    db.store.create_sales_record(&own, &sale(c_mine.id)).await.unwrap();
}

async fn refresh_tokens_are_spent_once_and_reuse_revokes_the_family(db: TestDb) {
    let t = tree(&db).await;
    let u = db.store.create_user(&all(), &new_user("u", Role::Hq, t.hq.id, None), Some("h")).await.unwrap();
    let now = chrono::Utc::now();
    let token = |hash: &str, family: &str| NewRefreshToken {
        user_id: u.id,
        family: family.into(),
        token_hash: hash.into(),
        issued_at: now,
        expires_at: now + chrono::Duration::hours(1),
    };
    db.store.insert_refresh_token(&token("a", "F")).await.unwrap();
    assert_eq!(db.store.spend_refresh_token("a", now).await.unwrap(), Spent::Fresh { user_id: u.id, family: "F".into() });
    db.store.insert_refresh_token(&token("b", "F")).await.unwrap();
    // "a" again: stolen and replayed. The live successor "b" dies with it.
    assert_eq!(db.store.spend_refresh_token("a", now).await.unwrap(), Spent::Replayed { user_id: u.id });
    assert_eq!(db.store.spend_refresh_token("b", now).await.unwrap(), Spent::Replayed { user_id: u.id });
    assert_eq!(db.store.spend_refresh_token("zzz", now).await.unwrap(), Spent::Unknown);
    db.store.insert_refresh_token(&token("c", "G")).await.unwrap();
    let later = now + chrono::Duration::hours(2);
    assert_eq!(db.store.spend_refresh_token("c", later).await.unwrap(), Spent::Expired);
    // Logout revokes the family; a password change revokes every session.
    db.store.insert_refresh_token(&token("d", "H")).await.unwrap();
    db.store.revoke_refresh_family_of("d", now).await.unwrap();
    assert!(matches!(db.store.spend_refresh_token("d", now).await.unwrap(), Spent::Replayed { .. }));
    db.store.insert_refresh_token(&token("e", "I")).await.unwrap();
    db.store.update_user(&all(), u.id, &UserPatch::default(), Some("new hash")).await.unwrap();
    assert!(matches!(db.store.spend_refresh_token("e", now).await.unwrap(), Spent::Replayed { .. }));
}

/// Many sign-ins refreshing at once while others sign in: a transaction
/// that reads before it writes waits for the others instead of failing
/// ("database is locked" on SQLite, a 500 to the user, once seen by a
/// browser test).
async fn transactions_that_read_then_write_wait_for_each_other(db: TestDb) {
    let t = tree(&db).await;
    let u = db.store.create_user(&all(), &new_user("u", Role::Hq, t.hq.id, None), Some("h")).await.unwrap();
    let now = chrono::Utc::now();
    let token = |hash: String| NewRefreshToken {
        user_id: u.id,
        family: hash.clone(),
        token_hash: hash,
        issued_at: now,
        expires_at: now + chrono::Duration::hours(1),
    };
    for i in 0..40 {
        db.store.insert_refresh_token(&token(format!("old{i}"))).await.unwrap();
    }
    let other = cascade_store::connect(&db.url, 4).await.unwrap();
    let spends = (0..40).map(|i| {
        let store = if i % 2 == 0 { db.store.clone() } else { other.clone() };
        async move { store.spend_refresh_token(&format!("old{i}"), now).await }
    });
    let inserts = (0..40).map(|i| {
        let store = if i % 2 == 0 { other.clone() } else { db.store.clone() };
        let t = token(format!("new{i}"));
        async move { store.insert_refresh_token(&t).await }
    });
    let (spent, inserted) = tokio::join!(futures_util::future::join_all(spends), futures_util::future::join_all(inserts));
    for (i, s) in spent.into_iter().enumerate() {
        assert!(matches!(s, Ok(Spent::Fresh { .. })), "spend {i}: {s:?}");
    }
    assert!(inserted.iter().all(Result::is_ok), "{inserted:?}");
    other.close().await;
}

async fn permissions_are_seeded_once_and_the_audit_log_is_append_only(db: TestDb) {
    let rep_perms = db.store.permissions_of(Role::Rep).await.unwrap();
    assert_eq!(rep_perms, Role::Rep.default_permissions());
    let mut fewer = rep_perms.clone();
    fewer.remove(&Permission::VisitsWrite);
    db.store.set_permissions(Role::Rep, &fewer).await.unwrap();
    db.store.migrate().await.unwrap();
    assert_eq!(db.store.permissions_of(Role::Rep).await.unwrap(), fewer, "an edited matrix survives restarts");
    let entry = NewAuditEntry {
        actor: "someone".into(),
        action: "update".into(),
        entity: "customer".into(),
        entity_id: Some("7".into()),
        before: Some(serde_json::json!({"name": "a"})),
        after: Some(serde_json::json!({"name": "b"})),
        ..Default::default()
    };
    db.store.append_audit(&entry).await.unwrap();
    let filter = AuditFilter { entity: Some("customer".into()), ..Default::default() };
    let page = db.store.list_audit(&filter, &ListParams::default()).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].after, Some(serde_json::json!({"name": "b"})));
    for sql in ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"] {
        assert!(db.raw_execute(sql).await.is_err(), "{sql} must be refused");
    }
}

async fn product_lines_in_use_cannot_be_deleted(db: TestDb) {
    let t = tree(&db).await;
    let c = customer(&db, "C1", t.gd.id, None).await;
    let pl = product(&db, "PL").await;
    let spare = product(&db, "PL2").await;
    db.store
        .create_sales_record(
            &all(),
            &NewSalesRecord {
                doc_id: code("D1"),
                customer_id: c.id,
                product_line_id: pl.id,
                booked_on: date("2026-01-01"),
                amount: Money::parse_str("1").unwrap(),
            },
        )
        .await
        .unwrap();
    assert!(matches!(db.store.delete_product_line(pl.id).await, Err(StoreError::Conflict { .. })));
    db.store.delete_product_line(spare.id).await.unwrap();
    let off = db.store.update_product_line(pl.id, &ProductLinePatch { active: Some(false), ..Default::default() }).await.unwrap();
    assert!(!off.active);
    let active = db
        .store
        .list_product_lines(&ProductLineFilter { active: Some(true), ..Default::default() }, &ListParams::default())
        .await
        .unwrap();
    assert!(active.items.is_empty());
}

/// Two servers on one database race for the same slots: every slot is
/// claimed by exactly one of them; a run by hand never takes a slot; a
/// finished run keeps its outcome and counts.
async fn job_slots_are_claimed_once_across_servers(db: TestDb) {
    use std::collections::BTreeMap;

    use chrono::NaiveDateTime;
    let other = cascade_store::connect(&db.url, 4).await.unwrap();
    let slot = |day: u32| NaiveDate::from_ymd_opt(2026, 12, day).unwrap().and_hms_opt(6, 0, 0).unwrap();
    let key = |s: NaiveDateTime| cascade_core::jobs::slot_key("alerts", s);
    for day in 1..=20 {
        let k = key(slot(day));
        let (a, b) = tokio::join!(
            db.store.claim_job_run("alerts", &k, Some(slot(day)), JobTrigger::Schedule),
            other.claim_job_run("alerts", &k, Some(slot(day)), JobTrigger::Schedule),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(a.is_some() != b.is_some(), "day {day}: exactly one server runs the slot ({a:?}, {b:?})");
    }
    assert_eq!(db.store.last_job_slot("alerts").await.unwrap(), Some(slot(20)));
    assert_eq!(db.store.last_job_slot("reports").await.unwrap(), None);

    let manual = other.claim_job_run("alerts", "alerts@manual@1", None, JobTrigger::Manual).await.unwrap().unwrap();
    assert_eq!((manual.slot, manual.trigger, manual.outcome), (None, JobTrigger::Manual, None));
    assert_eq!(db.store.last_job_slot("alerts").await.unwrap(), Some(slot(20)), "a run by hand is no slot");
    let counts: BTreeMap<String, u64> = [("alerts_opened".to_owned(), 3), ("customers".to_owned(), 3000)].into();
    let done = db.store.finish_job_run(manual.id, JobOutcome::Succeeded, &counts, None).await.unwrap();
    assert_eq!((done.outcome, &done.counts, done.error.as_deref()), (Some(JobOutcome::Succeeded), &counts, None));
    assert!(done.finished_at.is_some_and(|f| f >= done.started_at));
    let failed = db
        .store
        .claim_job_run("reports", "reports@2026-11-30T09:00", Some(slot(1)), JobTrigger::Schedule)
        .await
        .unwrap()
        .unwrap();
    let failed =
        db.store.finish_job_run(failed.id, JobOutcome::Failed, &BTreeMap::new(), Some("DingTalk answered 503")).await.unwrap();
    assert_eq!(failed.error.as_deref(), Some("DingTalk answered 503"));
    assert!(matches!(
        db.store.finish_job_run(-1, JobOutcome::Failed, &BTreeMap::new(), None).await,
        Err(StoreError::NotFound { .. })
    ));

    let all = db.store.list_job_runs(None, 100).await.unwrap();
    assert_eq!(all.len(), 22);
    assert!(all.windows(2).all(|w| (w[0].started_at, w[0].id) >= (w[1].started_at, w[1].id)), "newest first");
    let reports = db.store.list_job_runs(Some("reports"), 100).await.unwrap();
    assert_eq!(reports.iter().map(|r| r.id).collect::<Vec<_>>(), [failed.id]);
    assert_eq!(db.store.list_job_runs(Some("alerts"), 5).await.unwrap().len(), 5);
    other.close().await;
}

async fn migrations_are_idempotent(db: TestDb) {
    db.store.migrate().await.unwrap();
    db.store.ping().await.unwrap();
}

/// Plans read quarters and years from trigger-kept quarterly totals by unit
/// and owner, and months from the sales lines. After inserts, upserts that
/// move a line to another customer, product line or quarter, deletes, a
/// rolled-back import, and customers changing unit and owner (one by one and
/// by import), every period's facts must equal the sums of the lines under
/// their customers' current unit and owner.
async fn plan_facts_sum_sales_exactly_through_every_kind_of_write(db: TestDb) {
    use cascade_core::Period;
    let t = tree(&db).await;
    let r1 = rep(&db, "E1", t.gd.id).await;
    let r2 = rep(&db, "E2", t.sh.id).await;
    let customers = [
        customer(&db, "C1", t.gd.id, Some(r1.id)).await,
        customer(&db, "C2", t.gd.id, None).await,
        customer(&db, "C3", t.sh.id, Some(r2.id)).await,
    ];
    let lines = [product(&db, "PL1").await, product(&db, "PL2").await];
    // A fixed pseudo-random walk: the same writes on both databases.
    let mut seed: u64 = 0x5eed;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let row = |doc: u64, next: &mut dyn FnMut(u64) -> u64| NewSalesRecord {
        doc_id: code(&format!("D{doc}")),
        customer_id: customers[next(3) as usize].id,
        product_line_id: lines[next(2) as usize].id,
        booked_on: NaiveDate::from_ymd_opt(2022 + next(5) as i32, 1 + next(12) as u32, 1 + next(28) as u32).unwrap(),
        amount: Money::from_fen(next(2_000_000) as i64 - 200_000),
    };
    let import = |batch: ImportBatch, commit: bool| {
        let store = db.store.clone();
        async move {
            let (tx, rx) = tokio::sync::mpsc::channel(4);
            let apply = tokio::spawn(async move { store.apply_import(&Scope::all(), rx).await });
            let rows = (1..=batch.len() as u64).collect();
            tx.send(ImportMsg::Batch { batch, rows }).await.unwrap();
            tx.send(if commit { ImportMsg::Commit } else { ImportMsg::Abort }).await.unwrap();
            apply.await.unwrap().unwrap()
        }
    };
    for round in 0..4u64 {
        // New lines, then re-sent lines with other customers, dates and amounts.
        import(ImportBatch::Sales((0..60).map(|i| row(round * 60 + i, &mut next)).collect()), true).await;
        let resent: Vec<u64> = (0..round * 60 + 60).filter(|_| next(3) == 0).take(30).collect();
        import(ImportBatch::Sales(resent.into_iter().map(|d| row(d, &mut next)).collect()), true).await;
        // A rolled-back import changes nothing.
        import(ImportBatch::Sales((0..30).map(|i| row(10_000 + i, &mut next)).collect()), false).await;
        // Customers change hands: one by one, and all at once by import.
        let homes = [(t.gd.id, Some(r1.id)), (t.gd.id, None), (t.sh.id, Some(r2.id))];
        let (unit_id, owner) = homes[next(3) as usize];
        let patch = CustomerPatch { unit_id: Some(unit_id), owner_rep_id: Some(owner), ..Default::default() };
        db.store.update_customer(&all(), customers[next(3) as usize].id, &patch).await.unwrap();
        if round == 2 {
            let mut moved = Vec::new();
            for c in &customers {
                let (unit_id, owner_rep_id) = homes[next(3) as usize];
                let c = db.store.get_customer(&all(), c.id).await.unwrap();
                moved.push(NewCustomer {
                    custom: Default::default(),
                    code: c.code,
                    name: c.name,
                    grade: c.grade,
                    province: c.province,
                    city: c.city,
                    unit_id,
                    owner_rep_id,
                    stage: None,
                });
            }
            import(ImportBatch::Customers(moved), true).await;
        }
        let page = db.store.list_sales_records(&all(), &SalesFilter::default(), &ListParams::default()).await.unwrap();
        for s in page.items.iter().take(5 + next(10) as usize) {
            db.store.delete_sales_record(&all(), s.id).await.unwrap();
        }
        db.store
            .create_sales_record(&all(), &NewSalesRecord { doc_id: code(&format!("N{round}")), ..row(0, &mut next) })
            .await
            .unwrap();
    }
    let mut sales = Vec::new();
    let mut params = ListParams { limit: 500, ..Default::default() };
    loop {
        let page = db.store.list_sales_records(&all(), &SalesFilter::default(), &params).await.unwrap();
        sales.extend(page.items);
        match page.next_cursor {
            Some(c) => params.cursor = Some(c),
            None => break,
        }
    }
    assert!(sales.len() > 150, "the walk leaves {} lines", sales.len());
    let mut now = Vec::new();
    for c in &customers {
        now.push(db.store.get_customer(&all(), c.id).await.unwrap());
    }
    let homes: std::collections::BTreeSet<_> = now.iter().map(|c| (c.unit_id, c.owner_rep_id)).collect();
    assert!(homes.len() > 1, "customers end in different hands");
    for period in ["2026", "2025-Q3", "2026-Q1", "2025-02", "2026-12"] {
        let period = Period::parse(period).unwrap();
        for pl in [None, Some(lines[1].id)] {
            let facts = db.store.facts(&format!("/{}/", t.hq.id), period, pl, true).await.unwrap();
            let mut got: Vec<(i64, Option<i64>, i64, [i64; 3])> =
                facts.sales.iter().map(|f| (f.unit_id, f.owner_rep_id, f.current, f.history)).collect();
            got.sort_unstable();
            let mut want: std::collections::BTreeMap<(i64, Option<i64>), (i64, [i64; 3])> = Default::default();
            for s in sales.iter().filter(|s| pl.is_none_or(|pl| s.product_line_id == pl)) {
                let c = now.iter().find(|c| c.id == s.customer_id).unwrap();
                let k = (0..4).find(|k| period.years_earlier(*k).contains(s.booked_on));
                if let Some(k) = k {
                    let e = want.entry((c.unit_id, c.owner_rep_id)).or_default();
                    let fen = s.amount.fen();
                    if k == 0 {
                        e.0 += fen
                    } else {
                        e.1[k as usize - 1] += fen
                    }
                }
            }
            let want: Vec<_> = want.into_iter().map(|((u, o), (c, h))| (u, o, c, h)).collect();
            assert_eq!(got, want, "{period:?}, product line {pl:?}");
        }
    }
    // No empty quarter is left behind, and the totals are the lines' own.
    assert_eq!(db.raw_execute("DELETE FROM sales_quarters WHERE lines <= 0").await.unwrap(), 0);
    let lines_total: i64 = sales.iter().map(|s| s.amount.fen()).sum();
    let check = format!(
        "DELETE FROM sales_quarters WHERE (SELECT SUM(lines) FROM sales_quarters) <> {} \
         OR (SELECT SUM(amount_fen) FROM sales_quarters) <> {lines_total}",
        sales.len()
    );
    assert_eq!(db.raw_execute(&check).await.unwrap(), 0, "summed lines and amounts match the sales lines");
}
