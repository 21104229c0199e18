//! Reading an import file: the header check when opening, then one typed row
//! (or every error of that row) at a time, and cheap row counting.

use std::fs::File;
use std::io::{Read, Seek};
use std::path::Path;

use calamine::{Data, DataRef, Reader as _, Xlsx, XlsxError};
use cascade_api_types::{FieldError, FileFormat, ImportKind};
use csv::ByteRecord;

use crate::cell::Cell;
use crate::columns::{self, Layout};
use crate::error::FileError;
use crate::rows::{self, Cells, ImportRow};

/// What [`RowReader`] yields: a data row's number in the file and the row or
/// all of its errors.
pub type RowResult = (u64, Result<ImportRow, Vec<FieldError>>);

/// Reads the data rows of one import file, in file order.
///
/// Row numbers are what a person sees: for Excel the sheet's own row
/// numbers; for CSV the record's position counting the header as row 1
/// (blank lines are skipped by the CSV parser and not counted, and a quoted
/// cell spanning lines is still one row). Rows whose cells are all blank are
/// skipped without an error, because spreadsheets often end in such rows.
pub struct RowReader {
    layout: Layout,
    source: Source,
}

enum Source {
    Csv(Box<CsvSource>),
    Xlsx(XlsxSource),
}

impl RowReader {
    /// Opens `path`, reads its header row and checks it against `kind`.
    pub fn open(path: &Path, format: FileFormat, kind: ImportKind) -> Result<RowReader, FileError> {
        match format {
            FileFormat::Csv => Self::from_csv(File::open(path)?, kind),
            FileFormat::Xlsx => Self::xlsx(calamine::open_workbook(path).map_err(xlsx_error)?, kind),
        }
    }

    /// Like [`RowReader::open`] for CSV bytes from anywhere (an upload, a
    /// buffer). Reading streams; the reader buffers internally.
    pub fn from_csv(reader: impl Read + Send + 'static, kind: ImportKind) -> Result<RowReader, FileError> {
        let mut source = CsvSource::new(Box::new(reader));
        let (row, header) = match source.advance() {
            CsvNext::End => return Err(FileError::Empty),
            CsvNext::Failed(e) => return Err(e),
            CsvNext::Record(row) | CsvNext::WrongLength { row, .. } => (row, &source.record),
        };
        let cells: Vec<&str> =
            header.iter().map(std::str::from_utf8).collect::<Result<_, _>>().map_err(|_| FileError::NotUtf8 { row })?;
        let layout = columns::resolve(kind, &cells, row)?;
        Ok(RowReader { layout, source: Source::Csv(Box::new(source)) })
    }

    /// Like [`RowReader::open`] for a workbook's bytes from anywhere.
    pub fn from_xlsx<R: Read + Seek>(reader: R, kind: ImportKind) -> Result<RowReader, FileError> {
        Self::xlsx(Xlsx::new(reader).map_err(xlsx_error)?, kind)
    }

    fn xlsx<R: Read + Seek>(mut workbook: Xlsx<R>, kind: ImportKind) -> Result<RowReader, FileError> {
        let range = match workbook.worksheet_range_at(0) {
            None => return Err(FileError::NotXlsx("the workbook has no worksheet".into())),
            Some(range) => range.map_err(xlsx_error)?,
        };
        let Some((first_row, _)) = range.start() else { return Err(FileError::Empty) };
        let first_row = u64::from(first_row) + 1;
        let header: Vec<String> = match range.rows().next() {
            Some(cells) => cells.iter().map(header_text).collect(),
            None => return Err(FileError::Empty),
        };
        let layout = columns::resolve(kind, &header, first_row)?;
        Ok(RowReader { layout, source: Source::Xlsx(XlsxSource { range, next: 1, first_row }) })
    }

    pub fn kind(&self) -> ImportKind {
        self.layout.kind
    }

