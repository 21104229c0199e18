//! Measures CSV and Excel throughput on a generated sales file:
//! `cargo run --release -p cascade-files --example throughput [rows]`.
//! Prints rows/s for writing, counting and parsing, and the peak resident
//! memory after each step (flat for CSV: rows are never collected).

use std::fs::File;
use std::io::BufWriter;
use std::time::Instant;

use cascade_api_types::{FileFormat, ImportKind, SalesRow};
use cascade_core::{Code, Money};
use cascade_files::{count_rows, write_xlsx, CsvRowWriter, ImportRow, RowReader};
use chrono::NaiveDate;

fn peak_rss_mib() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find(|l| l.starts_with("VmHWM")).map_or("?".into(), |l| l.trim_start_matches("VmHWM:").trim().to_owned())
}

fn rows(n: u64) -> impl Iterator<Item = ImportRow> {
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).expect("a valid date");
    (0..n).map(move |i| {
        ImportRow::Sales(SalesRow {
            doc_id: Code::parse(&format!("SO{i:010}")).expect("a valid code"),
            customer_code: Code::parse(&format!("{}", 90_000_000 + i % 5_000)).expect("a valid code"),
            product_line_code: Code::parse(["PL-ENDO", "PL-ORTHO", "PL-CARDIO"][(i % 3) as usize]).expect("a valid code"),
            booked_on: start + chrono::Duration::days((i % 366) as i64),
            amount: Money::from_fen((i as i64 * 7919) % 10_000_000 - 1_000_000),
        })
    })
}

fn rate(n: u64, started: Instant) -> String {
    let secs = started.elapsed().as_secs_f64();
    format!("{:>8.0} ms, {:>10.0} rows/s", secs * 1000.0, n as f64 / secs)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u64 = std::env::args().nth(1).map_or(Ok(1_000_000), |a| a.parse())?;
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("sales.csv");

    let t = Instant::now();
    let mut w = CsvRowWriter::new(BufWriter::new(File::create(&csv)?), ImportKind::SalesRecords, &[])?;
    for row in rows(n) {
        w.write(&row)?;
    }
    drop(w.finish()?);
    let size = std::fs::metadata(&csv)?.len();
    println!("csv write  {n} rows ({} MiB): {}; peak RSS {}", size >> 20, rate(n, t), peak_rss_mib());

    let t = Instant::now();
    let counted = count_rows(&csv, FileFormat::Csv)?;
    println!("csv count  {counted} rows: {}; peak RSS {}", rate(n, t), peak_rss_mib());

    let t = Instant::now();
    let (mut ok, mut bad, mut fen) = (0u64, 0u64, 0i64);
    for (_, row) in RowReader::open(&csv, FileFormat::Csv, ImportKind::SalesRecords)? {
        match row {
            Ok(ImportRow::Sales(s)) => {
                ok += 1;
                fen = fen.wrapping_add(s.amount.fen());
            }
            _ => bad += 1,
        }
    }
    println!("csv parse  {ok} ok, {bad} bad (checksum {fen}): {}; peak RSS {}", rate(n, t), peak_rss_mib());

    let xlsx_rows = n.min(1_048_575);
    let t = Instant::now();
    let bytes = write_xlsx(ImportKind::SalesRecords, &[], rows(xlsx_rows))?;
    let xlsx = dir.path().join("sales.xlsx");
    std::fs::write(&xlsx, &bytes)?;
    println!("xlsx write {xlsx_rows} rows ({} MiB): {}; peak RSS {}", bytes.len() >> 20, rate(xlsx_rows, t), peak_rss_mib());
    drop(bytes);

    let t = Instant::now();
    let counted = count_rows(&xlsx, FileFormat::Xlsx)?;
    println!("xlsx count {counted} rows: {}; peak RSS {}", rate(xlsx_rows, t), peak_rss_mib());

    let t = Instant::now();
    let parsed = RowReader::open(&xlsx, FileFormat::Xlsx, ImportKind::SalesRecords)?.filter(|(_, r)| r.is_ok()).count();
    println!("xlsx parse {parsed} ok: {}; peak RSS {}", rate(xlsx_rows, t), peak_rss_mib());
    Ok(())
}
