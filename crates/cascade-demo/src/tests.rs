use std::collections::{BTreeMap, BTreeSet};

use cascade_api_types::{HospitalGrade, OrgUnitKind, VisitKind};
use cascade_core::{Code, FunnelStage, RepStatus};
use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn cfg(scale: u32) -> DemoConfig {
    DemoConfig { scale, today: day(2025, 5, 14) }
}

fn assert_unique<'a>(what: &str, keys: impl Iterator<Item = &'a str>) {
    let mut seen = BTreeSet::new();
    for k in keys {
        assert!(seen.insert(k), "duplicate {what}: {k}");
    }
}

fn assert_valid(c: &Code) {
    assert_eq!(Code::parse(c.as_str()).as_ref(), Ok(c));
}

/// Every structural invariant of a generated company.
fn check_company(cfg: &DemoConfig, co: &DemoCompany) {
    let today = cfg.today;
    let (q_start, q_end) = quarter_of(today);

    // Org tree: root, 7 regions of 3–5 provinces, parent before child.
    let root = &co.org_units[0];
    assert_eq!(
        (root.code.as_str(), root.name.as_str(), root.kind, &root.parent_code),
        ("HQ", "华康医疗器械有限公司", OrgUnitKind::Company, &None)
    );
    let mut kinds: BTreeMap<&str, OrgUnitKind> = BTreeMap::new();
    for u in &co.org_units {
        assert_valid(&u.code);
        if let Some(parent) = &u.parent_code {
            let pk = kinds.get(parent.as_str()).copied();
            match u.kind {
                OrgUnitKind::Region => assert_eq!(pk, Some(OrgUnitKind::Company)),
                OrgUnitKind::Province => assert_eq!(pk, Some(OrgUnitKind::Region)),
                k => panic!("unexpected kind {k:?}"),
            }
        }
        assert!(kinds.insert(u.code.as_str(), u.kind).is_none(), "duplicate org code {}", u.code);
    }
    let regions: Vec<_> = co.org_units.iter().filter(|u| u.kind == OrgUnitKind::Region).collect();
    assert_eq!(regions.len(), 7);
    for r in regions {
        let n = co.org_units.iter().filter(|u| u.parent_code.as_ref() == Some(&r.code)).count();
        assert!((3..=5).contains(&n), "{} has {n} provinces", r.name);
    }

    // Reps.
    assert_unique("employee_no", co.reps.iter().map(|r| r.employee_no.as_str()));
    let reps: BTreeMap<&str, &RepRow> = co.reps.iter().map(|r| (r.employee_no.as_str(), r)).collect();
    for r in &co.reps {
        assert_valid(&r.employee_no);
        assert_eq!(kinds.get(r.unit_code.as_str()), Some(&OrgUnitKind::Province));
        assert!(r.hire_date <= today && r.hire_date >= today - chrono::TimeDelta::days(8 * 366));
        assert!(r.status_since >= r.hire_date && r.status_since <= today);
        if r.status == RepStatus::Active {
            assert_eq!(r.status_since, r.hire_date);
        }
        assert!(!r.name.is_empty() && r.name.chars().count() <= 4);
    }

    // Users.
    assert_unique("username", co.users.iter().map(|u| u.username.as_str()));
    assert_unique("dingtalk", co.users.iter().filter_map(|u| u.dingtalk_userid.as_deref()));
    for u in &co.users {
        assert_valid(&u.username);
        assert!(kinds.contains_key(u.unit_code.as_str()));
        match (&u.employee_no, u.role) {
            (Some(e), DemoRole::Rep) => assert_eq!(reps[e.as_str()].unit_code, u.unit_code),
            (None, DemoRole::Rep) => panic!("rep user without employee number"),
            (Some(_), _) => panic!("non-rep user with employee number"),
            (None, _) => {}
        }
        let expected_kind = match u.role {
            DemoRole::Hq | DemoRole::Admin => OrgUnitKind::Company,
            DemoRole::RegionManager => OrgUnitKind::Region,
            DemoRole::ProvinceManager | DemoRole::Rep => OrgUnitKind::Province,
        };
        assert_eq!(kinds[u.unit_code.as_str()], expected_kind);
    }
    assert_eq!(co.users.iter().filter(|u| u.role == DemoRole::Rep).count(), co.reps.len());

    // Product lines.
    assert!((4..=6).contains(&co.product_lines.len()));
    assert_unique("product line", co.product_lines.iter().map(|l| l.code.as_str()));
    let lines: BTreeSet<&str> = co.product_lines.iter().map(|l| l.code.as_str()).collect();

    // Customers.
    assert_unique("customer code", co.customers.iter().map(|c| c.code.as_str()));
    let units: BTreeMap<&str, &str> = co.org_units.iter().map(|u| (u.code.as_str(), u.name.as_str())).collect();
    let customers: BTreeMap<&str, &CustomerRow> = co.customers.iter().map(|c| (c.code.as_str(), c)).collect();
    for c in &co.customers {
        assert_valid(&c.code);
        assert_eq!(kinds.get(c.unit_code.as_str()), Some(&OrgUnitKind::Province));
        assert_eq!(units[c.unit_code.as_str()], c.province);
        assert!(!c.city.is_empty() && c.name.chars().count() <= 100);
        if let Some(o) = &c.owner_employee_no {
            assert_eq!(reps[o.as_str()].unit_code, c.unit_code, "{} owned across provinces", c.code);
        }
    }

    // Opportunities.
    assert_unique("opportunity id", co.opportunities.iter().map(|o| o.external_id.as_str()));
    for o in &co.opportunities {
        assert_valid(&o.external_id);
        let c = customers[o.customer_code.as_str()];
        assert_eq!(reps[o.owner_employee_no.as_str()].unit_code, c.unit_code);
        assert!(lines.contains(o.product_line_code.as_str()));
        assert!(o.amount.fen() > 0 && o.amount.amount().scale() <= 2);
        assert_eq!(o.lost_reason.is_some(), o.stage == FunnelStage::Lost);
        assert!(o.expected_close >= q_start && o.expected_close <= q_end + chrono::TimeDelta::days(45));
        assert!(o.name.chars().count() <= 100);
    }

    // Visits.
    assert_unique("visit id", co.visits.iter().map(|v| v.external_id.as_str()));
    for v in &co.visits {
        assert_valid(&v.external_id);
        let rep = reps[v.employee_no.as_str()];
        let c = customers[v.customer_code.as_str()];
        assert_eq!(rep.unit_code, c.unit_code);
        assert!(v.visit_date <= today && v.visit_date >= q_start.min(today - chrono::TimeDelta::days(27)));
        assert!(v.visit_date >= rep.hire_date);
        if rep.status != RepStatus::Active {
            assert!(v.visit_date < rep.status_since);
        }
        assert!(!v.notes.is_empty() && v.notes.chars().count() <= 2000);
    }
}

