//! 导入导出: files in and out of the company's data.
//!
//! Importing: choose what the file holds (the columns it needs are shown),
//! drop or pick one CSV or Excel file and send it. The server answers with a
//! job at once and works through the rows afterwards; the screen follows the
//! job (a progress bar of rows checked of rows in the file) to its end: the
//! rows read and changed, or — when any row is wrong — the rows, columns and
//! reasons the file was refused for, and nothing written (the server commits
//! every row or none). The job followed is in the address
//! (`/imports?job=12`), so a reload or a link from the recent imports keeps
//! it in view.
//!
//! Exporting: every kind as CSV or Excel, in the columns an import reads, so
//! an export is also the template of its kind.
//!
//! Each part shows only to holders of its permission (`imports.run`,
//! `exports.run`); the server refuses the others anyway.

use std::time::Duration;

use cascade_api_types::{FieldError, FileFormat, ImportJob, ImportJobPage, ImportKind, ImportStatus};
use cascade_core::access::Permission;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{self, ApiError};
use crate::company::CompanyInfo;
use crate::i18n::{tr, Locale, T};
use crate::session::Auth;
use crate::widgets::facts::Fact;
use crate::widgets::file_drop::{save_as, FileDrop};
use crate::widgets::state::{loaded, resource, Data, Empty};
use crate::widgets::toast::Toasts;
use crate::{catalogue, display};

/// What the file chooser offers: CSV and Excel workbooks.
pub const IMPORT_ACCEPT: &str = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How often a running job is read again. Small files end within a poll or
/// two; a large one moves the bar a few times a second.
const POLL_EVERY: Duration = Duration::from_millis(400);

/// The columns of `kind` in file order, each with whether the header must
/// name it, as `cascade-files` reads them (a test holds the two together).
pub fn columns(kind: ImportKind) -> &'static [(&'static str, bool)] {
    const MUST: bool = true;
    const MAY: bool = false;
    match kind {
        ImportKind::OrgUnits => &[("code", MUST), ("name", MUST), ("kind", MUST), ("parent_code", MAY)],
        ImportKind::Reps => &[
            ("employee_no", MUST),
            ("name", MUST),
            ("unit_code", MUST),
            ("rating", MUST),
            ("hire_date", MUST),
            ("status", MAY),
            ("status_since", MAY),
        ],
        ImportKind::Customers => &[
            ("code", MUST),
            ("name", MUST),
            ("grade", MUST),
            ("province", MUST),
            ("city", MUST),
            ("unit_code", MUST),
            ("owner_employee_no", MAY),
            ("stage", MUST),
        ],
        ImportKind::SalesRecords => {
            &[("doc_id", MUST), ("customer_code", MUST), ("product_line_code", MUST), ("booked_on", MUST), ("amount", MUST)]
        }
        ImportKind::Opportunities => &[
            ("external_id", MUST),
            ("name", MUST),
            ("customer_code", MUST),
            ("owner_employee_no", MUST),
            ("product_line_code", MUST),
            ("amount", MUST),
            ("expected_close", MUST),
            ("stage", MUST),
            ("lost_reason", MAY),
        ],
        ImportKind::Visits => &[
            ("external_id", MUST),
            ("employee_no", MUST),
            ("customer_code", MUST),
            ("visit_date", MUST),
            ("kind", MUST),
            ("notes", MAY),
        ],
    }
}

/// Kinds whose files may add `custom.<key>` columns.
pub fn takes_custom_fields(kind: ImportKind) -> bool {
    matches!(kind, ImportKind::Customers | ImportKind::Reps | ImportKind::Opportunities)
}

/// The progress bar of a job: `Some((done, total))` once the rows in the
/// file are known, `None` before (the bar then shows no value). A refused
/// file has none: its rows done are not kept (nothing was written), and
/// its problems say what there is to say.
pub fn progress(job: &ImportJob) -> Option<(u64, u64)> {
    (job.rows_total > 0 && job.status != ImportStatus::Failed).then(|| (job.rows_done.min(job.rows_total), job.rows_total))
}

