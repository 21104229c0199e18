//! Exact money. Amounts are decimals in the company's currency with at most two
//! decimal places (fen); the database keeps them as integer fen. No float ever
//! touches a `Money`.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Amounts are below this in absolute value, in yuan (at most 13 digits
/// before the point): 10^15 fen fits an `i64` with room for sums of
/// millions of rows.
const LIMIT_YUAN: i64 = 10_000_000_000_000;

/// The one way an amount is written on the wire, as the document states it.
/// Zero has no sign: `"-0"` is refused, so a field that says "not negative"
/// can refuse every `-` and still mean what the server does.
pub const MONEY_PATTERN: &str = r"^(0(\.[0-9]{1,2})?|-?(0\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]{0,12}(\.[0-9]{1,2})?))$";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("is not a decimal number")]
    NotANumber,
    #[error("has more than two decimal places (the smallest unit is 0.01)")]
    TooPrecise,
    #[error("is out of range (below 10000000000000 in absolute value)")]
    OutOfRange,
    #[error("must not be negative")]
    Negative,
    #[error("must be written like \"1250.00\": digits with an optional '-' and at most two decimals; no '+', exponent, '_', leading zeros or signed zero")]
    Shape,
}

/// An exact amount of money with at most two decimal places.
/// On the wire it is a string in the one shape of [`MONEY_PATTERN`]; a JSON
/// number, `"1e3"`, `"1_000"` or `"+5"` is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(into = "Decimal")]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Accepts any decimal with at most two decimal places inside the range.
    pub fn parse(value: Decimal) -> Result<Self, MoneyError> {
        let normalized = value.normalize();
        if normalized.scale() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        if normalized.abs() >= Decimal::from(LIMIT_YUAN) {
            return Err(MoneyError::OutOfRange);
        }
        let mut v = normalized;
        v.rescale(2);
        Ok(Money(v))
    }

    /// Like [`Money::parse`], and refuses negative amounts.
    pub fn parse_non_negative(value: Decimal) -> Result<Self, MoneyError> {
        let m = Self::parse(value)?;
        if m.is_negative() {
            return Err(MoneyError::Negative);
        }
        Ok(m)
    }

    /// Parses text such as `1250.5` or `-30.00`; thousands separators are not
    /// accepted because `1,250` is ambiguous across locales.
    pub fn parse_str(text: &str) -> Result<Self, MoneyError> {
        let d = Decimal::from_str(text.trim()).map_err(|_| MoneyError::NotANumber)?;
        Self::parse(d)
    }

    /// Parses the wire shape only (see [`MONEY_PATTERN`]).
    pub fn parse_exact(text: &str) -> Result<Self, MoneyError> {
        let unsigned = text.strip_prefix('-').unwrap_or(text);
        let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
        let shape = !int.is_empty()
            && digits(int)
            && digits(frac)
            && (int == "0" || !int.starts_with('0'))
            && (!unsigned.contains('.') || !frac.is_empty());
        if !shape {
            return Err(MoneyError::Shape);
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        if int.len() > 13 {
            return Err(MoneyError::OutOfRange);
        }
        let m = Self::parse_str(text)?;
        if m == Money::ZERO && text.starts_with('-') {
            return Err(MoneyError::Shape);
        }
        Ok(m)
    }

    pub fn from_fen(fen: i64) -> Self {
        Money(Decimal::new(fen, 2))
    }

    /// The amount in fen. Exact because a `Money` never has more than two
    /// decimal places and stays inside the range.
    pub fn fen(self) -> i64 {
        let mut d = self.0;
        d.rescale(2);
        i64::try_from(d.mantissa()).unwrap_or(if d.is_sign_negative() { i64::MIN } else { i64::MAX })
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount as a decimal string such as \"1250.00\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse_exact(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

impl TryFrom<Decimal> for Money {
    type Error = MoneyError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Money::parse(value)
    }
}

impl From<Money> for Decimal {
    fn from(m: Money) -> Decimal {
        m.0
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_keeps_two_places() {
        assert_eq!(Money::parse_str("1250.5").unwrap().to_string(), "1250.50");
        assert_eq!(Money::parse_str(" -30 ").unwrap().fen(), -3000);
        assert_eq!(Money::parse_str("0.010").unwrap().fen(), 1);
    }

    #[test]
    fn refuses_fractions_of_a_fen() {
        assert_eq!(Money::parse_str("1.005"), Err(MoneyError::TooPrecise));
    }

    #[test]
    fn refuses_garbage_and_overflow() {
        assert_eq!(Money::parse_str("12,5"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse_str("abc"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse_str("10000000000000.01"), Err(MoneyError::OutOfRange));
        assert_eq!(Money::parse_str("10000000000000"), Err(MoneyError::OutOfRange));
        assert!(Money::parse_str("9999999999999.99").is_ok());
    }

    #[test]
    fn the_wire_takes_one_shape() {
        assert_eq!(Money::parse_exact("-2500.5").unwrap().fen(), -250_050);
        assert_eq!(Money::parse_exact("0").unwrap(), Money::ZERO);
        assert_eq!(Money::parse_exact("-0.05").unwrap().fen(), -5);
        for bad in ["1e3", "1_000", "+5", "05", "5.", ".5", " 5", "", "-", "1,5", "-0", "-0.0", "-0.00"] {
            assert_eq!(Money::parse_exact(bad), Err(MoneyError::Shape), "{bad}");
        }
        assert_eq!(Money::parse_exact("1.001"), Err(MoneyError::TooPrecise));
        assert_eq!(Money::parse_exact("79228162514264337593543950335"), Err(MoneyError::OutOfRange));
        assert!(serde_json::from_str::<Money>("1250").is_err(), "a JSON number is not an amount");
    }

    #[test]
    fn non_negative_refuses_credit_notes() {
        assert_eq!(Money::parse_non_negative(Decimal::new(-1, 2)), Err(MoneyError::Negative));
        assert!(Money::parse_non_negative(Decimal::ZERO).is_ok());
    }

    #[test]
    fn serde_is_a_string_and_refuses_fractions_of_a_fen() {
        let m: Money = serde_json::from_str("\"99.90\"").unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"99.90\"");
        assert!(serde_json::from_str::<Money>("\"0.001\"").is_err());
    }

    proptest! {
        #[test]
        fn fen_round_trips(fen in -1_000_000_000_000_000i64..1_000_000_000_000_000i64) {
            let m = Money::from_fen(fen);
            prop_assert_eq!(m.fen(), fen);
            prop_assert_eq!(Money::parse_str(&m.to_string()).unwrap(), m);
        }
    }
}

#[cfg(feature = "openapi")]
mod schema {
    use super::Money;
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
    use utoipa::openapi::RefOr;

    impl utoipa::PartialSchema for Money {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(super::MONEY_PATTERN))
                .description(Some(
                    "An exact amount in the company's currency, as a decimal string with at most two decimal places.",
                ))
                .examples([serde_json::json!("1250000.00")])
                .into()
        }
    }

    impl utoipa::ToSchema for Money {}
}
