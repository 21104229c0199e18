//! How values read on the page, kept out of the components so the host can
//! test them without a browser.

pub use cascade_core::explain::{percent, yuan};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::i18n::Lang;

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

/// A file's size as people read it: bytes, KB or MB (1024-based, one
/// decimal, half up). In whole tenths, not floats: formatting a float
/// would compile float printing into the WASM for this one line.
pub fn file_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    let tenths = |unit: u64| {
        let t = (u128::from(bytes) * 10 + u128::from(unit) / 2) / u128::from(unit);
        format!("{}.{}", t / 10, t % 10)
    };
    match bytes {
        b if b < KB => format!("{b} B"),
        b if b < KB * KB => format!("{} KB", tenths(KB)),
        _ => format!("{} MB", tenths(KB * KB)),
    }
}

/// A moment as the company reads it, in its time zone (never the
/// browser's), in the language shown: "2026年12月3日 14:05", "Dec 3, 2026,
/// 2:05 PM". Browser-only: the browser's `Intl` knows the time zones.
pub fn moment(unix_millis: i64, time_zone: &str, lang: Lang) -> String {
    let options = js_sys::Object::new();
    for (key, value) in [("timeZone", time_zone), ("dateStyle", "medium"), ("timeStyle", "short")] {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    // Milliseconds since 1970 are exact in an f64 for another 285,000 years.
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_millis as f64));
    date.to_locale_string(lang.tag(), &options).into()
}

/// The name in the header: the display name, or the username when the
/// display name is blank.
pub fn person_name<'a>(display_name: &'a str, username: &'a str) -> &'a str {
    match display_name.trim() {
        "" => username,
        name => name,
    }
}

/// Achieved ÷ target as a percentage to one decimal, or [`MISSING`] when
/// there is no target to measure against.
pub fn attainment(ratio: Option<Decimal>) -> String {
    ratio.map_or_else(|| MISSING.to_owned(), |r| percent(r * Decimal::ONE_HUNDRED))
}

/// A headline amount as a Chinese reader expects it, in 万 (ten thousand
/// yuan) to two decimals, or in millions for an English reader. Tables that
/// must reconcile show full yuan ([`yuan`]) instead.
pub fn headline(fen: i64, lang: Lang) -> String {
    let divisor = match lang {
        Lang::Zh => 1_000_000,
        Lang::En => 100_000_000,
    };
    let unit = crate::catalogue::HEADLINE_UNIT.get(lang);
    let value = (Decimal::from(fen) / Decimal::from(divisor)).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let sign = if value.is_sign_negative() { "-" } else { "" };
    let abs = value.abs();
    let whole = abs.trunc().to_string();
    let cents = ((abs - abs.trunc()) * Decimal::ONE_HUNDRED).round().to_string();
    format!("{sign}¥{}.{cents:0>2} {unit}", group(&whole))
}

/// A count with thousands separators (`12,500` rows).
pub fn count(n: u64) -> String {
    group(&n.to_string())
}

/// Thousands separators for a run of digits.
fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How far a final target is from its suggestion, signed, to one decimal
/// (`+4.5 %`); [`MISSING`] when there is no suggestion to compare with.
pub fn change(suggested_fen: i64, final_fen: i64) -> String {
    if suggested_fen == 0 {
        return MISSING.to_owned();
    }
    let ratio = (Decimal::from(final_fen) - Decimal::from(suggested_fen)) * Decimal::ONE_HUNDRED / Decimal::from(suggested_fen);
    let text = percent(ratio);
    // A rise too small to show reads "0 %", not "+0 %".
    let sign = if ratio.is_sign_positive() && text != "0 %" { "+" } else { "" };
    format!("{sign}{text}")
}

/// Whether a final target lies inside its band.
pub fn in_band(final_fen: i64, band_min_fen: i64, band_max_fen: i64) -> bool {
    (band_min_fen..=band_max_fen).contains(&final_fen)
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

/// A day as `<input type="date">` gives it, `2026-12-31`, and nothing
/// else. Read by hand on purpose: chrono's format-string parser would add
/// its whole machinery to the WASM for this one shape.
pub fn day(text: &str) -> Option<chrono::NaiveDate> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range.clone())?.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(0..4)?).ok()?;
    chrono::NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_reads_only_as_a_date_input_writes_it() {
        assert_eq!(day("2026-12-31"), chrono::NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(day("2028-02-29"), chrono::NaiveDate::from_ymd_opt(2028, 2, 29));
        for bad in [
            "",
            "2026-02-30",
            "2026-13-01",
            "2026-1-05",
            "2026/01/05",
            "2026-01-05 ",
            "+026-01-05",
            "２０２６-01-05",
            "2026-01-0５",
        ] {
            assert_eq!(day(bad), None, "{bad}");
        }
    }

    #[test]
    fn file_sizes_read_in_bytes_kb_or_mb() {
        assert_eq!(file_size(0), "0 B");
        assert_eq!(file_size(1023), "1023 B");
        assert_eq!(file_size(1536), "1.5 KB");
        assert_eq!(file_size(10 * 1024 * 1024), "10.0 MB");
        assert_eq!(file_size(1024 * 1024 - 1), "1024.0 KB");
        assert_eq!(file_size(1075), "1.0 KB");
        assert_eq!(file_size(1076), "1.1 KB");
        assert_eq!(file_size(u64::MAX), "17592186044416.0 MB");
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
    fn headlines_read_in_wan_or_millions() {
        assert_eq!(headline(1_234_567_800, Lang::Zh), "¥1,234.57 万");
        assert_eq!(headline(1_234_567_800, Lang::En), "¥12.35 M");
        assert_eq!(headline(0, Lang::Zh), "¥0.00 万");
        assert_eq!(headline(-50_000_000, Lang::Zh), "-¥50.00 万");
        assert_eq!(headline(120_000_000_000, Lang::Zh), "¥120,000.00 万");
        assert_eq!(headline(100_000, Lang::En), "¥0.00 M");
    }

    #[test]
    fn changes_are_signed_against_the_suggestion() {
        assert_eq!(change(100_000, 104_500), "+4.5 %");
        assert_eq!(change(100_000, 85_000), "-15 %");
        assert_eq!(change(100_000, 100_000), "0 %");
        assert_eq!(change(1_000_000, 1_000_001), "0 %");
        assert_eq!(change(0, 5), MISSING);
    }

    #[test]
    fn the_band_includes_its_ends() {
        assert!(in_band(85, 85, 115));
        assert!(in_band(115, 85, 115));
        assert!(!in_band(84, 85, 115));
        assert!(!in_band(116, 85, 115));
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
