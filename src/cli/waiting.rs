//! How command-line writes wait for a colleague's write: as long as `--wait` says,
//! showing the wait on a terminal, and announcing what they are to anyone waiting in
//! turn.

use std::io::{IsTerminal, Write as _};
use std::time::Duration;

use super::Command;
use crate::store::{DEFAULT_WAIT, LockPolicy, Waiting, set_process_policy};

/// The exit status of a command that gave up waiting (`EX_TEMPFAIL` in sysexits.h:
/// try again later).
pub const EXIT_BUSY: u8 = 75;

/// Sets how this process's writes wait: `seconds` (`--wait`) or else `wait_seconds`
/// from the config files, shown on stderr when it is a terminal, announced as what
/// `command` does.
pub fn configure(seconds: Option<u64>, command: Option<&Command>) {
    // A broken config file is reported by whatever reads it for its own purpose; here
    // it only means the default wait.
    let seconds = seconds.unwrap_or_else(|| {
        crate::config::load_all().map_or(DEFAULT_WAIT.as_secs(), |s| s.wait_seconds)
    });
    set_process_policy(LockPolicy {
        wait: Duration::from_secs(seconds),
        report: std::io::stderr()
            .is_terminal()
            .then_some(show as fn(&Waiting)),
        activity: activity(command),
    });
}

/// What a colleague waiting for this process is told it is doing.
fn activity(command: Option<&Command>) -> &'static str {
    match command {
        Some(Command::Import(_)) => "an import",
        Some(Command::Tally(_)) => "a custody tally",
        Some(Command::Sample(_)) => "a re-offending sample change",
        Some(Command::Init(_)) => "setting up the database",
        Some(Command::Worker(_) | Command::Area(_)) => "a staff change",
        Some(Command::Demo(_)) => "building the demo",
        _ => "a change",
    }
}

/// One status line on the terminal, rewritten in place and cleared when the wait ends.
fn show(waiting: &Waiting) {
    let mut stderr = std::io::stderr().lock();
    let _ = if waiting.over {
        write!(stderr, "\r\x1b[K")
    } else {
        write!(
            stderr,
            "\r\x1b[Kcaseload: waiting for {} to finish ({} s of up to {} s; Ctrl-C gives up)...",
            crate::store::describe_holder(waiting.holder.as_ref()),
            waiting.waited.as_secs(),
            waiting.limit.as_secs()
        )
    };
    let _ = stderr.flush();
}