/// The sign beside a status word, so colour is never the only signal.
fn status_mark(status: ImportStatus) -> &'static str {
    match status {
        ImportStatus::Queued | ImportStatus::Running => "…",
        ImportStatus::Succeeded => "✓",
        ImportStatus::Failed => "✗",
    }
}

/// A job's status as a word in a pill.
fn status_pill(status: ImportStatus, testid: &'static str) -> impl IntoView {
    view! {
        <span class=format!("status import-{}", status.as_str()) data-testid=testid data-status=status.as_str()>
            <span aria-hidden="true">{status_mark(status)} " "</span>
            {tr(catalogue::import_status(status))}
        </span>
    }
}

/// What a job is called: its file's name, else what it holds.
fn job_name(job: &ImportJob) -> impl Fn() -> String + Send + Sync + 'static {
    let locale = Locale::expect();
    let (name, kind) = (job.file_name.clone(), job.kind);
    move || name.clone().unwrap_or_else(|| locale.t(catalogue::import_kind(kind)).to_owned())
}

/// The kinds whose rows the caller may touch: a file needs the same
/// permission as the kind's own screens (`needs` gives it), and the server
/// refuses the others.
fn held(auth: Auth, needs: fn(ImportKind) -> Permission) -> Vec<ImportKind> {
    let me = auth.me();
    ImportKind::ALL.into_iter().filter(|&k| me.as_ref().is_some_and(|me| me.permissions.contains(&needs(k)))).collect()
}

#[component]
pub fn Imports() -> impl IntoView {
    let auth = Auth::expect();
    let holds = move |p: Permission| auth.me().is_some_and(|me| me.permissions.contains(&p));
    let can_import = Memo::new(move |_| holds(Permission::ImportsRun));
    let can_export = Memo::new(move |_| holds(Permission::ExportsRun));
    view! {
        <div class="cards" data-testid="imports">
            <h1 class="visually-hidden">{tr(catalogue::IMPORTS_TITLE)}</h1>
            <Show when=move || can_import.get()>
                <ImportPart can_export=can_export />
            </Show>
            <Show when=move || can_export.get()>
                <ExportCard />
            </Show>
            <Show when=move || !can_import.get() && !can_export.get()>
                <section class="card card-wide">
                    <Empty text=catalogue::NO_FILE_RIGHTS testid="imports-none" />
                </section>
            </Show>
        </div>
    }
}

/// The import card and the recent imports, which a job's end refreshes.
#[component]
fn ImportPart(can_export: Memo<bool>) -> impl IntoView {
    let auth = Auth::expect();
    let recent = resource(move || api::recent_imports(auth));
    view! {
        <ImportCard recent=recent can_export=can_export />
        <RecentImports recent=recent />
    }
}

/// The job on screen, read again until it ends.
#[derive(Clone, Copy)]
struct Follow {
    job: RwSignal<Option<ImportJob>>,
    error: RwSignal<Option<ApiError>>,
    /// Moves on whenever another job (or none) is followed, so that the
    /// loop of the one before stops at its next turn.
    generation: StoredValue<u64>,
    /// Runs once the job has ended.
    ended: Callback<()>,
}

impl Follow {
    fn next_generation(self) -> u64 {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        generation
    }

    /// Follows job `id`; what is shown of it stays until the first answer.
    fn start(self, auth: Auth, id: i64) {
        let generation = self.next_generation();
        self.error.set(None);
        if self.job.with_untracked(|job| job.as_ref().map(|j| j.id)) != Some(id) {
            self.job.set(None);
        }
        self.poll(auth, id, generation);
    }

    fn stop(self) {
        self.next_generation();
        self.job.set(None);
        self.error.set(None);
    }

    fn poll(self, auth: Auth, id: i64, generation: u64) {
        spawn_local(async move {
            let result = api::get_import(auth, id).await;
            // Another job was chosen meanwhile, or the screen is gone.
            if self.generation.try_get_value() != Some(generation) {
                return;
            }
            match result {
                Ok(job) => {
                    let ended = job.status.is_final();
                    self.job.set(Some(job));
                    if ended {
                        self.ended.run(());
                    } else {
                        set_timeout(move || self.poll(auth, id, generation), POLL_EVERY);
                    }
                }
                Err(error) => self.error.set(Some(error)),
            }
        });
    }
}

