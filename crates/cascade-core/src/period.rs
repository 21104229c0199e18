//! Fiscal periods: a year, a quarter or a month of the company's calendar.
//!
//! Periods are calendar dates in the company's time zone (Asia/Shanghai by
//! default); turning an instant into a date in that zone is the caller's job,
//! so this module never looks at a clock or a zone database.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("must look like 2026, 2026-Q2 or 2026-05")]
    Malformed,
    #[error("year must be between 2000 and 2100")]
    YearOutOfRange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Year,
    Quarter,
    Month,
}

/// A year, quarter (1–4) or month (1–12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Year(i32),
    Quarter(i32, u32),
    Month(i32, u32),
}

fn check_year(y: i32) -> Result<i32, PeriodError> {
    if (2000..=2100).contains(&y) {
        Ok(y)
    } else {
        Err(PeriodError::YearOutOfRange)
    }
}

impl Period {
    pub fn parse(text: &str) -> Result<Self, PeriodError> {
        let t = text.trim();
        let (year, rest) = match t.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (t, None),
        };
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PeriodError::Malformed);
        }
        let y = check_year(year.parse().map_err(|_| PeriodError::Malformed)?)?;
        match rest {
            None => Ok(Period::Year(y)),
            Some(r) if r.len() == 2 && (r.starts_with('Q') || r.starts_with('q')) => match &r[1..] {
                q @ ("1" | "2" | "3" | "4") => Ok(Period::Quarter(y, q.parse().map_err(|_| PeriodError::Malformed)?)),
                _ => Err(PeriodError::Malformed),
            },
            Some(r) if r.len() == 2 && r.bytes().all(|b| b.is_ascii_digit()) => {
                let m: u32 = r.parse().map_err(|_| PeriodError::Malformed)?;
                if (1..=12).contains(&m) {
                    Ok(Period::Month(y, m))
                } else {
                    Err(PeriodError::Malformed)
                }
            }
            Some(_) => Err(PeriodError::Malformed),
        }
    }

    /// The period of the given kind that contains `date`.
    pub fn containing(date: NaiveDate, kind: PeriodKind) -> Self {
        match kind {
            PeriodKind::Year => Period::Year(date.year()),
            PeriodKind::Quarter => Period::Quarter(date.year(), (date.month() - 1) / 3 + 1),
            PeriodKind::Month => Period::Month(date.year(), date.month()),
        }
    }

    pub fn kind(self) -> PeriodKind {
        match self {
            Period::Year(_) => PeriodKind::Year,
            Period::Quarter(..) => PeriodKind::Quarter,
            Period::Month(..) => PeriodKind::Month,
        }
    }

    pub fn year(self) -> i32 {
        match self {
            Period::Year(y) | Period::Quarter(y, _) | Period::Month(y, _) => y,
        }
    }

    /// First day of the period.
    pub fn start(self) -> NaiveDate {
        let (y, m) = match self {
            Period::Year(y) => (y, 1),
            Period::Quarter(y, q) => (y, (q - 1) * 3 + 1),
            Period::Month(y, m) => (y, m),
        };
        first_of_month(y, m)
    }

    /// The day after the period's last day (half-open range `[start, end)`).
    pub fn end_exclusive(self) -> NaiveDate {
        let (y, m) = match self {
            Period::Year(y) => (y + 1, 1),
            Period::Quarter(y, 4) => (y + 1, 1),
            Period::Quarter(y, q) => (y, q * 3 + 1),
            Period::Month(y, 12) => (y + 1, 1),
            Period::Month(y, m) => (y, m + 1),
        };
        first_of_month(y, m)
    }

    /// Last day of the period.
    pub fn end(self) -> NaiveDate {
        self.end_exclusive().pred_opt().unwrap_or(NaiveDate::MIN)
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        date >= self.start() && date < self.end_exclusive()
    }

    /// The same period `years` years earlier (the basis of history scores).
    pub fn years_earlier(self, years: i32) -> Self {
        match self {
            Period::Year(y) => Period::Year(y - years),
            Period::Quarter(y, q) => Period::Quarter(y - years, q),
            Period::Month(y, m) => Period::Month(y - years, m),
        }
    }

    /// The periods one level down: a year's quarters, a quarter's months.
    pub fn children(self) -> Vec<Period> {
        match self {
            Period::Year(y) => (1..=4).map(|q| Period::Quarter(y, q)).collect(),
            Period::Quarter(y, q) => ((q - 1) * 3 + 1..=q * 3).map(|m| Period::Month(y, m)).collect(),
            Period::Month(..) => Vec::new(),
        }
    }
}

