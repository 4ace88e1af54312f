//! A terminal that hangs up (issue 16, "stay correct over SSH"): the real binary in
//! tmux, whose server is then killed as a dropped connection would close the terminal.
//! The session must leave, keeping an open form as a draft, whatever its input was
//! doing; before caseload read its terminal itself, a key cut short when the
//! connection dropped (an escape sequence's first bytes) left crossterm's reader
//! spinning on the dead terminal for ever, deaf to SIGHUP and SIGTERM. A session
//! started from a shell gets SIGHUP when the shell goes; one that does not (SIGHUP
//! blocked here, [`deaf_to_sighup_entry`]) must see the terminal go by itself.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::locks::{caseload, demo_for_me};
use crate::tmux::{Tmux, ended, eventually};

/// How long a session may take to leave after its terminal hangs up: generous, for a
/// loaded machine; a session that spins never leaves at all.
const LEAVES_WITHIN: Duration = Duration::from_secs(20);

/// The first bytes of a cursor key (`ESC [`), whose last byte never comes.
const KEY_CUT_SHORT: [&str; 3] = ["-H", "1b", "5b"];

/// Time for keys sent to reach the session before the terminal goes: not a measured
/// bound, only so that the hang-up comes after the session read them.
const KEYS_ARRIVE: Duration = Duration::from_millis(500);

/// Set in [`deaf_to_sighup_entry`]: the database to open.
const DEAF_ENV: &str = "CASELOAD_TEST_DEAF_TO_SIGHUP";

/// In the terminal: blocks SIGHUP (a blocked signal stays blocked across exec(2), and
/// caseload's handler never runs) and becomes caseload on the database `DEAF_ENV`
/// names, on the test day, with no config files. Run only by [`deaf_session`], with
/// `--ignored`.
#[test]
#[ignore = "the session of the hang-up tests that never gets SIGHUP, started by them"]
fn deaf_to_sighup_entry() {
    let Some(db) = std::env::var_os(DEAF_ENV) else {
        return;
    };
    let dir = Path::new(&db).parent().unwrap();
    // SAFETY: `set` is initialised by sigemptyset before use and outlives the calls.
    unsafe {
        let mut set = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
        libc::sigemptyset(set.as_mut_ptr());
        libc::sigaddset(set.as_mut_ptr(), libc::SIGHUP);
        libc::pthread_sigmask(libc::SIG_BLOCK, set.as_ptr(), std::ptr::null_mut());
    }
    let error = Command::new(env!("CARGO_BIN_EXE_caseload"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("CASELOAD_SYSTEM_CONFIG", dir.join("system.toml"))
        .arg("--db")
        .arg(&db)
        .args(["--today", "2026-11-23"])
        .exec();
    panic!("could not start caseload: {error}");
}

/// A terminal running caseload on `db` with SIGHUP blocked, and the session's process.
fn deaf_session(db: &Path) -> (Tmux, u32) {
    let terminal = Tmux::start(&format!(
        "env {DEAF_ENV}={} {} --exact --ignored hang_up::deaf_to_sighup_entry --nocapture -q; sleep 600",
        db.display(),
        std::env::current_exe().unwrap().display()
    ));
    let session = child_of_shell(&terminal);
    (terminal, session)
}

/// The process the shell in `terminal` started (the session, when the shell does not
/// `exec` it).
fn child_of_shell(terminal: &Tmux) -> u32 {
    let shell = terminal.pane_pid();
    eventually("the shell to start caseload", || {
        std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    })
}

/// Hangs `terminal` up and expects `session` to end within [`LEAVES_WITHIN`]; one that
/// does not is killed, so that a failing run leaves nothing spinning.
fn hang_up_and_expect_exit(terminal: &Tmux, session: u32) {
    terminal.hang_up();
    let start = Instant::now();
    while !ended(session) {
        if start.elapsed() > LEAVES_WITHIN {
            // SAFETY: kill(2) on the session this test started has no memory-safety
            // preconditions.
            unsafe { libc::kill(i32::try_from(session).unwrap(), libc::SIGKILL) };
            panic!("the session was still running {LEAVES_WITHIN:?} after its terminal hung up");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_hang_up_after_keys_typed_at_start_ends_the_session() {
    let (_dir, store, _) = demo_for_me();
    let (terminal, session) = deaf_session(store.path());
    // Typed while the first screen is still being read.
    terminal.type_text("jj");
    terminal.keys(&KEY_CUT_SHORT);
    terminal.wait_for("1 Today");
    std::thread::sleep(KEYS_ARRIVE);
    hang_up_and_expect_exit(&terminal, session);
}

#[test]
fn a_hang_up_while_idle_ends_the_session() {
    let (_dir, store, _) = demo_for_me();
    let (terminal, session) = deaf_session(store.path());
    terminal.wait_for("things to do");
    hang_up_and_expect_exit(&terminal, session);
}

#[test]
fn a_hang_up_with_a_key_cut_short_in_a_form_keeps_its_draft_and_leaves() {
    let (_dir, store, _) = demo_for_me();
    let me = caseload::identity::os_login();
    let terminal = Tmux::start(&format!("exec {}", caseload(store.path())));
    let session = terminal.pane_pid();
    terminal.wait_for("things to do");
    terminal.keys(&["n"]);
    terminal.wait_for("when*");
    terminal.keys(&["Tab", "Tab"]);
    terminal.type_text("left before the end");
    terminal.wait_for("left before the end");
    terminal.keys(&KEY_CUT_SHORT);
    std::thread::sleep(KEYS_ARRIVE);
    hang_up_and_expect_exit(&terminal, session);
    let drafts = store.drafts(&me).unwrap();
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    assert_eq!(drafts[0].form, "contact");
    assert_eq!(drafts[0].fields["note"], "left before the end");
}