#[component]
fn ImportCard(recent: Data<ImportJobPage>, can_export: Memo<bool>) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let query = use_query_map();
    let navigate = use_navigate();
    let followed = Memo::new(move |_| query.with(|q| q.get("job").and_then(|id| id.parse::<i64>().ok())));
    let kind = RwSignal::new(None::<ImportKind>);
    let file = RwSignal::new_local(None::<web_sys::File>);
    let refused_pick = RwSignal::new(None::<T>);
    let sending = RwSignal::new(false);
    let send_error = RwSignal::new(None::<ApiError>);
    let follow = Follow {
        job: RwSignal::new(None),
        error: RwSignal::new(None),
        generation: StoredValue::new(0),
        ended: Callback::new(move |()| recent.refetch()),
    };
    Effect::new(move || match followed.get() {
        Some(id) => follow.start(auth, id),
        None => follow.stop(),
    });

    let pick = Callback::new(move |files: Vec<web_sys::File>| {
        send_error.set(None);
        match files.as_slice() {
            [] => {}
            [one] if api::import_format(&one.name(), &one.type_()).is_some() => {
                refused_pick.set(None);
                file.set(Some(one.clone()));
            }
            [_] => {
                refused_pick.set(Some(catalogue::NOT_A_TABLE));
                file.set(None);
            }
            _ => refused_pick.set(Some(catalogue::ONE_FILE)),
        }
    });
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(kind), Some(chosen)) = (kind.get_untracked(), file.get_untracked()) else { return };
        let Some(format) = api::import_format(&chosen.name(), &chosen.type_()) else { return };
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        send_error.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = api::start_import(auth, kind, format, &chosen).await;
            sending.set(false);
            match result {
                Ok(job) => {
                    // Sent once: a second press must not import it again.
                    file.set(None);
                    let id = job.id;
                    follow.job.set(Some(job));
                    recent.refetch();
                    navigate(&format!("/imports?job={id}"), Default::default());
                }
                Err(error) => send_error.set(Some(error)),
            }
        });
    };

    let kind_options = held(auth, ImportKind::write_permission)
        .into_iter()
        .map(|k| view! { <option value=k.as_str() selected=move || kind.get() == Some(k)>{tr(catalogue::import_kind(k))}</option> })
        .collect_view();
    let expected = move || {
        kind.get().map(|k| {
            let list = columns(k)
                .iter()
                .map(|(name, must)| {
                    view! {
                        <li>
                            <code>{*name}</code>
                            {(!must).then(|| view! { <span class="tag">{tr(catalogue::OPTIONAL)}</span> })}
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="import-columns" data-testid="import-columns" data-kind=k.as_str()>
                    <p class="hint">{tr(catalogue::COLUMNS_EXPECTED)}</p>
                    <ul class="column-list">{list}</ul>
                    {takes_custom_fields(k).then(|| view! { <p class="hint">{tr(catalogue::CUSTOM_COLUMNS)}</p> })}
                    {move || can_export.get().then(|| view! { <p class="hint">{tr(catalogue::EXPORT_AS_TEMPLATE)}</p> })}
                </div>
            }
        })
    };
    let chosen = move || {
        file.with(|f| {
            f.as_ref().map(|f| {
                // A file's size in bytes is a whole number far below 2^53.
                let size = display::file_size(f.size() as u64);
                catalogue::chosen_file(&f.name(), &size, locale.lang())
            })
        })
    };
    let can_send = move || !sending.get() && kind.get().is_some() && file.with(Option::is_some);

    view! {
        <section class="card card-wide" data-testid="import">
            <h2 class="card-title">{tr(catalogue::IMPORT)}</h2>
            <p class="hint">{tr(catalogue::IMPORT_HINT)}</p>
            <form class="import-form" on:submit=start novalidate>
                <label class="field">
                    <span class="field-label">{tr(catalogue::IMPORT_KIND)}</span>
                    <select
                        data-testid="import-kind"
                        disabled=move || sending.get()
                        on:change=move |ev| kind.set(ImportKind::parse(&event_target_value(&ev)))
                    >
                        <option value="" selected=move || kind.get().is_none()>{tr(catalogue::CHOOSE)}</option>
                        {kind_options}
                    </select>
                </label>
                {expected}
                <FileDrop
                    label=catalogue::DROP_IMPORT
                    accept=IMPORT_ACCEPT
                    testid="import-drop"
                    disabled=Signal::derive(move || sending.get())
                    multiple=false
                    button=catalogue::CHOOSE_FILE
                    on_files=pick
                />
                <p class="chosen" data-testid="import-file">{chosen}</p>
                <p class="form-error" role="alert" data-testid="import-pick-error">
                    {move || refused_pick.get().map(|t| locale.t(t))}
                </p>
                <p class="form-error" role="alert" data-testid="import-send-error">
                    {move || send_error.with(|e| e.as_ref().map(|e| catalogue::api_error(e, locale.lang())))}
                </p>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="import-start" disabled=move || !can_send()>
                        {move || locale.t(if sending.get() { catalogue::UPLOADING } else { catalogue::START_IMPORT })}
                    </button>
                </div>
            </form>
            <JobPanel follow=follow />
        </section>
    }
}

/// The job followed: its status, the progress bar and, once it has ended,
/// what it changed or why the file was refused.
#[component]
fn JobPanel(follow: Follow) -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let job = follow.job;
    let status = move || job.with(|j| j.as_ref().map(|j| j.status));
    let title = move || job.with(|j| j.as_ref().map(|j| job_name(j)()));
    let bar = move || {
        job.with(|j| {
            let j = j.as_ref()?;
            Some(match progress(j) {
                Some((done, total)) => view! {
                    <label class="progress-field">
                        <span class="field-label">{tr(catalogue::PROGRESS)}</span>
                        <progress data-testid="import-progress" max=total value=done></progress>
                    </label>
                    <p class="note" data-testid="import-progress-text" data-done=done data-total=total>
                        {move || catalogue::rows_checked(done, total, locale.lang())}
                    </p>
                }
                .into_any(),
                // Not known yet how many rows the file has.
                None if !j.status.is_final() => view! {
                    <label class="progress-field">
                        <span class="field-label">{tr(catalogue::PROGRESS)}</span>
                        <progress data-testid="import-progress"></progress>
                    </label>
                    <p class="note" data-testid="import-progress-text">{tr(catalogue::READING_FILE)}</p>
                }
                .into_any(),
                None => ().into_any(),
            })
        })
    };
    let outcome = move || {
        job.with(|j| {
            let j = j.as_ref()?;
            match j.status {
                ImportStatus::Succeeded => Some(succeeded(j).into_any()),
                ImportStatus::Failed => Some(refused(j).into_any()),
                ImportStatus::Queued | ImportStatus::Running => None,
            }
        })
    };
    let failed_to_read = move || {
        follow.error.get().map(|error| {
            view! {
                <div class="form-error" role="alert" data-testid="import-follow-error">
                    <p>{catalogue::api_error(&error, locale.lang())}</p>
                    <button
                        type="button"
                        class="retry"
                        on:click=move |_| {
                            if let Some(id) = job.with_untracked(|j| j.as_ref().map(|j| j.id)) {
                                follow.start(auth, id);
                            }
                        }
                    >
                        {tr(catalogue::RETRY)}
                    </button>
                </div>
            }
        })
    };
    view! {
        <Show when=move || job.with(Option::is_some)>
            <section
                class="import-job"
                data-testid="import-job"
                data-job-id=move || job.with(|j| j.as_ref().map(|j| j.id))
                data-status=move || status().map(ImportStatus::as_str)
            >
                <h3 class="import-job-title" data-testid="import-job-name">{title}</h3>
                // Announced as it changes: queued, importing, imported or refused.
                <p class="import-job-status" role="status">
                    {move || status().map(|s| status_pill(s, "import-status"))}
                </p>
                {bar}
                {outcome}
            </section>
        </Show>
        {failed_to_read}
    }
}

