//! Screens rendered on ratatui's `TestBackend` from the demo data with a fixed today,
//! compared with insta snapshots, and the app driven by key events without a terminal.

use caseload::action::{Action, Effect};
use caseload::app::{App, Mode, Scope, Session, View};
use caseload::config::Settings;
use caseload::demo::DEMO_LEAD;
use caseload::keys::KeyBindings;
use caseload::store::Store;
use caseload::tui::{initial_app, perform};
use caseload::ui::{self, theme::Theme};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::common::{at, demo_store};

/// The demo's team leader (Newport), as the demo maps the OS login to.
pub fn lead_session(store: &Store) -> Session {
    let worker = store
        .workers()
        .unwrap()
        .into_iter()
        .find(|w| w.name == DEMO_LEAD);
    Session {
        login: "tester".to_owned(),
        worker,
        database: "demo.db".to_owned(),
        read_only: false,
        redact: false,
    }
}

/// The app on the demo data at 09:30 on the fixed today.
pub fn app_for(store: &Store, size: (u16, u16)) -> App {
    app_as(store, lead_session(store), size)
}

/// The app on the demo data at 09:30 on the fixed today, for `session`.
pub fn app_as(store: &Store, session: Session, size: (u16, u16)) -> App {
    initial_app(
        store,
        session,
        &Settings::default(),
        at("2026-11-23 09:30"),
        size,
    )
    .unwrap()
}

/// The drawing context of the default settings, in `theme`.
pub fn ctx(theme: Theme) -> ui::Ctx {
    ui::Ctx::new(&Settings::default(), theme)
}

/// Renders `app` at its size and returns the screen as text, one line per row.
pub fn screen(app: &App) -> String {
    screen_with(app, &ctx(Theme::MONO))
}

/// Renders `app` at its size with `ctx` and returns the screen as text.
pub fn screen_with(app: &App, ctx: &ui::Ctx) -> String {
    let (width, height) = app.size();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::render(f, app, ctx)).unwrap();
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
pub fn press(store: &mut Store, app: &mut App, keys: &[KeyCode]) {
    for code in keys {
        let event = KeyEvent::new(*code, KeyModifiers::NONE);
        if let Some(action) = KeyBindings::default().action_for(app.mode(), &event) {
            if let Some(effect) = app.update(action) {
                perform(store, app, effect).unwrap();
            }
        }
    }
}

/// Types text in the current input mode.
pub fn type_text(store: &mut Store, app: &mut App, text: &str) {
    let keys: Vec<KeyCode> = text.chars().map(KeyCode::Char).collect();
    press(store, app, &keys);
}

#[test]
fn every_view_at_80x24_and_120x40() {
    let (_dir, mut store) = demo_store();
    for size in [(80, 24), (120, 40)] {
        let mut app = app_for(&store, size);
        for (number, view) in ["1", "2", "3", "4", "5", "6", "7"].iter().zip(View::TABS) {
            press(
                &mut store,
                &mut app,
                &[KeyCode::Char(number.chars().next().unwrap())],
            );
            assert_eq!(app.view(), view);
            insta::assert_snapshot!(
                format!("{}_{}x{}", view.title().replace(' ', "_"), size.0, size.1),
                screen(&app)
            );
        }
        press(&mut store, &mut app, &[KeyCode::Char('3'), KeyCode::Enter]);
        assert_eq!(app.view(), View::Client);
        insta::assert_snapshot!(format!("Client_{}x{}", size.0, size.1), screen(&app));
    }
}

#[test]
fn at_200x50_extra_width_goes_to_names_that_were_cut() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (200, 50));
    for (key, view) in [
        ('1', View::Today),
        ('3', View::Caseload),
        ('4', View::Releases),
    ] {
        press(&mut store, &mut app, &[KeyCode::Char(key)]);
        assert_eq!(app.view(), view);
        let text = screen(&app);
        insta::assert_snapshot!(format!("{}_200x50", view.title()), text);
    }
    // Every co-ordinator on the caseload screen is shown whole.
    press(&mut store, &mut app, &[KeyCode::Char('3')]);
    let text = screen(&app);
    let shown: Vec<&str> = app
        .caseload_list()
        .iter()
        .take(40)
        .map(|entry| app.data().coordinator(&app.data().caseload[entry.row()]))
        .collect();
    for name in shown {
        assert!(text.contains(name), "{name} is cut:\n{text}");
    }
}

