//! Validated text values: natural keys (codes) and names.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("may only contain letters, digits, '-', '_' and '.'")]
    BadCharacter,
    #[error("must not contain control characters")]
    Control,
}

/// A natural key such as an org unit code, an employee number or an ERP
/// customer number: what imports match on, so it must survive CSV and Excel
/// round trips unchanged.
///
/// In files a code is trimmed ([`Code::parse`]); on the wire it is taken
/// exactly as sent ([`Code::parse_exact`]), as the API document's pattern says.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Code(String);

impl Code {
    pub const MAX_LEN: usize = 64;

    pub fn parse(text: &str) -> Result<Self, TextError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(TextError::Empty);
        }
        if t.chars().count() > Self::MAX_LEN {
            return Err(TextError::TooLong(Self::MAX_LEN));
        }
        if !t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
            return Err(TextError::BadCharacter);
        }
        Ok(Code(t.to_owned()))
    }

    /// Like [`Code::parse`], but surrounding spaces are refused, not trimmed.
    pub fn parse_exact(text: &str) -> Result<Self, TextError> {
        if text.trim() != text && !text.trim().is_empty() {
            return Err(TextError::BadCharacter);
        }
        Self::parse(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Code {
    type Error = TextError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Code::parse_exact(&value)
    }
}

impl From<Code> for String {
    fn from(c: Code) -> String {
        c.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A trimmed, non-empty, single-line human text of bounded length (names,
/// titles). Returns the owned, trimmed string.
/// The length counts the text as sent, spaces included, as the API
/// document's `maxLength` does.
pub fn parse_name(text: &str, max_len: usize) -> Result<String, TextError> {
    if text.chars().count() > max_len {
        return Err(TextError::TooLong(max_len));
    }
    if text.chars().any(char::is_control) {
        return Err(TextError::Control);
    }
    let t = text.trim();
    if t.is_empty() {
        return Err(TextError::Empty);
    }
    Ok(t.to_owned())
}

/// Longest note or free-text reason, in characters.
pub const NOTE_MAX: usize = 2000;

/// Reasons for changed targets, returned plans and calibrations must say
/// something: at least this many characters once trimmed.
pub const MIN_REASON: usize = 10;

/// Whether `text` is long enough to be a reason (see [`MIN_REASON`]).
pub fn says_why(text: &str) -> bool {
    text.trim().chars().count() >= MIN_REASON
}

/// Free text (notes) of bounded length; may be empty; line breaks allowed.
pub fn parse_note(text: &str, max_len: usize) -> Result<String, TextError> {
    if text.chars().count() > max_len {
        return Err(TextError::TooLong(max_len));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(TextError::Control);
    }
    Ok(text.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_says_why_in_ten_characters_once_trimmed() {
        assert!(says_why("省卫健委集采政策提前落地"));
        assert!(says_why("  0123456789  "));
        assert!(!says_why(" 012345678 \n"));
        assert!(!says_why("集采提前"));
    }

    #[test]
    fn codes() {
        assert_eq!(Code::parse(" GD-01 ").unwrap().as_str(), "GD-01");
        assert_eq!(Code::parse(""), Err(TextError::Empty));
        assert_eq!(Code::parse("广东"), Err(TextError::BadCharacter));
        assert_eq!(Code::parse(&"x".repeat(65)), Err(TextError::TooLong(64)));
        assert_eq!(Code::parse_exact(" GD-01"), Err(TextError::BadCharacter));
        assert!(serde_json::from_str::<Code>("\"GD-01 \"").is_err(), "the wire takes a code exactly as sent");
    }

    #[test]
    fn names_and_notes() {
        assert_eq!(parse_name(" 华南大区 ", 10).unwrap(), "华南大区");
        assert_eq!(parse_name("a\u{0}b", 10), Err(TextError::Control));
        assert_eq!(parse_name("   ", 10), Err(TextError::Empty));
        assert_eq!(parse_note("line1\nline2", 100).unwrap(), "line1\nline2");
        assert_eq!(parse_note("", 100).unwrap(), "");
    }
}

#[cfg(feature = "openapi")]
mod schema {
    use super::Code;
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
    use utoipa::openapi::RefOr;

    impl utoipa::PartialSchema for Code {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(r"^[A-Za-z0-9._-]{1,64}$"))
                .description(Some("A natural key (letters, digits, '-', '_', '.'; at most 64), matched by imports."))
                .examples([serde_json::json!("GD-0001")])
                .into()
        }
    }

    impl utoipa::ToSchema for Code {}
}
