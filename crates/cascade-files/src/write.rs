//! Writing rows out as CSV or as an Excel workbook, in the canonical columns,
//! such that reading the file back gives equal rows.

use std::fmt::Write as _;
use std::io::Write;

use cascade_api_types::ImportKind;
use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::columns::{columns, has_custom_fields};
use crate::error::FileError;
use crate::rows::{out_cells_with, ImportRow, Out};

/// Without a byte order mark Excel opens UTF-8 CSV as the local code page
/// (GBK in China) and garbles every Chinese name.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes rows of one kind as CSV: UTF-8 with a BOM, comma-separated, CRLF
/// line ends, the canonical header first, quotes only where needed. Dates
/// are `YYYY-MM-DD`, amounts plain decimals with two places (`-1250.50`).
pub struct CsvRowWriter<W: Write> {
    inner: csv::Writer<W>,
    kind: ImportKind,
    /// Keys of the `custom.<key>` columns written after the canonical ones.
    custom_keys: Vec<String>,
    /// Reused to format dates and amounts without allocating per cell.
    buf: String,
}

impl<W: Write> CsvRowWriter<W> {
    /// Writes the BOM and the header row: the canonical columns, then
    /// `custom.<key>` for each of `custom_keys`.
    pub fn new(mut w: W, kind: ImportKind, custom_keys: &[String]) -> Result<Self, FileError> {
        w.write_all(UTF8_BOM)?;
        let mut inner = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(w);
        inner.write_record(header(kind, custom_keys))?;
        let custom_keys = custom_keys.iter().filter(|_| has_custom_fields(kind)).cloned().collect();
        Ok(CsvRowWriter { inner, kind, custom_keys, buf: String::new() })
    }

    pub fn write(&mut self, row: &ImportRow) -> Result<(), FileError> {
        if row.kind() != self.kind {
            return Err(FileError::WrongKind { kind: self.kind, row_kind: row.kind() });
        }
        for cell in out_cells_with(row, &self.custom_keys) {
            self.buf.clear();
            match cell {
                None => {}
                Some(Out::Text(s)) => self.buf.push_str(s),
                Some(Out::Date(d)) => write_date(&mut self.buf, d),
                Some(Out::Money(m)) => write_money(&mut self.buf, m),
            }
            self.inner.write_field(&self.buf)?;
        }
        self.inner.write_record(None::<&[u8]>)?;
        Ok(())
    }

    /// Pushes buffered rows into the underlying writer, for streaming.
    pub fn flush(&mut self) -> Result<(), FileError> {
        self.inner.flush().map_err(FileError::Io)
    }

    /// Flushes and hands back the underlying writer.
    pub fn finish(self) -> Result<W, FileError> {
        self.inner.into_inner().map_err(|e| FileError::Io(e.into_error()))
    }
}

fn header(kind: ImportKind, custom_keys: &[String]) -> Vec<String> {
    let custom = custom_keys.iter().filter(|_| has_custom_fields(kind)).map(|k| format!("custom.{k}"));
    columns(kind).iter().map(|c| (*c).to_owned()).chain(custom).collect()
}

