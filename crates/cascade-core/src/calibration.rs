//! In-quarter calibration (domain spec §3.4): an event during the period —
//! a rep departs, a deal slips out of the period, customers change hands, a
//! rep is hired, HQ grants relief — turns a plan's lines into new finals.
//! Achieved-to-date stays with whoever earned it; only the part of a target
//! not yet earned moves, re-split by the model where the spec says so, and
//! the plan's total changes only by HQ's explicit relief. Pure and
//! deterministic: the result depends on the inputs as sets, not their order.

use std::collections::HashMap;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::allocation::{split, ChildInput, Factor, Split, SplitError, SplitRule, Weights};

/// The largest amount calibration accepts, in fen: Cascade's money range
/// (10^13 yuan), so that sums of a plan's lines fit an `i64`.
pub const MAX_FEN: i64 = 1_000_000_000_000_000;

/// One line of a plan during its period. Money is in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub id: i64,
    pub final_target: i64,
    /// Booked in the period so far; negative when returns exceed sales.
    pub achieved: i64,
}

impl Position {
    /// The part of the final already earned: achieved-to-date, counted from 0
    /// (returns do not make a target grow) and at most the final.
    pub fn earned(&self) -> i64 {
        self.achieved.max(0).min(self.final_target)
    }

    /// The part of the final still to earn, `max(final − achieved, 0)` with a
    /// negative achieved counting as 0: the only part an event may move.
    pub fn open(&self) -> i64 {
        self.final_target - self.earned()
    }
}

/// A customer as a transfer sees it: the model's market-potential inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub id: i64,
    /// Booked in the same period one, two and three years ago, in fen.
    pub history: [i64; 3],
    /// Σ amount × stage probability of its open opportunities in the period, in fen.
    pub pipeline: i64,
}

/// Who makes up a slipped amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cover {
    /// The other reps, re-split by the model; the plan's total holds.
    Team(Vec<ChildInput>),
    /// HQ grants relief: the plan's total drops with the rep's final.
    Relief,
}

/// What happened. Reps are named by their line's id; `ChildInput`s describe
/// what each receiver takes on, in the model's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// `rep` leaves; `receivers` (siblings in the plan) take over its
    /// customers: history and pipeline of the customers each one takes,
    /// staffing = the receiver's own capability weight, and its priority.
    Departure { rep: i64, receivers: Vec<ChildInput> },
    /// An approval of `rep`'s customer slipped out of the period, taking
    /// `amount` fen of expected value with it.
    Slip { rep: i64, amount: i64, cover: Cover },
    /// The `moved` customers go from rep `from` to rep `to`; `kept` are the
    /// customers `from` keeps, needed for the moved ones' share.
    Transfer { from: i64, to: i64, moved: Vec<Customer>, kept: Vec<Customer> },
    /// `hired` joins; the open targets of `team` (the active reps) are
    /// re-split over the team and the new rep.
    Hire { hired: ChildInput, team: Vec<ChildInput> },
    /// HQ's explicit relief: `rep`'s final and the plan's total change by
    /// `delta` fen.
    Relief { rep: i64, delta: i64 },
}

/// One line whose final changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub id: i64,
    /// The final before the event; 0 for a hired rep.
    pub before: i64,
    pub after: i64,
    /// Achieved-to-date, unchanged by the event.
    pub achieved: i64,
}

/// How an amount was re-split by the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resplit {
    /// The amount moved, in fen.
    pub amount: i64,
    /// The model's split of the whole-unit part of `amount`, with every
    /// receiver's explanation.
    pub split: Split,
    /// The fen below one unit, which go to `leftover_to`.
    pub leftover: i64,
    /// The receiver with the largest composite (ties: the smaller id).
    pub leftover_to: i64,
}

/// A new revision of the plan's finals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calibration {
    /// Every line after the event, in the order given; a hired rep last.
    pub lines: Vec<Position>,
    /// The lines whose final changed, and a hired rep's line, by id.
    pub changes: Vec<Change>,
    pub total_before: i64,
    pub total_after: i64,
    /// The model's re-split, for events that make one.
    pub resplit: Option<Resplit>,
}

