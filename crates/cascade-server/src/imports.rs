//! Running an import: rows from a file (or the demo generator) are checked,
//! their natural keys resolved to ids in the caller's scope, and written in
//! one transaction that commits only if every row passed. The reader runs on
//! a blocking thread and streams batches to the writer, so memory stays flat
//! however long the file is.

use std::collections::HashSet;
use std::hash::{BuildHasher, Hash};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use cascade_api_types::{
    FieldError, FileFormat, ImportJob, ImportKind, ImportRow, ImportStatus, NewCustomer, NewOpportunity, NewRep, NewSalesRecord,
    NewVisit,
};
use cascade_core::FunnelStage;
use cascade_store::{ImportBatch, ImportMsg, Lookups, Scope, Store};

use cascade_api_types::CustomEntity;

use crate::custom;
use tokio::sync::mpsc;

use crate::error::MAX_ERRORS_SHOWN;

/// Rows handed to the writer at a time.
const BATCH_ROWS: usize = 2_000;

/// Rows read so far: an iterator of numbered rows, each parsed or refused.
pub type RowSource = Box<dyn Iterator<Item = (u64, Result<ImportRow, Vec<FieldError>>)> + Send>;

/// Where the rows come from.
pub enum Source {
    File { path: PathBuf, format: FileFormat },
    Rows { rows: RowSource, total: u64 },
}

/// Rows read so far by each running job of this process. Progress lives in
/// memory, not in the job row: on SQLite the import's own transaction holds
/// the only write lock until it commits, so the row could not be updated.
#[derive(Default)]
pub struct Progress(std::sync::Mutex<std::collections::HashMap<i64, Arc<AtomicU64>>>);

impl Progress {
    fn start(&self, job_id: i64) -> Arc<AtomicU64> {
        let counter = Arc::new(AtomicU64::new(0));
        if let Ok(mut map) = self.0.lock() {
            map.insert(job_id, counter.clone());
        }
        counter
    }

    fn end(&self, job_id: i64) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(&job_id);
        }
    }

    /// Rows read so far, if the job is running in this process.
    pub fn rows_done(&self, job_id: i64) -> Option<u64> {
        self.0.lock().ok()?.get(&job_id).map(|c| c.load(Ordering::Relaxed))
    }

    /// Fills in live progress of a job read from the store.
    pub fn overlay(&self, job: &mut ImportJob) {
        if !job.status.is_final() {
            if let Some(done) = self.rows_done(job.id) {
                job.rows_done = done;
            }
        }
    }
}

/// The outcome the caller reports; the job row holds the same.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub succeeded: bool,
    pub rows_total: u64,
    pub rows_changed: u64,
    pub errors: Vec<FieldError>,
    pub total_errors: u64,
}

/// Keeps the first errors and counts all of them.
#[derive(Default)]
struct ErrorLog {
    shown: Vec<FieldError>,
    total: u64,
}

impl ErrorLog {
    fn add(&mut self, errs: impl IntoIterator<Item = FieldError>) {
        for e in errs {
            self.total += 1;
            if self.shown.len() < MAX_ERRORS_SHOWN {
                self.shown.push(e);
            }
        }
    }
}

fn row_error(row: u64, field: &str, reason: impl Into<String>) -> FieldError {
    FieldError { field: field.to_owned(), reason: reason.into(), row: Some(row) }
}

