//! A deterministic, realistic demo company for Cascade: 华康医疗器械有限公司,
//! the national medical-device maker of the seed case (年营收 8 亿, 650 staff,
//! 7 大区 of 3–5 provinces), as the import rows of `cascade_api_types::imports`.
//!
//! The crate is pure: no database, no async, no I/O and no clock. Everything is
//! derived from a fixed seed and the [`DemoConfig`], so the same config always
//! gives the same company, row for row (no hash-map order leaks). Dates are
//! relative to [`DemoConfig::today`].
//!
//! # What is generated at scale 1
//!
//! | what | how many | notes |
//! | --- | --- | --- |
//! | org units | 39 | `HQ` → 7 regions (`R-HB` 华北, `R-HD` 华东, `R-HN` 华南, `R-HZ` 华中, `R-XN` 西南, `R-XB` 西北, `R-DB` 东北) → 31 real provinces (`P-GD` 广东 …, ISO 3166-2:CN letters), parent before child |
//! | reps | 420 | 4 per province plus 296 in proportion to the province's market; employee numbers `E00001` …; rated A/B/C ≈ 25/50/25; hired over the past 8 years, ≈ 5 % in the last 90 days; ≈ 2.5 % `on_leave` (since 1–45 days) and ≈ 2.5 % `departed` (since 1–60 days) |
//! | users | 650 | see *Staff* below |
//! | product lines | 5 | `PL-IMG` 医学影像, `PL-IVD` 体外诊断, `PL-MON` 监护设备, `PL-SUR` 手术器械, `PL-REH` 康复设备 |
//! | customers (hospitals) | 3,000 | codes `H-GD-00001` …; 20 per province plus 2,380 by market; ≈ 10 % 三甲 (14 % in the big markets 北京, 上海, 江苏, 浙江, 山东, 广东); province = the province's short name (`广东`), real cities; owned by a rep of the province, weighted by rating (≈ 1 % unowned; those of departed reps not yet handed over); procurement stages over all seven |
//! | sales rows | ≈ 137,000 | for `today` = 2025-05-14: 3 full years before `today`'s year plus the current year to date |
//! | opportunities | ≈ 1,200 | `OPP-000001` …; current quarter of `today`, ≈ 12 % of open deals slipping into the next |
//! | visits | ≈ 2,600–8,700 | `VIS-000001` …; see *Visits* below |
//!
//! `scale: N` multiplies reps, staff, hospitals, opportunities, visits and
//! sales by N. The org tree stays the same 39 units with one manager per
//! region and province; every province simply has N times the reps and
//! hospitals, with unique codes. At scale 100 that is 42,000 reps, 65,000
//! users, 300,000 hospitals, ≈ 122,000 deals, ≈ 430,000 visits and ≈ 14 M sales
//! rows; [`generate`] stays linear (about a second in release mode) and
//! [`sales`] streams.
//!
//! # Market and revenue
//!
//! Each province has a fixed market size: its customers' sales in the last full
//! year before `today`, summing to 8 亿 yuan × scale. 华南 is 1.6 亿, of which
//! 广东 is 40 % (the seed's "广东一个省可能就占整体潜力的40%"); 华东 (2.3 亿) is
//! the largest region, 西北 (0.45 亿) the smallest. Within a province,
//! hospitals share the market by grade (三甲 100 : 三乙 35 : 二甲 15 : 二乙 6 :
//! 一级 2 : 未定级 1) times a random size, so the big provinces have both more
//! and larger hospitals. Sales grow 7–14 % a year depending on the region
//! (≈ 11 % for the company: ≈ 648 M, 718 M, 797 M yuan over the three full
//! years), with seasonality (Q1 weak around Chinese New Year, February the
//! lowest month; Q4 strong with year-end budgets). Bigger hospitals are billed
//! every month on several product lines, small ones every few months on one.
//! About 1.5 % of the rows are credit notes (`CN-…`, negative, 5–50 % of the
//! invoice line `SO-…` with the same number, 3–45 days later).
//!
//! # Staff
//!
//! The seed's 650 staff are, at scale 1: 420 reps (one user each, role `rep`,
//! username `rep.e00001`, DingTalk `dt-E00001`), 7 region managers
//! (`rm.hn` …), 31 province managers (`pm.gd` …), 3 HQ leaders (`hq.ceo`,
//! `hq.hrd`, `hq.salesops`), 2 HRBP admins (`admin.hrbp1`, `admin.hrbp2`), and
//! 187 non-selling HQ staff (sales operations, marketing, finance, service;
//! usernames `staff.00001` …, role `hq`, unit `HQ`, DingTalk `dt-S00001`). So
//! users come to exactly 650 × scale: the 43 leaders and managers do not
//! multiply with scale, and the non-selling staff (230 × scale − 43) fill the
//! difference. Only rep users carry an employee number, the link to their rep
//! row; everyone else's DingTalk id is `dt-` + username.
//!
//! # The seed's stories, planted
//!
//! - 西北 handover risk: the second 陕西 rep, rated A, departed 3 days before
//!   `today` and still holds three 三甲 hospitals in `contract_approval`, each
//!   with a `contract`-stage deal closing this quarter. Other departed or
//!   on-leave reps keep about half of their `contract`/`payment` deals (≈ 20
//!   such deals at scale 1); their other deals were handed to an active rep of
//!   the province.
//! - About 8 % of active reps made no new-customer visit in the last 21–28
//!   days (only repeat visits, or none), which the two-ISO-week alert catches;
//!   everyone else opens at least one new door a week.
//!
//! # Visits
//!
//! Visits run from the start of `today`'s quarter to `today` inclusive, on
//! working days, ≈ 0.35 a day per rep (≈ 2,600 at scale 1 on a quarter's first
//! day, ≈ 4,300 mid-quarter, ≈ 8,700 at its end). When fewer than 28 days of
//! the quarter have passed, the window starts 27 days before `today` instead,
//! so the two-week visit alert always has data. Departed and on-leave reps
//! stop visiting the day before their status date. A visit to a customer the
//! rep has not visited before in the generated data is a new-customer visit.
//!
//! `cargo run --release -p cascade-demo --example demo_stats -- [scale] [YYYY-MM-DD]`
//! prints these numbers.

