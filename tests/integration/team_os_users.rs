//! A team of real OS users: each test makes its own group and logins (prefixed
//! `cltm`), removes them when it ends, even by a panic, and runs the binary as them
//! with `setpriv`. They need root, and say so when skipped.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::team::{isolate, mode_and_group, run, stderr, stdout};

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
