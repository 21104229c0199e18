//! Fresh, throw-away databases for tests (feature `testing`).
//!
//! SQLite gets a file in a temporary folder; PostgreSQL gets a new database
//! on the server named by `CASCADE_TEST_POSTGRES_URL` (default: the local
//! server, user `postgres`), dropped again when the `TestDb` is dropped. If
//! no PostgreSQL answers, the test fails: it never skips.

use std::sync::Arc;

use sqlx::Connection;

use crate::{connect, Backend, Store};

pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub struct TestDb {
    pub store: Arc<dyn Store>,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    // Held, never read: the folder lives as long as the database in it.
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

fn admin_url() -> String {
    std::env::var("CASCADE_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

impl TestDb {
    /// A migrated, empty database of the given backend.
    pub async fn new(backend: Backend) -> TestDb {
        let db = Self::unmigrated(backend).await;
        db.store.migrate().await.expect("migrations apply to a fresh database");
        db
    }

    /// Runs SQL on a connection of its own, bypassing the store: for tests
    /// that prove what the database itself refuses (e.g. editing the audit log).
    pub async fn raw_execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        if self.url.starts_with("sqlite:") {
            let mut c = sqlx::SqliteConnection::connect(&self.url).await?;
            Ok(sqlx::query(sql).execute(&mut c).await?.rows_affected())
        } else {
            let mut c = sqlx::PgConnection::connect(&self.url).await?;
            Ok(sqlx::query(sql).execute(&mut c).await?.rows_affected())
        }
    }

    /// An empty database with no tables, for tests of migration itself.
    pub async fn unmigrated(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite:{}", dir.path().join("cascade.db").display());
                let store = connect(&url, 4).await.expect("open SQLite");
                TestDb { store, url, cleanup: Cleanup::Dir(dir) }
            }
            Backend::Postgres => {
                let admin = admin_url();
                let name = format!("cascade_test_{}_{}", std::process::id(), unique());
                let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
                    panic!("PostgreSQL must answer at {admin} for the storage tests (set CASCADE_TEST_POSTGRES_URL): {e}")
                });
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
                let _ = conn.close().await;
                let url = replace_db_name(&admin, &name);
                let store = connect(&url, 4).await.expect("connect to the test database");
                TestDb { store, url, cleanup: Cleanup::Postgres { admin_url: admin, name } }
            }
        }
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    u64::from(nanos) * 1000 + N.fetch_add(1, Ordering::Relaxed)
}

/// Swaps the database name (the URL path) for another.
pub fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs inside the test's runtime, which cannot be blocked on;
            // a short-lived thread with its own runtime drops the database.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async {
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
                    }
                });
            })
            .join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::replace_db_name;

    #[test]
    fn swaps_the_database_name() {
        assert_eq!(replace_db_name("postgres://postgres@127.0.0.1:5432/postgres", "x"), "postgres://postgres@127.0.0.1:5432/x");
        assert_eq!(replace_db_name("postgres://u:p@h/db?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
        assert_eq!(replace_db_name("postgres://h:5432", "x"), "postgres://h:5432/x");
    }
}
