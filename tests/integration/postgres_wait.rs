//! Waiting for another writer on PostgreSQL, with two real processes: a caseload
//! write holding a lock (a child process of this test binary, announced as "an
//! import by jsmith") and the command line's write that needs it. The command waits
//! as long as `--wait` says (PostgreSQL's `lock_timeout`), then gives up with the
//! sentence and the exit status SQLite's wait gives (`locks.rs`), showing the wait on
//! a terminal as SQLite's does. With `CASELOAD_TEST_PG` (`scripts/pg-test.sh`).

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};

use caseload::store::{Access, LockPolicy, NewArea, Origin, Store, set_process_policy};

use crate::common::as_login;
use crate::locks::LockHolder;
use crate::postgres::PgDatabase;
use crate::postgres_store::{caseload, text};
use crate::tmux::Tmux;

const HOLDER_ENV: &str = "CASELOAD_TEST_PG_HOLDER";

/// The area both writes add: PostgreSQL makes the second wait for the first to end.
const AREA: &str = "Calderdale";

#[test]
#[ignore = "the lock-holding child process of the PostgreSQL wait tests, started by them"]
fn postgres_holder_entry() {
    let Ok(url) = std::env::var(HOLDER_ENV) else {
        return;
    };
    set_process_policy(LockPolicy {
        activity: "an import",
        ..LockPolicy::default()
    });
    let mut store = Store::open(Path::new(&url), Access::ReadWrite).unwrap();
    store
        .generate(&as_login("jsmith"), Origin::Synthetic("fixture"), |tx| {
            tx.insert_area(&NewArea {
                name: AREA.to_owned(),
                intensive: false,
            })?;
            println!("HOLDING");
            std::io::stdout().flush().unwrap();
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
            Ok(())
        })
        .unwrap();
}

/// A caseload process in a write that has added [`AREA`], until released.
fn hold(url: &str) -> LockHolder {
    LockHolder::run_entry(
        "postgres_wait::postgres_holder_entry",
        &[(HOLDER_ENV, std::ffi::OsStr::new(url))],
    )
}

/// A PostgreSQL database made by `caseload init` (this login its admin).
fn team() -> Option<(PgDatabase, tempfile::TempDir)> {
    let pg = PgDatabase::create()?;
    let home = tempfile::tempdir().unwrap();
    let init = caseload(&["init", "--db", &pg.url], home.path(), &[]);
    assert!(init.status.success(), "{}", text(&init));
    Some((pg, home))
}

#[test]
fn a_cli_write_that_waits_too_long_on_postgres_exits_75_with_the_sqlite_sentence() {
    let Some((pg, home)) = team() else {
        return;
    };
    let holder = hold(&pg.url);
    let output = caseload(
        &["--wait", "1", "--db", &pg.url, "area", "add", AREA],
        home.path(),
        &[],
    );
    assert_eq!(output.status.code(), Some(75), "{}", text(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "caseload: gave up after waiting 1 s for an import by jsmith (since 09:30) to finish: \
         nothing was saved; try again when it is done, or wait longer with --wait SECONDS\n"
    );
    holder.release();
    let count: i64 = pg
        .connect()
        .query_row("SELECT count(*) AS n FROM area", &[])
        .unwrap()
        .get("n")
        .unwrap();
    assert_eq!(count, 1, "the holder's area only");
}

#[test]
fn a_cli_write_on_postgres_waits_for_the_holder_and_then_goes_on() {
    let Some((pg, home)) = team() else {
        return;
    };
    let holder = hold(&pg.url);
    let waiting = Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args(["--wait", "600", "--db", &pg.url, "area", "add", AREA])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("CASELOAD_SYSTEM_CONFIG", home.path().join("system.toml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Released only once the command is seen waiting for the holder's lock.
    let watch = pg.connect();
    while watch
        .query_opt(
            "SELECT 1 AS waiting FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'",
            &[],
        )
        .unwrap()
        .is_none()
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    holder.release();
    let output = waiting.wait_with_output().unwrap();
    let printed = text(&output);
    // It went on once the lock was let go, and met the holder's committed area.
    assert_eq!(output.status.code(), Some(1), "{printed}");
    assert!(!printed.contains("gave up"), "{printed}");
    assert!(
        printed.contains("there is already an area with this name"),
        "{printed}"
    );
}

#[test]
fn a_cli_write_on_postgres_shows_on_a_terminal_whose_write_it_waits_for() {
    let Some((pg, home)) = team() else {
        return;
    };
    let holder = hold(&pg.url);
    let home = home.path().display();
    let terminal = Tmux::start(&format!(
        "env HOME={home} XDG_DATA_HOME={home}/data XDG_CONFIG_HOME={home}/config \
         CASELOAD_SYSTEM_CONFIG={home}/system.toml {} --wait 600 --db '{}' area add {AREA}; \
         echo EXIT=$?; sleep 600",
        env!("CARGO_BIN_EXE_caseload"),
        pg.url
    ));
    let waiting =
        terminal.wait_for("caseload: waiting for an import by jsmith (since 09:30) to finish (");
    assert!(
        waiting.contains("s of up to 600 s; Ctrl-C gives up)..."),
        "{waiting}"
    );
    assert!(!waiting.contains("EXIT="), "{waiting}");
    holder.release();
    let done = terminal.wait_for("EXIT=");
    // The line went once the wait was over; the write then met the holder's area.
    assert!(!done.contains("waiting for"), "{done}");
    assert!(
        done.contains("there is already an area with this name"),
        "{done}"
    );
    assert!(done.contains("EXIT=1"), "{done}");
}
