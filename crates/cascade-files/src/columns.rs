//! The columns of each import kind: canonical names in file order, the
//! header aliases accepted for them, which ones may be left out, and matching
//! a file's header row against them.

use cascade_api_types::{FieldError, ImportKind};

use crate::error::FileError;

/// One column of a kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    /// Canonical header: the row struct's field name.
    pub name: &'static str,
    /// Other headers that mean the same column (Chinese names people use).
    pub aliases: &'static [&'static str],
    /// Whether the header must contain the column. Cells of a present column
    /// may still be optional, see `rows.rs`.
    pub required: bool,
}

const fn req(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column { name, aliases, required: true }
}

const fn opt(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column { name, aliases, required: false }
}

const fn names<const N: usize>(cols: [Column; N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = cols[i].name;
        i += 1;
    }
    out
}

// Each kind's column indices live beside its list so the order has one home;
// the row parsers and writers address cells through these.

pub(crate) mod org_units {
    use super::*;
    pub const CODE: usize = 0;
    pub const NAME: usize = 1;
    pub const KIND: usize = 2;
    pub const PARENT_CODE: usize = 3;
    pub const COLUMNS: [Column; 4] = [
        req("code", &["编码", "组织编码"]),
        req("name", &["名称", "组织名称"]),
        req("kind", &["类型", "组织类型"]),
        opt("parent_code", &["上级编码", "上级组织编码"]),
    ];
    pub static NAMES: [&str; 4] = names(COLUMNS);
}

pub(crate) mod reps {
    use super::*;
    pub const EMPLOYEE_NO: usize = 0;
    pub const NAME: usize = 1;
    pub const UNIT_CODE: usize = 2;
    pub const RATING: usize = 3;
    pub const HIRE_DATE: usize = 4;
    pub const STATUS: usize = 5;
    pub const STATUS_SINCE: usize = 6;
    pub const COLUMNS: [Column; 7] = [
        req("employee_no", &["工号", "员工编号"]),
        req("name", &["姓名"]),
        req("unit_code", &["组织编码", "所属组织编码"]),
        req("rating", &["能力评级", "评级"]),
        req("hire_date", &["入职日期"]),
        opt("status", &["状态", "在职状态"]),
        opt("status_since", &["状态日期", "状态生效日期"]),
    ];
    pub static NAMES: [&str; 7] = names(COLUMNS);
}

pub(crate) mod customers {
    use super::*;
    pub const CODE: usize = 0;
    pub const NAME: usize = 1;
    pub const GRADE: usize = 2;
    pub const PROVINCE: usize = 3;
    pub const CITY: usize = 4;
    pub const UNIT_CODE: usize = 5;
    pub const OWNER_EMPLOYEE_NO: usize = 6;
    pub const STAGE: usize = 7;
    pub const COLUMNS: [Column; 8] = [
        req("code", &["客户编码"]),
        req("name", &["客户名称", "名称"]),
        req("grade", &["医院等级", "等级"]),
        req("province", &["省份", "省"]),
        req("city", &["城市", "市"]),
        req("unit_code", &["组织编码", "负责组织编码"]),
        opt("owner_employee_no", &["负责人工号", "负责代表工号"]),
        req("stage", &["采购阶段", "阶段"]),
    ];
    pub static NAMES: [&str; 8] = names(COLUMNS);
}

pub(crate) mod sales_records {
    use super::*;
    pub const DOC_ID: usize = 0;
    pub const CUSTOMER_CODE: usize = 1;
    pub const PRODUCT_LINE_CODE: usize = 2;
    pub const BOOKED_ON: usize = 3;
    pub const AMOUNT: usize = 4;
    pub const COLUMNS: [Column; 5] = [
        req("doc_id", &["单据号", "单据编号"]),
        req("customer_code", &["客户编码"]),
        req("product_line_code", &["产品线编码"]),
        req("booked_on", &["记账日期"]),
        req("amount", &["金额"]),
    ];
    pub static NAMES: [&str; 5] = names(COLUMNS);
}

