//! Waiting for another writer. A real second process holds the write lock, as a long
//! import does (it is this test binary re-run on [`lock_holder_entry`], writing
//! through the store as "an import by jsmith"), while CLI writes, the TUI and a
//! hang-up wait for it. No "database is locked" may reach anyone.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use caseload::store::{Access, Actor, LockPolicy, Store, StoreError, set_process_policy};

use crate::common::{as_login, demo_store};
use crate::tmux::{Tmux, eventually};

/// Set in the lock holder: the database path.
const HOLDER_ENV: &str = "CASELOAD_TEST_LOCK_HOLDER";

/// Set in the lock holder to stand in for an older caseload, which leaves the schema
/// as it is: it takes the lock with SQLite alone and announces itself in the side file.
const OLDER_ENV: &str = "CASELOAD_TEST_OLDER_CASELOAD";

/// The note every test types and looks for.
const NOTE: &str = "spoke about housing";

/// In the lock holder process: takes the write lock as an import by jsmith, says
/// `HOLDING`, and keeps it until its standard input closes. Run only by
/// [`LockHolder::take`] (with `--ignored`), so a normal run does not count it as a test
/// that passed.
#[test]
#[ignore = "the lock-holding child process of the lock tests, started by them"]
fn lock_holder_entry() {
    let Ok(path) = std::env::var(HOLDER_ENV) else {
        return;
    };
    if std::env::var_os(OLDER_ENV).is_some() {
        return older_caseload_holds(Path::new(&path));
    }
    set_process_policy(LockPolicy {
        activity: "an import",
        ..LockPolicy::default()
    });
    let mut store = Store::open(Path::new(&path), Access::ReadWrite).unwrap();
    store
        .generate(
            &as_login("jsmith"),
            caseload::store::Origin::Synthetic("fixture"),
            |_| {
                println!("HOLDING");
                std::io::stdout().flush().unwrap();
                let _ = std::io::stdin().read_to_end(&mut Vec::new());
                Ok(())
            },
        )
        .unwrap();
}

/// An older caseload's import on `db`: the write lock taken by SQLite alone (so the
/// schema is not upgraded) and announced as every caseload announces it, until
/// standard input closes.
fn older_caseload_holds(db: &Path) {
    let mut conn = rusqlite::Connection::open(db).unwrap();
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    let holder = caseload::store::Holder {
        login: "jsmith".to_owned(),
        what: "an import".to_owned(),
        since: "2026-11-23 09:30".to_owned(),
        pid: std::process::id(),
    };
    let side_file = caseload::store::share::with_suffix(db, "-writer");
    std::fs::write(&side_file, serde_json::to_string(&holder).unwrap()).unwrap();
    println!("HOLDING");
    std::io::stdout().flush().unwrap();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    std::fs::remove_file(side_file).unwrap();
    tx.commit().unwrap();
}

/// A second process holding the write lock until [`LockHolder::release`] (or drop).
pub struct LockHolder {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Kept open: the holder writes its test summary here when it ends.
    _stdout: std::io::Lines<BufReader<std::process::ChildStdout>>,
}

impl LockHolder {
    /// Starts the holder on `db` and returns once it holds the lock.
    pub fn take(db: &Path) -> Self {
        Self::start(db, false)
    }

    /// [`LockHolder::take`] by an older caseload, which leaves `db`'s schema as it is.
    fn take_as_older_caseload(db: &Path) -> Self {
        Self::start(db, true)
    }

    fn start(db: &Path, older: bool) -> Self {
        let mut envs = vec![(HOLDER_ENV, db.as_os_str())];
        if older {
            envs.push((OLDER_ENV, std::ffi::OsStr::new("1")));
        }
        Self::run_entry("locks::lock_holder_entry", &envs)
    }

    /// Runs the ignored test `entry` of this binary as the holder, with `envs`, and
    /// returns once it prints `HOLDING`.
    pub fn run_entry(entry: &str, envs: &[(&str, &std::ffi::OsStr)]) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "--ignored",
                entry,
                "--nocapture",
                "--test-threads=1",
                "-q",
            ])
            .envs(envs.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        while lines.next().expect("lock holder ended early").unwrap() != "HOLDING" {}
        Self {
            child,
            stdin,
            _stdout: lines,
        }
    }

    /// Lets go of the lock: the holder commits and exits.
    pub fn release(mut self) {
        drop(self.stdin.take());
        assert!(self.child.wait().unwrap().success());
    }
}