mod company;
mod geo;
mod names;
mod pipeline;
mod sales;

use cascade_api_types::{CustomerRow, OpportunityRow, OrgUnitRow, RepRow, SalesRow, VisitRow};
use cascade_core::Code;
use chrono::{Datelike, NaiveDate};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DemoConfig {
    /// Multiplies headcount, hospitals, deals, visits and sales; at least 1
    /// (0 is taken as 1).
    pub scale: u32,
    /// The demo's "today": sales are booked before it, the pipeline and the
    /// visits are of its quarter.
    pub today: NaiveDate,
}

/// A login of the demo company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUser {
    pub username: Code,
    pub display_name: String,
    /// Set for reps only: the rep row this user is.
    pub employee_no: Option<Code>,
    pub dingtalk_userid: Option<String>,
    pub role: DemoRole,
    /// The org unit the role applies to (the rep's or manager's unit; `HQ` for
    /// HQ and admin users).
    pub unit_code: Code,
}

/// The role a demo user is granted (domain spec §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DemoRole {
    Hq,
    Admin,
    RegionManager,
    ProvinceManager,
    Rep,
}

impl DemoRole {
    pub fn as_str(self) -> &'static str {
        match self {
            DemoRole::Hq => "hq",
            DemoRole::Admin => "admin",
            DemoRole::RegionManager => "region_manager",
            DemoRole::ProvinceManager => "province_manager",
            DemoRole::Rep => "rep",
        }
    }
}

/// A product line (产品线).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductLineRow {
    pub code: Code,
    pub name: String,
}