    /// The next data row: its 1-based row number in the file (header = row 1,
    /// first data row = 2) and either the row or every cell error of that
    /// row (`FieldError.field` = canonical column name, `.row` = `Some(n)`).
    /// A CSV row with the wrong number of fields is one error with field
    /// `row`; a read failure part-way is one error with field `file` and
    /// ends the rows.
    pub fn next_row(&mut self) -> Option<RowResult> {
        match &mut self.source {
            Source::Csv(csv) => csv.next_row(&self.layout),
            Source::Xlsx(xlsx) => xlsx.next_row(&self.layout),
        }
    }
}

impl Iterator for RowReader {
    type Item = RowResult;

    fn next(&mut self) -> Option<RowResult> {
        self.next_row()
    }
}

fn row_error(row: u64, field: &str, reason: String) -> RowResult {
    (row, Err(vec![FieldError { field: field.into(), reason, row: Some(row) }]))
}

struct CsvSource {
    reader: csv::Reader<Box<dyn Read + Send>>,
    /// Reused for every record so that reading allocates nothing per row.
    record: ByteRecord,
    /// Row number of the record in `record`.
    row: u64,
    /// Set after a read error: the rest of the file cannot be reached.
    failed: bool,
}

enum CsvNext {
    End,
    Record(u64),
    WrongLength { row: u64, expected: u64, len: u64 },
    Failed(FileError),
}

/// Large enough that a read call fetches many rows at once.
const CSV_BUFFER: usize = 1 << 16;

impl CsvSource {
    fn new(reader: Box<dyn Read + Send>) -> Self {
        // The csv crate skips a leading UTF-8 byte order mark itself.
        let reader = csv::ReaderBuilder::new().has_headers(false).flexible(false).buffer_capacity(CSV_BUFFER).from_reader(reader);
        CsvSource { reader, record: ByteRecord::new(), row: 0, failed: false }
    }

    fn advance(&mut self) -> CsvNext {
        let result = self.reader.read_byte_record(&mut self.record);
        match result {
            Ok(false) => CsvNext::End,
            Ok(true) => {
                self.row += 1;
                CsvNext::Record(self.row)
            }
            Err(e) => match *e.kind() {
                // The reader has still filled `record` and can go on.
                csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                    self.row += 1;
                    CsvNext::WrongLength { row: self.row, expected: expected_len, len }
                }
                _ => CsvNext::Failed(e.into()),
            },
        }
    }

    fn next_row(&mut self, layout: &Layout) -> Option<RowResult> {
        while !self.failed {
            let row = match self.advance() {
                CsvNext::End => return None,
                CsvNext::Failed(e) => {
                    self.failed = true;
                    return Some(row_error(self.row + 1, "file", e.to_string()));
                }
                CsvNext::WrongLength { row, expected, len } => {
                    if is_blank_record(&self.record) {
                        continue;
                    }
                    let reason = format!(
                        "has {len} fields but the header has {expected}; a value containing a comma must be in double quotes"
                    );
                    return Some(row_error(row, "row", reason));
                }
                CsvNext::Record(row) => row,
            };
            if is_blank_record(&self.record) {
                continue;
            }
            return Some((row, rows::parse(layout, &CsvCells(&self.record), row)));
        }
        None
    }
}

fn is_blank_record(record: &ByteRecord) -> bool {
    record.iter().all(|f| std::str::from_utf8(f).is_ok_and(|s| s.trim().is_empty()))
}

struct CsvCells<'a>(&'a ByteRecord);

impl Cells for CsvCells<'_> {
    fn cell(&self, pos: usize) -> Cell<'_> {
        match self.0.get(pos).map(std::str::from_utf8) {
            None => Cell::Empty,
            Some(Ok(s)) => Cell::text_or_empty(s),
            Some(Err(_)) => Cell::NotUtf8,
        }
    }
}

struct XlsxSource {
    range: calamine::Range<Data>,
    /// Index into `range` of the next row to read.
    next: usize,
    /// Sheet row number of the range's first row (the header).
    first_row: u64,
}

