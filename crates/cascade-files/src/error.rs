//! Errors that make a whole file unusable. Problems confined to one row are
//! not errors of this kind: the reader reports them per row and goes on.

use cascade_api_types::{FieldError, ImportKind};

/// Why a file as a whole could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("could not read or write the file: {0}")]
    Io(#[from] std::io::Error),
    /// A CSV row that is not UTF-8 where the file cannot go on without it
    /// (the header). Data rows report it per cell instead.
    #[error("row {row} is not UTF-8 text; save the file as \"CSV UTF-8\"")]
    NotUtf8 { row: u64 },
    #[error("is not an Excel workbook (.xlsx): {0}")]
    NotXlsx(String),
    #[error("the file is empty: it has no header row")]
    Empty,
    #[error("the header row does not match {}: {}", .kind.as_str(), summary(.errors))]
    Header { kind: ImportKind, row: u64, errors: Vec<FieldError> },
    #[error("a {} row cannot be written to a {} file", .row_kind.as_str(), .kind.as_str())]
    WrongKind { kind: ImportKind, row_kind: ImportKind },
    #[error("could not write the workbook: {0}")]
    Xlsx(String),
}

fn summary(errors: &[FieldError]) -> String {
    errors.iter().map(|e| format!("{}: {}", e.field, e.reason)).collect::<Vec<_>>().join("; ")
}

impl FileError {
    /// The error as field errors, for an import job's error list: one per
    /// header problem, else one for the file (`field` = "file").
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            FileError::Header { errors, .. } => errors.clone(),
            FileError::NotUtf8 { row } => vec![FieldError {
                field: "file".into(),
                reason: "is not UTF-8 text; save the file as \"CSV UTF-8\"".into(),
                row: Some(*row),
            }],
            FileError::Empty => vec![FieldError { field: "file".into(), reason: self.to_string(), row: Some(1) }],
            other => vec![FieldError { field: "file".into(), reason: other.to_string(), row: None }],
        }
    }
}

impl From<csv::Error> for FileError {
    fn from(e: csv::Error) -> Self {
        FileError::Io(e.into())
    }
}

impl From<rust_xlsxwriter::XlsxError> for FileError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        FileError::Xlsx(e.to_string())
    }
}