pub(crate) mod opportunities {
    use super::*;
    pub const EXTERNAL_ID: usize = 0;
    pub const NAME: usize = 1;
    pub const CUSTOMER_CODE: usize = 2;
    pub const OWNER_EMPLOYEE_NO: usize = 3;
    pub const PRODUCT_LINE_CODE: usize = 4;
    pub const AMOUNT: usize = 5;
    pub const EXPECTED_CLOSE: usize = 6;
    pub const STAGE: usize = 7;
    pub const LOST_REASON: usize = 8;
    pub const COLUMNS: [Column; 9] = [
        req("external_id", &["商机编号"]),
        req("name", &["商机名称", "名称"]),
        req("customer_code", &["客户编码"]),
        req("owner_employee_no", &["负责人工号"]),
        req("product_line_code", &["产品线编码"]),
        req("amount", &["金额", "预计金额"]),
        req("expected_close", &["预计成交日期"]),
        req("stage", &["商机阶段", "阶段"]),
        opt("lost_reason", &["丢单原因"]),
    ];
    pub static NAMES: [&str; 9] = names(COLUMNS);
}

pub(crate) mod visits {
    use super::*;
    pub const EXTERNAL_ID: usize = 0;
    pub const EMPLOYEE_NO: usize = 1;
    pub const CUSTOMER_CODE: usize = 2;
    pub const VISIT_DATE: usize = 3;
    pub const KIND: usize = 4;
    pub const NOTES: usize = 5;
    pub const COLUMNS: [Column; 6] = [
        req("external_id", &["拜访编号"]),
        req("employee_no", &["工号"]),
        req("customer_code", &["客户编码"]),
        req("visit_date", &["拜访日期"]),
        req("kind", &["拜访类型", "类型"]),
        opt("notes", &["备注", "拜访记录"]),
    ];
    pub static NAMES: [&str; 6] = names(COLUMNS);
}

/// The canonical header of `kind`, in order: what exports write and what
/// imports expect (aliases aside).
pub fn columns(kind: ImportKind) -> &'static [&'static str] {
    match kind {
        ImportKind::OrgUnits => &org_units::NAMES,
        ImportKind::Reps => &reps::NAMES,
        ImportKind::Customers => &customers::NAMES,
        ImportKind::SalesRecords => &sales_records::NAMES,
        ImportKind::Opportunities => &opportunities::NAMES,
        ImportKind::Visits => &visits::NAMES,
    }
}

pub(crate) fn specs(kind: ImportKind) -> &'static [Column] {
    match kind {
        ImportKind::OrgUnits => &org_units::COLUMNS,
        ImportKind::Reps => &reps::COLUMNS,
        ImportKind::Customers => &customers::COLUMNS,
        ImportKind::SalesRecords => &sales_records::COLUMNS,
        ImportKind::Opportunities => &opportunities::COLUMNS,
        ImportKind::Visits => &visits::COLUMNS,
    }
}

/// Where each canonical column sits in the file's records.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub kind: ImportKind,
    /// Indexed by canonical column; `None` when an optional column is absent.
    pub positions: Vec<Option<usize>>,
    /// Positions whose header cell is blank. Excel and CSV exports often
    /// carry such trailing columns; they are ignored while their cells are
    /// blank, and a value under one is a row error rather than silently lost.
    pub unnamed: Vec<usize>,
    /// `custom.<key>` columns (customers, reps and opportunities only): key
    /// and position.
    pub custom: Vec<(String, usize)>,
}

/// Kinds whose files may carry `custom.<key>` columns.
pub fn has_custom_fields(kind: ImportKind) -> bool {
    matches!(kind, ImportKind::Customers | ImportKind::Reps | ImportKind::Opportunities)
}

/// The key of a `custom.<key>` header, if it is one.
fn custom_key(header: &str) -> Option<String> {
    let key = normalize(header).strip_prefix("custom.")?.to_owned();
    let mut chars = key.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && key.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    ok.then_some(key)
}

