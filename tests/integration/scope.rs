//! `--scope mine|area|all`, and the scope left last time remembered per user and
//! database in the XDG state directory.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use caseload::app::Scope;
use caseload::state::Remembered;
use caseload::store::{Actor, Store};

use crate::common::{as_login, demo_store};
use crate::tmux::Tmux;

/// The demo database with this OS login as its team leader (home area Newport).
fn demo_for_me() -> (tempfile::TempDir, Store) {
    let (dir, mut store) = demo_store();
    let me = Actor {
        login: caseload::identity::os_login(),
        ..as_login("x")
    };
    caseload::demo::claim_demo_lead(&mut store, &me).unwrap();
    (dir, store)
}

/// The TUI on `db` with its own config and state directories, and `args`.
fn tui(db: &Path, args: &str) -> String {
    let dir = db.parent().unwrap();
    format!(
        "env XDG_CONFIG_HOME={} XDG_STATE_HOME={} {} --db {} --today 2026-11-23 {args}; echo EXIT=$?; sleep 600",
        dir.join("config").display(),
        dir.join("state").display(),
        env!("CARGO_BIN_EXE_caseload"),
        db.display()
    )
}

#[test]
fn the_scope_is_kept_per_database_whole_and_for_the_user_alone() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state/caseload");
    let live = Remembered::at(state.clone(), Path::new("/srv/team/caseload.db")).unwrap();
    let training = Remembered::at(state.clone(), Path::new("/srv/team/training.db")).unwrap();
    assert_eq!(live.scope(), None, "nothing kept yet");
    live.keep(Scope::Everything).unwrap();
    training.keep(Scope::Mine).unwrap();
    live.keep(Scope::MyArea).unwrap();
    assert_eq!(live.scope(), Some(Scope::MyArea));
    assert_eq!(training.scope(), Some(Scope::Mine));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&state), 0o700);
    assert_eq!(mode(&state.join("scopes")), 0o600);
    assert_eq!(
        std::fs::read_dir(&state).unwrap().count(),
        1,
        "no partial file is left"
    );
    // A file that no longer reads as a scope is ignored, not an error.
    std::fs::write(state.join("scopes"), "sideways\t/srv/team/caseload.db\n").unwrap();
    assert_eq!(live.scope(), None);
    assert!(Remembered::at(state, Path::new("/tmp/a\nb.db")).is_none());
}

#[test]
fn scope_on_the_command_line_and_the_scope_left_last_time() {
    let (_dir, store) = demo_for_me();
    let db = store.path();
    // A team leader starts in their area; --scope all starts in everything.
    let terminal = Tmux::start(&tui(db, "--scope all"));
    terminal.wait_for("(everything)");
    terminal.keys(&["o"]);
    terminal.wait_for("(my caseload)");
    terminal.keys(&["q"]);
    terminal.wait_for("EXIT=0");
    // Without --scope, the scope left last time.
    let terminal = Tmux::start(&tui(db, ""));
    terminal.wait_for("(my caseload)");
    terminal.keys(&["q"]);
    terminal.wait_for("EXIT=0");
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args(["--scope", "team"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success());
    assert!(text.contains("mine, area, all"), "{text}");
}

#[test]
fn a_newer_scope_stops_the_read_in_flight_and_only_its_snapshot_arrives() {
    use caseload::loader::{Delivery, Loader};
    let (_dir, store) = demo_store();
    let now = crate::common::at("2026-11-23 09:30");
    let triage = caseload::domain::triage::TriageConfig::default();
    let count = |limits| {
        caseload::loader::load_scope(&store, limits, now, &triage, &[])
            .unwrap()
            .caseload
            .len()
    };
    let (everything, one_area) = (count((None, None)), count((Some(1), None)));
    assert_ne!(everything, one_area);
    let mut loader = Loader::spawn(&store.target(), triage.clone()).unwrap();
    // Each request lands while the one before is being read (or just after): the
    // stopped reads never show, and a stop that comes late is read again.
    for round in 0..20 {
        let last = if round % 2 == 0 {
            (Some(1), None)
        } else {
            (None, None)
        };
        loader.request((None, None), now, &[]);
        loader.request((Some(1), None), now, &[]);
        loader.request(last, now, &[]);
        let started = std::time::Instant::now();
        let delivered = loop {
            if let Some(delivery) = loader.poll().unwrap() {
                break delivery;
            }
            assert!(started.elapsed() < std::time::Duration::from_secs(60));
            std::thread::sleep(std::time::Duration::from_millis(2));
        };
        let Delivery::Snapshot(Ok(data)) = delivered else {
            panic!("round {round}: expected a snapshot, not an error");
        };
        let expected = if last.0.is_some() {
            one_area
        } else {
            everything
        };
        assert_eq!(data.caseload.len(), expected, "round {round}");
    }
}
