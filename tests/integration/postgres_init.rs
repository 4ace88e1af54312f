//! `caseload init` and `caseload demo` on a `postgres://` URL, through the real binary:
//! the schema and the first admin, the same demo rows as on SQLite for the same seed
//! and `--today`, and a database that already holds something refused, unchanged.
//! Runs with `CASELOAD_TEST_PG` (`scripts/pg-test.sh`).

use std::path::Path;

use caseload::store::sql::{Connection, Value};

use crate::postgres::PgDatabase;
use crate::postgres_store::{caseload, text};

/// Every row of every table but the audit and access logs (whose times are the wall
/// clock's), each row as its columns by name, the rows sorted: what the two engines
/// must agree on whatever order their columns were added in.
fn rows(db: &Connection, tables: &[String]) -> Vec<(String, Vec<(String, Value)>)> {
    let mut all = Vec::new();
    for table in tables {
        let mut rows: Vec<Vec<(String, Value)>> = db
            .query(&format!("SELECT * FROM \"{table}\""), &[])
            .unwrap()
            .into_iter()
            .map(|row| {
                let mut columns: Vec<(String, Value)> = row
                    .names()
                    .iter()
                    .cloned()
                    .zip(row.values().iter().cloned())
                    .collect();
                columns.sort_by(|a, b| a.0.cmp(&b.0));
                columns
            })
            .collect();
        rows.sort_by_key(|row| format!("{row:?}"));
        all.extend(rows.into_iter().map(|row| (table.clone(), row)));
    }
    all
}

/// The SQLite file's tables, but for the two logs.
fn tables(sqlite: &Connection) -> Vec<String> {
    sqlite
        .query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'
               AND name NOT IN ('audit', 'access_log') ORDER BY name",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| row.get("name").unwrap())
        .collect()
}

fn count(db: &Connection, table: &str) -> i64 {
    db.query_row(&format!("SELECT count(*) AS n FROM {table}"), &[])
        .unwrap()
        .get("n")
        .unwrap()
}

#[test]
fn init_makes_the_schema_and_its_first_admin_and_refuses_a_second_time() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let output = caseload(&["init", "--db", &pg.url], home.path(), &[]);
    let printed = text(&output);
    assert!(output.status.success(), "{printed}");
    let login = caseload::identity::os_login();
    assert!(
        printed.contains(&format!("{login} is its first admin")),
        "{printed}"
    );
    let db = pg.connect();
    let admin = db.query_row("SELECT login, role FROM worker", &[]).unwrap();
    assert_eq!(admin.get::<String>("login").unwrap(), login);
    assert_eq!(admin.get::<String>("role").unwrap(), "admin");

    for args in [
        vec!["init", "--db", &pg.url],
        vec!["demo", "--db", &pg.url, "--no-tui"],
    ] {
        let output = caseload(&args, home.path(), &[]);
        let printed = text(&output);
        assert!(!output.status.success(), "{printed}");
        assert!(
            printed.contains("already holds a caseload database (audit 1, worker 1)"),
            "{printed}"
        );
        assert!(printed.contains("nothing was created"), "{printed}");
        assert_eq!(count(&db, "worker"), 1);
        assert_eq!(count(&db, "client"), 0);
    }
}

#[test]
fn init_refuses_a_database_holding_another_programs_tables() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    pg.connect()
        .execute_batch("CREATE TABLE invoices (id bigint)")
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let output = caseload(&["init", "--db", &pg.url], home.path(), &[]);
    let printed = text(&output);
    assert!(!output.status.success(), "{printed}");
    assert!(
        printed.contains("1 tables that are not caseload's"),
        "{printed}"
    );
    assert!(!printed.contains("panicked"), "{printed}");
}

#[test]
fn the_demo_on_postgres_holds_the_rows_of_the_demo_on_sqlite() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("demo.db");
    let file = file.to_str().unwrap();
    for db in [file, pg.url.as_str()] {
        let output = caseload(
            &[
                "--today",
                "2026-11-23",
                "demo",
                "--db",
                db,
                "--seed",
                "7",
                "--clients",
                "60",
                "--no-tui",
            ],
            home.path(),
            &[],
        );
        let printed = text(&output);
        assert!(output.status.success(), "{printed}");
        assert!(printed.contains("Created demo database"), "{printed}");
    }
    let sqlite = Connection::sqlite(rusqlite::Connection::open(Path::new(file)).unwrap());
    let postgres = pg.connect();
    let tables = tables(&sqlite);
    assert!(tables.contains(&"client".to_owned()));
    let on_sqlite = rows(&sqlite, &tables);
    assert_eq!(on_sqlite.iter().filter(|(t, _)| t == "client").count(), 60);
    let on_postgres = rows(&postgres, &tables);
    let first_difference = on_sqlite.iter().zip(&on_postgres).find(|(a, b)| a != b);
    assert_eq!(first_difference, None);
    assert_eq!(on_postgres.len(), on_sqlite.len());
}