/// Runs an import job to its end, keeping the job row up to date.
pub async fn run(
    store: Arc<dyn Store>,
    progress: &Progress,
    scope: Scope,
    job_id: i64,
    kind: ImportKind,
    source: Source,
) -> anyhow::Result<Outcome> {
    let done = progress.start(job_id);
    let result = execute(store.clone(), scope, job_id, kind, source, done).await;
    progress.end(job_id);
    let outcome = match result {
        Ok(o) => o,
        Err(e) => {
            tracing::error!(job_id, error = ?e, "import failed");
            Outcome {
                succeeded: false,
                rows_total: 0,
                rows_changed: 0,
                errors: vec![FieldError::new(
                    "file",
                    "the import stopped on an internal error; it was logged and nothing was written",
                )],
                total_errors: 1,
            }
        }
    };
    let status = if outcome.succeeded { ImportStatus::Succeeded } else { ImportStatus::Failed };
    store
        .finish_import_job(job_id, status, outcome.rows_total, outcome.rows_changed, &outcome.errors, outcome.total_errors)
        .await?;
    tracing::info!(
        job_id,
        kind = kind.as_str(),
        ?status,
        rows = outcome.rows_total,
        changed = outcome.rows_changed,
        errors = outcome.total_errors,
        "import finished"
    );
    Ok(outcome)
}

async fn execute(
    store: Arc<dyn Store>,
    scope: Scope,
    job_id: i64,
    kind: ImportKind,
    source: Source,
    done: Arc<AtomicU64>,
) -> anyhow::Result<Outcome> {
    let (rows, total) = match source {
        Source::Rows { rows, total } => (rows, total),
        Source::File { path, format } => {
            let (rows, total) = tokio::task::spawn_blocking(move || open_file(&path, format, kind)).await??;
            match rows {
                Ok(rows) => (rows, total),
                Err(errors) => {
                    let total_errors = errors.len() as u64;
                    return Ok(Outcome { succeeded: false, rows_total: 0, rows_changed: 0, errors, total_errors });
                }
            }
        }
    };
    store.start_import_job(job_id, total).await?;
    if kind == ImportKind::OrgUnits {
        return import_org_units(store, scope, rows, total).await;
    }
    let lookups = store.lookups(&scope).await?;
    let (tx, rx) = mpsc::channel::<ImportMsg>(4);
    let writer = {
        let (store, scope) = (store.clone(), scope.clone());
        tokio::spawn(async move { store.apply_import(&scope, rx).await })
    };
    let reader_done = done.clone();
    let read = tokio::task::spawn_blocking(move || read_rows(kind, rows, &lookups, &tx, &reader_done));
    let errors = read.await;
    let applied = writer.await;
    let mut errors = errors?;
    let applied = applied??;
    errors.add(applied.refused);
    errors.shown.sort_by_key(|e| e.row);
    let rows_total = done.load(Ordering::Relaxed).max(total);
    Ok(Outcome {
        succeeded: errors.total == 0 && applied.committed,
        rows_total,
        rows_changed: if applied.committed { applied.changed } else { 0 },
        total_errors: errors.total,
        errors: errors.shown,
    })
}

type Opened = (Result<RowSource, Vec<FieldError>>, u64);

fn open_file(path: &std::path::Path, format: FileFormat, kind: ImportKind) -> anyhow::Result<Opened> {
    let total = match cascade_files::count_rows(path, format) {
        Ok(n) => n,
        Err(e) => return Ok((Err(e.field_errors()), 0)),
    };
    match cascade_files::RowReader::open(path, format, kind) {
        Ok(reader) => Ok((Ok(Box::new(reader)), total)),
        Err(e) => Ok((Err(e.field_errors()), 0)),
    }
}

/// Org units are few and refer to each other, so they are collected and
/// written together by the store.
async fn import_org_units(store: Arc<dyn Store>, scope: Scope, rows: RowSource, total: u64) -> anyhow::Result<Outcome> {
    let (units, log) = tokio::task::spawn_blocking(move || {
        let mut log = ErrorLog::default();
        let mut units = Vec::new();
        let mut keys = KeySet::default();
        for (n, row) in rows {
            match row {
                Ok(ImportRow::OrgUnit(u)) => {
                    if !keys.insert(u.code.as_str()) {
                        log.add([row_error(n, "code", "appears twice in the file")]);
                    }
                    units.push((n, u));
                }
                Ok(_) => log.add([row_error(n, "row", "is not an org unit row")]),
                Err(e) => log.add(e),
            }
        }
        (units, log)
    })
    .await?;
    let rows_total = total.max(units.len() as u64);
    if log.total > 0 {
        return Ok(Outcome { succeeded: false, rows_total, rows_changed: 0, errors: log.shown, total_errors: log.total });
    }
    match store.import_org_units(&scope, &units).await? {
        Ok(changed) => Ok(Outcome { succeeded: true, rows_total, rows_changed: changed, errors: vec![], total_errors: 0 }),
        Err(errs) => {
            let mut log = ErrorLog::default();
            log.add(errs);
            Ok(Outcome { succeeded: false, rows_total, rows_changed: 0, errors: log.shown, total_errors: log.total })
        }
    }
}

