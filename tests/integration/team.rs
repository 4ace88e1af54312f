//! A team on one server: `init --group`, file modes whatever the umask, which database
//! is used and why, `doctor`, backups and the demo built aside. Real OS users and a
//! group are in `team_os_users`.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::AtomicBool;

use caseload::store::{Access, Store, StoreError};

/// The binary, with a private home, config and system config under `home`.
fn caseload(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_caseload"));
    isolate(&mut command, home);
    command
}

/// Points every place caseload looks for settings into `home`.
pub(crate) fn isolate(command: &mut Command, home: &Path) {
    command
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("CASELOAD_SYSTEM_CONFIG", home.join("system.toml"))
        .env_remove("CASELOAD_DB");
}

pub(crate) fn run(command: &mut Command) -> Output {
    command.output().expect("run caseload")
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Mode bits and group of `path`.
pub(crate) fn mode_and_group(path: &Path) -> (u32, u32) {
    let m = std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (m.mode() & 0o7777, m.gid())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// The group this process runs as, by name.
fn own_group() -> (String, u32) {
    // SAFETY: getegid cannot fail.
    let gid = unsafe { libc::getegid() };
    (caseload::unix::group_name(gid), gid)
}

/// A team database made by `caseload init --group` (the test's own group) in a new
/// directory `srv` of a temporary home: (home, directory, database).
fn team_database() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (group, _) = own_group();
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("srv");
    let db = dir.join("team.db");
    let init = run(caseload(home.path())
        .args(["init", "--db"])
        .arg(&db)
        .args(["--group", &group]));
    assert!(init.status.success(), "{}", stderr(&init));
    (home, dir, db)
}

/// `sh -c 'umask U; exec BIN ARGS'`, as a command to add arguments to.
fn under_umask(umask: &str, program: &Path) -> Command {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
        .arg(program);
    command
}

#[test]
fn the_database_comes_from_flag_env_user_config_system_config_then_default() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    std::fs::create_dir_all(home.join("config/caseload")).unwrap();
    std::fs::write(home.join("system.toml"), "db = \"/srv/team/system.db\"\n").unwrap();
    std::fs::write(
        home.join("config/caseload/config.toml"),
        "db = \"/srv/team/user.db\"\n",
    )
    .unwrap();
    let info = |flag: bool, env: bool| {
        let mut command = caseload(home);
        command.arg("info");
        if flag {
            command.args(["--db", "/srv/team/flag.db"]);
        }
        if env {
            command.env("CASELOAD_DB", "/srv/team/env.db");
        }
        let output = run(&mut command);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    let text = info(true, true);
    assert!(text.contains("database:  /srv/team/flag.db"), "{text}");
    assert!(text.contains("chosen by: the --db option"), "{text}");
    let text = info(false, true);
    assert!(text.contains("database:  /srv/team/env.db"), "{text}");
    assert!(
        text.contains("chosen by: the CASELOAD_DB environment variable"),
        "{text}"
    );
    let text = info(false, false);
    assert!(text.contains("database:  /srv/team/user.db"), "{text}");
    assert!(
        text.contains("chosen by: `db` in your config file"),
        "{text}"
    );
    std::fs::write(home.join("config/caseload/config.toml"), "mouse = true\n").unwrap();
    let text = info(false, false);
    assert!(text.contains("database:  /srv/team/system.db"), "{text}");
    assert!(
        text.contains(&format!(
            "chosen by: `db` in the system config file {}",
            home.join("system.toml").display()
        )),
        "{text}"
    );
    std::fs::remove_file(home.join("system.toml")).unwrap();
    let text = info(false, false);
    assert!(
        text.contains(&format!(
            "database:  {}",
            home.join("data/caseload/caseload.db").display()
        )),
        "{text}"
    );
    assert!(text.contains("chosen by: the default"), "{text}");
}

#[test]
fn a_broken_system_config_is_an_error_not_a_private_database() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("system.toml"), "db = \"team.db\"\n").unwrap();
    let output = run(caseload(home.path()).arg("info"));
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("system.toml: db must be an absolute path"),
        "{}",
        stderr(&output)
    );
    assert!(!home.path().join("data/caseload/caseload.db").exists());
}

