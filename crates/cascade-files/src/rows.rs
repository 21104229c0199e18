//! [`ImportRow`], and turning one record's cells into one (collecting every
//! bad cell) or back into cells for writing.

use std::collections::BTreeMap;

pub use cascade_api_types::ImportRow;
use cascade_api_types::{
    CustomerRow, FieldError, HospitalGrade, ImportKind, OpportunityRow, OrgUnitKind, OrgUnitRow, RepRow, SalesRow, VisitKind,
    VisitRow,
};
use cascade_core::{CapabilityRating, FunnelStage, Money, ProcurementStage, RepStatus};
use chrono::NaiveDate;

use crate::cell::{self, Cell};
use crate::columns::{self, Layout};

/// A record's cells by position in the file.
pub(crate) trait Cells {
    fn cell(&self, pos: usize) -> Cell<'_>;
}

/// Parses one record. `row` is its row number, for the errors.
pub(crate) fn parse(layout: &Layout, cells: &impl Cells, row: u64) -> Result<ImportRow, Vec<FieldError>> {
    let mut p = Parser { layout, cells, row, names: columns::columns(layout.kind), errors: Vec::new() };
    for &pos in &layout.unnamed {
        if !cells.cell(pos).is_empty() {
            p.errors.push(FieldError {
                field: format!("column {}", pos + 1),
                reason: "has a value but the column has no header".into(),
                row: Some(row),
            });
        }
    }
    let parsed = match layout.kind {
        ImportKind::OrgUnits => org_unit(&mut p).map(ImportRow::OrgUnit),
        ImportKind::Reps => rep(&mut p).map(ImportRow::Rep),
        ImportKind::Customers => customer(&mut p).map(ImportRow::Customer),
        ImportKind::SalesRecords => sales(&mut p).map(ImportRow::Sales),
        ImportKind::Opportunities => opportunity(&mut p).map(ImportRow::Opportunity),
        ImportKind::Visits => visit(&mut p).map(ImportRow::Visit),
    };
    match parsed {
        Some(row) if p.errors.is_empty() => Ok(row),
        _ => Err(p.errors),
    }
}

/// Reads cells of one record by canonical column. Every accessor returns
/// `None` only after recording why, so a row function can evaluate all its
/// cells first and combine them with `?` at the end: all bad cells are
/// reported, not just the first.
struct Parser<'a, C> {
    layout: &'a Layout,
    cells: &'a C,
    row: u64,
    names: &'static [&'static str],
    errors: Vec<FieldError>,
}

impl<'a, C: Cells> Parser<'a, C> {
    fn get(&self, col: usize) -> Cell<'a> {
        match self.layout.positions[col] {
            Some(pos) => self.cells.cell(pos),
            None => Cell::Empty,
        }
    }

    fn fail(&mut self, col: usize, reason: impl Into<String>) {
        self.errors.push(FieldError { field: self.names[col].to_owned(), reason: reason.into(), row: Some(self.row) });
    }

    fn required<T>(&mut self, col: usize, f: impl FnOnce(Cell<'a>) -> Result<T, String>) -> Option<T> {
        match self.optional(col, f)? {
            Some(v) => Some(v),
            None => {
                self.fail(col, "is required");
                None
            }
        }
    }

    /// The row's `custom.<key>` cells that are not blank, as text.
    fn custom(&mut self) -> Option<BTreeMap<String, String>> {
        let mut out = BTreeMap::new();
        let mut ok = true;
        for (key, pos) in &self.layout.custom {
            let cell = self.cells.cell(*pos);
            if cell.is_empty() {
                continue;
            }
            match cell::custom_text(cell) {
                Ok(v) => {
                    out.insert(key.clone(), v);
                }
                Err(reason) => {
                    ok = false;
                    self.errors.push(FieldError { field: format!("custom.{key}"), reason, row: Some(self.row) });
                }
            }
        }
        ok.then_some(out)
    }

    /// `Some(None)` for a blank cell or an absent column.
    fn optional<T>(&mut self, col: usize, f: impl FnOnce(Cell<'a>) -> Result<T, String>) -> Option<Option<T>> {
        let cell = self.get(col);
        if cell.is_empty() {
            return Some(None);
        }
        match f(cell) {
            Ok(v) => Some(Some(v)),
            Err(reason) => {
                self.fail(col, reason);
                None
            }
        }
    }
}

const ORG_UNIT_KINDS: [OrgUnitKind; 5] =
    [OrgUnitKind::Company, OrgUnitKind::Region, OrgUnitKind::Province, OrgUnitKind::District, OrgUnitKind::Team];
const VISIT_KINDS: [VisitKind; 4] = [VisitKind::OnSite, VisitKind::Phone, VisitKind::Online, VisitKind::Meeting];

fn words<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| as_str(*v)).collect()
}

