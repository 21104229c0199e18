//! The three-factor split of a parent's target over its children (domain
//! spec §2): scores → shares → weighted composite → largest-remainder
//! rounding to the plan's unit, so the children sum to exactly the parent,
//! with every line's explanation. Pure and deterministic: the same inputs
//! give the same output in any order. The rounding works on exact integer
//! fractions, so neither the sum nor a tie depends on decimal precision.

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

/// One of the model's factors, or one of market potential's two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
const RECENCY: [u128; 3] = [3, 2, 1];

/// Σ RECENCY: a history score is its points over this.
const RECENCY_SUM: i64 = 6;

/// The explanation's shares and composites are exact fractions rounded to
/// this many decimal places, the most a `Decimal` below 1 holds.
const SHARE_PLACES: u32 = 28;

/// 10⁰ … 10²⁸: a `Decimal`'s scales.
const POW10: [u128; 29] = {
    let mut p = [1u128; 29];
    let mut i = 1;
    while i < 29 {
        p[i] = p[i - 1] * 10;
        i += 1;
    }
    p
};

/// 10^SHARE_PLACES: the `k` of a share's `ScaledDiv`.
const SHARE_SCALE: u128 = POW10[SHARE_PLACES as usize];

/// 3·y₁ + 2·y₂ + y₃ in fen (negative years as zero): six times the history
/// score, as an exact integer. Below 6 · 2⁶³ < 2⁶⁶.
fn history_points(h: &[i64; 3]) -> u128 {
    h.iter().zip(RECENCY).map(|(v, w)| (*v).max(0) as u128 * w).sum()
}

/// `points / 6` exactly as `Decimal` division gives it (a property test
/// checks this): whole, exact halves, or the other sixths rounded to the
/// most places a 96-bit mantissa holds, at most 28; without dividing decimals.
fn history_score(points: u128) -> Decimal {
    match points % 6 {
        0 => mantissa_decimal(points / 6, 0),
        // Exact halves keep `Decimal`'s own choice of trailing zeros.
        3 => mantissa_decimal(points, 0) / Decimal::from(RECENCY_SUM),
        _ => {
            // The mantissa ⌊(points · 10^s + 3) / 6⌋ (no ties: the fraction is
            // a third or a sixth) must stay below 2⁹⁶, that is points · 10^s
            // ≤ 6 · 2⁹⁶ − 4. points ≥ 2^(bits − 1) bounds s by
            // log₁₀(6 · 2⁹⁶ / 2^(bits − 1)) ≈ (99.585 − bits) · 0.30103; one
            // more, then down to the first that fits.
            const MOST: [u128; 29] = {
                let mut most = [0u128; 29];
                let mut s = 0;
                while s < 29 {
                    most[s] = ((6 << 96) - 4) / POW10[s];
                    s += 1;
                }
                most
            };
            let bits = 128 - points.leading_zeros();
            let mut s = ((99_585 - 1000 * bits.min(99)) * 30_103 / 100_000_000 + 1).min(SHARE_PLACES);
            while points > MOST[s as usize] {
                s -= 1;
            }
            mantissa_decimal((points * POW10[s as usize] + 3) / 6, s)
        }
    }
}

/// `m / 10^scale` for `m < 2⁹⁶`.
fn mantissa_decimal(m: u128, scale: u32) -> Decimal {
    Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, false, scale)
}

/// The sums in `split` stay in range because a slice, at most 2⁶³ bytes,
/// holds fewer than 2⁵⁷ children of more than 64 bytes each.
const _: () = assert!(std::mem::size_of::<ChildInput>() > 64);

fn pipeline_points(p: i64) -> u128 {
    p.max(0) as u128
}

/// Checks a rule and the total it is to split.
pub(crate) fn check_rule(total: i64, rule: &SplitRule) -> Result<(), SplitError> {
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
    Ok(())
}

/// Which score of a child a term of the composite multiplies.
#[derive(Debug, Clone, Copy)]
enum Score {
    History,
    Pipeline,
    Staffing,
    Priority,
    /// Every child's 1: the even split.
    One,
}

