//! A team on one server: `init --group`, file modes whatever the umask, which database
//! is used and why, `doctor`, backups and the demo built aside. The tests at the end
//! create real OS users and a group (they need root, and say so when skipped).

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use caseload::store::{Access, Store, StoreError};

/// The binary, with a private home, config and system config under `home`.
fn caseload(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_caseload"));
    isolate(&mut command, home);
    command
}

/// Points every place caseload looks for settings into `home`.
fn isolate(command: &mut Command, home: &Path) {
    command
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("CASELOAD_SYSTEM_CONFIG", home.join("system.toml"))
        .env_remove("CASELOAD_DB");
}

fn run(command: &mut Command) -> Output {
    command.output().expect("run caseload")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Mode bits and group of `path`.
fn mode_and_group(path: &Path) -> (u32, u32) {
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
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("srv");
    let db = dir.join("team.db");
    let init = run(caseload(home.path())
        .args(["init", "--db"])
        .arg(&db)
        .args(["--group", &group]));
    assert!(init.status.success(), "{}", stderr(&init));
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

// ---------------------------------------------------------------------------------
// Real OS users. Each test makes its own group and logins (prefixed `cltm`), removes
// them when it ends, even by a panic, and runs the binary as them with `setpriv`.

/// Skips (with a printed reason) unless running as root.
fn root_or_skip(test: &str) -> bool {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        return true;
    }
    eprintln!("skipped {test}: creating OS users and groups needs root (CI runs as root)");
    false
}

/// A group, its logins and a directory they can all reach; removed on drop.
struct Team {
    prefix: String,
    group: String,
    users: Vec<String>,
    dir: tempfile::TempDir,
    binary: PathBuf,
}

impl Team {
    /// A new group; the directory is under /tmp (not /root) and holds the binary, so
    /// every login can run it.
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let prefix = format!(
            "cltm{}x{}",
            std::process::id() % 100_000,
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let dir = tempfile::Builder::new()
            .prefix("cltm")
            .tempdir_in("/tmp")
            .unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let binary = dir.path().join("caseload");
        // A link where the file system allows (no 80 MB copy per test), else a copy.
        if std::fs::hard_link(env!("CARGO_BIN_EXE_caseload"), &binary).is_err() {
            std::fs::copy(env!("CARGO_BIN_EXE_caseload"), &binary).unwrap();
        }
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
        let team = Self {
            group: format!("{prefix}g"),
            prefix,
            users: Vec::new(),
            dir,
            binary,
        };
        sh("groupadd", &[&team.group]);
        team
    }

    /// Adds a login (`{prefix}{tag}`), in the team's group if `member`; its primary
    /// group is `users`, as on a server where the team group is supplementary.
    fn user(&mut self, tag: &str, member: bool) -> String {
        let login = format!("{}{tag}", self.prefix);
        let mut args = vec!["-M", "-N", "-g", "users", "-s", "/bin/sh"];
        if member {
            args.extend(["-G", &self.group]);
        }
        args.push(&login);
        sh("useradd", &args);
        self.users.push(login.clone());
        login
    }

    /// Runs the binary as `login` under `umask`, with its supplementary groups (or
    /// none, as a session that began before the login joined the group).
    fn run_as_with(&self, login: &str, umask: &str, groups: bool, args: &[&str]) -> Output {
        let gid = caseload::unix::primary_gid(login).unwrap();
        let mut command = Command::new("setpriv");
        command
            .arg(format!("--reuid={login}"))
            .arg(format!("--regid={gid}"))
            .arg(if groups {
                "--init-groups"
            } else {
                "--clear-groups"
            })
            .args(["sh", "-c", &format!("umask {umask}; exec \"$0\" \"$@\"")])
            .arg(&self.binary)
            .args(args)
            .current_dir(self.dir.path());
        isolate(&mut command, self.dir.path());
        run(&mut command)
    }

    fn run_as(&self, login: &str, umask: &str, args: &[&str]) -> Output {
        self.run_as_with(login, umask, true, args)
    }

    /// Like [`Team::run_as`], and the command must succeed.
    fn ok_as(&self, login: &str, umask: &str, args: &[&str]) -> String {
        let output = self.run_as(login, umask, args);
        assert!(
            output.status.success(),
            "{login} {args:?}: {}",
            stderr(&output)
        );
        stdout(&output)
    }

    /// Runs the binary as root, as an IT officer would; it must succeed.
    fn as_root(&self, args: &[&str]) -> String {
        let mut command = Command::new(&self.binary);
        isolate(&mut command, self.dir.path());
        let output = run(command.args(args));
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        stdout(&output)
    }

    /// Root creates the team's database (`srv/team.db`) with the group; its path.
    fn init_as_root(&self) -> String {
        let db = self.dir.path().join("srv/team.db");
        let db = db.to_str().unwrap().to_owned();
        self.as_root(&["init", "--db", &db, "--group", &self.group]);
        db
    }

    fn gid(&self) -> u32 {
        caseload::unix::group_by_name(&self.group).unwrap().gid
    }
}

impl Drop for Team {
    fn drop(&mut self) {
        for user in &self.users {
            let _ = Command::new("userdel").arg(user).output();
        }
        let _ = Command::new("groupdel").arg(&self.group).output();
    }
}

/// Runs an admin command as root; it must succeed.
fn sh(program: &str, args: &[&str]) {
    let output = Command::new(program).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        stderr(&output)
    );
}