/// The whole demo company except its sales history (see [`sales`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCompany {
    pub company_name: String,
    /// Parent before child.
    pub org_units: Vec<OrgUnitRow>,
    pub reps: Vec<RepRow>,
    pub users: Vec<DemoUser>,
    pub product_lines: Vec<ProductLineRow>,
    pub customers: Vec<CustomerRow>,
    pub opportunities: Vec<OpportunityRow>,
    pub visits: Vec<VisitRow>,
}

pub const COMPANY_NAME: &str = "华康医疗器械有限公司";
pub const COMPANY_CODE: &str = "HQ";

/// Product lines: code, name, share of sales in ‰.
pub(crate) const PRODUCT_LINES: [(&str, &str, u32); 5] = [
    ("PL-IMG", "医学影像", 340),
    ("PL-IVD", "体外诊断", 300),
    ("PL-MON", "监护设备", 160),
    ("PL-SUR", "手术器械", 120),
    ("PL-REH", "康复设备", 80),
];

/// Generates the demo company for `cfg`: same config, same company.
pub fn generate(cfg: &DemoConfig) -> DemoCompany {
    let scale = u64::from(cfg.scale.max(1));
    let today = cfg.today;
    let org_units = company::org_units();
    let staff = company::reps(scale, today);
    let users = company::users(scale, &staff.reps);
    let product_lines =
        PRODUCT_LINES.iter().map(|(code, name, _)| ProductLineRow { code: code_of(code), name: (*name).to_owned() }).collect();
    let book = company::customers(scale, today, &staff);
    let opportunities = pipeline::opportunities(today, &staff, &book);
    let visits = pipeline::visits(today, &staff, &book);
    DemoCompany {
        company_name: COMPANY_NAME.to_owned(),
        org_units,
        reps: staff.reps,
        users,
        product_lines,
        customers: book.customers,
        opportunities,
        visits,
    }
}

/// Streams the sales history (3 full years before `today`'s year plus the current year to date) without holding it in memory: ≈ 14 million rows at scale 100.
///
/// Pass the `cfg` the company was generated with: each province's last full
/// year comes to its market size × `cfg.scale`, split over the province's
/// customers in `company` (one pass over them is made up front; that is all
/// that is computed ahead). Each customer's rows derive from its own stream,
/// seeded by its code, and are built when the iterator reaches it, so memory
/// stays flat.
///
/// Document numbers are `SO-{year}-{customer}{month}-{item}` for invoice lines
/// (`SO-2024-GD0001211-2`: hospital `H-GD-00012`, November 2024, second line)
/// and `CN-…` with the same number for the credit note correcting that line.
/// Rows come customer by customer (in `company.customers` order), each
/// customer's invoices in date order, a credit note right after the invoice
/// line it corrects. Every row is booked before `cfg.today`, from 1 January
/// three years before `today`'s year on.
pub fn sales<'a>(cfg: &'a DemoConfig, company: &'a DemoCompany) -> impl Iterator<Item = SalesRow> + 'a {
    let plan = sales::SalesPlan::new(cfg, company);
    company.customers.iter().enumerate().flat_map(move |(i, c)| plan.customer_rows(i, c))
}

/// A code built from ASCII text known to be valid.
pub(crate) fn code_of(text: &str) -> Code {
    match Code::parse(text) {
        Ok(c) => c,
        Err(e) => panic!("generated code {text:?} is invalid: {e}"),
    }
}

/// The first day of `d`'s quarter and the last.
pub(crate) fn quarter_of(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first_month = d.month0() / 3 * 3 + 1;
    let start = NaiveDate::from_ymd_opt(d.year(), first_month, 1).unwrap_or(d);
    let next = if first_month == 10 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), first_month + 3, 1)
    };
    (start, next.and_then(|n| n.pred_opt()).unwrap_or(d))
}

pub(crate) fn days_before(d: NaiveDate, days: i64) -> NaiveDate {
    d - chrono::TimeDelta::days(days)
}

#[cfg(test)]
mod tests;
