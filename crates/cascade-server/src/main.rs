//! The `cascade` command: serve the API and SPA, migrate, seed the demo
//! company, import and export files, print the OpenAPI document.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use cascade_api_types::{FileFormat, ImportKind, ImportStatus, NewUser};
use cascade_core::{Code, Role};
use cascade_server::config::{Overrides, Settings};
use cascade_server::startup::Application;
use cascade_server::{auth, demo, imports, telemetry};
use cascade_store::{Scope, Store};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use futures_util::StreamExt;

#[derive(Parser)]
#[command(name = "cascade", version, about = "Cascade: sales-target planning and in-quarter calibration", long_about = None)]
struct Cli {
    /// Configuration file (TOML). Default: ./cascade.toml when present.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Database URL, e.g. sqlite:data/cascade.db or postgres://user@host/db (overrides the configuration).
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the REST API (/api/v1), its docs (/api/docs) and the web app (/).
    Serve {
        /// Port to listen on (overrides the configuration; 0 picks a free one).
        #[arg(long)]
        port: Option<u16>,
        /// Seed the demo company first if the database has no company yet.
        #[arg(long)]
        demo_if_empty: bool,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Seed the deterministic demo company (idempotent: running it again changes nothing).
    Demo {
        /// Multiply staff, hospitals and history by N (100 ≈ 42,000 reps, 300,000 hospitals).
        #[arg(long, default_value_t = 1)]
        scale: u32,
        /// The date the demo is "today" (default: today in the company's time zone).
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<NaiveDate>,
        /// Do nothing if the database already has a company.
        #[arg(long)]
        if_empty: bool,
    },
    /// Import a CSV or Excel file: all rows or none; importing the same file twice changes nothing.
    Import {
        /// What the file holds: org_units, reps, customers, sales_records, opportunities or visits.
        #[arg(value_parser = parse_kind)]
        kind: ImportKind,
        /// The file (.csv or .xlsx).
        file: PathBuf,
        /// csv or xlsx (default: from the file name's extension).
        #[arg(long, value_parser = parse_format)]
        format: Option<FileFormat>,
    },
    /// Export every row of a kind, in the columns imports read.
    Export {
        /// org_units, reps, customers, sales_records, opportunities or visits.
        #[arg(value_parser = parse_kind)]
        kind: ImportKind,
        /// Output file (default: standard output; xlsx needs a file).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// csv or xlsx (default: from the output's extension, else csv).
        #[arg(long, value_parser = parse_format)]
        format: Option<FileFormat>,
    },
    /// Print the OpenAPI 3.1 document of this build's API.
    Openapi,
    /// Create a user who can sign in, e.g. the first admin of a new company
    /// (import the org units first). The password is read from the
    /// environment variable CASCADE_NEW_PASSWORD, else from standard input.
    CreateUser {
        username: String,
        /// hq, admin, region_manager, province_manager or rep.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Code of the org unit whose subtree the user works in (e.g. HQ).
        #[arg(long)]
        unit: String,
        /// Employee number of the rep this user is (required for the rep role).
        #[arg(long)]
        rep: Option<String>,
        #[arg(long)]
        display_name: Option<String>,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).map_err(|e| e.to_string())
}

/// Kinds as the API names them; `sales-records` is accepted for `sales_records`.
fn parse_kind(s: &str) -> Result<ImportKind, String> {
    ImportKind::parse(s).ok_or_else(|| {
        let all: Vec<&str> = ImportKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("must be one of: {}", all.join(", "))
    })
}

fn parse_format(s: &str) -> Result<FileFormat, String> {
    FileFormat::parse(s).ok_or_else(|| "must be csv or xlsx".to_owned())
}

fn format_from_path(path: &std::path::Path) -> Option<FileFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "csv" => Some(FileFormat::Csv),
        "xlsx" => Some(FileFormat::Xlsx),
        _ => None,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let port = match &cli.command {
        Command::Serve { port, .. } => *port,
        _ => None,
    };
    let settings = match Settings::load(cli.config.as_deref(), &Overrides { database_url: cli.database_url.clone(), port }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cascade: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.log.level, settings.log.format);
    let result = actix_web::rt::System::new().block_on(run(cli.command, settings));
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("cascade: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    let store = cascade_store::connect(&settings.database.url, settings.database.max_connections)
        .await
        .with_context(|| format!("opening the database {}", cascade_server::config::redact_url(&settings.database.url)))?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { demo_if_empty, .. } => {
            let store = open_store(&settings).await?;
            let interrupted = store.fail_interrupted_import_jobs().await?;
            if interrupted > 0 {
                tracing::warn!(interrupted, "import jobs left running by a previous process were marked failed");
            }
            if demo_if_empty && demo::is_empty(store.as_ref()).await? {
                tracing::info!("empty database: seeding the demo company");
                demo::seed(store.clone(), cascade_demo::DemoConfig { scale: 1, today: settings.today() }).await?;
            }
            let app = Application::build_with_store(settings.clone(), store).context("starting the server")?;
            tracing::info!("Cascade is serving on http://{}:{}/ (API docs: /api/docs/)", settings.server.host, app.port());
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let store = open_store(&settings).await?;
            store.close().await;
            println!("database is up to date");
        }
        Command::Demo { scale, today, if_empty } => {
            anyhow::ensure!(scale >= 1, "--scale must be at least 1");
            let store = open_store(&settings).await?;
            if if_empty && !demo::is_empty(store.as_ref()).await? {
                println!("the database already has a company; nothing seeded");
                return Ok(ExitCode::SUCCESS);
            }
            let started = std::time::Instant::now();
            let s =
                demo::seed(store.clone(), cascade_demo::DemoConfig { scale, today: today.unwrap_or_else(|| settings.today()) })
                    .await?;
            store.close().await;
            println!(
                "demo company seeded in {:.1}s: {} org units, {} reps, {} users, {} customers, {} opportunities, {} visits, {} sales records, {} plans",
                started.elapsed().as_secs_f64(),
                s.org_units,
                s.reps,
                s.users,
                s.customers,
                s.opportunities,
                s.visits,
                s.sales_records,
                s.plans
            );
        }
        Command::Import { kind, file, format } => {
            let format = match format.or_else(|| format_from_path(&file)) {
                Some(f) => f,
                None => anyhow::bail!("cannot tell the format of {}: name it .csv or .xlsx, or pass --format", file.display()),
            };
            anyhow::ensure!(file.is_file(), "{} is not a file", file.display());
            let store = open_store(&settings).await?;
            let started = std::time::Instant::now();
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
            let job = imports::import_now(
                store.clone(),
                Scope::all(),
                kind,
                format,
                imports::Source::File { path: file, format },
                name.as_deref(),
            )
            .await?;
            store.close().await;
            if job.status == ImportStatus::Succeeded {
                println!(
                    "imported {} rows ({} changed) in {:.1}s",
                    job.rows_total,
                    job.rows_changed,
                    started.elapsed().as_secs_f64()
                );
            } else {
                eprintln!("import refused: {} problem(s); nothing was written", job.total_errors);
                for e in &job.errors {
                    match e.row {
                        Some(r) => eprintln!("  row {r}, {}: {}", e.field, e.reason),
                        None => eprintln!("  {}: {}", e.field, e.reason),
                    }
                }
                if job.total_errors > job.errors.len() as u64 {
                    eprintln!("  … and {} more", job.total_errors - job.errors.len() as u64);
                }
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::CreateUser { username, role, unit, rep, display_name } => {
            let password = match std::env::var("CASCADE_NEW_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("password for {username} (one line):");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            auth::password::check_new(&password).map_err(|e| anyhow::anyhow!("the password {e}"))?;
            let store = open_store(&settings).await?;
            let lookups = store.lookups(&Scope::all()).await?;
            let unit_id =
                *lookups.units.get(unit.as_str()).with_context(|| format!("no org unit {unit}: import org units first"))?;
            let rep_id = match rep {
                Some(no) => Some(*lookups.reps.get(no.as_str()).with_context(|| format!("no rep {no}"))?),
                None => None,
            };
            anyhow::ensure!(role != Role::Rep || rep_id.is_some(), "the rep role needs --rep EMPLOYEE_NO");
            let new = NewUser {
                username: Code::parse(&username).map_err(|e| anyhow::anyhow!("username: {e}"))?,
                display_name: display_name.unwrap_or_else(|| username.clone()),
                rep_id,
                dingtalk_userid: None,
                role,
                unit_id,
                password: None,
            };
            let hash = auth::password::hash(&password)?;
            let user = store.create_user(&Scope::all(), &new, Some(&hash)).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("created user {} (id {}, role {}, unit {unit})", user.username, user.id, user.role);
            store.close().await;
        }
        Command::Export { kind, output, format } => {
            let format = format.or_else(|| output.as_deref().and_then(format_from_path)).unwrap_or(FileFormat::Csv);
            let store = open_store(&settings).await?;
            let mut rows = Vec::new();
            let mut count = 0u64;
            let sink: Box<dyn std::io::Write> = match (&output, format) {
                (Some(p), FileFormat::Csv) => {
                    Box::new(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)
                }
                (None, FileFormat::Csv) => Box::new(std::io::stdout().lock()),
                (None, FileFormat::Xlsx) => anyhow::bail!("an xlsx export needs --output FILE"),
                (Some(_), FileFormat::Xlsx) => Box::new(std::io::sink()),
            };
            let keys = cascade_server::custom::export_keys(store.as_ref(), kind).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            let mut csv = match format {
                FileFormat::Csv => Some(cascade_files::CsvRowWriter::new(std::io::BufWriter::new(sink), kind, &keys)?),
                FileFormat::Xlsx => None,
            };
            let mut stream = store.export_rows(&Scope::all(), kind);
            while let Some(row) = stream.next().await {
                let row = row?;
                count += 1;
                match &mut csv {
                    Some(w) => w.write(&row)?,
                    None => rows.push(row),
                }
            }
            drop(stream);
            if let Some(w) = csv {
                w.finish()?;
            }
            if let (FileFormat::Xlsx, Some(path)) = (format, &output) {
                std::fs::write(path, cascade_files::write_xlsx(kind, &keys, rows.into_iter())?)?;
            }
            store.close().await;
            eprintln!("exported {count} {} rows", kind.as_str());
        }
        Command::Openapi => print!("{}", cascade_server::openapi::render()),
    }
    Ok(ExitCode::SUCCESS)
}