/// Why an event cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalibrationError {
    #[error("line {0} appears more than once in the plan")]
    DuplicateLine(i64),
    #[error("line {id} has a negative final target ({final_target} fen)")]
    NegativeFinal { id: i64, final_target: i64 },
    #[error("{0} fen is beyond the largest amount Cascade handles ({MAX_FEN} fen)")]
    OutOfRange(i64),
    #[error("the plan's lines add up to more than {MAX_FEN} fen")]
    TotalOutOfRange,
    #[error("rep {0} has no line in this plan")]
    UnknownRep(i64),
    #[error("rep {0} gives up the target and cannot also receive it")]
    SelfReceiver(i64),
    #[error("there is no one to receive the target: the list of receivers is empty")]
    NoReceivers,
    #[error("receiver {0} appears more than once")]
    DuplicateReceiver(i64),
    #[error("the amount must not be negative (got {0} fen)")]
    NegativeAmount(i64),
    #[error(
        "relief of {delta} fen would take line {id} from {final_target} fen to {after} fen, below {floor} fen \
         (its achieved-to-date, and never below 0)"
    )]
    BelowAchieved { id: i64, final_target: i64, delta: i64, after: i64, floor: i64 },
    #[error("a relief of 0 fen changes nothing")]
    NoRelief,
    #[error("rep {0} already has a line in this plan")]
    AlreadyInPlan(i64),
    #[error("customers cannot move from rep {0} to itself")]
    SameRep(i64),
    #[error("customer {0} appears more than once")]
    DuplicateCustomer(i64),
    #[error("a transfer needs at least one customer to move")]
    NoCustomers,
    #[error(transparent)]
    Split(#[from] SplitError),
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

fn in_range(fen: i64) -> Result<i64, CalibrationError> {
    if fen.checked_abs().is_none_or(|a| a > MAX_FEN) {
        return Err(CalibrationError::OutOfRange(fen));
    }
    Ok(fen)
}

fn sum(values: impl IntoIterator<Item = i64>) -> Result<i64, CalibrationError> {
    let total = values.into_iter().try_fold(0i64, i64::checked_add).ok_or(CalibrationError::TotalOutOfRange)?;
    if total.abs() > MAX_FEN {
        return Err(CalibrationError::TotalOutOfRange);
    }
    Ok(total)
}

/// The plan's lines, indexed by id, after checking them.
fn index(positions: &[Position]) -> Result<HashMap<i64, usize>, CalibrationError> {
    let mut at = HashMap::with_capacity(positions.len());
    for (i, p) in positions.iter().enumerate() {
        if at.insert(p.id, i).is_some() {
            return Err(CalibrationError::DuplicateLine(p.id));
        }
        if p.final_target < 0 {
            return Err(CalibrationError::NegativeFinal { id: p.id, final_target: p.final_target });
        }
        in_range(p.final_target)?;
        in_range(p.achieved)?;
    }
    Ok(at)
}

fn find(at: &HashMap<i64, usize>, id: i64) -> Result<usize, CalibrationError> {
    at.get(&id).copied().ok_or(CalibrationError::UnknownRep(id))
}

/// The smallest id that appears more than once: the same error whatever the
/// order given.
fn first_duplicate(ids: impl IntoIterator<Item = i64>) -> Option<i64> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.windows(2).find(|p| p[0] == p[1]).map(|p| p[0])
}

/// Receivers must be distinct lines of the plan other than the giver.
fn check_receivers(at: &HashMap<i64, usize>, giver: i64, receivers: &[ChildInput]) -> Result<(), CalibrationError> {
    if receivers.is_empty() {
        return Err(CalibrationError::NoReceivers);
    }
    if receivers.iter().any(|r| r.id == giver) {
        return Err(CalibrationError::SelfReceiver(giver));
    }
    if let Some(d) = first_duplicate(receivers.iter().map(|r| r.id)) {
        return Err(CalibrationError::DuplicateReceiver(d));
    }
    all_known(at, receivers)
}

/// Refuses the smallest id that has no line in the plan.
fn all_known(at: &HashMap<i64, usize>, reps: &[ChildInput]) -> Result<(), CalibrationError> {
    match reps.iter().map(|r| r.id).filter(|id| !at.contains_key(id)).min() {
        Some(unknown) => Err(CalibrationError::UnknownRep(unknown)),
        None => Ok(()),
    }
}

/// Splits `amount` fen over `receivers` by the model: the whole units with
/// `split`, the fen below one unit to the receiver with the largest
/// composite (ties: smaller id), so the parts sum to `amount` exactly.
fn resplit(amount: i64, rule: &SplitRule, receivers: &[ChildInput]) -> Result<(Resplit, Vec<(i64, i64)>), CalibrationError> {
    if rule.unit <= 0 {
        return Err(SplitError::Unit(rule.unit).into());
    }
    let leftover = amount % rule.unit;
    let split = split(amount - leftover, rule, receivers)?;
    let leftover_to = split.lines.iter().max_by(|a, b| a.composite.cmp(&b.composite).then(b.id.cmp(&a.id))).map_or(0, |l| l.id);
    let parts = split.lines.iter().map(|l| (l.id, l.suggested + if l.id == leftover_to { leftover } else { 0 })).collect();
    Ok((Resplit { amount, split, leftover, leftover_to }, parts))
}

