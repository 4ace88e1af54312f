//! The terminal side: the event loop ([`run_with`]) that turns input into actions for
//! `App::update`, has the effects it returns carried out ([`effects`]) and draws; the
//! terminal it runs on in production ([`run`]); and the two seams between them, a
//! [`Screen`] to draw on and [`Events`] to read, so that tests and benchmarks run the
//! same loop, reader, hang-up handling and frame comparison on a [`script::Script`]
//! and an in-memory terminal.

mod access;
pub mod effects;
mod event_loop;
mod frames;
mod input;
mod memory;
pub mod script;
mod terminal;

use std::time::Duration;

use chrono::NaiveDateTime;
use crossterm::event::Event;

use crate::app::{App, Scope, Session};
use crate::config::Settings;
use crate::signals::StopRequest;
use crate::state::Remembered;
use crate::store::Store;
use crate::ui::Ctx;
use crate::wallclock::WallClock;

pub use effects::{initial_app, offer_drafts, perform};
pub use event_loop::{Start, run_with};

/// What the loop draws on.
pub trait Screen {
    /// The size in (columns, rows).
    ///
    /// # Errors
    /// The terminal's I/O error.
    fn size(&self) -> std::io::Result<(u16, u16)>;

    /// Draws one frame of `app`: the one step a different renderer wraps.
    ///
    /// # Errors
    /// The terminal's I/O error.
    fn draw(&mut self, app: &App, ctx: &Ctx) -> std::io::Result<()>;

    /// Clears the screen, so the next frame is drawn in full.
    ///
    /// # Errors
    /// The terminal's I/O error.
    fn clear(&mut self) -> std::io::Result<()>;

    /// Gives the terminal back to the shell until the user resumes (Ctrl-Z).
    ///
    /// # Errors
    /// The terminal's I/O error.
    fn suspend(&mut self) -> std::io::Result<()>;
}

/// Where the loop's input and time come from.
pub trait Events {
    /// Whether the session has been asked to end (hang-up or terminate signal).
    fn stopping(&self) -> bool;

    /// The next input, waiting at most `wait`; `app` is the state last drawn.
    ///
    /// # Errors
    /// The terminal's I/O error.
    fn next(&mut self, app: &App, wait: Duration) -> std::io::Result<Input>;

    /// The time now (the app's clock: only its minute matters).
    fn now(&self) -> NaiveDateTime;
}

/// What waiting for input found.
#[derive(Debug)]
pub enum Input {
    /// A key, mouse or resize event.
    Event(Event),
    /// Something to look at before waiting again (a signal, or only part of a key).
    Woken,
    /// Nothing within the wait: time for the once-a-second checks.
    Quiet,
    /// The terminal has gone: keep the open form as a draft and leave.
    HungUp,
}

/// Runs the TUI on the user's terminal until they quit. The terminal is restored on
/// return, on error, on hang-up and (through ratatui's panic hook, and ours for the
/// mouse) on panic.
///
/// # Errors
/// A terminal or store error.
pub fn run(
    store: &mut Store,
    session: Session,
    settings: Settings,
    clock: WallClock,
    scope: Option<Scope>,
) -> Result<(), Box<dyn std::error::Error>> {
    let stop = StopRequest::install()?;
    let remembered = Remembered::for_user(store.path());
    let scrolls = settings.scroll_regions
        && crate::scroll::supported_by(std::env::var("TERM").ok().as_deref());
    let mut tty = terminal::Tty::enter(settings.mouse, scrolls)?;
    let result = tty.capture_mouse().map_err(Into::into).and_then(|()| {
        let mut events = terminal::TtyEvents::open(stop, clock)?;
        let start = Start {
            session,
            settings,
            scope,
            remembered,
        };
        run_with(&mut tty, &mut events, store, start).map(drop)
    });
    tty.leave();
    result
}
