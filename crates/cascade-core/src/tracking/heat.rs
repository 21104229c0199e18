//! A customer's heat for a period (domain spec §3.1): green, yellow or red,
//! with every reason for the colour in words.
//!
//! - green: advanced at least one stage in the last `yellow_after_days`
//!   days, or won;
//! - yellow: no advance for `yellow_after_days` to `red_after_days − 1`
//!   days, or an open deal whose expected close slipped once;
//! - red: no advance for `red_after_days` days or more, an expected close
//!   slipped out of the period, no active owner (departed, on leave, or
//!   none), or lost.
//!
//! The worst colour wins and the verdict keeps every reason, the worst
//! colour's first, so the heatmap can say "负责人已离职 · 47 天未推进" rather
//! than one of the two. Won and lost are final: a won customer is green and
//! a lost one red whatever else holds, with that one reason.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::explain::Lang;
use crate::stage::{vocabulary, ProcurementStage, RepStatus, StageError};

vocabulary!(
    /// A customer's heat colour, in order of alarm.
    Heat { Green => "green", Yellow => "yellow", Red => "red" }
);

/// The day counts that turn a customer yellow and red; an admin sets them.
/// Built only by [`HeatThresholds::new`], so yellow always comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeatThresholds {
    yellow_after_days: u16,
    red_after_days: u16,
}

/// Why thresholds were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ThresholdError {
    #[error("must be between 1 and {max} days")]
    OutOfRange { max: u16 },
    #[error("must be more days than the yellow threshold")]
    NotAfterYellow,
}

impl HeatThresholds {
    /// The longest threshold: ten years.
    pub const MAX_DAYS: u16 = 3650;

    pub fn new(yellow_after_days: u16, red_after_days: u16) -> Result<Self, ThresholdError> {
        for days in [yellow_after_days, red_after_days] {
            if !(1..=Self::MAX_DAYS).contains(&days) {
                return Err(ThresholdError::OutOfRange { max: Self::MAX_DAYS });
            }
        }
        if red_after_days <= yellow_after_days {
            return Err(ThresholdError::NotAfterYellow);
        }
        Ok(HeatThresholds { yellow_after_days, red_after_days })
    }

    pub fn yellow_after_days(self) -> u16 {
        self.yellow_after_days
    }

    pub fn red_after_days(self) -> u16 {
        self.red_after_days
    }
}

impl Default for HeatThresholds {
    /// The spec's 30 and 60 days.
    fn default() -> Self {
        HeatThresholds { yellow_after_days: 30, red_after_days: 60 }
    }
}

/// Who looks after the customer now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    None,
    Rep(RepStatus),
}

/// What heat is computed from, all of it as of `today` in the company's
/// time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerFacts {
    pub stage: ProcurementStage,
    /// The day of the customer's last move to a later stage; the day it was
    /// added if it never moved forward.
    pub last_advance: NaiveDate,
    /// The day it entered its current stage (for `lost`: the day it was lost).
    pub stage_since: NaiveDate,
    pub owner: Owner,
    /// The most times one of its open deals' expected close has moved later.
    pub most_slips: u32,
    /// An open deal's expected close was moved from inside the period to
    /// after its end.
    pub slipped_out_of_period: bool,
}

/// The first and last day of the period heat is computed for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

/// One reason for a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HeatReason {
    Won,
    /// Advanced this many days ago, inside the green window.
    Advanced {
        days: i64,
    },
    /// No advance for this many days.
    Idle {
        days: i64,
    },
    /// An open deal's expected close slipped this many times.
    Slipped {
        times: u32,
    },
    SlippedOutOfPeriod,
    OwnerDeparted,
    OwnerOnLeave,
    NoOwner,
    LostThisPeriod,
    /// Lost before the period began.
    Lost,
}

