//! `/imports` (upload a CSV or Excel file; poll the job) and `/exports`
//! (download the same shapes).

use std::io::Write;
use std::sync::{Arc, Mutex};

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use cascade_api_types::{FileFormat, ImportJob, ImportJobPage, ImportKind, Problem, SortOrder};
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::{list_query, page};
use crate::auth::Caller;
use crate::error::docs::{BadQuery, NotFound};
use crate::error::ApiError;
use crate::extract::Query;
use crate::imports::{self, Source};
use crate::openapi::FileBytes;
use crate::state::AppState;
use cascade_core::Permission;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_import).service(list_imports).service(get_import).service(export_rows);
}

const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// What the file holds.
    pub kind: ImportKind,
    /// `csv` or `xlsx`; by default taken from the Content-Type (`text/csv` or the xlsx type).
    pub format: Option<FileFormat>,
    /// The file's name, kept with the job for people to recognise it.
    #[param(value_type = Option<cascade_api_types::strict::schema::FileName>, inline)]
    pub file_name: Option<String>,
    /// `true`: answer when the import has ended (200, or 422 listing the bad rows) instead of 202 at once.
    pub wait: Option<bool>,
}

fn format_of(req: &HttpRequest, q: &UploadQuery) -> Result<FileFormat, ApiError> {
    if let Some(f) = q.format {
        return Ok(f);
    }
    let ct = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    if ct.starts_with("text/csv") {
        Ok(FileFormat::Csv)
    } else if ct.starts_with(XLSX_MIME) {
        Ok(FileFormat::Xlsx)
    } else {
        Err(ApiError::UnsupportedMediaType(format!("send the file as text/csv or {XLSX_MIME}, or name it with ?format=")))
    }
}

