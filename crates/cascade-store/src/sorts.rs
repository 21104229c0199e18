//! The keys each list may be sorted by, and the SQL each sorts on. Outside
//! the store only the names are read: the API documents them as the
//! `sort` parameter's values.

pub use crate::list::SortColumn;
use crate::list::SortType;

pub const API_TOKENS: &[SortColumn] = &[SortColumn { name: "id", expr: "t.id", ty: SortType::Int }];

pub const AUDIT: &[SortColumn] = &[SortColumn { name: "id", expr: "a.id", ty: SortType::Int }];

pub const CUSTOMERS: &[SortColumn] = &[
    SortColumn { name: "id", expr: "c.id", ty: SortType::Int },
    SortColumn { name: "code", expr: "c.code", ty: SortType::Text },
    SortColumn { name: "name", expr: "c.name", ty: SortType::Text },
    SortColumn { name: "province", expr: "c.province", ty: SortType::Text },
];

pub const IMPORT_JOBS: &[SortColumn] = &[SortColumn { name: "id", expr: "j.id", ty: SortType::Int }];

pub const OPPORTUNITIES: &[SortColumn] = &[
    SortColumn { name: "id", expr: "o.id", ty: SortType::Int },
    SortColumn { name: "expected_close", expr: "o.expected_close", ty: SortType::Date },
    SortColumn { name: "amount", expr: "o.amount_fen", ty: SortType::Int },
    SortColumn { name: "name", expr: "o.name", ty: SortType::Text },
];

pub const ORG_UNITS: &[SortColumn] = &[
    SortColumn { name: "id", expr: "u.id", ty: SortType::Int },
    SortColumn { name: "code", expr: "u.code", ty: SortType::Text },
    SortColumn { name: "name", expr: "u.name", ty: SortType::Text },
    SortColumn { name: "depth", expr: "u.depth", ty: SortType::Int },
];

pub const PLANS: &[SortColumn] = &[
    SortColumn { name: "id", expr: "p.id", ty: SortType::Int },
    SortColumn { name: "period", expr: "p.period", ty: SortType::Text },
];

pub const PRODUCT_LINES: &[SortColumn] = &[
    SortColumn { name: "id", expr: "p.id", ty: SortType::Int },
    SortColumn { name: "code", expr: "p.code", ty: SortType::Text },
    SortColumn { name: "name", expr: "p.name", ty: SortType::Text },
];

pub const REPS: &[SortColumn] = &[
    SortColumn { name: "id", expr: "r.id", ty: SortType::Int },
    SortColumn { name: "employee_no", expr: "r.employee_no", ty: SortType::Text },
    SortColumn { name: "name", expr: "r.name", ty: SortType::Text },
    SortColumn { name: "hire_date", expr: "r.hire_date", ty: SortType::Date },
];

pub const SALES_RECORDS: &[SortColumn] = &[
    SortColumn { name: "id", expr: "s.id", ty: SortType::Int },
    SortColumn { name: "booked_on", expr: "s.booked_on", ty: SortType::Date },
    SortColumn { name: "amount", expr: "s.amount_fen", ty: SortType::Int },
    SortColumn { name: "doc_id", expr: "s.doc_id", ty: SortType::Text },
];

pub const USERS: &[SortColumn] = &[
    SortColumn { name: "id", expr: "s.id", ty: SortType::Int },
    SortColumn { name: "username", expr: "s.username", ty: SortType::Text },
    SortColumn { name: "display_name", expr: "s.display_name", ty: SortType::Text },
];

pub const VISITS: &[SortColumn] = &[
    SortColumn { name: "id", expr: "v.id", ty: SortType::Int },
    SortColumn { name: "visit_date", expr: "v.visit_date", ty: SortType::Date },
];