fn org_unit_kind(c: Cell<'_>) -> Result<OrgUnitKind, String> {
    cell::word(c, OrgUnitKind::parse, &words(&ORG_UNIT_KINDS, OrgUnitKind::as_str))
}

fn visit_kind(c: Cell<'_>) -> Result<VisitKind, String> {
    cell::word(c, VisitKind::parse, &words(&VISIT_KINDS, VisitKind::as_str))
}

fn grade(c: Cell<'_>) -> Result<HospitalGrade, String> {
    cell::word(c, HospitalGrade::parse, &words(&HospitalGrade::ALL, HospitalGrade::as_str))
}

fn rep_status(c: Cell<'_>) -> Result<RepStatus, String> {
    cell::word(c, |s| RepStatus::parse(s).ok(), &words(RepStatus::ALL, RepStatus::as_str))
}

fn rating(c: Cell<'_>) -> Result<CapabilityRating, String> {
    cell::word(c, |s| CapabilityRating::parse(s).ok(), &words(CapabilityRating::ALL, CapabilityRating::as_str))
}

fn procurement_stage(c: Cell<'_>) -> Result<ProcurementStage, String> {
    cell::word(c, |s| ProcurementStage::parse(s).ok(), &words(ProcurementStage::ALL, ProcurementStage::as_str))
}

fn funnel_stage(c: Cell<'_>) -> Result<FunnelStage, String> {
    cell::word(c, |s| FunnelStage::parse(s).ok(), &words(FunnelStage::ALL, FunnelStage::as_str))
}

fn org_unit<C: Cells>(p: &mut Parser<'_, C>) -> Option<OrgUnitRow> {
    use columns::org_units::*;
    let code = p.required(CODE, cell::code);
    let name = p.required(NAME, cell::name);
    let kind = p.required(KIND, org_unit_kind);
    let parent_code = p.optional(PARENT_CODE, cell::code);
    Some(OrgUnitRow { code: code?, name: name?, kind: kind?, parent_code: parent_code? })
}

fn rep<C: Cells>(p: &mut Parser<'_, C>) -> Option<RepRow> {
    use columns::reps::*;
    let employee_no = p.required(EMPLOYEE_NO, cell::code);
    let name = p.required(NAME, cell::name);
    let unit_code = p.required(UNIT_CODE, cell::code);
    let rating = p.required(RATING, rating);
    let hire_date = p.required(HIRE_DATE, cell::date);
    let status = p.optional(STATUS, rep_status).map(|s| s.unwrap_or(RepStatus::Active));
    let since = p.optional(STATUS_SINCE, cell::date);
    // An active rep has been active since hiring unless the file says
    // otherwise; a leave or departure date cannot be guessed.
    let status_since = match (status, since) {
        (_, None) => None,
        (_, Some(Some(d))) => Some(d),
        (Some(RepStatus::Active), Some(None)) => hire_date,
        (Some(s), Some(None)) => {
            p.fail(STATUS_SINCE, format!("is required when status is {}", s.as_str()));
            None
        }
        (None, Some(None)) => None,
    };
    let custom = p.custom();
    Some(RepRow {
        employee_no: employee_no?,
        name: name?,
        unit_code: unit_code?,
        rating: rating?,
        hire_date: hire_date?,
        status: status?,
        status_since: status_since?,
        custom: custom?,
    })
}