/// `--db PATH` then `args`, as one list.
fn on(db: &str, args: &[&'static str]) -> Vec<String> {
    let mut all: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    all.extend(["--db".to_owned(), db.to_owned()]);
    all
}

/// A command line without quoting (the paths here have no spaces), as arguments.
fn words(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_owned).collect()
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[test]
fn after_init_under_any_umask_a_colleague_can_write() {
    if !root_or_skip("after_init_under_any_umask_a_colleague_can_write") {
        return;
    }
    for umask in ["077", "022", "002"] {
        let mut team = Team::new();
        let admin = team.user("a", true);
        let lead = team.user("b", true);
        // The admin owns the parent, as they would own /srv/caseload's parent via sudo.
        let parent = team.dir.path().join("srv");
        std::fs::create_dir(&parent).unwrap();
        sh("chown", &[&admin, parent.to_str().unwrap()]);
        let db = parent.join("caseload/team.db");
        let db = db.to_str().unwrap();
        let group = team.group.clone();
        team.ok_as(&admin, umask, &["init", "--db", db, "--group", &group]);
        team.ok_as(&admin, umask, &strs(&on(db, &["area", "add", "North"])));
        let mut add = on(
            db,
            &["worker", "add", "--name", "Lead", "--role", "team_leader"],
        );
        add.extend(["--login".to_owned(), lead.clone()]);
        add.extend(["--area".to_owned(), "North".to_owned()]);
        team.ok_as(&admin, umask, &strs(&add));
        let tally = |date: &'static str| {
            on(
                db,
                &[
                    "tally",
                    "--area",
                    "North",
                    "--date",
                    date,
                    "--charged",
                    "5",
                    "--tested",
                    "4",
                    "--today",
                    "2026-11-23",
                ],
            )
        };
        team.ok_as(&lead, umask, &strs(&tally("2026-11-20")));
        for suffix in ["", "-wal", "-shm"] {
            assert_eq!(
                mode_and_group(Path::new(&format!("{db}{suffix}"))),
                (0o660, team.gid()),
                "umask {umask}: team.db{suffix}"
            );
        }
        // Without setgid on the directory, a -wal made by the lead (primary group
        // `users`), even in a read-only session, is handed to the team's group, so the
        // admin can still write.
        sh("chmod", &["g-s", parent.join("caseload").to_str().unwrap()]);
        for suffix in ["-wal", "-shm"] {
            std::fs::remove_file(format!("{db}{suffix}")).unwrap();
        }
        team.ok_as(&lead, umask, &["--readonly", "check", "--db", db]);
        for suffix in ["-wal", "-shm"] {
            assert_eq!(
                mode_and_group(Path::new(&format!("{db}{suffix}"))).1,
                team.gid(),
                "umask {umask}: team.db{suffix} made by the lead, read-only"
            );
        }
        team.ok_as(&lead, umask, &strs(&tally("2026-11-19")));
        for suffix in ["-wal", "-shm"] {
            assert_eq!(
                mode_and_group(Path::new(&format!("{db}{suffix}"))),
                (0o660, team.gid()),
                "umask {umask}: team.db{suffix} made by the lead"
            );
        }
        team.ok_as(&admin, umask, &strs(&on(db, &["area", "add", "South"])));
        let backup = format!("{}/caseload/copy.db", parent.display());
        team.ok_as(&lead, umask, &["backup", "--db", db, &backup]);
        assert_eq!(mode_and_group(Path::new(&backup)), (0o660, team.gid()));
    }
}