impl Drop for LockHolder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The demo database, with this OS login as its team leader (the TUI and the CLI act
/// as the process's real login); and the leader's area.
pub fn demo_for_me() -> (tempfile::TempDir, Store, String) {
    let (dir, mut store) = demo_store();
    let me = Actor {
        login: caseload::identity::os_login(),
        ..as_login("x")
    };
    caseload::demo::claim_demo_lead(&mut store, &me).unwrap();
    let lead = store.worker_by_login(&me.login).unwrap().unwrap();
    let area = store
        .areas()
        .unwrap()
        .into_iter()
        .find(|a| Some(a.id) == lead.area_id)
        .unwrap();
    (dir, store, area.name)
}

/// The shell words that run the binary on `db` on the test day, with no config files
/// (they would be `config/caseload/config.toml` and `system.toml` beside it).
pub fn caseload(db: &Path) -> String {
    let dir = db.parent().unwrap();
    format!(
        "env XDG_CONFIG_HOME={} CASELOAD_SYSTEM_CONFIG={} {} --db {} --today 2026-11-23",
        dir.join("config").display(),
        dir.join("system.toml").display(),
        env!("CARGO_BIN_EXE_caseload"),
        db.display()
    )
}

/// Whether the tally every test records (97 charged, 89 tested) is in the database.
fn tallied(store: &Store) -> bool {
    rusqlite::Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT count(*) FROM custody_tally WHERE charged = 97 AND tested = 89",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
        == 1
}

fn notes(store: &Store) -> i64 {
    rusqlite::Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT count(*) FROM contact WHERE note = ?1",
            [NOTE],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_write_that_cannot_wait_longer_names_the_holder_in_words() {
    let (_dir, mut store, _) = demo_for_me();
    let holder = LockHolder::take(store.path());
    store.set_lock_wait(Duration::from_millis(100));
    let error = store
        .save_draft(&as_login("cora"), "contact", None, &serde_json::json!({}))
        .unwrap_err();
    let StoreError::Busy {
        holder: Some(who), ..
    } = &error
    else {
        panic!("expected a named wait: {error:?}")
    };
    assert_eq!(
        (who.login.as_str(), who.what.as_str()),
        ("jsmith", "an import")
    );
    let text = error.to_string();
    assert!(
        text.contains("an import by jsmith (since 09:30)") && text.contains("nothing was saved"),
        "{text}"
    );
    assert!(!text.contains("locked"), "{text}");
    holder.release();
    // The announcement went with the lock: a later wait names no one.
    assert_eq!(caseload::store::holder(store.path()), None);
}

#[test]
fn a_cli_write_waits_for_an_import_shows_it_on_the_terminal_and_completes() {
    let (_dir, store, area) = demo_for_me();
    let holder = LockHolder::take(store.path());
    let terminal = Tmux::start(&format!(
        "{} tally --area '{area}' --date 2026-11-22 --charged 97 --tested 89 --replace; echo EXIT=$?; sleep 600",
        caseload(store.path())
    ));
    let waiting = terminal.wait_for("waiting for an import by jsmith (since 09:30) to finish");
    assert!(!waiting.contains("EXIT="), "{waiting}");
    assert!(!tallied(&store), "nothing is written while it waits");
    holder.release();
    let done = terminal.wait_for("EXIT=");
    assert!(done.contains("EXIT=0"), "{done}");
    assert!(done.contains("97 charged, 89 tested"), "{done}");
    assert!(
        !done.contains("waiting for"),
        "the status line is cleared: {done}"
    );
    assert!(tallied(&store));
}

#[test]
fn ctrl_c_during_a_cli_wait_ends_the_status_line_so_the_prompt_starts_a_line() {
    let (_dir, store, area) = demo_for_me();
    let holder = LockHolder::take(store.path());
    // The shell writes PROMPT> once the command ends, as a shell's prompt would; it
    // adds no newline of its own.
    let terminal = Tmux::start(&format!(
        "trap 'printf PROMPT\\>' INT; {} tally --area '{area}' --date 2026-11-22 --charged 97 --tested 89 --replace; echo \" EXIT=$?\"; sleep 600",
        caseload(store.path())
    ));
    terminal.wait_for("waiting for an import by jsmith (since 09:30) to finish");
    terminal.keys(&["C-c"]);
    let screen = terminal.wait_for("EXIT=");
    let lines: Vec<&str> = screen.lines().map(str::trim_end).collect();
    let prompt = lines
        .iter()
        .position(|l| l.starts_with("PROMPT>"))
        .unwrap_or_else(|| panic!("the prompt starts a line:\n{screen}"));
    assert_eq!(
        lines[prompt - 1],
        "caseload: stopped waiting (Ctrl-C): nothing was saved",
        "{screen}"
    );
    assert_eq!(
        lines[prompt], "PROMPT> EXIT=130",
        "ended by Ctrl-C: {screen}"
    );
    assert!(!screen.contains("waiting for"), "{screen}");
    holder.release();
    assert!(!tallied(&store));
}

#[test]
fn a_cli_write_that_waits_too_long_exits_75_with_a_sentence() {
    let (_dir, store, area) = demo_for_me();
    let holder = LockHolder::take(store.path());
    let dir = store.path().parent().unwrap();
    let tally = |flag: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_caseload"))
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("CASELOAD_SYSTEM_CONFIG", dir.join("system.toml"))
            .args([
                "--db",
                store.path().to_str().unwrap(),
                "--today",
                "2026-11-23",
            ])
            .args(flag)
            .args(["tally", "--area", &area, "--date", "2026-11-22"])
            .args(["--charged", "97", "--tested", "89", "--replace"])
            .output()
            .unwrap()
    };
    let by_flag = tally(&["--wait", "1"]);
    // The same wait from the system config file instead of the flag.
    std::fs::write(dir.join("system.toml"), "wait_seconds = 1\n").unwrap();
    let by_config = tally(&[]);
    holder.release();
    for output in [by_flag, by_config] {
        assert_eq!(output.status.code(), Some(75));
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "caseload: gave up after waiting 1 s for an import by jsmith (since 09:30) to finish: \
             nothing was saved; try again when it is done, or wait longer with --wait SECONDS\n",
            "one sentence, and no progress line when stderr is not a terminal"
        );
    }
    assert!(!tallied(&store));
}

