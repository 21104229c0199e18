//! Anomaly alerts (异常波动提醒, domain spec §4): each rule reads facts and
//! returns findings, each with a subject, a severity, its evidence and a
//! suggested action in words. Whether a finding opens, keeps or reopens an
//! alert is the store's business (one open alert per rule and subject); the
//! rules only say what holds today.
//!
//! Adding a rule is one function here, one entry in [`Rule`] and its test.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::explain::{yuan, Lang};
use crate::money::Money;
use crate::stage::{vocabulary, FunnelStage, RepStatus, StageError};
use crate::tracking::heat::{Heat, HeatReason};

vocabulary!(
    /// The five rules of §4.
    Rule {
        NoNewCustomerVisits => "no_new_customer_visits",
        HandoverRisk => "handover_risk",
        StuckDeal => "stuck_deal",
        PaceBehind => "pace_behind",
        TurnedRed => "turned_red",
    }
);

vocabulary!(
    /// How urgent a finding is.
    Severity { Info => "info", Warning => "warning", Critical => "critical" }
);

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    Rep(i64),
    Unit(i64),
    Opportunity(i64),
    Customer(i64),
}

/// The settings an admin tunes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertSettings {
    /// How many whole ISO weeks in a row without a new-customer visit.
    pub quiet_weeks: u8,
    /// How many times the unit's typical time in a stage makes a deal stuck.
    pub stuck_factor: Decimal,
    /// How far behind the expected share of its target a unit may fall, in
    /// percentage points, before it is told.
    pub pace_margin_points: Decimal,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings { quiet_weeks: 2, stuck_factor: Decimal::from(2), pace_margin_points: Decimal::from(10) }
    }
}

/// A deal named in evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealRef {
    pub id: i64,
    pub name: String,
    pub customer: String,
    pub stage: FunnelStage,
    pub amount: Money,
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub subject: Subject,
    pub severity: Severity,
    pub evidence: Evidence,
}

/// What a finding rests on; its words say what happened and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    QuietWeeks { rep: String, weeks: Vec<String>, last_new_visit: Option<NaiveDate> },
    Handover { rep: String, status: RepStatus, deals: Vec<DealRef>, to: Option<String> },
    Stuck { deal: DealRef, days: u32, typical_days: u32 },
    Pace { unit: String, target: Money, achieved: Money, expected: Money, behind_points: Decimal },
    TurnedRed { customer: String, reasons: Vec<HeatReason> },
}

/// `2026-W48`, the ISO week a day falls in.
fn week_label(day: NaiveDate) -> String {
    let w = day.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

fn points(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero).normalize()
}

impl Evidence {
    /// What happened, in one sentence.
    pub fn summary(&self, lang: Lang) -> String {
        match (self, lang) {
            (Evidence::QuietWeeks { rep, weeks, .. }, Lang::Zh) => format!("{rep} 在 {} 没有拜访新客户", weeks.join("、")),
            (Evidence::QuietWeeks { rep, weeks, .. }, Lang::En) => {
                format!("{rep} made no new-customer visit in {}", weeks.join(", "))
            }
            (Evidence::Handover { rep, status, deals, .. }, Lang::Zh) => {
                let state = if *status == RepStatus::Departed { "已离职" } else { "休假中" };
                format!("{rep}{state}，仍负责 {} 个合同阶段及以后的商机", deals.len())
            }
            (Evidence::Handover { rep, status, deals, .. }, Lang::En) => {
                let state = if *status == RepStatus::Departed { "has left" } else { "is on leave" };
                format!("{rep} {state} and still holds {} deals at contract or later", deals.len())
            }
            (Evidence::Stuck { deal, days, typical_days }, Lang::Zh) => {
                format!("{}（{}）在当前阶段已停留 {days} 天，本单位通常 {typical_days} 天", deal.name, deal.customer)
            }
            (Evidence::Stuck { deal, days, typical_days }, Lang::En) => {
                format!("{} ({}) has sat {days} days in its stage; the unit's usual is {typical_days}", deal.name, deal.customer)
            }
            (Evidence::Pace { unit, achieved, expected, behind_points, .. }, Lang::Zh) => format!(
                "{unit} 已完成 {}，按进度应完成 {}，落后 {} 个百分点",
                yuan(achieved.fen()),
                yuan(expected.fen()),
                points(*behind_points)
            ),
            (Evidence::Pace { unit, achieved, expected, behind_points, .. }, Lang::En) => format!(
                "{unit} has achieved {} against {} expected by now, {} points behind",
                yuan(achieved.fen()),
                yuan(expected.fen()),
                points(*behind_points)
            ),
            (Evidence::TurnedRed { customer, reasons }, lang) => {
                let why: Vec<String> = reasons.iter().map(|r| r.words(lang)).collect();
                match lang {
                    Lang::Zh => format!("{customer} 变红：{}", why.join("、")),
                    Lang::En => format!("{customer} turned red: {}", why.join(", ")),
                }
            }
        }
    }