fn succeeded(job: &ImportJob) -> impl IntoView {
    view! {
        <div class="outcome outcome-ok" data-testid="import-succeeded">
            <p class="outcome-title">
                <span aria-hidden="true">"✓ "</span>
                {tr(catalogue::IMPORTED)}
            </p>
            <dl class="facts">
                <Fact label=catalogue::ROWS_READ testid="import-rows-read" value=display::count(job.rows_done) />
                <Fact label=catalogue::ROWS_CHANGED testid="import-rows-changed" value=display::count(job.rows_changed) />
            </dl>
            <p class="hint">{tr(catalogue::UNCHANGED_NOT_COUNTED)}</p>
        </div>
    }
}

fn refused(job: &ImportJob) -> impl IntoView {
    let locale = Locale::expect();
    let (total, listed) = (job.total_errors, job.errors.len());
    let table = (!job.errors.is_empty()).then(|| problem_table(job.errors.clone()));
    view! {
        <div class="outcome outcome-bad" data-testid="import-refused">
            <p class="outcome-title" data-testid="import-refused-title">
                <span aria-hidden="true">"✗ "</span>
                {tr(catalogue::REFUSED)}
            </p>
            <p data-testid="import-problems" data-total=total>
                {move || catalogue::problems(total, listed, locale.lang())}
            </p>
            <p>{tr(catalogue::FIX_AND_IMPORT_AGAIN)}</p>
            {table}
        </div>
    }
}