/// Opens the TUI on `db`, opens a contact form on the first client of Today and types
/// the note.
fn tui_with_a_contact_form(db: &Path, exec: bool) -> Tmux {
    let command = if exec {
        format!("exec {}", caseload(db))
    } else {
        format!("{}; echo EXIT=$?; sleep 600", caseload(db))
    };
    let terminal = Tmux::start(&command);
    terminal.wait_for("things to do");
    terminal.keys(&["n"]);
    terminal.wait_for("when*");
    terminal.keys(&["Tab", "Tab"]);
    terminal.type_text(NOTE);
    terminal.wait_for(NOTE);
    terminal
}

#[test]
fn a_tui_save_during_an_import_waits_with_its_form_open_then_saves() {
    let (_dir, store, _) = demo_for_me();
    let holder = LockHolder::take(store.path());
    let terminal = tui_with_a_contact_form(store.path(), false);
    terminal.keys(&["Enter"]);
    let waiting = terminal.wait_for("waiting for an import by jsmith (since 09:30)");
    assert!(waiting.contains(NOTE), "the form stays open: {waiting}");
    assert_eq!(notes(&store), 0);
    // The keys still work while it waits: Tab moves to the first field.
    terminal.keys(&["Tab"]);
    terminal.wait_for("Space or Left/Right to choose");
    holder.release();
    let saved = terminal.wait_for("Saved: contact");
    assert!(
        !saved.contains("EXIT="),
        "the TUI is still running: {saved}"
    );
    assert!(!saved.contains("locked"), "{saved}");
    assert_eq!(notes(&store), 1);
    terminal.keys(&["q"]);
    assert!(terminal.wait_for("EXIT=").contains("EXIT=0"));
}