fn first_of_month(y: i32, m: u32) -> NaiveDate {
    // Years are range-checked on parse, so the date always exists.
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN)
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Year(y) => write!(f, "{y}"),
            Period::Quarter(y, q) => write!(f, "{y}-Q{q}"),
            Period::Month(y, m) => write!(f, "{y}-{m:02}"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s)
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The one way a period is written on the wire (years 2000–2100).
pub const PERIOD_PATTERN: &str = r"^(20[0-9]{2}|2100)(-Q[1-4]|-(0[1-9]|1[0-2]))?$";

impl<'de> Deserialize<'de> for Period {
    /// Exactly as written by `Display`: no spaces, an upper-case `Q`.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let p = Period::parse(&s).map_err(serde::de::Error::custom)?;
        if p.to_string() != s {
            return Err(serde::de::Error::custom(PeriodError::Malformed));
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_the_three_kinds() {
        assert_eq!(Period::parse("2026").unwrap(), Period::Year(2026));
        assert_eq!(Period::parse("2026-Q2").unwrap(), Period::Quarter(2026, 2));
        assert_eq!(Period::parse("2026-q4").unwrap(), Period::Quarter(2026, 4));
        assert_eq!(Period::parse("2026-05").unwrap(), Period::Month(2026, 5));
    }

    #[test]
    fn refuses_malformed() {
        for bad in ["", "26", "2026-Q5", "2026-13", "2026-5", "2026-Q", "x2026", "1999", "2026-00"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bounds() {
        let q = Period::Quarter(2026, 4);
        assert_eq!(q.start(), d(2026, 10, 1));
        assert_eq!(q.end(), d(2026, 12, 31));
        assert_eq!(Period::Month(2024, 2).end(), d(2024, 2, 29));
        assert!(Period::Year(2025).contains(d(2025, 12, 31)));
        assert!(!Period::Year(2025).contains(d(2026, 1, 1)));
    }

    #[test]
    fn children_and_history() {
        assert_eq!(
            Period::Quarter(2026, 2).children(),
            vec![Period::Month(2026, 4), Period::Month(2026, 5), Period::Month(2026, 6)]
        );
        assert_eq!(Period::Year(2026).children().len(), 4);
        assert_eq!(Period::Quarter(2026, 2).years_earlier(3), Period::Quarter(2023, 2));
    }

    proptest! {
        #[test]
        fn every_day_is_in_exactly_its_periods(days in 0i64..36_500) {
            let date = d(2000, 1, 1) + chrono::Duration::days(days);
            for kind in [PeriodKind::Year, PeriodKind::Quarter, PeriodKind::Month] {
                let p = Period::containing(date, kind);
                prop_assert!(p.contains(date));
                prop_assert_eq!(Period::parse(&p.to_string()).unwrap(), p);
            }
        }
    }
}

#[cfg(feature = "openapi")]
mod schema {
    use super::Period;
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
    use utoipa::openapi::RefOr;

    impl utoipa::PartialSchema for Period {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(super::PERIOD_PATTERN))
                .description(Some("A fiscal period: a year (2026), a quarter (2026-Q2) or a month (2026-05)."))
                .examples([serde_json::json!("2026-Q2")])
                .into()
        }
    }

    impl utoipa::ToSchema for Period {}
}
