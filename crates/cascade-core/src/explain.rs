//! Why a target is what it is, in plain words (domain spec §2: "every line
//! keeps its explanation"). A rep or a manager reads these under "my
//! target"; they are written to them in the second person, and "the team" is
//! everyone sharing the parent's target.
//!
//! Money is shown exactly, in yuan with thousands separators and two
//! decimals ("¥1,234,567.89"), never abbreviated, so that the figures in a
//! sentence add up to the figures in the plan. Percentages are rounded to one
//! decimal, without a trailing ".0" ("18.5 %", "40 %").

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::allocation::{Factor, Line, Split, SplitRule};

/// One factor's part in a line's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reason {
    /// `history`, `pipeline`, `staffing` or `priority`.
    pub factor: Factor,
    /// The factor's weight in the split actually made, in percent to two
    /// decimals: history and pipeline each carry their part of market
    /// potential, and the weights of all-zero factors are already spread.
    pub weight_percent: Decimal,
    /// The line's share of the team's total for this factor, in percent to
    /// two decimals.
    pub share_percent: Decimal,
    pub text: String,
}

/// A line's explanation: one sentence, the reasons factor by factor (only
/// factors that weighed in the split), and notes on what the model did with
/// this team's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Explanation {
    pub summary: String,
    pub reasons: Vec<Reason>,
    pub notes: Vec<String>,
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Fen as exact yuan: `123456789` → `"¥1,234,567.89"`, `-5` → `"-¥0.05"`.
pub fn yuan(fen: i64) -> String {
    let abs = fen.unsigned_abs();
    let digits = (abs / 100).to_string();
    // Groups of three from the right; the digits are ASCII, so every chunk is a str.
    let groups: Vec<&str> = digits.as_bytes().rchunks(3).rev().map(|g| std::str::from_utf8(g).unwrap_or_default()).collect();
    let grouped = groups.join(",");
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}¥{grouped}.{:02}", abs % 100)
}

/// A percentage to one decimal, half away from zero, without a trailing
/// ".0": `18.45` → `"18.5 %"`, `40` → `"40 %"`.
pub fn percent(value: Decimal) -> String {
    let rounded = value.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero).normalize();
    // `normalize` keeps the sign of a negative zero.
    let rounded = if rounded.is_zero() { Decimal::ZERO } else { rounded };
    format!("{rounded} %")
}

fn two_decimals(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero).normalize()
}

/// What market potential's part of a factor is, in words.
fn part_of_market(p: Decimal) -> String {
    if p == HUNDRED {
        "all of market potential".to_string()
    } else if p == Decimal::from(50) {
        "half of market potential".to_string()
    } else {
        format!("{} of market potential", percent(p))
    }
}

/// What drives a line most, in words, for the summary.
fn driver(factor: Factor) -> &'static str {
    match factor {
        Factor::History => "your customers' past purchases",
        Factor::Pipeline => "your open pipeline",
        Factor::Market => "your market potential",
        Factor::Staffing => "your staffing strength",
        Factor::Priority => "HQ's product priorities",
    }
}

