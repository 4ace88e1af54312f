//! Terminal setup and restore, and the event loop: key -> action -> update -> effect
//! -> store -> new snapshot -> draw. Draws only when something changed, so an idle
//! session writes nothing to the terminal.

use std::io::Write;
use std::time::Duration;

use chrono::NaiveDateTime;
use crossterm::event::{self, Event};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::DefaultTerminal;

use crate::action::{Action, Effect};
use crate::app::{App, Data, Session, View};
use crate::config::Settings;
use crate::report;
use crate::store::{Store, StoreResult};
use crate::ui::{self, theme::Theme};
use crate::wallclock::WallClock;

/// Reads the snapshot for the app's scope at `now`.
///
/// # Errors
/// A store error.
pub fn load(store: &Store, app: &App, now: NaiveDateTime) -> StoreResult<Data> {
    let (area, worker) = app.scope_limits();
    Ok(Data {
        areas: store.area_summaries(now.date())?,
        workers: store.workers()?,
        caseload: store.caseload(area, worker)?,
        breaches: store.breaches(true)?,
        dealt_with: store.breaches(false)?,
        releases: store.releases()?,
        loaded_at: Some(now),
    })
}

/// Builds the app and its first snapshot.
///
/// # Errors
/// A store error.
pub fn initial_app(
    store: &Store,
    session: Session,
    settings: Settings,
    now: NaiveDateTime,
    size: (u16, u16),
) -> StoreResult<App> {
    let mut app = App::new(now, session, settings, size);
    let data = load(store, &app, now)?;
    app.set_data(data);
    Ok(app)
}

/// Carries out a store effect and installs what it read. Terminal effects (quit,
/// suspend, redraw) are the loop's and pass through untouched.
///
/// # Errors
/// A store error.
pub fn perform(store: &Store, app: &mut App, effect: &Effect) -> StoreResult<()> {
    match effect {
        Effect::Reload => {
            let data = load(store, app, app.now)?;
            app.set_data(data);
            if app.view == View::Report {
                app.set_report(report::build(store, &app.report_options(), app.today())?);
            }
        }
        Effect::OpenClient(id) => app.open_client(store.client_record(*id)?),
        Effect::OpenClientByReference(reference) => {
            match store.client_id_by_reference(reference)? {
                Some(id) => app.open_client(store.client_record(id)?),
                None => app.message = Some(format!("no client with reference '{reference}'")),
            }
        }
        Effect::LoadReport(options) => app.set_report(report::build(store, options, app.today())?),
        Effect::Quit | Effect::Suspend | Effect::Redraw => {}
    }
    Ok(())
}

/// Runs the TUI until the user quits. The terminal is restored on return, on error and
/// (through ratatui's panic hook) on panic.
///
/// # Errors
/// A terminal or store error.
pub fn run(
    store: &Store,
    session: Session,
    settings: Settings,
    clock: WallClock,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, store, session, settings, clock);
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    store: &Store,
    session: Session,
    settings: Settings,
    clock: WallClock,
) -> Result<(), Box<dyn std::error::Error>> {
    let theme = if settings.colour {
        Theme::from_env()
    } else {
        Theme::MONO
    };
    let size = terminal.size()?;
    let mut app = initial_app(
        store,
        session,
        settings,
        clock.now(),
        (size.width, size.height),
    )?;
    let mut dirty = true;
    while !app.quitting {
        if dirty {
            draw(terminal, &app, theme)?;
            dirty = false;
        }
        if !event::poll(Duration::from_secs(1))? {
            // Countdowns move by the minute; redraw only when the minute changes.
            let now = clock.now();
            if now.format("%H%M").to_string() != app.now.format("%H%M").to_string() {
                dirty = true;
                if let Some(effect) = app.update(Action::Tick(now)) {
                    perform(store, &mut app, &effect)?;
                }
            }
            continue;
        }
        let action = match event::read()? {
            Event::Key(key) => app.keys.action_for(app.mode, &key),
            Event::Resize(columns, rows) => Some(Action::Resize(columns, rows)),
            _ => None,
        };
        let Some(action) = action else { continue };
        dirty = true;
        match app.update(action) {
            Some(Effect::Redraw) => terminal.clear()?,
            Some(Effect::Suspend) => suspend(terminal)?,
            Some(effect) => {
                if let Err(error) = perform(store, &mut app, &effect) {
                    app.message = Some(error.to_string());
                }
            }
            None => {}
        }
    }
    Ok(())
}

/// Gives the terminal back to the shell and stops (as Ctrl-Z does in any program),
/// then takes it back and repaints once resumed.
fn suspend(terminal: &mut DefaultTerminal) -> std::io::Result<()> {
    ratatui::restore();
    // SAFETY: raising SIGTSTP on our own process has no memory-safety preconditions.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    *terminal = ratatui::init();
    terminal.clear()
}

/// Draws one frame inside a synchronized update, so slow links never show half a frame.
fn draw(terminal: &mut DefaultTerminal, app: &App, theme: Theme) -> std::io::Result<()> {
    crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(|frame| ui::render(frame, app, theme))?;
    crossterm::queue!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    terminal.backend_mut().flush()
}