impl XlsxSource {
    fn next_row(&mut self, layout: &Layout) -> Option<RowResult> {
        while self.next < self.range.height() {
            let cells = XlsxCells { range: &self.range, row: self.next };
            let row = self.first_row + self.next as u64;
            self.next += 1;
            if (0..self.range.width()).all(|pos| cells.cell(pos).is_empty()) {
                continue;
            }
            return Some((row, rows::parse(layout, &cells, row)));
        }
        None
    }
}

struct XlsxCells<'a> {
    range: &'a calamine::Range<Data>,
    /// Index of the row within the range.
    row: usize,
}

impl Cells for XlsxCells<'_> {
    fn cell(&self, pos: usize) -> Cell<'_> {
        self.range.get((self.row, pos)).map_or(Cell::Empty, xlsx_cell)
    }
}

fn xlsx_cell(d: &Data) -> Cell<'_> {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DurationIso(s) => Cell::text_or_empty(s),
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Float(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if dt.is_datetime() => Cell::DateTime(t),
            _ => Cell::Float(dt.as_f64()),
        },
        Data::DateTimeIso(s) => match s.trim().parse::<chrono::NaiveDateTime>() {
            Ok(t) => Cell::DateTime(t),
            Err(_) => match s.trim().parse::<chrono::NaiveDate>() {
                Ok(d) => Cell::DateTime(d.into()),
                Err(_) => Cell::text_or_empty(s),
            },
        },
        Data::Error(e) => Cell::Error(e),
    }
}

fn header_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn xlsx_error(e: XlsxError) -> FileError {
    match e {
        XlsxError::Io(e) => FileError::Io(e),
        other => FileError::NotXlsx(other.to_string()),
    }
}

/// Counts the data rows of a file for progress, without parsing cells: the
/// number of items a [`RowReader`] on the same file yields.
pub fn count_rows(path: &Path, format: FileFormat) -> Result<u64, FileError> {
    match format {
        FileFormat::Csv => count_csv_rows(File::open(path)?),
        FileFormat::Xlsx => {
            let mut workbook: Xlsx<_> = calamine::open_workbook(path).map_err(xlsx_error)?;
            count_xlsx_rows(&mut workbook)
        }
    }
}

fn count_csv_rows(reader: impl Read) -> Result<u64, FileError> {
    // Flexible so that rows of the wrong length count instead of stopping
    // the count; the reader reports them as one error each.
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).buffer_capacity(CSV_BUFFER).from_reader(reader);
    let mut record = ByteRecord::new();
    if !reader.read_byte_record(&mut record)? {
        return Ok(0);
    }
    let mut n = 0;
    while reader.read_byte_record(&mut record)? {
        if !is_blank_record(&record) {
            n += 1;
        }
    }
    Ok(n)
}