impl HeatReason {
    /// The reason in words, as the heatmap shows it.
    pub fn words(self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::Zh, HeatReason::Won) => "已签约".to_string(),
            (Lang::En, HeatReason::Won) => "won".to_string(),
            (Lang::Zh, HeatReason::Advanced { days: 0 }) => "今天有推进".to_string(),
            (Lang::En, HeatReason::Advanced { days: 0 }) => "advanced today".to_string(),
            (Lang::Zh, HeatReason::Advanced { days }) => format!("{days} 天前有推进"),
            (Lang::En, HeatReason::Advanced { days: 1 }) => "advanced 1 day ago".to_string(),
            (Lang::En, HeatReason::Advanced { days }) => format!("advanced {days} days ago"),
            (Lang::Zh, HeatReason::Idle { days }) => format!("{days} 天未推进"),
            (Lang::En, HeatReason::Idle { days }) => format!("{days} days without progress"),
            (Lang::Zh, HeatReason::Slipped { times: 1 }) => "预计成交已延期一次".to_string(),
            (Lang::Zh, HeatReason::Slipped { times }) => format!("预计成交已延期 {times} 次"),
            (Lang::En, HeatReason::Slipped { times: 1 }) => "expected close slipped once".to_string(),
            (Lang::En, HeatReason::Slipped { times }) => format!("expected close slipped {times} times"),
            (Lang::Zh, HeatReason::SlippedOutOfPeriod) => "预计成交已延期出本期".to_string(),
            (Lang::En, HeatReason::SlippedOutOfPeriod) => "expected close slipped out of the period".to_string(),
            (Lang::Zh, HeatReason::OwnerDeparted) => "负责人已离职".to_string(),
            (Lang::En, HeatReason::OwnerDeparted) => "owner has left".to_string(),
            (Lang::Zh, HeatReason::OwnerOnLeave) => "负责人休假中".to_string(),
            (Lang::En, HeatReason::OwnerOnLeave) => "owner is on leave".to_string(),
            (Lang::Zh, HeatReason::NoOwner) => "无负责人".to_string(),
            (Lang::En, HeatReason::NoOwner) => "no owner".to_string(),
            (Lang::Zh, HeatReason::LostThisPeriod) => "本期丢单".to_string(),
            (Lang::En, HeatReason::LostThisPeriod) => "lost this period".to_string(),
            (Lang::Zh, HeatReason::Lost) => "已丢单".to_string(),
            (Lang::En, HeatReason::Lost) => "lost".to_string(),
        }
    }
}

/// A customer's colour and every reason for it, the worst colour's first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub heat: Heat,
    pub reasons: Vec<HeatReason>,
}

/// The customer's heat on `today` for the period `window`.
pub fn heat(facts: &CustomerFacts, window: Window, today: NaiveDate, thresholds: HeatThresholds) -> Verdict {
    if facts.stage == ProcurementStage::Won {
        return Verdict { heat: Heat::Green, reasons: vec![HeatReason::Won] };
    }
    if facts.stage == ProcurementStage::Lost {
        let this_period = facts.stage_since >= window.first_day && facts.stage_since <= window.last_day;
        return Verdict {
            heat: Heat::Red,
            reasons: vec![if this_period { HeatReason::LostThisPeriod } else { HeatReason::Lost }],
        };
    }
    let idle = (today - facts.last_advance).num_days().max(0);
    let mut found: Vec<(Heat, HeatReason)> = Vec::new();
    match facts.owner {
        Owner::Rep(RepStatus::Active) => {}
        Owner::Rep(RepStatus::Departed) => found.push((Heat::Red, HeatReason::OwnerDeparted)),
        Owner::Rep(RepStatus::OnLeave) => found.push((Heat::Red, HeatReason::OwnerOnLeave)),
        Owner::None => found.push((Heat::Red, HeatReason::NoOwner)),
    }
    if facts.slipped_out_of_period {
        found.push((Heat::Red, HeatReason::SlippedOutOfPeriod));
    }
    if idle >= i64::from(thresholds.red_after_days) {
        found.push((Heat::Red, HeatReason::Idle { days: idle }));
    } else if idle >= i64::from(thresholds.yellow_after_days) {
        found.push((Heat::Yellow, HeatReason::Idle { days: idle }));
    }
    if facts.most_slips > 0 && !facts.slipped_out_of_period {
        found.push((Heat::Yellow, HeatReason::Slipped { times: facts.most_slips }));
    }
    let Some(worst) = found.iter().map(|(h, _)| *h).max() else {
        return Verdict { heat: Heat::Green, reasons: vec![HeatReason::Advanced { days: idle }] };
    };
    found.sort_by_key(|(h, _)| std::cmp::Reverse(*h));
    Verdict { heat: worst, reasons: found.into_iter().map(|(_, r)| r).collect() }
}

/// One recorded stage move of a customer (`from` is `None` for the record
/// written when it was added).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageMove {
    pub from: Option<ProcurementStage>,
    pub to: ProcurementStage,
    pub on: NaiveDate,
}

/// Whether a move goes forward: to a later stage, or out of `lost` back
/// into the order (the customer is being worked again).
fn advances(from: ProcurementStage, to: ProcurementStage) -> bool {
    match (from.rank(), to.rank()) {
        (Some(f), Some(t)) => t > f,
        (None, Some(_)) => true,
        (_, None) => false,
    }
}

