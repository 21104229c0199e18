//! The org tree, the reps, the users and the hospitals.

use std::ops::Range;

use cascade_api_types::{CustomerRow, HospitalGrade, OrgUnitKind, OrgUnitRow, RepRow};
use cascade_core::{CapabilityRating, ProcurementStage, RepStatus};
use chrono::NaiveDate;
use rand::seq::SliceRandom;
use rand::Rng;

use crate::geo::{apportion, province_code, region_code, PROVINCES, REGIONS};
use crate::names::{person_name, pick_weighted, rng, HospitalNamer, Stream};
use crate::{code_of, days_before, DemoRole, DemoUser, COMPANY_CODE, COMPANY_NAME};

/// Reps per province at scale 1: 4 each plus 296 by market (420 in all).
const REPS_BASE: u64 = 4;
const REPS_TOTAL: u64 = 420;
/// Hospitals per province at scale 1: 20 each plus 2,380 by market (3,000).
const HOSPITALS_BASE: u64 = 20;
const HOSPITALS_TOTAL: u64 = 3000;
/// Staff (users) per scale unit.
const STAFF_TOTAL: u64 = 650;
/// 陕西, where the seed's departed rep with three 三甲 deals worked.
pub(crate) const SHAANXI: usize = 23;

pub(crate) fn org_units() -> Vec<OrgUnitRow> {
    let hq = code_of(COMPANY_CODE);
    let mut rows =
        vec![OrgUnitRow { code: hq.clone(), name: COMPANY_NAME.to_owned(), kind: OrgUnitKind::Company, parent_code: None }];
    for (r, region) in REGIONS.iter().enumerate() {
        let rc = code_of(&region_code(region));
        rows.push(OrgUnitRow {
            code: rc.clone(),
            name: region.name.to_owned(),
            kind: OrgUnitKind::Region,
            parent_code: Some(hq.clone()),
        });
        for p in PROVINCES.iter().filter(|p| p.region == r) {
            rows.push(OrgUnitRow {
                code: code_of(&province_code(p)),
                name: p.name.to_owned(),
                kind: OrgUnitKind::Province,
                parent_code: Some(rc.clone()),
            });
        }
    }
    rows
}

fn per_province(base: u64, total: u64) -> Vec<u64> {
    let weights: Vec<u64> = PROVINCES.iter().map(|p| p.potential).collect();
    apportion(total - base * PROVINCES.len() as u64, &weights).into_iter().map(|n| n + base).collect()
}

/// The sales force: reps in province order, with each province's slice.
pub(crate) struct Staff {
    pub reps: Vec<RepRow>,
    /// Province of each rep (index into `PROVINCES`).
    pub rep_province: Vec<usize>,
    /// Each province's reps, as a range of `reps`.
    pub ranges: Vec<Range<usize>>,
    /// Active reps of each province.
    pub active: Vec<Vec<usize>>,
    /// The departed 陕西 rep of the seed's handover story.
    pub departed_star: usize,
}

