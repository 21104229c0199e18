//! One cell as read from either format, and its conversion into a domain
//! value with the reason a user sees when it fails.

use std::borrow::Cow;

use cascade_core::{parse_name, parse_note, Code, Money, NOTE_MAX};
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

/// Longest name or address part.
pub(crate) const NAME_MAX: usize = 100;
/// How much of an offending value an error message quotes.
const QUOTE_MAX: usize = 40;

/// A cell's content. CSV only ever yields `Empty`, `Text` and `NotUtf8`;
/// the typed variants come from Excel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    Empty,
    /// Trimmed and never empty.
    Text(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
    DateTime(NaiveDateTime),
    /// A CSV cell whose bytes are not UTF-8.
    NotUtf8,
    /// An Excel error value such as `#N/A`.
    Error(&'a calamine::CellErrorType),
}

impl<'a> Cell<'a> {
    pub fn text_or_empty(s: &'a str) -> Cell<'a> {
        let t = s.trim();
        if t.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(t)
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The cell as text, the way a person reading the sheet would type it.
    fn text(self) -> Result<Cow<'a, str>, String> {
        match self {
            Cell::Empty => Ok(Cow::Borrowed("")),
            Cell::Text(s) => Ok(Cow::Borrowed(s)),
            Cell::Int(i) => Ok(Cow::Owned(i.to_string())),
            Cell::Float(f) => Ok(Cow::Owned(float_text(f))),
            Cell::Bool(b) => Ok(Cow::Borrowed(if b { "TRUE" } else { "FALSE" })),
            Cell::DateTime(dt) => Ok(Cow::Owned(dt.date().to_string())),
            Cell::NotUtf8 => Err(NOT_UTF8.into()),
            Cell::Error(e) => Err(format!("contains the Excel error {e}")),
        }
    }
}

pub(crate) const NOT_UTF8: &str = "is not UTF-8 text; save the file as \"CSV UTF-8\"";

/// Integral floats print without a fraction so a numeric code such as
/// 90000001 stays "90000001".
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn quoted(s: &str) -> String {
    if s.chars().count() > QUOTE_MAX {
        let head: String = s.chars().take(QUOTE_MAX).collect();
        format!("\"{head}…\"")
    } else {
        format!("\"{s}\"")
    }
}

pub(crate) fn code(cell: Cell<'_>) -> Result<Code, String> {
    match cell {
        // A code Excel turned into a date or a boolean has already lost its
        // original spelling, so guessing it back would be wrong.
        Cell::DateTime(_) => Err("is a date in Excel, not a code; format the column as Text".into()),
        Cell::Bool(_) => Err("is TRUE/FALSE in Excel, not a code".into()),
        other => {
            let text = other.text()?;
            Code::parse(&text).map_err(|e| match e {
                cascade_core::TextError::BadCharacter => format!("{e} (got {})", quoted(&text)),
                e => e.to_string(),
            })
        }
    }
}

/// A custom field cell as text; its type is checked against the field's
/// definition by whoever imports the row.
pub(crate) fn custom_text(cell: Cell<'_>) -> Result<String, String> {
    Ok(cell.text()?.into_owned())
}

pub(crate) fn name(cell: Cell<'_>) -> Result<String, String> {
    parse_name(&cell.text()?, NAME_MAX).map_err(|e| e.to_string())
}

pub(crate) fn note(cell: Cell<'_>) -> Result<String, String> {
    parse_note(&cell.text()?, NOTE_MAX).map_err(|e| e.to_string())
}

pub(crate) fn money(cell: Cell<'_>) -> Result<Money, String> {
    let parsed = match cell {
        Cell::Int(i) => Money::parse(Decimal::from(i)),
        // Excel shows at most 15 significant digits; reading the float the
        // same way turns a formula result like 110.00000000000001 back into
        // the 110.00 the user sees, and recovers exactly any amount that was
        // written as a number.
        Cell::Float(f) => match Decimal::from_scientific(&format!("{f:.14e}")) {
            Ok(d) => Money::parse(d),
            Err(_) => return Err("is out of range".into()),
        },
        Cell::Bool(_) | Cell::DateTime(_) => return Err("is not a decimal number".into()),
        other => {
            let text = other.text()?;
            return Money::parse_str(&text).map_err(|e| match e {
                cascade_core::MoneyError::NotANumber => format!("{e} (got {})", quoted(&text)),
                e => e.to_string(),
            });
        }
    };
    parsed.map_err(|e| e.to_string())
}

pub(crate) fn non_negative_money(cell: Cell<'_>) -> Result<Money, String> {
    let m = money(cell)?;
    Money::parse_non_negative(m.amount()).map_err(|e| e.to_string())
}

const DATE_FORMAT: &str = "is not a date in the form YYYY-MM-DD";

pub(crate) fn date(cell: Cell<'_>) -> Result<NaiveDate, String> {
    match cell {
        Cell::DateTime(dt) => Ok(dt.date()),
        Cell::Text(s) => parse_date(s).ok_or_else(|| {
            if looks_like_date(s) {
                format!("is not a calendar date (got {})", quoted(s))
            } else {
                format!("{DATE_FORMAT} (got {})", quoted(s))
            }
        }),
        // A number in a date column is an Excel serial date whose cell lost
        // its date format (e.g. pasted as values).
        Cell::Int(i) => serial_date(i as f64),
        Cell::Float(f) => serial_date(f),
        other => {
            other.text()?;
            Err(DATE_FORMAT.into())
        }
    }
}

/// Excel's last date, 9999-12-31.
const MAX_SERIAL: f64 = 2_958_465.0;

fn serial_date(serial: f64) -> Result<NaiveDate, String> {
    if !(1.0..=MAX_SERIAL).contains(&serial) {
        return Err(format!("is the number {}, not a date in the form YYYY-MM-DD", float_text(serial)));
    }
    calamine::ExcelDateTime::new(serial, calamine::ExcelDateTimeType::DateTime, false)
        .as_datetime()
        .map(|dt| dt.date())
        .ok_or_else(|| DATE_FORMAT.into())
}

/// `YYYY-MM-DD` or `YYYY/MM/DD`; month and day may have one digit because
/// Excel in Chinese locales exports dates as `2024/1/5`.
pub(crate) fn parse_date(s: &str) -> Option<NaiveDate> {
    let (y, m, d) = date_parts(s)?;
    NaiveDate::from_ymd_opt(y, m, d)
}

fn looks_like_date(s: &str) -> bool {
    date_parts(s).is_some()
}

fn date_parts(s: &str) -> Option<(i32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() < 8 || b.len() > 10 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sep = b[4];
    if sep != b'-' && sep != b'/' {
        return None;
    }
    let rest = &s[5..];
    let (m, d) = rest.split_once(sep as char)?;
    let small = |p: &str| -> Option<u32> {
        if (1..=2).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit()) {
            p.parse().ok()
        } else {
            None
        }
    };
    Some((s[..4].parse().ok()?, small(m)?, small(d)?))
}

/// A word from a closed list; `parse` is the value type's own.
pub(crate) fn word<T>(cell: Cell<'_>, parse: impl Fn(&str) -> Option<T>, allowed: &[&str]) -> Result<T, String> {
    let text = cell.text()?;
    parse(&text).ok_or_else(|| format!("must be one of: {} (got {})", allowed.join(" "), quoted(&text)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_both_spellings() {
        assert_eq!(date(Cell::Text("2024-01-05")), Ok(d(2024, 1, 5)));
        assert_eq!(date(Cell::Text("2024/1/5")), Ok(d(2024, 1, 5)));
        assert_eq!(date(Cell::Text("2024/12/31")), Ok(d(2024, 12, 31)));
    }

    #[test]
    fn date_errors_say_what_is_wrong() {
        assert_eq!(date(Cell::Text("05.01.2024")).unwrap_err(), "is not a date in the form YYYY-MM-DD (got \"05.01.2024\")");
        assert_eq!(date(Cell::Text("2024-1-5x")).unwrap_err(), "is not a date in the form YYYY-MM-DD (got \"2024-1-5x\")");
        assert_eq!(date(Cell::Text("2024-01/05")).unwrap_err(), "is not a date in the form YYYY-MM-DD (got \"2024-01/05\")");
        assert_eq!(date(Cell::Text("2023-02-29")).unwrap_err(), "is not a calendar date (got \"2023-02-29\")");
        assert_eq!(date(Cell::Bool(true)).unwrap_err(), DATE_FORMAT);
        assert_eq!(date(Cell::Float(20240105.0)).unwrap_err(), "is the number 20240105, not a date in the form YYYY-MM-DD");
    }

    #[test]
    fn excel_dates_and_serials() {
        let dt = d(2024, 3, 1).and_hms_opt(13, 30, 0).unwrap();
        assert_eq!(date(Cell::DateTime(dt)), Ok(d(2024, 3, 1)));
        assert_eq!(date(Cell::Float(45292.0)), Ok(d(2024, 1, 1)));
        assert_eq!(date(Cell::Int(45292)), Ok(d(2024, 1, 1)));
    }

    #[test]
    fn numeric_codes_lose_no_digits_and_gain_no_fraction() {
        assert_eq!(code(Cell::Float(90000001.0)).unwrap().as_str(), "90000001");
        assert_eq!(code(Cell::Int(42)).unwrap().as_str(), "42");
        assert_eq!(code(Cell::Float(1.5)).unwrap().as_str(), "1.5");
        assert!(code(Cell::DateTime(d(2024, 1, 1).into())).unwrap_err().contains("format the column as Text"));
        assert_eq!(
            code(Cell::Text("广东01")).unwrap_err(),
            "may only contain letters, digits, '-', '_' and '.' (got \"广东01\")"
        );
        assert_eq!(code(Cell::Text(&"x".repeat(65))).unwrap_err(), "must be at most 64 characters");
    }

    #[test]
    fn money_from_text_and_numbers() {
        assert_eq!(money(Cell::Text("-30")).unwrap(), Money::from_fen(-3000));
        assert_eq!(money(Cell::Float(1234.56)).unwrap(), Money::from_fen(123456));
        assert_eq!(money(Cell::Float(110.00000000000001)).unwrap(), Money::from_fen(11000));
        assert_eq!(money(Cell::Int(7)).unwrap(), Money::from_fen(700));
        assert_eq!(money(Cell::Text("1,250")).unwrap_err(), "is not a decimal number (got \"1,250\")");
        assert_eq!(money(Cell::Text("1.005")).unwrap_err(), "has more than two decimal places (the smallest unit is 0.01)");
        assert_eq!(money(Cell::Float(0.001)).unwrap_err(), "has more than two decimal places (the smallest unit is 0.01)");
        assert!(money(Cell::Float(1e20)).unwrap_err().starts_with("is out of range"));
        assert_eq!(non_negative_money(Cell::Text("-0.01")).unwrap_err(), "must not be negative");
        assert_eq!(non_negative_money(Cell::Text("0")).unwrap(), Money::ZERO);
    }

    #[test]
    fn text_cells() {
        assert_eq!(name(Cell::Text("华南大区")).unwrap(), "华南大区");
        assert_eq!(name(Cell::Text("a\u{7}b")).unwrap_err(), "must not contain control characters");
        assert_eq!(name(Cell::Text(&"长".repeat(101))).unwrap_err(), "must be at most 100 characters");
        assert_eq!(note(Cell::Text("line 1\r\nline 2")).unwrap(), "line 1\r\nline 2");
        assert_eq!(name(Cell::NotUtf8).unwrap_err(), NOT_UTF8);
        assert_eq!(name(Cell::Error(&calamine::CellErrorType::NA)).unwrap_err(), "contains the Excel error #N/A");
    }

    #[test]
    fn words_list_what_is_allowed() {
        let parse = |s: &str| cascade_core::RepStatus::parse(s).ok();
        let allowed = ["active", "on_leave", "departed"];
        assert_eq!(word(Cell::Text("active"), parse, &allowed), Ok(cascade_core::RepStatus::Active));
        assert_eq!(
            word(Cell::Text("gone"), parse, &allowed).unwrap_err(),
            "must be one of: active on_leave departed (got \"gone\")"
        );
    }

    proptest! {
        // Amounts are exported to Excel as numbers; this is the read side of
        // that promise for every amount Money accepts.
        #[test]
        fn every_amount_survives_a_trip_through_an_excel_number(fen in -1_000_000_000_000_000i64..=1_000_000_000_000_000i64) {
            let written = fen as f64 / 100.0;
            prop_assert_eq!(money(Cell::Float(written)).unwrap(), Money::from_fen(fen));
        }

        #[test]
        fn every_date_reads_back(days in 0i64..80_000) {
            let day = d(1900, 3, 1) + chrono::Duration::days(days);
            prop_assert_eq!(parse_date(&day.to_string()), Some(day));
        }
    }
}