#[test]
fn scale_one_has_the_seed_shape() {
    let c = cfg(1);
    let co = generate(&c);
    check_company(&c, &co);
    assert_eq!(co.company_name, "华康医疗器械有限公司");
    assert_eq!(co.org_units.len(), 39);
    assert_eq!(co.reps.len(), 420);
    assert_eq!(co.users.len(), 650);
    assert_eq!(co.customers.len(), 3000);
    let n = |role| co.users.iter().filter(|u| u.role == role).count();
    assert_eq!((n(DemoRole::RegionManager), n(DemoRole::ProvinceManager), n(DemoRole::Admin)), (7, 31, 2));
    assert!((1000..=1500).contains(&co.opportunities.len()), "{} opportunities", co.opportunities.len());
    assert!((2000..=10_000).contains(&co.visits.len()), "{} visits", co.visits.len());

    let share = |pred: &dyn Fn(&RepRow) -> bool| co.reps.iter().filter(|r| pred(r)).count() as f64 / co.reps.len() as f64;
    let a = share(&|r| r.rating == cascade_core::CapabilityRating::A);
    assert!((0.18..=0.32).contains(&a), "A share {a}");
    let c_share = share(&|r| r.rating == cascade_core::CapabilityRating::C);
    assert!((0.18..=0.35).contains(&c_share), "C share {c_share}");
    let new = share(&|r| (c.today - r.hire_date).num_days() < 90);
    assert!((0.02..=0.08).contains(&new), "new hires {new}");
    let on_leave = share(&|r| r.status == RepStatus::OnLeave);
    let departed = share(&|r| r.status == RepStatus::Departed);
    assert!((0.01..=0.05).contains(&on_leave), "on leave {on_leave}");
    assert!((0.01..=0.05).contains(&departed), "departed {departed}");
    let oldest = co.reps.iter().map(|r| r.hire_date).min().unwrap();
    assert!((c.today - oldest).num_days() > 6 * 365);

    // Hospitals: ≈ 10 % 三甲, every grade and stage present, owners mostly set.
    let top = co.customers.iter().filter(|h| h.grade == HospitalGrade::Tertiary3A).count();
    assert!((240..=360).contains(&top), "{top} 三甲");
    for g in HospitalGrade::ALL {
        assert!(co.customers.iter().any(|h| h.grade == g));
    }
    for s in cascade_core::ProcurementStage::ALL {
        assert!(co.customers.iter().any(|h| h.stage == *s));
    }
    let unowned = co.customers.iter().filter(|h| h.owner_employee_no.is_none()).count();
    assert!((5..=60).contains(&unowned), "{unowned} unowned");
    let status: BTreeMap<&str, RepStatus> = co.reps.iter().map(|r| (r.employee_no.as_str(), r.status)).collect();
    let orphaned = co
        .customers
        .iter()
        .filter(|h| h.owner_employee_no.as_ref().is_some_and(|o| status[o.as_str()] == RepStatus::Departed))
        .count();
    assert!(orphaned >= 3);
    // Big provinces have more hospitals than small ones.
    let count_in = |p: &str| co.customers.iter().filter(|h| h.province == p).count();
    assert!(count_in("广东") > 3 * count_in("西藏"));
    assert!(count_in("江苏") > count_in("安徽"));

    // Opportunities: every stage, most closing this quarter, some slipping.
    let (_, q_end) = quarter_of(c.today);
    for s in FunnelStage::ALL {
        assert!(co.opportunities.iter().any(|o| o.stage == *s), "no {s} deal");
    }
    let slipping = co.opportunities.iter().filter(|o| o.expected_close > q_end).count();
    assert!(slipping > 0 && slipping * 5 < co.opportunities.len());
    // Handover risk: contract-or-later deals held by departed or absent reps,
    // among them the seed's 西北 rep with three 三甲 hospitals.
    let at_risk: Vec<_> = co
        .opportunities
        .iter()
        .filter(|o| {
            matches!(o.stage, FunnelStage::Contract | FunnelStage::Payment)
                && status[o.owner_employee_no.as_str()] != RepStatus::Active
        })
        .collect();
    assert!(at_risk.len() >= 3, "{} deals at risk", at_risk.len());
    let customers: BTreeMap<&str, &CustomerRow> = co.customers.iter().map(|h| (h.code.as_str(), h)).collect();
    let star_deals = at_risk
        .iter()
        .filter(|o| {
            let h = customers[o.customer_code.as_str()];
            h.province == "陕西" && h.grade == HospitalGrade::Tertiary3A && o.stage == FunnelStage::Contract
        })
        .count();
    assert!(star_deals >= 3);

    // Visits: every kind; some active reps with visits but no new-customer
    // visit in the last 14 days.
    for k in [VisitKind::OnSite, VisitKind::Phone, VisitKind::Online, VisitKind::Meeting] {
        assert!(co.visits.iter().any(|v| v.kind == k));
    }
    let mut first_visit: BTreeMap<(&str, &str), NaiveDate> = BTreeMap::new();
    for v in &co.visits {
        let e = first_visit.entry((v.employee_no.as_str(), v.customer_code.as_str())).or_insert(v.visit_date);
        *e = (*e).min(v.visit_date);
    }
    let mut last_new: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for ((rep, _), d) in &first_visit {
        let e = last_new.entry(rep).or_insert(*d);
        *e = (*e).max(*d);
    }
    let quiet = co
        .reps
        .iter()
        .filter(|r| r.status == RepStatus::Active && (c.today - r.hire_date).num_days() > 60)
        .filter(|r| last_new.get(r.employee_no.as_str()).is_none_or(|d| (c.today - *d).num_days() > 14))
        .count();
    assert!((3..=60).contains(&quiet), "{quiet} reps without new-customer visits");
}