pub(crate) fn reps(scale: u64, today: NaiveDate) -> Staff {
    let counts = per_province(REPS_BASE, REPS_TOTAL);
    let mut reps = Vec::with_capacity((REPS_TOTAL * scale) as usize);
    let mut rep_province = Vec::with_capacity(reps.capacity());
    let mut ranges = Vec::with_capacity(PROVINCES.len());
    let mut active = Vec::with_capacity(PROVINCES.len());
    let mut departed_star = 0;
    for (p, prov) in PROVINCES.iter().enumerate() {
        let mut r = rng(Stream::Reps, p as u64);
        let unit = code_of(&province_code(prov));
        let start = reps.len();
        let mut act = Vec::new();
        for j in 0..counts[p] * scale {
            let employee_no = code_of(&format!("E{:05}", reps.len() + 1));
            let name = person_name(&mut r);
            let star = p == SHAANXI && j == 1;
            // The first rep of each province is a settled, active senior, so
            // every province has someone to hand deals over to.
            let days_ago: i64 = if j == 0 || star {
                r.gen_range(1825..2920)
            } else if r.gen_bool(0.06) {
                r.gen_range(1..90)
            } else {
                let u = r.gen::<f64>().min(r.gen::<f64>());
                90 + (2830.0 * u) as i64
            };
            let hire_date = days_before(today, days_ago);
            let rating = if star {
                CapabilityRating::A
            } else if days_ago < 90 {
                [CapabilityRating::B, CapabilityRating::C][pick_weighted(&mut r, &[40, 60])]
            } else {
                // With the new hires mostly C, ≈ 25/50/25 overall.
                [CapabilityRating::A, CapabilityRating::B, CapabilityRating::C][pick_weighted(&mut r, &[25, 52, 23])]
            };
            let (status, status_since) = if star {
                departed_star = reps.len();
                (RepStatus::Departed, days_before(today, 3))
            } else if j > 0 && days_ago >= 180 {
                let x = r.gen::<f64>();
                if x < 0.025 {
                    (RepStatus::OnLeave, days_before(today, r.gen_range(1..=45)))
                } else if x < 0.05 {
                    (RepStatus::Departed, days_before(today, r.gen_range(1..=60)))
                } else {
                    (RepStatus::Active, hire_date)
                }
            } else {
                (RepStatus::Active, hire_date)
            };
            if status == RepStatus::Active {
                act.push(reps.len());
            }
            reps.push(RepRow {
                employee_no,
                name,
                unit_code: unit.clone(),
                rating,
                hire_date,
                status,
                status_since,
                custom: Default::default(),
            });
            rep_province.push(p);
        }
        ranges.push(start..reps.len());
        active.push(act);
    }
    Staff { reps, rep_province, ranges, active, departed_star }
}

pub(crate) fn users(scale: u64, reps: &[RepRow]) -> Vec<DemoUser> {
    let mut r = rng(Stream::Users, 0);
    let hq = code_of(COMPANY_CODE);
    let mut users = Vec::with_capacity((STAFF_TOTAL * scale) as usize);
    let mut push = |r: &mut rand_chacha::ChaCha8Rng, username: String, role: DemoRole, unit: &crate::Code| {
        users.push(DemoUser {
            dingtalk_userid: Some(format!("dt-{username}")),
            username: code_of(&username),
            display_name: person_name(r),
            employee_no: None,
            role,
            unit_code: unit.clone(),
        });
    };
    for who in ["ceo", "hrd", "salesops"] {
        push(&mut r, format!("hq.{who}"), DemoRole::Hq, &hq);
    }
    for i in 1..=2 {
        push(&mut r, format!("admin.hrbp{i}"), DemoRole::Admin, &hq);
    }
    for region in &REGIONS {
        push(&mut r, format!("rm.{}", region.key.to_ascii_lowercase()), DemoRole::RegionManager, &code_of(&region_code(region)));
    }
    for prov in &PROVINCES {
        push(&mut r, format!("pm.{}", prov.iso.to_ascii_lowercase()), DemoRole::ProvinceManager, &code_of(&province_code(prov)));
    }
    let leaders = users.len() as u64;
    for rep in reps {
        users.push(DemoUser {
            username: code_of(&format!("rep.{}", rep.employee_no.as_str().to_ascii_lowercase())),
            display_name: rep.name.clone(),
            employee_no: Some(rep.employee_no.clone()),
            dingtalk_userid: Some(format!("dt-{}", rep.employee_no)),
            role: DemoRole::Rep,
            unit_code: rep.unit_code.clone(),
        });
    }
    let others = (STAFF_TOTAL * scale).saturating_sub(leaders + reps.len() as u64);
    for i in 1..=others {
        users.push(DemoUser {
            username: code_of(&format!("staff.{i:05}")),
            display_name: person_name(&mut r),
            employee_no: None,
            dingtalk_userid: Some(format!("dt-S{i:05}")),
            role: DemoRole::Hq,
            unit_code: hq.clone(),
        });
    }
    users
}

