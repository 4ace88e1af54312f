//! The access log: opening a record in the TUI (the real binary, in tmux), every
//! export and every report listing clients leave an append-only row; team leaders
//! see who opened a record and export the log; a colleague's long write never holds
//! up the screen, and the queued rows are written once it ends.
//!
//! The store's append-only log runs on every engine ([`on_each_engine`]); the rest
//! drive the binary and the TUI as the OS login on an SQLite file (`caseload export`
//! on PostgreSQL, access log included, is in `postgres_parity`).

use std::path::Path;
use std::process::{Command, Output};

use caseload::store::{AccessEntry, Actor, Looked, Store};

use crate::common::{TestDb, as_login, at, demo_store, on_each_engine};
use crate::locks::LockHolder;
use crate::tmux::{Tmux, eventually};

/// The demo database with this OS login as its team leader.
fn demo_for_me() -> (tempfile::TempDir, Store) {
    let (dir, mut store) = demo_store();
    let me = Actor {
        login: caseload::identity::os_login(),
        ..as_login("x")
    };
    caseload::demo::claim_demo_lead(&mut store, &me).unwrap();
    (dir, store)
}

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_caseload"))
        .env("XDG_CONFIG_HOME", db.parent().unwrap().join("config"))
        .args(["--db", db.to_str().unwrap(), "--today", "2026-11-23"])
        .args(args)
        .output()
        .unwrap()
}

/// One access-log row: login, what, detail, client reference, rows.
type LogRow = (String, String, String, Option<String>, Option<i64>);

/// Rows of the access log, oldest first.
fn log(db: &Path) -> Vec<LogRow> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT l.login, l.what, l.detail, c.reference, l.row_count FROM access_log l
               LEFT JOIN client c ON c.id = l.client_id ORDER BY l.id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

fn set_my_role(db: &Path, role: &str) {
    rusqlite::Connection::open(db)
        .unwrap()
        .execute(
            "UPDATE worker SET role = ?1 WHERE login = ?2",
            [role, &caseload::identity::os_login()],
        )
        .unwrap();
}

#[test]
fn access_rows_are_append_only() {
    on_each_engine(|engine| {
        let (db, mut store) = TestDb::demo(engine);
        let entry = AccessEntry {
            at: at("2026-11-23 09:30"),
            looked: Looked::Record(1),
        };
        store
            .log_access("cora", &[entry.clone(), entry], std::time::Duration::ZERO)
            .unwrap();
        let conn = db.raw();
        for sql in [
            "UPDATE access_log SET login = 'someone'",
            "DELETE FROM access_log",
        ] {
            let error = conn.execute(sql, &[]).unwrap_err().to_string();
            assert!(error.contains("append-only"), "{sql}: {error}");
        }
        let viewers = store.client_record(1).unwrap().viewers;
        assert_eq!(viewers.len(), 1);
        assert_eq!((viewers[0].login.as_str(), viewers[0].times), ("cora", 2));
    });
}

#[test]
fn every_export_and_listed_sample_is_logged_and_only_leaders_export_the_log() {
    let (_dir, store) = demo_for_me();
    let db = store.path().to_path_buf();
    let me = caseload::identity::os_login();
    let caseload = run(&db, &["export", "caseload"]);
    assert!(caseload.status.success());
    let exported = String::from_utf8_lossy(&caseload.stdout).lines().count() - 1;
    // A read-only session is logged too: it says nothing about who looked.
    assert!(
        run(
            &db,
            &["--readonly", "export", "breaches", "--format", "json"]
        )
        .status
        .success()
    );
    let rows = log(&db);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(
        rows[0],
        (
            me.clone(),
            "export".to_owned(),
            "caseload as csv to standard output".to_owned(),
            None,
            Some(i64::try_from(exported).unwrap())
        )
    );
    assert_eq!(rows[1].2, "breaches as json to standard output");

    let access = run(&db, &["export", "access"]);
    assert!(access.status.success());
    let text = String::from_utf8_lossy(&access.stdout);
    assert!(
        text.starts_with("id,at,login,worker,what,detail,client_reference,rows\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!(",{me},")) && text.contains("caseload as csv"),
        "{text}"
    );

    set_my_role(&db, "care_coordinator");
    let refused = run(&db, &["export", "access"]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("only team leaders and admins may export the access log"),
        "{err}"
    );
    assert!(refused.stdout.is_empty());
    assert_eq!(log(&db).len(), 3, "the refused export wrote no row");
}

#[test]
fn an_export_whose_access_cannot_be_logged_shows_nothing() {
    let (_dir, store) = demo_for_me();
    let db = store.path().to_path_buf();
    drop(store);
    // The log's table is refused to this writer: the export must not go ahead.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE TRIGGER no_log BEFORE INSERT ON access_log
             BEGIN SELECT RAISE(ABORT, 'the log is unavailable'); END;",
        )
        .unwrap();
    let output = run(&db, &["export", "caseload"]);
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no client data without a log row");
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("nothing was shown"), "{err}");
}

/// The shell words that run the TUI on `db`.
fn tui(db: &Path) -> String {
    format!(
        "env XDG_CONFIG_HOME={} {} --db {} --today 2026-11-23; echo EXIT=$?; sleep 600",
        db.parent().unwrap().join("config").display(),
        env!("CARGO_BIN_EXE_caseload"),
        db.display()
    )
}

#[test]
fn opening_a_record_is_logged_even_while_a_colleague_writes_and_leaders_see_it() {
    let (_dir, store) = demo_for_me();
    let db = store.path().to_path_buf();
    let holder = LockHolder::take(&db);
    let terminal = Tmux::start(&tui(&db));
    terminal.wait_for("things to do");
    terminal.keys(&["Enter"]);
    // The record shows at once although the lock is taken; its row waits in the queue.
    let screen = terminal.wait_for("Client record");
    assert!(!screen.contains("locked"), "{screen}");
    assert!(log(&db).is_empty());
    holder.release();
    let rows = eventually("the queued opening written once the lock is free", || {
        Some(log(&db)).filter(|rows| !rows.is_empty())
    });
    assert_eq!(rows.len(), 1, "{rows:?}");
    let (login, what, _, reference, count) = &rows[0];
    assert_eq!(
        (login.as_str(), what.as_str(), count),
        (caseload::identity::os_login().as_str(), "record", &None)
    );
    assert!(reference.is_some(), "the row names the client");
    // Opened again (Esc, Enter): a team leader now sees who opened it.
    terminal.keys(&["Escape"]);
    terminal.wait_for("things to do");
    terminal.keys(&["Enter"]);
    terminal.wait_for("Client record");
    terminal.keys(&["End"]);
    let screen = terminal.wait_for("Opened by (1; team leaders and admins see this)");
    assert!(
        screen.contains(&format!(
            "{} (Rhian Demo-Lead, team leader): once, last 23/11/2026",
            caseload::identity::os_login()
        )),
        "{screen}"
    );
    terminal.keys(&["q"]);
    assert!(terminal.wait_for("EXIT=").contains("EXIT=0"));
}
