//! Decomposing a target over time (domain spec §3 planning): a year into
//! quarters, a quarter into months, either by explicit percentages that
//! sum to exactly 100 % or by the seasonality of the history, always in
//! whole rounding units summing to exactly the target.

use rust_decimal::Decimal;

use crate::allocation::largest_remainder;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the percentages must each be at least 0 and sum to exactly 100 % (they sum to {0} %)")]
    Percentages(Decimal),
    #[error("the total {total} fen is not a non-negative multiple of the rounding unit {unit} fen")]
    Total { total: i64, unit: i64 },
    #[error("there are no sub-periods to split over")]
    Empty,
}

fn check(total: i64, unit: i64, n: usize) -> Result<(), CalendarError> {
    if unit <= 0 || total < 0 || total % unit != 0 {
        return Err(CalendarError::Total { total, unit });
    }
    if n == 0 {
        return Err(CalendarError::Empty);
    }
    Ok(())
}

/// Splits `total` by `percents` (one per sub-period, in order). Ties in
/// rounding go to the earlier sub-period.
pub fn by_percentages(total: i64, unit: i64, percents: &[Decimal]) -> Result<Vec<i64>, CalendarError> {
    check(total, unit, percents.len())?;
    let sum: Decimal = percents.iter().sum();
    if percents.iter().any(|p| p.is_sign_negative()) || sum != Decimal::ONE_HUNDRED {
        return Err(CalendarError::Percentages(sum));
    }
    let shares: Vec<Decimal> = percents.iter().map(|p| *p / Decimal::ONE_HUNDRED).collect();
    Ok(split(total, unit, &shares))
}

/// Splits `total` by the history of each sub-period: the same sub-period one,
/// two and three years ago, weighted 3:2:1 like the model's history
/// (negative amounts count as zero). No history at all: an even split.
/// Returns the amounts and the percentages used.
pub fn by_seasonality(total: i64, unit: i64, history: &[[i64; 3]]) -> Result<(Vec<i64>, Vec<Decimal>), CalendarError> {
    check(total, unit, history.len())?;
    let scores: Vec<Decimal> = history
        .iter()
        .map(|h| Decimal::from(3 * h[0].max(0)) + Decimal::from(2 * h[1].max(0)) + Decimal::from(h[2].max(0)))
        .collect();
    let sum: Decimal = scores.iter().sum();
    let n = Decimal::from(history.len() as i64);
    let shares: Vec<Decimal> =
        if sum > Decimal::ZERO { scores.iter().map(|s| *s / sum).collect() } else { vec![Decimal::ONE / n; history.len()] };
    let percents = shares.iter().map(|s| *s * Decimal::ONE_HUNDRED).collect();
    Ok((split(total, unit, &shares), percents))
}

fn split(total: i64, unit: i64, shares: &[Decimal]) -> Vec<i64> {
    // Ties go to the smaller id: the earlier sub-period.
    let ids: Vec<i64> = (0..shares.len() as i64).collect();
    largest_remainder(total / unit, shares, &ids).into_iter().map(|u| u * unit).collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn percentages_and_seasonality() {
        let q = [25, 25, 25, 25].map(Decimal::from);
        assert_eq!(by_percentages(1_000_000, 10_000, &q).unwrap(), [250_000; 4]);
        let bad = [30, 30, 30, 20].map(Decimal::from);
        assert_eq!(by_percentages(1_000_000, 10_000, &bad), Err(CalendarError::Percentages(Decimal::from(110))));
        // Q4 is the medical-device buying season.
        let h = [[100, 100, 100], [100, 100, 100], [100, 100, 100], [300, 300, 300]];
        let (amounts, percents) = by_seasonality(1_200_000, 10_000, &h).unwrap();
        assert_eq!(amounts, [200_000, 200_000, 200_000, 600_000]);
        assert_eq!(percents[3], Decimal::from(50));
        let (even, _) = by_seasonality(100_000, 10_000, &[[0; 3]; 3]).unwrap();
        assert_eq!(even, [40_000, 30_000, 30_000], "ties go to the earlier month");
    }

    proptest! {
        #[test]
        fn months_sum_exactly_to_the_quarter(h in prop::collection::vec(prop::array::uniform3(-1_000i64..1_000_000), 1..13), units in 0i64..1_000_000) {
            let total = units * 100;
            let (amounts, percents) = by_seasonality(total, 100, &h).unwrap();
            prop_assert_eq!(amounts.iter().sum::<i64>(), total);
            prop_assert!(amounts.iter().all(|a| *a >= 0 && a % 100 == 0));
            let p: Decimal = percents.iter().sum();
            prop_assert!((p - Decimal::ONE_HUNDRED).abs() < Decimal::new(1, 18));
        }
    }
}
