//! The real binary in a real pseudo-terminal: a tmux server of its own (private
//! socket), read back with `capture-pane` and typed into with `send-keys`. Waits poll
//! the screen; their limit only stops a broken build hanging the run.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// How long a wait for text on the screen may take before the test fails.
const PATIENCE: Duration = Duration::from_secs(90);

/// One tmux server with one session running one command; killed when dropped.
pub struct Tmux {
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmux {
    /// Runs the shell command `command` in a new 120x35 terminal.
    pub fn start(command: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let tmux = Self {
            socket: dir.path().join("tmux.sock"),
            _dir: dir,
        };
        let status = tmux
            .command()
            .args(["new-session", "-d", "-x", "120", "-y", "35", command])
            .status()
            .expect("tmux is installed (.ci/run installs it)");
        assert!(status.success(), "tmux could not start {command}");
        tmux
    }

    fn command(&self) -> Command {
        let mut command = Command::new("tmux");
        command.arg("-S").arg(&self.socket);
        command
    }

    /// The text on the screen now.
    pub fn screen(&self) -> String {
        let output = self
            .command()
            .args(["capture-pane", "-p"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Waits until the screen shows `text`, and returns the screen.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("the screen to show {text:?}"), |screen| {
            screen.contains(text)
        })
    }

    /// Waits until `ready` holds for the screen, and returns the screen.
    pub fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "gave up waiting for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Presses keys by tmux name ("Enter", "Tab", "n").
    pub fn keys(&self, keys: &[&str]) {
        let status = self.command().arg("send-keys").args(keys).status().unwrap();
        assert!(status.success());
    }

    /// Types `text` literally.
    pub fn type_text(&self, text: &str) {
        let status = self
            .command()
            .args(["send-keys", "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Appends everything the command writes to its terminal from now on to `path`.
    pub fn record_output(&self, path: &std::path::Path) {
        let status = self
            .command()
            .args(["pipe-pane", "-O"])
            .arg(format!("cat >> '{}'", path.display()))
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Closes the terminal, as a dropped connection does: the command gets SIGHUP and
    /// its terminal hangs up. Returns once the terminal is closed: `kill-server` only
    /// asks the server to go, and on a loaded machine the server may still be closing
    /// its terminals after the request returns, so a test acting "after the hang-up"
    /// (such as letting go of a lock the command waits for) could otherwise act first.
    pub fn hang_up(&self) {
        let server = self.server_pid();
        let _ = self
            .command()
            .arg("kill-server")
            .stderr(std::process::Stdio::null())
            .status();
        if let Some(pid) = server {
            eventually("the tmux server to close its terminal", || {
                ended(pid).then_some(())
            });
        }
    }

    /// The process id of the command the terminal runs (the shell, unless it `exec`s).
    pub fn pane_pid(&self) -> u32 {
        let output = self
            .command()
            .args(["display-message", "-p", "#{pane_pid}"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .unwrap()
    }

    /// The tmux server's process id, if it is still running.
    fn server_pid(&self) -> Option<u32> {
        let output = self
            .command()
            .args(["display-message", "-p", "#{pid}"])
            .stderr(std::process::Stdio::null())
            .output()
            .ok()?;
        String::from_utf8_lossy(&output.stdout).trim().parse().ok()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.hang_up();
    }
}

/// Whether process `pid` has ended (its open files, a terminal among them, are then
/// closed), whether or not its parent has reaped it yet.
pub fn ended(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return true;
    };
    // The state follows the command name in parentheses, which may hold spaces.
    let state = stat
        .rsplit_once(") ")
        .and_then(|(_, rest)| rest.chars().next());
    matches!(state, Some('Z' | 'X'))
}

/// Polls `done` until it holds (for effects outside the screen, such as a row in the
/// database), failing with `what` after the same patience as the screen waits.
pub fn eventually<T>(what: &str, mut done: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(value) = done() {
            return value;
        }
        assert!(start.elapsed() < PATIENCE, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
