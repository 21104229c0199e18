//! Why a target is what it is, in plain words (domain spec §2: "every line
//! keeps its explanation"). A rep or a manager reads these under "my
//! target" (为什么我的目标是这个数); they are written to them in the second
//! person, and "the team" is everyone sharing the parent's target.
//!
//! Every sentence exists in Chinese and in English ([`Lang`]); the caller
//! says which, so nothing here knows about requests or settings. Both
//! languages take the same branches, so a Chinese reader is told exactly
//! what an English one is.
//!
//! Money is shown exactly, in yuan with thousands separators and two
//! decimals ("¥1,234,567.89"), never abbreviated, so that the figures in a
//! sentence add up to the figures in the plan. Percentages are rounded to one
//! decimal, without a trailing ".0" ("18.5 %", "40 %").

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::allocation::{Factor, Line, Split, SplitRule};

/// The language an explanation is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Simplified Chinese, `zh-CN`.
    Zh,
    /// English, `en`.
    En,
}

impl Lang {
    /// The BCP 47 tag this language is announced with (`Content-Language`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language a BCP 47 tag or an `Accept-Language` header asks for:
    /// the first supported one in order of preference (q-value, then the
    /// order written). Any `zh` tag (`zh`, `zh-CN`, `zh-Hans`, …) is
    /// Chinese, any `en` tag English; `None` when nothing supported is
    /// asked for (absent, `*`, other languages, `q=0`, garbage), so the
    /// caller falls back to the company's language.
    pub fn from_tag(header: &str) -> Option<Lang> {
        let mut wanted: Vec<(u16, Lang)> = header
            .split(',')
            .filter_map(|item| {
                let mut parts = item.split(';');
                let tag = parts.next()?.trim();
                let mut q = 1000;
                for param in parts {
                    let (key, value) = param.split_once('=')?;
                    if key.trim().eq_ignore_ascii_case("q") {
                        q = quality(value.trim())?;
                    }
                }
                let primary = tag.split(['-', '_']).next().unwrap_or_default();
                let lang = if primary.eq_ignore_ascii_case("zh") {
                    Lang::Zh
                } else if primary.eq_ignore_ascii_case("en") {
                    Lang::En
                } else {
                    return None;
                };
                (q > 0).then_some((q, lang))
            })
            .collect();
        // A stable sort keeps the written order among equal q-values.
        wanted.sort_by_key(|w| std::cmp::Reverse(w.0));
        wanted.first().map(|(_, lang)| *lang)
    }
}

/// An `Accept-Language` q-value in thousandths (`1`, `0.8`, `0.125`); `None`
/// when it is not one (RFC 9110 §12.4.2: at most three decimals, 0 to 1).
fn quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

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
    /// The factor's part in words, in the language asked for.
    pub text: String,
}

/// A line's explanation, in the language asked for: one sentence, the
/// reasons factor by factor (only factors that weighed in the split), and
/// notes on what the model did with this team's data.
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
fn part_of_market(lang: Lang, p: Decimal) -> String {
    match lang {
        Lang::En if p == HUNDRED => "all of market potential".to_string(),
        Lang::En if p == Decimal::from(50) => "half of market potential".to_string(),
        Lang::En => format!("{} of market potential", percent(p)),
        Lang::Zh if p == HUNDRED => "即市场潜力的全部".to_string(),
        Lang::Zh if p == Decimal::from(50) => "即市场潜力的一半".to_string(),
        Lang::Zh => format!("即市场潜力的 {}", percent(p)),
    }
}

/// What drives a line most, in words, for the summary.
fn driver(lang: Lang, factor: Factor) -> &'static str {
    match (lang, factor) {
        (Lang::En, Factor::History) => "your customers' past purchases",
        (Lang::En, Factor::Pipeline) => "your open pipeline",
        (Lang::En, Factor::Market) => "your market potential",
        (Lang::En, Factor::Staffing) => "your staffing strength",
        (Lang::En, Factor::Priority) => "HQ's product priorities",
        (Lang::Zh, Factor::History) => "你的客户过去的采购",
        (Lang::Zh, Factor::Pipeline) => "你在跟进的商机",
        (Lang::Zh, Factor::Market) => "你的市场潜力",
        (Lang::Zh, Factor::Staffing) => "你的人员配置强度",
        (Lang::Zh, Factor::Priority) => "总部的产品优先级",
    }
}

/// "counts for 30 % of the split": a factor's weight in the split made.
fn counts(lang: Lang, weight: Decimal) -> String {
    match lang {
        Lang::En => format!("counts for {} of the split", percent(weight)),
        Lang::Zh => format!("在本次分配中的权重为 {}", percent(weight)),
    }
}

