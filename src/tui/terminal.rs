//! The real terminal: set-up and restore (mouse capture included, on every way out and
//! on panic), suspend to the shell, synchronized drawing, and input from `/dev/tty`
//! with hang-up detection.

use std::io::Write;
use std::time::Duration;

use chrono::NaiveDateTime;
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::DefaultTerminal;

use super::{Events, Input, Screen};
use crate::app::App;
use crate::scroll::Renderer;
use crate::signals::StopRequest;
use crate::ui::{self, Ctx};
use crate::wallclock::WallClock;

/// The user's terminal in raw mode on the alternate screen, with the mouse captured
/// when the settings ask for it.
pub struct Tty {
    terminal: DefaultTerminal,
    mouse: bool,
    renderer: Renderer,
}

impl Tty {
    /// Takes the terminal over (ratatui's panic hook restores it; ours, chained
    /// before it, lets go of the mouse first). Lists that move are moved with the
    /// terminal's scroll region if `scrolls`.
    pub fn enter(mouse: bool, scrolls: bool) -> Self {
        let terminal = ratatui::init();
        if mouse {
            release_mouse_on_panic();
        }
        Self {
            terminal,
            mouse,
            renderer: Renderer::new(scrolls),
        }
    }

    /// Turns mouse reporting on, if the settings ask for it.
    ///
    /// # Errors
    /// The terminal's I/O error.
    pub fn capture_mouse(&self) -> std::io::Result<()> {
        if self.mouse {
            capture_mouse(true)
        } else {
            Ok(())
        }
    }

    /// Gives the terminal back to the shell as it was.
    pub fn leave(self) {
        if self.mouse {
            // After a hang-up there is no terminal to tell: nothing to do about an error.
            let _ = capture_mouse(false);
        }
        ratatui::restore();
    }
}

impl Screen for Tty {
    fn size(&self) -> std::io::Result<(u16, u16)> {
        let size = self.terminal.size()?;
        Ok((size.width, size.height))
    }

    fn draw(&mut self, app: &App, ctx: &Ctx) -> std::io::Result<()> {
        draw(&mut self.terminal, &mut self.renderer, app, ctx)
    }

    fn clear(&mut self) -> std::io::Result<()> {
        self.renderer.forget();
        self.terminal.clear()
    }

    fn suspend(&mut self) -> std::io::Result<()> {
        self.renderer.forget();
        suspend(&mut self.terminal, self.mouse)
    }
}

/// Turns the terminal's mouse reporting on or off. It must be off again on every way
/// out, or the shell left behind receives mouse escape codes as typing.
fn capture_mouse(on: bool) -> std::io::Result<()> {
    if on {
        crossterm::execute!(std::io::stdout(), EnableMouseCapture)
    } else {
        crossterm::execute!(std::io::stdout(), DisableMouseCapture)
    }
}

/// Chains a panic hook that turns mouse reporting off before the previous hook
/// (ratatui's, which restores the rest of the terminal) runs.
fn release_mouse_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = capture_mouse(false);
        previous(info);
    }));
}

/// Gives the terminal back to the shell and stops (as Ctrl-Z does in any program),
/// then takes it back (with the mouse, if captured) and repaints once resumed.
fn suspend(terminal: &mut DefaultTerminal, mouse: bool) -> std::io::Result<()> {
    if mouse {
        capture_mouse(false)?;
    }
    ratatui::restore();
    // SAFETY: raising SIGTSTP on our own process has no memory-safety preconditions.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    // What `ratatui::init` does, without chaining one more panic hook per resume.
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(
        terminal.backend_mut(),
        crossterm::terminal::EnterAlternateScreen
    )?;
    if mouse {
        capture_mouse(true)?;
    }
    terminal.clear()
}

/// Draws one frame inside a synchronized update, so slow links never show half a frame,
/// moving rows with the scroll region where that writes less (see [`Renderer`]).
fn draw(
    terminal: &mut DefaultTerminal,
    renderer: &mut Renderer,
    app: &App,
    ctx: &Ctx,
) -> std::io::Result<()> {
    crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    renderer.draw(terminal, |frame| ui::render(frame, app, ctx))?;
    crossterm::queue!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    terminal.backend_mut().flush()
}

/// Input from the controlling terminal, time from the wall clock, and the hang-up and
/// terminate signals.
pub struct TtyEvents {
    /// Our own handle on the terminal, to notice a hang-up (see [`wait_for_terminal`]).
    tty: std::fs::File,
    stop: StopRequest,
    clock: WallClock,
}

impl TtyEvents {
    /// Opens `/dev/tty` for hang-up detection.
    ///
    /// # Errors
    /// The OS error if there is no controlling terminal.
    pub fn open(stop: StopRequest, clock: WallClock) -> std::io::Result<Self> {
        let tty = std::fs::OpenOptions::new().read(true).open("/dev/tty")?;
        Ok(Self { tty, stop, clock })
    }
}

impl Events for TtyEvents {
    fn stopping(&self) -> bool {
        self.stop.requested()
    }

    fn next(&mut self, _app: &App, wait: Duration) -> std::io::Result<Input> {
        // A hang-up first: crossterm's poll would spin on it for ever (see below), and
        // it may have come while the loop was busy (a key typed, then the connection
        // dropped during a long read).
        if let TtyState::HungUp = wait_for_terminal(&self.tty, Duration::ZERO)? {
            return Ok(Input::HungUp);
        }
        if event::poll(Duration::ZERO)? {
            return Ok(Input::Event(event::read()?));
        }
        Ok(match wait_for_terminal(&self.tty, wait)? {
            TtyState::HungUp => Input::HungUp,
            // A key, or a signal such as a resize: crossterm reads it next time round.
            TtyState::Ready => Input::Woken,
            TtyState::Quiet => Input::Quiet,
        })
    }

    fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }
}

/// What waiting on the terminal found.
enum TtyState {
    /// Input, or a signal (resize, hang-up request) to look at.
    Ready,
    /// Nothing within the wait.
    Quiet,
    /// The terminal hung up: its connection is gone.
    HungUp,
}

/// Waits up to `wait` for the terminal, with poll(2) on our own handle to it.
///
/// crossterm's reader spins for ever on a terminal that has hung up (its read loop
/// only stops on "would block"), so a dropped SSH connection would leave a session
/// busy on the shared server. Waiting here first sees the hang-up (POLLHUP) and lets
/// the loop save drafts and leave; crossterm only reads once input is there. Signals
/// end the wait early (poll(2) is never restarted), so resizes arrive at once.
fn wait_for_terminal(tty: &std::fs::File, wait: Duration) -> std::io::Result<TtyState> {
    use std::os::fd::AsRawFd;
    let mut fds = libc::pollfd {
        fd: tty.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    let timeout = i32::try_from(wait.as_millis()).unwrap_or(i32::MAX);
    // SAFETY: `fds` is one valid pollfd for the duration of the call.
    let ready = unsafe { libc::poll(&raw mut fds, 1, timeout) };
    if ready < 0 {
        let error = std::io::Error::last_os_error();
        return match error.kind() {
            std::io::ErrorKind::Interrupted => Ok(TtyState::Ready),
            _ => Err(error),
        };
    }
    Ok(
        if fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            TtyState::HungUp
        } else if ready == 0 {
            TtyState::Quiet
        } else {
            TtyState::Ready
        },
    )
}