#[test]
fn check_on_postgres_passes_on_the_demo_and_names_what_is_broken() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let demo = caseload(
        &[
            "--today",
            "2026-11-23",
            "demo",
            "--db",
            &pg.url,
            "--clients",
            "30",
            "--no-tui",
        ],
        home.path(),
        &[],
    );
    assert!(demo.status.success(), "{}", text(&demo));
    let output = caseload(&["check", "--db", &pg.url], home.path(), &[]);
    let printed = text(&output);
    assert!(output.status.success(), "{printed}");
    assert!(
        printed.contains(": ok (PostgreSQL: schema version"),
        "{printed}"
    );

    // What PostgreSQL would refuse, done with its triggers off (as a careless bulk load
    // might), and a row-level security switched off.
    let db = pg.connect();
    db.execute_batch(
        "SET session_replication_role = replica;
         DELETE FROM area WHERE id = (SELECT area_id FROM client ORDER BY id LIMIT 1);
         SET session_replication_role = origin;
         ALTER TABLE outreach DISABLE ROW LEVEL SECURITY;",
    )
    .unwrap();
    let output = caseload(&["check", "--db", &pg.url], home.path(), &[]);
    let printed = text(&output);
    assert_eq!(output.status.code(), Some(1), "{printed}");
    assert!(printed.contains("problem(s) found"), "{printed}");
    assert!(
        printed.contains("client row(s) refer to a missing area"),
        "{printed}"
    );
    assert!(
        printed.contains("row-level security: off on outreach"),
        "{printed}"
    );
    assert!(
        !printed.contains("not available on PostgreSQL"),
        "{printed}"
    );
}

#[test]
fn the_demo_gives_byte_identical_report_json_on_both_engines_and_check_passes_on_both() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("demo.db");
    let file = file.to_str().unwrap();
    let mut reports = Vec::new();
    for db in [file, pg.url.as_str()] {
        let run = |args: &[&str]| {
            let mut all = vec!["--db", db, "--today", "2026-11-23"];
            all.extend_from_slice(args);
            let output = caseload(&all, home.path(), &[]);
            assert!(
                output.status.success(),
                "{args:?} on {db}: {}",
                text(&output)
            );
            output
        };
        run(&["demo", "--seed", "2014", "--no-tui"]);
        let check = String::from_utf8(run(&["check"]).stdout).unwrap();
        assert!(check.contains(": ok ("), "{check}");
        let mut json = Vec::new();
        // The default period (the last complete quarter) and a whole year.
        for period in [&[][..], &["--from", "2025-04-01", "--to", "2026-03-31"][..]] {
            let mut args = vec!["report", "--format", "json"];
            args.extend_from_slice(period);
            json.push(run(&args).stdout);
        }
        reports.push(json);
    }
    for json in &reports[0] {
        let report: serde_json::Value = serde_json::from_slice(json).unwrap();
        assert!(report.is_object(), "{report}");
    }
    assert!(
        reports[0] == reports[1],
        "SQLite:\n{}\nPostgreSQL:\n{}",
        String::from_utf8_lossy(&reports[0][0]),
        String::from_utf8_lossy(&reports[1][0])
    );
}