#[test]
fn a_hang_up_in_a_form_keeps_a_draft_that_is_offered_back() {
    let (_dir, store, _) = demo_for_me();
    let me = caseload::identity::os_login();
    let terminal = tui_with_a_contact_form(store.path(), true);
    terminal.hang_up();
    let drafts = eventually("the draft saved on hang-up", || {
        Some(store.drafts(&me).unwrap()).filter(|d| !d.is_empty())
    });
    assert_eq!(drafts[0].form, "contact");
    assert_eq!(drafts[0].fields["note"], NOTE);
    let next = Tmux::start(&caseload(store.path()));
    next.wait_for("unsaved contact for C-");
}

#[test]
fn a_hang_up_while_a_save_waits_keeps_the_form_as_a_draft() {
    let (_dir, store, _) = demo_for_me();
    let me = caseload::identity::os_login();
    let holder = LockHolder::take(store.path());
    let terminal = tui_with_a_contact_form(store.path(), true);
    terminal.keys(&["Enter"]);
    terminal.wait_for("waiting for an import by jsmith");
    terminal.hang_up();
    holder.release();
    let drafts = eventually("the draft saved once the import ended", || {
        Some(store.drafts(&me).unwrap()).filter(|d| !d.is_empty())
    });
    assert_eq!(drafts[0].fields["note"], NOTE);
    assert_eq!(
        notes(&store),
        0,
        "unconfirmed, so kept as a draft, not saved"
    );
}

#[test]
fn closing_a_form_during_an_import_says_its_draft_stays() {
    let (_dir, store, _) = demo_for_me();
    let holder = LockHolder::take(store.path());
    let terminal = tui_with_a_contact_form(store.path(), false);
    terminal.keys(&["Escape"]);
    terminal.wait_for("Discard your changes?");
    terminal.keys(&["y"]);
    let screen = terminal.wait_for("Its draft stays while an import by jsmith (since 09:30)");
    assert!(!screen.contains("EXIT="), "{screen}");
    holder.release();
}

/// The demo database for this login, as a caseload one schema step older left it
/// (step 12's index not made yet), and the leader's area.
fn demo_one_step_old() -> (tempfile::TempDir, Store, String) {
    let (dir, store, area) = demo_for_me();
    rusqlite::Connection::open(store.path())
        .unwrap()
        .execute_batch("DROP INDEX modality_natural_key; PRAGMA user_version = 11;")
        .unwrap();
    (dir, store, area)
}

/// The schema version of `db`, and whether step 12's index is there.
fn schema(db: &Path) -> (i64, bool) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let version = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let index = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'modality_natural_key'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap();
    (version, index == 1)
}

#[test]
fn an_upgrade_at_first_open_waits_for_an_import_as_any_write_and_says_so() {
    let (_dir, store, area) = demo_one_step_old();
    let holder = LockHolder::take_as_older_caseload(store.path());
    // Two colleagues start the new caseload while the import runs: a tally, and the TUI.
    let tally = Tmux::start(&format!(
        "{} tally --area '{area}' --date 2026-11-22 --charged 97 --tested 89 --replace; echo EXIT=$?; sleep 600",
        caseload(store.path())
    ));
    let tui = Tmux::start(&format!(
        "{}; echo EXIT=$?; sleep 600",
        caseload(store.path())
    ));
    for terminal in [&tally, &tui] {
        let waiting = terminal.wait_for("waiting for an import by jsmith (since 09:30) to finish");
        assert!(!waiting.contains("EXIT="), "{waiting}");
        assert!(!waiting.contains("locked"), "{waiting}");
    }
    assert_eq!(schema(store.path()), (11, false), "nothing upgraded yet");
    holder.release();
    // One upgrades; the other waits for that upgrade, then finds nothing left to do.
    let done = tally.wait_for("EXIT=");
    assert!(done.contains("EXIT=0"), "{done}");
    assert!(done.contains("97 charged, 89 tested"), "{done}");
    assert!(
        !done.contains("waiting for"),
        "the status line is cleared: {done}"
    );
    let screen = tui.wait_for("things to do");
    assert!(!screen.contains("EXIT="), "{screen}");
    assert_eq!(
        schema(store.path()),
        (caseload::store::migrate::current_version(), true)
    );
    assert!(tallied(&store));
    tui.keys(&["q"]);
    assert!(tui.wait_for("EXIT=").contains("EXIT=0"));
}

