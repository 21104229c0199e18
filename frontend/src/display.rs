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
}