#[test]
fn init_with_a_group_shares_every_file_whatever_the_umask() {
    let (group, gid) = own_group();
    for umask in ["077", "022", "002"] {
        let home = tempfile::tempdir().unwrap();
        let db = home.path().join("srv/team.db");
        let mut command = under_umask(umask, Path::new(env!("CARGO_BIN_EXE_caseload")));
        isolate(&mut command, home.path());
        let output = run(command
            .args(["init", "--db"])
            .arg(&db)
            .args(["--group", &group]));
        assert!(
            output.status.success(),
            "umask {umask}: {}",
            stderr(&output)
        );
        assert!(stdout(&output).contains(&format!("Shared with the group {group}")));
        assert_eq!(mode_and_group(&home.path().join("srv")), (0o2770, gid));
        for suffix in ["", "-wal", "-shm"] {
            assert_eq!(
                mode_and_group(&with_suffix(&db, suffix)),
                (0o660, gid),
                "umask {umask}, team.db{suffix}"
            );
        }
        // An export made under the same umask is shared the same way.
        let export = home.path().join("srv/audit.csv");
        let mut command = under_umask(umask, Path::new(env!("CARGO_BIN_EXE_caseload")));
        isolate(&mut command, home.path());
        let output = run(command
            .args(["export", "audit", "--db"])
            .arg(&db)
            .arg("-o")
            .arg(&export));
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(mode_and_group(&export), (0o660, gid), "umask {umask}");
    }
}

#[test]
fn init_refuses_a_directory_that_is_not_ready_for_the_group() {
    let (group, _) = own_group();
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("srv");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let output = run(caseload(home.path())
        .args(["init", "--db"])
        .arg(dir.join("team.db"))
        .args(["--group", &group]));
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("it is not setgid"), "{err}");
    assert!(
        err.contains(&format!(
            "run `chgrp {group} {0} && chmod 2770 {0}` first",
            dir.display()
        )),
        "{err}"
    );
    assert!(!dir.join("team.db").exists());
}

#[test]
fn a_database_in_a_world_writable_directory_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("open");
    std::fs::create_dir(&dir).unwrap();
    Store::create(&dir.join("team.db")).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let err = Store::open(&dir.join("team.db"), Access::ReadOnly)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("can be written by every user on this machine, so anyone could plant a file"),
        "{err}"
    );
}

#[test]
fn wal_files_stay_in_place_between_sessions() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("team.db");
    drop(Store::create(&db).unwrap());
    for suffix in ["-wal", "-shm"] {
        assert!(with_suffix(&db, suffix).exists(), "{suffix} after create");
    }
    drop(Store::open(&db, Access::ReadWrite).unwrap());
    for suffix in ["-wal", "-shm"] {
        assert!(
            with_suffix(&db, suffix).exists(),
            "{suffix} after a session"
        );
    }
}

#[test]
fn doctor_prints_the_fix_for_each_problem_and_exits_1() {
    let (group, _) = own_group();
    let (home, dir, db) = team_database();
    let doctor = || run(caseload(home.path()).args(["doctor", "--db"]).arg(&db));
    let healthy = doctor();
    assert!(healthy.status.success(), "{}", stdout(&healthy));
    assert!(stdout(&healthy).contains("No problems found."));

    let added = run(caseload(home.path())
        .args(["area", "add", "North", "--db"])
        .arg(&db));
    assert!(added.status.success(), "{}", stderr(&added));
    let added = run(caseload(home.path())
        .args([
            "worker",
            "add",
            "--name",
            "Nobody Here",
            "--login",
            "cltmnosuchlogin",
            "--role",
            "support",
            "--area",
            "North",
            "--db",
        ])
        .arg(&db));
    assert!(added.status.success(), "{}", stderr(&added));
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o770)).unwrap();
    let sick = doctor();
    assert_eq!(sick.status.code(), Some(1));
    let text = stdout(&sick);
    for expected in [
        format!(
            "PROBLEM  directory {}: it is not setgid (mode 0770)",
            dir.display()
        ),
        format!("fix: chgrp {group} {0} && chmod 2770 {0}", dir.display()),
        format!(
            "PROBLEM  {}: the group may not read and write it (mode 0600)",
            db.display()
        ),
        format!("fix: chgrp {group} {0} && chmod 660 {0}", db.display()),
        "PROBLEM  worker Nobody Here has the login cltmnosuchlogin, which does not exist on this machine"
            .to_owned(),
        format!("fix: useradd -m -G {group} cltmnosuchlogin"),
        "3 problem(s)".to_owned(),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in\n{text}");
    }
    // A system config the members cannot read would stop caseload for them: its
    // directory first, then the file.
    let system = home.path().join("system.toml");
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::write(&system, format!("db = \"{}\"\n", db.display())).unwrap();
    let text = stdout(&doctor());
    assert!(
        text.contains(&format!("fix: chmod 755 {}", home.path().display())),
        "{text}"
    );
    std::fs::set_permissions(home.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&system, std::fs::Permissions::from_mode(0o600)).unwrap();
    let text = stdout(&doctor());
    assert!(
        text.contains(&format!("fix: chmod 644 {}", system.display())),
        "{text}"
    );
    std::fs::set_permissions(&system, std::fs::Permissions::from_mode(0o644)).unwrap();
    let text = stdout(&doctor());
    assert!(
        text.contains("names this database, so members need no --db"),
        "{text}"
    );
}

