//! How command-line writes wait for a colleague's write: as long as `--wait` says,
//! showing the wait on a terminal, and announcing what they are to anyone waiting in
//! turn.

use std::io::{IsTerminal, Write as _};
use std::sync::Mutex;
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
/// While it is up, Ctrl-C ends it with a sentence and a newline before the process
/// ends as Ctrl-C ends it, so the shell's prompt starts on a line of its own.
fn show(waiting: &Waiting) {
    interrupt_ends_the_line(!waiting.over);
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

/// SIGINT's disposition before the status line went up, while it is up.
static BEFORE_THE_LINE: Mutex<Option<libc::sigaction>> = Mutex::new(None);

/// While `up`, Ctrl-C (SIGINT) runs [`give_up`]; once the line is down SIGINT is
/// handled as it was before.
fn interrupt_ends_the_line(up: bool) {
    let Ok(mut before) = BEFORE_THE_LINE.lock() else {
        return;
    };
    if up && before.is_none() {
        // SAFETY: a zeroed sigaction is a valid value (empty mask, no flags); the
        // handler is an `extern "C" fn(c_int)`, as `sa_sigaction` without SA_SIGINFO
        // expects; sigaction only reads `new` and fills `old`.
        unsafe {
            let mut new: libc::sigaction = std::mem::zeroed();
            new.sa_sigaction = give_up as extern "C" fn(libc::c_int) as libc::sighandler_t;
            let mut old: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(libc::SIGINT, &raw const new, &raw mut old) == 0 {
                *before = Some(old);
            }
        }
    } else if !up {
        if let Some(old) = before.take() {
            // SAFETY: `old` is the disposition sigaction itself returned.
            unsafe {
                libc::sigaction(libc::SIGINT, &raw const old, std::ptr::null_mut());
            }
        }
    }
}

/// Ctrl-C while the status line is up: replaces the line with a sentence ending in a
/// newline, then ends the process by SIGINT as if it had not been caught (so the shell
/// sees an interrupted command). Nothing was written: the write was still waiting.
extern "C" fn give_up(_: libc::c_int) {
    const LINE: &[u8] = b"\r\x1b[Kcaseload: stopped waiting (Ctrl-C): nothing was saved\n";
    // SAFETY: write, signal and raise are async-signal-safe; SIGINT is blocked while
    // this runs, so the raised one is delivered, with the default action, on return.
    unsafe {
        libc::write(libc::STDERR_FILENO, LINE.as_ptr().cast(), LINE.len());
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        libc::raise(libc::SIGINT);
    }
}
