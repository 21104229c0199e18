//! The three-factor split of a parent's target over its children (domain
//! spec §2): scores → shares → weighted composite → largest-remainder
//! rounding to the plan's unit, so the children sum to exactly the parent,
//! with every line's explanation. Pure and deterministic: the same inputs
//! give the same output in any order.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What one child brings to the split. Money is in fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildInput {
    /// Stable identity: the last tie-break, and how lines are reported.
    pub id: i64,
    /// Booked revenue of the same period one, two and three years ago, in
    /// fen; negative years count as zero.
    pub history: [i64; 3],
    /// Σ amount × stage probability of open opportunities closing in the
    /// period, in fen.
    pub pipeline: i64,
    /// Σ capability weight of the child's active reps.
    pub staffing: Decimal,
    /// HQ's promotion-plan points for the child.
    pub priority: Decimal,
}

/// Factor weights in percent; each ≥ 0, summing to exactly 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    pub market: Decimal,
    pub staffing: Decimal,
    pub priority: Decimal,
}

impl Weights {
    /// 50 / 30 / 20 (domain spec §2).
    pub fn standard() -> Weights {
        Weights { market: Decimal::from(50), staffing: Decimal::from(30), priority: Decimal::from(20) }
    }
}

/// How a plan splits its total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitRule {
    pub weights: Weights,
    /// Share of history inside market potential, in percent (default 60; the
    /// rest is pipeline).
    pub history_percent: Decimal,
    /// Rounding unit in fen (default 100 yuan = 10,000 fen).
    pub unit: i64,
}

impl Default for SplitRule {
    fn default() -> Self {
        SplitRule { weights: Weights::standard(), history_percent: Decimal::from(60), unit: 10_000 }
    }
}

/// Why a split cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    #[error("weights must each be at least 0 and sum to exactly 100 % (they sum to {0} %)")]
    Weights(Decimal),
    #[error("the history share of market potential must be between 0 and 100 % (got {0} %)")]
    HistoryPercent(Decimal),
    #[error("the rounding unit must be positive (got {0} fen)")]
    Unit(i64),
    #[error("the total {total} fen is not a non-negative multiple of the rounding unit {unit} fen")]
    Total { total: i64, unit: i64 },
    #[error("there is nothing to split over: no children")]
    NoChildren,
    #[error("child {0} appears more than once")]
    DuplicateChild(i64),
    #[error("child {0} has a negative staffing or priority score")]
    NegativeScore(i64),
}

/// One child's suggestion and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub id: i64,
    /// Recency-weighted history (3:2:1), in fen.
    pub history_score: Decimal,
    pub pipeline_score: Decimal,
    /// Shares of the siblings' totals, each in [0, 1].
    pub history_share: Decimal,
    pub pipeline_share: Decimal,
    pub market_share: Decimal,
    pub staffing_share: Decimal,
    pub priority_share: Decimal,
    /// Σ weight × share with the weights actually used; the children's
    /// composites sum to 1.
    pub composite: Decimal,
    /// The suggested target, in fen: a multiple of the unit.
    pub suggested: i64,
}

/// The split and what it did with factors that told nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// In the order the children were given.
    pub lines: Vec<Line>,
    /// The weights after spreading the weight of all-zero factors over the
    /// others (percent); all zero means the split is even.
    pub weights_used: Weights,
    /// History's part of market potential after the same renormalisation.
    pub history_percent_used: Decimal,
    /// Factors whose scores were all zero for these siblings.
    pub ignored: Vec<Factor>,
    /// Every factor was all zero: the total was split evenly.
    pub even: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    History,
    Pipeline,
    Market,
    Staffing,
    Priority,
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Recency weights of the last three years, heaviest first.
const RECENCY: [i64; 3] = [3, 2, 1];

fn history_score(h: &[i64; 3]) -> Decimal {
    let sum: Decimal = h.iter().zip(RECENCY).map(|(v, w)| Decimal::from((*v).max(0)) * Decimal::from(w)).sum();
    sum / Decimal::from(RECENCY.iter().sum::<i64>())
}

/// Each score's share of the total; `None` when every score is zero.
fn shares(scores: &[Decimal]) -> Option<Vec<Decimal>> {
    let total: Decimal = scores.iter().sum();
    (total > Decimal::ZERO).then(|| scores.iter().map(|s| *s / total).collect())
}

