//! The harness every PostgreSQL test uses: a fresh database per test in the throwaway
//! cluster `CASELOAD_TEST_PG` names (`scripts/pg-test.sh` starts one). Without
//! `CASELOAD_TEST_PG` those tests pass at once, after one line saying they were skipped.

use std::io::Write as _;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

use caseload::store::sql::Connection;

/// The URL of the test cluster `CASELOAD_TEST_PG` names, or `None` after saying once
/// that the PostgreSQL tests are skipped.
pub fn cluster() -> Option<String> {
    let url = std::env::var("CASELOAD_TEST_PG").ok();
    if url.is_none() {
        static SAID: Once = Once::new();
        SAID.call_once(|| {
            // Straight to stderr: the test harness captures only print! and eprint!.
            let _ = writeln!(
                std::io::stderr(),
                "PostgreSQL tests skipped: CASELOAD_TEST_PG is not set \
                 (scripts/pg-test.sh runs the suite with a throwaway cluster)"
            );
        });
    }
    url
}

/// A new database in the test cluster, dropped (with its connections) afterwards.
pub struct PgDatabase {
    admin: String,
    name: String,
    /// Its URL, as the cluster's superuser.
    pub url: String,
}

impl PgDatabase {
    /// A fresh, empty database, or `None` (after saying so once) without a cluster.
    pub fn create() -> Option<Self> {
        Self::create_with("")
    }

    /// A fresh, empty database made with `options` after `CREATE DATABASE name` (its
    /// collation, say), or `None` without a cluster.
    pub fn create_with(options: &str) -> Option<Self> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let admin = cluster()?;
        let name = format!(
            "caseload_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let server = Connection::postgres(&admin).expect("reach CASELOAD_TEST_PG");
        server
            .execute_batch(&format!("CREATE DATABASE {name} {options}"))
            .unwrap();
        let url = with_database(&admin, &name);
        Some(Self { admin, name, url })
    }

    /// Its name, and the database kept (not dropped with this value).
    pub fn keep(self) -> String {
        let name = self.name.clone();
        std::mem::forget(self);
        name
    }

    /// A connection to it as its owner.
    pub fn connect(&self) -> Connection {
        Connection::postgres(&self.url).unwrap()
    }

    /// Its URL as the role `user` (the cluster trusts every local login).
    pub fn url_as(&self, user: &str) -> String {
        let (scheme, rest) = self.url.split_once("://").unwrap();
        let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
        format!("{scheme}://{user}@{host}")
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(server) = Connection::postgres(&self.admin) {
            let _ = server.execute_batch(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let host = rest.split(['/', '?']).next().unwrap();
    let query = rest
        .split_once('?')
        .map_or(String::new(), |(_, q)| format!("?{q}"));
    format!("{scheme}://{host}/{name}{query}")
}

/// The SQLite database of `store` copied (by `caseload migrate`'s copy) into a fresh
/// PostgreSQL database, and a store open on that; `None` without a cluster.
pub fn copied(store: caseload::store::Store) -> Option<(PgDatabase, caseload::store::Store)> {
    Some(copied_into(PgDatabase::create()?, store))
}

/// The SQLite database of `store` copied into `pg`, and a store open on that.
pub fn copied_into(
    pg: PgDatabase,
    store: caseload::store::Store,
) -> (PgDatabase, caseload::store::Store) {
    let path = store.path().to_path_buf();
    drop(store);
    let check = caseload::store::pg::ReturnCheck {
        today: crate::common::date("2026-11-23"),
        rules: caseload::domain::kpi::Rules::default(),
    };
    caseload::store::pg::copy_from_sqlite(&path, &pg.url, check).unwrap();
    let store = pg.open();
    (pg, store)
}

impl PgDatabase {
    /// A writable store on it, as its owner.
    pub fn open(&self) -> caseload::store::Store {
        caseload::store::Store::open(
            std::path::Path::new(&self.url),
            caseload::store::Access::ReadWrite,
        )
        .unwrap()
    }
}

/// The standard demo copied into a fresh PostgreSQL database, and a store open on it;
/// `None` without a cluster.
pub fn demo_on_postgres() -> Option<(PgDatabase, caseload::store::Store)> {
    let (_dir, store) = crate::common::demo_store();
    copied(store)
}
