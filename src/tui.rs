//! Terminal setup and restore, and the event loop: key -> action -> update -> effect
//! -> store -> new snapshot -> draw. Draws only when something changed, so an idle
//! session writes nothing to the terminal.

use std::io::Write;
use std::time::Duration;

use chrono::NaiveDate;
use crossterm::event::{self, Event};
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::DefaultTerminal;

use crate::action::{Action, Effect};
use crate::app::{App, Session};
use crate::keys::{self, KeyBindings};
use crate::store::{Store, StoreResult};
use crate::ui::{self, theme::Theme};
use crate::wallclock::WallClock;

/// Builds the first snapshot: area counts and the first area's caseload.
///
/// # Errors
/// A store error if the reads fail.
pub fn initial_app(
    store: &Store,
    session: Session,
    today: NaiveDate,
    size: (u16, u16),
) -> StoreResult<App> {
    let mut app = App::new(today, session, store.area_summaries(today)?, size);
    if let Some(effect) = app.load_selected_area() {
        perform(store, &mut app, effect)?;
    }
    Ok(app)
}

/// Carries out an effect on the store and installs what it read into the app.
///
/// # Errors
/// A store error.
pub fn perform(store: &Store, app: &mut App, effect: Effect) -> StoreResult<()> {
    match effect {
        Effect::LoadArea(area_id) => app.set_clients(area_id, store.caseload(Some(area_id))?),
        Effect::Quit => {}
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
    clock: WallClock,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, store, session, clock);
    ratatui::restore();
    result
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    store: &Store,
    session: Session,
    clock: WallClock,
) -> Result<(), Box<dyn std::error::Error>> {
    let size = terminal.size()?;
    let mut app = initial_app(store, session, clock.today(), (size.width, size.height))?;
    let bindings = KeyBindings::default();
    let theme = Theme::from_env();
    let mut dirty = true;
    while !app.quitting {
        if dirty {
            draw(terminal, &app, theme)?;
            dirty = false;
        }
        if !event::poll(Duration::from_secs(1))? {
            // Past midnight the rules must see the new day.
            if clock.today() != app.today {
                app = initial_app(store, app.session.clone(), clock.today(), app.size)?;
                dirty = true;
            }
            continue;
        }
        let action = match event::read()? {
            Event::Key(key) => keys::action_for(&bindings, app.show_help, &key),
            Event::Resize(columns, rows) => Some(Action::Resize(columns, rows)),
            _ => None,
        };
        if let Some(action) = action {
            dirty = true;
            if let Some(effect) = app.update(action) {
                perform(store, &mut app, effect)?;
            }
        }
    }
    Ok(())
}

/// Draws one frame inside a synchronized update, so slow links never show half a frame.
fn draw(terminal: &mut DefaultTerminal, app: &App, theme: Theme) -> std::io::Result<()> {
    crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(|frame| ui::render(frame, app, theme))?;
    crossterm::queue!(terminal.backend_mut(), EndSynchronizedUpdate)?;
    terminal.backend_mut().flush()
}
