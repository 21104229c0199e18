//! Strict reading of request bodies: what the published document says, and
//! nothing looser.
//!
//! - [`ObjectsOnly`] wraps any serde deserializer so that a JSON array is
//!   refused where an object is expected. serde's derived `Deserialize` for
//!   a struct also accepts the fields' values as a sequence in declaration
//!   order, so `["x"]` would rename a customer; arrays are taken only where
//!   the type asks for a sequence (`Vec`, tuples, fixed arrays) or for any
//!   value at all.
//! - [`date`] and [`opt_date`] take `YYYY-MM-DD` with a four-digit year
//!   only, so every stored date is written back in a form imports read;
//!   [`timestamp`] and [`opt_timestamp`] take RFC 3339 instants as the
//!   server writes them.
//! - [`decimal`] and the fields' grammars take decimal *strings* whose
//!   shape the document states as a pattern: no exponent, no `+`, no `_`,
//!   no leading zeros, bounded digits, so no value can overflow arithmetic.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Unexpected, VariantAccess, Visitor};
use serde::Deserialize;

/// A deserializer that refuses sequences where a struct or map is expected.
pub struct ObjectsOnly<D>(pub D);

/// A visitor that passes everything on, but a sequence only if `seq_ok`.
struct Wrap<V> {
    inner: V,
    seq_ok: bool,
}

impl<V> Wrap<V> {
    fn new(inner: V, seq_ok: bool) -> Self {
        Wrap { inner, seq_ok }
    }
}

macro_rules! forward_deserialize {
    ($seq_ok:literal: $($method:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(Wrap::new(visitor, $seq_ok))
        })*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectsOnly<D> {
    type Error = D::Error;

    // A type that takes any value may take an array (e.g. a custom
    // field's value, checked later against its definition).
    forward_deserialize!(true: deserialize_any, deserialize_seq);
    forward_deserialize!(false:
        deserialize_bool, deserialize_i8, deserialize_i16, deserialize_i32, deserialize_i64, deserialize_i128,
        deserialize_u8, deserialize_u16, deserialize_u32, deserialize_u64, deserialize_u128, deserialize_f32,
        deserialize_f64, deserialize_char, deserialize_str, deserialize_string, deserialize_bytes,
        deserialize_byte_buf, deserialize_option, deserialize_unit, deserialize_map, deserialize_identifier,
        deserialize_ignored_any,
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Wrap::new(visitor, false))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Wrap::new(visitor, false))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap::new(visitor, true))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, name: &'static str, len: usize, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap::new(visitor, true))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, Wrap::new(visitor, false))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Wrap::new(visitor, false))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident: $ty:ty),* $(,)?) => {
        $(fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.inner.$method(v)
        })*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.inner.expecting(f)
    }

    forward_visit!(
        visit_bool: bool, visit_i8: i8, visit_i16: i16, visit_i32: i32, visit_i64: i64, visit_i128: i128,
        visit_u8: u8, visit_u16: u16, visit_u32: u32, visit_u64: u64, visit_u128: u128, visit_f32: f32,
        visit_char: char, visit_str: &str, visit_borrowed_str: &'de str, visit_string: String,
        visit_bytes: &[u8], visit_borrowed_bytes: &'de [u8], visit_byte_buf: Vec<u8>,
    );

    /// JSON Schema counts `60.0` as an integer, as the document promises;
    /// serde's integer types would refuse it.
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
        if v.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&v) {
            #[allow(clippy::cast_possible_truncation)] // integral and in range: exact
            return self.inner.visit_i64(v as i64);
        }
        self.inner.visit_f64(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_some(ObjectsOnly(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.inner.visit_newtype_struct(ObjectsOnly(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        if self.seq_ok {
            self.inner.visit_seq(Elements(seq))
        } else {
            // The reader names JSON's words, not the Rust type the value was for.
            Err(de::Error::invalid_type(Unexpected::Other("a JSON array"), &"a JSON object"))
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_map(Entries(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.inner.visit_enum(Variants(data))
    }
}

/// Every nested value is read through [`ObjectsOnly`] as well.
struct Seed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(ObjectsOnly(d))
    }
}

struct Elements<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Elements<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct Entries<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Entries<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct Variants<A>(A);

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Variants<A> {
    type Error = A::Error;
    type Variant = Variant<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self::Variant), A::Error> {
        let (v, variant) = self.0.variant_seed(Seed(seed))?;
        Ok((v, Variant(variant)))
    }
}

struct Variant<A>(A);

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Variant<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap::new(visitor, true))
    }

    fn struct_variant<V: Visitor<'de>>(self, fields: &'static [&'static str], visitor: V) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Wrap::new(visitor, false))
    }
}