/// Anyone could plant a `-wal` beside a database in a world-writable directory: doctor
/// names it as a problem with the fix, and cannot open the database there.
#[test]
fn doctor_refuses_a_world_writable_directory_with_its_fix() {
    let (group, _) = own_group();
    let (home, dir, db) = team_database();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o2777)).unwrap();
    let doctor = run(caseload(home.path()).args(["doctor", "--db"]).arg(&db));
    let text = stdout(&doctor);
    assert_eq!(doctor.status.code(), Some(1), "{text}");
    for expected in [
        format!(
            "PROBLEM  directory {}: it is writable by every user (mode 2777), so anyone could \
             plant a -wal file beside the database",
            dir.display()
        ),
        format!("fix: chgrp {group} {0} && chmod 2770 {0}", dir.display()),
        "PROBLEM  you cannot open the database".to_owned(),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn a_stopped_backup_leaves_nothing_and_a_finished_one_is_shared_as_the_database() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("team");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o2770)).unwrap();
    let (_, gid) = own_group();
    let store = Store::create(&dir.join("team.db")).unwrap();
    assert_eq!(mode_and_group(&dir.join("team.db")), (0o660, gid));
    let backups = home.path().join("backups");
    std::fs::create_dir(&backups).unwrap();
    let target = backups.join("monday.db");
    let stopped = store.backup_until(&target, &AtomicBool::new(true));
    assert!(
        matches!(stopped, Err(StoreError::Interrupted(_))),
        "{stopped:?}"
    );
    assert_eq!(std::fs::read_dir(&backups).unwrap().count(), 0);
    store.backup_to(&target).unwrap();
    assert_eq!(mode_and_group(&target), (0o660, gid));
    let names: Vec<_> = std::fs::read_dir(&backups)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["monday.db"]);
}

#[test]
fn a_database_whose_building_fails_leaves_nothing_behind() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("demo.db");
    let failed = Store::create_with(&db, None, |_| -> Result<(), StoreError> {
        Err(StoreError::Invalid("stopped half way".to_owned()))
    });
    assert!(failed.is_err());
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0);
    // A half-built file from a killed run has a hidden name: the next demo ignores it,
    // and removes it once its process has gone.
    let mut exited = Command::new("true").spawn().unwrap();
    let gone = exited.id();
    exited.wait().unwrap();
    let stale = home.path().join(format!(".demo.db.partial-{gone}"));
    let running = home.path().join(".demo.db.partial-1");
    std::fs::write(&stale, b"").unwrap();
    std::fs::write(&running, b"").unwrap();
    let output = run(caseload(home.path())
        .args(["demo", "--no-tui", "--clients", "5", "--db"])
        .arg(&db));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("Created demo database"));
    assert!(!stale.exists(), "a killed run's partial file stays");
    assert!(
        running.exists(),
        "a running process's partial file was removed"
    );
    // Deleting only demo.db can leave a -wal full of another file's pages behind (a
    // session killed outright): the new database must not replay it.
    std::fs::remove_file(&db).unwrap();
    let other = home.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    conn.execute_batch(
        "CREATE TABLE filler (x);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
         INSERT INTO filler SELECT randomblob(3000) FROM n;",
    )
    .unwrap();
    std::fs::copy(with_suffix(&other, "-wal"), with_suffix(&db, "-wal")).unwrap();
    drop(conn);
    let output = run(caseload(home.path())
        .args(["demo", "--no-tui", "--clients", "5", "--db"])
        .arg(&db));
    assert!(output.status.success(), "{}", stderr(&output));
    let checked = run(caseload(home.path()).args(["check", "--db"]).arg(&db));
    assert!(checked.status.success(), "{}", stdout(&checked));
}
