//! Checks of request bodies that serde cannot express: trimmed, bounded
//! names and notes. Every problem is collected so a client sees all at once.

use cascade_core::{parse_name, parse_note, NOTE_MAX};

use crate::error::Errors;

pub const NAME_MAX: usize = 100;

/// Trims a required name in place, or records why it is refused.
pub fn name(errs: &mut Errors, field: &str, value: &mut String) {
    if let Some(v) = errs.check(field, parse_name(value, NAME_MAX)) {
        *value = v;
    }
}

pub fn opt_name(errs: &mut Errors, field: &str, value: &mut Option<String>) {
    if let Some(v) = value {
        name(errs, field, v);
    }
}

/// Trims free text in place (may be empty), or records why it is refused.
pub fn note(errs: &mut Errors, field: &str, value: &mut String) {
    if let Some(v) = errs.check(field, parse_note(value, NOTE_MAX)) {
        *value = v;
    }
}

pub fn opt_note(errs: &mut Errors, field: &str, value: &mut Option<String>) {
    if let Some(v) = value {
        note(errs, field, v);
    }
}

/// A file's name as the user knows it: 1–200 characters without slashes or
/// control characters, kept as sent.
pub fn file_name(name: &str) -> Result<String, crate::error::ApiError> {
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(|c| c.is_control() || c == '/' || c == '\\') {
        return Err(crate::error::ApiError::invalid(
            "file_name",
            "must be 1–200 characters without slashes or control characters",
        ));
    }
    Ok(name.to_owned())
}