    /// What to do about it this week.
    pub fn action(&self, lang: Lang) -> String {
        match (self, lang) {
            (Evidence::QuietWeeks { rep, .. }, Lang::Zh) => format!("与 {rep} 一起排定本周的新客户拜访"),
            (Evidence::QuietWeeks { rep, .. }, Lang::En) => format!("Plan this week's new-customer visits with {rep}"),
            (Evidence::Handover { deals, to: Some(to), .. }, Lang::Zh) => {
                format!("将 {} 家合同阶段医院移交给 {to}", customers(deals))
            }
            (Evidence::Handover { deals, to: Some(to), .. }, Lang::En) => {
                format!("Hand the {} contract-stage hospitals over to {to}", customers(deals))
            }
            (Evidence::Handover { deals, to: None, .. }, Lang::Zh) => {
                format!("本单位没有在岗销售代表：请上级指定 {} 家合同阶段医院的接手人", customers(deals))
            }
            (Evidence::Handover { deals, to: None, .. }, Lang::En) => {
                format!(
                    "No active rep in the unit: ask the manager above to name who takes the {} contract-stage hospitals",
                    customers(deals)
                )
            }
            (Evidence::Stuck { deal, .. }, Lang::Zh) => format!("本周与{}确认卡点，必要时请区域经理协助推进", deal.customer),
            (Evidence::Stuck { deal, .. }, Lang::En) => {
                format!("Find out this week what holds {} up; bring in the regional manager if needed", deal.customer)
            }
            (Evidence::Pace { target, achieved, .. }, Lang::Zh) => {
                format!("距目标还差 {}：优先推进合同阶段商机，复核本季度预计成交", yuan(target.fen() - achieved.fen()))
            }
            (Evidence::Pace { target, achieved, .. }, Lang::En) => format!(
                "{} to go: push the contract-stage deals first and review this quarter's expected closes",
                yuan(target.fen() - achieved.fen())
            ),
            (Evidence::TurnedRed { customer, reasons }, Lang::Zh) => match reasons.first() {
                Some(HeatReason::OwnerDeparted | HeatReason::OwnerOnLeave | HeatReason::NoOwner) => {
                    format!("为{customer}指定在岗负责人")
                }
                Some(HeatReason::SlippedOutOfPeriod) => format!("与{customer}重新确认成交时间，调整本季度预测"),
                _ => format!("本周安排拜访{customer}，推进到下一阶段"),
            },
            (Evidence::TurnedRed { customer, reasons }, Lang::En) => match reasons.first() {
                Some(HeatReason::OwnerDeparted | HeatReason::OwnerOnLeave | HeatReason::NoOwner) => {
                    format!("Give {customer} an active owner")
                }
                Some(HeatReason::SlippedOutOfPeriod) => {
                    format!("Re-confirm the close with {customer} and adjust this quarter's forecast")
                }
                _ => format!("Visit {customer} this week and move it to the next stage"),
            },
        }
    }
}

/// How many distinct customers the deals are with.
fn customers(deals: &[DealRef]) -> usize {
    let mut names: Vec<&str> = deals.iter().map(|d| d.customer.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.len()
}

/// A rep as the visit and handover rules see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepFacts {
    pub id: i64,
    pub name: String,
    pub status: RepStatus,
    pub hire_date: NaiveDate,
    /// Days of the rep's visits to customers they had not visited before.
    pub new_customer_visits: Vec<NaiveDate>,
}