#[test]
fn same_config_same_company() {
    let c = cfg(1);
    assert_eq!(generate(&c), generate(&c));
    let a: Vec<SalesRow> = sales(&c, &generate(&c)).take(5000).collect();
    let b: Vec<SalesRow> = sales(&c, &generate(&c)).take(5000).collect();
    assert_eq!(a, b);
    let other = generate(&DemoConfig { scale: 1, today: day(2025, 5, 15) });
    assert_ne!(other.visits, generate(&c).visits);
}

#[test]
fn scale_multiplies_and_keeps_keys_unique() {
    let c = cfg(3);
    let co = generate(&c);
    check_company(&c, &co);
    assert_eq!(co.org_units.len(), 39);
    assert_eq!(co.reps.len(), 3 * 420);
    assert_eq!(co.users.len(), 3 * 650);
    assert_eq!(co.customers.len(), 3 * 3000);
    let one = generate(&cfg(1));
    let ratio = co.opportunities.len() as f64 / one.opportunities.len() as f64;
    assert!((2.6..=3.4).contains(&ratio), "opportunities ×{ratio}");
    let ratio = co.visits.len() as f64 / one.visits.len() as f64;
    assert!((2.6..=3.4).contains(&ratio), "visits ×{ratio}");
    assert_eq!(generate(&DemoConfig { scale: 0, today: c.today }), one);
}