/// Explains `line` of `split`, made by `rule` over the parent's `total` fen
/// among `siblings` children, for the child called `name`. Only the
/// split's weights and flags are read, so a stored line can be explained
/// without keeping its siblings' lines.
pub fn explain(name: &str, line: &Line, split: &Split, rule: &SplitRule, total: i64, siblings: usize) -> Explanation {
    let n = siblings;
    let of_total = if total > 0 {
        format!(", {} of the team's {}", percent(Decimal::from(line.suggested) * HUNDRED / Decimal::from(total)), yuan(total))
    } else {
        format!("; the team's target is {}", yuan(total))
    };
    let mut notes = Vec::new();
    if split.even {
        notes.push(format!(
            "No one in this team has any history, open pipeline, staffing strength or priority points for the \
             period, so the target is split evenly: one share in {n}."
        ));
        notes.extend(rounding_note(line, rule, total));
        return Explanation {
            summary: format!("{name}: suggested target {}, an even share{of_total}.", yuan(line.suggested)),
            reasons: Vec::new(),
            notes,
        };
    }

    let w = split.weights_used;
    let hp = split.history_percent_used;
    let history_weight = w.market * hp / HUNDRED;
    let pipeline_weight = w.market * (HUNDRED - hp) / HUNDRED;
    let share = |s: Decimal| percent(s * HUNDRED);
    let counts = |weight: Decimal| format!("counts for {} of the split", percent(weight));
    let mut reasons = Vec::new();
    let mut reason = |factor, weight: Decimal, s: Decimal, text: String| {
        if weight > Decimal::ZERO {
            reasons.push(Reason { factor, weight_percent: two_decimals(weight), share_percent: two_decimals(s * HUNDRED), text });
        }
    };

    let booked = if line.history_score > Decimal::ZERO {
        format!(
            "Your customers booked {} a year on average in this period of the last three years \
             (recent years weighted 3:2:1)",
            yuan(fen(line.history_score))
        )
    } else {
        "Your customers booked nothing in this period of the last three years".to_string()
    };
    reason(
        Factor::History,
        history_weight,
        line.history_share,
        format!(
            "{booked}: {} of the team's history. History {} ({}).",
            share(line.history_share),
            counts(history_weight),
            part_of_market(hp)
        ),
    );
    let open = if line.pipeline_score > Decimal::ZERO {
        format!(
            "Your open opportunities expected to close in this period are worth {} after stage probabilities",
            yuan(fen(line.pipeline_score))
        )
    } else {
        "You have no open opportunities expected to close in this period".to_string()
    };
    reason(
        Factor::Pipeline,
        pipeline_weight,
        line.pipeline_share,
        format!(
            "{open}: {} of the team's pipeline. Pipeline {} ({}).",
            share(line.pipeline_share),
            counts(pipeline_weight),
            part_of_market(HUNDRED - hp)
        ),
    );
    reason(
        Factor::Staffing,
        w.staffing,
        line.staffing_share,
        format!(
            "Your staffing strength (capability weights of active reps: A 1.2, B 1.0, C 0.8, hired within 90 days \
             0.5) is {} of the team's. Staffing {}.",
            share(line.staffing_share),
            counts(w.staffing)
        ),
    );
    let equal_priority = split.lines.iter().all(|l| l.priority_share == line.priority_share);
    let priority_text = if equal_priority {
        format!("HQ's product-promotion plan gives everyone in the team the same priority: {} each.", share(line.priority_share))
    } else {
        format!("HQ's product-promotion plan gives you {} of the team's priority points.", share(line.priority_share))
    };
    reason(Factor::Priority, w.priority, line.priority_share, format!("{priority_text} Priority {}.", counts(w.priority)));

    // The factor adding most to the composite, weight × share; ties keep the order above.
    let top = reasons
        .iter()
        .map(|r| (r.factor, r.weight_percent * r.share_percent))
        .fold(None::<(Factor, Decimal)>, |best, (f, c)| match best {
            Some((_, b)) if b >= c => best,
            _ => Some((f, c)),
        })
        .filter(|(_, c)| *c > Decimal::ZERO);
    let summary = match top {
        Some((f, _)) => format!(
            "{name}: suggested target {}{of_total}. The largest part of it comes from {}.",
            yuan(line.suggested),
            driver(f)
        ),
        None => format!(
            "{name}: suggested target {}{of_total}. You have no share of any factor the split uses this period.",
            yuan(line.suggested)
        ),
    };

    let ignored = |f: Factor| split.ignored.contains(&f);
    let spread = |weight: Decimal| format!("its {} weight goes to the other factors in proportion to theirs", percent(weight));
    let rw = rule.weights;
    if ignored(Factor::Market) {
        if rw.market > Decimal::ZERO {
            notes.push(format!(
                "No one in this team has history or open pipeline for the period, so market potential is left out \
                 and {}.",
                spread(rw.market)
            ));
        }
    } else if rw.market > Decimal::ZERO {
        if ignored(Factor::History) && rule.history_percent > Decimal::ZERO {
            notes.push(
                "No one in this team booked anything in this period of the last three years, so open pipeline \
                 alone decides market potential."
                    .to_string(),
            );
        }
        if ignored(Factor::Pipeline) && rule.history_percent < HUNDRED {
            notes.push(
                "No one in this team has open pipeline for the period, so history alone decides market potential.".to_string(),
            );
        }
    }
    if ignored(Factor::Staffing) && rw.staffing > Decimal::ZERO {
        notes.push(format!(
            "No one in this team has an active rep with a capability weight for the period, so staffing is left out \
             and {}.",
            spread(rw.staffing)
        ));
    }
    if ignored(Factor::Priority) && rw.priority > Decimal::ZERO {
        notes.push(format!(
            "HQ's promotion plan gives this team no priority points, so priority is left out and {}.",
            spread(rw.priority)
        ));
    }
    notes.extend(rounding_note(line, rule, total));
    Explanation { summary, reasons, notes }
}