/// `caseload init` on `url`, started (not waited for) as a process of its own.
fn start_init(url: &str, home: &Path) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args(["init", "--db", url])
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("CASELOAD_SYSTEM_CONFIG", home.join("system.toml"))
        .env_remove("CASELOAD_DB")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn two_inits_at_once_make_one_admin_and_the_other_is_told_why_not() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    // An init still making its first rows holds this lock in its session.
    let other = pg.connect();
    other
        .execute(
            "SELECT pg_advisory_lock(?1)",
            &[caseload::store::pg::migrate::INIT_LOCK.into()],
        )
        .unwrap();
    let refused = caseload(&["init", "--db", &pg.url], home.path(), &[]);
    let printed = text(&refused);
    assert!(!refused.status.success(), "{printed}");
    assert!(
        printed.contains("another caseload init (or demo) is setting up")
            && printed.contains("nothing was created"),
        "{printed}"
    );
    drop(other);
    let db = pg.connect();
    let tables: i64 = db
        .query_row(
            "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get("n")
        .unwrap();
    assert_eq!(tables, 0, "the refused init made no schema");

    // Two real processes racing on one empty database, a few times over.
    for _ in 0..3 {
        let Some(pg) = PgDatabase::create() else {
            return;
        };
        let racers = [
            start_init(&pg.url, home.path()),
            start_init(&pg.url, home.path()),
        ];
        let outputs: Vec<_> = racers
            .into_iter()
            .map(|child| child.wait_with_output().unwrap())
            .collect();
        let won = outputs.iter().filter(|o| o.status.success()).count();
        let all: Vec<String> = outputs.iter().map(text).collect();
        assert_eq!(won, 1, "{all:?}");
        let lost = outputs.iter().find(|o| !o.status.success()).map(text);
        let lost = lost.unwrap_or_default();
        assert!(
            lost.contains("is setting up") || lost.contains("already holds a caseload database"),
            "{lost}"
        );
        assert_eq!(count(&pg.connect(), "worker"), 1);
    }
}

#[test]
fn a_schema_upgrade_behind_a_long_transaction_gives_up_and_names_it() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let init = caseload(&["init", "--db", &pg.url], home.path(), &[]);
    assert!(init.status.success(), "{}", text(&init));
    // A database made before live refresh: opening it adds worker's trigger (DDL).
    let db = pg.connect();
    db.execute_batch("DROP TRIGGER caseload_changed ON worker")
        .unwrap();
    // A colleague's report, in a transaction that has written to worker.
    let report =
        Connection::postgres(&format!("{}?application_name=nightly-report", pg.url)).unwrap();
    let pid: i64 = report
        .query_row("SELECT pg_backend_pid()::bigint AS pid", &[])
        .unwrap()
        .get("pid")
        .unwrap();
    let long = report.transaction().unwrap();
    long.execute_batch("LOCK TABLE worker IN ROW EXCLUSIVE MODE")
        .unwrap();
    let output = caseload(
        &["--wait", "1", "--db", &pg.url, "area", "add", "Leeds"],
        home.path(),
        &[],
    );
    let printed = text(&output);
    assert!(!output.status.success(), "{printed}");
    assert!(
        printed.contains(&format!(
            "could not be brought up to date: after 1 s PostgreSQL session {pid} (role caseload_test, nightly-report) still holds"
        )) && printed.contains(&format!("pg_terminate_backend({pid})")),
        "{printed}"
    );
    assert_eq!(count(&db, "area"), 0);
    drop(long);
    let output = caseload(
        &["--wait", "1", "--db", &pg.url, "area", "add", "Leeds"],
        home.path(),
        &[],
    );
    assert!(output.status.success(), "{}", text(&output));
    let triggers: i64 = db
        .query_row(
            "SELECT count(*) AS n FROM pg_trigger
              WHERE tgrelid = 'worker'::regclass AND tgname = 'caseload_changed'",
            &[],
        )
        .unwrap()
        .get("n")
        .unwrap();
    assert_eq!(triggers, 1);
}

#[test]
fn a_worker_opening_a_database_not_yet_upgraded_is_told_to_ask_the_owner() {
    let Some(pg) = PgDatabase::create() else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let init = caseload(&["init", "--db", &pg.url], home.path(), &[]);
    assert!(init.status.success(), "{}", text(&init));
    // As made by the caseload before the last step.
    let db = pg.connect();
    db.execute_batch(
        "DROP INDEX episode_extension_review; UPDATE schema_version SET version = version - 1",
    )
    .unwrap();
    // This login is the first admin, with a role of its own that owns no table.
    let worker = pg.url_as(&caseload::identity::os_login());
    let output = caseload(&["--db", &worker, "area", "add", "Leeds"], home.path(), &[]);
    let printed = text(&output);
    assert!(!output.status.success(), "{printed}");
    assert!(
        printed.contains("which only the role that owns its tables may do")
            && printed.contains("nothing was changed"),
        "{printed}"
    );
    // The owner's open brings it up to date; then the worker's works.
    let owner = caseload(&["--db", &pg.url, "area", "add", "Leeds"], home.path(), &[]);
    assert!(owner.status.success(), "{}", text(&owner));
    let again = caseload(&["--db", &worker, "area", "add", "York"], home.path(), &[]);
    assert!(again.status.success(), "{}", text(&again));
}