/// The moved customers' share of `from`'s market potential, by the model's
/// market factor with the plan's history percent; an even share by customer
/// count when none of `from`'s customers has any potential.
fn moved_share(rule: &SplitRule, moved: &[Customer], kept: &[Customer]) -> Result<Decimal, CalibrationError> {
    // Group sums are exact integers, so the share does not depend on order;
    // negative years and pipelines count as 0 per customer, as in the model.
    let group = |id: i64, customers: &[Customer]| -> Result<ChildInput, CalibrationError> {
        let year = |k: usize| sum(customers.iter().map(|c| c.history[k].max(0)));
        Ok(ChildInput {
            id,
            history: [year(0)?, year(1)?, year(2)?],
            pipeline: sum(customers.iter().map(|c| c.pipeline.max(0)))?,
            staffing: Decimal::ZERO,
            priority: Decimal::ZERO,
        })
    };
    let market_only =
        SplitRule { weights: Weights { market: HUNDRED, staffing: Decimal::ZERO, priority: Decimal::ZERO }, ..*rule };
    let s = split(0, &market_only, &[group(0, moved)?, group(1, kept)?])?;
    if s.ignored.contains(&Factor::Market) {
        let n = Decimal::from(moved.len() as i64);
        return Ok(n / (n + Decimal::from(kept.len() as i64)));
    }
    Ok(s.lines[0].market_share)
}

/// Applies `event` to the plan's `positions` (split rule `rule`) and returns
/// the new revision, or why the event does not fit the plan.
pub fn calibrate(positions: &[Position], rule: &SplitRule, event: &Event) -> Result<Calibration, CalibrationError> {
    let at = index(positions)?;
    let total_before = sum(positions.iter().map(|p| p.final_target))?;
    let mut lines = positions.to_vec();
    let mut hired_line = None;
    let mut resplit_made = None;
    match event {
        Event::Departure { rep, receivers } => {
            let i = find(&at, *rep)?;
            check_receivers(&at, *rep, receivers)?;
            let (r, parts) = resplit(lines[i].open(), rule, receivers)?;
            lines[i].final_target = lines[i].earned();
            for (id, part) in parts {
                lines[at[&id]].final_target += part;
            }
            resplit_made = Some(r);
        }
        Event::Slip { rep, amount, cover } => {
            let i = find(&at, *rep)?;
            if *amount < 0 {
                return Err(CalibrationError::NegativeAmount(*amount));
            }
            let drop = in_range(*amount)?.min(lines[i].open());
            if let Cover::Team(others) = cover {
                check_receivers(&at, *rep, others)?;
                let (r, parts) = resplit(drop, rule, others)?;
                for (id, part) in parts {
                    lines[at[&id]].final_target += part;
                }
                resplit_made = Some(r);
            }
            lines[i].final_target -= drop;
        }
        Event::Transfer { from, to, moved, kept } => {
            if from == to {
                return Err(CalibrationError::SameRep(*from));
            }
            let (a, b) = (find(&at, *from)?, find(&at, *to)?);
            if moved.is_empty() {
                return Err(CalibrationError::NoCustomers);
            }
            if let Some(d) = first_duplicate(moved.iter().chain(kept).map(|c| c.id)) {
                return Err(CalibrationError::DuplicateCustomer(d));
            }
            for c in moved.iter().chain(kept) {
                c.history.iter().chain([&c.pipeline]).try_for_each(|v| in_range(*v).map(|_| ()))?;
            }
            let open = lines[a].open();
            let share = moved_share(rule, moved, kept)?;
            let part = (Decimal::from(open) * share)
                .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
                .to_i64()
                .unwrap_or(0)
                .clamp(0, open);
            lines[a].final_target -= part;
            lines[b].final_target += part;
        }
        Event::Hire { hired, team } => {
            if at.contains_key(&hired.id) {
                return Err(CalibrationError::AlreadyInPlan(hired.id));
            }
            let mut everyone = team.clone();
            everyone.push(hired.clone());
            if let Some(d) = first_duplicate(everyone.iter().map(|c| c.id)) {
                return Err(CalibrationError::DuplicateReceiver(d));
            }
            all_known(&at, team)?;
            let team_at: Vec<usize> = team.iter().map(|c| at[&c.id]).collect();
            let pool = sum(team_at.iter().map(|&i| lines[i].open()))?;
            let (r, parts) = resplit(pool, rule, &everyone)?;
            for &i in &team_at {
                lines[i].final_target = lines[i].earned();
            }
            let mut new_line = Position { id: hired.id, final_target: 0, achieved: 0 };
            for (id, part) in parts {
                match at.get(&id) {
                    Some(&i) => lines[i].final_target += part,
                    None => new_line.final_target += part,
                }
            }
            hired_line = Some(new_line);
            resplit_made = Some(r);
        }
        Event::Relief { rep, delta } => {
            let i = find(&at, *rep)?;
            if in_range(*delta)? == 0 {
                return Err(CalibrationError::NoRelief);
            }
            let p = lines[i];
            let after = p.final_target + delta;
            let floor = p.achieved.max(0);
            if *delta < 0 && after < floor {
                return Err(CalibrationError::BelowAchieved {
                    id: p.id,
                    final_target: p.final_target,
                    delta: *delta,
                    after,
                    floor,
                });
            }
            lines[i].final_target = after;
        }
    }
    let mut changes: Vec<Change> = positions
        .iter()
        .zip(&lines)
        .filter(|(p, l)| p.final_target != l.final_target)
        .map(|(p, l)| Change { id: p.id, before: p.final_target, after: l.final_target, achieved: p.achieved })
        .collect();
    if let Some(h) = hired_line {
        changes.push(Change { id: h.id, before: 0, after: h.final_target, achieved: h.achieved });
        lines.push(h);
    }
    changes.sort_unstable_by_key(|c| c.id);
    let total_after = sum(lines.iter().map(|l| l.final_target))?;
    Ok(Calibration { lines, changes, total_before, total_after, resplit: resplit_made })
}