/// The hospitals, in province order, with who owns them.
pub(crate) struct Book {
    pub customers: Vec<CustomerRow>,
    /// Owning rep of each customer (index into the reps).
    pub owner: Vec<Option<usize>>,
    /// Each province's customers, as a range of `customers`.
    pub ranges: Vec<Range<usize>>,
    /// The three 三甲 hospitals of the departed 陕西 rep.
    pub star_customers: Vec<usize>,
}

/// Grade shares in ‰ (三甲, 三乙, 二甲, 二乙, 一级, 未定级).
const GRADES_BIG: [u64; 6] = [140, 110, 270, 180, 210, 90];
const GRADES_OTHER: [u64; 6] = [85, 100, 270, 205, 240, 100];
/// Procurement stages in `ProcurementStage::ALL` order, in %.
const STAGE_WEIGHTS: [u32; 7] = [15, 22, 25, 13, 9, 12, 4];

pub(crate) fn customers(scale: u64, today: NaiveDate, staff: &Staff) -> Book {
    let counts = per_province(HOSPITALS_BASE, HOSPITALS_TOTAL);
    let mut customers = Vec::with_capacity((HOSPITALS_TOTAL * scale) as usize);
    let mut owner = Vec::with_capacity(customers.capacity());
    let mut ranges = Vec::with_capacity(PROVINCES.len());
    let mut star_customers = Vec::new();
    for (p, prov) in PROVINCES.iter().enumerate() {
        let mut r = rng(Stream::Customers, p as u64);
        let unit = code_of(&province_code(prov));
        let n = counts[p] * scale;
        let shares = if prov.big { GRADES_BIG } else { GRADES_OTHER };
        let mut grades: Vec<HospitalGrade> = apportion(n, &shares)
            .into_iter()
            .zip(HospitalGrade::ALL)
            .flat_map(|(k, g)| std::iter::repeat_n(g, k as usize))
            .collect();
        grades.shuffle(&mut r);
        // Who gets new accounts: the able and the settled more than the new.
        let reps = &staff.reps[staff.ranges[p].clone()];
        let mut cumulative = Vec::with_capacity(reps.len());
        let mut total = 0u64;
        for rep in reps {
            total += if (today - rep.hire_date).num_days() < 90 {
                4
            } else {
                match rep.rating {
                    CapabilityRating::A => 13,
                    CapabilityRating::B => 10,
                    CapabilityRating::C => 8,
                }
            };
            cumulative.push(total);
        }
        let mut city_weights: Vec<u32> = (0..prov.cities.len()).map(|i| [4, 2].get(i).copied().unwrap_or(1)).collect();
        let mut namer = HospitalNamer::default();
        let start = customers.len();
        for (j, grade) in grades.into_iter().enumerate() {
            let top = grade == HospitalGrade::Tertiary3A;
            city_weights[0] = if top { 7 } else { 4 };
            let place = prov.cities[pick_weighted(&mut r, &city_weights)];
            let city = if prov.municipality { prov.full } else { place };
            let name = namer.name(&mut r, grade, prov, place);
            let star = p == SHAANXI && top && star_customers.len() < 3;
            let owned_by = if star {
                star_customers.push(customers.len());
                Some(staff.departed_star)
            } else if total == 0 || r.gen_bool(0.01) {
                None
            } else {
                let x = r.gen_range(0..total);
                Some(staff.ranges[p].start + cumulative.partition_point(|&c| c <= x))
            };
            let stage = if star {
                ProcurementStage::ContractApproval
            } else {
                ProcurementStage::ALL[pick_weighted(&mut r, &STAGE_WEIGHTS)]
            };
            customers.push(CustomerRow {
                code: code_of(&format!("H-{}-{:05}", prov.iso, j + 1)),
                name,
                grade,
                province: prov.name.to_owned(),
                city: city.to_owned(),
                unit_code: unit.clone(),
                owner_employee_no: owned_by.map(|o| staff.reps[o].employee_no.clone()),
                stage,
                custom: Default::default(),
            });
            owner.push(owned_by);
        }
        ranges.push(start..customers.len());
    }
    Book { customers, owner, ranges, star_customers }
}