/// Each refused cell: the row in the file (the header is row 1), the
/// column and why.
fn problem_table(errors: Vec<FieldError>) -> impl IntoView {
    let rows = errors
        .into_iter()
        .map(|e| {
            let row = e.row.map_or_else(|| display::MISSING.to_owned(), |r| r.to_string());
            let column = e.field.clone();
            view! {
                <tr data-testid="import-error" data-row=e.row data-column=column>
                    <td class="num" data-label=tr(catalogue::ROW_NUMBER) data-testid="import-error-row">{row}</td>
                    <td data-label=tr(catalogue::COLUMN) data-testid="import-error-column"><code>{e.field}</code></td>
                    <td data-label=tr(catalogue::PROBLEM) data-testid="import-error-reason">{e.reason}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="data stack-on-phone import-errors" data-testid="import-errors">
                <thead>
                    <tr>
                        <th scope="col" class="num">{tr(catalogue::ROW_NUMBER)}</th>
                        <th scope="col">{tr(catalogue::COLUMN)}</th>
                        <th scope="col">{tr(catalogue::PROBLEM)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The latest jobs, each opening in the import card.
#[component]
fn RecentImports(recent: Data<ImportJobPage>) -> impl IntoView {
    view! {
        <section class="card card-wide" data-testid="recent-imports">
            <h2 class="card-title">{tr(catalogue::RECENT_IMPORTS)}</h2>
            {loaded(recent, |page| recent_table(page.items).into_any())}
        </section>
    }
}

fn recent_table(jobs: Vec<ImportJob>) -> AnyView {
    if jobs.is_empty() {
        return view! { <Empty text=catalogue::NO_IMPORTS testid="recent-imports-empty" /> }.into_any();
    }
    let locale = Locale::expect();
    let company = CompanyInfo::expect();
    let rows = jobs
        .into_iter()
        .map(|job| {
            let millis = job.created_at.timestamp_millis();
            let started = move || company.time_zone().map(|tz| display::moment(millis, &tz, locale.lang())).unwrap_or_default();
            let (id, kind, status) = (job.id, job.kind, job.status);
            let name = job_name(&job);
            view! {
                <tr data-testid="recent-import" data-job-id=id data-status=status.as_str()>
                    <th scope="row" data-label=tr(catalogue::FILE)>
                        <A href=format!("/imports?job={id}")>{name}</A>
                    </th>
                    <td data-label=tr(catalogue::KIND)>{tr(catalogue::import_kind(kind))}</td>
                    <td data-label=tr(catalogue::STARTED)>{started}</td>
                    <td data-label=tr(catalogue::STATUS)>{status_pill(status, "recent-import-status")}</td>
                    <td class="num" data-label=tr(catalogue::ROWS) data-testid="recent-import-rows">{display::count(job.rows_total)}</td>
                    <td class="num" data-label=tr(catalogue::CHANGED) data-testid="recent-import-changed">{display::count(job.rows_changed)}</td>
                    <td class="num" data-label=tr(catalogue::PROBLEMS) data-testid="recent-import-problems">{display::count(job.total_errors)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0">
            <table class="data stack-on-phone" data-testid="recent-imports-table">
                <thead>
                    <tr>
                        <th scope="col">{tr(catalogue::FILE)}</th>
                        <th scope="col">{tr(catalogue::KIND)}</th>
                        <th scope="col">{tr(catalogue::STARTED)}</th>
                        <th scope="col">{tr(catalogue::STATUS)}</th>
                        <th scope="col" class="num">{tr(catalogue::ROWS)}</th>
                        <th scope="col" class="num">{tr(catalogue::CHANGED)}</th>
                        <th scope="col" class="num">{tr(catalogue::PROBLEMS)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// Every kind, as CSV or Excel.
#[component]
fn ExportCard() -> impl IntoView {
    let auth = Auth::expect();
    let locale = Locale::expect();
    let toasts = Toasts::expect();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let download = move |kind: ImportKind, format: FileFormat| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::download_export(auth, kind, format).await;
            busy.set(false);
            match result {
                Ok((blob, name)) => {
                    save_as(&blob, &name);
                    toasts.say(catalogue::downloaded(&name, locale.lang()));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let button = move |kind: ImportKind, format: FileFormat, words: T| {
        view! {
            <button
                type="button"
                class="export-button"
                data-testid=format!("export-{}-{}", kind.as_str(), format.as_str())
                disabled=move || busy.get()
                on:click=move |_| download(kind, format)
            >
                // Read as "下载 客户（医院） CSV"; seen as "CSV" beside the kind.
                <span class="visually-hidden">{tr(catalogue::DOWNLOAD)} " " {tr(catalogue::import_kind(kind))} " "</span>
                {tr(words)}
            </button>
        }
    };
    let kinds = held(auth, ImportKind::read_permission)
        .into_iter()
        .map(|kind| {
            view! {
                <li data-testid="export-kind" data-kind=kind.as_str()>
                    <span class="export-kind">{tr(catalogue::import_kind(kind))}</span>
                    <span class="export-buttons">
                        {button(kind, FileFormat::Csv, catalogue::CSV)}
                        {button(kind, FileFormat::Xlsx, catalogue::EXCEL)}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card card-wide" data-testid="export">
            <h2 class="card-title">{tr(catalogue::EXPORT)}</h2>
            <p class="hint">{tr(catalogue::EXPORT_HINT)}</p>
            <ul class="export-list">{kinds}</ul>
            <p class="note" role="status" data-testid="export-busy">{move || busy.get().then(|| locale.t(catalogue::PREPARING))}</p>
            <p class="form-error" role="alert" data-testid="export-error">
                {move || error.with(|e| e.as_ref().map(|e| catalogue::api_error(e, locale.lang())))}
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use cascade_api_types::FileFormat;
    use chrono::Utc;

    use super::*;
    use crate::i18n::Lang;

    fn opens(kind: ImportKind, header: &[&str]) -> bool {
        let csv = format!("{}\n", header.join(","));
        cascade_files::RowReader::from_csv(Cursor::new(csv.into_bytes()), kind).is_ok()
    }

    #[test]
    fn the_columns_shown_are_those_the_server_reads() {
        for kind in ImportKind::ALL {
            let names: Vec<&str> = columns(kind).iter().map(|(name, _)| *name).collect();
            assert_eq!(names, cascade_files::columns(kind), "{kind:?}");
            assert!(opens(kind, &names), "{kind:?}: every column");
            for (name, must) in columns(kind) {
                let without: Vec<&str> = names.iter().copied().filter(|n| n != name).collect();
                assert_eq!(opens(kind, &without), !must, "{kind:?} without {name}");
            }
            let custom = [names.as_slice(), &["custom.region_note"]].concat();
            assert_eq!(opens(kind, &custom), takes_custom_fields(kind), "{kind:?} with a custom column");
        }
    }

    fn job(status: ImportStatus, done: u64, total: u64) -> ImportJob {
        ImportJob {
            id: 7,
            kind: ImportKind::Customers,
            format: FileFormat::Csv,
            status,
            rows_total: total,
            rows_done: done,
            rows_changed: 0,
            errors: Vec::new(),
            total_errors: 0,
            file_name: None,
            created_at: Utc::now(),
            finished_at: None,
        }
    }

    #[test]
    fn the_bar_has_a_value_once_the_rows_are_counted() {
        assert_eq!(progress(&job(ImportStatus::Queued, 0, 0)), None);
        assert_eq!(progress(&job(ImportStatus::Running, 120, 3000)), Some((120, 3000)));
        assert_eq!(progress(&job(ImportStatus::Succeeded, 3000, 3000)), Some((3000, 3000)));
        assert_eq!(progress(&job(ImportStatus::Running, 3001, 3000)), Some((3000, 3000)));
        assert_eq!(progress(&job(ImportStatus::Failed, 0, 3000)), None);
    }

    #[test]
    fn the_format_comes_from_the_name_then_the_type() {
        assert_eq!(api::import_format("客户.CSV", "application/vnd.ms-excel"), Some(FileFormat::Csv));
        assert_eq!(api::import_format("reps.xlsx", ""), Some(FileFormat::Xlsx));
        assert_eq!(api::import_format("export", "text/csv"), Some(FileFormat::Csv));
        assert_eq!(api::import_format("export", api::XLSX_TYPE), Some(FileFormat::Xlsx));
        assert_eq!(api::import_format("old.xls", "application/vnd.ms-excel"), None);
        assert_eq!(api::import_format("notes.pdf", "application/pdf"), None);
        assert_eq!(api::format_type(FileFormat::Csv), "text/csv");
    }

    #[test]
    fn file_names_the_server_would_refuse_are_left_out() {
        assert!(api::keeps_file_name("2026 华南客户.csv"));
        assert!(!api::keeps_file_name(""));
        assert!(!api::keeps_file_name("a/b.csv"));
        assert!(!api::keeps_file_name("a\\b.csv"));
        assert!(!api::keeps_file_name(&"长".repeat(201)));
    }

    #[test]
    fn a_download_keeps_the_servers_name() {
        assert_eq!(api::attachment_name("attachment; filename=\"customers.csv\"").as_deref(), Some("customers.csv"));
        assert_eq!(api::attachment_name("attachment; filename=reps.xlsx; size=10").as_deref(), Some("reps.xlsx"));
        assert_eq!(api::attachment_name("attachment"), None);
        assert_eq!(api::attachment_name("attachment; filename=\"../x\""), None);
    }

    #[test]
    fn counts_and_problems_read_in_either_language() {
        assert_eq!(catalogue::rows_checked(1200, 3000, Lang::Zh), "已检查 1,200 / 3,000 行");
        assert_eq!(catalogue::rows_checked(1, 2, Lang::En), "1 of 2 rows checked");
        assert_eq!(catalogue::problems(1, 1, Lang::En), "1 problem.");
        assert_eq!(catalogue::problems(3, 3, Lang::Zh), "共 3 个问题。");
        assert_eq!(catalogue::problems(250, 100, Lang::Zh), "共 250 个问题，下表列出前 100 个。");
        assert_eq!(catalogue::problems(1250, 100, Lang::En), "1,250 problems; the first 100 are listed below.");
        assert_eq!(catalogue::chosen_file("客户.csv", "1.2 KB", Lang::Zh), "已选择：客户.csv（1.2 KB）");
        assert_eq!(catalogue::downloaded("reps.xlsx", Lang::En), "Downloaded: reps.xlsx");
    }

    #[test]
    fn every_kind_and_status_has_both_languages() {
        for kind in ImportKind::ALL {
            let t = catalogue::import_kind(kind);
            assert!(!t.zh.is_empty() && !t.en.is_empty() && t.zh != t.en);
        }
        for status in [ImportStatus::Queued, ImportStatus::Running, ImportStatus::Succeeded, ImportStatus::Failed] {
            let t = catalogue::import_status(status);
            assert_ne!(t.zh, t.en);
            assert!(!status_mark(status).is_empty());
        }
    }
}