#[test]
fn an_upgrade_that_waits_too_long_exits_75_with_a_sentence_and_changes_nothing() {
    let (_dir, store, _) = demo_one_step_old();
    let holder = LockHolder::take_as_older_caseload(store.path());
    let dir = store.path().parent().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_caseload"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("CASELOAD_SYSTEM_CONFIG", dir.join("system.toml"))
        .args(["--db", store.path().to_str().unwrap(), "--wait", "1"])
        .args(["worker", "list"])
        .output()
        .unwrap();
    holder.release();
    assert_eq!(output.status.code(), Some(75));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "caseload: gave up after waiting 1 s for an import by jsmith (since 09:30) to finish: \
         nothing was saved; try again when it is done, or wait longer with --wait SECONDS\n"
    );
    assert_eq!(schema(store.path()), (11, false));
}

/// A dry run takes no write lock (it writes on a private copy of one read snapshot):
/// while another process holds the lock for an import, a dry run of a 5,000-row file
/// neither waits for it nor fails, and reports exactly what it reports once the lock
/// is free. Anything that needed the lock would give up after `--wait 1` with exit 75.
/// The holder then commits as usual.
#[test]
fn a_dry_run_takes_no_write_lock_so_it_finishes_while_an_import_holds_it() {
    use std::fmt::Write as _;
    let (_dir, store, _area) = demo_for_me();
    let lead = store
        .worker_by_login(&caseload::identity::os_login())
        .unwrap()
        .unwrap();
    let mut references: Vec<String> = store
        .import_keys()
        .unwrap()
        .clients
        .into_iter()
        .filter(|(_, (_, c))| Some(c.area_id) == lead.area_id)
        .map(|(reference, _)| reference)
        .collect();
    references.sort();
    let mut file = String::from("client_reference,worker,contact_at,kind,note\n");
    for n in 0..5000 {
        let client = &references[n % references.len()];
        let minute = n / references.len();
        writeln!(
            file,
            "{client},{},2026-11-20 {:02}:{:02},phone,dry run {n}",
            lead.name,
            8 + minute / 60,
            minute % 60
        )
        .unwrap();
    }
    let csv = store.path().with_file_name("contacts.csv");
    std::fs::write(&csv, file).unwrap();
    let before = notes_like(&store, "dry run %");
    let dry_run = || {
        let dir = store.path().parent().unwrap();
        Command::new(env!("CARGO_BIN_EXE_caseload"))
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("CASELOAD_SYSTEM_CONFIG", dir.join("system.toml"))
            .args(["--db", store.path().to_str().unwrap()])
            .args(["--today", "2026-11-23", "--wait", "1"])
            .args(["import", "contacts", csv.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let holder = LockHolder::take(store.path());
    let during = dry_run();
    holder.release();
    let after = dry_run();
    assert!(
        during.status.success(),
        "{}",
        String::from_utf8_lossy(&during.stderr)
    );
    let report = String::from_utf8_lossy(&during.stdout);
    assert_eq!(
        report,
        "5000 would be created, 0 unchanged, 0 problem(s)\n\
         Dry run: nothing was written; add --apply to import.\n"
    );
    assert_eq!(
        during.stdout, after.stdout,
        "the same report without the holder"
    );
    assert_eq!(notes_like(&store, "dry run %"), before, "nothing written");
}

/// How many contacts have a note `LIKE pattern`.
fn notes_like(store: &Store, pattern: &str) -> i64 {
    rusqlite::Connection::open(store.path())
        .unwrap()
        .query_row(
            "SELECT count(*) FROM contact WHERE note LIKE ?1",
            [pattern],
            |r| r.get(0),
        )
        .unwrap()
}
