//! The `cascade` command: serve the API and SPA, migrate, seed the demo
//! company, import and export files.

use std::path::PathBuf;

use anyhow::Context;
use cascade_server::config::{Overrides, Settings};
use cascade_server::startup::Application;
use cascade_server::telemetry;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cascade", version, about = "Cascade: sales-target planning and in-quarter calibration")]
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
    /// Serve the REST API, its docs (/api/docs) and the web app.
    Serve {
        /// Port to listen on (overrides the configuration; 0 picks a free one).
        #[arg(long)]
        port: Option<u16>,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Print the OpenAPI 3.1 document of this build's API.
    Openapi,
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let port = match &cli.command {
        Command::Serve { port } => *port,
        _ => None,
    };
    if let Command::Openapi = cli.command {
        print!("{}", cascade_server::openapi::render());
        return Ok(());
    }
    let settings = Settings::load(cli.config.as_deref(), &Overrides { database_url: cli.database_url.clone(), port })?;
    telemetry::init(&settings.log.level, settings.log.format);
    match cli.command {
        Command::Serve { .. } => {
            let app = Application::build(settings.clone()).await.context("starting the server")?;
            tracing::info!(port = app.port(), database = ?settings.database, "Cascade is serving on http://{}:{}", settings.server.host, app.port());
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let store = cascade_store::connect(&settings.database.url, 1).await?;
            store.migrate().await?;
            store.close().await;
            tracing::info!("database is up to date");
        }
        Command::Openapi => unreachable!("answered before configuration is loaded"),
    }
    Ok(())
}