/// A score in fen (recency-weighted history has fractions) as whole fen.
fn fen(score: Decimal) -> i64 {
    score.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero).to_i64().unwrap_or(i64::MAX)
}

/// Says how rounding to whole units moved the target, when it did.
fn rounding_note(line: &Line, rule: &SplitRule, total: i64) -> Option<String> {
    let exact = fen(Decimal::from(total) * line.composite);
    (exact != line.suggested).then(|| {
        format!(
            "Targets are whole multiples of {} so that the team's targets add up to exactly {}; your exact share \
             would be {}.",
            yuan(rule.unit),
            yuan(total),
            yuan(exact)
        )
    })
}

/// The sentence for a manager's change of a suggested target.
pub fn adjustment(suggested: i64, final_target: i64, reason: &str) -> String {
    let reason = reason.trim();
    let why = if reason.is_empty() { ".".to_string() } else { format!(": {reason}") };
    let (from, to) = (yuan(suggested), yuan(final_target));
    if final_target == suggested {
        return format!("Your target is the suggested {to}, unchanged.");
    }
    if suggested == 0 {
        return format!("Your manager set your target to {to} where the model suggested {from}{why}");
    }
    let change = Decimal::from(final_target - suggested) * HUNDRED / Decimal::from(suggested);
    let size = match percent(change.abs()) {
        zero if zero == "0 %" => "less than 0.1 %".to_string(),
        p => p,
    };
    let (verb, side) = if final_target > suggested { ("raised", "above") } else { ("lowered", "below") };
    format!("Your manager {verb} your target {size} {side} the suggestion, from {from} to {to}{why}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::allocation::{split, ChildInput};

    /// Flat history of `yuan` a year, pipeline in yuan.
    fn province(id: i64, history_yuan: i64, pipeline_yuan: i64, staffing: i64) -> ChildInput {
        ChildInput {
            id,
            history: [history_yuan * 100; 3],
            pipeline: pipeline_yuan * 100,
            staffing: Decimal::from(staffing),
            priority: Decimal::ONE,
        }
    }

    #[test]
    fn money_and_percentages_read_exactly() {
        assert_eq!(yuan(0), "¥0.00");
        assert_eq!(yuan(5), "¥0.05");
        assert_eq!(yuan(100_000), "¥1,000.00");
        assert_eq!(yuan(123_456_789), "¥1,234,567.89");
        assert_eq!(yuan(-12_345), "-¥123.45");
        assert_eq!(yuan(i64::MIN), "-¥92,233,720,368,547,758.08");
        assert_eq!(percent(Decimal::new(1845, 2)), "18.5 %");
        assert_eq!(percent(Decimal::from(40)), "40 %");
        assert_eq!(percent(Decimal::new(-1, 3)), "0 %");
    }

    /// The seed's 华南 region: Guangdong holds 40 % of the history and of
    /// the pipeline, 12 of the region's 35 staffing points, and an equal
    /// priority, over a ¥300 M quarter.
    #[test]
    fn guangdong_reads_why_it_carries_the_region() {
        let region = [
            province(1, 40_000_000, 8_000_000, 12),
            province(2, 20_000_000, 4_000_000, 8),
            province(3, 15_000_000, 3_000_000, 6),
            province(4, 15_000_000, 3_000_000, 5),
            province(5, 10_000_000, 2_000_000, 4),
        ];
        let rule = SplitRule::default();
        let total = 30_000_000_000;
        let s = split(total, &rule, &region).unwrap();
        let e = explain("Guangdong", &s.lines[0], &s, &rule, total, s.lines.len());
        assert_eq!(
            e.summary,
            "Guangdong: suggested target ¥102,857,200.00, 34.3 % of the team's ¥300,000,000.00. \
             The largest part of it comes from your customers' past purchases."
        );
        assert_eq!(
            e.reasons[0].text,
            "Your customers booked ¥40,000,000.00 a year on average in this period of the last three years \
             (recent years weighted 3:2:1): 40 % of the team's history. History counts for 30 % of the split \
             (60 % of market potential)."
        );
        assert_eq!(
            e.reasons[1].text,
            "Your open opportunities expected to close in this period are worth ¥8,000,000.00 after stage \
             probabilities: 40 % of the team's pipeline. Pipeline counts for 20 % of the split (40 % of market \
             potential)."
        );
        assert!(e.reasons[2].text.contains("is 34.3 % of the team's. Staffing counts for 30 % of the split."));
        assert_eq!(
            e.reasons[3].text,
            "HQ's product-promotion plan gives everyone in the team the same priority: 20 % each. Priority counts \
             for 20 % of the split."
        );
        let weights: Vec<(Factor, Decimal, Decimal)> =
            e.reasons.iter().map(|r| (r.factor, r.weight_percent, r.share_percent)).collect();
        let d = Decimal::from;
        assert_eq!(
            weights,
            [
                (Factor::History, d(30), d(40)),
                (Factor::Pipeline, d(20), d(40)),
                (Factor::Staffing, d(30), Decimal::new(3429, 2)),
                (Factor::Priority, d(20), d(20)),
            ]
        );
        assert_eq!(
            e.notes,
            ["Targets are whole multiples of ¥100.00 so that the team's targets add up to exactly ¥300,000,000.00; \
              your exact share would be ¥102,857,142.86."]
        );
    }

    #[test]
    fn a_team_without_pipeline_is_told_history_alone_decides() {
        let reps = [province(11, 600_000, 0, 1), province(12, 200_000, 0, 1), province(13, 200_000, 0, 1)];
        let rule = SplitRule::default();
        let s = split(300_000_000, &rule, &reps).unwrap();
        let e = explain("Chen Jing", &s.lines[0], &s, &rule, 300_000_000, s.lines.len());
        assert_eq!(e.notes, ["No one in this team has open pipeline for the period, so history alone decides market potential."]);
        assert_eq!(e.reasons.iter().map(|r| r.factor).collect::<Vec<_>>(), [Factor::History, Factor::Staffing, Factor::Priority]);
        assert!(e.reasons[0]
            .text
            .ends_with("60 % of the team's history. History counts for 50 % of the split (all of market potential)."));
        // 0.5 · 60 % + 0.3 · ⅓ + 0.2 · ⅓ of ¥3 M, in whole ¥100.
        assert!(e.summary.starts_with("Chen Jing: suggested target ¥1,400,000.00, 46.7 % of the team's ¥3,000,000.00."));
        let someone_else = explain("Wu Lei", &s.lines[1], &s, &rule, 300_000_000, s.lines.len());
        assert!(someone_else.reasons[0].text.starts_with("Your customers booked ¥200,000.00 a year on average"));
    }

    #[test]
    fn an_all_zero_team_is_split_evenly_and_told_so() {
        let rule = SplitRule::default();
        let blank = |id| ChildInput { id, history: [0; 3], pipeline: 0, staffing: Decimal::ZERO, priority: Decimal::ZERO };
        let s = split(1_000_000, &rule, &[blank(1), blank(2), blank(3)]).unwrap();
        let e = explain("New territory", &s.lines[1], &s, &rule, 1_000_000, s.lines.len());
        assert_eq!(e.summary, "New territory: suggested target ¥3,300.00, an even share, 33 % of the team's ¥10,000.00.");
        assert!(e.reasons.is_empty());
        assert_eq!(
            e.notes,
            [
                "No one in this team has any history, open pipeline, staffing strength or priority points for the \
                 period, so the target is split evenly: one share in 3.",
                "Targets are whole multiples of ¥100.00 so that the team's targets add up to exactly ¥10,000.00; \
                 your exact share would be ¥3,333.33.",
            ]
        );
    }

    #[test]
    fn dropped_factors_say_where_their_weight_went() {
        let rule = SplitRule::default();
        let reps = [
            ChildInput { id: 1, history: [0; 3], pipeline: 300_000, staffing: Decimal::ZERO, priority: Decimal::ONE },
            ChildInput { id: 2, history: [0; 3], pipeline: 100_000, staffing: Decimal::ZERO, priority: Decimal::ONE },
        ];
        // ¥14,000: Zhou's composite is 19/28, so no rounding note.
        let s = split(1_400_000, &rule, &reps).unwrap();
        assert_eq!(s.weights_used.staffing, Decimal::ZERO);
        let e = explain("Zhou Min", &s.lines[0], &s, &rule, 1_400_000, s.lines.len());
        assert_eq!(
            e.notes,
            [
                "No one in this team booked anything in this period of the last three years, so open pipeline alone \
                 decides market potential.",
                "No one in this team has an active rep with a capability weight for the period, so staffing is left \
                 out and its 30 % weight goes to the other factors in proportion to theirs.",
            ]
        );
        assert_eq!(
            e.reasons.iter().map(|r| r.weight_percent).collect::<Vec<_>>(),
            [Decimal::new(7143, 2), Decimal::new(2857, 2)]
        );
        assert!(e.reasons[0].text.contains("Your open opportunities expected to close in this period are worth ¥3,000.00"));
        assert!(e.reasons[0].text.ends_with("Pipeline counts for 71.4 % of the split (all of market potential)."));
    }

    #[test]
    fn adjustments_say_how_far_and_why() {
        let why = "Shenzhen People's Hospital tender moved into this quarter";
        assert_eq!(
            adjustment(100_000_000, 108_000_000, why),
            "Your manager raised your target 8 % above the suggestion, from ¥1,000,000.00 to ¥1,080,000.00: \
             Shenzhen People's Hospital tender moved into this quarter"
        );
        assert_eq!(
            adjustment(100_000_000, 95_000_000, "  key account lost to a competitor "),
            "Your manager lowered your target 5 % below the suggestion, from ¥1,000,000.00 to ¥950,000.00: key account \
             lost to a competitor"
        );
        assert_eq!(adjustment(100_000_000, 100_000_000, why), "Your target is the suggested ¥1,000,000.00, unchanged.");
        assert_eq!(adjustment(0, 50_000_000, ""), "Your manager set your target to ¥500,000.00 where the model suggested ¥0.00.");
        assert!(adjustment(100_000_000, 100_010_000, why).starts_with("Your manager raised your target less than 0.1 % above"));
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn the_schema_names_the_factors() {
        use utoipa::PartialSchema;
        let factor = serde_json::to_value(Factor::schema()).unwrap();
        assert_eq!(factor["enum"], serde_json::json!(["history", "pipeline", "market", "staffing", "priority"]));
        let explanation = serde_json::to_value(Explanation::schema()).unwrap();
        assert_eq!(explanation["required"], serde_json::json!(["summary", "reasons", "notes"]));
    }

    #[test]
    fn explanations_serialize_for_the_api() {
        let reps = [province(1, 100, 10, 1), province(2, 300, 30, 1)];
        let rule = SplitRule::default();
        let s = split(1_000_000, &rule, &reps).unwrap();
        let e = explain("Li Na", &s.lines[0], &s, &rule, 1_000_000, s.lines.len());
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["reasons"][0]["factor"], "history");
        assert_eq!(json["reasons"][0]["weight_percent"], "30");
        assert_eq!(serde_json::from_value::<Explanation>(json).unwrap(), e);
    }
}