#[test]
fn help_lists_the_keys_of_the_current_view() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('3'), KeyCode::Char('?')],
    );
    assert_eq!(app.mode(), Mode::Help);
    let text = screen(&app);
    insta::assert_snapshot!(text);
    assert!(text.contains("filter: IOM"), "caseload keys are listed");
    press(&mut store, &mut app, &[KeyCode::Char('1')]);
    assert_eq!(
        app.view(),
        View::Caseload,
        "only closing keys act while help is open"
    );
    press(
        &mut store,
        &mut app,
        &[KeyCode::Esc, KeyCode::Char('1'), KeyCode::Char('?')],
    );
    assert!(
        !screen(&app).contains("filter: IOM"),
        "not on the Today view"
    );
    press(&mut store, &mut app, &[KeyCode::Esc]);
    assert_eq!(app.mode(), Mode::Normal);
}

#[test]
fn explain_shows_the_terms_that_make_the_score() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(&mut store, &mut app, &[KeyCode::Char('e')]);
    assert_eq!(app.mode(), Mode::Explain);
    let item = &app.data().today[0];
    let text = screen(&app);
    assert!(text.contains("Why this ranks here"), "{text}");
    assert!(
        text.contains(&format!("score {:>20.1}", item.score())),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn today_is_ranked_and_only_shows_active_clients() {
    let (_dir, store) = demo_store();
    let app = app_for(&store, (80, 24));
    assert!(!app.data().today.is_empty());
    let scores: Vec<f64> = app
        .data()
        .today
        .iter()
        .map(caseload::domain::triage::Item::score)
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "highest first");
    for item in &app.data().today {
        let row = app
            .data()
            .caseload
            .iter()
            .find(|r| r.client_id == item.client_id);
        let row = row.expect("every item is a client on the caseload in scope");
        if row.custody.is_some() {
            assert_eq!(
                item.kind(),
                caseload::domain::triage::Kind::Release,
                "custody: release items only"
            );
        }
    }
}

#[test]
fn a_small_terminal_gets_a_clear_message() {
    let (_dir, store) = demo_store();
    let text = screen(&app_for(&store, (40, 10)));
    assert!(text.contains("Terminal too small"), "{text}");
    assert!(text.contains("40x10 now, 64x16 needed"), "{text}");
}

#[test]
fn every_size_down_to_one_cell_shows_the_view_or_says_the_terminal_is_too_small() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    for view in ['1', '2', '3', '4', '5', '6', '7'] {
        press(&mut store, &mut app, &[KeyCode::Char(view)]);
        // Too small for the whole message: as much of it as fits, nothing else.
        for (w, h) in [(1, 1), (2, 1), (1, 2)] {
            app.update(Action::Resize(w, h));
            let shown: String = screen(&app).split_whitespace().collect();
            assert!(
                !shown.is_empty() && "Terminaltoosmall".starts_with(&shown),
                "{w}x{h} on view {view}: {shown:?}"
            );
        }
        for (w, h) in [(63, 16), (64, 15), (200, 5)] {
            app.update(Action::Resize(w, h));
            let text = screen(&app);
            assert!(text.contains("Terminal too small"), "{w}x{h}:\n{text}");
            assert!(text.contains(&format!("{w}x{h} now")), "{w}x{h}:\n{text}");
        }
        for (w, h) in [(64, 16), (300, 100)] {
            app.update(Action::Resize(w, h));
            let text = screen(&app);
            assert!(text.starts_with(" 1 Today  2 Areas"), "{w}x{h}:\n{text}");
            assert!(!text.contains("Terminal too small"), "{w}x{h}:\n{text}");
        }
    }
}

#[test]
fn tab_and_shift_tab_cycle_the_views() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(&mut store, &mut app, &[KeyCode::Tab, KeyCode::Tab]);
    assert_eq!(app.view(), View::Caseload);
    press(
        &mut store,
        &mut app,
        &[KeyCode::BackTab, KeyCode::BackTab, KeyCode::BackTab],
    );
    assert_eq!(app.view(), View::Report, "Shift-Tab wraps to the last tab");
    press(&mut store, &mut app, &[KeyCode::BackTab]);
    assert_eq!(app.view(), View::Review);
}

#[test]
fn an_areas_caseload_by_command_widens_the_scope_and_esc_clears_the_filter() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    let area = app.data().areas[1].clone();
    press(&mut store, &mut app, &[KeyCode::Char(':')]);
    type_text(&mut store, &mut app, &format!("area {}", area.area.name));
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert_eq!(app.view(), View::Caseload);
    let area = app.data().areas[1].clone();
    assert_eq!(app.filter().area.as_ref().map(|a| a.0), Some(area.area.id));
    assert_eq!(
        app.scope(),
        Scope::Everything,
        "another area widens the scope"
    );
    assert_eq!(app.caseload_list().len(), area.active);
    press(&mut store, &mut app, &[KeyCode::Esc]);
    assert_eq!(app.filter().area, None);
}