/// `last_advance` and `stage_since` of [`CustomerFacts`] from the day the
/// customer was added and its recorded moves, in any order.
pub fn stage_days(added: NaiveDate, moves: &[StageMove]) -> (NaiveDate, NaiveDate) {
    let last_advance =
        moves.iter().filter(|m| m.from.is_some_and(|from| advances(from, m.to))).map(|m| m.on).fold(added, NaiveDate::max);
    let stage_since = moves.iter().map(|m| m.on).fold(added, NaiveDate::max);
    (last_advance, stage_since)
}

/// One recorded change of an open deal's expected close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseMove {
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
}

/// How an open deal's expected close has slipped: how many times it moved
/// later, and whether it now lies after the period having once been inside
/// it (a deal first expected after the period has not slipped out of it).
pub fn deal_slips(moves: &[CloseMove], close: NaiveDate, window: Window) -> (u32, bool) {
    let later = moves.iter().filter(|m| m.from.is_some_and(|from| m.to > from)).count();
    let was_inside = moves.iter().any(|m| m.from.is_some_and(|from| from <= window.last_day) || m.to <= window.last_day);
    (u32::try_from(later).unwrap_or(u32::MAX), close > window.last_day && was_inside)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const Q4: Window = Window {
        first_day: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        last_day: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    };

    fn facts(last_advance: &str) -> CustomerFacts {
        CustomerFacts {
            stage: ProcurementStage::PendingTender,
            last_advance: day(last_advance),
            stage_since: day(last_advance),
            owner: Owner::Rep(RepStatus::Active),
            most_slips: 0,
            slipped_out_of_period: false,
        }
    }

    fn verdict(f: CustomerFacts) -> Verdict {
        heat(&f, Q4, day("2026-12-04"), HeatThresholds::default())
    }

    #[test]
    fn days_without_progress_set_the_colour() {
        assert_eq!(verdict(facts("2026-11-20")), Verdict { heat: Heat::Green, reasons: vec![HeatReason::Advanced { days: 14 }] });
        assert_eq!(verdict(facts("2026-11-05")).reasons, [HeatReason::Advanced { days: 29 }]);
        assert_eq!(verdict(facts("2026-11-04")), Verdict { heat: Heat::Yellow, reasons: vec![HeatReason::Idle { days: 30 }] });
        assert_eq!(verdict(facts("2026-10-06")).heat, Heat::Yellow);
        assert_eq!(verdict(facts("2026-10-05")), Verdict { heat: Heat::Red, reasons: vec![HeatReason::Idle { days: 60 }] });
    }

    #[test]
    fn the_seeds_cases_are_red_and_say_why() {
        let left = CustomerFacts { owner: Owner::Rep(RepStatus::Departed), ..facts("2026-10-18") };
        let v = verdict(left);
        assert_eq!(v, Verdict { heat: Heat::Red, reasons: vec![HeatReason::OwnerDeparted, HeatReason::Idle { days: 47 }] });
        let words: Vec<String> = v.reasons.iter().map(|r| r.words(Lang::Zh)).collect();
        assert_eq!(words, ["负责人已离职", "47 天未推进"]);
        let v = heat(&left, Q4, day("2026-12-17"), HeatThresholds::default());
        assert_eq!(v.reasons, [HeatReason::OwnerDeparted, HeatReason::Idle { days: 60 }]);
        let slipped = CustomerFacts { most_slips: 2, slipped_out_of_period: true, ..facts("2026-11-30") };
        assert_eq!(verdict(slipped).reasons, [HeatReason::SlippedOutOfPeriod]);
        assert_eq!(HeatReason::SlippedOutOfPeriod.words(Lang::Zh), "预计成交已延期出本期");
    }

    #[test]
    fn a_slip_inside_the_period_is_yellow() {
        let once = CustomerFacts { most_slips: 1, ..facts("2026-11-30") };
        assert_eq!(verdict(once), Verdict { heat: Heat::Yellow, reasons: vec![HeatReason::Slipped { times: 1 }] });
        assert_eq!(HeatReason::Slipped { times: 1 }.words(Lang::Zh), "预计成交已延期一次");
        let idle_too = CustomerFacts { most_slips: 3, ..facts("2026-11-01") };
        assert_eq!(verdict(idle_too).reasons, [HeatReason::Idle { days: 33 }, HeatReason::Slipped { times: 3 }]);
        let away = CustomerFacts { most_slips: 1, owner: Owner::None, ..facts("2026-11-30") };
        assert_eq!(
            verdict(away),
            Verdict { heat: Heat::Red, reasons: vec![HeatReason::NoOwner, HeatReason::Slipped { times: 1 }] }
        );
    }

    #[test]
    fn won_is_green_and_lost_is_red() {
        let won = CustomerFacts { stage: ProcurementStage::Won, owner: Owner::Rep(RepStatus::Departed), ..facts("2025-01-01") };
        assert_eq!(verdict(won), Verdict { heat: Heat::Green, reasons: vec![HeatReason::Won] });
        let lost_now = CustomerFacts { stage: ProcurementStage::Lost, stage_since: day("2026-11-02"), ..facts("2026-11-02") };
        assert_eq!(verdict(lost_now).reasons, [HeatReason::LostThisPeriod]);
        let lost_before = CustomerFacts { stage: ProcurementStage::Lost, stage_since: day("2026-09-30"), ..facts("2026-06-01") };
        assert_eq!(verdict(lost_before).reasons, [HeatReason::Lost]);
    }

    #[test]
    fn no_active_owner_is_red() {
        for (owner, reason) in [
            (Owner::None, HeatReason::NoOwner),
            (Owner::Rep(RepStatus::OnLeave), HeatReason::OwnerOnLeave),
            (Owner::Rep(RepStatus::Departed), HeatReason::OwnerDeparted),
        ] {
            assert_eq!(
                verdict(CustomerFacts { owner, ..facts("2026-12-01") }),
                Verdict { heat: Heat::Red, reasons: vec![reason] }
            );
        }
    }

    #[test]
    fn thresholds_are_checked() {
        assert_eq!(HeatThresholds::new(14, 28).map(|t| (t.yellow_after_days(), t.red_after_days())), Ok((14, 28)));
        assert_eq!(HeatThresholds::new(30, 30), Err(ThresholdError::NotAfterYellow));
        assert_eq!(HeatThresholds::new(0, 30), Err(ThresholdError::OutOfRange { max: 3650 }));
        assert_eq!(HeatThresholds::new(30, 3651), Err(ThresholdError::OutOfRange { max: 3650 }));
        let tight = HeatThresholds::new(7, 14).unwrap();
        assert_eq!(heat(&facts("2026-11-25"), Q4, day("2026-12-04"), tight).heat, Heat::Yellow);
    }

    #[test]
    fn every_reason_has_words_in_both_languages() {
        let all = [
            HeatReason::Won,
            HeatReason::Advanced { days: 0 },
            HeatReason::Advanced { days: 1 },
            HeatReason::Idle { days: 47 },
            HeatReason::Slipped { times: 2 },
            HeatReason::SlippedOutOfPeriod,
            HeatReason::OwnerDeparted,
            HeatReason::OwnerOnLeave,
            HeatReason::NoOwner,
            HeatReason::LostThisPeriod,
            HeatReason::Lost,
        ];
        for r in all {
            assert!(r.words(Lang::Zh).chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{r:?}");
            assert!(r.words(Lang::En).is_ascii() && !r.words(Lang::En).is_empty(), "{r:?}");
            assert_ne!(r.words(Lang::Zh), r.words(Lang::En), "{r:?}");
        }
        assert_eq!(HeatReason::Idle { days: 47 }.words(Lang::Zh), "47 天未推进");
        assert_eq!(serde_json::to_value(HeatReason::Idle { days: 47 }).unwrap(), serde_json::json!({"kind": "idle", "days": 47}));
    }

    #[test]
    fn the_last_advance_is_the_last_forward_move() {
        let m = |from: Option<ProcurementStage>, to, on: &str| StageMove { from, to, on: day(on) };
        use ProcurementStage::*;
        let moves = [
            m(None, NotEngaged, "2026-03-01"),
            m(Some(NotEngaged), InContact, "2026-04-10"),
            m(Some(InContact), InHospital, "2026-06-01"),
            m(Some(InHospital), InContact, "2026-09-15"),
        ];
        assert_eq!(stage_days(day("2026-03-01"), &moves), (day("2026-06-01"), day("2026-09-15")));
        assert_eq!(stage_days(day("2026-03-01"), &moves[..1]), (day("2026-03-01"), day("2026-03-01")));
        let back = [m(Some(InContact), Lost, "2026-07-01"), m(Some(Lost), InContact, "2026-11-20")];
        assert_eq!(stage_days(day("2026-03-01"), &back), (day("2026-11-20"), day("2026-11-20")));
        assert_eq!(stage_days(day("2026-03-01"), &[]), (day("2026-03-01"), day("2026-03-01")));
    }

    #[test]
    fn a_deal_slips_out_of_the_period_only_from_inside_it() {
        let mv = |from: Option<&str>, to: &str| CloseMove { from: from.map(day), to: day(to) };
        let moves = [mv(None, "2026-11-30"), mv(Some("2026-11-30"), "2026-12-20"), mv(Some("2026-12-20"), "2027-01-15")];
        assert_eq!(deal_slips(&moves, day("2027-01-15"), Q4), (2, true));
        assert_eq!(deal_slips(&moves[..2], day("2026-12-20"), Q4), (1, false));
        let pulled_in = [mv(None, "2026-12-20"), mv(Some("2026-12-20"), "2026-12-10")];
        assert_eq!(deal_slips(&pulled_in, day("2026-12-10"), Q4), (0, false));
        let next_year = [mv(None, "2027-02-01"), mv(Some("2027-02-01"), "2027-03-01")];
        assert_eq!(deal_slips(&next_year, day("2027-03-01"), Q4), (1, false));
        let back_in = [mv(None, "2026-12-01"), mv(Some("2026-12-01"), "2027-01-10"), mv(Some("2027-01-10"), "2026-12-28")];
        assert_eq!(deal_slips(&back_in, day("2026-12-28"), Q4), (1, false));
    }

    fn any_facts() -> impl Strategy<Value = CustomerFacts> {
        let stage = proptest::sample::select(ProcurementStage::ALL.to_vec());
        let owner = prop_oneof![Just(Owner::None), proptest::sample::select(RepStatus::ALL.to_vec()).prop_map(Owner::Rep),];
        (stage, 0i64..400, 0i64..400, owner, 0u32..4, any::<bool>()).prop_map(
            |(stage, advance, since, owner, most_slips, out)| {
                let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
                CustomerFacts {
                    stage,
                    last_advance: today - chrono::Duration::days(advance),
                    stage_since: today - chrono::Duration::days(since),
                    owner,
                    most_slips,
                    slipped_out_of_period: out,
                }
            },
        )
    }

    /// The colour one reason carries on its own.
    fn colour_of(r: HeatReason, t: HeatThresholds) -> Heat {
        match r {
            HeatReason::Won | HeatReason::Advanced { .. } => Heat::Green,
            HeatReason::Slipped { .. } => Heat::Yellow,
            HeatReason::Idle { days } if days < i64::from(t.red_after_days()) => Heat::Yellow,
            _ => Heat::Red,
        }
    }

    fn any_thresholds() -> impl Strategy<Value = HeatThresholds> {
        (1u16..200, 1u16..200).prop_map(|(a, b)| HeatThresholds::new(a, a + b).unwrap())
    }

    proptest! {
        #[test]
        fn the_colour_is_the_worst_of_its_reasons_and_they_come_worst_first(f in any_facts(), t in any_thresholds()) {
            let v = heat(&f, Q4, day("2026-12-04"), t);
            prop_assert!(!v.reasons.is_empty());
            let mut distinct = v.reasons.clone();
            distinct.dedup();
            prop_assert_eq!(distinct.len(), v.reasons.len(), "no reason twice");
            let green = v.reasons.iter().all(|r| matches!(r, HeatReason::Won | HeatReason::Advanced { .. }));
            prop_assert_eq!(green, v.heat == Heat::Green);
            let colours: Vec<Heat> = v.reasons.iter().map(|r| colour_of(*r, t)).collect();
            prop_assert_eq!(colours.first().copied(), Some(v.heat));
            prop_assert!(colours.windows(2).all(|w| w[0] >= w[1]), "{:?}", v.reasons);
            if f.stage == ProcurementStage::Won {
                prop_assert_eq!(v.heat, Heat::Green);
            }
            let no_active_owner = f.owner != Owner::Rep(RepStatus::Active);
            if f.stage != ProcurementStage::Won && (no_active_owner || f.stage == ProcurementStage::Lost || f.slipped_out_of_period) {
                prop_assert_eq!(v.heat, Heat::Red);
            }
        }

        #[test]
        fn waiting_longer_never_cools_a_customer(f in any_facts(), t in any_thresholds(), more in 0i64..200) {
            let today = day("2026-12-04");
            let older = CustomerFacts { last_advance: f.last_advance - chrono::Duration::days(more), ..f };
            prop_assert!(heat(&older, Q4, today, t).heat >= heat(&f, Q4, today, t).heat);
        }

        #[test]
        fn a_later_red_threshold_never_heats_a_customer(f in any_facts(), t in any_thresholds(), more in 0u16..100) {
            let today = day("2026-12-04");
            let looser = HeatThresholds::new(t.yellow_after_days(), t.red_after_days() + more).unwrap();
            prop_assert!(heat(&f, Q4, today, looser).heat <= heat(&f, Q4, today, t).heat);
        }
    }
}
