//! How values read on the page, kept out of the components so the host can
//! test them without a browser.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
