//! Every bad `--db` gets a sentence that says what is wrong and what to do, through
//! the real binary, and changes nothing: a directory, a FIFO or device (refused before
//! anything opens it, so no hang), an empty or foreign file, a read-only directory
//! (where `--readonly` still works) and a full disk.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use caseload::store::Store;

/// Runs the binary with `args`; a run still going after a minute has hung, and fails.
fn run(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_caseload"))
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("caseload {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// The one line on stderr of a failed run.
fn refusal(args: &[&str]) -> String {
    let output = run(args);
    assert!(!output.status.success(), "{args:?} succeeded");
    assert!(output.stdout.is_empty(), "{args:?}");
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(
        !err.contains("database error") && !err.contains("os error") && !err.contains("unable to"),
        "no raw error text: {err}"
    );
    err
}

fn private_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

#[test]
fn a_directory_is_named_as_one() {
    let dir = private_dir();
    let path = dir.path().to_str().unwrap();
    for args in [vec!["--db", path, "check"], vec!["--db", path, "info"]] {
        let output = run(&args);
        let all = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(
            all.contains(&format!("{path} is a directory, not a database file")),
            "{args:?}: {all}"
        );
        assert!(!all.contains("every user"), "{all}");
    }
}

#[test]
fn a_missing_file_is_named_with_the_command_that_creates_it_and_not_created() {
    let dir = private_dir();
    let db = dir.path().join("team.db");
    let path = db.to_str().unwrap();
    for args in [
        vec!["--db", path, "check"],
        vec!["--db", path, "worker", "list"],
    ] {
        assert_eq!(
            refusal(&args),
            format!(
                "caseload: no database at {path}: run `caseload init --db {path}` to create one, \
                 or `caseload demo` to try the demo\n"
            ),
            "{args:?}"
        );
    }
    assert!(!db.exists());
}

#[test]
fn a_fifo_or_a_device_is_refused_at_once() {
    let dir = private_dir();
    let fifo = dir.path().join("pipe.db");
    let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path and mode.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    for path in [fifo.to_str().unwrap(), "/dev/null"] {
        for command in ["check", "export"] {
            let mut args = vec!["--db", path, command];
            if command == "export" {
                args.push("caseload");
            }
            let err = refusal(&args);
            assert!(
                err.contains(&format!(
                    "{path} is not a regular file (a pipe, device or socket)"
                )),
                "{err}"
            );
        }
    }
}

#[test]
fn an_empty_or_foreign_file_is_refused_unchanged_pointing_at_init() {
    let dir = private_dir();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    std::fs::set_permissions(&empty, std::fs::Permissions::from_mode(0o600)).unwrap();
    let path = empty.to_str().unwrap();
    for args in [
        vec!["--db", path, "area", "list"],
        vec!["--db", path, "export", "caseload"],
        vec!["--db", path, "tally", "--area", "x", "--date", "2026-11-01"],
    ] {
        let mut args = args;
        if args.contains(&"tally") {
            args.extend(["--charged", "1", "--tested", "1"]);
        }
        let err = refusal(&args);
        assert!(
            err.contains(&format!(
                "{path} is empty, not a caseload database: check the --db path; to start a new database there, remove the empty file and run `caseload init --db {path}`"
            )),
            "{err}"
        );
    }
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0, "still empty");
    for suffix in ["-wal", "-shm", "-journal"] {
        assert!(!dir.path().join(format!("empty.db{suffix}")).exists());
    }

    let foreign = dir.path().join("other.sqlite");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE recipes (name TEXT);")
        .unwrap();
    std::fs::set_permissions(&foreign, std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = std::fs::read(&foreign).unwrap();
    let err = refusal(&["--db", foreign.to_str().unwrap(), "area", "list"]);
    assert!(
        err.contains("is an SQLite database but not a caseload database")
            && err.contains("caseload init --db NEW-PATH"),
        "{err}"
    );
    assert_eq!(std::fs::read(&foreign).unwrap(), before);
}

/// Whether this process is root (tests that run the binary as another login or
/// mount a small disk need it; CI runs as root).
fn root_or_skip(test: &str) -> bool {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        return true;
    }
    eprintln!("skipped {test}: needs root");
    false
}

/// A database of `nobody`'s, with no -wal or -shm, in a directory only root may write
/// to; and a copy of the binary nobody can run.
fn read_only_directory() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::Builder::new()
        .prefix("clro")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let binary = dir.path().join("caseload");
    std::fs::copy(env!("CARGO_BIN_EXE_caseload"), &binary).unwrap();
    let db = dir.path().join("archive.db");
    drop(Store::create(&db).unwrap());
    // A plain connection closing last folds the WAL in and removes -wal and -shm.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("INSERT INTO area (name) VALUES ('Newport');")
        .unwrap();
    drop(conn);
    assert!(!dir.path().join("archive.db-wal").exists());
    std::os::unix::fs::chown(&db, Some(65534), Some(65534)).unwrap();
    (
        dir,
        binary.to_str().unwrap().to_owned(),
        db.to_str().unwrap().to_owned(),
    )
}

