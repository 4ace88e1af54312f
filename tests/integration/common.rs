//! Shared fixtures: temporary databases, a fixed "today", the demo data.

use caseload::demo::{self, DemoOptions};
use caseload::domain::model::{Ethnicity, Flags, ReferralSource, Role, Sex};
use caseload::domain::release::Checklist;
use caseload::store::sql::FromValue;
use caseload::store::{Access, Actor, NewArea, NewClient, NewEpisode, NewWorker, Store};
use chrono::{NaiveDate, NaiveDateTime};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The fixed day every test pretends is today.
pub fn today() -> NaiveDate {
    date("2026-11-23")
}

/// A date from ISO text.
pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

/// A date-time from `YYYY-MM-DD HH:MM`.
pub fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("test date-time")
}

/// The actor tests write as.
pub fn actor() -> Actor {
    Actor {
        login: "tester".to_owned(),
        now: at("2026-11-23 09:30"),
    }
}

/// A new empty database in a temporary directory (kept alive by the returned guard).
pub fn empty_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::create(&dir.path().join("test.db")).expect("create store");
    (dir, store)
}

/// A database holding the standard demo (seed 2014, 300 clients, today = [`today`]):
/// a copy of [`demo_template`], so each test gets its own file without generating it.
pub fn demo_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("test.db");
    std::fs::copy(demo_template(), &path).expect("copy the demo template");
    let store = Store::open(&path, Access::ReadWrite).expect("open the demo copy");
    (dir, store)
}

/// The standard demo, generated once per test run into the target's temporary
/// directory. [`Store::create_with`] folds the WAL into the file before publishing it,
/// so the file alone is the whole database and a plain copy is a complete one.
/// Templates of earlier runs (older than an hour) are removed on the way.
fn demo_template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
        remove_old_templates(dir);
        let path = dir.join(format!("demo-template-{}.db", std::process::id()));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let options = DemoOptions {
            seed: 2014,
            today: today(),
            clients: 300,
        };
        Store::create_with(&path, None, |store| {
            demo::generate(store, &actor(), &options)
        })
        .expect("demo data");
        path
    })
}

/// Removes demo templates (and their -wal/-shm) left by test runs over an hour ago.
fn remove_old_templates(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let hour = std::time::Duration::from_secs(3600);
    for entry in entries.flatten() {
        let template = entry
            .file_name()
            .to_string_lossy()
            .starts_with("demo-template-");
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > hour));
        if template && old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The two columns of every row `sql` selects, read straight from the database
/// (bypassing the store, to see exactly what it wrote), on either engine.
pub fn pairs<A: FromValue, B: FromValue>(store: &Store, sql: &str) -> Vec<(A, B)> {
    pairs_on(&raw_of(store), sql)
}

/// The first two columns of every row `sql` selects on `conn`.
fn pairs_on<A: FromValue, B: FromValue>(
    conn: &caseload::store::sql::Connection,
    sql: &str,
) -> Vec<(A, B)> {
    conn.query(sql, &[])
        .expect("query")
        .iter()
        .map(|row| {
            (
                row.get_at(0).expect("column 0"),
                row.get_at(1).expect("column 1"),
            )
        })
        .collect()
}

/// A plain connection to the database `store` is on, bypassing the store.
pub fn raw_of(store: &Store) -> caseload::store::sql::Connection {
    raw_at(store.path())
}

/// A plain connection to the database at `location`, as [`Store::open`] takes it: an
/// SQLite file, or a PostgreSQL URL (the test cluster's need no password).
pub fn raw_at(location: &Path) -> caseload::store::sql::Connection {
    match caseload::store::postgres_url(location) {
        Some(url) => caseload::store::sql::Connection::postgres(url).expect("connect"),
        None => caseload::store::sql::Connection::sqlite(
            rusqlite::Connection::open(location).expect("open"),
        ),
    }
}

/// A release checklist with every item done.
pub fn complete_checklist() -> Checklist {
    Checklist {
        appointment_booked: true,
        prescriber_confirmed: true,
        naloxone_given: true,
        accommodation_confirmed: true,
        prison_team_contacted: true,
        dan_advised: true,
    }
}

/// Reopens the database file of `store` as a second, independent connection.
pub fn second_connection(store: &Store) -> Store {
    Store::open(store.path(), Access::ReadWrite).expect("second connection")
}

/// The actor for `login`, at the fixed test time.
pub fn as_login(login: &str) -> Actor {
    Actor {
        login: login.to_owned(),
        now: at("2026-11-23 09:30"),
    }
}

