//! Prints the shape of the demo company: counts, revenue per year, 广东's
//! share of 华南 and how long generation takes.
//!
//! `cargo run --release -p cascade-demo --example demo_stats -- [scale] [YYYY-MM-DD] [--no-sales]`

use std::collections::BTreeMap;
use std::time::Instant;

use cascade_core::{FunnelStage, RepStatus};
use cascade_demo::{generate, sales, DemoConfig};
use chrono::{Datelike, NaiveDate};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let scale = args.first().and_then(|s| s.parse().ok()).unwrap_or(1);
    let today = args
        .get(1)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(2025, 5, 14).unwrap_or_default());
    let with_sales = !args.iter().any(|a| a == "--no-sales");
    let cfg = DemoConfig { scale, today };

    let t = Instant::now();
    let co = generate(&cfg);
    println!("generate(scale {scale}, today {today}): {:?}", t.elapsed());
    println!("org units {}", co.org_units.len());
    let status = |s| co.reps.iter().filter(|r| r.status == s).count();
    println!(
        "reps {} (active {}, on_leave {}, departed {})",
        co.reps.len(),
        status(RepStatus::Active),
        status(RepStatus::OnLeave),
        status(RepStatus::Departed)
    );
    let mut ratings = BTreeMap::new();
    for r in &co.reps {
        *ratings.entry(r.rating.as_str()).or_insert(0) += 1;
    }
    println!("ratings {ratings:?}; hired < 90 days {}", co.reps.iter().filter(|r| (today - r.hire_date).num_days() < 90).count());
    let mut roles = BTreeMap::new();
    for u in &co.users {
        *roles.entry(u.role.as_str()).or_insert(0) += 1;
    }
    println!("users {} {roles:?}", co.users.len());
    let mut grades = BTreeMap::new();
    for c in &co.customers {
        *grades.entry(c.grade.as_str()).or_insert(0) += 1;
    }
    println!(
        "customers {} {grades:?}; unowned {}",
        co.customers.len(),
        co.customers.iter().filter(|c| c.owner_employee_no.is_none()).count()
    );
    let mut stages = BTreeMap::new();
    for o in &co.opportunities {
        *stages.entry(o.stage.as_str()).or_insert(0) += 1;
    }
    println!("opportunities {} {stages:?}", co.opportunities.len());
    println!("visits {}", co.visits.len());
    let rep_status: BTreeMap<&str, RepStatus> = co.reps.iter().map(|r| (r.employee_no.as_str(), r.status)).collect();
    let at_risk = co
        .opportunities
        .iter()
        .filter(|o| matches!(o.stage, FunnelStage::Contract | FunnelStage::Payment))
        .filter(|o| rep_status[o.owner_employee_no.as_str()] != RepStatus::Active)
        .count();
    let mut first: BTreeMap<(&str, &str), NaiveDate> = BTreeMap::new();
    for v in &co.visits {
        first.entry((v.employee_no.as_str(), v.customer_code.as_str())).or_insert(v.visit_date);
    }
    let mut last_new: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for ((rep, _), d) in &first {
        let e = last_new.entry(*rep).or_insert(*d);
        *e = (*e).max(*d);
    }
    let quiet = co
        .reps
        .iter()
        .filter(|r| r.status == RepStatus::Active)
        .filter(|r| last_new.get(r.employee_no.as_str()).is_none_or(|d| (today - *d).num_days() > 14))
        .count();
    println!(
        "contract+ deals held by departed/on-leave reps {at_risk}; active reps without a new-customer visit in 14 days {quiet}"
    );
    if co.customers.len() <= 30 {
        return;
    }
    for c in co.customers.iter().step_by(co.customers.len() / 12) {
        println!("  {} {} {} {} {}", c.code, c.name, c.grade.as_str(), c.city, c.stage);
    }
    for o in co.opportunities.iter().step_by(co.opportunities.len() / 6) {
        println!("  {} {} {} {} {} {:?}", o.external_id, o.name, o.amount, o.expected_close, o.stage, o.lost_reason);
    }
    for v in co.visits.iter().step_by(co.visits.len() / 6) {
        println!("  {} {} {} {} {}", v.external_id, v.employee_no, v.visit_date, v.kind.as_str(), v.notes);
    }
    if !with_sales {
        return;
    }

    let region_of: BTreeMap<&str, &str> =
        co.org_units.iter().filter_map(|u| Some((u.code.as_str(), u.parent_code.as_ref()?.as_str()))).collect();
    let unit_of: BTreeMap<&str, &str> = co.customers.iter().map(|c| (c.code.as_str(), c.unit_code.as_str())).collect();
    let t = Instant::now();
    let (mut rows, mut credits) = (0u64, 0u64);
    let mut by_year: BTreeMap<i32, i64> = BTreeMap::new();
    let mut by_region: BTreeMap<&str, i64> = BTreeMap::new();
    let mut gd = 0i64;
    let mut sample = Vec::new();
    for s in sales(&cfg, &co) {
        rows += 1;
        if rows % 20_011 == 0 {
            sample.push(s.clone());
        }
        let fen = s.amount.fen();
        credits += u64::from(fen < 0);
        *by_year.entry(s.booked_on.year()).or_default() += fen;
        if s.booked_on.year() == today.year() - 1 {
            let unit = unit_of[s.customer_code.as_str()];
            *by_region.entry(region_of[unit]).or_default() += fen;
            if unit == "P-GD" {
                gd += fen;
            }
        }
    }
    println!("sales rows {rows} ({credits} credit notes) in {:?}", t.elapsed());
    for (y, fen) in &by_year {
        println!("  {y}: {:.1} M CNY", *fen as f64 / 1e8);
    }
    for (r, fen) in &by_region {
        println!("  {r}: {:.1} M CNY", *fen as f64 / 1e8);
    }
    println!("广东 / 华南 last full year: {:.1} %", gd as f64 * 100.0 / by_region["R-HN"] as f64);
    for s in sample.iter().take(8) {
        println!("  {} {} {} {} {}", s.doc_id, s.customer_code, s.product_line_code, s.booked_on, s.amount);
    }
}