/// Natural keys seen in the file. Only 64-bit hashes are kept so a
/// million-row file costs megabytes, not the keys themselves; a false
/// "appears twice" needs a hash collision (about 1 in 10^7 at a million rows).
#[derive(Default)]
struct KeySet {
    seen: HashSet<u64>,
    hasher: std::hash::RandomState,
}

impl KeySet {
    fn insert(&mut self, key: &str) -> bool {
        let mut h = self.hasher.build_hasher();
        key.hash(&mut h);
        self.seen.insert(std::hash::Hasher::finish(&h))
    }
}

/// Reads every row, resolving references; sends batches while every row so
/// far passed, and commits or aborts at the end. Returns the errors.
fn read_rows(kind: ImportKind, rows: RowSource, lookups: &Lookups, tx: &mpsc::Sender<ImportMsg>, done: &AtomicU64) -> ErrorLog {
    let mut log = ErrorLog::default();
    let mut keys = KeySet::default();
    let mut batch = Batch::new(kind);
    for (n, row) in rows {
        done.fetch_add(1, Ordering::Relaxed);
        let row = match row {
            Ok(r) if r.kind() == kind => r,
            Ok(_) => {
                log.add([row_error(n, "row", format!("is not a row of {}", kind.as_str()))]);
                continue;
            }
            Err(e) => {
                log.add(e);
                continue;
            }
        };
        if !keys.insert(row.key()) {
            log.add([row_error(n, key_column(kind), format!("{} appears twice in the file", row.key()))]);
            continue;
        }
        match resolve(n, row, lookups) {
            Ok(item) if log.total == 0 => {
                batch.push(n, item);
                if batch.len() >= BATCH_ROWS && tx.blocking_send(batch.take()).is_err() {
                    // The writer stopped (a database error): it reports that itself.
                    return log;
                }
            }
            Ok(_) => {}
            Err(e) => log.add(e),
        }
    }
    let last = if log.total == 0 {
        if batch.len() > 0 && tx.blocking_send(batch.take()).is_err() {
            return log;
        }
        ImportMsg::Commit
    } else {
        ImportMsg::Abort
    };
    let _ = tx.blocking_send(last);
    log
}

fn key_column(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::OrgUnits | ImportKind::Customers => "code",
        ImportKind::Reps => "employee_no",
        ImportKind::SalesRecords => "doc_id",
        ImportKind::Opportunities | ImportKind::Visits => "external_id",
    }
}

enum Resolved {
    Rep(NewRep),
    Customer(NewCustomer),
    Sales(NewSalesRecord),
    Opportunity(NewOpportunity),
    Visit(NewVisit),
}

/// Resolved rows on their way to the writer, with their row numbers.
struct Batch(ImportBatch, Vec<u64>);

impl Batch {
    fn new(kind: ImportKind) -> Self {
        let rows = match kind {
            ImportKind::Reps => ImportBatch::Reps(Vec::new()),
            ImportKind::Customers => ImportBatch::Customers(Vec::new()),
            ImportKind::Opportunities => ImportBatch::Opportunities(Vec::new()),
            ImportKind::Visits => ImportBatch::Visits(Vec::new()),
            // Org units never come here: they are written by `import_org_units`.
            ImportKind::SalesRecords | ImportKind::OrgUnits => ImportBatch::Sales(Vec::new()),
        };
        Batch(rows, Vec::new())
    }