#[test]
fn sort_cycles_columns_and_reverses() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(&mut store, &mut app, &[KeyCode::Char('3')]);
    let names: Vec<String> = app
        .caseload_list()
        .iter()
        .map(|e| app.data().caseload[e.row()].label.family().to_owned())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted, "by name at first");
    press(
        &mut store,
        &mut app,
        &[
            KeyCode::Char('s'),
            KeyCode::Char('s'),
            KeyCode::Char('s'),
            KeyCode::Char('s'),
        ],
    );
    assert_eq!(app.sort(), caseload::app::lists::SortKey::Clock);
    let starts: Vec<_> = app
        .caseload_list()
        .iter()
        .filter_map(|e| app.data().caseload[e.row()].episode.care_plan_date)
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "longest on the caseload first"
    );
    press(&mut store, &mut app, &[KeyCode::Char('S')]);
    let reversed: Vec<_> = app
        .caseload_list()
        .iter()
        .filter_map(|e| app.data().caseload[e.row()].episode.care_plan_date)
        .collect();
    assert!(reversed.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn filter_chips_combine() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('3'), KeyCode::Char('i'), KeyCode::Char('w')],
    );
    assert!(!app.caseload_list().is_empty());
    for e in app.caseload_list() {
        let row = &app.data().caseload[e.row()];
        assert!(row.flags.iom);
        assert!((app.today() - row.episode.care_plan_date.unwrap()).num_days() >= 70);
    }
    assert!(screen(&app).contains("[IOM] [wk11+]"));
    press(&mut store, &mut app, &[KeyCode::Char('x')]);
    assert_eq!(app.caseload_list().len(), app.data().caseload.len());
}

#[test]
fn scope_cycles_from_my_area_to_everything_to_mine() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    assert_eq!(
        app.scope(),
        Scope::MyArea,
        "a team leader starts on their area"
    );
    let area_count = app.data().caseload.len();
    press(&mut store, &mut app, &[KeyCode::Char('o')]);
    assert_eq!(app.scope(), Scope::Everything);
    assert!(app.data().caseload.len() > area_count);
    press(&mut store, &mut app, &[KeyCode::Char('o')]);
    assert_eq!(app.scope(), Scope::Mine);
    assert!(
        app.data().caseload.is_empty(),
        "the demo lead holds no clients"
    );
}

#[test]
fn command_line_completes_and_runs() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(&mut store, &mut app, &[KeyCode::Char(':')]);
    type_text(&mut store, &mut app, "rel");
    press(&mut store, &mut app, &[KeyCode::Tab]);
    assert_eq!(
        app.input(),
        "rel",
        "releases and reload both fit: nothing to add"
    );
    type_text(&mut store, &mut app, "e");
    press(&mut store, &mut app, &[KeyCode::Tab]);
    assert_eq!(app.input(), "releases ");
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert_eq!(app.view(), View::Releases);

    press(&mut store, &mut app, &[KeyCode::Char(':')]);
    type_text(&mut store, &mut app, "area ca");
    press(&mut store, &mut app, &[KeyCode::Tab]);
    assert_eq!(app.input(), "area Caerphilly ");
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert_eq!(app.view(), View::Caseload);
    assert_eq!(
        app.filter().area.as_ref().map(|a| a.1.as_str()),
        Some("Caerphilly")
    );

    press(&mut store, &mut app, &[KeyCode::Char(':')]);
    type_text(&mut store, &mut app, "client c-1010");
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert_eq!(app.view(), View::Client);
    assert_eq!(app.client().unwrap().profile.reference, "C-1010");

    press(&mut store, &mut app, &[KeyCode::Char(':')]);
    type_text(&mut store, &mut app, "frobnicate");
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert!(
        app.message()
            .unwrap()
            .contains("unknown command :frobnicate")
    );
    press(&mut store, &mut app, &[KeyCode::Char(':')]);
    type_text(&mut store, &mut app, "client C-99999");
    press(&mut store, &mut app, &[KeyCode::Enter]);
    assert_eq!(app.message(), Some("no client with reference 'C-99999'"));
}

#[test]
fn breaches_tab_switches_and_overdue_come_first() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('o'), KeyCode::Char('5')],
    );
    let deadlines: Vec<_> = app
        .breach_list()
        .iter()
        .map(|&i| app.data().breaches[i].deadline)
        .collect();
    assert!(
        deadlines.windows(2).all(|w| w[0] <= w[1]),
        "earliest deadline, so overdue, first"
    );
    assert!(screen(&app).contains("OVERDUE"));
    press(&mut store, &mut app, &[KeyCode::Char('t')]);
    assert!(
        app.breach_list()
            .iter()
            .all(|&i| app.data().dealt_with[i].resolution_date.is_some())
    );
}

