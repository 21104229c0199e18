//! Funnel health (销售漏斗健康度, domain spec §4): a 0–100 score for a rep
//! or a unit in a period, made of named parts that the gauge shows, each
//! with its value, its healthy level and the points it brings.
//!
//! | part | value | healthy | weight |
//! | --- | --- | --- | --- |
//! | coverage | weighted open pipeline ÷ the target still to reach | 3× | 30 |
//! | conversion | this period's stage-to-stage rates ÷ the unit's trailing four quarters', averaged over the three steps | 1 | 25 |
//! | ageing | share of open deals in their stage no longer than `stuck_factor` × the unit's typical time there | 80 % | 20 |
//! | pace | achieved ÷ (target × share of the period elapsed) | 1 | 25 |
//!
//! A part earns `weight × min(value ÷ healthy, 1)` points. A part with
//! nothing to measure (no open deal, no history to compare with, no
//! target) is shown as such and left out, and the score is the points of the
//! others scaled to 100, so a new rep is not marked down for what has not
//! happened yet; coverage when the target is already reached counts in full.
//! The score is rounded half up to a whole number.

use std::collections::BTreeMap;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::scores::expected_value;
use crate::stage::FunnelStage;

/// A deal in the subject's funnel for the period: open, or paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deal {
    pub stage: FunnelStage,
    pub amount: Money,
    /// Whole days since it entered its stage.
    pub days_in_stage: u32,
}

/// Of the deals that reached a stage, how many went on to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rate {
    pub reached: u32,
    pub advanced: u32,
}

impl Rate {
    fn value(self) -> Option<Decimal> {
        (self.reached > 0).then(|| Decimal::from(self.advanced.min(self.reached)) / Decimal::from(self.reached))
    }
}

/// The three steps of the funnel, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    LeadToQuote,
    QuoteToContract,
    ContractToPayment,
}

impl Step {
    pub const ALL: [Step; 3] = [Step::LeadToQuote, Step::QuoteToContract, Step::ContractToPayment];

    /// The stage a deal waits in before this step.
    pub fn from(self) -> FunnelStage {
        match self {
            Step::LeadToQuote => FunnelStage::Lead,
            Step::QuoteToContract => FunnelStage::Quote,
            Step::ContractToPayment => FunnelStage::Contract,
        }
    }
}

/// One step's conversion now and in the unit's trailing four quarters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Conversion {
    pub now: Rate,
    pub history: Rate,
}

/// Everything the score is computed from, gathered in the caller's scope.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelFacts {
    pub target: Money,
    pub achieved: Money,
    /// The share of the period elapsed, 0 to 1.
    pub elapsed: Decimal,
    pub deals: Vec<Deal>,
    /// Stage → probability where the plan overrides the default.
    pub probabilities: BTreeMap<FunnelStage, Decimal>,
    /// Indexed like [`Step::ALL`].
    pub conversions: [Conversion; 3],
    /// The unit's typical whole days in lead, quote and contract (indexed
    /// like [`Step::ALL`] by the stage the step starts from).
    pub typical_days: [Option<u32>; 3],
    /// How many times its typical time a deal may sit in a stage before it
    /// counts as stuck.
    pub stuck_factor: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartName {
    Coverage,
    Conversion,
    Ageing,
    Pace,
}

/// What a part measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Value(Decimal),
    /// Coverage once the target is reached: nothing left to cover.
    TargetMet,
    /// Nothing to measure; the part is left out of the score.
    NoData,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub name: PartName,
    pub measure: Measure,
    pub healthy: Decimal,
    pub weight: u8,
    /// `weight × min(value ÷ healthy, 1)`, unrounded; 0 for no data.
    pub points: Decimal,
}

impl Part {
    pub fn counts(&self) -> bool {
        self.measure != Measure::NoData
    }
}