/// The grammar of dates in requests.
pub const DATE_PATTERN: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

/// `YYYY-MM-DD`, four-digit years only.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let shape = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    let digits = b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !(shape && digits) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| text[r].parse::<u32>().ok();
    NaiveDate::from_ymd_opt(i32::try_from(n(0..4)?).ok()?, n(5..7)?, n(8..10)?)
}

struct DateVisitor;

impl Visitor<'_> for DateVisitor {
    type Value = NaiveDate;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date as YYYY-MM-DD (a four-digit year)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<NaiveDate, E> {
        parse_date(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }
}

/// A required date field: `#[serde(deserialize_with = "strict::date")]`.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    d.deserialize_str(DateVisitor)
}

/// Defines `$name`, the `Option` form of a field reader: absent or `null`
/// is `None`, anything else goes through `$inner`.
macro_rules! optional {
    ($(#[$meta:meta])* $name:ident => $inner:ident: $ty:ty) => {
        $(#[$meta])*
        pub fn $name<'de, D: Deserializer<'de>>(d: D) -> Result<Option<$ty>, D::Error> {
            struct Present($ty);
            impl<'de> Deserialize<'de> for Present {
                fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                    $inner(d).map(Present)
                }
            }
            Ok(Option::<Present>::deserialize(d)?.map(|p| p.0))
        }
    };
}

optional!(
    /// An optional date field: `#[serde(default, deserialize_with = "strict::opt_date")]`.
    opt_date => date: NaiveDate
);

/// An instant as the server writes one (RFC 3339: `2026-12-04T09:30:00Z`,
/// `2026-12-04T09:30:00.123456Z`, or with an offset such as `+08:00`), in
/// UTC. Read here rather than by chrono's `FromStr`, whose relaxed parser
/// (spaces, lowercase, any of its formats) is most of the date code in the
/// web app's WASM.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    if !text.is_ascii() || text.len() < 20 || text.as_bytes()[10] != b'T' {
        return None;
    }
    let date = parse_date(&text[..10])?;
    let rest = &text[11..];
    let (time, zone) = rest.split_at(rest.find(['Z', '+', '-'])?);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    let n = |s: &str| if digits(s) { s.parse::<u32>().ok() } else { None };
    let (hms, fraction) = time.split_at_checked(8)?;
    let nano = match fraction.strip_prefix('.') {
        None if fraction.is_empty() => 0,
        Some(f) if (1..=9).contains(&f.len()) => n(&format!("{f:0<9}"))?,
        _ => return None,
    };
    if hms.as_bytes()[2] != b':' || hms.as_bytes()[5] != b':' {
        return None;
    }
    let local = date.and_hms_nano_opt(n(&hms[..2])?, n(&hms[3..5])?, n(&hms[6..])?, nano)?;
    let offset_seconds = match zone.as_bytes() {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let seconds = i32::try_from((n(&zone[1..3])? * 60 + n(&zone[4..6])?) * 60).ok()?;
            if *sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return None,
    };
    let offset = chrono::FixedOffset::east_opt(offset_seconds)?;
    local.and_local_timezone(offset).single().map(|at| at.with_timezone(&Utc))
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an instant as RFC 3339, such as 2026-12-04T09:30:00Z")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<DateTime<Utc>, E> {
        parse_timestamp(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }
}