/// An open deal a departing rep holds: its id and its customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deal {
    pub id: i64,
    pub customer: i64,
}

/// Who takes over the departing rep's open deals on other reps' customers:
/// each goes to its customer's owner when that owner may take it
/// (`receives`: an active rep of the plan). `owners` holds each deal's
/// customer and its owner; deals on customers not in it are not this plan's
/// to move and are left alone. Returns the deals by receiver, or every deal
/// nobody may take, so the departure can be refused naming them.
pub fn hand_over_deals(
    leaver: i64,
    deals: &[Deal],
    owners: &HashMap<i64, Option<i64>>,
    receives: impl Fn(i64) -> bool,
) -> Result<std::collections::BTreeMap<i64, Vec<i64>>, Vec<Deal>> {
    let mut to: std::collections::BTreeMap<i64, Vec<i64>> = std::collections::BTreeMap::new();
    let mut stranded = Vec::new();
    for d in deals {
        match owners.get(&d.customer) {
            None => {}
            Some(Some(owner)) if *owner != leaver && receives(*owner) => to.entry(*owner).or_default().push(d.id),
            Some(_) => stranded.push(*d),
        }
    }
    if stranded.is_empty() {
        Ok(to)
    } else {
        Err(stranded)
    }
}

#[cfg(test)]
mod tests {
    use crate::allocation::tests::arb_rule;
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn deals_go_to_their_customers_owner_or_are_named() {
        let deals = [Deal { id: 1, customer: 10 }, Deal { id: 2, customer: 11 }, Deal { id: 3, customer: 12 }];
        // 10: a colleague's; 11: the colleague again; 12: not in the plan.
        let owners: HashMap<i64, Option<i64>> = [(10, Some(7)), (11, Some(7))].into_iter().collect();
        let got = hand_over_deals(5, &deals, &owners, |r| r == 7).unwrap();
        assert_eq!(got.into_iter().collect::<Vec<_>>(), vec![(7, vec![1, 2])]);
        // A customer without an owner, one still owned by the leaver, and an
        // owner who may not receive: each deal is named, none handed over.
        let owners: HashMap<i64, Option<i64>> = [(10, None), (11, Some(5)), (12, Some(8))].into_iter().collect();
        assert_eq!(hand_over_deals(5, &deals, &owners, |r| r == 7).unwrap_err(), deals.to_vec());
    }

    fn pos(id: i64, final_target: i64, achieved: i64) -> Position {
        Position { id, final_target, achieved }
    }

    fn rep(id: i64, history: [i64; 3], pipeline: i64, staffing: i64, priority: i64) -> ChildInput {
        ChildInput { id, history, pipeline, staffing: Decimal::from(staffing), priority: Decimal::from(priority) }
    }

    fn finals(c: &Calibration) -> Vec<(i64, i64)> {
        let mut v: Vec<(i64, i64)> = c.lines.iter().map(|l| (l.id, l.final_target)).collect();
        v.sort_unstable();
        v
    }

