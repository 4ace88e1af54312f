//! Screens rendered on ratatui's `TestBackend` from the demo data with a fixed today,
//! compared with insta snapshots, and the app driven by key events without a terminal.

use caseload::action::Action;
use caseload::app::{App, Pane, Session};
use caseload::keys::{KeyBindings, action_for};
use caseload::store::Store;
use caseload::tui::{initial_app, perform};
use caseload::ui::{self, theme::Theme};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::common::{demo_store, today};

fn session() -> Session {
    Session {
        login: "tester".to_owned(),
        worker: None,
        database: "demo.db".to_owned(),
        read_only: true,
    }
}

fn app_for(store: &Store, size: (u16, u16)) -> App {
    initial_app(store, session(), today(), size).unwrap()
}

/// Renders `app` at its size and returns the screen as text, one line per row.
fn screen(app: &App) -> String {
    let (width, height) = app.size;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::render(f, app, Theme::MONO)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sends keys through the real key table, performing effects on the store.
fn press(store: &Store, app: &mut App, keys: &[KeyCode]) {
    let bindings = KeyBindings::default();
    for code in keys {
        let event = KeyEvent::new(*code, KeyModifiers::NONE);
        if let Some(action) = action_for(&bindings, app.show_help, &event) {
            if let Some(effect) = app.update(action) {
                perform(store, app, effect).unwrap();
            }
        }
    }
}

#[test]
fn areas_screen_at_80x24() {
    let (_dir, store) = demo_store();
    insta::assert_snapshot!(screen(&app_for(&store, (80, 24))));
}

#[test]
fn areas_screen_at_120x40() {
    let (_dir, store) = demo_store();
    insta::assert_snapshot!(screen(&app_for(&store, (120, 40))));
}

#[test]
fn help_lists_the_keys() {
    let (_dir, store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(&store, &mut app, &[KeyCode::Char('?')]);
    insta::assert_snapshot!(screen(&app));
    press(&store, &mut app, &[KeyCode::Esc]);
    assert!(!app.show_help);
}

#[test]
fn a_small_terminal_gets_a_clear_message() {
    let (_dir, store) = demo_store();
    let text = screen(&app_for(&store, (40, 10)));
    assert!(text.contains("Terminal too small"), "{text}");
    assert!(text.contains("40x10 now, 64x16 needed"), "{text}");
}

#[test]
fn rendering_never_panics_down_to_one_cell() {
    let (_dir, store) = demo_store();
    for (w, h) in [
        (1, 1),
        (2, 1),
        (1, 2),
        (63, 16),
        (64, 15),
        (64, 16),
        (200, 5),
    ] {
        let _ = screen(&app_for(&store, (w, h)));
    }
}

#[test]
fn moving_down_the_areas_loads_that_areas_caseload() {
    let (_dir, store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    let first = app.clients_area;
    press(&store, &mut app, &[KeyCode::Char('j'), KeyCode::Down]);
    assert_eq!(app.area_cursor.selected, 2);
    assert_ne!(app.clients_area, first);
    assert_eq!(app.clients_area, app.selected_area().map(|a| a.area.id));
    assert_eq!(app.clients.len(), app.selected_area().unwrap().active);
}

#[test]
fn enter_moves_focus_to_clients_and_esc_back() {
    let (_dir, store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(&store, &mut app, &[KeyCode::Enter]);
    assert_eq!(app.focus, Pane::Clients);
    press(&store, &mut app, &[KeyCode::Char('j'), KeyCode::Char('j')]);
    assert_eq!(app.client_cursor.selected, 2);
    assert_eq!(
        app.area_cursor.selected, 0,
        "j moves in the focused pane only"
    );
    press(&store, &mut app, &[KeyCode::Esc]);
    assert_eq!(app.focus, Pane::Areas);
}

#[test]
fn the_selection_scrolls_into_view_and_stops_at_the_ends() {
    let (_dir, store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(&store, &mut app, &[KeyCode::Tab, KeyCode::Char('G')]);
    let last = app.clients.len() - 1;
    assert_eq!(app.client_cursor.selected, last);
    let visible = app.client_rows_visible();
    assert_eq!(app.client_cursor.offset, last + 1 - visible);
    let text = screen(&app);
    assert!(text.contains(&app.clients[last].display_name()), "{text}");
    press(&store, &mut app, &[KeyCode::Down]);
    assert_eq!(app.client_cursor.selected, last);
    press(&store, &mut app, &[KeyCode::Char('g'), KeyCode::Up]);
    assert_eq!(
        (app.client_cursor.selected, app.client_cursor.offset),
        (0, 0)
    );
}

#[test]
fn quit_is_an_action() {
    let (_dir, store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    assert_eq!(
        app.update(Action::Quit),
        Some(caseload::action::Effect::Quit)
    );
    assert!(app.quitting);
}

#[test]
fn control_characters_in_names_never_reach_the_terminal() {
    assert_eq!(ui::safe("Ann\u{1b}[2J\u{202e}Lee\u{7}"), "Ann?[2J?Lee?");
}