/// Import a CSV or Excel file of org units, reps, customers, sales records,
/// opportunities or visits. The file is the raw request body. Rows are
/// matched on their natural key (code, employee_no, doc_id, external_id), so
/// importing the same file twice changes nothing. All or nothing: if any
/// row is refused, nothing is written and the job lists every bad row,
/// column and reason (the first 100, with the total). Besides `imports.run`
/// the caller needs the kind's own write permission (`org_units.write`,
/// `reps.write`, `customers.write`, `sales.write`, `opportunities.write`,
/// `visits.write`).
#[utoipa::path(
    tag = "imports", security(("bearer" = ["imports.run"])),
    params(UploadQuery),
    request_body(
        description = "The file itself: CSV (UTF-8, header row first) or an .xlsx workbook (first sheet).",
        content((FileBytes = "text/csv"), (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    ),
    responses(
        (status = 202, description = "Accepted; poll the job at `Location`", body = ImportJob, headers(("Location" = String))),
        (status = 200, description = "With `wait=true`: the import succeeded", body = ImportJob),
        (status = 413, description = "The file is over the size limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither CSV nor xlsx", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad parameter, or with `wait=true` the rows that were refused (nothing was written)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/imports")]
pub async fn create_import(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    q: Query<UploadQuery>,
    mut body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ImportsRun)?;
    caller.require_unit_scope("imports")?;
    let q = q.0;
    caller.require(q.kind.write_permission())?;
    let format = format_of(&req, &q)?;
    if let Some(name) = &q.file_name {
        crate::validate::file_name(name)?;
    }
    let limit = state.settings.server.max_import_bytes;
    let dir = state.settings.server.work_dir.clone();
    tokio::fs::create_dir_all(&dir).await.map_err(|e| ApiError::Internal(e.into()))?;
    let file = tempfile::Builder::new().prefix("import-").tempfile_in(&dir).map_err(|e| ApiError::Internal(e.into()))?;
    let (std_file, path) = file.keep().map_err(|e| ApiError::Internal(e.into()))?;
    let guard = RemoveOnDrop(path.clone());
    let mut out = tokio::fs::File::from_std(std_file);
    let mut size: u64 = 0;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest(cascade_api_types::FieldError::new("body", e.to_string())))?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        out.write_all(&chunk).await.map_err(|e| ApiError::Internal(e.into()))?;
    }
    out.flush().await.map_err(|e| ApiError::Internal(e.into()))?;
    drop(out);
    if size == 0 {
        return Err(ApiError::invalid("body", "is empty: send the file as the request body"));
    }
    let scope = caller.scope.clone();
    let store = state.store.clone();
    let job = store.create_import_job(&scope, q.kind, format, q.file_name.as_deref()).await?;
    caller.audit(&state, "import", "import_job", job.id, None::<&()>, Some(&job)).await;
    let run = {
        let (store, scope, kind, progress) = (store.clone(), scope.clone(), q.kind, state.progress.clone());
        async move {
            let _guard = guard;
            if let Err(e) = imports::run(store, &progress, scope, job.id, kind, Source::File { path, format }).await {
                tracing::error!(job_id = job.id, error = ?e, "import job could not record its end");
            }
        }
    };
    let location = format!("/api/v1/imports/{}", job.id);
    if q.wait.unwrap_or(false) {
        run.await;
        let done = store.get_import_job(&scope, job.id).await?;
        if done.total_errors > 0 {
            let mut p = ApiError::Validation(done.errors.clone()).problem();
            p.detail = Some(format!("{} problem(s) in the file; nothing was written", done.total_errors));
            p.total_errors = Some(done.total_errors);
            p.instance = Some(location);
            return Ok(crate::error::problem_response(&p));
        }
        return Ok(HttpResponse::Ok().insert_header((header::LOCATION, location)).json(done));
    }
    tokio::spawn(run);
    Ok(HttpResponse::Accepted().insert_header((header::LOCATION, location)).json(job))
}

/// Deletes the uploaded file once the job is done with it.
struct RemoveOnDrop(std::path::PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

list_query!(
    /// Paging of the import job list (newest first unless `order=asc`).
    ImportJobQuery sorted by cascade_store::sorts::IMPORT_JOBS {}
);

/// List import jobs, newest first unless `order=asc`.
#[utoipa::path(tag = "imports", security(("bearer" = ["imports.run"])), params(ImportJobQuery), responses((status = 200, body = ImportJobPage), BadQuery))]
#[get("/imports")]
pub async fn list_imports(
    state: web::Data<AppState>,
    caller: Caller,
    q: Query<ImportJobQuery>,
) -> Result<web::Json<ImportJobPage>, ApiError> {
    caller.require(Permission::ImportsRun)?;
    let q = q.0;
    let params = crate::routes::list_params(q.limit, &q.cursor, &q.sort, Some(q.order.unwrap_or(SortOrder::Desc)))?;
    let mut p = state.store.list_import_jobs(&caller.scope, &params).await?;
    p.items.iter_mut().for_each(|job| state.progress.overlay(job));
    Ok(web::Json(page(p, |items, next_cursor| ImportJobPage { items, next_cursor })))
}

/// One import job: its status, progress (`rows_done` of `rows_total`) and errors.
#[utoipa::path(tag = "imports", security(("bearer" = ["imports.run"])), params(("id" = i64, Path)), responses((status = 200, body = ImportJob), NotFound))]
#[get("/imports/{id}")]
pub async fn get_import(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<web::Json<ImportJob>, ApiError> {
    caller.require(Permission::ImportsRun)?;
    let mut job = state.store.get_import_job(&caller.scope, *id).await?;
    state.progress.overlay(&mut job);
    Ok(web::Json(job))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (default, streamed) or `xlsx`.
    pub format: Option<FileFormat>,
}

/// A writer whose bytes are taken out as they come, for streaming.
#[derive(Clone, Default)]
struct Drain(Arc<Mutex<Vec<u8>>>);

impl Write for Drain {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drain {
    fn take(&self) -> Vec<u8> {
        self.0.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default()
    }
}

/// Export every row of a kind in your scope, in the columns imports read
/// (so an export can be edited and imported back). Besides `exports.run`
/// the caller needs the kind's own read permission (`sales.read` for sales
/// records, and so on).
#[utoipa::path(
    tag = "imports", security(("bearer" = ["exports.run"])),
    params(("kind" = ImportKind, Path), ExportQuery),
    responses(
        (status = 200, description = "The file", content((FileBytes = "text/csv"), (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        BadQuery,
        (status = 404, description = "No such kind", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/exports/{kind}")]
pub async fn export_rows(
    state: web::Data<AppState>,
    caller: Caller,
    kind: web::Path<ImportKind>,
    q: Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(Permission::ExportsRun)?;
    caller.require_unit_scope("exports")?;
    let kind = *kind;
    caller.require(kind.read_permission())?;
    let format = q.0.format.unwrap_or(FileFormat::Csv);
    let store = state.store.clone();
    let scope = caller.scope.clone();
    let name = format!("{}.{}", kind.as_str(), format.as_str());
    let disposition = (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\""));
    let keys = crate::custom::export_keys(store.as_ref(), kind).await?;
    match format {
        FileFormat::Xlsx => {
            let mut rows = Vec::new();
            let mut stream = store.export_rows(&scope, kind);
            while let Some(r) = stream.next().await {
                rows.push(r?);
            }
            let bytes = tokio::task::spawn_blocking(move || cascade_files::write_xlsx(kind, &keys, rows.into_iter()))
                .await
                .map_err(|e| ApiError::Internal(e.into()))?
                .map_err(|e| ApiError::Internal(e.into()))?;
            Ok(HttpResponse::Ok().content_type(XLSX_MIME).insert_header(disposition).body(bytes))
        }
        FileFormat::Csv => {
            let (tx, rx) = tokio::sync::mpsc::channel::<Result<web::Bytes, std::io::Error>>(8);
            tokio::spawn(async move {
                let drain = Drain::default();
                let mut writer = match cascade_files::CsvRowWriter::new(drain.clone(), kind, &keys) {
                    Ok(w) => w,
                    Err(e) => {
                        tracing::error!(error = ?e, "export could not start");
                        return;
                    }
                };
                let mut stream = store.export_rows(&scope, kind);
                let mut n = 0u64;
                while let Some(row) = stream.next().await {
                    let written = row.map_err(|e| e.to_string()).and_then(|r| writer.write(&r).map_err(|e| e.to_string()));
                    if let Err(e) = written {
                        tracing::error!(error = %e, "export stopped");
                        let _ = tx.send(Err(std::io::Error::other("export stopped"))).await;
                        return;
                    }
                    n += 1;
                    if n.is_multiple_of(1_000) {
                        let _ = writer.flush();
                        if tx.send(Ok(web::Bytes::from(drain.take()))).await.is_err() {
                            return;
                        }
                    }
                }
                let _ = writer.finish();
                let _ = tx.send(Ok(web::Bytes::from(drain.take()))).await;
            });
            let body = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
            Ok(HttpResponse::Ok().content_type("text/csv; charset=utf-8").insert_header(disposition).streaming(body))
        }
    }
}