    /// Zhang (1) leaves with ¥6,499.50 still to earn; Li (2) takes the
    /// hospitals with three times Wang's (3) history.
    #[test]
    fn a_departure_moves_only_what_is_left_and_holds_the_total() {
        let plan = [pos(1, 1_000_000, 350_050), pos(2, 800_000, 500_000), pos(3, 600_000, 100_000)];
        let receivers = [rep(2, [300_000; 3], 0, 1, 1), rep(3, [100_000; 3], 0, 1, 1)];
        let c = calibrate(&plan, &SplitRule::default(), &Event::Departure { rep: 1, receivers: receivers.to_vec() }).unwrap();
        // 64 whole units at 0.625 : 0.375 (history alone decides market
        // potential); the 9,950 fen below a unit go to Li, the larger composite.
        assert_eq!(finals(&c), [(1, 350_050), (2, 800_000 + 409_950), (3, 600_000 + 240_000)]);
        assert_eq!((c.total_before, c.total_after), (2_400_000, 2_400_000));
        let r = c.resplit.unwrap();
        assert_eq!((r.amount, r.leftover, r.leftover_to), (649_950, 9_950, 2));
        assert_eq!(
            c.changes,
            [
                Change { id: 1, before: 1_000_000, after: 350_050, achieved: 350_050 },
                Change { id: 2, before: 800_000, after: 1_209_950, achieved: 500_000 },
                Change { id: 3, before: 600_000, after: 840_000, achieved: 100_000 },
            ]
        );
    }

    #[test]
    fn a_rep_who_already_made_the_target_leaves_nothing_to_move() {
        let plan = [pos(1, 500_000, 700_000), pos(2, 500_000, 0)];
        let c = calibrate(&plan, &SplitRule::default(), &Event::Departure { rep: 1, receivers: vec![rep(2, [0; 3], 0, 1, 1)] })
            .unwrap();
        assert_eq!(finals(&c), [(1, 500_000), (2, 500_000)], "over-achievement is not taken from the others");
        assert!(c.changes.is_empty());
    }

    #[test]
    fn a_slip_is_made_up_by_the_team_or_relieved_by_hq() {
        let plan = [pos(1, 1_000_000, 900_000), pos(2, 1_000_000, 0), pos(3, 1_000_000, 0)];
        let team = vec![rep(2, [0; 3], 0, 1, 1), rep(3, [0; 3], 0, 1, 1)];
        // Only the 100,000 fen still open can slip.
        let slip = Event::Slip { rep: 1, amount: 250_000, cover: Cover::Team(team) };
        let c = calibrate(&plan, &SplitRule::default(), &slip).unwrap();
        assert_eq!(finals(&c), [(1, 900_000), (2, 1_050_000), (3, 1_050_000)]);
        let relief = Event::Slip { rep: 1, amount: 40_000, cover: Cover::Relief };
        let c = calibrate(&plan, &SplitRule::default(), &relief).unwrap();
        assert_eq!(finals(&c), [(1, 960_000), (2, 1_000_000), (3, 1_000_000)]);
        assert_eq!(c.total_after - c.total_before, -40_000);
        assert!(c.resplit.is_none());
    }

    #[test]
    fn a_transfer_moves_the_moved_customers_share_of_what_is_left() {
        let plan = [pos(1, 1_000_000, 400_000), pos(2, 500_000, 0), pos(3, 700_000, 0)];
        let c = |id, h, p| Customer { id, history: [h; 3], pipeline: p };
        let t = |moved, kept| Event::Transfer { from: 1, to: 2, moved, kept };
        // No pipeline anywhere: history alone, 3 : 1, so 3/4 of the 600,000 left.
        let r = calibrate(&plan, &SplitRule::default(), &t(vec![c(10, 300_000, 0)], vec![c(11, 100_000, 0)])).unwrap();
        assert_eq!(finals(&r), [(1, 550_000), (2, 950_000), (3, 700_000)]);
        // 60 % history, 40 % pipeline: 0.6 · 1/4 + 0.4 · 1 = 0.55.
        let r = calibrate(&plan, &SplitRule::default(), &t(vec![c(10, 100_000, 50_000)], vec![c(11, 300_000, 0)])).unwrap();
        assert_eq!(finals(&r)[0], (1, 1_000_000 - 330_000));
        // No potential at all: one customer of three moves a third.
        let zero = t(vec![c(10, 0, 0)], vec![c(11, 0, 0), c(12, -5_000, 0)]);
        assert_eq!(finals(&calibrate(&plan, &SplitRule::default(), &zero).unwrap())[1], (2, 700_000));
        // Every customer moves: all that is left moves, to the fen.
        let all = t(vec![c(10, 1, 1), c(11, 2, 2), c(12, 3, 0)], vec![]);
        assert_eq!(finals(&calibrate(&plan, &SplitRule::default(), &all).unwrap())[0], (1, 400_000));
    }