#[test]
fn the_selection_scrolls_into_view_and_stops_at_the_ends() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('3'), KeyCode::Char('G')],
    );
    let last = app.caseload_list().len() - 1;
    assert_eq!(app.cursor().selected, last);
    assert_eq!(app.cursor().offset, last + 1 - app.visible_rows());
    let name = app.data().caseload[app.caseload_list()[last].row()].display_name();
    assert!(screen(&app).contains(name));
    press(&mut store, &mut app, &[KeyCode::Down]);
    assert_eq!(app.cursor().selected, last);
    press(&mut store, &mut app, &[KeyCode::Char('g'), KeyCode::Up]);
    assert_eq!((app.cursor().selected, app.cursor().offset), (0, 0));
}

#[test]
fn reload_keeps_the_selected_client() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(
        &mut store,
        &mut app,
        &[
            KeyCode::Char('3'),
            KeyCode::Char('j'),
            KeyCode::Char('j'),
            KeyCode::Char('j'),
        ],
    );
    let before = app.selected_client_id();
    press(&mut store, &mut app, &[KeyCode::Char('r')]);
    assert_eq!(app.selected_client_id(), before);
}

#[test]
fn quit_suspend_and_redraw_are_effects_for_the_loop() {
    let (_dir, store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    assert!(matches!(app.update(Action::Redraw), Some(Effect::Redraw)));
    assert!(matches!(app.update(Action::Suspend), Some(Effect::Suspend)));
    assert!(matches!(app.update(Action::Quit), Some(Effect::Quit)));
    assert!(app.quitting());
}

#[test]
fn control_characters_in_names_never_reach_the_terminal() {
    assert_eq!(
        ui::safe("Ann\u{1b}[2J\u{202e}Lee\u{7}"),
        "Ann\\u{1B}[2J\\u{202E}Lee\\u{7}"
    );
}

#[test]
fn redact_hides_names_dates_of_birth_and_nhs_numbers_on_every_view() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (120, 40));
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('o'), KeyCode::Char('R')],
    );
    assert!(app.redact());
    let names: Vec<String> = app
        .data()
        .caseload
        .iter()
        .map(|r| r.display_name().to_owned())
        .collect();
    for view in ['1', '2', '3', '4', '5', '6'] {
        press(&mut store, &mut app, &[KeyCode::Char(view)]);
        let text = screen(&app);
        for name in &names {
            assert!(
                !text.contains(name.as_str()),
                "{name} shown on view {view}:\n{text}"
            );
        }
    }
    press(&mut store, &mut app, &[KeyCode::Char('3'), KeyCode::Enter]);
    let text = screen(&app);
    let profile = app.client().unwrap().profile.clone();
    assert!(
        !text.contains(&format!("{}, {}", profile.family_name, profile.given_name)),
        "{text}"
    );
    assert!(
        text.contains(&profile.reference),
        "the reference stays: {text}"
    );
    assert!(
        text.contains("date of birth and NHS number hidden"),
        "{text}"
    );
    press(&mut store, &mut app, &[KeyCode::Char('R')]);
    assert!(screen(&app).contains(&format!("{}, {}", profile.family_name, profile.given_name)));
}

#[test]
fn a_colleagues_commit_refreshes_the_lists_and_says_so() {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, (80, 24));
    press(
        &mut store,
        &mut app,
        &[KeyCode::Char('3'), KeyCode::Char('j'), KeyCode::Char('j')],
    );
    let selected = app.selected_client_id();
    let effect = app
        .update(caseload::action::Action::ChangedElsewhere)
        .unwrap();
    perform(&mut store, &mut app, effect).unwrap();
    assert_eq!(
        app.selected_client_id(),
        selected,
        "the selection stays on the same client"
    );
    assert!(screen(&app).contains("| updated 09:30"), "{}", screen(&app));
}

#[test]
fn the_first_frame_says_the_caseload_is_being_read() {
    let (_dir, store) = demo_store();
    let mut app = App::new(
        at("2026-11-23 09:30"),
        lead_session(&store),
        &Settings::default(),
        (80, 24),
    );
    assert!(app.update(Action::Reload).is_some(), "the snapshot is read");
    let text = screen(&app);
    assert!(text.contains("Reading the caseload (my area)..."), "{text}");
    assert!(text.contains("| reading..."), "{text}");
    assert!(
        !text.contains("No clients"),
        "no false 'empty' message while reading: {text}"
    );
}