fn count_xlsx_rows<R: Read + Seek>(workbook: &mut Xlsx<R>) -> Result<u64, FileError> {
    let Some(name) = workbook.sheet_names().into_iter().next() else {
        return Err(FileError::NotXlsx("the workbook has no worksheet".into()));
    };
    let mut cells = match workbook.worksheet_cells_reader(&name) {
        Ok(cells) => cells,
        // What `worksheet_range` reads as an empty sheet.
        Err(XlsxError::NotAWorksheet(_)) => return Ok(0),
        Err(e) => return Err(xlsx_error(e)),
    };
    // The header is the first row with any cell, as for the reader; after
    // it, a row counts once if any of its cells is not blank.
    let mut header: Option<u32> = None;
    let mut last_counted: Option<u32> = None;
    let mut n = 0;
    while let Some(cell) = cells.next_cell().map_err(xlsx_error)? {
        let (row, _) = cell.get_position();
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        let Some(h) = header else {
            header = Some(row);
            continue;
        };
        let blank = match value {
            DataRef::String(s) | DataRef::DurationIso(s) => s.trim().is_empty(),
            DataRef::SharedString(s) => s.trim().is_empty(),
            _ => false,
        };
        if row > h && !blank && last_counted != Some(row) {
            last_counted = Some(row);
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cascade_api_types::SalesRow;
    use cascade_core::{Code, Money};
    use chrono::NaiveDate;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    use std::io::Write as _;

    const SALES_HEADER: &str = "doc_id,customer_code,product_line_code,booked_on,amount";

    fn temp_file(bytes: &[u8], suffix: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
        f.write_all(bytes).unwrap();
        f.flush().unwrap();
        f
    }

    fn open(bytes: &[u8], format: FileFormat, kind: ImportKind) -> Result<RowReader, FileError> {
        let suffix = if format == FileFormat::Csv { ".csv" } else { ".xlsx" };
        let f = temp_file(bytes, suffix);
        RowReader::open(f.path(), format, kind)
    }

    fn read_all(bytes: &[u8], format: FileFormat, kind: ImportKind) -> Vec<RowResult> {
        open(bytes, format, kind).unwrap().collect()
    }

    fn count(bytes: &[u8], format: FileFormat) -> u64 {
        let suffix = if format == FileFormat::Csv { ".csv" } else { ".xlsx" };
        let f = temp_file(bytes, suffix);
        count_rows(f.path(), format).unwrap()
    }

    fn sale(doc: &str, customer: &str, line: &str, date: (i32, u32, u32), fen: i64) -> ImportRow {
        ImportRow::Sales(SalesRow {
            doc_id: Code::parse(doc).unwrap(),
            customer_code: Code::parse(customer).unwrap(),
            product_line_code: Code::parse(line).unwrap(),
            booked_on: NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
            amount: Money::from_fen(fen),
        })
    }

    fn errors_of(result: &RowResult) -> Vec<(u64, String, String)> {
        match &result.1 {
            Ok(row) => panic!("row {} parsed: {row:?}", result.0),
            Err(errors) => errors.iter().map(|e| (e.row.unwrap(), e.field.clone(), e.reason.clone())).collect(),
        }
    }

    #[test]
    fn reader_is_send() {
        fn send<T: Send>() {}
        send::<RowReader>();
    }

    #[test]
    fn csv_with_bom_crlf_and_quoted_commas() {
        let csv = "\u{feff}doc_id,customer_code,product_line_code,booked_on,amount\r\n\
                   D1,C1,PL,2024-01-05,\"1250.50\"\r\n\
                   \"D,2\",C1,PL,2024/1/6,-30\r\n";
        let rows = read_all(csv.as_bytes(), FileFormat::Csv, ImportKind::SalesRecords);
        assert_eq!(rows[0], (2, Ok(sale("D1", "C1", "PL", (2024, 1, 5), 125050))));
        // A comma is no code character: the quoted field reached the parser whole.
        assert_eq!(
            errors_of(&rows[1]),
            [(3, "doc_id".into(), "may only contain letters, digits, '-', '_' and '.' (got \"D,2\")".into())]
        );
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn csv_header_may_be_quoted_after_a_bom_and_use_aliases() {
        let csv = "\u{feff}\"金额\",\"单据号\",客户编码,产品线编码,记账日期\nLF-only,x,y,z,w\n";
        let reader = open(csv.as_bytes(), FileFormat::Csv, ImportKind::SalesRecords).unwrap();
        assert_eq!(reader.kind(), ImportKind::SalesRecords);
        let csv = "\"金额\",\"单据号\",客户编码,产品线编码,记账日期\n-1.5,D1,C1,PL,2024-02-29\n";
        let rows = read_all(csv.as_bytes(), FileFormat::Csv, ImportKind::SalesRecords);
        assert_eq!(rows, [(2, Ok(sale("D1", "C1", "PL", (2024, 2, 29), -150)))]);
    }

    #[test]
    fn csv_header_problems_are_a_file_error() {
        let csv = "doc_id,doc_id,customer,booked_on\nD1,D1,C1,2024-01-01\n";
        let err = open(csv.as_bytes(), FileFormat::Csv, ImportKind::SalesRecords).err().unwrap();
        let fields: Vec<(String, Option<u64>)> = err.field_errors().into_iter().map(|e| (e.field, e.row)).collect();
        assert_eq!(
            fields,
            [
                ("customer".to_owned(), Some(1)),
                ("doc_id".to_owned(), Some(1)),
                ("customer_code".to_owned(), Some(1)),
                ("product_line_code".to_owned(), Some(1)),
                ("amount".to_owned(), Some(1)),
            ]
        );
        assert!(err.to_string().starts_with("the header row does not match sales_records: customer: is not a column"));
    }

    #[test]
    fn empty_files_have_no_header() {
        for bytes in [&b""[..], b"\xEF\xBB\xBF", b"\n\n"] {
            let err = open(bytes, FileFormat::Csv, ImportKind::Visits).err().unwrap();
            assert!(matches!(err, FileError::Empty), "{err:?}");
            assert_eq!(err.field_errors()[0].row, Some(1));
        }
        let header_only = format!("{SALES_HEADER}\r\n");
        assert!(read_all(header_only.as_bytes(), FileFormat::Csv, ImportKind::SalesRecords).is_empty());
    }

    #[test]
    fn missing_file_is_an_io_error() {
        let err = RowReader::open(Path::new("/nonexistent/cascade.csv"), FileFormat::Csv, ImportKind::Visits).err().unwrap();
        assert!(matches!(err, FileError::Io(_)));
        assert!(matches!(count_rows(Path::new("/nonexistent/x.xlsx"), FileFormat::Xlsx), Err(FileError::Io(_))));
    }

    #[test]
    fn wrong_field_count_is_one_error_and_reading_goes_on() {
        let csv = format!("{SALES_HEADER}\nD1,C1,PL,2024-01-05,1,250.00\nD2,C1,PL,2024-01-05,2\nD3,C1\nD4,C1,PL,2024-01-05,4\n");
        let rows = read_all(csv.as_bytes(), FileFormat::Csv, ImportKind::SalesRecords);
        assert_eq!(rows.len(), 4);
        assert_eq!(
            errors_of(&rows[0]),
            [(2, "row".into(), "has 6 fields but the header has 5; a value containing a comma must be in double quotes".into())]
        );
        assert_eq!(rows[1], (3, Ok(sale("D2", "C1", "PL", (2024, 1, 5), 200))));
        assert_eq!(errors_of(&rows[2])[0].0, 4);
        assert_eq!(rows[3], (5, Ok(sale("D4", "C1", "PL", (2024, 1, 5), 400))));
    }

    #[test]
    fn blank_rows_are_skipped_and_multi_line_cells_are_one_row() {
        let csv = "external_id,employee_no,customer_code,visit_date,kind,notes\n\
                   V1,E1,C1,2024-01-05,on_site,\"第一行\n第二行, with a comma and \"\"quotes\"\"\"\n\
                   ,,,,,\n\
                   \u{20},\t, ,,,\n\
                   V2,E1,C1,2024-01-06,phone,\n";
        let rows = read_all(csv.as_bytes(), FileFormat::Csv, ImportKind::Visits);
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 5]);
        let Ok(ImportRow::Visit(v)) = &rows[0].1 else { panic!("{rows:?}") };
        assert_eq!(v.notes, "第一行\n第二行, with a comma and \"quotes\"");
        let f = temp_file(csv.as_bytes(), ".csv");
        assert_eq!(count_rows(f.path(), FileFormat::Csv).unwrap(), 2);
    }

    #[test]
    fn non_utf8_header_is_a_file_error_naming_the_row() {
        // "单据号" in GBK, as Excel saves "CSV" on a Chinese Windows.
        let mut csv = b"\xb5\xa5\xbe\xdd\xba\xc5,customer_code,product_line_code,booked_on,amount\n".to_vec();
        csv.extend_from_slice(b"D1,C1,PL,2024-01-05,1\n");
        let err = open(&csv, FileFormat::Csv, ImportKind::SalesRecords).err().unwrap();
        assert!(matches!(err, FileError::NotUtf8 { row: 1 }));
        assert_eq!(err.field_errors()[0].row, Some(1));
    }

    #[test]
    fn non_utf8_cells_are_errors_of_their_row() {
        let mut csv = format!("{SALES_HEADER}\nD1,C1,PL,2024-01-05,1\n").into_bytes();
        csv.extend_from_slice(b"D2,\xb9\xe3\xd6\xdd,PL,2024-01-05,1\nD3,C1,PL,2024-01-05,3\n");
        let rows = read_all(&csv, FileFormat::Csv, ImportKind::SalesRecords);
        assert_eq!(
            errors_of(&rows[1]),
            [(3, "customer_code".into(), "is not UTF-8 text; save the file as \"CSV UTF-8\"".into())]
        );
        assert!(rows[2].1.is_ok());
    }

    #[test]
    fn csv_counts_match_what_the_reader_yields() {
        let csv = format!("{SALES_HEADER}\r\nD1,C1,PL,2024-01-05,1\r\n\r\nbad,row\r\n,,,,\r\nD2,C1,PL,2024-01-05,\"2\"\r\n");
        let f = temp_file(csv.as_bytes(), ".csv");
        let n = count_rows(f.path(), FileFormat::Csv).unwrap();
        assert_eq!(n, 3);
        assert_eq!(RowReader::open(f.path(), FileFormat::Csv, ImportKind::SalesRecords).unwrap().count(), 3);
        assert_eq!(count(b"", FileFormat::Csv), 0);
    }

    /// A sheet the way people make them: a title-less header on row 2,
    /// Chinese aliases, codes and amounts typed as numbers, dates as real
    /// Excel dates or as text, padding spaces, trailing blank rows.
    fn sales_workbook() -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let date = Format::new().set_num_format("yyyy/m/d");
        for (c, h) in ["单据号", "客户编码", "产品线编码", "记账日期", " 金额 "].iter().enumerate() {
            ws.write_string(1, c as u16, *h).unwrap();
        }
        ws.write_number(2, 0, 1001.0).unwrap();
        ws.write_number(2, 1, 90000001.0).unwrap();
        ws.write_string(2, 2, " PL-1 ").unwrap();
        ws.write_datetime_with_format(2, 3, ExcelDateTime::from_ymd(2024, 3, 15).unwrap(), &date).unwrap();
        ws.write_number(2, 4, 1234.56).unwrap();
        ws.write_string(3, 0, "D-2").unwrap();
        ws.write_string(3, 1, "C2").unwrap();
        ws.write_string(3, 2, "PL-1").unwrap();
        ws.write_string(3, 3, "2024-03-16").unwrap();
        ws.write_string(3, 4, "-99.9").unwrap();
        // Row 5 left blank on purpose.
        ws.write_string(5, 0, "D-3").unwrap();
        ws.write_boolean(5, 1, true).unwrap();
        ws.write_string(5, 2, "PL-1").unwrap();
        ws.write_number(5, 3, 45000.0).unwrap();
        ws.write_number(5, 4, 0.005).unwrap();
        ws.write_string(8, 0, "  ").unwrap();
        wb.save_to_buffer().unwrap()
    }

    #[test]
    fn xlsx_numbers_dates_and_text() {
        let rows = read_all(&sales_workbook(), FileFormat::Xlsx, ImportKind::SalesRecords);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], (3, Ok(sale("1001", "90000001", "PL-1", (2024, 3, 15), 123456))));
        assert_eq!(rows[1], (4, Ok(sale("D-2", "C2", "PL-1", (2024, 3, 16), -9990))));
        assert_eq!(
            errors_of(&rows[2]),
            [
                (6, "customer_code".into(), "is TRUE/FALSE in Excel, not a code".into()),
                (6, "amount".into(), "has more than two decimal places (the smallest unit is 0.01)".into()),
            ]
        );
        assert_eq!(count(&sales_workbook(), FileFormat::Xlsx), 3);
    }

    #[test]
    fn xlsx_serial_number_in_a_date_column() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in SALES_HEADER.split(',').enumerate() {
            ws.write_string(0, c as u16, h).unwrap();
        }
        for (c, v) in ["D1", "C1", "PL"].iter().enumerate() {
            ws.write_string(1, c as u16, *v).unwrap();
        }
        ws.write_number(1, 3, 45292.0).unwrap();
        ws.write_number(1, 4, 7.0).unwrap();
        let rows = read_all(&wb.save_to_buffer().unwrap(), FileFormat::Xlsx, ImportKind::SalesRecords);
        assert_eq!(rows, [(2, Ok(sale("D1", "C1", "PL", (2024, 1, 1), 700)))]);
    }

    #[test]
    fn xlsx_header_errors_name_the_header_row() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(2, 1, "code").unwrap();
        ws.write_string(2, 2, "名称").unwrap();
        ws.write_number(2, 3, 7.0).unwrap();
        let err = open(&wb.save_to_buffer().unwrap(), FileFormat::Xlsx, ImportKind::OrgUnits).err().unwrap();
        let errors: Vec<(String, String, Option<u64>)> =
            err.field_errors().into_iter().map(|e| (e.field, e.reason, e.row)).collect();
        assert_eq!(
            errors,
            [
                ("7".into(), "is not a column of org_units; expected: code, name, kind, parent_code".into(), Some(3)),
                ("kind".into(), "required column is missing".into(), Some(3)),
            ]
        );
    }

    #[test]
    fn broken_and_empty_workbooks() {
        let mut junk = vec![0u8; 4096];
        let mut x: u32 = 0x2545_f491;
        for b in &mut junk {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            *b = x as u8;
        }
        let err = open(&junk, FileFormat::Xlsx, ImportKind::Customers).err().unwrap();
        assert!(matches!(err, FileError::NotXlsx(_)), "{err:?}");
        assert_eq!(err.field_errors()[0].field, "file");
        let f = temp_file(&junk, ".xlsx");
        assert!(matches!(count_rows(f.path(), FileFormat::Xlsx), Err(FileError::NotXlsx(_))));
        // A CSV handed in as a workbook is the same mistake.
        assert!(matches!(open(SALES_HEADER.as_bytes(), FileFormat::Xlsx, ImportKind::SalesRecords), Err(FileError::NotXlsx(_))));

        let mut wb = Workbook::new();
        wb.add_worksheet();
        let empty = wb.save_to_buffer().unwrap();
        assert!(matches!(open(&empty, FileFormat::Xlsx, ImportKind::Customers), Err(FileError::Empty)));
        assert_eq!(count(&empty, FileFormat::Xlsx), 0);
    }

    /// Yields its bytes, then fails like a dropped network share.
    struct Failing(std::io::Cursor<Vec<u8>>);

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(std::io::Error::other("connection reset")),
                n => Ok(n),
            }
        }
    }

    #[test]
    fn a_read_failure_mid_file_is_reported_once_and_ends_the_rows() {
        let csv = format!("{SALES_HEADER}\nD1,C1,PL,2024-01-05,1\n");
        let mut reader = RowReader::from_csv(Failing(std::io::Cursor::new(csv.into_bytes())), ImportKind::SalesRecords).unwrap();
        assert!(reader.next_row().unwrap().1.is_ok());
        let (row, result) = reader.next_row().unwrap();
        let errors = result.unwrap_err();
        assert_eq!((row, errors[0].field.as_str()), (3, "file"));
        assert!(errors[0].reason.contains("connection reset"), "{errors:?}");
        assert!(reader.next_row().is_none());
    }

    #[test]
    fn from_memory() {
        let csv = format!("{SALES_HEADER}\nD1,C1,PL,2024-01-05,1\n");
        let rows: Vec<_> =
            RowReader::from_csv(std::io::Cursor::new(csv.into_bytes()), ImportKind::SalesRecords).unwrap().collect();
        assert_eq!(rows.len(), 1);
        let rows: Vec<_> =
            RowReader::from_xlsx(std::io::Cursor::new(sales_workbook()), ImportKind::SalesRecords).unwrap().collect();
        assert_eq!(rows.len(), 3);
    }
}
