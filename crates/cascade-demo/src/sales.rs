//! The sales history, one customer at a time.
//!
//! A customer's yearly sales are its share of its province's market (fixed per
//! province for the last full year), grown or shrunk by the customer's own
//! growth rate for the other years, spread over the months it bills in with
//! seasonality, and split over the product lines it buys. Floats only shape
//! the random sizes; every amount is rounded once to whole fen.

use cascade_api_types::{CustomerRow, HospitalGrade, SalesRow};
use cascade_core::{Code, Money};
use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::geo::{province_by_unit_code, PROVINCES, REGIONS};
use crate::names::{pick_weighted, rng, Stream};
use crate::{code_of, DemoCompany, DemoConfig, PRODUCT_LINES};

/// Month weights (sum 12): Q1 weak (Chinese New Year in Jan/Feb), Q4 strong
/// (year-end budgets).
const SEASON: [f64; 12] = [0.70, 0.55, 0.90, 0.95, 1.00, 1.10, 0.95, 0.95, 1.05, 1.00, 1.25, 1.60];

/// Relative size of a hospital of each grade (`HospitalGrade::ALL` order).
const GRADE_SIZE: [f64; 6] = [100.0, 35.0, 15.0, 6.0, 2.0, 1.0];
/// Chance that the hospital is billed in a given month.
const BILLING_CHANCE: [f64; 6] = [1.0, 0.95, 0.8, 0.6, 0.4, 0.3];
/// How many product lines the hospital buys (min, max).
const LINES_BOUGHT: [(usize, usize); 6] = [(4, 5), (3, 4), (2, 3), (1, 2), (1, 2), (1, 1)];
/// Chance that a bought line is on a given month's order.
const LINE_ON_ORDER: [f64; 6] = [0.55, 0.57, 0.6, 0.8, 0.73, 1.0];
/// Yuan per unit of raw size for a customer outside the known provinces.
const FALLBACK_YUAN_PER_SIZE: f64 = 14_000.0;
const CREDIT_NOTE_CHANCE: f64 = 0.015;

fn grade_index(g: HospitalGrade) -> usize {
    HospitalGrade::ALL.iter().position(|x| *x == g).unwrap_or(5)
}

/// A customer's own random stream, keyed by its code (FNV-1a), so its history
/// does not depend on its position among the customers.
fn customer_rng(c: &CustomerRow) -> ChaCha8Rng {
    let hash = c.code.as_str().bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    rng(Stream::Sales, hash)
}

/// The random size of a customer: the first draws of its sales stream.
fn raw_size(r: &mut ChaCha8Rng, grade: usize) -> f64 {
    GRADE_SIZE[grade] * (0.5 + r.gen::<f64>()) * (0.5 + r.gen::<f64>())
}

pub(crate) struct SalesPlan {
    today: NaiveDate,
    /// Yuan per unit of raw size, per province.
    yuan_per_size: Vec<f64>,
    lines: Vec<(Code, u32)>,
}

impl SalesPlan {
    /// One pass over the customers to learn each province's total raw size.
    pub(crate) fn new(cfg: &DemoConfig, company: &DemoCompany) -> SalesPlan {
        let scale = f64::from(cfg.scale.max(1));
        let mut sizes = vec![0.0f64; PROVINCES.len()];
        for c in &company.customers {
            if let Some(p) = province_by_unit_code(c.unit_code.as_str()) {
                sizes[p] += raw_size(&mut customer_rng(c), grade_index(c.grade));
            }
        }
        let yuan_per_size = PROVINCES
            .iter()
            .zip(&sizes)
            .map(|(p, s)| if *s > 0.0 { p.potential as f64 * 10_000.0 * scale / s } else { FALLBACK_YUAN_PER_SIZE })
            .collect();
        let lines = company
            .product_lines
            .iter()
            .map(|l| {
                let share = PRODUCT_LINES.iter().find(|(c, _, _)| *c == l.code.as_str()).map_or(100, |(_, _, s)| *s);
                (l.code.clone(), share)
            })
            .collect();
        SalesPlan { today: cfg.today, yuan_per_size, lines }
    }