/// An instant field: `#[serde(deserialize_with = "strict::timestamp")]`.
pub fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    d.deserialize_str(TimestampVisitor)
}

optional!(
    /// An optional instant: `#[serde(default, deserialize_with = "strict::opt_timestamp")]`.
    opt_timestamp => timestamp: DateTime<Utc>
);

/// The shape of a decimal request value: at most `int` digits before the
/// point (no leading zeros), at most `frac` after it, a sign if `signed`,
/// and inside `min ..= max`. `pattern` says the same to the document.
#[derive(Debug, Clone, Copy)]
pub struct DecimalRule {
    pub int: usize,
    pub frac: usize,
    pub signed: bool,
    pub min: Decimal,
    pub max: Decimal,
    pub pattern: &'static str,
    pub expecting: &'static str,
}

impl DecimalRule {
    /// The value, or `None` when the text does not have the rule's shape.
    pub fn parse(&self, text: &str) -> Option<Decimal> {
        let unsigned = match text.strip_prefix('-') {
            Some(rest) if self.signed => rest,
            Some(_) => return None,
            None => text,
        };
        let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
        let int_ok = !int.is_empty() && int.len() <= self.int && digits(int) && (int == "0" || !int.starts_with('0'));
        let frac_ok = digits(frac) && frac.len() <= self.frac && (!frac.is_empty() || !unsigned.contains('.'));
        if !(int_ok && frac_ok) {
            return None;
        }
        let value: Decimal = text.parse().ok()?;
        (self.min..=self.max).contains(&value).then_some(value)
    }

    fn visit<'de, D: Deserializer<'de>>(&'static self, d: D) -> Result<Decimal, D::Error> {
        struct V(&'static DecimalRule);
        impl Visitor<'_> for V {
            type Value = Decimal;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(self.0.expecting)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
                self.0.parse(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
            }
        }
        d.deserialize_str(V(self))
    }
}

/// Factor weights and history's part of market potential: 0–100 percent.
pub const PERCENT: DecimalRule = DecimalRule {
    int: 3,
    frac: 4,
    signed: false,
    min: Decimal::ZERO,
    max: Decimal::ONE_HUNDRED,
    pattern: r"^(100(\.0{1,4})?|[1-9]?[0-9](\.[0-9]{1,4})?)$",
    expecting: "a percentage from \"0\" to \"100\" as a decimal string with at most four decimals",
};

/// The adjustment band: 0–50 percent.
pub const BAND_PERCENT: DecimalRule = DecimalRule {
    int: 2,
    frac: 4,
    signed: false,
    min: Decimal::ZERO,
    max: Decimal::from_parts(50, 0, 0, false, 0),
    pattern: r"^(50(\.0{1,4})?|[1-4]?[0-9](\.[0-9]{1,4})?)$",
    expecting: "a band from \"0\" to \"50\" percent as a decimal string with at most four decimals",
};

/// A funnel stage's probability: 0–1.
pub const PROBABILITY: DecimalRule = DecimalRule {
    int: 1,
    frac: 4,
    signed: false,
    min: Decimal::ZERO,
    max: Decimal::ONE,
    pattern: r"^(1(\.0{1,4})?|0(\.[0-9]{1,4})?)$",
    expecting: "a probability from \"0\" to \"1\" as a decimal string with at most four decimals",
};

/// HQ's promotion-plan points: 0 to 999999.9999.
pub const POINTS: DecimalRule = DecimalRule {
    int: 6,
    frac: 4,
    signed: false,
    min: Decimal::ZERO,
    // 9_999_999_999 × 10⁻⁴, split into the 32-bit words `from_parts` takes.
    max: Decimal::from_parts(1_410_065_407, 2, 0, false, 4),
    pattern: r"^(0|[1-9][0-9]{0,5})(\.[0-9]{1,4})?$",
    expecting: "priority points from \"0\" to \"999999.9999\" as a decimal string with at most four decimals",
};

