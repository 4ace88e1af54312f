//! The real terminal: set-up and restore (mouse capture included, on every way out and
//! on panic), suspend to the shell, synchronized drawing, and input read from
//! `/dev/tty` by us (decoded in `input.rs`), with hang-up detection.

use std::collections::VecDeque;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use chrono::NaiveDateTime;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::DefaultTerminal;

use super::input::Decoder;
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
    ///
    /// # Errors
    /// A sentence saying what to do when there is no terminal to take over (output
    /// redirected, or no controlling terminal, as under cron or `ssh` without `-t`).
    pub fn enter(mouse: bool, scrolls: bool) -> Result<Self, String> {
        let no_terminal = |why: &str| {
            format!(
                "caseload's screen needs a terminal ({why}): run it from a terminal (over SSH, \
                 `ssh -t`), or use a subcommand such as `caseload report` in scripts \
                 (`caseload --help` lists them)"
            )
        };
        if !std::io::stdout().is_terminal() {
            return Err(no_terminal("its output is not one"));
        }
        let terminal = ratatui::try_init().map_err(|_| no_terminal("none is attached"))?;
        if mouse {
            release_mouse_on_panic();
        }
        Ok(Self {
            terminal,
            mouse,
            renderer: Renderer::new(scrolls),
        })
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

/// Input from the controlling terminal, read and decoded here rather than by
/// crossterm's reader, time from the wall clock, and the hang-up and terminate signals.
///
/// crossterm's reader (0.29) reads its terminal in a loop that only ends on an event or
/// "would block": on a terminal that has hung up every read gives end-of-file or an
/// I/O error at once, so it loops for ever, and since the terminal is a blocking one
/// it may already be inside a read (an escape sequence cut short, say) when the
/// connection drops. No check of ours before calling it can close that. Here every
/// read is one non-blocking read(2) on our own handle, after poll(2) said there is
/// something: bytes, "nothing yet", end-of-file or an error, and the last two (like
/// POLLHUP) mean the terminal is gone.
pub struct TtyEvents {
    /// Our own handle on the terminal, non-blocking: keys, mouse and hang-up.
    tty: std::fs::File,
    /// Readable once the terminal has been resized (SIGWINCH).
    resized: std::os::unix::net::UnixStream,
    resize_signal: signal_hook::SigId,
    decoder: Decoder,
    /// Events decoded but not yet handed to the loop.
    queue: VecDeque<Event>,
    stop: StopRequest,
    clock: WallClock,
}

impl TtyEvents {
    /// Opens `/dev/tty` for input and catches resizes.
    ///
    /// # Errors
    /// The OS error if there is no controlling terminal or a handler cannot be set.
    pub fn open(stop: StopRequest, clock: WallClock) -> std::io::Result<Self> {
        use std::os::unix::fs::OpenOptionsExt;
        let tty = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open("/dev/tty")?;
        let (resized, signal_end) = std::os::unix::net::UnixStream::pair()?;
        resized.set_nonblocking(true)?;
        let resize_signal =
            signal_hook::low_level::pipe::register(signal_hook::consts::SIGWINCH, signal_end)?;
        Ok(Self {
            tty,
            resized,
            resize_signal,
            decoder: Decoder::default(),
            queue: VecDeque::new(),
            stop,
            clock,
        })
    }

    /// Reads once what the terminal has sent and decodes it; `false` if the terminal
    /// has gone (end-of-file or an I/O error, as a hung-up terminal gives).
    fn read_input(&mut self) -> bool {
        use std::io::Read;
        let mut buffer = [0u8; 1024];
        match self.tty.read(&mut buffer) {
            Ok(0) => false,
            Ok(read) => {
                let events = self.decoder.feed(&buffer[..read], read == buffer.len());
                self.queue.extend(events);
                true
            }
            Err(error) => matches!(
                error.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted
            ),
        }
    }

    /// Empties the resize pipe and reads the terminal's new size.
    fn take_resize(&mut self) -> std::io::Result<Event> {
        use std::io::Read;
        let mut drain = [0u8; 64];
        while matches!(self.resized.read(&mut drain), Ok(n) if n > 0) {}
        let (columns, rows) = crossterm::terminal::size()?;
        Ok(Event::Resize(columns, rows))
    }
}

impl Drop for TtyEvents {
    fn drop(&mut self) {
        signal_hook::low_level::unregister(self.resize_signal);
    }
}

impl Events for TtyEvents {
    fn stopping(&self) -> bool {
        self.stop.requested()
    }

    fn next(&mut self, _app: &App, wait: Duration) -> std::io::Result<Input> {
        if let Some(event) = self.queue.pop_front() {
            return Ok(Input::Event(event));
        }
        Ok(match wait_for_terminal(&self.tty, &self.resized, wait)? {
            TtyState::HungUp => Input::HungUp,
            TtyState::Quiet => Input::Quiet,
            // A signal (hang-up, terminate): the loop looks at it.
            TtyState::Interrupted => Input::Woken,
            TtyState::Resized => Input::Event(self.take_resize()?),
            TtyState::Input if !self.read_input() => Input::HungUp,
            // Part of a key only, until the rest arrives.
            TtyState::Input => self.queue.pop_front().map_or(Input::Woken, Input::Event),
        })
    }

    fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }
}

/// What waiting on the terminal found.
enum TtyState {
    /// Bytes to read.
    Input,
    /// The terminal was resized.
    Resized,
    /// A signal (hang-up, terminate request) ended the wait.
    Interrupted,
    /// Nothing within the wait.
    Quiet,
    /// The terminal hung up: its connection is gone.
    HungUp,
}

/// Waits up to `wait` for the terminal or a resize, with poll(2). A hang-up (POLLHUP)
/// comes first, even with bytes still unread: nobody is there to have meant them.
/// Signals end the wait early (poll(2) is never restarted).
fn wait_for_terminal(
    tty: &std::fs::File,
    resized: &std::os::unix::net::UnixStream,
    wait: Duration,
) -> std::io::Result<TtyState> {
    use std::os::fd::AsRawFd;
    let mut fds = [tty.as_raw_fd(), resized.as_raw_fd()].map(|fd| libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    });
    let timeout = i32::try_from(wait.as_millis()).unwrap_or(i32::MAX);
    // SAFETY: `fds` is an array of two valid pollfds for the duration of the call.
    let ready = unsafe { libc::poll(fds.as_mut_ptr(), 2, timeout) };
    if ready < 0 {
        let error = std::io::Error::last_os_error();
        return match error.kind() {
            std::io::ErrorKind::Interrupted => Ok(TtyState::Interrupted),
            _ => Err(error),
        };
    }
    let [terminal, resize] = fds.map(|fd| fd.revents);
    Ok(
        if terminal & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            TtyState::HungUp
        } else if resize & libc::POLLIN != 0 {
            TtyState::Resized
        } else if terminal & libc::POLLIN != 0 {
            TtyState::Input
        } else {
            TtyState::Quiet
        },
    )
}