    /// Every sales row of customer number `index`.
    pub(crate) fn customer_rows(&self, index: usize, c: &CustomerRow) -> Vec<SalesRow> {
        let mut out = Vec::new();
        if self.lines.is_empty() {
            return out;
        }
        let g = grade_index(c.grade);
        let mut r = customer_rng(c);
        let size = raw_size(&mut r, g);
        let province = province_by_unit_code(c.unit_code.as_str());
        let base = size * province.map_or(FALLBACK_YUAN_PER_SIZE, |p| self.yuan_per_size[p]);
        let region_growth = province.map_or(100, |p| REGIONS[PROVINCES[p].region].growth_permille);
        let growth = f64::from(region_growth) / 1000.0 + r.gen_range(-0.05..0.05);

        // The lines this hospital buys, and in what mix.
        let (lo, hi) = LINES_BOUGHT[g];
        let n_lines = r.gen_range(lo..=hi).min(self.lines.len());
        let mut weights: Vec<u32> = self.lines.iter().map(|(_, w)| *w).collect();
        let mut bought: Vec<(usize, f64)> = Vec::with_capacity(n_lines);
        for _ in 0..n_lines {
            let l = pick_weighted(&mut r, &weights);
            weights[l] = 0;
            bought.push((l, f64::from(self.lines[l].1) * r.gen_range(0.5..1.5)));
        }
        bought.sort_by_key(|(l, _)| *l);

        let this_year = self.today.year();
        // Document numbers: the customer's own number (`GD00012` for
        // `H-GD-00012`) and the month, so they do not depend on which other
        // customers are generated alongside.
        let doc_base = match c.code.as_str().strip_prefix("H-").and_then(|rest| rest.split_once('-')) {
            Some((iso, n))
                if iso.len() == 2 && iso.bytes().all(|b| b.is_ascii_uppercase()) && n.bytes().all(|b| b.is_ascii_digit()) =>
            {
                format!("{iso}{n}")
            }
            _ => format!("X{index:07}"),
        };
        for year in this_year - 3..=this_year {
            let mut year_factor = r.gen_range(0.93..1.07);
            for _ in year..this_year - 1 {
                year_factor /= 1.0 + growth;
            }
            if year == this_year {
                year_factor *= 1.0 + growth;
            }
            let annual = base * year_factor;
            for month in 1..=12u32 {
                let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else { continue };
                if first >= self.today {
                    break;
                }
                if !r.gen_bool(BILLING_CHANCE[g]) {
                    continue;
                }
                let day = r.gen_range(1..=28);
                let booked_on = NaiveDate::from_ymd_opt(year, month, day).unwrap_or(first);
                let month_total = annual * SEASON[month as usize - 1] / 12.0 / BILLING_CHANCE[g] * r.gen_range(0.75..1.25);
                let mut on_order: Vec<(usize, f64)> = bought.iter().copied().filter(|_| r.gen_bool(LINE_ON_ORDER[g])).collect();
                if on_order.is_empty() {
                    on_order.push(bought[r.gen_range(0..bought.len())]);
                }
                let mix: f64 = on_order.iter().map(|(_, w)| w).sum();
                let credit_days = r.gen_range(3..45);
                if booked_on >= self.today {
                    continue;
                }
                let seq = format!("{doc_base}{month:02}");
                for (item, (l, w)) in on_order.iter().enumerate() {
                    let fen = ((month_total * w / mix * r.gen_range(0.9..1.1)) * 100.0).round() as i64;
                    let fen = fen.max(5_000);
                    let line = &self.lines[*l].0;
                    out.push(SalesRow {
                        doc_id: code_of(&format!("SO-{year}-{seq}-{}", item + 1)),
                        customer_code: c.code.clone(),
                        product_line_code: line.clone(),
                        booked_on,
                        amount: Money::from_fen(fen),
                    });
                    if r.gen_bool(CREDIT_NOTE_CHANCE) {
                        let credited = ((fen as f64) * r.gen_range(0.05..0.5)).round() as i64;
                        let on = booked_on + chrono::TimeDelta::days(credit_days);
                        if on < self.today && credited > 0 {
                            out.push(SalesRow {
                                doc_id: code_of(&format!("CN-{year}-{seq}-{}", item + 1)),
                                customer_code: c.code.clone(),
                                product_line_code: line.clone(),
                                booked_on: on,
                                amount: Money::from_fen(-credited),
                            });
                        }
                    }
                }
            }
        }
        out
    }
}