#[test]
fn sales_history_is_realistic() {
    let c = cfg(1);
    let co = generate(&c);
    let this_year = c.today.year();
    let window_start = day(this_year - 3, 1, 1);
    let region_of: BTreeMap<&str, &str> =
        co.org_units.iter().filter_map(|u| Some((u.code.as_str(), u.parent_code.as_ref()?.as_str()))).collect();
    let unit_of: BTreeMap<&str, &str> = co.customers.iter().map(|h| (h.code.as_str(), h.unit_code.as_str())).collect();
    let lines: BTreeSet<&str> = co.product_lines.iter().map(|l| l.code.as_str()).collect();
    let mut by_year: BTreeMap<i32, i64> = BTreeMap::new();
    let mut by_month = [0i64; 12];
    let (mut rows, mut credits) = (0usize, 0usize);
    let (mut gd, mut south) = (0i64, 0i64);
    let mut docs = BTreeSet::new();
    let mut invoices: BTreeMap<String, i64> = BTreeMap::new();
    for s in sales(&c, &co) {
        rows += 1;
        assert!(s.booked_on < c.today && s.booked_on >= window_start, "{s:?}");
        assert!(s.amount.amount().scale() <= 2);
        assert_valid(&s.doc_id);
        assert!(lines.contains(s.product_line_code.as_str()));
        let unit = unit_of[s.customer_code.as_str()];
        assert!(docs.insert(s.doc_id.as_str().to_owned()), "duplicate doc {}", s.doc_id);
        let fen = s.amount.fen();
        if fen < 0 {
            credits += 1;
            let invoice = invoices[&s.doc_id.as_str().replacen("CN-", "SO-", 1)];
            assert!(-fen < invoice, "credit {fen} vs invoice {invoice}");
        } else {
            assert!(fen > 0);
            invoices.insert(s.doc_id.as_str().to_owned(), fen);
        }
        let year = s.booked_on.year();
        *by_year.entry(year).or_default() += fen;
        if year < this_year {
            by_month[s.booked_on.month0() as usize] += fen;
        }
        if year == this_year - 1 && region_of[unit] == "R-HN" {
            south += fen;
            if unit == "P-GD" {
                gd += fen;
            }
        }
    }
    assert!((100_000..=300_000).contains(&rows), "{rows} rows");
    let credit_share = credits as f64 / rows as f64;
    assert!((0.005..=0.025).contains(&credit_share), "credit notes {credit_share}");
    let last = by_year[&(this_year - 1)] as f64 / 100.0;
    assert!((600e6..=1000e6).contains(&last), "last full year {last}");
    assert!(by_year[&(this_year - 3)] < by_year[&(this_year - 2)]);
    assert!(by_year[&(this_year - 2)] < by_year[&(this_year - 1)]);
    let growth = by_year[&(this_year - 1)] as f64 / by_year[&(this_year - 2)] as f64 - 1.0;
    assert!((0.06..=0.16).contains(&growth), "growth {growth}");
    let gd_share = gd as f64 / south as f64;
    assert!((0.35..=0.45).contains(&gd_share), "广东 {gd_share}");
    // Seasonality: Q4 strongest, Q1 weakest, February the lowest month.
    let q: Vec<i64> = by_month.chunks(3).map(|m| m.iter().sum()).collect();
    assert!(q[3] > q[1] && q[3] > q[2] && q[0] < q[1] && q[0] < q[2]);
    assert_eq!(by_month.iter().enumerate().min_by_key(|(_, v)| **v).map(|(m, _)| m), Some(1));
}

