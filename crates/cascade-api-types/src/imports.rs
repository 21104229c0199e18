//! File imports and exports: the row shape of each kind (natural keys in
//! place of ids, so a file from Excel or another system can name things the
//! way people do) and the import job a client polls.

use cascade_core::access::Permission;
use cascade_core::{CapabilityRating, Code, FunnelStage, Money, ProcurementStage, RepStatus};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::common::{page, FieldError};
use crate::customers::HospitalGrade;
use crate::org::OrgUnitKind;
use crate::pipeline::VisitKind;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    OrgUnits,
    Reps,
    Customers,
    SalesRecords,
    Opportunities,
    Visits,
}

impl ImportKind {
    pub const ALL: [ImportKind; 6] =
        [Self::OrgUnits, Self::Reps, Self::Customers, Self::SalesRecords, Self::Opportunities, Self::Visits];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::OrgUnits => "org_units",
            ImportKind::Reps => "reps",
            ImportKind::Customers => "customers",
            ImportKind::SalesRecords => "sales_records",
            ImportKind::Opportunities => "opportunities",
            ImportKind::Visits => "visits",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim().replace('-', "_"))
    }

    /// What exporting rows of this kind needs besides `exports.run`: the
    /// read permission of the kind's own routes.
    pub fn read_permission(self) -> Permission {
        match self {
            ImportKind::OrgUnits => Permission::OrgUnitsRead,
            ImportKind::Reps => Permission::RepsRead,
            ImportKind::Customers => Permission::CustomersRead,
            ImportKind::SalesRecords => Permission::SalesRead,
            ImportKind::Opportunities => Permission::OpportunitiesRead,
            ImportKind::Visits => Permission::VisitsRead,
        }
    }

    /// What importing rows of this kind needs besides `imports.run`: the
    /// write permission of the kind's own routes, so a file is no way around
    /// the permission matrix (a region manager may import customers but not
    /// sales records or org units).
    pub fn write_permission(self) -> Permission {
        match self {
            ImportKind::OrgUnits => Permission::OrgUnitsWrite,
            ImportKind::Reps => Permission::RepsWrite,
            ImportKind::Customers => Permission::CustomersWrite,
            ImportKind::SalesRecords => Permission::SalesWrite,
            ImportKind::Opportunities => Permission::OpportunitiesWrite,
            ImportKind::Visits => Permission::VisitsWrite,
        }
    }
}

/// File format of an import or export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    /// UTF-8 (a BOM is accepted), comma-separated, header row first.
    Csv,
    /// Office Open XML workbook; the first sheet is read, header row first.
    Xlsx,
}

/// An org unit row. `parent_code` is empty only for the company root; rows
/// may come in any order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnitRow {
    pub code: Code,
    pub name: String,
    pub kind: OrgUnitKind,
    pub parent_code: Option<Code>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepRow {
    pub employee_no: Code,
    pub name: String,
    pub unit_code: Code,
    pub rating: CapabilityRating,
    pub hire_date: NaiveDate,
    pub status: RepStatus,
    pub status_since: NaiveDate,
    /// Custom field values as the file's `custom.<key>` cells hold them
    /// (blank cells left out); typed against the definitions on import.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub custom: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub code: Code,
    pub name: String,
    pub grade: HospitalGrade,
    pub province: String,
    pub city: String,
    pub unit_code: Code,
    pub owner_employee_no: Option<Code>,
    pub stage: ProcurementStage,
    /// Custom field values as the file's `custom.<key>` cells hold them
    /// (blank cells left out); typed against the definitions on import.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub custom: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesRow {
    pub doc_id: Code,
    pub customer_code: Code,
    pub product_line_code: Code,
    pub booked_on: NaiveDate,
    /// Negative for credit notes.
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityRow {
    pub external_id: Code,
    pub name: String,
    pub customer_code: Code,
    pub owner_employee_no: Code,
    pub product_line_code: Code,
    pub amount: Money,
    pub expected_close: NaiveDate,
    pub stage: FunnelStage,
    pub lost_reason: Option<String>,
    /// Custom field values as the file's `custom.<key>` cells hold them
    /// (blank cells left out); typed against the definitions on import.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub custom: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRow {
    pub external_id: Code,
    pub employee_no: Code,
    pub customer_code: Code,
    pub visit_date: NaiveDate,
    pub kind: VisitKind,
    pub notes: String,
}

/// Where an import job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Accepted, waiting for its turn.
    Queued,
    /// Reading, checking and writing rows inside one transaction that is
    /// committed only if every row passes.
    Running,
    /// All rows committed.
    Succeeded,
    /// Nothing committed; `errors` says why.
    Failed,
}