fn write_date(buf: &mut String, d: chrono::NaiveDate) {
    // Formatting with chrono's `Display` would print years past 9999 with a
    // sign; those cannot be imported anyway, and this keeps the common case
    // allocation-free.
    let _ = write!(buf, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
}

/// Always two decimal places, whatever scale the `Money` carries.
fn write_money(buf: &mut String, m: cascade_core::Money) {
    let fen = m.fen();
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    let _ = write!(buf, "{sign}{}.{:02}", abs / 100, abs % 100);
}

/// Excel's last row (1-based), including the header.
const XLSX_MAX_ROWS: u32 = 1_048_576;

/// Writes rows of one kind as a workbook with one sheet named after the kind
/// (`sales_records`), a bold, frozen header row and the canonical columns.
///
/// Codes, names and words are text cells, so a numeric code such as
/// `00123` keeps its zeros. Dates are real Excel dates shown as
/// `yyyy-mm-dd`, so they sort and filter in Excel; a date Excel cannot hold
/// (before 1900) is written as ISO text instead, which reads back the same.
/// Amounts are numbers shown with two decimals; every `Money` fits an
/// Excel number exactly enough to read back unchanged (see `cell::money`).
///
/// The sheet is streamed through a temporary file, so memory stays flat
/// however many rows there are; the finished workbook is returned.
pub fn write_xlsx(kind: ImportKind, custom_keys: &[String], rows: impl Iterator<Item = ImportRow>) -> Result<Vec<u8>, FileError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let money = Format::new().set_num_format("0.00");
    let sheet = workbook.add_worksheet_with_constant_memory();
    sheet.set_name(kind.as_str())?;
    let custom_keys: Vec<String> = custom_keys.iter().filter(|_| has_custom_fields(kind)).cloned().collect();
    for (col, name) in (0u16..).zip(header(kind, &custom_keys)) {
        sheet.write_string_with_format(0, col, &name, &bold)?;
        sheet.set_column_width(col, column_width(&name))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let mut iso = String::new();
    for (r, row) in (1u32..).zip(rows) {
        if row.kind() != kind {
            return Err(FileError::WrongKind { kind, row_kind: row.kind() });
        }
        if r >= XLSX_MAX_ROWS {
            return Err(FileError::Xlsx(format!("more than {} rows do not fit in one Excel sheet", XLSX_MAX_ROWS - 1)));
        }
        for (col, cell) in (0u16..).zip(out_cells_with(&row, &custom_keys)) {
            match cell {
                None => {}
                Some(Out::Text(s)) => {
                    sheet.write_string(r, col, s)?;
                }
                Some(Out::Date(d)) => match excel_date(d) {
                    Some(xd) => {
                        sheet.write_datetime_with_format(r, col, &xd, &date)?;
                    }
                    None => {
                        iso.clear();
                        write_date(&mut iso, d);
                        sheet.write_string(r, col, &iso)?;
                    }
                },
                Some(Out::Money(m)) => {
                    // Exact: |fen| <= 10^15 < 2^53, and the division is
                    // correctly rounded.
                    sheet.write_number_with_format(r, col, m.fen() as f64 / 100.0, &money)?;
                }
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

fn excel_date(d: chrono::NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok().filter(|y| (1900..=9999).contains(y))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}

fn column_width(name: &str) -> f64 {
    match name {
        "name" | "notes" | "lost_reason" => 30.0,
        _ => (name.len() as f64 + 4.0).max(12.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::RowReader;
    use cascade_api_types::{
        CustomerRow, HospitalGrade, OpportunityRow, OrgUnitKind, OrgUnitRow, RepRow, SalesRow, VisitKind, VisitRow,
    };
    use cascade_core::{parse_name, parse_note, CapabilityRating, Code, FunnelStage, Money, ProcurementStage, RepStatus};
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use std::io::Cursor;

    /// Every custom key the rows carry, as an export passes the defined ones.
    fn keys(rows: &[ImportRow]) -> Vec<String> {
        let mut keys: Vec<String> = rows.iter().filter_map(crate::rows::custom_of).flat_map(|c| c.keys().cloned()).collect();
        keys.sort();
        keys.dedup();
        keys
    }

    fn csv_bytes(kind: ImportKind, rows: &[ImportRow]) -> Vec<u8> {
        let mut w = CsvRowWriter::new(Vec::new(), kind, &keys(rows)).unwrap();
        for row in rows {
            w.write(row).unwrap();
        }
        w.finish().unwrap()
    }

    fn read_back(reader: RowReader) -> Vec<ImportRow> {
        reader.map(|(n, r)| r.unwrap_or_else(|e| panic!("row {n}: {e:?}"))).collect()
    }

    fn code(s: &str) -> Code {
        Code::parse(s).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// One row of every kind, with the awkward values: Chinese, commas,
    /// quotes, line breaks, numeric-looking codes, credit notes, the largest
    /// amount, a date Excel cannot hold.
    fn samples() -> Vec<ImportRow> {
        vec![
            OrgUnitRow { code: code("0010"), name: "华南大区, \"南\"".into(), kind: OrgUnitKind::Region, parent_code: None }
                .into(),
            OrgUnitRow {
                code: code("GD.1"),
                name: "广东省区".into(),
                kind: OrgUnitKind::Province,
                parent_code: Some(code("0010")),
            }
            .into(),
            RepRow {
                employee_no: code("90000001"),
                name: "张三".into(),
                unit_code: code("GD.1"),
                rating: CapabilityRating::B,
                hire_date: day(1899, 12, 31),
                status: RepStatus::OnLeave,
                status_since: day(2024, 2, 29),
                custom: [("team".to_owned(), "01".to_owned())].into(),
            }
            .into(),
            CustomerRow {
                code: code("C-1"),
                name: "广州市第一人民医院".into(),
                grade: HospitalGrade::Tertiary3A,
                province: "广东".into(),
                city: "广州".into(),
                unit_code: code("GD.1"),
                owner_employee_no: Some(code("90000001")),
                stage: ProcurementStage::PendingTender,
                // Leading zeros and a date must come back as the same text.
                custom: [("beds".to_owned(), "0120".to_owned()), ("since".to_owned(), "2024-02-29".to_owned())].into(),
            }
            .into(),
            SalesRow {
                doc_id: code("1.50"),
                customer_code: code("C-1"),
                product_line_code: code("PL_2"),
                booked_on: day(2024, 12, 31),
                amount: Money::from_fen(-125_050),
            }
            .into(),
            SalesRow {
                doc_id: code("D2"),
                customer_code: code("C-1"),
                product_line_code: code("PL_2"),
                booked_on: day(1900, 1, 1),
                amount: Money::parse_str("-9999999999999.99").unwrap(),
            }
            .into(),
            OpportunityRow {
                external_id: code("SF-0001"),
                name: "=设备更新 + 1".into(),
                customer_code: code("C-1"),
                owner_employee_no: code("90000001"),
                product_line_code: code("PL_2"),
                amount: Money::parse_str("9999999999999.99").unwrap(),
                expected_close: day(2025, 6, 30),
                stage: FunnelStage::Lost,
                lost_reason: Some("预算取消\r\n改年\t再议".into()),
                custom: Default::default(),
            }
            .into(),
            VisitRow {
                external_id: code("V1"),
                employee_no: code("90000001"),
                customer_code: code("C-1"),
                visit_date: day(2024, 1, 5),
                kind: VisitKind::OnSite,
                notes: "拜访科主任,\n讨论\"新品\"".into(),
            }
            .into(),
            VisitRow {
                external_id: code("V2"),
                employee_no: code("90000001"),
                customer_code: code("C-1"),
                visit_date: day(2024, 1, 6),
                kind: VisitKind::Meeting,
                notes: String::new(),
            }
            .into(),
        ]
    }

    fn by_kind(kind: ImportKind) -> Vec<ImportRow> {
        samples().into_iter().filter(|r| r.kind() == kind).collect()
    }

    #[test]
    fn csv_layout() {
        let bytes = csv_bytes(ImportKind::SalesRecords, &by_kind(ImportKind::SalesRecords));
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(
            text,
            "\u{feff}doc_id,customer_code,product_line_code,booked_on,amount\r\n\
             1.50,C-1,PL_2,2024-12-31,-1250.50\r\n\
             D2,C-1,PL_2,1900-01-01,-9999999999999.99\r\n"
        );
        let empty = String::from_utf8(csv_bytes(ImportKind::Visits, &[])).unwrap();
        assert_eq!(empty, "\u{feff}external_id,employee_no,customer_code,visit_date,kind,notes\r\n");
    }

    #[test]
    fn csv_round_trip_of_every_kind() {
        for kind in ImportKind::ALL {
            let rows = by_kind(kind);
            let back = read_back(RowReader::from_csv(Cursor::new(csv_bytes(kind, &rows)), kind).unwrap());
            assert_eq!(back, rows, "{kind:?}");
        }
    }

    #[test]
    fn xlsx_round_trip_of_every_kind() {
        for kind in ImportKind::ALL {
            let rows = by_kind(kind);
            let bytes = write_xlsx(kind, &keys(&rows), rows.clone().into_iter()).unwrap();
            let back = read_back(RowReader::from_xlsx(Cursor::new(bytes), kind).unwrap());
            assert_eq!(back, rows, "{kind:?}");
        }
    }

    #[test]
    fn xlsx_sheet_is_named_after_the_kind_with_real_dates_and_numbers() {
        use calamine::{Data, Reader, Xlsx};
        let bytes = write_xlsx(ImportKind::SalesRecords, &[], by_kind(ImportKind::SalesRecords).into_iter()).unwrap();
        let mut wb = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), ["sales_records"]);
        let range = wb.worksheet_range("sales_records").unwrap();
        assert_eq!(range.get((1, 0)), Some(&Data::String("1.50".into())));
        assert!(matches!(range.get((1, 3)), Some(Data::DateTime(_))));
        assert_eq!(range.get((1, 4)), Some(&Data::Float(-1250.5)));
    }

    #[test]
    fn rows_of_another_kind_are_refused() {
        let visit = by_kind(ImportKind::Visits).remove(0);
        let mut w = CsvRowWriter::new(Vec::new(), ImportKind::SalesRecords, &[]).unwrap();
        let err = w.write(&visit).unwrap_err();
        assert_eq!(err.to_string(), "a visits row cannot be written to a sales_records file");
        assert!(matches!(write_xlsx(ImportKind::SalesRecords, &[], std::iter::once(visit)), Err(FileError::WrongKind { .. })));
    }

    fn arb_code() -> impl Strategy<Value = Code> {
        prop_oneof!["[A-Za-z0-9._-]{1,64}", "0[0-9]{0,17}"].prop_map(|s| Code::parse(&s).unwrap())
    }

    const AWKWARD: &str = "[a-zA-Z0-9 ,;\"'=+@#华南大区医院张三。，“”\\-]";

    fn arb_name() -> impl Strategy<Value = String> {
        proptest::string::string_regex(&format!("{AWKWARD}{{1,40}}"))
            .unwrap()
            .prop_filter_map("blank", |s| parse_name(&s, 100).ok())
    }

    fn arb_note() -> impl Strategy<Value = String> {
        proptest::string::string_regex(&format!("({AWKWARD}|\n|\r\n|\t){{0,60}}"))
            .unwrap()
            .prop_filter_map("invalid", |s| parse_note(&s, 2000).ok())
    }

    fn arb_date() -> impl Strategy<Value = NaiveDate> {
        (0i64..80_000).prop_map(|d| day(1850, 1, 1) + chrono::Duration::days(d))
    }

    fn arb_money() -> impl Strategy<Value = Money> {
        (-1_000_000_000_000_000i64..=1_000_000_000_000_000).prop_map(Money::from_fen)
    }

    fn arb_row(kind: ImportKind) -> BoxedStrategy<ImportRow> {
        match kind {
            ImportKind::OrgUnits => (
                arb_code(),
                arb_name(),
                prop::sample::select(vec![
                    OrgUnitKind::Company,
                    OrgUnitKind::Region,
                    OrgUnitKind::Province,
                    OrgUnitKind::District,
                    OrgUnitKind::Team,
                ]),
                prop::option::of(arb_code()),
            )
                .prop_map(|(code, name, kind, parent_code)| OrgUnitRow { code, name, kind, parent_code }.into())
                .boxed(),
            ImportKind::Reps => (
                arb_code(),
                arb_name(),
                arb_code(),
                prop::sample::select(CapabilityRating::ALL),
                arb_date(),
                prop::sample::select(RepStatus::ALL),
                arb_date(),
            )
                .prop_map(|(employee_no, name, unit_code, rating, hire_date, status, status_since)| {
                    RepRow { employee_no, name, unit_code, rating, hire_date, status, status_since, custom: Default::default() }
                        .into()
                })
                .boxed(),
            ImportKind::Customers => (
                arb_code(),
                arb_name(),
                prop::sample::select(HospitalGrade::ALL.to_vec()),
                arb_name(),
                arb_name(),
                arb_code(),
                prop::option::of(arb_code()),
                prop::sample::select(ProcurementStage::ALL),
            )
                .prop_map(|(code, name, grade, province, city, unit_code, owner_employee_no, stage)| {
                    CustomerRow {
                        code,
                        name,
                        grade,
                        province,
                        city,
                        unit_code,
                        owner_employee_no,
                        stage,
                        custom: Default::default(),
                    }
                    .into()
                })
                .boxed(),
            ImportKind::SalesRecords => (arb_code(), arb_code(), arb_code(), arb_date(), arb_money())
                .prop_map(|(doc_id, customer_code, product_line_code, booked_on, amount)| {
                    SalesRow { doc_id, customer_code, product_line_code, booked_on, amount }.into()
                })
                .boxed(),
            ImportKind::Opportunities => (
                (arb_code(), arb_name(), arb_code(), arb_code(), arb_code()),
                (0i64..=1_000_000_000_000_000).prop_map(Money::from_fen),
                arb_date(),
                prop::sample::select(FunnelStage::ALL),
                prop::option::of(arb_note().prop_filter("empty means none", |n| !n.is_empty())),
            )
                .prop_map(
                    |(
                        (external_id, name, customer_code, owner_employee_no, product_line_code),
                        amount,
                        expected_close,
                        stage,
                        lost_reason,
                    )| {
                        OpportunityRow {
                            external_id,
                            name,
                            customer_code,
                            owner_employee_no,
                            product_line_code,
                            amount,
                            expected_close,
                            stage,
                            lost_reason,
                            custom: Default::default(),
                        }
                        .into()
                    },
                )
                .boxed(),
            ImportKind::Visits => (
                arb_code(),
                arb_code(),
                arb_code(),
                arb_date(),
                prop::sample::select(vec![VisitKind::OnSite, VisitKind::Phone, VisitKind::Online, VisitKind::Meeting]),
                arb_note(),
            )
                .prop_map(|(external_id, employee_no, customer_code, visit_date, kind, notes)| {
                    VisitRow { external_id, employee_no, customer_code, visit_date, kind, notes }.into()
                })
                .boxed(),
        }
    }

    fn arb_file() -> impl Strategy<Value = (ImportKind, Vec<ImportRow>)> {
        prop::sample::select(ImportKind::ALL.to_vec())
            .prop_flat_map(|kind| (Just(kind), prop::collection::vec(arb_row(kind), 0..12)))
    }

    proptest! {
        #[test]
        fn csv_round_trip((kind, rows) in arb_file()) {
            let back = read_back(RowReader::from_csv(Cursor::new(csv_bytes(kind, &rows)), kind).unwrap());
            prop_assert_eq!(back, rows);
        }
    }
}
