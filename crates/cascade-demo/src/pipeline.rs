//! The current quarter's deals and visits.

use std::collections::BTreeSet;

use cascade_api_types::{HospitalGrade, OpportunityRow, VisitKind, VisitRow};
use cascade_core::{FunnelStage, Money, ProcurementStage, RepStatus};
use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::company::{Book, Staff};
use crate::names::{pick, pick_weighted, rng, visit_note, Stream, DEAL_ITEMS, LOST_REASONS};
use crate::{code_of, days_before, quarter_of, PRODUCT_LINES};

/// Chance that a customer at each procurement stage (`ProcurementStage::ALL`
/// order) has a deal this quarter.
const DEAL_CHANCE: [f64; 7] = [0.08, 0.35, 0.45, 0.75, 0.9, 0.5, 0.3];
/// …times this for each grade (`HospitalGrade::ALL` order).
const DEAL_GRADE: [f64; 6] = [1.6, 1.3, 1.0, 0.7, 0.5, 0.4];
/// Funnel stage (lead, quote, contract, payment, lost) given the procurement stage.
const FUNNEL_GIVEN_STAGE: [[u32; 5]; 7] = [
    [80, 15, 0, 0, 5],
    [60, 30, 3, 0, 7],
    [30, 40, 15, 5, 10],
    [10, 50, 25, 5, 10],
    [0, 15, 65, 15, 5],
    [5, 10, 35, 50, 0],
    [10, 10, 0, 0, 80],
];
/// Typical deal size per product line (`PRODUCT_LINES` order), in yuan.
const DEAL_YUAN: [f64; 5] = [1_200_000.0, 400_000.0, 250_000.0, 180_000.0, 150_000.0];
/// …times this for each grade.
const DEAL_SIZE_GRADE: [f64; 6] = [1.6, 1.0, 0.6, 0.35, 0.2, 0.15];
/// Which product line a deal is for: big hospitals buy imaging, small ones
/// diagnostics and monitors.
const LINE_BIG: [u32; 5] = [30, 30, 15, 15, 10];
const LINE_SMALL: [u32; 5] = [10, 40, 20, 15, 15];

fn grade_index(g: HospitalGrade) -> usize {
    HospitalGrade::ALL.iter().position(|x| *x == g).unwrap_or(5)
}

fn stage_index(s: ProcurementStage) -> usize {
    ProcurementStage::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

fn date_between(r: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0);
    from + TimeDelta::days(r.gen_range(0..=span))
}

pub(crate) fn opportunities(today: NaiveDate, staff: &Staff, book: &Book) -> Vec<OpportunityRow> {
    let (q_start, q_end) = quarter_of(today);
    let next_end = q_end + TimeDelta::days(45);
    let mut out = Vec::with_capacity(book.customers.len() / 2);
    for (p, range) in book.ranges.iter().enumerate() {
        let mut r = rng(Stream::Opportunities, p as u64);
        for ci in range.clone() {
            let c = &book.customers[ci];
            let g = grade_index(c.grade);
            let star = book.star_customers.contains(&ci);
            let n = if star {
                1
            } else if r.gen_bool((DEAL_CHANCE[stage_index(c.stage)] * DEAL_GRADE[g]).min(0.95)) {
                1 + usize::from(g == 0 && r.gen_bool(0.4))
            } else {
                0
            };
            for _ in 0..n {
                let stage = if star {
                    FunnelStage::Contract
                } else {
                    FunnelStage::ALL[pick_weighted(&mut r, &FUNNEL_GIVEN_STAGE[stage_index(c.stage)])]
                };
                let line = if star { 0 } else { pick_weighted(&mut r, if g <= 1 { &LINE_BIG } else { &LINE_SMALL }) };
                let yuan = DEAL_YUAN[line] * DEAL_SIZE_GRADE[g] * if star { 1.8 } else { r.gen_range(0.4..1.6) };
                let thousands = ((yuan / 1000.0).round() as i64).max(5);
                let expected_close = match stage {
                    FunnelStage::Payment => date_between(&mut r, q_start, today),
                    FunnelStage::Lost => date_between(&mut r, q_start, q_end),
                    _ if star => date_between(&mut r, today.min(q_end), q_end),
                    _ if r.gen_bool(0.12) => date_between(&mut r, q_end + TimeDelta::days(1), next_end),
                    _ => date_between(&mut r, days_before(today, 14).max(q_start), q_end),
                };
                let active_stage = matches!(stage, FunnelStage::Contract | FunnelStage::Payment);
                let keeper = match book.owner[ci] {
                    Some(o) if staff.reps[o].status == RepStatus::Active => Some(o),
                    // Handover risk: a departed or absent rep still holds the deal.
                    Some(o) if star || (active_stage && r.gen_bool(0.5)) => Some(o),
                    _ if staff.active[p].is_empty() => None,
                    _ => Some(pick(&mut r, &staff.active[p])),
                };
                let Some(owner) = keeper else { continue };
                let item = pick(&mut r, DEAL_ITEMS[line]);
                let lost_reason = (stage == FunnelStage::Lost).then(|| pick(&mut r, LOST_REASONS).to_owned());
                out.push(OpportunityRow {
                    external_id: code_of(&format!("OPP-{:06}", out.len() + 1)),
                    name: format!("{}{item}项目", c.name),
                    customer_code: c.code.clone(),
                    owner_employee_no: staff.reps[owner].employee_no.clone(),
                    product_line_code: code_of(PRODUCT_LINES[line].0),
                    amount: Money::from_fen(thousands * 100_000),
                    expected_close,
                    stage,
                    lost_reason,
                    custom: Default::default(),
                });
            }
        }
    }
    out
}

