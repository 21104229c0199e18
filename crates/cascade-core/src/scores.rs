//! The raw inputs of the three-factor model for one period (domain spec §2):
//! a rep's staffing weight and an opportunity's expected value.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use crate::{CapabilityRating, FunnelStage, RepStatus};

/// Days before the period starts within which a hire counts as new.
pub const NEW_HIRE_DAYS: u64 = 90;

/// A rep's weight in the staffing score of a period starting on `start`:
/// A 1.2, B 1.0, C 0.8; hired less than 90 days before the start 0.5;
/// on leave or departed since before the start 0.
pub fn capability_weight(
    rating: CapabilityRating,
    hire_date: NaiveDate,
    status: RepStatus,
    status_since: NaiveDate,
    start: NaiveDate,
) -> Decimal {
    if status != RepStatus::Active && status_since < start {
        return Decimal::ZERO;
    }
    let new_hire = start.checked_sub_days(Days::new(NEW_HIRE_DAYS)).is_none_or(|cutoff| hire_date > cutoff);
    if new_hire {
        return Decimal::new(5, 1);
    }
    match rating {
        CapabilityRating::A => Decimal::new(12, 1),
        CapabilityRating::B => Decimal::ONE,
        CapabilityRating::C => Decimal::new(8, 1),
    }
}

/// An opportunity's contribution to the pipeline score, in fen: its amount
/// times the stage probability (0 for lost), rounded half away from zero to
/// a whole fen.
pub fn expected_value(amount_fen: i64, stage: FunnelStage, probability: Option<Decimal>) -> i64 {
    let p = probability.unwrap_or_else(|| stage.default_probability());
    let v = Decimal::from(amount_fen.max(0)) * p;
    let whole = v.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    rust_decimal::prelude::ToPrimitive::to_i64(&whole).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn capability_weights_follow_the_spec() {
        let start = day("2026-10-01");
        let w = |r, hired, status, since| capability_weight(r, day(hired), status, day(since), start);
        assert_eq!(w(CapabilityRating::A, "2020-01-01", RepStatus::Active, "2020-01-01"), Decimal::new(12, 1));
        assert_eq!(w(CapabilityRating::C, "2020-01-01", RepStatus::Active, "2020-01-01"), Decimal::new(8, 1));
        // Hired 89 days before the start: new; 90 days: not.
        assert_eq!(w(CapabilityRating::A, "2026-07-04", RepStatus::Active, "2026-07-04"), Decimal::new(5, 1));
        assert_eq!(w(CapabilityRating::A, "2026-07-03", RepStatus::Active, "2026-07-03"), Decimal::new(12, 1));
        // Gone before the period: 0; leaving during it still counts.
        assert_eq!(w(CapabilityRating::A, "2020-01-01", RepStatus::Departed, "2026-09-30"), Decimal::ZERO);
        assert_eq!(w(CapabilityRating::B, "2020-01-01", RepStatus::OnLeave, "2026-10-15"), Decimal::ONE);
    }

    #[test]
    fn expected_values_use_stage_probabilities() {
        assert_eq!(expected_value(1_000_000, FunnelStage::Quote, None), 300_000);
        assert_eq!(expected_value(1_000_000, FunnelStage::Lost, None), 0);
        assert_eq!(expected_value(1_000_005, FunnelStage::Lead, None), 100_001, "half a fen rounds away from zero");
        assert_eq!(expected_value(1_000_000, FunnelStage::Contract, Some(Decimal::new(5, 1))), 500_000);
    }
}