#[test]
fn sales_on_new_years_day_has_only_full_years() {
    let c = DemoConfig { scale: 1, today: day(2026, 1, 1) };
    let mut co = generate(&c);
    co.customers.truncate(200);
    let years: BTreeSet<i32> = sales(&c, &co).map(|s| s.booked_on.year()).collect();
    assert_eq!(years, BTreeSet::from([2023, 2024, 2025]));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn any_today_gives_a_consistent_company(days in 0i64..5000, scale in 1u32..=2) {
        let c = DemoConfig { scale, today: day(2020, 1, 1) + chrono::TimeDelta::days(days) };
        let co = generate(&c);
        check_company(&c, &co);
        prop_assert_eq!(co.reps.len(), 420 * scale as usize);
        prop_assert_eq!(co.users.len(), 650 * scale as usize);
        prop_assert!(!co.visits.is_empty());
        prop_assert!(co.opportunities.len() >= 900 * scale as usize);
    }

    #[test]
    fn sales_stay_in_the_window(days in 0i64..5000, skip in 0usize..2900) {
        let c = DemoConfig { scale: 1, today: day(2020, 1, 1) + chrono::TimeDelta::days(days) };
        let mut co = generate(&c);
        co.customers.drain(..skip);
        co.customers.truncate(40);
        let start = day(c.today.year() - 3, 1, 1);
        let codes: BTreeSet<&str> = co.customers.iter().map(|h| h.code.as_str()).collect();
        let mut docs = BTreeSet::new();
        for s in sales(&c, &co) {
            prop_assert!(s.booked_on < c.today && s.booked_on >= start);
            prop_assert!(codes.contains(s.customer_code.as_str()));
            prop_assert!(s.amount.fen() != 0);
            prop_assert!(docs.insert(s.doc_id));
        }
    }
}