/// A rep with no new-customer visit in the last `quiet_weeks` whole ISO
/// weeks before this one. Reps not active, or hired after those weeks
/// began, are not asked.
pub fn no_new_customer_visits(rep: &RepFacts, today: NaiveDate, settings: AlertSettings) -> Option<Finding> {
    let weeks = i64::from(settings.quiet_weeks.max(1));
    let this_monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let first = this_monday - Duration::weeks(weeks);
    if rep.status != RepStatus::Active || rep.hire_date > first {
        return None;
    }
    if rep.new_customer_visits.iter().any(|d| *d >= first && *d < this_monday) {
        return None;
    }
    let labels = (0..weeks).map(|i| week_label(first + Duration::weeks(i))).collect();
    let last_new_visit = rep.new_customer_visits.iter().filter(|d| **d < first).max().copied();
    Some(Finding {
        rule: Rule::NoNewCustomerVisits,
        subject: Subject::Rep(rep.id),
        severity: Severity::Warning,
        evidence: Evidence::QuietWeeks { rep: rep.name.clone(), weeks: labels, last_new_visit },
    })
}

/// A rep departing or on leave who holds open deals at contract or later
/// (`payment` is paid, so the open ones are at `contract`);
/// the suggested receiver is the active rep of the same unit with the
/// fewest open deals (`colleagues`: id, name, open deals).
pub fn handover_risk(rep: &RepFacts, deals: &[DealRef], colleagues: &[(i64, String, u32)]) -> Option<Finding> {
    if rep.status == RepStatus::Active {
        return None;
    }
    let late: Vec<DealRef> = deals.iter().filter(|d| d.stage == FunnelStage::Contract).cloned().collect();
    if late.is_empty() {
        return None;
    }
    let to = colleagues
        .iter()
        .filter(|(id, _, _)| *id != rep.id)
        .min_by_key(|(id, _, open)| (*open, *id))
        .map(|(_, name, _)| name.clone());
    Some(Finding {
        rule: Rule::HandoverRisk,
        subject: Subject::Rep(rep.id),
        severity: Severity::Critical,
        evidence: Evidence::Handover { rep: rep.name.clone(), status: rep.status, deals: late, to },
    })
}

/// An open deal that has sat in its stage longer than `stuck_factor` times
/// the unit's typical time there; critical at twice that.
pub fn stuck_deal(deal: &DealRef, days_in_stage: u32, typical_days: Option<u32>, settings: AlertSettings) -> Option<Finding> {
    let typical = typical_days.filter(|t| *t > 0)?;
    if !deal.stage.is_open() {
        return None;
    }
    let limit = Decimal::from(typical) * settings.stuck_factor;
    let days = Decimal::from(days_in_stage);
    if days <= limit {
        return None;
    }
    let severity = if days > limit * Decimal::from(2) { Severity::Critical } else { Severity::Warning };
    Some(Finding {
        rule: Rule::StuckDeal,
        subject: Subject::Opportunity(deal.id),
        severity,
        evidence: Evidence::Stuck { deal: deal.clone(), days: days_in_stage, typical_days: typical },
    })
}

/// A unit whose achieved share of its target trails the share of the
/// period elapsed by more than the margin; critical at twice the margin.
pub fn pace_behind(
    unit: (i64, &str),
    target: Money,
    achieved: Money,
    elapsed: Decimal,
    settings: AlertSettings,
) -> Option<Finding> {
    if target.fen() <= 0 {
        return None;
    }
    let elapsed = elapsed.clamp(Decimal::ZERO, Decimal::ONE);
    let hundred = Decimal::from(100);
    let achieved_share = Decimal::from(achieved.fen().max(0)) / Decimal::from(target.fen()) * hundred;
    let behind = elapsed * hundred - achieved_share;
    if behind <= settings.pace_margin_points {
        return None;
    }
    let expected = (Decimal::from(target.fen()) * elapsed).round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    let expected = Money::from_fen(rust_decimal::prelude::ToPrimitive::to_i64(&expected).unwrap_or(target.fen()));
    let severity = if behind > settings.pace_margin_points * Decimal::from(2) { Severity::Critical } else { Severity::Warning };
    Some(Finding {
        rule: Rule::PaceBehind,
        subject: Subject::Unit(unit.0),
        severity,
        evidence: Evidence::Pace { unit: unit.1.to_string(), target, achieved, expected, behind_points: behind },
    })
}

