//! The mouse, when the config turns it on: the wheel and left clicks become actions
//! through the real translation, and `App::update` handles them without a terminal;
//! one click also goes the whole way, from a real terminal (tmux) through caseload's
//! own reader and escape-sequence decoder.

use caseload::app::{App, Mode, View};
use caseload::config::{Settings, parse};
use caseload::keys::mouse_action;
use caseload::store::Store;
use caseload::tui::perform;
use caseload::ui::{self, theme::Theme};
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

use crate::common::demo_store;
use crate::ui::{app_for, press, screen};

/// Screen row of the first list row: tab bar, then the list's border and header.
const FIRST_ROW: u16 = 3;

fn event(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
    MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }
}

/// Sends a mouse event through the real translation and update, performing effects.
fn send(store: &mut Store, app: &mut App, kind: MouseEventKind, column: u16, row: u16) {
    if let Some(action) = mouse_action(app.mode(), &event(kind, column, row)) {
        if let Some(effect) = app.update(action) {
            perform(store, app, effect).unwrap();
        }
    }
}

fn click(store: &mut Store, app: &mut App, column: u16, row: u16) {
    send(
        store,
        app,
        MouseEventKind::Down(MouseButton::Left),
        column,
        row,
    );
}

/// The body rows drawn in reverse video: where the mono theme shows the selection.
fn highlighted_rows(app: &App) -> Vec<u16> {
    let mut terminal = Terminal::new(TestBackend::new(app.size().0, app.size().1)).unwrap();
    terminal
        .draw(|f| ui::render(f, app, &crate::ui::ctx(Theme::MONO)))
        .unwrap();
    let buffer = terminal.backend().buffer();
    (1..app.size().1)
        .filter(|&y| buffer[(2, y)].modifier.contains(Modifier::REVERSED))
        .collect()
}

#[test]
fn the_mouse_is_off_unless_the_config_turns_it_on() {
    assert!(!Settings::default().mouse);
    assert!(!parse("").unwrap().mouse);
    assert!(parse("mouse = true\n").unwrap().mouse);
    let error = parse("colour = true\nmouse = \"yes\"\n").unwrap_err();
    assert!(error.starts_with("line 2:"), "{error}");
}

#[test]
fn a_wheel_notch_moves_the_selection_three_rows() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(&mut store, &mut app, &[KeyCode::Char('3')]);
    assert!(app.list_len() > 9, "the demo caseload is long enough");
    for _ in 0..3 {
        send(&mut store, &mut app, MouseEventKind::ScrollDown, 10, 5);
    }
    assert_eq!(app.cursor().selected, 9);
    send(&mut store, &mut app, MouseEventKind::ScrollUp, 10, 5);
    assert_eq!(app.cursor().selected, 6);
    assert_eq!(highlighted_rows(&app), vec![FIRST_ROW + 6]);
}

#[test]
fn a_click_selects_the_row_drawn_under_it_in_every_list() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    for (key, view) in ['1', '2', '3', '4', '5', '6'].into_iter().zip(View::TABS) {
        // Scrolled, so the click must add the window's offset.
        press(
            &mut store,
            &mut app,
            &[KeyCode::Char(key), KeyCode::PageDown],
        );
        assert_eq!(app.view(), view);
        let offset = app.cursor().offset;
        if view == View::Caseload {
            assert!(offset > 0, "the caseload is scrolled");
        }
        for row in [FIRST_ROW, FIRST_ROW + 2] {
            let expected = offset + usize::from(row - FIRST_ROW);
            if expected >= app.list_len() {
                continue;
            }
            click(&mut store, &mut app, 10, row);
            assert_eq!(app.cursor().selected, expected, "{view:?} row {row}");
            assert_eq!(highlighted_rows(&app), vec![row], "{view:?} row {row}");
        }
    }
}

#[test]
fn clicks_outside_the_list_rows_change_nothing() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('3'), KeyCode::Down, KeyCode::Down],
    );
    let before = app.cursor();
    // Border, header, left border, status line, footer.
    for (column, row) in [(10, 1), (10, 2), (0, 5), (79, 5), (10, 22), (10, 23)] {
        click(&mut store, &mut app, column, row);
        assert_eq!(
            (app.view(), app.cursor()),
            (View::Caseload, before),
            "{column},{row}"
        );
    }
    // Below the last area: the legend.
    press(&mut store, &mut app, &[KeyCode::Char('2')]);
    let areas = app.cursor();
    let below = FIRST_ROW + u16::try_from(app.list_len()).unwrap() + 1;
    click(&mut store, &mut app, 10, below);
    assert_eq!(app.cursor(), areas);
    // The client record scrolls text: there is no row to select.
    press(&mut store, &mut app, &[KeyCode::Char('3'), KeyCode::Enter]);
    assert_eq!(app.view(), View::Client);
    let record = app.cursor();
    click(&mut store, &mut app, 10, 6);
    assert_eq!((app.view(), app.cursor()), (View::Client, record));
}

#[test]
fn a_click_on_a_tab_title_shows_that_view() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    let tabs = screen(&app).lines().next().unwrap().to_owned();
    for (title, view) in [
        ("Caseload", View::Caseload),
        ("Report", View::Report),
        ("Today", View::Today),
    ] {
        let column = u16::try_from(tabs.find(title).unwrap() + 1).unwrap();
        click(&mut store, &mut app, column, 0);
        assert_eq!(app.view(), view, "{title}");
    }
    assert!(
        screen(&app).lines().nth(1).unwrap().contains("Today"),
        "{}",
        screen(&app)
    );
}

#[test]
fn the_mouse_does_nothing_while_a_popup_form_or_prompt_is_open() {
    for mode in [
        Mode::Help,
        Mode::Explain,
        Mode::Menu,
        Mode::Form,
        Mode::Search,
    ] {
        for kind in [
            MouseEventKind::ScrollDown,
            MouseEventKind::Down(MouseButton::Left),
        ] {
            assert_eq!(mouse_action(mode, &event(kind, 10, 5)), None, "{mode:?}");
        }
    }
    assert_eq!(
        mouse_action(
            Mode::Normal,
            &event(MouseEventKind::Down(MouseButton::Right), 10, 5)
        ),
        None,
        "only the left button selects"
    );
}

#[test]
fn the_help_mentions_the_mouse_only_when_it_is_on() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(&mut store, &mut app, &[KeyCode::Char('?')]);
    assert!(!screen(&app).contains("Mouse:"));
    let mut ctx = crate::ui::ctx(Theme::MONO);
    ctx.mouse = true;
    assert!(crate::ui::screen_with(&app, &ctx).contains("Mouse: wheel moves, click selects"));
}

#[test]
fn a_click_in_a_real_terminal_reaches_the_app_through_caseload_s_own_reader() {
    let (_dir, store, _) = crate::locks::demo_for_me();
    let config = store.path().parent().unwrap().join("config/caseload");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "mouse = true\n").unwrap();
    let terminal = crate::tmux::Tmux::start(&crate::locks::caseload(store.path()));
    let first = terminal.wait_for("things to do");
    let tabs = first.lines().next().unwrap();
    // An SGR press and release (1-based column and row) on the Breaches tab's title.
    let column = tabs.find("5 Breaches").unwrap() + 2;
    let mut keys = vec!["-H".to_owned()];
    for report in [
        format!("\x1b[<0;{column};1M"),
        format!("\x1b[<0;{column};1m"),
    ] {
        keys.extend(report.bytes().map(|b| format!("{b:02x}")));
    }
    terminal.keys(&keys.iter().map(String::as_str).collect::<Vec<_>>());
    terminal.wait_for("Breaches (my area)");
}
