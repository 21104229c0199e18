//! What funnel health and the stuck-deal alert read from deals' recorded
//! stage moves: how long deals typically stay in a stage, how many that
//! reached a stage went on, and how long an open deal has sat where it is.
//!
//! A deal that skips a stage (lead straight to contract) counts as having
//! reached and passed the stages it skipped: it did not stall there.

use chrono::NaiveDate;

use crate::stage::FunnelStage;
use crate::tracking::funnel::{Rate, Step};

/// One recorded stage move of a deal (`from` is `None` for the record
/// written when it was created).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DealMove {
    pub from: Option<FunnelStage>,
    pub to: FunnelStage,
    pub on: NaiveDate,
}

/// Position in lead → quote → contract → payment; `lost` has none.
fn order(stage: FunnelStage) -> Option<u8> {
    match stage {
        FunnelStage::Lead => Some(0),
        FunnelStage::Quote => Some(1),
        FunnelStage::Contract => Some(2),
        FunnelStage::Payment => Some(3),
        FunnelStage::Lost => None,
    }
}

fn sorted(moves: &[DealMove]) -> Vec<DealMove> {
    let mut m = moves.to_vec();
    m.sort_by_key(|m| m.on);
    m
}

/// Each finished stay of one deal in an open stage: the stage and its
/// whole days, in order.
pub fn finished_stays(moves: &[DealMove]) -> Vec<(FunnelStage, u32)> {
    let m = sorted(moves);
    m.windows(2)
        .filter(|w| w[0].to.is_open())
        .map(|w| (w[0].to, u32::try_from((w[1].on - w[0].on).num_days().max(0)).unwrap_or(u32::MAX)))
        .collect()
}

/// The typical stay: the median of the stays given (the lower of the two
/// middle ones for an even count), `None` for none.
pub fn typical_days(mut stays: Vec<u32>) -> Option<u32> {
    if stays.is_empty() {
        return None;
    }
    stays.sort_unstable();
    Some(stays[(stays.len() - 1) / 2])
}

/// Whole days since the deal entered the stage it is in, on `today`.
pub fn days_in_stage(moves: &[DealMove], today: NaiveDate) -> Option<u32> {
    let last = sorted(moves).last().copied()?;
    u32::try_from((today - last.on).num_days().max(0)).ok()
}

/// Per step (indexed like [`Step::ALL`]): of the deals that reached the
/// step's first stage between `first_day` and `last_day`, how many have
/// since gone beyond it.
pub fn step_rates<'a>(deals: impl IntoIterator<Item = &'a [DealMove]>, first_day: NaiveDate, last_day: NaiveDate) -> [Rate; 3] {
    let mut rates = [Rate::default(); 3];
    for moves in deals {
        let m = sorted(moves);
        for (i, step) in Step::ALL.iter().enumerate() {
            let Some(at) = order(step.from()) else { continue };
            let reached = m.iter().find(|mv| {
                let below = mv.from.and_then(order).is_none_or(|f| f < at);
                below && order(mv.to).is_some_and(|t| t >= at)
            });
            let Some(reached) = reached else { continue };
            if reached.on < first_day || reached.on > last_day {
                continue;
            }
            rates[i].reached += 1;
            if m.iter().any(|mv| mv.on >= reached.on && order(mv.to).is_some_and(|t| t > at)) {
                rates[i].advanced += 1;
            }
        }
    }
    rates
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn mv(from: Option<FunnelStage>, to: FunnelStage, on: &str) -> DealMove {
        DealMove { from, to, on: day(on) }
    }

    use FunnelStage::{Contract, Lead, Lost, Payment, Quote};

    fn won() -> Vec<DealMove> {
        vec![
            mv(None, Lead, "2026-07-01"),
            mv(Some(Lead), Quote, "2026-07-11"),
            mv(Some(Quote), Contract, "2026-08-10"),
            mv(Some(Contract), Payment, "2026-10-09"),
        ]
    }

    #[test]
    fn stays_and_their_typical_length() {
        assert_eq!(finished_stays(&won()), [(Lead, 10), (Quote, 30), (Contract, 60)]);
        let shuffled = [won()[2], won()[0], won()[3], won()[1]];
        assert_eq!(finished_stays(&shuffled), finished_stays(&won()), "order of the records does not matter");
        assert_eq!(typical_days(vec![60, 10, 30]), Some(30));
        assert_eq!(typical_days(vec![10, 40, 20, 30]), Some(20));
        assert_eq!(typical_days(vec![]), None);
        assert_eq!(days_in_stage(&won()[..3], day("2026-12-04")), Some(116));
        assert_eq!(days_in_stage(&[], day("2026-12-04")), None);
    }

    #[test]
    fn rates_count_who_reached_a_stage_in_the_window_and_went_on() {
        let lost_at_quote =
            vec![mv(None, Lead, "2026-10-05"), mv(Some(Lead), Quote, "2026-10-20"), mv(Some(Quote), Lost, "2026-11-20")];
        let skipped = vec![mv(None, Lead, "2026-10-07"), mv(Some(Lead), Contract, "2026-10-30")];
        let open_lead = vec![mv(None, Lead, "2026-11-01")];
        let deals = [won(), lost_at_quote, skipped, open_lead];
        let rates = step_rates(deals.iter().map(Vec::as_slice), day("2026-10-01"), day("2026-12-31"));
        // Lead reached in Q4 by three deals (won() reached it in July), two went on.
        assert_eq!(rates[0], Rate { reached: 3, advanced: 2 });
        // Quote reached in Q4: the lost one, and the skipper (to contract on 10-30).
        assert_eq!(rates[1], Rate { reached: 2, advanced: 1 });
        // Contract reached in Q4 by the skipper only, not yet paid.
        assert_eq!(rates[2], Rate { reached: 1, advanced: 0 });
        let summer = step_rates(deals.iter().map(Vec::as_slice), day("2026-07-01"), day("2026-09-30"));
        assert_eq!(summer, [Rate { reached: 1, advanced: 1 }; 3]);
    }

    fn any_deal() -> impl Strategy<Value = Vec<DealMove>> {
        let stage = proptest::sample::select(FunnelStage::ALL.to_vec());
        prop::collection::vec((stage, 0i64..365), 1..6).prop_map(|steps| {
            let mut from = None;
            steps
                .into_iter()
                .map(|(to, d)| {
                    let m = DealMove { from, to, on: day("2026-01-01") + chrono::Duration::days(d) };
                    from = Some(to);
                    m
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn rates_never_count_more_advanced_than_reached(deals in prop::collection::vec(any_deal(), 0..20), a in 0i64..365, b in 0i64..365) {
            let start = day("2026-01-01");
            let (first, last) = (start + chrono::Duration::days(a.min(b)), start + chrono::Duration::days(a.max(b)));
            let rates = step_rates(deals.iter().map(Vec::as_slice), first, last);
            for r in rates {
                prop_assert!(r.advanced <= r.reached && r.reached as usize <= deals.len());
            }
            let all = step_rates(deals.iter().map(Vec::as_slice), start, start + chrono::Duration::days(400));
            for (r, w) in all.iter().zip(rates) {
                prop_assert!(r.reached >= w.reached, "a wider window reaches no fewer");
            }
        }
    }
}
