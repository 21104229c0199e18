//! Adjustment bands and rebalancing (domain spec §3.1–3.2): a manager may
//! move a child's target within `suggested × (1 ± band)`; when some lines
//! are pinned, rebalance spreads the rest of the parent's total over the
//! unpinned lines in proportion to their suggestions, each inside its band,
//! in whole rounding units, summing to exactly the total, or says why not.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Largest band a plan may set, in percent.
pub const MAX_BAND_PERCENT: u32 = 50;

/// The band in fen around `suggested`: `[⌈s·(1−b)⌉, ⌊s·(1+b)⌋]`.
pub fn band_range(suggested: i64, band_percent: Decimal) -> (i64, i64) {
    let s = Decimal::from(suggested);
    let b = band_percent / Decimal::ONE_HUNDRED;
    let lo = (s * (Decimal::ONE - b)).ceil().to_i64().unwrap_or(0);
    let hi = (s * (Decimal::ONE + b)).floor().to_i64().unwrap_or(i64::MAX);
    (lo, hi)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BandError {
    #[error("the band must be between 0 and {MAX_BAND_PERCENT} % (got {0} %)")]
    Band(Decimal),
    #[error("{value} fen is outside the band {min}–{max} fen around the suggested {suggested} fen")]
    Outside { value: i64, suggested: i64, min: i64, max: i64 },
    #[error(
        "no rebalance fits: the unpinned lines must take {needed} fen, but their bands allow only {min}–{max} fen \
         (in units of {unit} fen)"
    )]
    Infeasible { needed: i64, min: i64, max: i64, unit: i64 },
    #[error("the total left for the unpinned lines ({0} fen) is not a multiple of the rounding unit")]
    NotWhole(i64),
}

fn check_band(band_percent: Decimal) -> Result<(), BandError> {
    if band_percent.is_sign_negative() || band_percent > Decimal::from(MAX_BAND_PERCENT) {
        return Err(BandError::Band(band_percent));
    }
    Ok(())
}

/// Refuses a manual target outside its band, with the numbers.
pub fn check_adjustment(value: i64, suggested: i64, band_percent: Decimal) -> Result<(), BandError> {
    check_band(band_percent)?;
    let (min, max) = band_range(suggested, band_percent);
    if value < min || value > max {
        return Err(BandError::Outside { value, suggested, min, max });
    }
    Ok(())
}

/// One line as rebalance sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BandLine {
    pub id: i64,
    pub suggested: i64,
    /// The manager's value for a pinned line; ignored for the others.
    pub current: i64,
    pub pinned: bool,
}

/// New finals for every line (pinned ones unchanged), in the given order.
pub fn rebalance(total: i64, unit: i64, band_percent: Decimal, lines: &[BandLine]) -> Result<Vec<i64>, BandError> {
    check_band(band_percent)?;
    let pinned: i64 = lines.iter().filter(|l| l.pinned).map(|l| l.current).sum();
    let left = total - pinned;
    if unit <= 0 || left % unit != 0 {
        return Err(BandError::NotWhole(left));
    }
    let free: Vec<usize> = (0..lines.len()).filter(|i| !lines[*i].pinned).collect();
    // Bands in whole units, rounded inwards so every value stays inside.
    let bounds: Vec<(i64, i64)> = free
        .iter()
        .map(|i| {
            let (lo, hi) = band_range(lines[*i].suggested, band_percent);
            (lo.div_euclid(unit) + i64::from(lo.rem_euclid(unit) != 0), hi.div_euclid(unit))
        })
        .collect();
    let need = left / unit;
    let (min, max): (i64, i64) = bounds.iter().fold((0, 0), |(a, b), (lo, hi)| (a + lo, b + hi));
    if need < min || need > max || bounds.iter().any(|(lo, hi)| lo > hi) {
        return Err(BandError::Infeasible { needed: left, min: min * unit, max: max * unit, unit });
    }
    let weights: Vec<Decimal> = free.iter().map(|i| Decimal::from(lines[*i].suggested.max(0)) / Decimal::from(unit)).collect();
    let quotas = proportional_in_boxes(Decimal::from(need), &weights, &bounds);
    let units = round_in_boxes(need, &quotas, &bounds, &free.iter().map(|i| lines[*i].id).collect::<Vec<_>>());
    let mut out: Vec<i64> = lines.iter().map(|l| l.current).collect();
    for (k, i) in free.iter().enumerate() {
        out[*i] = units[k] * unit;
    }
    Ok(out)
}