    fn push(&mut self, n: u64, item: Resolved) {
        self.1.push(n);
        match (&mut self.0, item) {
            (ImportBatch::Reps(v), Resolved::Rep(r)) => v.push(r),
            (ImportBatch::Customers(v), Resolved::Customer(r)) => v.push(r),
            (ImportBatch::Sales(v), Resolved::Sales(r)) => v.push(r),
            (ImportBatch::Opportunities(v), Resolved::Opportunity(r)) => v.push(r),
            (ImportBatch::Visits(v), Resolved::Visit(r)) => v.push(r),
            _ => {}
        }
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn take(&mut self) -> ImportMsg {
        let empty = match &self.0 {
            ImportBatch::Reps(_) => ImportBatch::Reps(Vec::with_capacity(BATCH_ROWS)),
            ImportBatch::Customers(_) => ImportBatch::Customers(Vec::with_capacity(BATCH_ROWS)),
            ImportBatch::Sales(_) => ImportBatch::Sales(Vec::with_capacity(BATCH_ROWS)),
            ImportBatch::Opportunities(_) => ImportBatch::Opportunities(Vec::with_capacity(BATCH_ROWS)),
            ImportBatch::Visits(_) => ImportBatch::Visits(Vec::with_capacity(BATCH_ROWS)),
        };
        ImportMsg::Batch { batch: std::mem::replace(&mut self.0, empty), rows: std::mem::take(&mut self.1) }
    }
}

/// Looks a natural key up, or records that the row names something unknown.
fn find(
    errs: &mut Vec<FieldError>,
    n: u64,
    map: &std::collections::HashMap<String, i64>,
    key: &str,
    field: &str,
    what: &str,
) -> i64 {
    match map.get(key) {
        Some(id) => *id,
        None => {
            errs.push(row_error(n, field, format!("no {what} {key} in your scope")));
            0
        }
    }
}

fn resolve(n: u64, row: ImportRow, l: &Lookups) -> Result<Resolved, Vec<FieldError>> {
    let mut errs = Vec::new();
    let item = match row {
        ImportRow::Rep(r) => Resolved::Rep(NewRep {
            custom: custom::from_cells(n, CustomEntity::Rep, r.custom, &l.custom_fields, &mut errs),
            unit_id: find(&mut errs, n, &l.units, r.unit_code.as_str(), "unit_code", "org unit"),
            employee_no: r.employee_no,
            name: r.name,
            rating: r.rating,
            hire_date: r.hire_date,
            status: Some(r.status),
            status_since: Some(r.status_since),
        }),
        ImportRow::Customer(c) => Resolved::Customer(NewCustomer {
            custom: custom::from_cells(n, CustomEntity::Customer, c.custom, &l.custom_fields, &mut errs),
            unit_id: find(&mut errs, n, &l.units, c.unit_code.as_str(), "unit_code", "org unit"),
            owner_rep_id: c
                .owner_employee_no
                .as_ref()
                .map(|e| find(&mut errs, n, &l.reps, e.as_str(), "owner_employee_no", "rep")),
            code: c.code,
            name: c.name,
            grade: c.grade,
            province: c.province,
            city: c.city,
            stage: Some(c.stage),
        }),
        ImportRow::Sales(s) => Resolved::Sales(NewSalesRecord {
            customer_id: find(&mut errs, n, &l.customers, s.customer_code.as_str(), "customer_code", "customer"),
            product_line_id: find(
                &mut errs,
                n,
                &l.product_lines,
                s.product_line_code.as_str(),
                "product_line_code",
                "product line",
            ),
            doc_id: s.doc_id,
            booked_on: s.booked_on,
            amount: s.amount,
        }),
        ImportRow::Opportunity(o) => {
            let has_reason = o.lost_reason.as_deref().is_some_and(|r| !r.trim().is_empty());
            if o.stage == FunnelStage::Lost && !has_reason {
                errs.push(row_error(n, "lost_reason", "is required when the stage is lost"));
            }
            if o.stage != FunnelStage::Lost && has_reason {
                errs.push(row_error(n, "lost_reason", "is only allowed when the stage is lost"));
            }
            Resolved::Opportunity(NewOpportunity {
                custom: custom::from_cells(n, CustomEntity::Opportunity, o.custom, &l.custom_fields, &mut errs),
                customer_id: find(&mut errs, n, &l.customers, o.customer_code.as_str(), "customer_code", "customer"),
                owner_rep_id: find(&mut errs, n, &l.reps, o.owner_employee_no.as_str(), "owner_employee_no", "rep"),
                product_line_id: find(
                    &mut errs,
                    n,
                    &l.product_lines,
                    o.product_line_code.as_str(),
                    "product_line_code",
                    "product line",
                ),
                external_id: Some(o.external_id.to_string()),
                name: o.name,
                amount: o.amount,
                expected_close: o.expected_close,
                stage: Some(o.stage),
                lost_reason: o.lost_reason.filter(|r| !r.trim().is_empty()),
            })
        }
        ImportRow::Visit(v) => Resolved::Visit(NewVisit {
            rep_id: find(&mut errs, n, &l.reps, v.employee_no.as_str(), "employee_no", "rep"),
            customer_id: find(&mut errs, n, &l.customers, v.customer_code.as_str(), "customer_code", "customer"),
            external_id: Some(v.external_id.to_string()),
            visit_date: v.visit_date,
            kind: v.kind,
            notes: v.notes,
        }),
        ImportRow::OrgUnit(_) => return Err(vec![row_error(n, "row", "org units are imported on their own")]),
    };
    if errs.is_empty() {
        Ok(item)
    } else {
        Err(errs)
    }
}

/// Creates the job row and runs the import to its end; for the CLI and
/// for `?wait=true`.
pub async fn import_now(
    store: Arc<dyn Store>,
    scope: Scope,
    kind: ImportKind,
    format: FileFormat,
    source: Source,
    file_name: Option<&str>,
) -> anyhow::Result<ImportJob> {
    let job = store.create_import_job(&scope, kind, format, file_name).await?;
    run(store.clone(), &Progress::default(), scope.clone(), job.id, kind, source).await?;
    Ok(store.get_import_job(&scope, job.id).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: i64, status: ImportStatus, rows_done: u64) -> ImportJob {
        ImportJob {
            id,
            kind: ImportKind::SalesRecords,
            format: FileFormat::Csv,
            status,
            rows_total: 100,
            rows_done,
            rows_changed: 0,
            errors: vec![],
            total_errors: 0,
            file_name: None,
            created_at: chrono::Utc::now(),
            finished_at: None,
        }
    }

    #[test]
    fn progress_shows_live_counts_of_running_jobs_only() {
        let p = Progress::default();
        let counter = p.start(7);
        counter.fetch_add(42, Ordering::Relaxed);
        let mut running = job(7, ImportStatus::Running, 0);
        p.overlay(&mut running);
        assert_eq!(running.rows_done, 42);
        let mut finished = job(7, ImportStatus::Succeeded, 100);
        p.overlay(&mut finished);
        assert_eq!(finished.rows_done, 100);
        p.end(7);
        assert_eq!(p.rows_done(7), None);
    }

    #[test]
    fn errors_are_capped_but_counted() {
        let mut log = ErrorLog::default();
        log.add((0..250).map(|i| row_error(i, "amount", "bad")));
        assert_eq!((log.shown.len(), log.total), (MAX_ERRORS_SHOWN, 250));
    }

    #[test]
    fn duplicate_keys_are_caught() {
        let mut keys = KeySet::default();
        assert!(keys.insert("SO-1"));
        assert!(keys.insert("SO-2"));
        assert!(!keys.insert("SO-1"));
    }
}