/// Count and amount of the deals at one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StageTotal {
    pub count: u64,
    pub amount_fen: i128,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Health {
    /// 0–100; `None` when no part had anything to measure.
    pub score: Option<u8>,
    /// Coverage, conversion, ageing, pace, in that order.
    pub parts: [Part; 4],
    /// Lead, quote, contract, payment, in that order.
    pub by_stage: [StageTotal; 4],
    /// The step that converts worst against its own history, with the
    /// ratio, when one converts below it.
    pub weakest: Option<(Step, Decimal)>,
}

const FUNNEL: [FunnelStage; 4] = [FunnelStage::Lead, FunnelStage::Quote, FunnelStage::Contract, FunnelStage::Payment];

fn part(name: PartName, measure: Measure, healthy: Decimal, weight: u8) -> Part {
    let share = match measure {
        Measure::Value(v) if healthy > Decimal::ZERO => (v / healthy).clamp(Decimal::ZERO, Decimal::ONE),
        Measure::Value(_) | Measure::NoData => Decimal::ZERO,
        Measure::TargetMet => Decimal::ONE,
    };
    Part { name, measure, healthy, weight, points: Decimal::from(weight) * share }
}

/// A ratio of two non-negative amounts, `None` when the divisor is zero.
fn ratio(a: i128, b: i128) -> Option<Decimal> {
    if b <= 0 {
        return None;
    }
    let a = Decimal::from_i128_with_scale(a.max(0), 0);
    a.checked_div(Decimal::from_i128_with_scale(b, 0))
}