fn customer<C: Cells>(p: &mut Parser<'_, C>) -> Option<CustomerRow> {
    use columns::customers::*;
    let code = p.required(CODE, cell::code);
    let name = p.required(NAME, cell::name);
    let grade = p.required(GRADE, grade);
    let province = p.required(PROVINCE, cell::name);
    let city = p.required(CITY, cell::name);
    let unit_code = p.required(UNIT_CODE, cell::code);
    let owner_employee_no = p.optional(OWNER_EMPLOYEE_NO, cell::code);
    let stage = p.required(STAGE, procurement_stage);
    let custom = p.custom();
    Some(CustomerRow {
        code: code?,
        name: name?,
        grade: grade?,
        province: province?,
        city: city?,
        unit_code: unit_code?,
        owner_employee_no: owner_employee_no?,
        stage: stage?,
        custom: custom?,
    })
}

fn sales<C: Cells>(p: &mut Parser<'_, C>) -> Option<SalesRow> {
    use columns::sales_records::*;
    let doc_id = p.required(DOC_ID, cell::code);
    let customer_code = p.required(CUSTOMER_CODE, cell::code);
    let product_line_code = p.required(PRODUCT_LINE_CODE, cell::code);
    let booked_on = p.required(BOOKED_ON, cell::date);
    // Negative amounts are credit notes.
    let amount = p.required(AMOUNT, cell::money);
    Some(SalesRow {
        doc_id: doc_id?,
        customer_code: customer_code?,
        product_line_code: product_line_code?,
        booked_on: booked_on?,
        amount: amount?,
    })
}

fn opportunity<C: Cells>(p: &mut Parser<'_, C>) -> Option<OpportunityRow> {
    use columns::opportunities::*;
    let external_id = p.required(EXTERNAL_ID, cell::code);
    let name = p.required(NAME, cell::name);
    let customer_code = p.required(CUSTOMER_CODE, cell::code);
    let owner_employee_no = p.required(OWNER_EMPLOYEE_NO, cell::code);
    let product_line_code = p.required(PRODUCT_LINE_CODE, cell::code);
    let amount = p.required(AMOUNT, cell::non_negative_money);
    let expected_close = p.required(EXPECTED_CLOSE, cell::date);
    let stage = p.required(STAGE, funnel_stage);
    let lost_reason = p.optional(LOST_REASON, cell::note);
    let custom = p.custom();
    Some(OpportunityRow {
        external_id: external_id?,
        name: name?,
        customer_code: customer_code?,
        owner_employee_no: owner_employee_no?,
        product_line_code: product_line_code?,
        amount: amount?,
        expected_close: expected_close?,
        stage: stage?,
        lost_reason: lost_reason?,
        custom: custom?,
    })
}

fn visit<C: Cells>(p: &mut Parser<'_, C>) -> Option<VisitRow> {
    use columns::visits::*;
    let external_id = p.required(EXTERNAL_ID, cell::code);
    let employee_no = p.required(EMPLOYEE_NO, cell::code);
    let customer_code = p.required(CUSTOMER_CODE, cell::code);
    let visit_date = p.required(VISIT_DATE, cell::date);
    let kind = p.required(KIND, visit_kind);
    let notes = p.optional(NOTES, cell::note);
    Some(VisitRow {
        external_id: external_id?,
        employee_no: employee_no?,
        customer_code: customer_code?,
        visit_date: visit_date?,
        kind: kind?,
        notes: notes?.unwrap_or_default(),
    })
}

/// A value to write, typed so that each format can render it natively.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Out<'a> {
    Text(&'a str),
    Date(NaiveDate),
    Money(Money),
}