/// Splits `total` fen over `children` by `rule`.
///
/// The quotas are exact: every score is an integer (history as its 3:2:1
/// points, staffing and priority at their largest decimal scale), so the
/// composite of child `i` is `Cᵢ / D` with integers
/// `D = b · Π Y_k` and `Cᵢ = Σ_k a_k · X_ik · Π_{j≠k} Y_j`, where `Y_k` is
/// the siblings' total of score `k`, `X_ik` the child's score and `a_k / b`
/// the factor's weight (times history's part of market potential for
/// history and pipeline). The `a_k` sum to `b`, so the `Cᵢ` sum to `D` and
/// the quotas `units · Cᵢ / D` to exactly `units`: each child gets the floor,
/// and the units left over (fewer than the children) go to the largest
/// remainders. The explanation's shares and composites are the same exact
/// fractions rounded half to even to 28 decimal places.
pub fn split(total: i64, rule: &SplitRule, children: &[ChildInput]) -> Result<Split, SplitError> {
    check_rule(total, rule)?;
    if children.is_empty() {
        return Err(SplitError::NoChildren);
    }
    let w = rule.weights;
    let n = children.len();
    // One pass over the children for the checks and every sum. Fewer than
    // 2⁵⁷ children (see the assertion on `ChildInput`'s size): the history
    // and pipeline sums stay below 2⁵⁷ · 2⁶⁶ = 2¹²³.
    let mut ids = Vec::with_capacity(n);
    let mut negative = None;
    let (mut sum_h, mut sum_p) = (0u128, 0u128);
    let (mut staffing, mut priority) = (DecimalSum::default(), DecimalSum::default());
    for c in children {
        ids.push(c.id);
        if negative.is_none() && (c.staffing.is_sign_negative() || c.priority.is_sign_negative()) {
            negative = Some(c.id);
        }
        sum_h += history_points(&c.history);
        sum_p += pipeline_points(c.pipeline);
        staffing.add(c.staffing);
        priority.add(c.priority);
    }
    ids.sort_unstable();
    if let Some(d) = ids.windows(2).find(|p| p[0] == p[1]) {
        return Err(SplitError::DuplicateChild(d[0]));
    }
    if let Some(id) = negative {
        return Err(SplitError::NegativeScore(id));
    }
    let (sum_s, sum_r) = (staffing.total(), priority.total());
    let (staffing_scale, priority_scale) = (staffing.scale, priority.scale);
    let [has_h, has_p, has_s, has_r] = [sum_h > 0, sum_p > 0, !sum_s.is_zero(), !sum_r.is_zero()];

    let mut ignored = Vec::new();
    // Inside market potential: a side with no data hands its part to the other.
    let history_percent_used = match (has_h, has_p) {
        (true, false) => HUNDRED,
        (false, true) => Decimal::ZERO,
        _ => rule.history_percent,
    };
    if !has_h {
        ignored.push(Factor::History);
    }
    if !has_p {
        ignored.push(Factor::Pipeline);
    }
    let has_m = has_h || has_p;
    let factors =
        [(Factor::Market, has_m, w.market), (Factor::Staffing, has_s, w.staffing), (Factor::Priority, has_r, w.priority)];
    ignored.extend(factors.iter().filter(|(_, has, _)| !has).map(|(f, _, _)| *f));
    // The weight of an all-zero factor goes to the others in proportion.
    let live: Decimal = factors.iter().filter(|(_, has, _)| *has).map(|(_, _, w)| *w).sum();
    let used = |has: bool, w: Decimal| if has && live > Decimal::ZERO { w * HUNDRED / live } else { Decimal::ZERO };
    let weights_used =
        Weights { market: used(has_m, w.market), staffing: used(has_s, w.staffing), priority: used(has_r, w.priority) };
    let even = live == Decimal::ZERO;

    // The weights and history's percent as integers: the weights at their
    // common scale, the percent over `hundred` = 100 at its own scale. Each
    // is at most 100 · 10²⁸ < 2¹⁰⁰.
    let weight_scale = w.market.scale().max(w.staffing.scale()).max(w.priority.scale());
    let [wm, ws, wp] = [w.market, w.staffing, w.priority].map(|d| Nat::from_limbs(&scaled(d, weight_scale)));
    let percent_scale = rule.history_percent.scale();
    let hundred = Nat::from_limbs(&scaled(HUNDRED, percent_scale));
    let percent = Nat::from_limbs(&scaled(history_percent_used, percent_scale));
    let rest = hundred.sub(&percent);
    let (y_h, y_p) = (Nat::from_u128(sum_h), Nat::from_u128(sum_p));
    // (a_k, score, Y_k) for each factor that counts. Not even means some
    // factor with data has a positive weight, so the list is not empty.
    let mut terms: Vec<(Nat, Score, Nat)> = if even {
        vec![(Nat::ONE, Score::One, Nat::from_u128(n as u128))]
    } else {
        let mut t = Vec::new();
        if has_h {
            t.push((wm.mul(&percent), Score::History, y_h));
        }
        if has_p {
            t.push((wm.mul(&rest), Score::Pipeline, y_p));
        }
        if has_s {
            t.push((ws.mul(&hundred), Score::Staffing, sum_s));
        }
        if has_r {
            t.push((wp.mul(&hundred), Score::Priority, sum_r));
        }
        t
    };
    // A zero weight adds nothing but digits.
    terms.retain(|(a, _, _)| !a.is_zero());
    // Below 2^(200 + 123 + 123 + 247 + 247) = 2⁹⁴⁰: b ≤ (100 · 10²⁸)², the
    // history and pipeline totals below 2¹²³, the staffing and priority
    // totals below 2⁵⁷ · 2¹⁹⁰ (see `scaled`).
    let d = terms.iter().fold(terms.iter().fold(Nat::ZERO, |b, (a, _, _)| b.add(a)), |d, (_, _, y)| d.mul(y));
    let coefficients: Vec<(Vec<u64>, Score)> = (0..terms.len())
        .map(|k| {
            let g = terms.iter().enumerate().filter(|(j, _)| *j != k).fold(terms[k].0, |g, (_, (_, _, y))| g.mul(y));
            (g.limbs().to_vec(), terms[k].1)
        })
        .collect();

    let share_div = |has: bool, y: &Nat| has.then(|| ScaledDiv::new(y, SHARE_SCALE));
    let units = total / rule.unit;
    let pass = Pass {
        staffing_scale,
        priority_scale,
        history: share_div(has_h, &y_h),
        pipeline: share_div(has_p, &y_p),
        staffing: share_div(has_s, &sum_s),
        priority: share_div(has_r, &sum_r),
        // Market potential with both sides is (h·Hᵢ·ΣP + (100 − h)·Pᵢ·ΣH) / (100·ΣH·ΣP)
        // for history's percent h.
        market: (has_h && has_p)
            .then(|| ([percent.mul(&y_p).0, rest.mul(&y_h).0], ScaledDiv::new(&hundred.mul(&y_h).mul(&y_p), SHARE_SCALE))),
        coefficients,
        composite: ScaledDiv::new(&d, SHARE_SCALE),
        quota: ScaledDiv::new(&d, units as u128),
        unit: rule.unit,
        units,
    };
    let lines = match pass.quota.width() {
        1 => pass.lines::<1, 3>(children),
        2 => pass.lines::<2, 4>(children),
        3 => pass.lines::<3, 5>(children),
        4 => pass.lines::<4, 6>(children),
        _ => pass.lines::<CAP, { CAP + 2 }>(children),
    };
    Ok(Split { lines, weights_used, history_percent_used, ignored, even })
}

/// What the per-child pass of `split` needs, computed once.
struct Pass {
    staffing_scale: u32,
    priority_scale: u32,
    /// Each factor's shares; `None` for an all-zero factor.
    history: Option<ScaledDiv>,
    pipeline: Option<ScaledDiv>,
    staffing: Option<ScaledDiv>,
    priority: Option<ScaledDiv>,
    /// With history and pipeline both present: the numerator's
    /// coefficients of Hᵢ and Pᵢ, and the division by the denominator.
    market: Option<([[u64; CAP]; 2], ScaledDiv)>,
    /// The `Cᵢ` coefficient of each term of the composite: a_k · Π_{j≠k} Y_j.
    coefficients: Vec<(Vec<u64>, Score)>,
    composite: ScaledDiv,
    quota: ScaledDiv,
    unit: i64,
    units: i64,
}