/// Where a left-out factor's weight went.
fn spread(lang: Lang, weight: Decimal) -> String {
    match lang {
        Lang::En => format!("its {} weight goes to the other factors in proportion to theirs", percent(weight)),
        Lang::Zh => format!("其 {} 的权重按比例分给其他因素", percent(weight)),
    }
}

/// Explains `line` of `split`, made by `rule` over the parent's `total` fen
/// among `siblings` children, for the child called `name`, in `lang`. Only
/// the split's weights and flags are read, so a stored line can be
/// explained without keeping its siblings' lines.
pub fn explain(name: &str, line: &Line, split: &Split, rule: &SplitRule, total: i64, siblings: usize, lang: Lang) -> Explanation {
    let n = siblings;
    let suggested = yuan(line.suggested);
    let of_total = match (lang, total > 0) {
        (Lang::En, true) => {
            format!(", {} of the team's {}", percent(Decimal::from(line.suggested) * HUNDRED / Decimal::from(total)), yuan(total))
        }
        (Lang::En, false) => format!("; the team's target is {}", yuan(total)),
        (Lang::Zh, true) => {
            format!("，占团队目标 {} 的 {}", yuan(total), percent(Decimal::from(line.suggested) * HUNDRED / Decimal::from(total)))
        }
        (Lang::Zh, false) => format!("；团队目标为 {}", yuan(total)),
    };
    let mut notes = Vec::new();
    if split.even {
        notes.push(match lang {
            Lang::En => format!(
                "No one in this team has any history, open pipeline, staffing strength or priority points for the \
                 period, so the target is split evenly: one share in {n}."
            ),
            Lang::Zh => format!(
                "本期团队中没有人有历史销售、在跟进的商机、人员配置强度或优先级积分，因此目标平均分成 {n} 份，你得其中一份。"
            ),
        });
        notes.extend(rounding_note(lang, line, rule, total));
        return Explanation {
            summary: match lang {
                Lang::En => format!("{name}: suggested target {suggested}, an even share{of_total}."),
                Lang::Zh => format!("{name}：建议目标 {suggested}，为平均分配{of_total}。"),
            },
            reasons: Vec::new(),
            notes,
        };
    }

    let w = split.weights_used;
    let hp = split.history_percent_used;
    let history_weight = w.market * hp / HUNDRED;
    let pipeline_weight = w.market * (HUNDRED - hp) / HUNDRED;
    let share = |s: Decimal| percent(s * HUNDRED);
    let mut reasons = Vec::new();
    let mut reason = |factor, weight: Decimal, s: Decimal, text: String| {
        if weight > Decimal::ZERO {
            reasons.push(Reason { factor, weight_percent: two_decimals(weight), share_percent: two_decimals(s * HUNDRED), text });
        }
    };

    let booked = match (lang, line.history_score > Decimal::ZERO) {
        (Lang::En, true) => format!(
            "Your customers booked {} a year on average in this period of the last three years \
             (recent years weighted 3:2:1)",
            yuan(fen(line.history_score))
        ),
        (Lang::En, false) => "Your customers booked nothing in this period of the last three years".to_string(),
        (Lang::Zh, true) => {
            format!("过去三年的同一时期，你的客户平均每年采购 {}（近年权重更高，按 3:2:1 加权）", yuan(fen(line.history_score)))
        }
        (Lang::Zh, false) => "过去三年的同一时期，你的客户没有任何采购".to_string(),
    };
    reason(
        Factor::History,
        history_weight,
        line.history_share,
        match lang {
            Lang::En => format!(
                "{booked}: {} of the team's history. History {} ({}).",
                share(line.history_share),
                counts(lang, history_weight),
                part_of_market(lang, hp)
            ),
            Lang::Zh => format!(
                "{booked}，占团队历史销售的 {}。历史销售{}（{}）。",
                share(line.history_share),
                counts(lang, history_weight),
                part_of_market(lang, hp)
            ),
        },
    );
    let open = match (lang, line.pipeline_score > Decimal::ZERO) {
        (Lang::En, true) => format!(
            "Your open opportunities expected to close in this period are worth {} after stage probabilities",
            yuan(fen(line.pipeline_score))
        ),
        (Lang::En, false) => "You have no open opportunities expected to close in this period".to_string(),
        (Lang::Zh, true) => {
            format!("你预计在本期成交的在跟进商机，按阶段概率折算后价值 {}", yuan(fen(line.pipeline_score)))
        }
        (Lang::Zh, false) => "你没有预计在本期成交的在跟进商机".to_string(),
    };
    reason(
        Factor::Pipeline,
        pipeline_weight,
        line.pipeline_share,
        match lang {
            Lang::En => format!(
                "{open}: {} of the team's pipeline. Pipeline {} ({}).",
                share(line.pipeline_share),
                counts(lang, pipeline_weight),
                part_of_market(lang, HUNDRED - hp)
            ),
            Lang::Zh => format!(
                "{open}，占团队商机的 {}。商机{}（{}）。",
                share(line.pipeline_share),
                counts(lang, pipeline_weight),
                part_of_market(lang, HUNDRED - hp)
            ),
        },
    );
    reason(
        Factor::Staffing,
        w.staffing,
        line.staffing_share,
        match lang {
            Lang::En => format!(
                "Your staffing strength (capability weights of active reps: A 1.2, B 1.0, C 0.8, hired within 90 days \
                 0.5) is {} of the team's. Staffing {}.",
                share(line.staffing_share),
                counts(lang, w.staffing)
            ),
            Lang::Zh => format!(
                "你的人员配置强度（在岗销售代表的能力权重：A 1.2，B 1.0，C 0.8，入职不满 90 天 0.5）占团队的 {}。\
                 人员配置{}。",
                share(line.staffing_share),
                counts(lang, w.staffing)
            ),
        },
    );
    let equal_priority = split.lines.iter().all(|l| l.priority_share == line.priority_share);
    let priority_text = match (lang, equal_priority) {
        (Lang::En, true) => format!(
            "HQ's product-promotion plan gives everyone in the team the same priority: {} each.",
            share(line.priority_share)
        ),
        (Lang::En, false) => {
            format!("HQ's product-promotion plan gives you {} of the team's priority points.", share(line.priority_share))
        }
        (Lang::Zh, true) => format!("总部产品推广计划给团队中每个人相同的优先级：各占 {}。", share(line.priority_share)),
        (Lang::Zh, false) => format!("总部产品推广计划分给你的优先级积分占团队的 {}。", share(line.priority_share)),
    };
    reason(
        Factor::Priority,
        w.priority,
        line.priority_share,
        match lang {
            Lang::En => format!("{priority_text} Priority {}.", counts(lang, w.priority)),
            Lang::Zh => format!("{priority_text}战略优先级{}。", counts(lang, w.priority)),
        },
    );

    // The factor adding most to the composite, weight × share; ties keep the order above.
    let top = reasons
        .iter()
        .map(|r| (r.factor, r.weight_percent * r.share_percent))
        .fold(None::<(Factor, Decimal)>, |best, (f, c)| match best {
            Some((_, b)) if b >= c => best,
            _ => Some((f, c)),
        })
        .filter(|(_, c)| *c > Decimal::ZERO);
    let summary = match (lang, top) {
        (Lang::En, Some((f, _))) => {
            format!("{name}: suggested target {suggested}{of_total}. The largest part of it comes from {}.", driver(lang, f))
        }
        (Lang::En, None) => {
            format!("{name}: suggested target {suggested}{of_total}. You have no share of any factor the split uses this period.")
        }
        (Lang::Zh, Some((f, _))) => format!("{name}：建议目标 {suggested}{of_total}。其中最大的一部分来自{}。", driver(lang, f)),
        (Lang::Zh, None) => format!("{name}：建议目标 {suggested}{of_total}。本期分配所用的各项因素中，你都没有份额。"),
    };

    let ignored = |f: Factor| split.ignored.contains(&f);
    let rw = rule.weights;
    if ignored(Factor::Market) {
        if rw.market > Decimal::ZERO {
            notes.push(match lang {
                Lang::En => format!(
                    "No one in this team has history or open pipeline for the period, so market potential is left \
                     out and {}.",
                    spread(lang, rw.market)
                ),
                Lang::Zh => format!("本期团队中没有人有历史销售或在跟进的商机，因此不计市场潜力，{}。", spread(lang, rw.market)),
            });
        }
    } else if rw.market > Decimal::ZERO {
        if ignored(Factor::History) && rule.history_percent > Decimal::ZERO {
            notes.push(match lang {
                Lang::En => "No one in this team booked anything in this period of the last three years, so open \
                             pipeline alone decides market potential."
                    .to_string(),
                Lang::Zh => "过去三年的同一时期，团队中没有人的客户有任何采购，因此市场潜力只看在跟进的商机。".to_string(),
            });
        }
        if ignored(Factor::Pipeline) && rule.history_percent < HUNDRED {
            notes.push(match lang {
                Lang::En => "No one in this team has open pipeline for the period, so history alone decides market \
                             potential."
                    .to_string(),
                Lang::Zh => "本期团队中没有人有在跟进的商机，因此市场潜力只看历史销售。".to_string(),
            });
        }
    }
    if ignored(Factor::Staffing) && rw.staffing > Decimal::ZERO {
        notes.push(match lang {
            Lang::En => format!(
                "No one in this team has an active rep with a capability weight for the period, so staffing is left \
                 out and {}.",
                spread(lang, rw.staffing)
            ),
            Lang::Zh => format!("本期团队中没有计入能力权重的在岗销售代表，因此不计人员配置，{}。", spread(lang, rw.staffing)),
        });
    }
    if ignored(Factor::Priority) && rw.priority > Decimal::ZERO {
        notes.push(match lang {
            Lang::En => format!(
                "HQ's promotion plan gives this team no priority points, so priority is left out and {}.",
                spread(lang, rw.priority)
            ),
            Lang::Zh => {
                format!("总部产品推广计划没有给这个团队任何优先级积分，因此不计战略优先级，{}。", spread(lang, rw.priority))
            }
        });
    }
    notes.extend(rounding_note(lang, line, rule, total));
    Explanation { summary, reasons, notes }
}