/// `clamp(λ·wᵢ, loᵢ, hiᵢ)` with λ chosen so the sum is `need`: the sum grows
/// with λ, so bisection finds it (to far below a unit).
fn proportional_in_boxes(need: Decimal, w: &[Decimal], bounds: &[(i64, i64)]) -> Vec<Decimal> {
    let at = |lambda: Decimal| -> Vec<Decimal> {
        w.iter().zip(bounds).map(|(wi, (lo, hi))| (lambda * *wi).max(Decimal::from(*lo)).min(Decimal::from(*hi))).collect()
    };
    let sum = |v: &[Decimal]| v.iter().sum::<Decimal>();
    let (mut lo, mut hi) = (Decimal::ZERO, Decimal::ONE);
    while sum(&at(hi)) < need && hi < Decimal::from(1_000_000_000_000i64) {
        hi *= Decimal::TWO;
    }
    for _ in 0..96 {
        let mid = (lo + hi) / Decimal::TWO;
        if sum(&at(mid)) < need {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    at(hi)
}

/// Whole units inside each box summing to `need`: floors, then the rest to
/// the largest remainders with room (ties: smaller id); an overshoot from
/// bisection noise is taken back from the smallest remainders with room.
fn round_in_boxes(need: i64, quotas: &[Decimal], bounds: &[(i64, i64)], ids: &[i64]) -> Vec<i64> {
    let mut out: Vec<i64> = quotas.iter().zip(bounds).map(|(q, (lo, _))| q.floor().to_i64().unwrap_or(0).max(*lo)).collect();
    let rem: Vec<Decimal> = quotas.iter().zip(&out).map(|(q, f)| *q - Decimal::from(*f)).collect();
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|&a, &b| rem[b].cmp(&rem[a]).then(ids[a].cmp(&ids[b])));
    let mut left = need - out.iter().sum::<i64>();
    while left > 0 {
        let Some(&i) = order.iter().find(|&&i| out[i] < bounds[i].1) else { break };
        out[i] += 1;
        left -= 1;
        order.retain(|&j| j != i);
        order.push(i);
    }
    while left < 0 {
        let Some(&i) = order.iter().rev().find(|&&i| out[i] > bounds[i].0) else { break };
        out[i] -= 1;
        left += 1;
        order.retain(|&j| j != i);
        order.insert(0, i);
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn pct(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn bands_and_adjustments() {
        assert_eq!(band_range(1_000_000, pct(15)), (850_000, 1_150_000));
        assert!(check_adjustment(1_150_000, 1_000_000, pct(15)).is_ok());
        assert_eq!(
            check_adjustment(1_150_001, 1_000_000, pct(15)),
            Err(BandError::Outside { value: 1_150_001, suggested: 1_000_000, min: 850_000, max: 1_150_000 })
        );
        assert_eq!(check_adjustment(1, 1, pct(51)), Err(BandError::Band(pct(51))));
    }

    #[test]
    fn pinning_one_line_moves_the_others_in_proportion() {
        let l = |id, suggested, current, pinned| BandLine { id, suggested, current, pinned };
        let lines = [l(1, 600_000, 640_000, true), l(2, 300_000, 0, false), l(3, 100_000, 0, false)];
        // 360,000 left over 300,000 : 100,000, inside both bands.
        assert_eq!(rebalance(1_000_000, 10_000, pct(15), &lines).unwrap(), [640_000, 270_000, 90_000]);
        // 340,000 left would put both below their bands' floors (260,000 and 90,000 in whole units).
        let lines = [l(1, 600_000, 660_000, true), l(2, 300_000, 0, false), l(3, 100_000, 0, false)];
        assert_eq!(
            rebalance(1_000_000, 10_000, pct(15), &lines),
            Err(BandError::Infeasible { needed: 340_000, min: 350_000, max: 450_000, unit: 10_000 })
        );
        let e = rebalance(1_000_000, 10_000, pct(15), &[l(1, 600_000, 900_000, true), l(2, 400_000, 0, false)]);
        assert_eq!(e, Err(BandError::Infeasible { needed: 100_000, min: 340_000, max: 460_000, unit: 10_000 }));
    }

    /// Lines with unit-multiple suggestions and pins, and a total near their sum.
    fn arb_lines() -> impl Strategy<Value = (Vec<BandLine>, i64)> {
        (prop::collection::vec((0i64..10_000, any::<bool>(), -20i64..=20), 1..25), -30i64..=30).prop_map(|(v, delta)| {
            let lines: Vec<BandLine> = v
                .into_iter()
                .enumerate()
                .map(|(i, (units, pinned, nudge))| {
                    let suggested = units * 10_000;
                    BandLine { id: i as i64, suggested, current: (suggested + nudge * 10_000).max(0), pinned }
                })
                .collect();
            let total = lines.iter().map(|l| l.suggested).sum::<i64>() + delta * 10_000;
            (lines, total.max(0))
        })
    }

    proptest! {
        #[test]
        fn rebalance_holds_totals_bands_and_pins((lines, total) in arb_lines(), band in 0i64..=50) {
            let band = pct(band);
            match rebalance(total, 10_000, band, &lines) {
                Ok(out) => {
                    prop_assert_eq!(out.iter().sum::<i64>(), total);
                    for (l, v) in lines.iter().zip(&out) {
                        if l.pinned {
                            prop_assert_eq!(*v, l.current);
                        } else {
                            let (lo, hi) = band_range(l.suggested, band);
                            prop_assert!(lo <= *v && *v <= hi && v % 10_000 == 0, "{} outside {}..{}", v, lo, hi);
                        }
                    }
                }
                Err(BandError::Infeasible { needed, min, max, .. }) => prop_assert!(needed < min || needed > max || min > max),
                Err(BandError::NotWhole(left)) => prop_assert!(left % 10_000 != 0),
                Err(e) => prop_assert!(false, "{}", e),
            }
        }
    }
}