impl Pass {
    /// Every child's line, for a common denominator `D` of `N` limbs
    /// (`M = N + 2`): the width is fixed so that the arithmetic unrolls.
    fn lines<const N: usize, const M: usize>(&self, children: &[ChildInput]) -> Vec<Line> {
        let coefficients: Vec<([u64; N], Score)> = self.coefficients.iter().map(|(g, s)| (padded::<N>(g), *s)).collect();
        let share = |div: &Option<ScaledDiv>, x: &[u64]| div.as_ref().map_or(Decimal::ZERO, |d| d.share(x));
        let (mut staffing_memo, mut priority_memo) = (ShareMemo::new(), ShareMemo::new());
        let mut remainders: Vec<[u64; N]> = Vec::with_capacity(children.len());
        let mut given = 0i64;
        let mut lines = Vec::with_capacity(children.len());
        for c in children {
            let h = history_points(&c.history);
            let (hl, pl) = (wide(h), wide(pipeline_points(c.pipeline)));
            let (sl, rl) = (scaled(c.staffing, self.staffing_scale), scaled(c.priority, self.priority_scale));
            let history_share = share(&self.history, &hl);
            let pipeline_share = share(&self.pipeline, &pl);
            let market_share = match &self.market {
                Some(([ch, cp], div)) => div.share_of([(ch, &hl), (cp, &pl)]),
                None if self.history.is_some() => history_share,
                None => pipeline_share,
            };
            // Indexed by `Score`.
            let x = [hl, pl, sl, rl, [1, 0, 0]];
            let numerator = combination::<N, M>(coefficients.iter().map(|(g, score)| (g, &x[*score as usize])));
            let mut remainder = [0u64; N];
            // At most `units`, which is an i64.
            let quota = self.quota.quotient_fixed::<N, M>(&numerator, &mut remainder) as i64;
            remainders.push(remainder);
            given += quota;
            lines.push(Line {
                id: c.id,
                history_score: history_score(h),
                pipeline_score: Decimal::from(c.pipeline.max(0)),
                history_share,
                pipeline_share,
                market_share,
                staffing_share: staffing_memo.share(&self.staffing, &sl),
                priority_share: priority_memo.share(&self.priority, &rl),
                composite: self.composite.share_fixed::<N, M>(&numerator),
                suggested: quota * self.unit,
            });
        }
        // The remainders over D sum to a whole number below n: the units left.
        let left = (self.units - given) as usize;
        if left > 0 {
            // Equal remainders with a larger floor mean a larger composite.
            let mut order: Vec<usize> = (0..children.len()).collect();
            order.select_nth_unstable_by(left - 1, |&a, &b| {
                remainders[b]
                    .iter()
                    .rev()
                    .cmp(remainders[a].iter().rev())
                    .then_with(|| lines[b].suggested.cmp(&lines[a].suggested))
                    .then_with(|| lines[a].id.cmp(&lines[b].id))
            });
            for &i in &order[..left] {
                lines[i].suggested += self.unit;
            }
        }
        lines
    }
}

/// Shares already worked out, by score. Siblings' staffing and priority
/// scores take few values (sums of a few capability weights, HQ's points),
/// so a small direct-mapped memo spares most of their divisions.
struct ShareMemo([Option<([u64; 3], Decimal)>; 64]);

impl ShareMemo {
    fn new() -> ShareMemo {
        ShareMemo([None; 64])
    }