pub fn percent<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    PERCENT.visit(d)
}

pub fn band_percent<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    BAND_PERCENT.visit(d)
}

pub fn points<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    POINTS.visit(d)
}

pub fn probability<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    PROBABILITY.visit(d)
}

optional!(opt_percent => percent: Decimal);
optional!(opt_band_percent => band_percent: Decimal);
optional!(opt_points => points: Decimal);

/// Funnel stage → probability.
pub fn probabilities<'de, D: Deserializer<'de>>(d: D) -> Result<std::collections::BTreeMap<String, Decimal>, D::Error> {
    #[derive(Deserialize)]
    struct P(#[serde(deserialize_with = "probability")] Decimal);
    let map = std::collections::BTreeMap::<String, P>::deserialize(d)?;
    Ok(map.into_iter().map(|(k, P(v))| (k, v)).collect())
}

optional!(opt_probabilities => probabilities: std::collections::BTreeMap<String, Decimal>);

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        a: i64,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        name: String,
        #[serde(default)]
        inner: Option<Inner>,
        #[serde(default)]
        list: Vec<Inner>,
        #[serde(default)]
        any: Option<serde_json::Value>,
    }

    fn read(json: &str) -> Result<Outer, String> {
        Outer::deserialize(ObjectsOnly(&mut serde_json::Deserializer::from_str(json))).map_err(|e| e.to_string())
    }

    #[test]
    fn arrays_are_refused_where_objects_are_expected_at_every_depth() {
        assert!(read(r#"{"name":"x","inner":{"a":1},"list":[{"a":2}],"any":[1,2]}"#).is_ok());
        assert!(read(r#"["x"]"#).unwrap_err().contains("a JSON array, expected a JSON object"));
        assert!(read(r#"{"name":"x","inner":[1]}"#).unwrap_err().contains("a JSON array"));
        assert!(read(r#"{"name":"x","list":[[2]]}"#).unwrap_err().contains("a JSON array"));
        // Plain serde_json accepts the array, which is why the wrapper exists.
        assert!(serde_json::from_str::<Outer>(r#"["x"]"#).is_ok());
    }

    #[test]
    fn integral_numbers_are_integers_whatever_their_spelling() {
        assert_eq!(read(r#"{"name":"x","inner":{"a":60.0}}"#).unwrap().inner, Some(Inner { a: 60 }));
        assert_eq!(read(r#"{"name":"x","inner":{"a":-1.2e3}}"#).unwrap().inner, Some(Inner { a: -1200 }));
        assert!(read(r#"{"name":"x","inner":{"a":60.5}}"#).is_err());
        assert!(read(r#"{"name":"x","inner":{"a":1e19}}"#).is_err());
    }

    #[test]
    fn timestamps_read_what_chrono_writes() {
        for at in [
            "2026-12-04T09:30:00Z",
            "2026-12-04T09:30:00.5Z",
            "2026-12-04T09:30:00.123456Z",
            "2026-12-04T09:30:00.123456789Z",
            "0001-01-01T00:00:00Z",
            "2024-02-29T23:59:59.999999999Z",
        ] {
            let parsed = parse_timestamp(at).unwrap_or_else(|| panic!("{at}"));
            assert_eq!(parsed, at.parse::<DateTime<Utc>>().unwrap(), "{at}");
            assert_eq!(parse_timestamp(&parsed.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)), Some(parsed));
            let written = serde_json::to_value(parsed).unwrap();
            assert_eq!(parse_timestamp(written.as_str().unwrap()), Some(parsed), "serde writes {written}");
        }
        assert_eq!(parse_timestamp("2026-12-04T09:30:00+08:00"), parse_timestamp("2026-12-04T01:30:00Z"));
        assert_eq!(parse_timestamp("2026-12-04T09:30:00-05:30"), parse_timestamp("2026-12-04T15:00:00Z"));
    }

    #[test]
    fn timestamps_refuse_other_shapes() {
        for bad in [
            "",
            "2026-12-04",
            "2026-12-04T09:30:00",
            "2026-12-04 09:30:00Z",
            "2026-12-04t09:30:00Z",
            "2026-12-04T09:30:00z",
            "2026-12-04T9:30:00Z",
            "2026-12-04T09:30Z",
            "2026-12-04T09:30:00.Z",
            "2026-12-04T09:30:00.1234567890Z",
            "2026-12-04T24:00:00Z",
            "2026-12-04T09:60:00Z",
            "2026-02-30T09:30:00Z",
            "2026-12-04T09:30:00+0800",
            "2026-12-04T09:30:00+08",
            "2026-12-04T09:30:00+24:00",
            "2026-12-04T09:30:00ZZ",
            "2026-12-04T09:3０:00Z",
            "2026-12-04T+9:30:00Z",
            "+2026-12-04T09:30:00Z",
            "2026-12-04T09:30:00.+1Z",
            "2026-12-04T09:30:00 Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dates_have_four_digit_years() {
        assert_eq!(parse_date("2026-02-28"), NaiveDate::from_ymd_opt(2026, 2, 28));
        assert_eq!(parse_date("0001-01-01"), NaiveDate::from_ymd_opt(1, 1, 1));
        for bad in ["262142-01-01", "+2026-01-01", "2026-02-30", "2026-1-01", "26-01-01", "2026/01/01", " 2026-01-01"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn decimal_rules_take_their_shape_only() {
        assert_eq!(PERCENT.parse("50"), Some(Decimal::from(50)));
        assert_eq!(PERCENT.parse("33.3333"), Some(Decimal::new(333_333, 4)));
        assert_eq!(PERCENT.parse("100.0"), Some(Decimal::ONE_HUNDRED));
        for bad in ["79228162514264337593543950335", "1e3", "1_000", "+5", "-1", "050", "100.5", "5.", ".5", "5.12345", ""] {
            assert_eq!(PERCENT.parse(bad), None, "{bad}");
        }
        assert_eq!(BAND_PERCENT.parse("50.0000"), Some(Decimal::from(50)));
        assert_eq!(BAND_PERCENT.parse("50.1"), None);
        assert_eq!(PROBABILITY.parse("0.75"), Some(Decimal::new(75, 2)));
        assert_eq!(PROBABILITY.parse("1.1"), None);
        assert_eq!(POINTS.parse("999999.9999"), Some(Decimal::new(9_999_999_999, 4)));
        assert_eq!(POINTS.parse("1000000"), None);
    }
}

/// The schemas of the strict fields, built from the same patterns the
/// readers above implement, so the document and the server cannot differ.
#[cfg(feature = "openapi")]
pub mod schema {
    use utoipa::openapi::schema::{AdditionalProperties, Array, ArrayBuilder, Object, ObjectBuilder, SchemaType, Type};

    use super::{DecimalRule, BAND_PERCENT, PERCENT, POINTS, PROBABILITY};

    /// A non-negative amount: like `Money`, without a sign.
    pub const NON_NEGATIVE_MONEY_PATTERN: &str = r"^(0|[1-9][0-9]{0,12})(\.[0-9]{1,2})?$";
    /// More than zero.
    pub const POSITIVE_MONEY_PATTERN: &str = r"^(0\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]{0,12}(\.[0-9]{1,2})?)$";
    /// Any sign, but not zero.
    pub const NONZERO_MONEY_PATTERN: &str = r"^-?(0\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]{0,12}(\.[0-9]{1,2})?)$";

    fn string(pattern: &str, description: &str, nullable: bool) -> Object {
        let ty: SchemaType = if nullable { [Type::String, Type::Null].into_iter().collect() } else { Type::String.into() };
        ObjectBuilder::new().schema_type(ty).pattern(Some(pattern)).description(Some(description)).build()
    }

    fn rule(r: &DecimalRule, nullable: bool) -> Object {
        string(r.pattern, r.expecting, nullable)
    }

    pub fn percent() -> Object {
        rule(&PERCENT, false)
    }

    pub fn opt_percent() -> Object {
        rule(&PERCENT, true)
    }

    pub fn opt_band_percent() -> Object {
        rule(&BAND_PERCENT, true)
    }

    pub fn opt_points() -> Object {
        rule(&POINTS, true)
    }

    pub fn opt_probabilities() -> Object {
        ObjectBuilder::new()
            .schema_type([Type::Object, Type::Null].into_iter().collect::<SchemaType>())
            .description(Some("Funnel stage (lead, quote, contract, payment, lost) → probability overriding the default."))
            .property_names(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some(cascade_core::FunnelStage::ALL.iter().map(|s| s.as_str()))),
            ))
            .additional_properties(Some(AdditionalProperties::RefOr(rule(&PROBABILITY, false).into())))
            .build()
    }

    pub fn non_negative_money() -> Object {
        string(NON_NEGATIVE_MONEY_PATTERN, "An amount, not negative, as a decimal string such as \"1250.00\".", false)
    }

    pub fn opt_non_negative_money() -> Object {
        string(NON_NEGATIVE_MONEY_PATTERN, "An amount, not negative, as a decimal string such as \"1250.00\".", true)
    }

    pub fn opt_positive_money() -> Object {
        string(POSITIVE_MONEY_PATTERN, "An amount above zero, as a decimal string such as \"100.00\".", true)
    }

    /// A name: 1–100 characters, no control characters, not only spaces
    /// (leading and trailing spaces are trimmed away when stored).
    pub const NAME_PATTERN: &str = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$";
    /// Free text: no control characters but tabs and line breaks.
    pub const NOTE_PATTERN: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$";
    /// A reason: free text of at least 10 characters between its first and
    /// last non-space character.
    pub const REASON_PATTERN: &str = concat!(
        r"^[\t\n\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*",
        r"[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]{8,}[^\s\x00-\x1F\x7F-\x9F]",
        r"[\t\n\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*$"
    );
    /// A file name: 1–200 characters without slashes or control characters.
    pub const FILE_NAME_PATTERN: &str = r"^[^/\\\x00-\x1F\x7F-\x9F]{1,200}$";
    /// A custom field's key.
    pub const CUSTOM_KEY_PATTERN: &str = r"^[a-z][a-z0-9_]{0,39}$";

    fn text(pattern: &str, min: Option<usize>, max: usize, description: &str, nullable: bool) -> Object {
        let mut o = string(pattern, description, nullable);
        o.min_length = min;
        o.max_length = Some(max);
        o
    }

    pub fn name() -> Object {
        text(NAME_PATTERN, Some(1), 100, "1–100 characters, not only spaces, without control characters.", false)
    }

    pub fn opt_name() -> Object {
        text(NAME_PATTERN, Some(1), 100, "1–100 characters, not only spaces, without control characters.", true)
    }

    pub fn note() -> Object {
        text(
            NOTE_PATTERN,
            None,
            2000,
            "Up to 2000 characters; line breaks and tabs are the only control characters allowed.",
            false,
        )
    }

    pub fn opt_note() -> Object {
        text(
            NOTE_PATTERN,
            None,
            2000,
            "Up to 2000 characters; line breaks and tabs are the only control characters allowed.",
            true,
        )
    }

    pub fn reason() -> Object {
        text(REASON_PATTERN, Some(10), 2000, "Why: 10–2000 characters (not counting leading and trailing spaces).", false)
    }

    pub fn opt_reason() -> Object {
        text(REASON_PATTERN, Some(10), 2000, "Why: 10–2000 characters (not counting leading and trailing spaces).", true)
    }

    pub fn opt_code() -> Object {
        text(r"^[A-Za-z0-9._-]{1,64}$", Some(1), 64, "A natural key (letters, digits, '-', '_', '.'; at most 64).", true)
    }

    pub fn file_name() -> Object {
        text(FILE_NAME_PATTERN, Some(1), 200, "The file's name: 1–200 characters without slashes or control characters.", false)
    }

    pub fn opt_file_name() -> Object {
        text(FILE_NAME_PATTERN, Some(1), 200, "The file's name: 1–200 characters without slashes or control characters.", true)
    }

    pub fn custom_key() -> Object {
        text(CUSTOM_KEY_PATTERN, Some(1), 40, "1–40 of a-z, 0-9 and _, starting with a letter.", false)
    }

    pub fn opt_new_password() -> Object {
        let mut o = ObjectBuilder::new()
            .schema_type([Type::String, Type::Null].into_iter().collect::<SchemaType>())
            .description(Some("A new password: 10–128 characters."))
            .build();
        o.min_length = Some(10);
        o.max_length = Some(128);
        o
    }

    pub fn opt_dingtalk_userid() -> Object {
        text(NAME_PATTERN, Some(1), 64, "DingTalk `userid`: 1–64 characters, not only spaces, without control characters.", true)
    }

    /// Types that only carry a schema, for query parameters: utoipa drops
    /// the `required` of a parameter given by `schema_with`, so parameters
    /// name one of these as `value_type` (with `inline`).
    macro_rules! param_schema {
        ($($(#[$meta:meta])* $name:ident => $schema:ident),* $(,)?) => {$(
            $(#[$meta])*
            pub struct $name;

            impl utoipa::PartialSchema for $name {
                fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                    $schema().into()
                }
            }

            impl utoipa::ToSchema for $name {}
        )*};
    }

    param_schema!(
        /// A quarter parameter.
        Quarter => quarter,
        /// A file name parameter.
        FileName => file_name,
    );

    fn choice_list(nullable: bool) -> Array {
        let ty: SchemaType = if nullable { [Type::Array, Type::Null].into_iter().collect() } else { Type::Array.into() };
        ArrayBuilder::new()
            .schema_type(ty)
            .items(name())
            .max_items(Some(100))
            .unique_items(true)
            .description(Some("The choices of a `choice` field (1–100 of them, each once); refused for other types."))
            .build()
    }

    pub fn choices() -> Array {
        choice_list(false)
    }

    pub fn opt_choices() -> Array {
        choice_list(true)
    }

    /// A quarter, e.g. `2026-Q3` (years 2000–2100).
    pub fn quarter() -> Object {
        string(r"^(20[0-9]{2}|2100)-Q[1-4]$", "A quarter, e.g. 2026-Q3.", false)
    }

    fn custom(nullable: bool) -> Object {
        let ty: SchemaType = if nullable { [Type::Object, Type::Null].into_iter().collect() } else { Type::Object.into() };
        let value = ObjectBuilder::new()
            .schema_type([Type::String, Type::Number, Type::Boolean, Type::Null].into_iter().collect::<SchemaType>())
            .build();
        ObjectBuilder::new()
            .schema_type(ty)
            .description(Some(
                "Custom field values by key (see `GET /api/v1/custom-fields`), each of its field's type; `null` clears \
                 a value (not allowed for required fields). Keys not named keep their values.",
            ))
            .property_names(Some(ObjectBuilder::new().schema_type(Type::String).pattern(Some(CUSTOM_KEY_PATTERN))))
            .additional_properties(Some(AdditionalProperties::RefOr(value.into())))
            .build()
    }

    pub fn custom_values() -> Object {
        custom(false)
    }

    pub fn opt_custom_values() -> Object {
        custom(true)
    }

    pub fn nonzero_money() -> Object {
        string(NONZERO_MONEY_PATTERN, "An amount other than zero (negative lowers), as a decimal string.", false)
    }
}