/// Row ids of the small synthetic team every update test works on.
#[derive(Debug, Clone, Copy)]
pub struct Team {
    /// Area "Northtown": the team's own area.
    pub north: i64,
    /// Area "Southvale": another area.
    pub south: i64,
    /// Team leader in Northtown (login `lead`).
    pub lead: i64,
    /// Care co-ordinator in Northtown (login `cora`), holds client `c1`.
    pub cora: i64,
    /// Care co-ordinator in Northtown (login `colin`), holds client `c2`.
    pub colin: i64,
    /// Support worker in Northtown (login `sam`).
    pub sam: i64,
    /// Team leader in Southvale (login `south_lead`), holds client `c3`.
    pub south_lead: i64,
    /// Client C-1 (Northtown, cora) and its open episode.
    pub c1: i64,
    /// C-1's open episode.
    pub e1: i64,
    /// Client C-2 (Northtown, colin).
    pub c2: i64,
    /// C-2's open episode.
    pub e2: i64,
    /// Client C-3 (Southvale).
    pub c3: i64,
}

/// A new client for the fixtures and referral tests (synthetic people only).
pub fn new_client(reference: &str, given: &str, area_id: i64, cc: Option<i64>) -> NewClient {
    NewClient {
        reference: reference.to_owned(),
        given_name: given.to_owned(),
        family_name: "Testperson".to_owned(),
        date_of_birth: date("1990-01-15"),
        sex: Sex::NotStated,
        ethnicity: Ethnicity::NotStated,
        nhs_number: None,
        area_id,
        care_coordinator_id: cc,
        consent_date: None,
        substances: Vec::new(),
        flags: Flags::default(),
        details: caseload::domain::write::ClientDetails::default(),
    }
}

fn open_episode(client_id: i64) -> NewEpisode {
    NewEpisode {
        care_plan_date: Some(date("2026-09-10")),
        ..NewEpisode::referral(client_id, date("2026-09-01"), ReferralSource::Police)
    }
}

/// Writes the team into an empty store (directly, as the fixture, not through roles).
pub fn seed_team(store: &mut Store) -> Team {
    store
        .generate(
            &actor(),
            caseload::store::Origin::Synthetic("fixture"),
            |tx| {
                let area = |name: &str| {
                    tx.insert_area(&NewArea {
                        name: name.to_owned(),
                        intensive: true,
                    })
                };
                let (north, south) = (area("Northtown")?, area("Southvale")?);
                let worker = |login: &str, role: Role, area_id: Option<i64>| {
                    tx.insert_worker(&NewWorker {
                        name: format!("{login} Worker"),
                        login: Some(login.to_owned()),
                        role,
                        area_id,
                    })
                };
                worker("admin", Role::Admin, None)?;
                let lead = worker("lead", Role::TeamLeader, Some(north))?;
                let cora = worker("cora", Role::CareCoordinator, Some(north))?;
                let colin = worker("colin", Role::CareCoordinator, Some(north))?;
                let sam = worker("sam", Role::Support, Some(north))?;
                let south_lead = worker("south_lead", Role::TeamLeader, Some(south))?;
                let c1 = tx.insert_client(&new_client("C-1", "Ada", north, Some(cora)))?;
                let c2 = tx.insert_client(&new_client("C-2", "Bo", north, Some(colin)))?;
                let c3 = tx.insert_client(&new_client("C-3", "Cy", south, Some(south_lead)))?;
                let e1 = tx.insert_episode(&open_episode(c1))?;
                let e2 = tx.insert_episode(&open_episode(c2))?;
                tx.insert_episode(&open_episode(c3))?;
                Ok(Team {
                    north,
                    south,
                    lead,
                    cora,
                    colin,
                    sam,
                    south_lead,
                    c1,
                    e1,
                    c2,
                    e2,
                    c3,
                })
            },
        )
        .expect("seed team")
}

/// An empty store with [`seed_team`] in it.
pub fn team_store() -> (tempfile::TempDir, Store, Team) {
    let (dir, mut store) = empty_store();
    let team = seed_team(&mut store);
    (dir, store, team)
}

/// A database engine a test can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// A temporary SQLite file.
    Sqlite,
    /// A fresh database in the cluster `CASELOAD_TEST_PG` names.
    Postgres,
}

/// The engines available to this run: SQLite always, PostgreSQL when
/// `CASELOAD_TEST_PG` names a cluster (without one, the one-line skip message).
pub fn engines() -> Vec<Engine> {
    let mut engines = vec![Engine::Sqlite];
    if crate::postgres::cluster().is_some() {
        engines.push(Engine::Postgres);
    }
    engines
}

/// Runs `test` once on every available engine ([`engines`]); a failure says on which.
pub fn on_each_engine(test: impl Fn(Engine)) {
    /// Names the engine on the way out of a failing run.
    struct Naming(Engine);
    impl Drop for Naming {
        fn drop(&mut self) {
            if std::thread::panicking() {
                use std::io::Write as _;
                let _ = writeln!(std::io::stderr(), "(the test above failed on {:?})", self.0);
            }
        }
    }
    for engine in engines() {
        let _naming = Naming(engine);
        test(engine);
    }
}

