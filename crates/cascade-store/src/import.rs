//! What bulk imports and exports need from storage: reference lookups,
//! batches applied inside one transaction that commits only on request, and
//! import job bookkeeping.

use std::collections::HashMap;

use cascade_api_types::{FieldError, NewCustomer, NewOpportunity, NewRep, NewSalesRecord, NewVisit};

/// Natural key → id maps of everything an import row may refer to, limited
/// to the caller's scope (product lines are company-wide).
#[derive(Debug, Default, Clone)]
pub struct Lookups {
    pub units: HashMap<String, i64>,
    pub reps: HashMap<String, i64>,
    pub customers: HashMap<String, i64>,
    pub product_lines: HashMap<String, i64>,
    /// Every custom field definition, to type the files' `custom.<key>` cells.
    pub custom_fields: Vec<cascade_api_types::CustomField>,
}

/// Rows whose references are resolved to ids, upserted by natural key.
#[derive(Debug, Clone)]
pub enum ImportBatch {
    Reps(Vec<NewRep>),
    Customers(Vec<NewCustomer>),
    Sales(Vec<NewSalesRecord>),
    /// `external_id` is always set: it is the natural key.
    Opportunities(Vec<NewOpportunity>),
    /// `external_id` is always set: it is the natural key.
    Visits(Vec<NewVisit>),
}

impl ImportBatch {
    pub fn len(&self) -> usize {
        match self {
            ImportBatch::Reps(v) => v.len(),
            ImportBatch::Customers(v) => v.len(),
            ImportBatch::Sales(v) => v.len(),
            ImportBatch::Opportunities(v) => v.len(),
            ImportBatch::Visits(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Messages from the file reader to the transaction that applies them.
#[derive(Debug)]
pub enum ImportMsg {
    /// Rows and, in the same order, their row numbers in the file (for
    /// the errors of rows the store refuses).
    Batch { batch: ImportBatch, rows: Vec<u64> },
    /// Every row passed: commit.
    Commit,
    /// Some row failed: roll everything back. A closed channel means the same.
    Abort,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    pub committed: bool,
    /// Rows inserted or changed (identical rows are not counted).
    pub changed: u64,
    /// Rows refused by the store: their natural key belongs to a row
    /// outside the importer's scope. Nothing is written when there is one.
    pub refused: Vec<FieldError>,
}