impl ImportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Queued => "queued",
            ImportStatus::Running => "running",
            ImportStatus::Succeeded => "succeeded",
            ImportStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Queued, Self::Running, Self::Succeeded, Self::Failed].into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the job has ended.
    pub fn is_final(self) -> bool {
        matches!(self, ImportStatus::Succeeded | ImportStatus::Failed)
    }
}

impl FileFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Csv, Self::Xlsx].into_iter().find(|k| k.as_str() == s)
    }
}

/// An import job: submitted with the file, then polled until it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportJob {
    pub id: i64,
    pub kind: ImportKind,
    pub format: FileFormat,
    pub status: ImportStatus,
    /// Data rows in the file (known after validation; 0 before).
    pub rows_total: u64,
    /// Rows read and checked so far.
    pub rows_done: u64,
    /// Rows that changed something; rows identical to what is stored are not
    /// counted, so importing the same file twice reports 0 the second time.
    pub rows_changed: u64,
    /// The first bad rows, with column and reason (capped).
    pub errors: Vec<FieldError>,
    /// How many errors there were in all.
    pub total_errors: u64,
    /// Name of the uploaded file, when the client gave one.
    pub file_name: Option<String>,
    #[serde(deserialize_with = "crate::strict::timestamp")]
    pub created_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "crate::strict::opt_timestamp")]
    pub finished_at: Option<DateTime<Utc>>,
}

page!(
    /// A page of import jobs, newest first.
    ImportJobPage,
    ImportJob
);

/// One row of any kind, as read from or written to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportRow {
    OrgUnit(OrgUnitRow),
    Rep(RepRow),
    Customer(CustomerRow),
    Sales(SalesRow),
    Opportunity(OpportunityRow),
    Visit(VisitRow),
}

impl ImportRow {
    pub fn kind(&self) -> ImportKind {
        match self {
            ImportRow::OrgUnit(_) => ImportKind::OrgUnits,
            ImportRow::Rep(_) => ImportKind::Reps,
            ImportRow::Customer(_) => ImportKind::Customers,
            ImportRow::Sales(_) => ImportKind::SalesRecords,
            ImportRow::Opportunity(_) => ImportKind::Opportunities,
            ImportRow::Visit(_) => ImportKind::Visits,
        }
    }

    /// The natural key the row is matched on.
    pub fn key(&self) -> &str {
        match self {
            ImportRow::OrgUnit(r) => r.code.as_str(),
            ImportRow::Rep(r) => r.employee_no.as_str(),
            ImportRow::Customer(r) => r.code.as_str(),
            ImportRow::Sales(r) => r.doc_id.as_str(),
            ImportRow::Opportunity(r) => r.external_id.as_str(),
            ImportRow::Visit(r) => r.external_id.as_str(),
        }
    }
}

macro_rules! import_row_from {
    ($($row:ty => $variant:ident),+) => {$(
        impl From<$row> for ImportRow {
            fn from(row: $row) -> Self {
                ImportRow::$variant(row)
            }
        }
    )+};
}
import_row_from!(
    OrgUnitRow => OrgUnit,
    RepRow => Rep,
    CustomerRow => Customer,
    SalesRow => Sales,
    OpportunityRow => Opportunity,
    VisitRow => Visit
);