/// Splits `total` fen over `children` by `rule`.
pub fn split(total: i64, rule: &SplitRule, children: &[ChildInput]) -> Result<Split, SplitError> {
    let w = rule.weights;
    let parts = [w.market, w.staffing, w.priority];
    let sum: Decimal = parts.iter().sum();
    if parts.iter().any(|p| p.is_sign_negative()) || sum != HUNDRED {
        return Err(SplitError::Weights(sum));
    }
    if rule.history_percent.is_sign_negative() || rule.history_percent > HUNDRED {
        return Err(SplitError::HistoryPercent(rule.history_percent));
    }
    if rule.unit <= 0 {
        return Err(SplitError::Unit(rule.unit));
    }
    if total < 0 || total % rule.unit != 0 {
        return Err(SplitError::Total { total, unit: rule.unit });
    }
    if children.is_empty() {
        return Err(SplitError::NoChildren);
    }
    let mut ids: Vec<i64> = children.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    if let Some(d) = ids.windows(2).find(|p| p[0] == p[1]) {
        return Err(SplitError::DuplicateChild(d[0]));
    }
    if let Some(c) = children.iter().find(|c| c.staffing.is_sign_negative() || c.priority.is_sign_negative()) {
        return Err(SplitError::NegativeScore(c.id));
    }

    let hist: Vec<Decimal> = children.iter().map(|c| history_score(&c.history)).collect();
    let pipe: Vec<Decimal> = children.iter().map(|c| Decimal::from(c.pipeline.max(0))).collect();
    let mut ignored = Vec::new();
    let hist_shares = shares(&hist);
    let pipe_shares = shares(&pipe);
    // Inside market potential: a side with no data hands its part to the other.
    let history_percent_used = match (&hist_shares, &pipe_shares) {
        (Some(_), Some(_)) => rule.history_percent,
        (Some(_), None) => HUNDRED,
        (None, Some(_)) => Decimal::ZERO,
        (None, None) => rule.history_percent,
    };
    if hist_shares.is_none() {
        ignored.push(Factor::History);
    }
    if pipe_shares.is_none() {
        ignored.push(Factor::Pipeline);
    }
    let has_market = hist_shares.is_some() || pipe_shares.is_some();
    let n = children.len();
    let zeros = vec![Decimal::ZERO; n];
    let hs = hist_shares.unwrap_or_else(|| zeros.clone());
    let ps = pipe_shares.unwrap_or_else(|| zeros.clone());
    let market: Option<Vec<Decimal>> = has_market.then(|| {
        hs.iter().zip(&ps).map(|(h, p)| (*h * history_percent_used + *p * (HUNDRED - history_percent_used)) / HUNDRED).collect()
    });
    let staffing = shares(&children.iter().map(|c| c.staffing).collect::<Vec<_>>());
    let priority = shares(&children.iter().map(|c| c.priority).collect::<Vec<_>>());
    let factors = [
        (Factor::Market, &market, w.market),
        (Factor::Staffing, &staffing, w.staffing),
        (Factor::Priority, &priority, w.priority),
    ];
    for (f, s, _) in &factors {
        if s.is_none() {
            ignored.push(*f);
        }
    }
    // The weight of an all-zero factor goes to the others in proportion.
    let live: Decimal = factors.iter().filter(|(_, s, _)| s.is_some()).map(|(_, _, w)| *w).sum();
    let used = |s: &Option<Vec<Decimal>>, w: Decimal| {
        if s.is_some() && live > Decimal::ZERO {
            w * HUNDRED / live
        } else {
            Decimal::ZERO
        }
    };
    let weights_used =
        Weights { market: used(&market, w.market), staffing: used(&staffing, w.staffing), priority: used(&priority, w.priority) };
    let even = live == Decimal::ZERO;
    let even_share = Decimal::ONE / Decimal::from(n as i64);
    let at = |s: &Option<Vec<Decimal>>, i: usize| s.as_ref().map_or(Decimal::ZERO, |v| v[i]);
    let composites: Vec<Decimal> = (0..n)
        .map(|i| {
            if even {
                even_share
            } else {
                (at(&market, i) * weights_used.market
                    + at(&staffing, i) * weights_used.staffing
                    + at(&priority, i) * weights_used.priority)
                    / HUNDRED
            }
        })
        .collect();
    let ids: Vec<i64> = children.iter().map(|c| c.id).collect();
    let units = largest_remainder(total / rule.unit, &composites, &ids);
    let lines = (0..n)
        .map(|i| Line {
            id: children[i].id,
            history_score: hist[i],
            pipeline_score: pipe[i],
            history_share: hs[i],
            pipeline_share: ps[i],
            market_share: at(&market, i),
            staffing_share: at(&staffing, i),
            priority_share: at(&priority, i),
            composite: composites[i],
            suggested: units[i] * rule.unit,
        })
        .collect();
    Ok(Split { lines, weights_used, history_percent_used, ignored, even })
}