/// The funnel's health for the facts given.
pub fn health(facts: &FunnelFacts) -> Health {
    let mut by_stage = [StageTotal::default(); 4];
    let mut weighted: i128 = 0;
    for deal in &facts.deals {
        let Some(i) = FUNNEL.iter().position(|s| *s == deal.stage) else { continue };
        by_stage[i].count += 1;
        by_stage[i].amount_fen += i128::from(deal.amount.fen());
        if deal.stage.is_open() {
            let p = facts.probabilities.get(&deal.stage).copied();
            weighted += i128::from(expected_value(deal.amount.fen(), deal.stage, p));
        }
    }

    let remaining = i128::from(facts.target.fen()) - i128::from(facts.achieved.fen());
    let coverage = if facts.target.fen() > 0 && remaining <= 0 {
        Measure::TargetMet
    } else {
        ratio(weighted, remaining).map_or(Measure::NoData, Measure::Value)
    };

    let ratios: Vec<(Step, Decimal)> = Step::ALL
        .iter()
        .zip(facts.conversions)
        .filter_map(|(step, c)| {
            let history = c.history.value().filter(|h| *h > Decimal::ZERO)?;
            Some((*step, c.now.value()? / history))
        })
        .collect();
    let conversion = match ratios.len() {
        0 => Measure::NoData,
        n => Measure::Value(ratios.iter().map(|(_, r)| *r).sum::<Decimal>() / Decimal::from(n)),
    };
    let weakest = ratios.iter().copied().filter(|(_, r)| *r < Decimal::ONE).min_by_key(|(_, r)| *r);

    let timed: Vec<bool> = facts
        .deals
        .iter()
        .filter_map(|d| {
            let i = Step::ALL.iter().position(|s| s.from() == d.stage)?;
            let typical = Decimal::from(facts.typical_days[i]?);
            Some(Decimal::from(d.days_in_stage) <= typical * facts.stuck_factor)
        })
        .collect();
    let moving = timed.iter().filter(|m| **m).count();
    let ageing = ratio(moving as i128, timed.len() as i128).map_or(Measure::NoData, Measure::Value);

    let expected = Decimal::from(facts.target.fen()) * facts.elapsed.clamp(Decimal::ZERO, Decimal::ONE);
    let pace = if expected > Decimal::ZERO {
        Decimal::from(facts.achieved.fen().max(0)).checked_div(expected).map_or(Measure::NoData, Measure::Value)
    } else {
        Measure::NoData
    };

    let parts = [
        part(PartName::Coverage, coverage, Decimal::from(3), 30),
        part(PartName::Conversion, conversion, Decimal::ONE, 25),
        part(PartName::Ageing, ageing, Decimal::new(8, 1), 20),
        part(PartName::Pace, pace, Decimal::ONE, 25),
    ];
    let weights: u32 = parts.iter().filter(|p| p.counts()).map(|p| u32::from(p.weight)).sum();
    let points: Decimal = parts.iter().map(|p| p.points).sum();
    let score = (weights > 0).then(|| {
        let scaled = (points * Decimal::from(100) / Decimal::from(weights))
            .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
        scaled.to_u8().unwrap_or(100).min(100)
    });
    Health { score, parts, by_stage, weakest }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn yuan(y: i64) -> Money {
        Money::from_fen(y * 100)
    }

    fn deal(stage: FunnelStage, y: i64, days: u32) -> Deal {
        Deal { stage, amount: yuan(y), days_in_stage: days }
    }

    fn rate(reached: u32, advanced: u32) -> Rate {
        Rate { reached, advanced }
    }

    fn facts() -> FunnelFacts {
        FunnelFacts {
            target: yuan(1_000_000),
            achieved: yuan(400_000),
            elapsed: Decimal::new(5, 1),
            deals: vec![
                deal(FunnelStage::Lead, 1_000_000, 10),
                deal(FunnelStage::Quote, 1_000_000, 20),
                deal(FunnelStage::Contract, 500_000, 90),
                deal(FunnelStage::Payment, 400_000, 0),
            ],
            probabilities: BTreeMap::new(),
            conversions: [
                Conversion { now: rate(10, 4), history: rate(100, 50) },
                Conversion { now: rate(4, 2), history: rate(50, 25) },
                Conversion { now: rate(2, 1), history: rate(25, 20) },
            ],
            typical_days: [Some(15), Some(30), Some(30)],
            stuck_factor: Decimal::from(2),
        }
    }

    fn value(p: &Part) -> Decimal {
        match p.measure {
            Measure::Value(v) => v,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_part_is_its_value_against_its_healthy_level() {
        let h = health(&facts());
        // Weighted pipeline 100k + 300k + 350k = 750k against 600k to go.
        assert_eq!(value(&h.parts[0]), Decimal::new(125, 2));
        assert_eq!(h.parts[0].points.round_dp(6), Decimal::new(125, 1), "1.25 of 3× earns 30 × 1.25 / 3");
        // Rates 0.4/0.5, 0.5/0.5, 0.5/0.8: mean (0.8 + 1 + 0.625) / 3.
        assert_eq!(value(&h.parts[1]), (Decimal::new(8, 1) + Decimal::ONE + Decimal::new(625, 3)) / Decimal::from(3));
        // The contract deal has sat 90 days against 2 × 30: one of three is stuck.
        assert_eq!(value(&h.parts[2]), Decimal::from(2) / Decimal::from(3));
        // 400k achieved against 500k expected by half-time.
        assert_eq!(value(&h.parts[3]), Decimal::new(8, 1));
        assert_eq!(h.parts[3].points, Decimal::from(20));
        // 12.5 + 20.2 + 16.7 + 20 = 69.4 of 100.
        assert_eq!(h.score, Some(69));
        assert_eq!(h.weakest, Some((Step::ContractToPayment, Decimal::new(625, 3))));
        assert_eq!(h.by_stage[2], StageTotal { count: 1, amount_fen: 50_000_000 });
        assert_eq!(h.by_stage[3], StageTotal { count: 1, amount_fen: 40_000_000 });
    }

    #[test]
    fn parts_without_data_are_left_out_and_the_rest_scaled() {
        let new_rep = FunnelFacts {
            deals: vec![],
            conversions: [Conversion::default(); 3],
            achieved: Money::ZERO,
            elapsed: Decimal::ZERO,
            ..facts()
        };
        let h = health(&new_rep);
        assert_eq!(
            h.parts.map(|p| p.measure),
            [Measure::Value(Decimal::ZERO), Measure::NoData, Measure::NoData, Measure::NoData]
        );
        assert_eq!(h.score, Some(0), "only coverage counts, and there is no pipeline");
        let nothing = FunnelFacts { target: Money::ZERO, ..new_rep };
        assert_eq!(health(&nothing).score, None);
    }

    #[test]
    fn a_reached_target_needs_no_coverage() {
        let done = FunnelFacts { achieved: yuan(1_200_000), deals: vec![], ..facts() };
        let h = health(&done);
        assert_eq!(h.parts[0].measure, Measure::TargetMet);
        assert_eq!(h.parts[0].points, Decimal::from(30));
        assert_eq!(h.parts[3].points, Decimal::from(25));
    }

    #[test]
    fn a_plans_probabilities_weigh_the_pipeline() {
        let sure = FunnelFacts { probabilities: [(FunnelStage::Lead, Decimal::ONE)].into(), ..facts() };
        assert_eq!(value(&health(&sure).parts[0]), Decimal::new(275, 2), "(1,000k + 300k + 350k) / 600k");
    }

    fn any_facts() -> impl Strategy<Value = FunnelFacts> {
        let stage = proptest::sample::select(FUNNEL.to_vec());
        let deal = (stage, 0i64..10_000_000_000, 0u32..400).prop_map(|(stage, fen, days)| Deal {
            stage,
            amount: Money::from_fen(fen),
            days_in_stage: days,
        });
        let rate = (0u32..50, 0u32..60).prop_map(|(reached, advanced)| Rate { reached, advanced });
        let conversion = (rate.clone(), rate).prop_map(|(now, history)| Conversion { now, history });
        (
            0i64..100_000_000_000,
            0i64..100_000_000_000,
            0u32..=100,
            prop::collection::vec(deal, 0..30),
            [conversion.clone(), conversion.clone(), conversion],
            [prop::option::of(1u32..90), prop::option::of(1u32..90), prop::option::of(1u32..90)],
            1u32..5,
        )
            .prop_map(|(target, achieved, elapsed, deals, conversions, typical_days, factor)| FunnelFacts {
                target: Money::from_fen(target),
                achieved: Money::from_fen(achieved),
                elapsed: Decimal::new(i64::from(elapsed), 2),
                deals,
                probabilities: BTreeMap::new(),
                conversions,
                typical_days,
                stuck_factor: Decimal::from(factor),
            })
    }

    proptest! {
        #[test]
        fn the_score_is_its_parts_scaled_and_within_bounds(f in any_facts()) {
            let h = health(&f);
            for p in h.parts {
                prop_assert!(p.points >= Decimal::ZERO && p.points <= Decimal::from(p.weight), "{:?}", p);
            }
            let counted: Vec<&Part> = h.parts.iter().filter(|p| p.counts()).collect();
            prop_assert_eq!(h.score.is_some(), !counted.is_empty());
            if let Some(score) = h.score {
                prop_assert!(score <= 100);
                let weights: u32 = counted.iter().map(|p| u32::from(p.weight)).sum();
                let exact: Decimal = counted.iter().map(|p| p.points).sum::<Decimal>() * Decimal::from(100) / Decimal::from(weights);
                prop_assert!((Decimal::from(score) - exact).abs() <= Decimal::new(5, 1));
            }
            let deals: u64 = h.by_stage.iter().map(|s| s.count).sum();
            prop_assert_eq!(deals, f.deals.iter().filter(|d| FUNNEL.contains(&d.stage)).count() as u64);
        }

        #[test]
        fn more_achieved_never_lowers_pace(f in any_facts(), more in 0i64..1_000_000_000) {
            let ahead = FunnelFacts { achieved: Money::from_fen(f.achieved.fen() + more), ..f.clone() };
            prop_assert!(health(&ahead).parts[3].points >= health(&f).parts[3].points);
            prop_assert!(health(&ahead).parts[0].points >= health(&f).parts[0].points);
        }

        #[test]
        fn a_longer_wait_never_helps_ageing(f in any_facts(), i in 0usize..30, more in 0u32..200) {
            let mut older = f.clone();
            if let Some(d) = older.deals.get_mut(i) {
                d.days_in_stage += more;
            }
            prop_assert!(health(&older).parts[2].points <= health(&f).parts[2].points);
        }
    }
}
