//! Seeds the demo company (see `cascade-demo`) through the same import path
//! a file takes, so the demo exercises what users exercise.

use std::sync::Arc;

use anyhow::Context;
use cascade_api_types::{FileFormat, ImportKind, ImportRow, NewProductLine, NewUser};
use cascade_core::Role;
use cascade_demo::{DemoCompany, DemoConfig, DemoRole};
use cascade_store::{ProductLineFilter, Scope, Store, StoreError};

use crate::auth;
use crate::imports::{self, RowSource, Source};

#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub org_units: u64,
    pub reps: u64,
    pub users: u64,
    pub customers: u64,
    pub opportunities: u64,
    pub visits: u64,
    pub sales_records: u64,
}

/// Whether the database holds no company yet.
pub async fn is_empty(store: &dyn Store) -> anyhow::Result<bool> {
    Ok(store.root_org_unit().await?.is_none())
}

/// Seeds (or re-seeds: it is idempotent) the demo company.
pub async fn seed(store: Arc<dyn Store>, cfg: DemoConfig) -> anyhow::Result<Summary> {
    let company = Arc::new(cascade_demo::generate(&cfg));
    let scope = Scope::all();
    let mut summary = Summary::default();
    let existing = store
        .list_product_lines(&ProductLineFilter::default(), &cascade_store::ListParams { limit: 500, ..Default::default() })
        .await?;
    for pl in &company.product_lines {
        if existing.items.iter().all(|e| e.code != pl.code) {
            store.create_product_line(&NewProductLine { code: pl.code.clone(), name: pl.name.clone() }).await?;
        }
    }
    let steps: [(ImportKind, Vec<ImportRow>); 5] = [
        (ImportKind::OrgUnits, company.org_units.iter().cloned().map(ImportRow::OrgUnit).collect()),
        (ImportKind::Reps, company.reps.iter().cloned().map(ImportRow::Rep).collect()),
        (ImportKind::Customers, company.customers.iter().cloned().map(ImportRow::Customer).collect()),
        (ImportKind::Opportunities, company.opportunities.iter().cloned().map(ImportRow::Opportunity).collect()),
        (ImportKind::Visits, company.visits.iter().cloned().map(ImportRow::Visit).collect()),
    ];
    for (kind, rows) in steps {
        let total = rows.len() as u64;
        let source: RowSource = Box::new(rows.into_iter().zip(2u64..).map(|(r, n)| (n, Ok(r))));
        let n = run_step(&store, &scope, kind, Source::Rows { rows: source, total }).await?;
        match kind {
            ImportKind::OrgUnits => summary.org_units = total,
            ImportKind::Reps => summary.reps = total,
            ImportKind::Customers => summary.customers = total,
            ImportKind::Opportunities => summary.opportunities = total,
            _ => summary.visits = total,
        }
        tracing::info!(kind = kind.as_str(), rows = total, changed = n, "demo data loaded");
    }
    summary.users = seed_users(&store, &company).await?;
    summary.sales_records =
        run_step(&store, &scope, ImportKind::SalesRecords, Source::Rows { rows: sales_rows(cfg, company), total: 0 }).await?;
    Ok(summary)
}

async fn run_step(store: &Arc<dyn Store>, scope: &Scope, kind: ImportKind, source: Source) -> anyhow::Result<u64> {
    let job = imports::import_now(store.clone(), scope.clone(), kind, FileFormat::Csv, source, Some("demo")).await?;
    if !job.errors.is_empty() {
        anyhow::bail!("demo {} did not load: {:?}", kind.as_str(), job.errors.iter().take(5).collect::<Vec<_>>());
    }
    Ok(if kind == ImportKind::SalesRecords { job.rows_total } else { job.rows_changed })
}

/// The sales history streams from a thread that owns the generated company,
/// so tens of millions of rows never sit in memory.
fn sales_rows(cfg: DemoConfig, company: Arc<DemoCompany>) -> RowSource {
    let (tx, rx) = std::sync::mpsc::sync_channel(8_192);
    std::thread::spawn(move || {
        for (row, n) in cascade_demo::sales(&cfg, &company).zip(2u64..) {
            if tx.send((n, Ok(ImportRow::Sales(row)))).is_err() {
                break;
            }
        }
    });
    Box::new(rx.into_iter())
}

/// Every demo user's password (demo data only; README lists the users).
pub const DEMO_PASSWORD: &str = "Cascade-demo-2026";

fn role_of(r: DemoRole) -> Role {
    match r {
        DemoRole::Hq => Role::Hq,
        DemoRole::Admin => Role::Admin,
        DemoRole::RegionManager => Role::RegionManager,
        DemoRole::ProvinceManager => Role::ProvinceManager,
        DemoRole::Rep => Role::Rep,
    }
}

async fn seed_users(store: &Arc<dyn Store>, company: &DemoCompany) -> anyhow::Result<u64> {
    let lookups = store.lookups(&Scope::all()).await?;
    // One argon2id hash serves every demo user: they share the password, and
    // hashing 650 times would add half a minute to every seed.
    let hash = tokio::task::spawn_blocking(|| auth::password::hash(DEMO_PASSWORD)).await??;
    let mut created = 0;
    for u in &company.users {
        let rep_id = u.employee_no.as_ref().and_then(|e| lookups.reps.get(e.as_str()).copied());
        let unit_id = *lookups.units.get(u.unit_code.as_str()).with_context(|| format!("demo unit {}", u.unit_code))?;
        let new = NewUser {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            rep_id,
            dingtalk_userid: u.dingtalk_userid.clone(),
            role: role_of(u.role),
            unit_id,
            password: None,
        };
        match store.create_user(&Scope::all(), &new, Some(&hash)).await {
            Ok(_) => created += 1,
            // Seeding again: the user is there already.
            Err(StoreError::Conflict { .. }) => {}
            Err(e) => return Err(e).context(format!("demo user {}", u.username)),
        }
    }
    Ok(created)
}