/// One test's database on one engine: the SQLite file's temporary directory, or the
/// PostgreSQL database (dropped with this, connections and all).
pub struct TestDb {
    location: PathBuf,
    _dir: Option<tempfile::TempDir>,
    _pg: Option<crate::postgres::PgDatabase>,
}

impl TestDb {
    /// A new, empty database on `engine`, made by [`Store::create`] (on PostgreSQL an
    /// empty database given caseload's schema by the store itself).
    pub fn empty(engine: Engine) -> (Self, Store) {
        match engine {
            Engine::Sqlite => {
                let (dir, store) = empty_store();
                (Self::file(dir, &store), store)
            }
            Engine::Postgres => {
                static TEMPLATE: OnceLock<String> = OnceLock::new();
                Self::postgres_from(TEMPLATE.get_or_init(|| pg_template(|_| ())))
            }
        }
    }

    /// A database on `engine` holding the small synthetic team ([`seed_team`]).
    pub fn team(engine: Engine) -> (Self, Store, Team) {
        match engine {
            Engine::Sqlite => {
                let (dir, store, team) = team_store();
                (Self::file(dir, &store), store, team)
            }
            Engine::Postgres => {
                static TEMPLATE: OnceLock<(String, Team)> = OnceLock::new();
                let (name, team) = TEMPLATE.get_or_init(|| {
                    let mut team = None;
                    let name = pg_template(|store| team = Some(seed_team(store)));
                    (name, team.expect("seeded"))
                });
                let (db, store) = Self::postgres_from(name);
                (db, store, *team)
            }
        }
    }

    /// The standard demo on `engine`: a copy of [`demo_template`] (on PostgreSQL, of
    /// the template's copy made once by `caseload migrate`'s copy).
    pub fn demo(engine: Engine) -> (Self, Store) {
        match engine {
            Engine::Sqlite => {
                let (dir, store) = demo_store();
                (Self::file(dir, &store), store)
            }
            Engine::Postgres => {
                static TEMPLATE: OnceLock<String> = OnceLock::new();
                Self::postgres_from(TEMPLATE.get_or_init(|| {
                    let pg = crate::postgres::PgDatabase::create().expect("CASELOAD_TEST_PG");
                    let check = caseload::store::pg::ReturnCheck {
                        today: today(),
                        rules: caseload::domain::kpi::Rules::default(),
                    };
                    caseload::store::pg::copy_from_sqlite(demo_template(), &pg.url, check)
                        .expect("copy the demo to PostgreSQL");
                    pg.keep()
                }))
            }
        }
    }

    /// The SQLite file of `store`, in `dir`.
    fn file(dir: tempfile::TempDir, store: &Store) -> Self {
        Self {
            location: store.path().to_path_buf(),
            _dir: Some(dir),
            _pg: None,
        }
    }

    /// A new PostgreSQL database copied from the database `template`, and a store on it.
    fn postgres_from(template: &str) -> (Self, Store) {
        let pg = crate::postgres::PgDatabase::create_with(&format!("TEMPLATE {template}"))
            .expect("CASELOAD_TEST_PG");
        let store = pg.open();
        let db = Self {
            location: PathBuf::from(&pg.url),
            _dir: None,
            _pg: Some(pg),
        };
        (db, store)
    }

    /// What [`Store::open`] takes for it: the SQLite file, or the PostgreSQL URL.
    pub fn location(&self) -> &Path {
        &self.location
    }

    /// A plain connection to it, bypassing the store (to see exactly what it wrote, or
    /// to try what the schema refuses).
    pub fn raw(&self) -> caseload::store::sql::Connection {
        raw_at(&self.location)
    }

    /// The first two columns of every row `sql` selects, read through [`TestDb::raw`].
    pub fn pairs<A: FromValue, B: FromValue>(&self, sql: &str) -> Vec<(A, B)> {
        pairs_on(&self.raw(), sql)
    }

    /// The first value of the one row `sql` selects.
    pub fn value<T: FromValue>(&self, sql: &str) -> T {
        self.raw()
            .query_row(sql, &[])
            .expect("query")
            .get_at(0)
            .expect("a value")
    }
}

/// A PostgreSQL database made once per test run by [`Store::create_with`] and filled
/// by `build`, that [`TestDb`]s on PostgreSQL are then made from (`CREATE DATABASE
/// ... TEMPLATE`, a file copy inside the server, instead of the schema and rows anew
/// per test); its name. It lives as long as the cluster (`scripts/pg-test.sh`
/// removes the cluster afterwards).
fn pg_template(build: impl FnOnce(&mut Store)) -> String {
    let pg = crate::postgres::PgDatabase::create().expect("CASELOAD_TEST_PG");
    let (store, ()) = Store::create_with(Path::new(&pg.url), None, |store| {
        build(store);
        Ok(())
    })
    .expect("create the template");
    drop(store);
    pg.keep()
}