/// How a header cell is compared: trimmed, ASCII case folded, and with
/// spaces and hyphens read as underscores, so `Doc ID` and `doc-id` both
/// mean `doc_id`.
fn normalize(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

fn find_column(cols: &[Column], header: &str) -> Option<usize> {
    let wanted = normalize(header);
    cols.iter().position(|c| c.name == wanted || c.aliases.iter().any(|a| normalize(a) == wanted))
}

/// Matches a header row (`cells` in file order) against `kind`'s columns.
/// `row` is the header's row number in the file, used in the errors.
pub(crate) fn resolve<S: AsRef<str>>(kind: ImportKind, cells: &[S], row: u64) -> Result<Layout, FileError> {
    let cols = specs(kind);
    let mut found: Vec<Vec<usize>> = vec![Vec::new(); cols.len()];
    let mut unnamed = Vec::new();
    let mut custom: Vec<(String, usize)> = Vec::new();
    let mut errors = Vec::new();
    for (pos, cell) in cells.iter().enumerate() {
        let header = cell.as_ref().trim_start_matches('\u{feff}').trim();
        if header.is_empty() {
            unnamed.push(pos);
            continue;
        }
        match (find_column(cols, header), custom_key(header).filter(|_| has_custom_fields(kind))) {
            (Some(i), _) => found[i].push(pos),
            (None, Some(key)) if custom.iter().any(|(k, _)| *k == key) => errors.push(FieldError {
                field: format!("custom.{key}"),
                reason: "appears more than once".into(),
                row: Some(row),
            }),
            (None, Some(key)) => custom.push((key, pos)),
            (None, None) => errors.push(FieldError {
                field: header.to_owned(),
                reason: format!("is not a column of {}; expected: {}", kind.as_str(), columns(kind).join(", ")),
                row: Some(row),
            }),
        }
    }
    for (col, positions) in cols.iter().zip(&found) {
        if positions.len() > 1 {
            let list: Vec<String> = positions.iter().map(|p| (p + 1).to_string()).collect();
            errors.push(FieldError {
                field: col.name.to_owned(),
                reason: format!("appears more than once (columns {})", list.join(", ")),
                row: Some(row),
            });
        } else if positions.is_empty() && col.required {
            errors.push(FieldError { field: col.name.to_owned(), reason: "required column is missing".into(), row: Some(row) });
        }
    }
    if !errors.is_empty() {
        return Err(FileError::Header { kind, row, errors });
    }
    Ok(Layout { kind, positions: found.iter().map(|p| p.first().copied()).collect(), unnamed, custom })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_errors(kind: ImportKind, cells: &[&str]) -> Vec<(String, String)> {
        match resolve(kind, cells, 1) {
            Ok(_) => Vec::new(),
            Err(e) => e.field_errors().into_iter().map(|f| (f.field, f.reason)).collect(),
        }
    }

    #[test]
    fn canonical_names_are_the_row_fields() {
        assert_eq!(columns(ImportKind::SalesRecords), ["doc_id", "customer_code", "product_line_code", "booked_on", "amount"]);
        for kind in ImportKind::ALL {
            assert_eq!(columns(kind).len(), specs(kind).len());
            for (name, spec) in columns(kind).iter().zip(specs(kind)) {
                assert_eq!(*name, spec.name);
            }
        }
    }

    #[test]
    fn aliases_never_collide_within_a_kind() {
        for kind in ImportKind::ALL {
            let mut all: Vec<String> = specs(kind)
                .iter()
                .flat_map(|c| std::iter::once(c.name).chain(c.aliases.iter().copied()))
                .map(normalize)
                .collect();
            let n = all.len();
            all.sort();
            all.dedup();
            assert_eq!(all.len(), n, "{kind:?} has an ambiguous header name");
        }
    }

    #[test]
    fn reordered_aliased_and_differently_cased_headers_resolve() {
        let layout =
            resolve(ImportKind::SalesRecords, &[" 金额 ", "Doc ID", "CUSTOMER_CODE", "产品线编码", "booked-on"], 1).unwrap();
        assert_eq!(layout.positions, [Some(1), Some(2), Some(3), Some(4), Some(0)]);
    }

    #[test]
    fn optional_columns_may_be_absent_and_blank_headers_are_set_aside() {
        let layout = resolve(ImportKind::OrgUnits, &["code", "name", "", "kind", " "], 1).unwrap();
        assert_eq!(layout.positions, [Some(0), Some(1), Some(3), None]);
        assert_eq!(layout.unnamed, [2, 4]);
    }

    #[test]
    fn one_error_per_missing_unknown_or_duplicate_column() {
        let errors = header_errors(ImportKind::SalesRecords, &["doc_id", "单据号", "customer", "booked_on", "amount"]);
        assert_eq!(
            errors,
            [
                (
                    "customer".to_owned(),
                    "is not a column of sales_records; expected: doc_id, customer_code, product_line_code, booked_on, amount"
                        .to_owned()
                ),
                ("doc_id".to_owned(), "appears more than once (columns 1, 2)".to_owned()),
                ("customer_code".to_owned(), "required column is missing".to_owned()),
                ("product_line_code".to_owned(), "required column is missing".to_owned()),
            ]
        );
    }

    #[test]
    fn header_errors_carry_the_header_row() {
        let err = resolve(ImportKind::Visits, &["external_id"], 3).unwrap_err();
        assert!(err.field_errors().iter().all(|e| e.row == Some(3)));
        assert_eq!(err.field_errors().len(), 4);
    }
}