#[test]
fn every_role_writes_from_its_own_login() {
    if !root_or_skip("every_role_writes_from_its_own_login") {
        return;
    }
    let mut team = Team::new();
    let db = team.init_as_root();
    team.as_root(&strs(&on(&db, &["area", "add", "North"])));
    let mut logins = Vec::new();
    for (tag, role) in [
        ("admin", "admin"),
        ("lead", "team_leader"),
        ("cc", "care_coordinator"),
        ("sup", "support"),
    ] {
        let login = team.user(tag, true);
        let mut add = on(&db, &["worker", "add", "--role", role, "--area", "North"]);
        add.extend(["--name".to_owned(), format!("Worker {tag}")]);
        add.extend(["--login".to_owned(), login.clone()]);
        team.as_root(&strs(&add));
        logins.push(login);
    }
    let [admin, lead, cc, sup] = [&logins[0], &logins[1], &logins[2], &logins[3]];
    // With the system-wide config naming the database, members need no --db.
    std::fs::write(
        team.dir.path().join("system.toml"),
        format!("db = \"{db}\"\n"),
    )
    .unwrap();
    team.ok_as(admin, "077", &["area", "add", "South"]);
    let info = team.ok_as(cc, "077", &["info"]);
    assert!(info.contains(&format!("database:  {db}\n")), "{info}");
    assert!(
        info.contains("chosen by: `db` in the system config file"),
        "{info}"
    );
    assert!(
        info.contains("role:      care co-ordinator (Worker cc)"),
        "{info}"
    );
    let tally = format!(
        "tally --area North --date 2026-11-20 --charged 3 --tested 3 --today 2026-11-23 --db {db}"
    );
    team.ok_as(lead, "022", &strs(&words(&tally)));
    let clients = team.dir.path().join("clients.csv");
    std::fs::write(
        &clients,
        format!(
            "reference,given_name,family_name,date_of_birth,area,care_coordinator\nT-1,Ada,Testperson,01/02/1990,North,{cc}\n"
        ),
    )
    .unwrap();
    let clients = clients.to_str().unwrap();
    let import = format!("import clients {clients} --apply --db {db} --today 2026-11-23");
    team.ok_as(lead, "002", &strs(&words(&import)));
    for (login, time) in [(cc, "10:30"), (sup, "11:30")] {
        let contacts = team.dir.path().join(format!("contacts-{login}.csv"));
        std::fs::write(
            &contacts,
            format!(
                "client_reference,worker,contact_at,kind,note\nT-1,{login},20/11/2026 {time},phone,Called\n"
            ),
        )
        .unwrap();
        let import = format!(
            "import contacts {} --apply --db {db} --today 2026-11-23",
            contacts.display()
        );
        team.ok_as(login, "077", &strs(&words(&import)));
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    for login in [admin, lead, cc, sup] {
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM audit WHERE who = ?1", [login], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(rows > 0, "no audited write by {login}");
    }
    drop(conn);
    let doctor = team.ok_as(admin, "077", &["doctor", "--db", &db]);
    assert!(doctor.contains("No problems found."), "{doctor}");
}

#[test]
fn an_outsider_is_told_which_group_to_join() {
    if !root_or_skip("an_outsider_is_told_which_group_to_join") {
        return;
    }
    let mut team = Team::new();
    let db = team.init_as_root();
    let group = team.group.clone();
    let outsider = team.user("out", false);
    for args in [
        vec!["--db", db.as_str()],
        vec!["--db", db.as_str(), "--readonly", "check"],
        vec!["--db", db.as_str(), "export", "caseload"],
    ] {
        let output = team.run_as(&outsider, "022", &args);
        assert!(!output.status.success(), "{args:?}");
        let err = stderr(&output);
        assert!(
            err.contains(&format!(
                "you ({outsider}) are not in the group {group}, which shares"
            )),
            "{args:?}: {err}"
        );
        assert!(
            err.contains(&format!(
                "ask an admin to run `usermod -aG {group} {outsider}`, then log out and in again"
            )),
            "{err}"
        );
        assert!(!err.contains("unable to open"), "{err}");
    }
    // Added to the group, but still in a session that began before.
    let joined = team.user("late", true);
    let output = team.run_as_with(&joined, "022", false, &["--db", &db, "check"]);
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "were added to the group {group}, which shares {}, after this log-in began: log out and in again",
            team.dir.path().join("srv").display()
        )),
        "{err}"
    );
    // `doctor` names the member with no worker record.
    let mut doctor = Command::new(&team.binary);
    isolate(&mut doctor, team.dir.path());
    let text = stdout(&run(doctor.args(["doctor", "--db", &db])));
    assert!(
        text.contains(&format!(
            "{joined} is in the group {group} but has no active worker record"
        )),
        "{text}"
    );
}
