//! How values read on the page, kept out of the components so the host can
//! test them without a browser.

use cascade_api_types::PlanStatus;
pub use cascade_core::explain::{percent, yuan};
use rust_decimal::Decimal;

/// Shown where a value is absent, so an empty cell is not mistaken for a
/// value still loading.
pub const MISSING: &str = "—";

/// The company's name, or [`MISSING`] before the org tree has a root (or when
/// the root's name is blank).
pub fn company_name(name: Option<&str>) -> &str {
    match name.map(str::trim) {
        Some(name) if !name.is_empty() => name,
        _ => MISSING,
    }
}

/// CSS modifier for the health badge: anything but `ok` is worth a look.
pub fn status_tone(status: &str) -> &'static str {
    if status.eq_ignore_ascii_case("ok") {
        "badge badge-ok"
    } else {
        "badge badge-bad"
    }
}

/// A role as the header shows it: Chinese first, English after, like the
/// card titles. An unknown role (a newer server) shows as the server spells it.
pub fn role_label(role: &str) -> String {
    let (zh, en) = match role {
        "hq" => ("总部", "HQ"),
        "admin" => ("管理员", "Admin"),
        "region_manager" => ("大区经理", "Region manager"),
        "province_manager" => ("省区经理", "Province manager"),
        "rep" => ("销售代表", "Sales rep"),
        other => return other.to_owned(),
    };
    format!("{zh} {en}")
}

/// The name in the header: the display name, or the username when the
/// display name is blank.
pub fn person_name<'a>(display_name: &'a str, username: &'a str) -> &'a str {
    match display_name.trim() {
        "" => username,
        name => name,
    }
}

/// The quarter a date falls in, as the API spells periods: month 0–11 (as
/// the browser's clock counts) → `2026-Q4`.
pub fn quarter(year: i32, month0: u32) -> String {
    format!("{year}-Q{}", month0 / 3 + 1)
}

/// Achieved ÷ target as a percentage to one decimal, or [`MISSING`] when
/// there is no target to measure against.
pub fn attainment(ratio: Option<Decimal>) -> String {
    ratio.map_or_else(|| MISSING.to_owned(), |r| percent(r * Decimal::ONE_HUNDRED))
}

/// A plan's status in both languages.
pub fn plan_status_label(status: PlanStatus) -> &'static str {
    match status {
        PlanStatus::Draft => "草稿 Draft",
        PlanStatus::Submitted => "待审批 Submitted",
        PlanStatus::Approved => "已批准 Approved",
        PlanStatus::Returned => "已退回 Returned",
    }
}

/// Gini and max ÷ min of the children's attainment, in one line; parts
/// that cannot be computed (no targets, a zero minimum) are left out.
pub fn spread(gini: Option<Decimal>, max_over_min: Option<Decimal>) -> String {
    let mut parts = Vec::new();
    if let Some(g) = gini {
        parts.push(format!("Gini {}", g.round_dp(2)));
    }
    if let Some(r) = max_over_min {
        parts.push(format!("max ÷ min {}", r.round_dp(1)));
    }
    if parts.is_empty() {
        MISSING.to_owned()
    } else {
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_read_in_both_languages() {
        assert_eq!(role_label("hq"), "总部 HQ");
        assert_eq!(role_label("region_manager"), "大区经理 Region manager");
        assert_eq!(role_label("rep"), "销售代表 Sales rep");
        assert_eq!(role_label("auditor"), "auditor");
    }

    #[test]
    fn a_blank_display_name_falls_back_to_the_username() {
        assert_eq!(person_name("王敏", "hq.ceo"), "王敏");
        assert_eq!(person_name(" ", "hq.ceo"), "hq.ceo");
    }

    #[test]
    fn company_name_shows_a_dash_when_absent_or_blank() {
        assert_eq!(company_name(Some("华康医疗器械有限公司")), "华康医疗器械有限公司");
        assert_eq!(company_name(Some("  Acme ")), "Acme");
        assert_eq!(company_name(Some("   ")), MISSING);
        assert_eq!(company_name(None), MISSING);
    }

    #[test]
    fn only_ok_is_green() {
        assert_eq!(status_tone("ok"), "badge badge-ok");
        assert_eq!(status_tone("OK"), "badge badge-ok");
        assert_eq!(status_tone("degraded"), "badge badge-bad");
        assert_eq!(status_tone(""), "badge badge-bad");
    }

    #[test]
    fn quarters_follow_the_browser_month() {
        assert_eq!(quarter(2026, 0), "2026-Q1");
        assert_eq!(quarter(2026, 2), "2026-Q1");
        assert_eq!(quarter(2026, 3), "2026-Q2");
        assert_eq!(quarter(2026, 10), "2026-Q4");
        assert_eq!(quarter(2026, 11), "2026-Q4");
    }

    #[test]
    fn attainment_reads_as_a_percentage() {
        assert_eq!(attainment(Some(Decimal::new(4523, 4))), "45.2 %");
        assert_eq!(attainment(Some(Decimal::new(12, 1))), "120 %");
        assert_eq!(attainment(None), MISSING);
    }

    #[test]
    fn spread_leaves_out_what_cannot_be_computed() {
        assert_eq!(spread(Some(Decimal::new(1234, 4)), Some(Decimal::new(275, 2))), "Gini 0.12 · max ÷ min 2.8");
        assert_eq!(spread(Some(Decimal::new(5, 1)), None), "Gini 0.5");
        assert_eq!(spread(None, None), MISSING);
    }
}