    #[test]
    fn a_hire_shares_the_teams_open_targets_and_keeps_the_total() {
        let plan = [pos(1, 1_000_000, 600_000), pos(2, 1_000_000, 200_000), pos(3, 300_000, 300_000), pos(4, 50_000, 0)];
        // Rep 4 is on leave and not in the team; rep 3 has nothing open.
        let team = vec![rep(1, [0; 3], 0, 1, 1), rep(2, [0; 3], 0, 1, 1), rep(3, [0; 3], 0, 1, 1)];
        let hire = Event::Hire { hired: rep(9, [0; 3], 0, 1, 1), team };
        let c = calibrate(&plan, &SplitRule { unit: 1, ..SplitRule::default() }, &hire).unwrap();
        // 1,200,000 open, four ways.
        assert_eq!(finals(&c), [(1, 900_000), (2, 500_000), (3, 600_000), (4, 50_000), (9, 300_000)]);
        assert_eq!(c.total_after, c.total_before);
        assert_eq!(c.changes.last(), Some(&Change { id: 9, before: 0, after: 300_000, achieved: 0 }));
    }

    #[test]
    fn relief_changes_the_total_and_never_goes_below_achieved() {
        let plan = [pos(1, 1_000_000, 300_000), pos(2, 1_000_000, -20_000)];
        let c = calibrate(&plan, &SplitRule::default(), &Event::Relief { rep: 1, delta: -700_000 }).unwrap();
        assert_eq!((c.total_before, c.total_after), (2_000_000, 1_300_000));
        assert_eq!(
            calibrate(&plan, &SplitRule::default(), &Event::Relief { rep: 1, delta: -700_001 }),
            Err(CalibrationError::BelowAchieved {
                id: 1,
                final_target: 1_000_000,
                delta: -700_001,
                after: 299_999,
                floor: 300_000
            })
        );
        assert_eq!(
            calibrate(&plan, &SplitRule::default(), &Event::Relief { rep: 2, delta: -1_000_001 }),
            Err(CalibrationError::BelowAchieved { id: 2, final_target: 1_000_000, delta: -1_000_001, after: -1, floor: 0 })
        );
        assert_eq!(calibrate(&plan, &SplitRule::default(), &Event::Relief { rep: 2, delta: 0 }), Err(CalibrationError::NoRelief));
    }

    #[test]
    fn events_that_do_not_fit_the_plan_are_refused_with_the_numbers() {
        let rule = SplitRule::default();
        let plan = [pos(1, 100, 0), pos(2, 100, 0)];
        let r = |id| rep(id, [0; 3], 0, 1, 1);
        let depart = |rep, receivers: Vec<ChildInput>| Event::Departure { rep, receivers };
        assert_eq!(calibrate(&plan, &rule, &depart(7, vec![r(2)])), Err(CalibrationError::UnknownRep(7)));
        assert_eq!(calibrate(&plan, &rule, &depart(1, vec![r(1), r(2)])), Err(CalibrationError::SelfReceiver(1)));
        assert_eq!(calibrate(&plan, &rule, &depart(1, vec![])), Err(CalibrationError::NoReceivers));
        assert_eq!(calibrate(&plan, &rule, &depart(1, vec![r(2), r(2)])), Err(CalibrationError::DuplicateReceiver(2)));
        assert_eq!(calibrate(&plan, &rule, &depart(1, vec![r(8)])), Err(CalibrationError::UnknownRep(8)));
        assert_eq!(
            calibrate(&[pos(1, 100, 0), pos(1, 5, 0)], &rule, &depart(1, vec![r(2)])),
            Err(CalibrationError::DuplicateLine(1))
        );
        assert_eq!(
            calibrate(&[pos(1, -5, 0)], &rule, &Event::Relief { rep: 1, delta: 5 }),
            Err(CalibrationError::NegativeFinal { id: 1, final_target: -5 })
        );
        let slip = Event::Slip { rep: 1, amount: -1, cover: Cover::Relief };
        assert_eq!(calibrate(&plan, &rule, &slip), Err(CalibrationError::NegativeAmount(-1)));
        let slip = Event::Slip { rep: 1, amount: MAX_FEN + 1, cover: Cover::Relief };
        assert_eq!(calibrate(&plan, &rule, &slip), Err(CalibrationError::OutOfRange(MAX_FEN + 1)));
        let hire = Event::Hire { hired: r(2), team: vec![r(1)] };
        assert_eq!(calibrate(&plan, &rule, &hire), Err(CalibrationError::AlreadyInPlan(2)));
        let hire = Event::Hire { hired: r(3), team: vec![r(1), r(3)] };
        assert_eq!(calibrate(&plan, &rule, &hire), Err(CalibrationError::DuplicateReceiver(3)));
        let c = |id| Customer { id, history: [1; 3], pipeline: 0 };
        let t = |from, to, moved, kept| Event::Transfer { from, to, moved, kept };
        assert_eq!(calibrate(&plan, &rule, &t(1, 1, vec![c(1)], vec![])), Err(CalibrationError::SameRep(1)));
        assert_eq!(calibrate(&plan, &rule, &t(1, 2, vec![], vec![c(1)])), Err(CalibrationError::NoCustomers));
        assert_eq!(calibrate(&plan, &rule, &t(1, 2, vec![c(5)], vec![c(5)])), Err(CalibrationError::DuplicateCustomer(5)));
        let bad_rule = SplitRule { unit: 0, ..rule };
        assert_eq!(calibrate(&plan, &bad_rule, &depart(1, vec![r(2)])), Err(CalibrationError::Split(SplitError::Unit(0))));
    }