/// A customer that is red now and was not at the last evaluation.
pub fn turned_red(customer: (i64, &str), before: Option<Heat>, now: Heat, reasons: &[HeatReason]) -> Option<Finding> {
    if now != Heat::Red || before == Some(Heat::Red) {
        return None;
    }
    Some(Finding {
        rule: Rule::TurnedRed,
        subject: Subject::Customer(customer.0),
        severity: Severity::Warning,
        evidence: Evidence::TurnedRed { customer: customer.1.to_string(), reasons: reasons.to_vec() },
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn rep(status: RepStatus, visits: &[&str]) -> RepFacts {
        RepFacts {
            id: 7,
            name: "袁丹家".into(),
            status,
            hire_date: day("2024-03-01"),
            new_customer_visits: visits.iter().map(|d| day(d)).collect(),
        }
    }

    fn deal(id: i64, customer: &str, stage: FunnelStage) -> DealRef {
        DealRef {
            id,
            name: format!("{customer} 设备采购"),
            customer: customer.into(),
            stage,
            amount: Money::from_fen(120_000_000),
        }
    }

    #[test]
    fn two_quiet_iso_weeks_raise_the_visit_alert() {
        // Friday 2026-12-04 is in W49; the two whole weeks before are W47 and W48.
        let today = day("2026-12-04");
        let f = no_new_customer_visits(&rep(RepStatus::Active, &["2026-11-13"]), today, AlertSettings::default()).unwrap();
        assert_eq!(f.subject, Subject::Rep(7));
        assert_eq!(
            f.evidence,
            Evidence::QuietWeeks {
                rep: "袁丹家".into(),
                weeks: vec!["2026-W47".into(), "2026-W48".into()],
                last_new_visit: Some(day("2026-11-13"))
            }
        );
        assert_eq!(f.evidence.summary(Lang::Zh), "袁丹家 在 2026-W47、2026-W48 没有拜访新客户");
        assert!(
            no_new_customer_visits(&rep(RepStatus::Active, &["2026-11-16"]), today, AlertSettings::default()).is_none(),
            "Monday of W47"
        );
        assert!(
            no_new_customer_visits(&rep(RepStatus::Active, &["2026-11-29"]), today, AlertSettings::default()).is_none(),
            "Sunday of W48"
        );
        assert!(
            no_new_customer_visits(&rep(RepStatus::Active, &["2026-11-30"]), today, AlertSettings::default()).is_some(),
            "this week does not count yet"
        );
        assert!(no_new_customer_visits(&rep(RepStatus::Departed, &[]), today, AlertSettings::default()).is_none());
        let new_hire = RepFacts { hire_date: day("2026-11-17"), ..rep(RepStatus::Active, &[]) };
        assert!(no_new_customer_visits(&new_hire, today, AlertSettings::default()).is_none());
        let year_end = no_new_customer_visits(&rep(RepStatus::Active, &[]), day("2027-01-06"), AlertSettings::default()).unwrap();
        assert!(matches!(year_end.evidence, Evidence::QuietWeeks { ref weeks, .. } if weeks == &["2026-W52", "2026-W53"]));
    }

    #[test]
    fn the_seeds_departure_names_the_hospitals_and_who_takes_them() {
        let deals = [
            deal(1, "西安市第一医院", FunnelStage::Contract),
            deal(2, "兰州大学第二医院", FunnelStage::Contract),
            deal(3, "宁夏医科大学总医院", FunnelStage::Contract),
            deal(4, "西安市第一医院", FunnelStage::Quote),
            deal(5, "西安市中心医院", FunnelStage::Payment),
        ];
        let colleagues = [(8, "彭睿斌".to_string(), 5), (9, "毛英波".to_string(), 2), (7, "袁丹家".to_string(), 0)];
        let f = handover_risk(&rep(RepStatus::Departed, &[]), &deals, &colleagues).unwrap();
        assert_eq!(f.severity, Severity::Critical);
        assert_eq!(f.evidence.summary(Lang::Zh), "袁丹家已离职，仍负责 3 个合同阶段及以后的商机");
        assert_eq!(f.evidence.action(Lang::Zh), "将 3 家合同阶段医院移交给 毛英波");
        assert_eq!(f.evidence.action(Lang::En), "Hand the 3 contract-stage hospitals over to 毛英波");
        let alone = handover_risk(&rep(RepStatus::OnLeave, &[]), &deals, &[]).unwrap();
        assert!(alone.evidence.action(Lang::Zh).starts_with("本单位没有在岗销售代表"));
        assert!(handover_risk(&rep(RepStatus::Active, &[]), &deals, &colleagues).is_none());
        assert!(
            handover_risk(&rep(RepStatus::Departed, &[]), &deals[3..], &colleagues).is_none(),
            "a quote or a paid deal is no handover risk"
        );
    }

    #[test]
    fn a_deal_is_stuck_past_its_units_typical_time() {
        let d = deal(5, "湖南省人民医院", FunnelStage::Contract);
        let s = AlertSettings::default();
        assert!(stuck_deal(&d, 60, Some(30), s).is_none());
        assert_eq!(stuck_deal(&d, 61, Some(30), s).map(|f| f.severity), Some(Severity::Warning));
        assert_eq!(stuck_deal(&d, 121, Some(30), s).map(|f| f.severity), Some(Severity::Critical));
        assert!(stuck_deal(&d, 500, None, s).is_none(), "no typical time, no comparison");
        let f = stuck_deal(&d, 95, Some(30), s).unwrap();
        assert_eq!(
            f.evidence.summary(Lang::Zh),
            "湖南省人民医院 设备采购（湖南省人民医院）在当前阶段已停留 95 天，本单位通常 30 天"
        );
        assert!(stuck_deal(&deal(5, "x", FunnelStage::Payment), 500, Some(30), s).is_none());
    }

    #[test]
    fn a_unit_behind_its_pace_by_more_than_the_margin() {
        let s = AlertSettings::default();
        let target = Money::from_fen(100_000_000);
        let half = Decimal::new(5, 1);
        assert!(
            pace_behind((3, "华南"), target, Money::from_fen(40_000_000), half, s).is_none(),
            "10 points behind is the margin"
        );
        let f = pace_behind((3, "华南"), target, Money::from_fen(39_000_000), half, s).unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.evidence.summary(Lang::Zh), "华南 已完成 ¥390,000.00，按进度应完成 ¥500,000.00，落后 11 个百分点");
        assert_eq!(f.evidence.action(Lang::Zh), "距目标还差 ¥610,000.00：优先推进合同阶段商机，复核本季度预计成交");
        assert_eq!(pace_behind((3, "华南"), target, Money::ZERO, half, s).map(|f| f.severity), Some(Severity::Critical));
        assert!(pace_behind((3, "华南"), Money::ZERO, Money::ZERO, half, s).is_none());
    }

    #[test]
    fn only_a_change_to_red_is_told() {
        let why = [HeatReason::OwnerDeparted, HeatReason::Idle { days: 47 }];
        let f = turned_red((11, "西安市第一医院"), Some(Heat::Yellow), Heat::Red, &why).unwrap();
        assert_eq!(f.evidence.summary(Lang::Zh), "西安市第一医院 变红：负责人已离职、47 天未推进");
        assert_eq!(f.evidence.action(Lang::Zh), "为西安市第一医院指定在岗负责人");
        assert!(turned_red((11, "x"), Some(Heat::Red), Heat::Red, &why).is_none());
        assert!(turned_red((11, "x"), None, Heat::Yellow, &why).is_none());
        assert!(turned_red((11, "x"), None, Heat::Red, &why).is_some());
    }

    #[test]
    fn every_rule_and_severity_has_its_word() {
        assert_eq!(Rule::ALL.len(), 5);
        assert_eq!(Rule::parse("handover_risk"), Ok(Rule::HandoverRisk));
        assert!(Severity::Critical > Severity::Warning && Severity::Warning > Severity::Info);
        assert_eq!(serde_json::to_value(Subject::Rep(7)).unwrap(), serde_json::json!({"kind": "rep", "id": 7}));
    }

    proptest! {
        #[test]
        fn falling_further_behind_never_calms_a_unit(achieved in 0i64..2_000_000_000, less in 0i64..2_000_000_000, elapsed in 0u32..=100) {
            let s = AlertSettings::default();
            let target = Money::from_fen(1_000_000_000);
            let elapsed = Decimal::new(i64::from(elapsed), 2);
            let now = pace_behind((1, "u"), target, Money::from_fen(achieved), elapsed, s).map(|f| f.severity);
            let worse = pace_behind((1, "u"), target, Money::from_fen((achieved - less).max(0)), elapsed, s).map(|f| f.severity);
            prop_assert!(worse >= now);
        }

        #[test]
        fn a_longer_wait_never_calms_a_deal(days in 0u32..1000, more in 0u32..1000, typical in 1u32..100) {
            let d = DealRef { id: 1, name: "d".into(), customer: "c".into(), stage: FunnelStage::Quote, amount: Money::ZERO };
            let s = AlertSettings::default();
            let sev = |n| stuck_deal(&d, n, Some(typical), s).map(|f| f.severity);
            prop_assert!(sev(days + more) >= sev(days));
        }
    }
}