const KINDS: [VisitKind; 4] = [VisitKind::OnSite, VisitKind::Phone, VisitKind::Online, VisitKind::Meeting];
const KIND_WEIGHTS: [u32; 4] = [55, 20, 12, 13];

pub(crate) fn visits(today: NaiveDate, staff: &Staff, book: &Book) -> Vec<VisitRow> {
    let (q_start, _) = quarter_of(today);
    let window_start = q_start.min(days_before(today, 27));
    let mut owned: Vec<Vec<usize>> = vec![Vec::new(); staff.reps.len()];
    for (ci, o) in book.owner.iter().enumerate() {
        if let Some(o) = o {
            owned[*o].push(ci);
        }
    }
    let mut out = Vec::new();
    for (ri, rep) in staff.reps.iter().enumerate() {
        let mut r = rng(Stream::Visits, ri as u64);
        let end = match rep.status {
            RepStatus::Active => today,
            _ => days_before(rep.status_since, 1),
        };
        let prospects = book.ranges[staff.rep_province[ri]].clone();
        // A few reps only go back to known faces for the last 3–4 weeks.
        let stalled_from =
            (rep.status == RepStatus::Active && r.gen_bool(0.08)).then(|| days_before(today, r.gen_range(21..=28)));
        let mut fresh = owned[ri].clone();
        fresh.shuffle(&mut r);
        let mut visited: Vec<usize> = Vec::new();
        // Working days since the last new-customer visit: a diligent rep
        // opens at least one new door a week.
        let mut since_new = 0u32;
        let mut seen: BTreeSet<usize> = BTreeSet::new();
        let mut day = window_start.max(rep.hire_date);
        while day <= end {
            let weekday = day.weekday();
            if weekday != Weekday::Sat && weekday != Weekday::Sun {
                since_new += 1;
                let n = usize::from(r.gen_bool(0.3)) + usize::from(r.gen_bool(0.04));
                for _ in 0..n {
                    let stalled = stalled_from.is_some_and(|s| day >= s);
                    let want_new = !stalled && (visited.is_empty() || since_new >= 4 || r.gen_bool(0.25));
                    let mut customer = None;
                    if want_new {
                        while let Some(ci) = fresh.pop() {
                            if !seen.contains(&ci) {
                                customer = Some(ci);
                                break;
                            }
                        }
                        for _ in 0..3 {
                            if customer.is_some() || prospects.is_empty() {
                                break;
                            }
                            let ci = r.gen_range(prospects.clone());
                            if !seen.contains(&ci) {
                                customer = Some(ci);
                            }
                        }
                    }
                    let is_new = customer.is_some();
                    if is_new {
                        since_new = 0;
                    }
                    if customer.is_none() && !visited.is_empty() {
                        customer = Some(pick(&mut r, &visited));
                    }
                    let Some(ci) = customer else { continue };
                    if seen.insert(ci) {
                        visited.push(ci);
                    }
                    let kind = pick_weighted(&mut r, &KIND_WEIGHTS);
                    out.push(VisitRow {
                        external_id: code_of(&format!("VIS-{:06}", out.len() + 1)),
                        employee_no: rep.employee_no.clone(),
                        customer_code: book.customers[ci].code.clone(),
                        visit_date: day,
                        kind: KINDS[kind],
                        notes: visit_note(&mut r, kind, is_new),
                    });
                }
            }
            day += TimeDelta::days(1);
        }
    }
    out
}