    fn share(&mut self, div: &Option<ScaledDiv>, x: &[u64; 3]) -> Decimal {
        let Some(div) = div else {
            return Decimal::ZERO;
        };
        // Fibonacci hashing: the top 6 bits of a multiplicative hash.
        let slot = ((x[0] ^ x[1].rotate_left(21) ^ x[2].rotate_left(42)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize;
        match self.0[slot] {
            Some((key, share)) if key == *x => share,
            _ => {
                let share = div.share(x);
                self.0[slot] = Some((*x, share));
                share
            }
        }
    }
}

/// A sum of non-negative decimals as an integer at their largest scale,
/// in one pass: the mantissas summed per scale (each sum below
/// 2⁵⁷ · 2⁹⁶ = 2¹⁵³), then brought to the largest.
#[derive(Default)]
struct DecimalSum {
    by_scale: [[u64; 3]; 29],
    scale: u32,
}

impl DecimalSum {
    fn add(&mut self, d: Decimal) {
        self.scale = self.scale.max(d.scale());
        add_to(&mut self.by_scale[d.scale() as usize], &u128_limbs(d.mantissa().unsigned_abs()));
    }

    /// Below 2⁵⁷ · 2¹⁹⁰ = 2²⁴⁷ (see `scaled`).
    fn total(&self) -> Nat {
        let mut sum = Nat::ZERO;
        for (s, part) in self.by_scale.iter().enumerate().take(self.scale as usize + 1) {
            sum.add_assign(Nat::from_limbs(part).mul(&Nat::from_u128(POW10[self.scale as usize - s])).limbs());
        }
        sum
    }
}

/// `d`'s mantissa at `scale` (≥ its own) as limbs: below 2⁹⁶ · 10²⁸ < 2¹⁹⁰.
fn scaled(d: Decimal, scale: u32) -> [u64; 3] {
    let m = u128_limbs(d.mantissa().unsigned_abs());
    if scale == d.scale() {
        return [m[0], m[1], 0];
    }
    let mut out = [0u64; 4];
    mul_add(&mut out, &m, &u128_limbs(POW10[(scale - d.scale()) as usize]));
    [out[0], out[1], out[2]]
}

/// `x` as a three-limb score.
fn wide(x: u128) -> [u64; 3] {
    [x as u64, (x >> 64) as u64, 0]
}

fn u128_limbs(x: u128) -> [u64; 2] {
    [x as u64, (x >> 64) as u64]
}

/// Limbs enough for every number `split` forms: below 2⁹⁴⁰ (see there),
/// times at most 2¹²⁸ in `ScaledDiv`.
const CAP: usize = 18;

/// A natural number in little-endian 64-bit limbs, for the few sums and
/// products a split computes once; arithmetic panics rather than wrap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Nat([u64; CAP]);

impl Nat {
    const ZERO: Nat = Nat([0; CAP]);
    const ONE: Nat = {
        let mut l = [0; CAP];
        l[0] = 1;
        Nat(l)
    };

    fn from_limbs(x: &[u64]) -> Nat {
        let mut n = Nat::ZERO;
        n.add_assign(x);
        n
    }

    fn from_u128(x: u128) -> Nat {
        Nat::from_limbs(&u128_limbs(x))
    }

    /// The limbs without leading zeros.
    fn limbs(&self) -> &[u64] {
        trim(&self.0)
    }

    fn is_zero(&self) -> bool {
        self.limbs().is_empty()
    }

    fn bits(&self) -> u32 {
        let l = self.limbs();
        l.last().map_or(0, |top| 64 * l.len() as u32 - top.leading_zeros())
    }

    fn add_assign(&mut self, x: &[u64]) {
        add_to(&mut self.0, x);
    }

    fn add(mut self, x: &Nat) -> Nat {
        self.add_assign(&x.0);
        self
    }

    fn sub(mut self, x: &Nat) -> Nat {
        sub_assign(&mut self.0, x.limbs());
        self
    }

    fn mul(&self, x: &Nat) -> Nat {
        let mut out = Nat::ZERO;
        mul_add(&mut out.0, self.limbs(), x.limbs());
        out
    }

    fn shl(&self, s: u32) -> Nat {
        assert!(self.bits() + s <= 64 * CAP as u32, "Nat overflow");
        let (limbs, bits) = ((s / 64) as usize, s % 64);
        let mut out = Nat::ZERO;
        for i in (limbs..CAP).rev() {
            let lo = self.0[i - limbs];
            let below = if bits > 0 && i > limbs { self.0[i - limbs - 1] >> (64 - bits) } else { 0 };
            out.0[i] = (lo << bits) | below;
        }
        out
    }

    /// ⌊self / d⌋ for `d > 0`, when that is below 2¹²⁸: long division in
    /// base 2⁶⁴ (Knuth's algorithm D, as in Hacker's Delight `divmnu`).
    fn div_u128(&self, d: &Nat) -> u128 {
        let (num, d) = (self.limbs(), d.limbs());
        let n = d.len();
        let mut q = [0u64; CAP];
        if cmp_limbs(num, d).is_lt() {
            return 0;
        }
        if n == 1 {
            let y = u128::from(d[0]);
            let mut rem = 0u128;
            for (qi, &limb) in q.iter_mut().zip(num).rev() {
                let cur = (rem << 64) | u128::from(limb);
                (*qi, rem) = ((cur / y) as u64, cur % y);
            }
        } else {
            // Normalised so that d's top bit is set: then each estimated
            // quotient digit is at most 2 too large, and the test against
            // d's second limb leaves it at most 1 too large.
            let shift = d[n - 1].leading_zeros();
            let mut dn = [0u64; CAP];
            let mut un = [0u64; CAP + 1];
            for i in 0..n {
                dn[i] = (d[i] << shift) | if shift > 0 && i > 0 { d[i - 1] >> (64 - shift) } else { 0 };
            }
            for i in 0..=num.len() {
                let hi = num.get(i).map_or(0, |l| l << shift);
                let lo = if shift > 0 && i > 0 { num[i - 1] >> (64 - shift) } else { 0 };
                un[i] = hi | lo;
            }
            let (top, second) = (u128::from(dn[n - 1]), u128::from(dn[n - 2]));
            for j in (0..=num.len() - n).rev() {
                let head = (u128::from(un[j + n]) << 64) | u128::from(un[j + n - 1]);
                let (mut qhat, mut rhat) = (head / top, head % top);
                // qhat < 2⁶⁴ before the product is formed, rhat before the shift.
                while qhat >> 64 != 0 || qhat * second > ((rhat << 64) | u128::from(un[j + n - 2])) {
                    qhat -= 1;
                    rhat += top;
                    if rhat >> 64 != 0 {
                        break;
                    }
                }
                // un[j..=j + n] -= qhat · dn, then add dn back if that went below zero.
                let (mut borrow, mut carry) = (0i128, 0u128);
                for i in 0..n {
                    let p = qhat * u128::from(dn[i]) + carry;
                    carry = p >> 64;
                    let t = i128::from(un[i + j]) - borrow - i128::from(p as u64);
                    un[i + j] = t as u64;
                    borrow = i128::from(t < 0);
                }
                let t = i128::from(un[j + n]) - borrow - carry as i128;
                un[j + n] = t as u64;
                if t < 0 {
                    qhat -= 1;
                    let mut carry = 0u128;
                    for i in 0..n {
                        let t = u128::from(un[i + j]) + u128::from(dn[i]) + carry;
                        un[i + j] = t as u64;
                        carry = t >> 64;
                    }
                    un[j + n] = un[j + n].wrapping_add(carry as u64);
                }
                q[j] = qhat as u64;
            }
        }
        assert!(q[2..].iter().all(|l| *l == 0), "quotient beyond 128 bits");
        u128::from(q[0]) | (u128::from(q[1]) << 64)
    }
}

/// `acc += x`; panics rather than wrap.
fn add_to(acc: &mut [u64], x: &[u64]) {
    let x = trim(x);
    assert!(x.len() <= acc.len(), "sum beyond its limbs");
    let mut carry = 0u128;
    for (i, limb) in acc.iter_mut().enumerate() {
        if i >= x.len() && carry == 0 {
            break;
        }
        let t = *limb as u128 + x.get(i).copied().unwrap_or(0) as u128 + carry;
        *limb = t as u64;
        carry = t >> 64;
    }
    assert!(carry == 0, "sum beyond its limbs");
}

fn trim(x: &[u64]) -> &[u64] {
    let len = x.iter().rposition(|l| *l != 0).map_or(0, |i| i + 1);
    &x[..len]
}

fn cmp_limbs(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    if a.len() == b.len() {
        return a.iter().rev().cmp(b.iter().rev());
    }
    let (a, b) = (trim(a), trim(b));
    a.len().cmp(&b.len()).then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

/// `acc += a × b`, skipping `a`'s zero limbs: callers put the factor with
/// fewer significant limbs first. The callers' bounds keep the result
/// inside `acc`; a broken bound panics.
#[inline(always)]
fn mul_add(acc: &mut [u64], a: &[u64], b: &[u64]) {
    for (i, &ai) in a.iter().enumerate() {
        if ai == 0 {
            continue;
        }
        assert!(i + b.len() <= acc.len(), "product beyond its limbs");
        let mut carry = 0u128;
        for (limb, &bj) in acc[i..].iter_mut().zip(b) {
            // At most (2⁶⁴ − 1)² + 2 · (2⁶⁴ − 1) = 2¹²⁸ − 1.
            let t = ai as u128 * bj as u128 + *limb as u128 + carry;
            *limb = t as u64;
            carry = t >> 64;
        }
        for limb in &mut acc[i + b.len()..] {
            if carry == 0 {
                break;
            }
            let t = *limb as u128 + carry;
            *limb = t as u64;
            carry = t >> 64;
        }
        assert!(carry == 0, "product beyond its limbs");
    }
}

/// `a -= b` for `a ≥ b`.
fn sub_assign(a: &mut [u64], b: &[u64]) {
    let mut borrow = false;
    for (i, limb) in a.iter_mut().enumerate() {
        let (d, b1) = limb.overflowing_sub(b.get(i).copied().unwrap_or(0));
        let (d, b2) = d.overflowing_sub(borrow as u64);
        *limb = d;
        borrow = b1 || b2;
        if i >= b.len() && !borrow {
            break;
        }
    }
    assert!(!borrow, "subtraction below zero");
}

/// Bits `s..s + 128` of `t`.
fn bits_from(t: &[u64], s: u32) -> u128 {
    let (l, o) = ((s / 64) as usize, s % 64);
    let at = |i: usize| t.get(i).copied().unwrap_or(0) as u128;
    let lo = at(l) | (at(l + 1) << 64);
    if o == 0 {
        lo
    } else {
        (lo >> o) | (at(l + 2) << (128 - o))
    }
}

/// ⌊x · k / y⌋ and its remainder for any `x ≤ y`, by multiplying with the
/// precomputed `r = ⌊k · 2^s / y⌋` (`s` the bit length of `y`) instead of
/// dividing: `⌊x · r / 2^s⌋` misses the quotient by at most 1, since
/// `x · r / 2^s > x · k / y − x / 2^s` and `x < 2^s`.
struct ScaledDiv {
    y: [u64; CAP],
    /// y's limbs.
    width: usize,
    k: [u64; 2],
    /// At most 2k, so below 2¹²⁸ for k < 2¹²⁷.
    r: [u64; 2],
    s: u32,
}

impl ScaledDiv {
    /// `k` below 2¹²⁷ (the callers': 10²⁸ and a count of units).
    fn new(y: &Nat, k: u128) -> ScaledDiv {
        let s = y.bits();
        let r = Nat::from_u128(k).shl(s).div_u128(y);
        ScaledDiv { y: y.0, width: y.limbs().len(), k: u128_limbs(k), r: u128_limbs(r), s }
    }

    fn width(&self) -> usize {
        self.width
    }

    /// ⌊x · k / y⌋ with `y` in `N` limbs, writing the remainder to
    /// `rem_out`. Products take `M = N + 2` limbs: x · r and x · k stay
    /// below y · 2¹²⁸ < 2^(64(N + 2)). Fixed widths let the compiler unroll
    /// the common sizes.
    #[inline(always)]
    fn quotient_fixed<const N: usize, const M: usize>(&self, x: &[u64; N], rem_out: &mut [u64; N]) -> u128 {
        if N == 1 {
            let (q, r) = self.quotient_one(x[0]);
            rem_out[0] = r;
            return q;
        }
        let y: &[u64; N] = prefix(&self.y);
        let mut product = [0u64; M];
        mul_add(&mut product, &self.r, x);
        let mut q = bits_from(&product, self.s);
        let mut rem = [0u64; M];
        mul_add(&mut rem, &self.k, x);
        let mut back = [0u64; M];
        mul_add(&mut back, &u128_limbs(q), y);
        sub_assign(&mut rem, &back);
        if rem[N..].iter().any(|l| *l != 0) || rem[..N].iter().rev().cmp(y.iter().rev()).is_ge() {
            sub_assign(&mut rem, y);
            q += 1;
        }
        rem_out.copy_from_slice(&rem[..N]);
        q
    }

    /// `quotient_fixed` for a one-limb `y` in native 128-bit arithmetic: the
    /// remainder before correction lies in [0, 2y), so computing it modulo
    /// 2¹²⁸ loses nothing.
    #[inline(always)]
    fn quotient_one(&self, x: u64) -> (u128, u64) {
        let x = u128::from(x);
        let r = u128::from(self.r[0]) | (u128::from(self.r[1]) << 64);
        let k = u128::from(self.k[0]) | (u128::from(self.k[1]) << 64);
        let y = u128::from(self.y[0]);
        // x · r = x · r_lo + 2⁶⁴ · x · r_hi, shifted right by s ≤ 64.
        let lo = x * (r as u64 as u128);
        let hi = x * (r >> 64) + (lo >> 64);
        let mut q = bits_from(&[lo as u64, hi as u64, (hi >> 64) as u64], self.s);
        let mut rem = x.wrapping_mul(k).wrapping_sub(q.wrapping_mul(y));
        if rem >= y {
            rem -= y;
            q += 1;
        }
        (q, rem as u64)
    }

    /// `x / y` for `x ≤ y`, with `k` = 10²⁸: rounded half to even to 28
    /// places, without trailing zeros.
    fn share(&self, x: &[u64]) -> Decimal {
        match self.width {
            1 => self.share_fixed::<1, 3>(&padded(x)),
            2 => self.share_fixed::<2, 4>(&padded(x)),
            3 => self.share_fixed::<3, 5>(&padded(x)),
            4 => self.share_fixed::<4, 6>(&padded(x)),
            _ => self.share_fixed::<CAP, { CAP + 2 }>(&padded(x)),
        }
    }

    /// `share` of Σ cⱼ · xⱼ, with coefficients `cⱼ ≤ y` of `CAP` limbs.
    fn share_of(&self, terms: [(&[u64; CAP], &[u64; 3]); 2]) -> Decimal {
        match self.width {
            1 => self.share_fixed::<1, 3>(&combination::<1, 3>(terms.map(|(c, x)| (prefix(c), x)))),
            2 => self.share_fixed::<2, 4>(&combination::<2, 4>(terms.map(|(c, x)| (prefix(c), x)))),
            3 => self.share_fixed::<3, 5>(&combination::<3, 5>(terms.map(|(c, x)| (prefix(c), x)))),
            4 => self.share_fixed::<4, 6>(&combination::<4, 6>(terms.map(|(c, x)| (prefix(c), x)))),
            _ => self.share_fixed::<CAP, { CAP + 2 }>(&combination::<CAP, { CAP + 2 }>(terms)),
        }
    }

    #[inline(always)]
    fn share_fixed<const N: usize, const M: usize>(&self, x: &[u64; N]) -> Decimal {
        let mut rem = [0u64; N];
        let mut m = self.quotient_fixed::<N, M>(x, &mut rem);
        // The remainder against y − remainder rather than 2 · remainder,
        // which may need another limb.
        let mut other = *prefix::<N>(&self.y);
        sub_assign(&mut other, &rem);
        match rem.iter().rev().cmp(other.iter().rev()) {
            std::cmp::Ordering::Greater => m += 1,
            std::cmp::Ordering::Equal => m += m & 1,
            std::cmp::Ordering::Less => {}
        }
        decimal(m, SHARE_PLACES)
    }
}

/// Σ cⱼ · xⱼ, known to fit `N` limbs, from `N`-limb coefficients and
/// three-limb scores: the partial products reach limb N + 1 at most,
/// inside `M = N + 2`.
#[inline(always)]
fn combination<'a, const N: usize, const M: usize>(terms: impl IntoIterator<Item = (&'a [u64; N], &'a [u64; 3])>) -> [u64; N] {
    let mut sum = [0u64; M];
    for (c, x) in terms {
        mul_add(&mut sum, x, c);
    }
    padded::<N>(&sum)
}

/// The first `N` limbs of a number known to fit them.
#[inline(always)]
fn prefix<const N: usize>(x: &[u64; CAP]) -> &[u64; N] {
    x[..N].try_into().expect("N ≤ CAP")
}

/// `x` in exactly `N` limbs; limbs past `N` must be zero.
#[inline(always)]
fn padded<const N: usize>(x: &[u64]) -> [u64; N] {
    let mut out = [0u64; N];
    for (i, &limb) in x.iter().enumerate() {
        match out.get_mut(i) {
            Some(o) => *o = limb,
            None => assert!(limb == 0, "number beyond its limbs"),
        }
    }
    out
}

/// `m / 10^scale` without trailing zeros.
fn decimal(mut m: u128, mut scale: u32) -> Decimal {
    if m == 0 {
        return Decimal::ZERO;
    }
    // Most values end in no zero: odd, or not a multiple of 5 (as
    // 2⁶⁴ ≡ 1 (mod 5), m's residue is its halves' residues added).
    let residue = ((m as u64) % 5 + ((m >> 64) as u64) % 5) % 5;
    if m & 1 == 1 || residue != 0 {
        return mantissa_decimal(m, scale);
    }
    // Terminating shares end in up to 28 zeros: strip 16, 8, 4, 2, 1 at a
    // time. 10^t divides m when 2^t does and the odd rest m / 2^t is a
    // multiple of 5^t: multiplying by the inverse of 5^t modulo 2¹²⁸ maps
    // the multiples onto exactly [0, ⌊(2¹²⁸ − 1) / 5^t⌋], and gives their
    // quotient, without dividing.
    #[inline(always)]
    fn strip(m: &mut u128, scale: &mut u32, step: u32, inverse: u128, limit: u128) {
        if *scale >= step && m.trailing_zeros() >= step {
            let q = (*m >> step).wrapping_mul(inverse);
            if q <= limit {
                *m = q;
                *scale -= step;
            }
        }
    }
    const fn five_to(step: u32) -> (u128, u128) {
        let d = 5u128.pow(step);
        // Newton's iteration doubles the correct low bits: 3 → 6 → … → 192.
        let mut inverse = d;
        let mut i = 0;
        while i < 6 {
            inverse = inverse.wrapping_mul(2u128.wrapping_sub(d.wrapping_mul(inverse)));
            i += 1;
        }
        (inverse, u128::MAX / d)
    }
    const FIVES: [(u32, (u128, u128)); 5] =
        [(16, five_to(16)), (8, five_to(8)), (4, five_to(4)), (2, five_to(2)), (1, five_to(1))];
    for (step, (inverse, limit)) in FIVES {
        strip(&mut m, &mut scale, step, inverse, limit);
    }
    mantissa_decimal(m, scale)
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
pub(crate) mod tests {
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

    /// Any valid rule: weights summing to 100, any history part, common units.
    pub(crate) fn arb_rule() -> impl Strategy<Value = SplitRule> {
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

    #[test]
    fn equal_remainders_go_to_the_larger_composite_then_the_smaller_id() {
        // Staffing alone: composites 1/6, 4/6, 1/6 of 2 units are quotas 1/3,
        // 4/3, 1/3, whose remainders are all exactly a third.
        let rule = SplitRule {
            weights: Weights { market: Decimal::ZERO, staffing: HUNDRED, priority: Decimal::ZERO },
            ..SplitRule::default()
        };
        let kids = [child(3, [0; 3], 0, 1, 0), child(2, [0; 3], 0, 4, 0), child(1, [0; 3], 0, 1, 0)];
        assert_eq!(split(20_000, &rule, &kids).unwrap().lines.iter().map(|l| l.suggested).collect::<Vec<_>>(), [0, 20_000, 0]);
        assert_eq!(
            split(30_000, &rule, &kids).unwrap().lines.iter().map(|l| l.suggested).collect::<Vec<_>>(),
            [0, 20_000, 10_000]
        );
    }

    #[test]
    fn explanations_are_the_exact_fractions_rounded() {
        let kids = [child(1, [1, 0, 0], 1, 1, 1), child(2, [1, 0, 0], 2, 1, 1)];
        let s = split(30_000, &SplitRule::default(), &kids).unwrap();
        let third = Decimal::from_str_exact("0.3333333333333333333333333333").unwrap();
        assert_eq!(s.lines[0].pipeline_share, third);
        assert_eq!((s.lines[0].history_share.to_string(), s.lines[0].staffing_share.to_string()), ("0.5".into(), "0.5".into()));
        // Market 0.6 · 1/2 + 0.4 · 1/3 = 13/30; composite 50 % of that plus
        // 30 % and 20 % of 1/2 = 7/15 (and 8/15): quotas of 1.4 and 1.6 units.
        assert_eq!(s.lines[0].market_share, Decimal::from_str_exact("0.4333333333333333333333333333").unwrap());
        assert_eq!(s.lines[0].composite, Decimal::from_str_exact("0.4666666666666666666666666667").unwrap());
        assert_eq!(s.lines[1].composite, Decimal::from_str_exact("0.5333333333333333333333333333").unwrap());
        assert_eq!(s.lines[0].history_score, Decimal::from_str_exact("0.5").unwrap());
        assert_eq!((s.lines[0].suggested, s.lines[1].suggested), (10_000, 20_000));
    }

    /// Scores at the ends of their types, and weights and percent with 28
    /// digits, make a common denominator of eleven limbs.
    #[test]
    fn extreme_scores_stay_exact() {
        let big = Decimal::MAX;
        let tiny = Decimal::new(1, 28);
        let kids = [
            ChildInput { id: 1, history: [i64::MAX; 3], pipeline: i64::MAX, staffing: big, priority: tiny },
            ChildInput { id: 2, history: [i64::MAX, 0, 1], pipeline: 1, staffing: tiny, priority: big },
            ChildInput { id: 3, history: [0, 0, 1], pipeline: i64::MAX - 1, staffing: Decimal::ONE, priority: Decimal::ONE },
        ];
        let third = Decimal::from_str_exact("33.33333333333333333333333333").unwrap();
        let rule = SplitRule {
            weights: Weights { market: third, staffing: third, priority: HUNDRED - third - third },
            history_percent: Decimal::from_str_exact("12.34567890123456789012345678").unwrap(),
            unit: 1,
        };
        let total = i64::MAX;
        let s = split(total, &rule, &kids).unwrap();
        assert_eq!(s.lines.iter().map(|l| l.suggested).sum::<i64>(), total);
        let composites: Decimal = s.lines.iter().map(|l| l.composite).sum();
        assert!((composites - Decimal::ONE).abs() < Decimal::new(1, 26), "composites sum to {composites}");
        for l in &s.lines {
            let exact = Decimal::from(total) * l.composite;
            assert!(
                (Decimal::from(l.suggested) - exact).abs() < Decimal::from(2),
                "line {} got {} for {}",
                l.id,
                l.suggested,
                exact
            );
        }
    }

    fn prefix_mut<const N: usize>(x: &mut [u64; CAP]) -> &mut [u64; N] {
        (&mut x[..N]).try_into().unwrap()
    }

    /// q · d + r for a divisor of up to six limbs of any size.
    fn arb_division() -> impl Strategy<Value = (Nat, Nat, u128)> {
        (
            prop::collection::vec(prop_oneof![Just(0u64), Just(u64::MAX), Just(1 << 63), any::<u64>()], 1..7),
            any::<u128>(),
            any::<u128>(),
        )
            .prop_filter_map("a divisor", |(d, q, r)| {
                let d = Nat::from_limbs(&d);
                (!d.is_zero()).then(|| {
                    let r = Nat::from_u128(r);
                    // A remainder below d: r itself, or the largest, d − 1.
                    let r = if cmp_limbs(r.limbs(), d.limbs()).is_lt() { r } else { d.sub(&Nat::ONE) };
                    (Nat::from_u128(q).mul(&d).add(&r), d, q)
                })
            })
    }

    #[test]
    fn scaled_division_is_exact_across_widths() {
        // y of one to five limbs, x ≤ y, k up to 2⁶³: q · y + rem = x · k and rem < y.
        let ys: [&[u64]; 5] = [&[7], &[3, 1], &[u64::MAX, u64::MAX, 5], &[1, 0, 0, 1 << 63], &[9, 8, 7, 6, 5]];
        for y in ys {
            let y = Nat::from_limbs(y);
            for k in [1u128, 10, SHARE_SCALE, i64::MAX as u128] {
                let div = ScaledDiv::new(&y, k);
                for x in [Nat::ZERO, Nat::ONE, y.sub(&Nat::ONE), y, Nat::from_u128(u64::MAX as u128).mul(&Nat::from_u128(3))] {
                    if cmp_limbs(x.limbs(), y.limbs()).is_gt() {
                        continue;
                    }
                    let w = y.limbs().len();
                    let mut rem = [0u64; CAP];
                    let q = match w {
                        1 => div.quotient_fixed::<1, 3>(&padded(x.limbs()), prefix_mut(&mut rem)),
                        2 => div.quotient_fixed::<2, 4>(&padded(x.limbs()), prefix_mut(&mut rem)),
                        3 => div.quotient_fixed::<3, 5>(&padded(x.limbs()), prefix_mut(&mut rem)),
                        4 => div.quotient_fixed::<4, 6>(&padded(x.limbs()), prefix_mut(&mut rem)),
                        _ => div.quotient_fixed::<CAP, { CAP + 2 }>(&x.0, &mut rem),
                    };
                    let rem = Nat::from_limbs(&rem[..w]);
                    assert!(cmp_limbs(rem.limbs(), y.limbs()).is_lt());
                    assert_eq!(Nat::from_u128(q).mul(&y).add(&rem), x.mul(&Nat::from_u128(k)));
                }
            }
        }
    }

    /// A fraction of i128s in lowest terms, for the reference split.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Frac(i128, i128);

    impl Frac {
        fn new(n: i128, d: i128) -> Frac {
            let (mut a, mut b) = (n.abs(), d.abs());
            while b != 0 {
                (a, b) = (b, a % b);
            }
            let g = a.max(1) * d.signum();
            Frac(n / g, d / g)
        }
        fn of(d: Decimal) -> Frac {
            Frac::new(d.mantissa(), 10i128.pow(d.scale()))
        }
        fn add(self, o: Frac) -> Frac {
            Frac::new(self.0 * o.1 + o.0 * self.1, self.1 * o.1)
        }
        fn sub(self, o: Frac) -> Frac {
            self.add(Frac(-o.0, o.1))
        }
        fn mul(self, o: Frac) -> Frac {
            Frac::new(self.0 * o.0, self.1 * o.1)
        }
        fn div(self, o: Frac) -> Frac {
            Frac::new(self.0 * o.1, self.1 * o.0)
        }
        fn cmp(self, o: Frac) -> std::cmp::Ordering {
            (self.0 * o.1).cmp(&(o.0 * self.1))
        }
    }

    /// Each score's share of the siblings' total; `None` when all are zero.
    fn frac_shares(scores: &[Frac]) -> Option<Vec<Frac>> {
        let total = scores.iter().fold(Frac(0, 1), |t, s| t.add(*s));
        (total.0 > 0).then(|| scores.iter().map(|s| s.div(total)).collect())
    }

    /// The suggestions straight from the definition in exact fractions:
    /// shares, market potential, weights spread over the factors with data,
    /// quotas, their floors, and the units left over to the largest
    /// remainders (then the larger composite, then the smaller id).
    fn exact_reference(total: i64, rule: &SplitRule, kids: &[ChildInput]) -> Vec<i64> {
        let hist: Vec<Frac> = kids
            .iter()
            .map(|c| Frac::new(c.history.iter().zip([3, 2, 1]).map(|(v, w)| (*v).max(0) as i128 * w).sum(), 6))
            .collect();
        let hist = frac_shares(&hist);
        let pipe = frac_shares(&kids.iter().map(|c| Frac::new(c.pipeline.max(0) as i128, 1)).collect::<Vec<_>>());
        let staffing = frac_shares(&kids.iter().map(|c| Frac::of(c.staffing)).collect::<Vec<_>>());
        let priority = frac_shares(&kids.iter().map(|c| Frac::of(c.priority)).collect::<Vec<_>>());
        let hp = match (&hist, &pipe) {
            (Some(_), None) => Frac(1, 1),
            (None, Some(_)) => Frac(0, 1),
            _ => Frac::of(rule.history_percent).div(Frac(100, 1)),
        };
        let at = |s: &Option<Vec<Frac>>, i: usize| s.as_ref().map_or(Frac(0, 1), |v| v[i]);
        let market = (hist.is_some() || pipe.is_some())
            .then(|| (0..kids.len()).map(|i| hp.mul(at(&hist, i)).add(Frac(1, 1).sub(hp).mul(at(&pipe, i)))).collect::<Vec<_>>());
        let w = rule.weights;
        let factors = [(market, w.market), (staffing, w.staffing), (priority, w.priority)];
        let live = factors.iter().filter(|(s, _)| s.is_some()).fold(Frac(0, 1), |l, (_, w)| l.add(Frac::of(*w)));
        let composites: Vec<Frac> = (0..kids.len())
            .map(|i| {
                if live.0 == 0 {
                    Frac::new(1, kids.len() as i128)
                } else {
                    factors.iter().fold(Frac(0, 1), |c, (s, w)| c.add(Frac::of(*w).div(live).mul(at(s, i))))
                }
            })
            .collect();
        let units = total / rule.unit;
        let quotas: Vec<Frac> = composites.iter().map(|c| c.mul(Frac(units as i128, 1))).collect();
        let mut out: Vec<i64> = quotas.iter().map(|q| q.0.div_euclid(q.1) as i64).collect();
        let rem: Vec<Frac> = quotas.iter().zip(&out).map(|(q, f)| q.sub(Frac(*f as i128, 1))).collect();
        let mut order: Vec<usize> = (0..kids.len()).collect();
        order.sort_by(|&a, &b| rem[b].cmp(rem[a]).then(composites[b].cmp(composites[a])).then(kids[a].id.cmp(&kids[b].id)));
        let left = units - out.iter().sum::<i64>();
        for &i in &order[..left as usize] {
            out[i] += 1;
        }
        out.iter().map(|u| u * rule.unit).collect()
    }

    /// `units × composite` per child with the composite computed in
    /// `Decimal` the plain way: a division per share, the weights spread
    /// by a division, weight × share summed.
    fn decimal_quotas(total: i64, rule: &SplitRule, kids: &[ChildInput]) -> Vec<Decimal> {
        let dec_shares = |v: Vec<Decimal>| {
            let t: Decimal = v.iter().sum();
            (t > Decimal::ZERO).then(|| v.iter().map(|x| *x / t).collect::<Vec<_>>())
        };
        let hist = dec_shares(
            kids.iter()
                .map(|c| {
                    c.history.iter().zip([3, 2, 1]).map(|(v, w)| Decimal::from((*v).max(0) * w)).sum::<Decimal>()
                        / Decimal::from(6)
                })
                .collect(),
        );
        let pipe = dec_shares(kids.iter().map(|c| Decimal::from(c.pipeline.max(0))).collect());
        let hp = match (&hist, &pipe) {
            (Some(_), None) => HUNDRED,
            (None, Some(_)) => Decimal::ZERO,
            _ => rule.history_percent,
        };
        let at = |s: &Option<Vec<Decimal>>, i: usize| s.as_ref().map_or(Decimal::ZERO, |v| v[i]);
        let market = (hist.is_some() || pipe.is_some())
            .then(|| (0..kids.len()).map(|i| (at(&hist, i) * hp + at(&pipe, i) * (HUNDRED - hp)) / HUNDRED).collect::<Vec<_>>());
        let w = rule.weights;
        let factors = [
            (market, w.market),
            (dec_shares(kids.iter().map(|c| c.staffing).collect()), w.staffing),
            (dec_shares(kids.iter().map(|c| c.priority).collect()), w.priority),
        ];
        let live: Decimal = factors.iter().filter(|(s, _)| s.is_some()).map(|(_, w)| *w).sum();
        let units = Decimal::from(total / rule.unit);
        (0..kids.len())
            .map(|i| {
                let composite = if live.is_zero() {
                    Decimal::ONE / Decimal::from(kids.len() as i64)
                } else {
                    factors.iter().map(|(s, w)| at(s, i) * (*w * HUNDRED / live)).sum::<Decimal>() / HUNDRED
                };
                units * composite
            })
            .collect()
    }

    fn arb_small_children() -> impl Strategy<Value = Vec<ChildInput>> {
        prop::collection::vec((prop::array::uniform3(-100i64..1_000), 0i64..1_000, 0i64..50, 0i64..5), 1..9).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (history, pipeline, tenths, priority))| ChildInput {
                    id: 10 - i as i64,
                    history,
                    pipeline,
                    staffing: Decimal::new(tenths, 1),
                    priority: Decimal::from(priority),
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn agrees_with_the_exact_reference(kids in arb_small_children(), rule in arb_rule(), units in 0i64..10_000) {
            let total = units * rule.unit;
            let s = split(total, &rule, &kids).unwrap();
            prop_assert_eq!(s.lines.iter().map(|l| l.suggested).collect::<Vec<_>>(), exact_reference(total, &rule, &kids));
        }

        /// Largest remainder means: every child gets the floor or the ceiling
        /// of its quota, and no child's excess over its quota beats another's
        /// by more than one unit. The plain `Decimal` quotas are within
        /// 1e-18 of a unit of the exact ones here.
        #[test]
        fn agrees_with_a_decimal_reference(kids in arb_small_children(), rule in arb_rule(), units in 0i64..100_000) {
            let total = units * rule.unit;
            let s = split(total, &rule, &kids).unwrap();
            let quotas = decimal_quotas(total, &rule, &kids);
            let excess: Vec<Decimal> = s.lines.iter().zip(&quotas).map(|(l, q)| Decimal::from(l.suggested / rule.unit) - q).collect();
            let slack = Decimal::new(1, 18);
            let (lo, hi) = (excess.iter().min().unwrap(), excess.iter().max().unwrap());
            prop_assert!(*lo > -Decimal::ONE - slack && *hi < Decimal::ONE + slack, "excess {:?}", excess);
            prop_assert!(*hi - *lo <= Decimal::ONE + slack, "excess {:?}", excess);
        }

        #[test]
        fn shares_are_decimal_division_rounded(x in any::<u128>(), y in prop_oneof![1u128..1_000, 1u128..(1 << 64), 1u128..(1 << 96)]) {
            let x = x % (y + 1);
            let div = ScaledDiv::new(&Nat::from_u128(y), SHARE_SCALE);
            let share = div.share(&u128_limbs(x));
            prop_assert_eq!(share, Decimal::from_i128_with_scale(x as i128, 0) / Decimal::from_i128_with_scale(y as i128, 0));
            prop_assert_eq!(share.scale(), share.normalize().scale(), "{} has trailing zeros", share);
        }

        #[test]
        fn long_division_finds_the_quotient((num, d, q) in arb_division()) {
            prop_assert_eq!(num.div_u128(&d), q);
        }

        #[test]
        fn history_scores_are_decimal_division(points in prop_oneof![0u128..1_000_000, 0u128..(6 << 63)]) {
            let exact = Decimal::from_i128_with_scale(points as i128, 0) / Decimal::from(6);
            let fast = history_score(points);
            prop_assert_eq!((fast, fast.scale()), (exact, exact.scale()));
        }
    }
}