/// The row's custom field cells, for the kinds that have them.
pub(crate) fn custom_of(row: &ImportRow) -> Option<&BTreeMap<String, String>> {
    match row {
        ImportRow::Rep(r) => Some(&r.custom),
        ImportRow::Customer(r) => Some(&r.custom),
        ImportRow::Opportunity(r) => Some(&r.custom),
        _ => None,
    }
}

/// The row's cells in canonical column order, then one per `custom_keys`;
/// `None` is a blank cell.
pub(crate) fn out_cells_with<'a>(row: &'a ImportRow, custom_keys: &[String]) -> Vec<Option<Out<'a>>> {
    let mut cells = out_cells(row);
    let custom = custom_of(row);
    for key in custom_keys {
        cells.push(custom.and_then(|c| c.get(key)).map(|v| Out::Text(v.as_str())));
    }
    cells
}

/// The row's cells in canonical column order; `None` is a blank cell.
pub(crate) fn out_cells(row: &ImportRow) -> Vec<Option<Out<'_>>> {
    use Out::{Date, Money, Text};
    fn code(c: &cascade_core::Code) -> Option<Out<'_>> {
        Some(Text(c.as_str()))
    }
    match row {
        ImportRow::OrgUnit(r) => vec![
            code(&r.code),
            Some(Text(&r.name)),
            Some(Text(r.kind.as_str())),
            r.parent_code.as_ref().map(|c| Text(c.as_str())),
        ],
        ImportRow::Rep(r) => vec![
            code(&r.employee_no),
            Some(Text(&r.name)),
            code(&r.unit_code),
            Some(Text(r.rating.as_str())),
            Some(Date(r.hire_date)),
            Some(Text(r.status.as_str())),
            Some(Date(r.status_since)),
        ],
        ImportRow::Customer(r) => vec![
            code(&r.code),
            Some(Text(&r.name)),
            Some(Text(r.grade.as_str())),
            Some(Text(&r.province)),
            Some(Text(&r.city)),
            code(&r.unit_code),
            r.owner_employee_no.as_ref().map(|c| Text(c.as_str())),
            Some(Text(r.stage.as_str())),
        ],
        ImportRow::Sales(r) => vec![
            code(&r.doc_id),
            code(&r.customer_code),
            code(&r.product_line_code),
            Some(Date(r.booked_on)),
            Some(Money(r.amount)),
        ],
        ImportRow::Opportunity(r) => vec![
            code(&r.external_id),
            Some(Text(&r.name)),
            code(&r.customer_code),
            code(&r.owner_employee_no),
            code(&r.product_line_code),
            Some(Money(r.amount)),
            Some(Date(r.expected_close)),
            Some(Text(r.stage.as_str())),
            r.lost_reason.as_deref().map(Text),
        ],
        ImportRow::Visit(r) => vec![
            code(&r.external_id),
            code(&r.employee_no),
            code(&r.customer_code),
            Some(Date(r.visit_date)),
            Some(Text(r.kind.as_str())),
            (!r.notes.is_empty()).then_some(Text(&r.notes)),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::columns::resolve;

    /// Test cells: plain text, as CSV gives them.
    struct Texts<'a>(&'a [&'a str]);

    impl Cells for Texts<'_> {
        fn cell(&self, pos: usize) -> Cell<'_> {
            self.0.get(pos).map_or(Cell::Empty, |s| Cell::text_or_empty(s))
        }
    }

    fn parse_one(kind: ImportKind, header: &[&str], cells: &[&str]) -> Result<ImportRow, Vec<(String, String)>> {
        let layout = resolve(kind, header, 1).unwrap();
        parse(&layout, &Texts(cells), 7).map_err(|errors| {
            assert!(errors.iter().all(|e| e.row == Some(7)));
            errors.into_iter().map(|e| (e.field, e.reason)).collect()
        })
    }

    fn e(field: &str, reason: &str) -> (String, String) {
        (field.to_owned(), reason.to_owned())
    }

    fn date(s: &str) -> NaiveDate {
        cell::parse_date(s).unwrap()
    }

    #[test]
    fn the_enum_lists_are_complete() {
        // Adding a variant makes these matches fail to compile, pointing here.
        for k in ORG_UNIT_KINDS {
            match k {
                OrgUnitKind::Company
                | OrgUnitKind::Region
                | OrgUnitKind::Province
                | OrgUnitKind::District
                | OrgUnitKind::Team => {}
            }
            assert_eq!(OrgUnitKind::parse(k.as_str()), Some(k));
        }
        for k in VISIT_KINDS {
            match k {
                VisitKind::OnSite | VisitKind::Phone | VisitKind::Online | VisitKind::Meeting => {}
            }
            assert_eq!(VisitKind::parse(k.as_str()), Some(k));
        }
    }

    #[test]
    fn a_sales_row_with_a_credit_note() {
        let row = parse_one(
            ImportKind::SalesRecords,
            &columns::sales_records::NAMES,
            &["D-1", "90000001", "PL.7", "2024/3/9", " -1250.5 "],
        )
        .unwrap();
        assert_eq!(row.kind(), ImportKind::SalesRecords);
        assert_eq!(row.key(), "D-1");
        let ImportRow::Sales(s) = row else { panic!("not a sales row") };
        assert_eq!(s.amount, Money::from_fen(-125050));
        assert_eq!(s.booked_on, date("2024-03-09"));
        assert_eq!(s.customer_code.as_str(), "90000001");
    }

    #[test]
    fn every_bad_cell_of_a_row_is_reported() {
        let errors =
            parse_one(ImportKind::SalesRecords, &columns::sales_records::NAMES, &["", "客户", "PL", "2024-02-30", "12,5"])
                .unwrap_err();
        assert_eq!(
            errors,
            [
                e("doc_id", "is required"),
                e("customer_code", "may only contain letters, digits, '-', '_' and '.' (got \"客户\")"),
                e("booked_on", "is not a calendar date (got \"2024-02-30\")"),
                e("amount", "is not a decimal number (got \"12,5\")"),
            ]
        );
    }

    #[test]
    fn org_units_parent_is_optional() {
        let header = ["code", "name", "kind"];
        let row = parse_one(ImportKind::OrgUnits, &header, &["HQ", " 总部 ", "company"]).unwrap();
        let ImportRow::OrgUnit(u) = row else { panic!("not an org unit") };
        assert_eq!((u.name.as_str(), u.kind, u.parent_code), ("总部", OrgUnitKind::Company, None));
        let errors = parse_one(ImportKind::OrgUnits, &header, &["HQ", "总部", "Company"]).unwrap_err();
        assert_eq!(errors, [e("kind", "must be one of: company region province district team (got \"Company\")")]);
    }

    #[test]
    fn reps_status_defaults() {
        let header = ["employee_no", "name", "unit_code", "rating", "hire_date"];
        let ImportRow::Rep(r) = parse_one(ImportKind::Reps, &header, &["E1", "张三", "GD", "B", "2020-05-01"]).unwrap() else {
            panic!("not a rep")
        };
        assert_eq!((r.status, r.status_since), (RepStatus::Active, date("2020-05-01")));

        let header = columns::reps::NAMES;
        let errors = parse_one(ImportKind::Reps, &header, &["E1", "张三", "GD", "D", "2020-05-01", "on_leave", ""]).unwrap_err();
        assert_eq!(
            errors,
            [e("rating", "must be one of: A B C (got \"D\")"), e("status_since", "is required when status is on_leave")]
        );
        let ImportRow::Rep(r) =
            parse_one(ImportKind::Reps, &header, &["E1", "张三", "GD", "A", "2020-05-01", "departed", "2024-01-31"]).unwrap()
        else {
            panic!("not a rep")
        };
        assert_eq!((r.status, r.status_since), (RepStatus::Departed, date("2024-01-31")));
        let errors = parse_one(ImportKind::Reps, &header, &["E1", "张三", "GD", "A", "2020-05-01", "gone", "x"]).unwrap_err();
        assert_eq!(
            errors,
            [
                e("status", "must be one of: active on_leave departed (got \"gone\")"),
                e("status_since", "is not a date in the form YYYY-MM-DD (got \"x\")"),
            ]
        );
    }

    #[test]
    fn customers_grades_and_stages() {
        let header = columns::customers::NAMES;
        let ImportRow::Customer(c) = parse_one(
            ImportKind::Customers,
            &header,
            &["C1", "广州市第一人民医院", "三甲", "广东", "广州", "GD", "", "in_hospital"],
        )
        .unwrap() else {
            panic!("not a customer")
        };
        assert_eq!((c.grade, c.owner_employee_no, c.stage), (HospitalGrade::Tertiary3A, None, ProcurementStage::InHospital));
        let errors =
            parse_one(ImportKind::Customers, &header, &["C1", "医院", "3A", "", "广州", "GD", "E 1", "won!"]).unwrap_err();
        assert_eq!(
            errors,
            [
                e("grade", "must be one of: 三甲 三乙 二甲 二乙 一级 未定级 (got \"3A\")"),
                e("province", "is required"),
                e("owner_employee_no", "may only contain letters, digits, '-', '_' and '.' (got \"E 1\")"),
                e(
                    "stage",
                    "must be one of: not_engaged in_contact in_hospital pending_tender contract_approval won lost (got \"won!\")"
                ),
            ]
        );
    }

    #[test]
    fn opportunity_amounts_must_not_be_negative() {
        let header = columns::opportunities::NAMES;
        let cells = ["O1", "设备更新", "C1", "E1", "PL", "-1", "2024-06-30", "lead", ""];
        assert_eq!(parse_one(ImportKind::Opportunities, &header, &cells).unwrap_err(), [e("amount", "must not be negative")]);
        let cells = ["O1", "设备更新", "C1", "E1", "PL", "100", "2024-06-30", "lost", " 预算取消 "];
        let ImportRow::Opportunity(o) = parse_one(ImportKind::Opportunities, &header, &cells).unwrap() else {
            panic!("not an opportunity")
        };
        assert_eq!((o.stage, o.lost_reason.as_deref()), (FunnelStage::Lost, Some("预算取消")));
    }

    #[test]
    fn visits_notes_are_optional_and_kinds_checked() {
        let header = ["external_id", "employee_no", "customer_code", "visit_date", "kind"];
        let ImportRow::Visit(v) = parse_one(ImportKind::Visits, &header, &["V1", "E1", "C1", "2024-01-02", "phone"]).unwrap()
        else {
            panic!("not a visit")
        };
        assert_eq!((v.kind, v.notes.as_str()), (VisitKind::Phone, ""));
        let errors = parse_one(ImportKind::Visits, &header, &["V1", "E1", "C1", "2024-01-02", "电话"]).unwrap_err();
        assert_eq!(errors, [e("kind", "must be one of: on_site phone online meeting (got \"电话\")")]);
    }

    #[test]
    fn values_under_a_blank_header_are_refused() {
        let header = ["code", "name", "kind", ""];
        assert!(parse_one(ImportKind::OrgUnits, &header, &["HQ", "总部", "company", " "]).is_ok());
        let errors = parse_one(ImportKind::OrgUnits, &header, &["HQ", "总部", "company", "x"]).unwrap_err();
        assert_eq!(errors, [e("column 4", "has a value but the column has no header")]);
    }

    #[test]
    fn out_cells_follow_the_canonical_columns() {
        let header = columns::opportunities::NAMES;
        let cells = ["O1", "设备更新", "C1", "E1", "PL", "100", "2024-06-30", "lead", ""];
        let row = parse_one(ImportKind::Opportunities, &header, &cells).unwrap();
        let out = out_cells(&row);
        assert_eq!(out.len(), header.len());
        assert_eq!(out[5], Some(Out::Money(Money::from_fen(10000))));
        assert_eq!(out[8], None);
    }
}
