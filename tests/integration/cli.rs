//! The real binary: demo and check paths, determinism, and one clear sentence with a
//! non-zero exit for each kind of bad input.

use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use rusqlite::Connection;

fn caseload(args: &[&str], data_home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args(args)
        .env("XDG_DATA_HOME", data_home)
        .env("HOME", data_home)
        .output()
        .expect("run caseload")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every row of every table except the audit log (whose times are real), as text.
fn dump(path: &Path) -> String {
    let conn = Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'audit' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
            .unwrap();
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..columns)
                    .map(|i| {
                        r.get::<_, rusqlite::types::Value>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        for row in rows {
            writeln!(out, "{table}: {}", row.unwrap().join("|")).unwrap();
        }
    }
    out
}

#[test]
fn demo_creates_a_database_that_check_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    let created = caseload(
        &["demo", "--no-tui", "--db", db, "--today", "2026-11-23"],
        dir.path(),
    );
    assert!(created.status.success(), "{}", stderr(&created));
    assert!(
        stderr(&created).contains("300 clients"),
        "{}",
        stderr(&created)
    );
    let mode = std::fs::metadata(db).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let checked = caseload(&["check", "--db", db], dir.path());
    assert!(checked.status.success(), "{}", stderr(&checked));
    assert!(stdout(&checked).contains(": ok"), "{}", stdout(&checked));
}

#[test]
fn the_screen_without_a_terminal_is_a_sentence_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    // Output captured: no terminal to take over, as under cron or `ssh` without -t.
    let output = caseload(&["demo", "--clients", "20"], dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let said = stderr(&output);
    assert!(
        said.contains("caseload's screen needs a terminal") && said.contains("`ssh -t`"),
        "{said}"
    );
    assert!(!said.contains("panicked"), "{said}");
    assert!(
        output.stdout.is_empty(),
        "nothing drawn: {:?}",
        output.stdout
    );
}

#[test]
fn demo_without_db_uses_the_xdg_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let created = caseload(&["demo", "--no-tui", "--clients", "20"], dir.path());
    assert!(created.status.success(), "{}", stderr(&created));
    let db = dir.path().join("caseload/demo.db");
    assert!(db.exists());
    let again = caseload(&["demo", "--no-tui"], dir.path());
    assert!(
        stderr(&again).contains("Using the existing demo database"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn same_seed_and_today_give_identical_data() {
    let dir = tempfile::tempdir().unwrap();
    let args = |name: &str| {
        vec![
            "demo".to_owned(),
            "--no-tui".to_owned(),
            "--seed".to_owned(),
            "7".to_owned(),
            "--clients".to_owned(),
            "120".to_owned(),
            "--today".to_owned(),
            "29/02/2024".to_owned(),
            "--db".to_owned(),
            dir.path().join(name).to_string_lossy().into_owned(),
        ]
    };
    for name in ["a.db", "b.db", "c.db"] {
        let mut a = args(name);
        if name == "c.db" {
            a[3] = "8".to_owned();
        }
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        assert!(caseload(&a, dir.path()).status.success());
    }
    let a = dump(&dir.path().join("a.db"));
    assert_eq!(a, dump(&dir.path().join("b.db")));
    assert_ne!(
        a,
        dump(&dir.path().join("c.db")),
        "another seed gives other data"
    );
}

#[test]
fn demo_maps_the_os_login_to_a_team_leader() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(
        caseload(
            &[
                "demo",
                "--no-tui",
                "--clients",
                "10",
                "--db",
                db.to_str().unwrap()
            ],
            dir.path()
        )
        .status
        .success()
    );
    let conn = Connection::open(&db).unwrap();
    let (role, login): (String, String) = conn
        .query_row(
            "SELECT role, login FROM worker WHERE login IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(role, "team_leader");
    assert_eq!(login, caseload::identity::os_login());
}

#[test]
fn init_makes_the_os_login_the_first_admin_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    let db = db.to_str().unwrap();
    let first = caseload(&["init", "--db", db], dir.path());
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("is its first admin"));
    let second = caseload(&["init", "--db", db], dir.path());
    assert!(!second.status.success());
    assert!(
        stderr(&second).contains("already exists"),
        "{}",
        stderr(&second)
    );
}

#[test]
fn bad_input_gets_one_clear_sentence_and_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let not_sqlite = dir.path().join("notes.txt");
    std::fs::write(
        &not_sqlite,
        "not a database at all, just some words here to fill a page",
    )
    .unwrap();
    std::fs::set_permissions(&not_sqlite, std::fs::Permissions::from_mode(0o600)).unwrap();
    let missing = dir.path().join("missing.db");
    let no_dir = dir.path().join("nowhere/x.db");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["check", "--db", not_sqlite.to_str().unwrap()],
            "is not an SQLite database",
        ),
        (
            vec!["--db", missing.to_str().unwrap()],
            "caseload init --db",
        ),
        (
            vec!["init", "--db", no_dir.to_str().unwrap()],
            "does not exist: create it first",
        ),
        (
            vec!["demo", "--no-tui", "--today", "31/02/2026"],
            "--today: '31/02/2026' is not a real date",
        ),
        (vec!["frobnicate"], "unrecognized subcommand 'frobnicate'"),
    ];
    for (args, message) in cases {
        let output = caseload(&args, dir.path());
        assert!(!output.status.success(), "{args:?} should fail");
        let err = stderr(&output);
        assert!(err.contains(message), "{args:?}: {err}");
    }
    assert_eq!(
        std::fs::read_to_string(&not_sqlite).unwrap(),
        "not a database at all, just some words here to fill a page"
    );
}

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["demo", "init", "check"] {
        let output = caseload(&[sub, "--help"], dir.path());
        assert!(output.status.success());
        assert!(stdout(&output).contains("Usage: caseload"), "{sub}");
    }
}

#[test]
fn info_names_the_paths_the_login_and_its_role() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    assert!(
        caseload(
            &["demo", "--no-tui", "--clients", "5", "--db", db],
            dir.path()
        )
        .status
        .success()
    );
    let output = caseload(&["info", "--db", db], dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains(&format!("database:  {db}")), "{text}");
    assert!(
        text.contains("config.toml (not present: defaults in use)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("OS login:  {}", caseload::identity::os_login())),
        "{text}"
    );
    assert!(
        text.contains("role:      team leader (Rhian Demo-Lead)"),
        "{text}"
    );
}

#[test]
fn an_invalid_config_file_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config_dir = dir.path().join("caseload");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(
        config_dir.join("config.toml"),
        "release_window_days = 14\n\ncolur = false\n",
    )
    .unwrap();
    let db = dir.path().join("demo.db");
    let output = Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args(["demo", "--clients", "5", "--db", db.to_str().unwrap()])
        .env("XDG_CONFIG_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("config.toml: line 3: unknown field `colur`"),
        "{err}"
    );
}

#[test]
fn piping_into_a_reader_that_has_gone_ends_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    let created = caseload(
        &["demo", "--no-tui", "--clients", "20", "--db", db],
        dir.path(),
    );
    assert!(created.status.success(), "{}", stderr(&created));
    // As `caseload report | head -0`: the reader is closed before anything is written.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args(["report", "--db", db])
        .env("XDG_DATA_HOME", dir.path())
        .env("HOME", dir.path())
        .stdout(writer)
        .output()
        .unwrap();
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    assert!(
        output.status.success() || output.status.signal() == Some(libc::SIGPIPE),
        "{:?}: {}",
        output.status,
        stderr(&output)
    );
}