/// A score in fen (recency-weighted history has fractions) as whole fen.
fn fen(score: Decimal) -> i64 {
    score.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero).to_i64().unwrap_or(i64::MAX)
}

/// Says how rounding to whole units moved the target, when it did.
fn rounding_note(lang: Lang, line: &Line, rule: &SplitRule, total: i64) -> Option<String> {
    let exact = fen(Decimal::from(total) * line.composite);
    (exact != line.suggested).then(|| match lang {
        Lang::En => format!(
            "Targets are whole multiples of {} so that the team's targets add up to exactly {}; your exact share \
             would be {}.",
            yuan(rule.unit),
            yuan(total),
            yuan(exact)
        ),
        Lang::Zh => format!(
            "目标取 {} 的整数倍，使团队各目标之和恰好等于 {}；按精确比例，你的目标应为 {}。",
            yuan(rule.unit),
            yuan(total),
            yuan(exact)
        ),
    })
}

/// The sentence for a manager's change of a suggested target, in `lang`.
pub fn adjustment(suggested: i64, final_target: i64, reason: &str, lang: Lang) -> String {
    let reason = reason.trim();
    let why = match (lang, reason.is_empty()) {
        (Lang::En, true) => ".".to_string(),
        (Lang::En, false) => format!(": {reason}"),
        (Lang::Zh, true) => "。".to_string(),
        (Lang::Zh, false) => format!("：{reason}"),
    };
    let (from, to) = (yuan(suggested), yuan(final_target));
    if final_target == suggested {
        return match lang {
            Lang::En => format!("Your target is the suggested {to}, unchanged."),
            Lang::Zh => format!("你的目标就是建议目标 {to}，未作调整。"),
        };
    }
    if suggested == 0 {
        return match lang {
            Lang::En => format!("Your manager set your target to {to} where the model suggested {from}{why}"),
            Lang::Zh => format!("模型建议 {from}，经理将你的目标定为 {to}{why}"),
        };
    }
    let change = Decimal::from(final_target - suggested) * HUNDRED / Decimal::from(suggested);
    let p = percent(change.abs());
    let raised = final_target > suggested;
    match lang {
        Lang::En => {
            let size = if p == "0 %" { "less than 0.1 %".to_string() } else { p };
            let (verb, side) = if raised { ("raised", "above") } else { ("lowered", "below") };
            format!("Your manager {verb} your target {size} {side} the suggestion, from {from} to {to}{why}")
        }
        Lang::Zh => {
            let size = if p == "0 %" { "不到 0.1 %".to_string() } else { format!(" {p}") };
            let verb = if raised { "上调" } else { "下调" };
            format!("经理将你的目标从建议的 {from} {verb}{size} 至 {to}{why}")
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

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
    /// priority, over a ¥300 M quarter. Guangdong's line, explained.
    fn explain_huanan(name: &str, lang: Lang) -> Explanation {
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
        explain(name, &s.lines[0], &s, &rule, total, s.lines.len(), lang)
    }

    #[test]
    fn guangdong_reads_why_it_carries_the_region() {
        let e = explain_huanan("Guangdong", Lang::En);
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
        let e = explain("Chen Jing", &s.lines[0], &s, &rule, 300_000_000, s.lines.len(), Lang::En);
        assert_eq!(e.notes, ["No one in this team has open pipeline for the period, so history alone decides market potential."]);
        assert_eq!(e.reasons.iter().map(|r| r.factor).collect::<Vec<_>>(), [Factor::History, Factor::Staffing, Factor::Priority]);
        assert!(e.reasons[0]
            .text
            .ends_with("60 % of the team's history. History counts for 50 % of the split (all of market potential)."));
        // 0.5 · 60 % + 0.3 · ⅓ + 0.2 · ⅓ of ¥3 M, in whole ¥100.
        assert!(e.summary.starts_with("Chen Jing: suggested target ¥1,400,000.00, 46.7 % of the team's ¥3,000,000.00."));
        let someone_else = explain("Wu Lei", &s.lines[1], &s, &rule, 300_000_000, s.lines.len(), Lang::En);
        assert!(someone_else.reasons[0].text.starts_with("Your customers booked ¥200,000.00 a year on average"));
    }

    #[test]
    fn an_all_zero_team_is_split_evenly_and_told_so() {
        let rule = SplitRule::default();
        let blank = |id| ChildInput { id, history: [0; 3], pipeline: 0, staffing: Decimal::ZERO, priority: Decimal::ZERO };
        let s = split(1_000_000, &rule, &[blank(1), blank(2), blank(3)]).unwrap();
        let e = explain("New territory", &s.lines[1], &s, &rule, 1_000_000, s.lines.len(), Lang::En);
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
        let e = explain("Zhou Min", &s.lines[0], &s, &rule, 1_400_000, s.lines.len(), Lang::En);
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
            adjustment(100_000_000, 108_000_000, why, Lang::En),
            "Your manager raised your target 8 % above the suggestion, from ¥1,000,000.00 to ¥1,080,000.00: \
             Shenzhen People's Hospital tender moved into this quarter"
        );
        assert_eq!(
            adjustment(100_000_000, 95_000_000, "  key account lost to a competitor ", Lang::En),
            "Your manager lowered your target 5 % below the suggestion, from ¥1,000,000.00 to ¥950,000.00: key account \
             lost to a competitor"
        );
        assert_eq!(adjustment(100_000_000, 100_000_000, why, Lang::En), "Your target is the suggested ¥1,000,000.00, unchanged.");
        assert_eq!(
            adjustment(0, 50_000_000, "", Lang::En),
            "Your manager set your target to ¥500,000.00 where the model suggested ¥0.00."
        );
        assert!(adjustment(100_000_000, 100_010_000, why, Lang::En)
            .starts_with("Your manager raised your target less than 0.1 % above"));
    }

    /// The same 华南 split as above, read by a Chinese rep: every sentence
    /// in Chinese, the figures identical.
    #[test]
    fn guangdong_reads_why_in_chinese() {
        let e = explain_huanan("广东省区", Lang::Zh);
        assert_eq!(
            e.summary,
            "广东省区：建议目标 ¥102,857,200.00，占团队目标 ¥300,000,000.00 的 34.3 %。其中最大的一部分来自你的客户过去的采购。"
        );
        assert_eq!(
            e.reasons[0].text,
            "过去三年的同一时期，你的客户平均每年采购 ¥40,000,000.00（近年权重更高，按 3:2:1 加权），占团队历史销售的 \
             40 %。历史销售在本次分配中的权重为 30 %（即市场潜力的 60 %）。"
        );
        assert_eq!(
            e.reasons[1].text,
            "你预计在本期成交的在跟进商机，按阶段概率折算后价值 ¥8,000,000.00，占团队商机的 40 %。商机在本次分配中的权重为 \
             20 %（即市场潜力的 40 %）。"
        );
        assert_eq!(
            e.reasons[2].text,
            "你的人员配置强度（在岗销售代表的能力权重：A 1.2，B 1.0，C 0.8，入职不满 90 天 0.5）占团队的 34.3 %。\
             人员配置在本次分配中的权重为 30 %。"
        );
        assert_eq!(
            e.reasons[3].text,
            "总部产品推广计划给团队中每个人相同的优先级：各占 20 %。战略优先级在本次分配中的权重为 20 %。"
        );
        assert_eq!(
            e.notes,
            ["目标取 ¥100.00 的整数倍，使团队各目标之和恰好等于 ¥300,000,000.00；按精确比例，你的目标应为 ¥102,857,142.86。"]
        );
        let en = explain_huanan("广东省区", Lang::En);
        let figures =
            |e: &Explanation| e.reasons.iter().map(|r| (r.factor, r.weight_percent, r.share_percent)).collect::<Vec<_>>();
        assert_eq!(figures(&e), figures(&en), "only the words change with the language");
    }

    #[test]
    fn a_team_without_pipeline_is_told_in_chinese_that_history_alone_decides() {
        let reps = [province(11, 600_000, 0, 1), province(12, 200_000, 0, 1), province(13, 200_000, 0, 1)];
        let rule = SplitRule::default();
        let s = split(300_000_000, &rule, &reps).unwrap();
        let e = explain("陈静", &s.lines[0], &s, &rule, 300_000_000, s.lines.len(), Lang::Zh);
        assert_eq!(e.notes, ["本期团队中没有人有在跟进的商机，因此市场潜力只看历史销售。"]);
        assert!(e.reasons[0].text.ends_with("占团队历史销售的 60 %。历史销售在本次分配中的权重为 50 %（即市场潜力的全部）。"));
        assert!(e.summary.starts_with("陈静：建议目标 ¥1,400,000.00，占团队目标 ¥3,000,000.00 的 46.7 %。"));
        let someone_else = explain("吴磊", &s.lines[1], &s, &rule, 300_000_000, s.lines.len(), Lang::Zh);
        assert!(someone_else.reasons[0].text.starts_with("过去三年的同一时期，你的客户平均每年采购 ¥200,000.00"));
    }

    #[test]
    fn an_all_zero_team_is_told_in_chinese_that_it_is_split_evenly() {
        let rule = SplitRule::default();
        let blank = |id| ChildInput { id, history: [0; 3], pipeline: 0, staffing: Decimal::ZERO, priority: Decimal::ZERO };
        let s = split(1_000_000, &rule, &[blank(1), blank(2), blank(3)]).unwrap();
        let e = explain("新区域", &s.lines[1], &s, &rule, 1_000_000, s.lines.len(), Lang::Zh);
        assert_eq!(e.summary, "新区域：建议目标 ¥3,300.00，为平均分配，占团队目标 ¥10,000.00 的 33 %。");
        assert!(e.reasons.is_empty());
        assert_eq!(
            e.notes,
            [
                "本期团队中没有人有历史销售、在跟进的商机、人员配置强度或优先级积分，因此目标平均分成 3 份，你得其中一份。",
                "目标取 ¥100.00 的整数倍，使团队各目标之和恰好等于 ¥10,000.00；按精确比例，你的目标应为 ¥3,333.33。",
            ]
        );
    }

    #[test]
    fn dropped_factors_say_in_chinese_where_their_weight_went() {
        let rule = SplitRule::default();
        let reps = [
            ChildInput { id: 1, history: [0; 3], pipeline: 300_000, staffing: Decimal::ZERO, priority: Decimal::ONE },
            ChildInput { id: 2, history: [0; 3], pipeline: 100_000, staffing: Decimal::ZERO, priority: Decimal::ONE },
        ];
        let s = split(1_400_000, &rule, &reps).unwrap();
        let e = explain("周敏", &s.lines[0], &s, &rule, 1_400_000, s.lines.len(), Lang::Zh);
        assert_eq!(
            e.notes,
            [
                "过去三年的同一时期，团队中没有人的客户有任何采购，因此市场潜力只看在跟进的商机。",
                "本期团队中没有计入能力权重的在岗销售代表，因此不计人员配置，其 30 % 的权重按比例分给其他因素。",
            ]
        );
        assert!(e.reasons[0].text.starts_with("你预计在本期成交的在跟进商机，按阶段概率折算后价值 ¥3,000.00"));
        assert!(e.reasons[0].text.ends_with("商机在本次分配中的权重为 71.4 %（即市场潜力的全部）。"));
    }

    /// Branches the cases above do not reach, in both languages: no market
    /// data at all, uneven priority points, half of market potential, a
    /// line with nothing of any factor, and a team without a target.
    #[test]
    fn market_left_out_uneven_priority_and_empty_lines_read_in_both_languages() {
        let rule = SplitRule { history_percent: Decimal::from(50), ..SplitRule::default() };
        let rep = |id, staffing: i64, priority: i64| ChildInput {
            id,
            history: [0; 3],
            pipeline: 0,
            staffing: Decimal::from(staffing),
            priority: Decimal::from(priority),
        };
        let s = split(1_000_000, &rule, &[rep(1, 1, 3), rep(2, 1, 1)]).unwrap();
        let zh = explain("李娜", &s.lines[0], &s, &rule, 1_000_000, 2, Lang::Zh);
        let en = explain("Li Na", &s.lines[0], &s, &rule, 1_000_000, 2, Lang::En);
        assert_eq!(zh.notes, ["本期团队中没有人有历史销售或在跟进的商机，因此不计市场潜力，其 50 % 的权重按比例分给其他因素。"]);
        assert_eq!(
            en.notes,
            ["No one in this team has history or open pipeline for the period, so market potential is left out and its \
              50 % weight goes to the other factors in proportion to theirs."]
        );
        assert_eq!(zh.reasons[1].text, "总部产品推广计划分给你的优先级积分占团队的 75 %。战略优先级在本次分配中的权重为 40 %。");
        assert_eq!(
            en.reasons[1].text,
            "HQ's product-promotion plan gives you 75 % of the team's priority points. Priority counts for 40 % of the split."
        );

        let rule = SplitRule { history_percent: Decimal::from(50), ..SplitRule::default() };
        let kids = [
            ChildInput { id: 1, history: [0; 3], pipeline: 0, staffing: Decimal::ZERO, priority: Decimal::ZERO },
            ChildInput { id: 2, history: [100_000; 3], pipeline: 100_000, staffing: Decimal::ONE, priority: Decimal::ZERO },
        ];
        let s = split(0, &rule, &kids).unwrap();
        let zh = explain("新人", &s.lines[0], &s, &rule, 0, 2, Lang::Zh);
        let en = explain("Newcomer", &s.lines[0], &s, &rule, 0, 2, Lang::En);
        assert_eq!(zh.summary, "新人：建议目标 ¥0.00；团队目标为 ¥0.00。本期分配所用的各项因素中，你都没有份额。");
        assert_eq!(
            en.summary,
            "Newcomer: suggested target ¥0.00; the team's target is ¥0.00. You have no share of any factor the split uses \
             this period."
        );
        assert_eq!(zh.reasons[0].text, "过去三年的同一时期，你的客户没有任何采购，占团队历史销售的 0 %。历史销售在本次分配中的权重为 31.3 %（即市场潜力的一半）。");
        assert!(en.reasons[0].text.starts_with("Your customers booked nothing in this period of the last three years: 0 %"));
        assert!(en.reasons[0].text.ends_with("(half of market potential)."));
        assert!(zh.reasons[1].text.starts_with("你没有预计在本期成交的在跟进商机，占团队商机的 0 %。"));
        assert!(en.reasons[1].text.starts_with("You have no open opportunities expected to close in this period: 0 %"));
        assert_eq!(
            zh.notes,
            ["总部产品推广计划没有给这个团队任何优先级积分，因此不计战略优先级，其 20 % 的权重按比例分给其他因素。"]
        );
        assert_eq!(
            en.notes,
            ["HQ's promotion plan gives this team no priority points, so priority is left out and its 20 % weight goes to \
              the other factors in proportion to theirs."]
        );
    }

    #[test]
    fn adjustments_say_in_chinese_how_far_and_why() {
        let why = "深圳市人民医院招标提前到本季度";
        assert_eq!(
            adjustment(100_000_000, 108_000_000, why, Lang::Zh),
            "经理将你的目标从建议的 ¥1,000,000.00 上调 8 % 至 ¥1,080,000.00：深圳市人民医院招标提前到本季度"
        );
        assert_eq!(
            adjustment(100_000_000, 95_000_000, "  重点客户被竞争对手拿下 ", Lang::Zh),
            "经理将你的目标从建议的 ¥1,000,000.00 下调 5 % 至 ¥950,000.00：重点客户被竞争对手拿下"
        );
        assert_eq!(adjustment(100_000_000, 100_000_000, why, Lang::Zh), "你的目标就是建议目标 ¥1,000,000.00，未作调整。");
        assert_eq!(adjustment(0, 50_000_000, "", Lang::Zh), "模型建议 ¥0.00，经理将你的目标定为 ¥500,000.00。");
        assert!(adjustment(100_000_000, 100_010_000, why, Lang::Zh)
            .starts_with("经理将你的目标从建议的 ¥1,000,000.00 上调不到 0.1 % 至"));
    }

    #[test]
    fn languages_are_read_from_tags_and_accept_language() {
        for (header, lang) in [
            ("zh", Some(Lang::Zh)),
            ("zh-CN", Some(Lang::Zh)),
            ("zh-Hans", Some(Lang::Zh)),
            ("ZH-hans-CN", Some(Lang::Zh)),
            ("zh_CN", Some(Lang::Zh)),
            ("en", Some(Lang::En)),
            ("en-US", Some(Lang::En)),
            ("EN-gb", Some(Lang::En)),
            ("zh-CN,zh;q=0.9,en;q=0.8", Some(Lang::Zh)),
            ("en-US,en;q=0.9,zh-CN;q=0.8", Some(Lang::En)),
            ("fr-FR, en;q=0.5, zh;q=0.7", Some(Lang::Zh)),
            ("zh;q=0.2 , en ; q=0.3", Some(Lang::En)),
            ("de, en;q=1.0, zh", Some(Lang::En)),
            ("zh;q=0, en;q=0.001", Some(Lang::En)),
            ("fr, *;q=0.5", None),
            ("zh;q=0", None),
            ("en;q=2, zh;q=abc", None),
            ("en;q=0.1234", None),
            ("en;q", None),
            ("", None),
            ("   ", None),
            ("english", None),
            (",,;", None),
        ] {
            assert_eq!(Lang::from_tag(header), lang, "{header:?}");
        }
        assert_eq!((Lang::Zh.tag(), Lang::En.tag()), ("zh-CN", "en"));
        assert_eq!(Lang::from_tag(Lang::Zh.tag()), Some(Lang::Zh));
        assert_eq!(Lang::from_tag(Lang::En.tag()), Some(Lang::En));
    }

    proptest! {
        /// Chinese and English say the same things about the same figures:
        /// the same reasons with the same weights and shares, as many notes,
        /// the suggested target in the summary; and the Chinese leaves no
        /// English word behind (single capitals are the capability ratings).
        #[test]
        fn chinese_explanations_match_the_english_ones(
            kids in proptest::collection::vec(
                (proptest::array::uniform3(0i64..5_000_000), 0i64..5_000_000, 0i64..4, 0i64..4),
                1..6,
            ),
            units in 0i64..10_000,
            market in 0u32..=10,
            history in 0u32..=4,
            pick in 0usize..6,
        ) {
            let kids: Vec<ChildInput> = kids
                .into_iter()
                .enumerate()
                .map(|(i, (history, pipeline, staffing, priority))| ChildInput {
                    id: i as i64 + 1,
                    history,
                    pipeline,
                    staffing: Decimal::from(staffing),
                    priority: Decimal::from(priority),
                })
                .collect();
            let market = Decimal::from(market * 10);
            let rest = HUNDRED - market;
            let weights = crate::allocation::Weights { market, staffing: rest * Decimal::new(6, 1), priority: rest * Decimal::new(4, 1) };
            let rule = SplitRule { weights, history_percent: Decimal::from(history * 25), ..SplitRule::default() };
            let total = units * rule.unit;
            let s = split(total, &rule, &kids).unwrap();
            let line = &s.lines[pick % s.lines.len()];
            let zh = explain("王芳", line, &s, &rule, total, s.lines.len(), Lang::Zh);
            let en = explain("王芳", line, &s, &rule, total, s.lines.len(), Lang::En);
            let figures = |e: &Explanation| e.reasons.iter().map(|r| (r.factor, r.weight_percent, r.share_percent)).collect::<Vec<_>>();
            prop_assert_eq!(figures(&zh), figures(&en));
            prop_assert_eq!(zh.notes.len(), en.notes.len());
            prop_assert!(zh.summary.starts_with(&format!("王芳：建议目标 {}", yuan(line.suggested))), "{}", zh.summary);
            let texts = std::iter::once(&zh.summary).chain(zh.reasons.iter().map(|r| &r.text)).chain(&zh.notes);
            for text in texts {
                let english = text.as_bytes().windows(2).any(|w| w.iter().all(u8::is_ascii_alphabetic));
                prop_assert!(!english, "English left in {}", text);
            }
        }

        #[test]
        fn any_accept_language_is_read_without_panicking(header in "\\PC{0,40}") {
            let _ = Lang::from_tag(&header);
        }

        #[test]
        fn an_adjustment_reads_in_both_languages(suggested in 0i64..1_000_000_000, delta in -500_000_000i64..500_000_000) {
            let final_target = (suggested + delta).max(0);
            let zh = adjustment(suggested, final_target, "理由", Lang::Zh);
            let en = adjustment(suggested, final_target, "a reason", Lang::En);
            prop_assert!(zh.contains(&yuan(final_target)) && en.contains(&yuan(final_target)));
            prop_assert!(!zh.as_bytes().windows(2).any(|w| w.iter().all(u8::is_ascii_alphabetic)), "{}", zh);
        }
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
        let e = explain("Li Na", &s.lines[0], &s, &rule, 1_000_000, s.lines.len(), Lang::En);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["reasons"][0]["factor"], "history");
        assert_eq!(json["reasons"][0]["weight_percent"], "30");
        assert_eq!(serde_json::from_value::<Explanation>(json).unwrap(), e);
    }
}