/// Whole units per child summing to exactly `units`: each child's quota
/// `units × composite` rounded down, then the units left over go one each
/// to the largest remainders (ties: larger composite, then smaller id).
/// Composites are decimals and may miss 1 by rounding noise, so a total
/// that overshoots takes units back from the smallest remainders.
pub(crate) fn largest_remainder(units: i64, composites: &[Decimal], ids: &[i64]) -> Vec<i64> {
    let total = Decimal::from(units);
    let quotas: Vec<Decimal> = composites.iter().map(|c| total * *c).collect();
    // Quotas lie in [0, units], so they fit an i64.
    let mut out: Vec<i64> = quotas.iter().map(|q| q.floor().to_i64().unwrap_or(0)).collect();
    let rem: Vec<Decimal> = quotas.iter().zip(&out).map(|(q, f)| *q - Decimal::from(*f)).collect();
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|&a, &b| rem[b].cmp(&rem[a]).then(composites[b].cmp(&composites[a])).then(ids[a].cmp(&ids[b])));
    let mut left = units - out.iter().sum::<i64>();
    let mut i = 0;
    while left > 0 {
        out[order[i % order.len()]] += 1;
        left -= 1;
        i += 1;
    }
    let mut j = order.len();
    while left < 0 {
        j = if j == 0 { order.len() - 1 } else { j - 1 };
        if out[order[j]] > 0 {
            out[order[j]] -= 1;
            left += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn child(id: i64, history: [i64; 3], pipeline: i64, staffing: i64, priority: i64) -> ChildInput {
        ChildInput { id, history, pipeline, staffing: Decimal::from(staffing), priority: Decimal::from(priority) }
    }

    /// The seed's 华南 region: Guangdong holds 40 % of the potential.
    #[test]
    fn guangdong_gets_the_biggest_share_and_totals_hold() {
        let provinces = [
            child(1, [16_000, 14_000, 12_000], 5_000, 12, 1),
            child(2, [8_000, 7_000, 6_000], 2_000, 8, 1),
            child(3, [6_000, 6_000, 5_000], 1_000, 6, 1),
            child(4, [6_000, 5_000, 5_000], 1_500, 5, 1),
            child(5, [4_000, 4_000, 4_000], 500, 4, 1),
        ];
        let total = 3_000_000_000; // 30 M yuan in fen
        let s = split(total, &SplitRule::default(), &provinces).unwrap();
        assert_eq!(s.lines.iter().map(|l| l.suggested).sum::<i64>(), total);
        assert!(s.lines.iter().all(|l| l.suggested % 10_000 == 0));
        let gd = s.lines[0].suggested;
        assert!(s.lines[1..].iter().all(|l| l.suggested < gd));
        assert!(gd > total / 5, "more than the even split the seed's managers made");
        assert!(!s.even && s.ignored.is_empty());
    }

    #[test]
    fn all_zero_factors_hand_their_weight_on() {
        let kids = [child(1, [0; 3], 0, 3, 0), child(2, [0; 3], 0, 1, 0)];
        let s = split(1_000_000, &SplitRule::default(), &kids).unwrap();
        assert_eq!(s.weights_used, Weights { market: Decimal::ZERO, staffing: HUNDRED, priority: Decimal::ZERO });
        assert_eq!(s.ignored, [Factor::History, Factor::Pipeline, Factor::Market, Factor::Priority]);
        assert_eq!((s.lines[0].suggested, s.lines[1].suggested), (750_000, 250_000));
        let none = [child(1, [0; 3], 0, 0, 0), child(2, [0; 3], 0, 0, 0), child(3, [0; 3], 0, 0, 0)];
        let s = split(1_000_000, &SplitRule::default(), &none).unwrap();
        assert!(s.even);
        assert_eq!(s.lines.iter().map(|l| l.suggested).collect::<Vec<_>>(), [340_000, 330_000, 330_000], "ties: smaller id");
        // Pipeline alone decides market potential when there is no history.
        let kids = [child(1, [0; 3], 300, 1, 1), child(2, [0; 3], 100, 1, 1)];
        let s = split(1_000_000, &SplitRule::default(), &kids).unwrap();
        assert_eq!(s.history_percent_used, Decimal::ZERO);
        assert_eq!(s.lines[0].market_share, Decimal::new(75, 2));
    }

    #[test]
    fn bad_rules_are_refused_with_the_numbers() {
        let kids = [child(1, [1; 3], 1, 1, 1)];
        let mut r = SplitRule::default();
        r.weights.priority = Decimal::from(25);
        assert_eq!(split(10_000, &r, &kids), Err(SplitError::Weights(Decimal::from(105))));
        assert_eq!(split(10_001, &SplitRule::default(), &kids), Err(SplitError::Total { total: 10_001, unit: 10_000 }));
        assert_eq!(split(10_000, &SplitRule::default(), &[]), Err(SplitError::NoChildren));
        let dup = [child(1, [1; 3], 1, 1, 1), child(1, [1; 3], 1, 1, 1)];
        assert_eq!(split(10_000, &SplitRule::default(), &dup), Err(SplitError::DuplicateChild(1)));
    }

    fn arb_children() -> impl Strategy<Value = Vec<ChildInput>> {
        prop::collection::vec((prop::array::uniform3(-1_000_000i64..50_000_000), 0i64..20_000_000, 0i64..40, 0i64..5), 1..30)
            .prop_map(|v| {
                v.into_iter()
                    .enumerate()
                    .map(|(i, (history, pipeline, staffing, priority))| {
                        child(i as i64 + 1, history, pipeline, staffing, priority)
                    })
                    .collect()
            })
    }

    fn arb_rule() -> impl Strategy<Value = SplitRule> {
        (0u32..=100, 0u32..=100, 0u32..=100, prop::sample::select(vec![1i64, 100, 10_000, 1_000_000])).prop_map(
            |(a, b, h, unit)| {
                let (lo, hi) = (a.min(b), a.max(b));
                SplitRule {
                    weights: Weights {
                        market: Decimal::from(lo),
                        staffing: Decimal::from(hi - lo),
                        priority: Decimal::from(100 - hi),
                    },
                    history_percent: Decimal::from(h),
                    unit,
                }
            },
        )
    }

    fn suggested(s: &Split) -> Vec<(i64, i64)> {
        let mut v: Vec<(i64, i64)> = s.lines.iter().map(|l| (l.id, l.suggested)).collect();
        v.sort_unstable();
        v
    }

    proptest! {
        #[test]
        fn children_sum_exactly_to_the_parent(kids in arb_children(), rule in arb_rule(), units in 0i64..100_000) {
            let total = units * rule.unit;
            let s = split(total, &rule, &kids).unwrap();
            prop_assert_eq!(s.lines.iter().map(|l| l.suggested).sum::<i64>(), total);
            prop_assert!(s.lines.iter().all(|l| l.suggested >= 0 && l.suggested % rule.unit == 0));
            let composites: Decimal = s.lines.iter().map(|l| l.composite).sum();
            prop_assert!((composites - Decimal::ONE).abs() < Decimal::new(1, 20), "composites sum to {}", composites);
        }

        #[test]
        fn deterministic_and_permutation_invariant(kids in arb_children(), rule in arb_rule(), units in 0i64..100_000, seed in any::<u64>()) {
            let total = units * rule.unit;
            let a = split(total, &rule, &kids).unwrap();
            prop_assert_eq!(&a, &split(total, &rule, &kids).unwrap());
            let mut shuffled = kids.clone();
            // A deterministic shuffle from the seed.
            let mut x = seed | 1;
            for i in (1..shuffled.len()).rev() {
                x ^= x << 13; x ^= x >> 7; x ^= x << 17;
                shuffled.swap(i, (x % (i as u64 + 1)) as usize);
            }
            prop_assert_eq!(suggested(&a), suggested(&split(total, &rule, &shuffled).unwrap()));
        }

        #[test]
        fn more_history_or_pipeline_never_lowers_a_suggestion(
            kids in arb_children(), units in 0i64..100_000, who in any::<prop::sample::Index>(), extra in 1i64..10_000_000, pipeline in any::<bool>()
        ) {
            let rule = SplitRule::default();
            let total = units * rule.unit;
            let before = split(total, &rule, &kids).unwrap();
            let i = who.index(kids.len());
            let mut more = kids.clone();
            if pipeline { more[i].pipeline += extra } else { more[i].history[0] = more[i].history[0].max(0) + extra }
            let after = split(total, &rule, &more).unwrap();
            prop_assert!(after.lines[i].suggested >= before.lines[i].suggested,
                "{} -> {}", before.lines[i].suggested, after.lines[i].suggested);
        }

        #[test]
        fn one_factor_weights_reproduce_that_factors_shares(kids in arb_children(), units in 0i64..100_000) {
            let rule = SplitRule { weights: Weights { market: Decimal::ZERO, staffing: HUNDRED, priority: Decimal::ZERO }, ..SplitRule::default() };
            let total = units * rule.unit;
            let s = split(total, &rule, &kids).unwrap();
            if !s.even {
                for l in &s.lines {
                    let exact = Decimal::from(total) * l.staffing_share;
                    prop_assert!((Decimal::from(l.suggested) - exact).abs() < Decimal::from(rule.unit),
                        "line {} got {} for an exact {}", l.id, l.suggested, exact);
                }
            }
        }
    }
}