fn as_nobody(binary: &str, args: &[&str]) -> Output {
    Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", binary])
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .env("HOME", "/nonexistent")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn in_a_read_only_directory_readonly_works_and_a_write_says_why() {
    if !root_or_skip("in_a_read_only_directory_readonly_works_and_a_write_says_why") {
        return;
    }
    let (dir, binary, db) = read_only_directory();
    let check = as_nobody(&binary, &["--db", &db, "--readonly", "check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let report = as_nobody(&binary, &["--db", &db, "--readonly", "report"]);
    assert!(
        String::from_utf8_lossy(&report.stdout).contains("Newport"),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let write = as_nobody(&binary, &["--db", &db, "area", "add", "Cardiff"]);
    assert!(!write.status.success());
    let err = String::from_utf8_lossy(&write.stderr);
    assert!(
        err.contains(&format!(
            "you may not create files in {}",
            dir.path().display()
        )),
        "{err}"
    );
    assert!(!err.contains("attempt to write"), "{err}");
    // Client data is not shown where the access log cannot be written.
    let export = as_nobody(&binary, &["--db", &db, "--readonly", "export", "caseload"]);
    assert!(!export.status.success());
    assert!(
        String::from_utf8_lossy(&export.stderr).contains("access log"),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    assert!(!dir.path().join("archive.db-wal").exists(), "nothing made");
}

#[test]
fn a_full_disk_says_nothing_was_lost() {
    if !root_or_skip("a_full_disk_says_nothing_was_lost") {
        return;
    }
    let dir = private_dir();
    let mount = dir.path().join("small");
    std::fs::create_dir(&mount).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs"])
        .arg(&mount)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped a_full_disk_says_nothing_was_lost: cannot mount a tmpfs here");
        return;
    }
    let db = mount.join("team.db");
    let db_text = db.to_str().unwrap().to_owned();
    let outcome = std::panic::catch_unwind(|| {
        assert!(run(&["--db", &db_text, "init"]).status.success());
        assert!(
            run(&["--db", &db_text, "area", "add", "Newport"])
                .status
                .success()
        );
        // Fill the disk.
        let mut filler = std::fs::File::create(mount.join("filler")).unwrap();
        let block = vec![0_u8; 4096];
        while std::io::Write::write_all(&mut filler, &block).is_ok() {}
        let err = refusal(&["--db", &db_text, "area", "add", "Cardiff"]);
        assert!(
            err.contains("nothing was saved, and everything saved before is safe"),
            "{err}"
        );
        let export = mount.join("out.csv");
        let err = refusal(&[
            "--db",
            &db_text,
            "export",
            "caseload",
            "-o",
            export.to_str().unwrap(),
        ]);
        assert!(
            err.contains("the disk is full") || err.contains("everything saved before is safe"),
            "{err}"
        );
        assert!(!export.exists(), "no half-written export is left");
        std::fs::remove_file(mount.join("filler")).unwrap();
        let areas = run(&["--db", &db_text, "area", "list"]);
        let text = String::from_utf8_lossy(&areas.stdout);
        assert!(
            text.contains("Newport") && !text.contains("Cardiff"),
            "{text}"
        );
        assert!(run(&["--db", &db_text, "check"]).status.success());
    });
    let _ = Command::new("umount").arg(&mount).status();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