    #[test]
    fn events_round_trip_through_json() {
        let e = Event::Slip { rep: 3, amount: 120_000, cover: Cover::Team(vec![rep(4, [1, 2, 3], 4, 1, 1)]) };
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "slip");
        assert_eq!(serde_json::from_value::<Event>(json).unwrap(), e);
    }

    /// A plan, a rule and an event that fits them.
    #[derive(Debug, Clone)]
    struct Case {
        plan: Vec<Position>,
        rule: SplitRule,
        event: Event,
    }

    impl Case {
        /// Lines the event may change.
        fn involved(&self) -> Vec<i64> {
            let ids = |v: &[ChildInput]| v.iter().map(|c| c.id).collect::<Vec<_>>();
            match &self.event {
                Event::Departure { rep, receivers } => [vec![*rep], ids(receivers)].concat(),
                Event::Slip { rep, cover: Cover::Team(others), .. } => [vec![*rep], ids(others)].concat(),
                Event::Slip { rep, .. } | Event::Relief { rep, .. } => vec![*rep],
                Event::Transfer { from, to, .. } => vec![*from, *to],
                Event::Hire { hired, team } => [vec![hired.id], ids(team)].concat(),
            }
        }

        /// The change of the plan's total the event must make.
        fn total_change(&self) -> i64 {
            match &self.event {
                Event::Relief { delta, .. } => *delta,
                Event::Slip { rep, amount, cover: Cover::Relief } => {
                    -self.plan.iter().find(|p| p.id == *rep).map_or(0, |p| (*amount).min(p.open()))
                }
                _ => 0,
            }
        }
    }

    fn arb_case() -> impl Strategy<Value = Case> {
        let line = (
            0i64..5_000_000_000,
            -1_000_000i64..6_000_000_000,
            prop::array::uniform3(-1_000_000i64..500_000_000),
            0i64..200_000_000,
            0i64..20,
            0i64..4,
            any::<bool>(),
        );
        let customer = (prop::array::uniform3(-1_000_000i64..500_000_000), 0i64..100_000_000, any::<bool>());
        (
            prop::collection::vec(line, 2..10),
            arb_rule(),
            (0usize..5, any::<prop::sample::Index>(), any::<prop::sample::Index>()),
            (0i64..3_000_000_000, -3_000_000_000i64..3_000_000_000, any::<bool>()),
            prop::collection::vec(customer, 1..8),
        )
            .prop_map(|(raw, rule, (kind, who, whom), (amount, delta, relief), customers)| {
                // Sparse ids, so that an id is never mistaken for a position.
                let id = |i: usize| i as i64 * 7 + 3;
                let plan: Vec<Position> = raw.iter().enumerate().map(|(i, l)| pos(id(i), l.0, l.1)).collect();
                let inputs: Vec<ChildInput> = raw.iter().enumerate().map(|(i, l)| rep(id(i), l.2, l.3, l.4, l.5)).collect();
                let n = plan.len();
                let a = who.index(n);
                let b = (a + 1 + whom.index(n - 1)) % n;
                let mut others: Vec<ChildInput> =
                    inputs.iter().enumerate().filter(|(i, _)| *i != a && raw[*i].6).map(|(_, c)| c.clone()).collect();
                if others.is_empty() {
                    others.push(inputs[b].clone());
                }
                let event = match kind {
                    0 => Event::Departure { rep: id(a), receivers: others },
                    1 => Event::Slip { rep: id(a), amount, cover: if relief { Cover::Relief } else { Cover::Team(others) } },
                    2 => {
                        let customer = |k: usize| Customer { id: k as i64, history: customers[k].0, pipeline: customers[k].1 };
                        // The first customer always moves, so that something does.
                        let (moved, kept): (Vec<usize>, Vec<usize>) =
                            (0..customers.len()).partition(|&k| k == 0 || customers[k].2);
                        Event::Transfer {
                            from: id(a),
                            to: id(b),
                            moved: moved.into_iter().map(customer).collect(),
                            kept: kept.into_iter().map(customer).collect(),
                        }
                    }
                    3 => {
                        let team = inputs.iter().zip(&raw).filter(|(_, l)| l.6).map(|(c, _)| c.clone()).collect();
                        Event::Hire { hired: rep(id(n), [amount, 0, amount / 2], amount / 3, 1, 1), team }
                    }
                    _ => {
                        // A relief inside what the spec allows: never below achieved, never 0.
                        let p = plan[a];
                        let lowest = p.achieved.max(0) - p.final_target;
                        let d = if lowest >= 0 { delta.abs() } else { delta.max(lowest) };
                        Event::Relief { rep: p.id, delta: if d == 0 { 1 } else { d } }
                    }
                };
                Case { plan, rule, event }
            })
    }

    /// A deterministic shuffle from `seed`.
    fn shuffle<T>(v: &mut [T], seed: u64) {
        let mut x = seed | 1;
        for i in (1..v.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v.swap(i, (x % (i as u64 + 1)) as usize);
        }
    }

    fn shuffled(event: &Event, seed: u64) -> Event {
        let mut e = event.clone();
        match &mut e {
            Event::Departure { receivers: v, .. } | Event::Slip { cover: Cover::Team(v), .. } | Event::Hire { team: v, .. } => {
                shuffle(v, seed)
            }
            Event::Transfer { moved, kept, .. } => {
                shuffle(moved, seed);
                shuffle(kept, seed.rotate_left(7));
            }
            Event::Slip { .. } | Event::Relief { .. } => {}
        }
        e
    }

    proptest! {
        #[test]
        fn totals_hold_to_the_fen_except_by_relief(case in arb_case()) {
            let c = calibrate(&case.plan, &case.rule, &case.event).unwrap();
            prop_assert_eq!(c.total_before, case.plan.iter().map(|p| p.final_target).sum::<i64>());
            prop_assert_eq!(c.total_after, c.lines.iter().map(|l| l.final_target).sum::<i64>());
            prop_assert_eq!(c.total_after - c.total_before, case.total_change());
            if let Some(r) = &c.resplit {
                prop_assert_eq!(r.split.lines.iter().map(|l| l.suggested).sum::<i64>() + r.leftover, r.amount);
                prop_assert!(0 <= r.leftover && r.leftover < case.rule.unit);
            }
        }

        #[test]
        fn achievement_stays_and_no_final_drops_below_it(case in arb_case()) {
            let c = calibrate(&case.plan, &case.rule, &case.event).unwrap();
            for (p, l) in case.plan.iter().zip(&c.lines) {
                prop_assert_eq!((p.id, p.achieved), (l.id, l.achieved));
                prop_assert!(l.final_target >= 0);
                if p.final_target >= p.achieved {
                    prop_assert!(l.final_target >= p.achieved, "line {}: {} below {}", p.id, l.final_target, p.achieved);
                }
            }
            if let Event::Departure { rep, .. } = case.event {
                let p = case.plan.iter().find(|p| p.id == rep).unwrap();
                let l = c.lines.iter().find(|l| l.id == rep).unwrap();
                prop_assert_eq!(l.final_target, p.earned());
                if (0..=p.final_target).contains(&p.achieved) {
                    prop_assert_eq!(l.final_target, p.achieved);
                }
            }
            if let Event::Hire { hired, .. } = &case.event {
                prop_assert_eq!(c.lines.last().map(|l| (l.id, l.achieved)), Some((hired.id, 0)));
            }
        }

        #[test]
        fn lines_outside_the_event_are_untouched(case in arb_case()) {
            let c = calibrate(&case.plan, &case.rule, &case.event).unwrap();
            let involved = case.involved();
            for (p, l) in case.plan.iter().zip(&c.lines) {
                if !involved.contains(&p.id) {
                    prop_assert_eq!(p, l);
                }
            }
            prop_assert!(c.changes.iter().all(|ch| involved.contains(&ch.id)));
            prop_assert!(c.changes.windows(2).all(|w| w[0].id < w[1].id));
        }

        #[test]
        fn deterministic_and_permutation_invariant(case in arb_case(), seed in any::<u64>()) {
            let a = calibrate(&case.plan, &case.rule, &case.event).unwrap();
            prop_assert_eq!(&a, &calibrate(&case.plan, &case.rule, &case.event).unwrap());
            let mut plan = case.plan.clone();
            shuffle(&mut plan, seed);
            let b = calibrate(&plan, &case.rule, &shuffled(&case.event, seed.rotate_left(17))).unwrap();
            prop_assert_eq!(finals(&a), finals(&b));
            prop_assert_eq!(&a.changes, &b.changes);
            prop_assert_eq!((a.total_before, a.total_after), (b.total_before, b.total_after));
            prop_assert_eq!(
                a.resplit.map(|r| (r.amount, r.leftover, r.leftover_to)),
                b.resplit.map(|r| (r.amount, r.leftover, r.leftover_to))
            );
        }
    }
}
