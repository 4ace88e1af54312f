//! Scroll regions (issue 16): the bytes the renderer writes are replayed through a
//! terminal emulator (the `vt100` crate), and the emulated screen must equal the frame
//! ratatui rendered after every step: of random frames that shift, and of a long
//! random walk of keys on the demo database.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use caseload::app::App;
use caseload::keys::KeyBindings;
use caseload::scroll::{Renderer, Scroll, supported_by};
use caseload::store::Store;
use caseload::tui::perform;
use caseload::ui::{self, theme::Theme};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::backend::{Backend, ClearType, CrosstermBackend};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::{Terminal, TerminalOptions, Viewport};

use crate::common::{as_login, demo_store};
use crate::tmux::{Tmux, eventually};
use crate::ui::app_for;

/// Where the terminal's bytes go: shared, so the test can take them after each frame.
#[derive(Clone, Default)]
struct Tape(Rc<RefCell<Vec<u8>>>);

impl Write for Tape {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A terminal of `size` writing into memory, and the emulator its bytes are played on.
struct Screen {
    terminal: Terminal<CrosstermBackend<Tape>>,
    tape: Tape,
    emulator: vt100::Parser,
    renderer: Renderer,
    /// Bytes written over all frames.
    written: usize,
}

impl Screen {
    fn new((width, height): (u16, u16), scrolls: bool) -> Self {
        let viewport = Viewport::Fixed(Rect::new(0, 0, width, height));
        let tape = Tape::default();
        let terminal = Terminal::with_options(
            CrosstermBackend::new(tape.clone()),
            TerminalOptions { viewport },
        )
        .unwrap();
        let emulator = vt100::Parser::new(height.try_into().unwrap(), width.try_into().unwrap(), 0);
        Self {
            terminal,
            tape,
            emulator,
            renderer: Renderer::new(scrolls),
            written: 0,
        }
    }

    /// Draws one frame, plays its bytes, and returns them.
    fn draw(&mut self, render: impl FnOnce(&mut ratatui::Frame)) -> Vec<u8> {
        self.renderer.draw(&mut self.terminal, render).unwrap();
        let bytes = self.tape.0.take();
        self.emulator.process(&bytes);
        self.written += bytes.len();
        bytes
    }

    /// Draws `buffer` as it is.
    fn draw_buffer(&mut self, buffer: &Buffer) -> Vec<u8> {
        self.draw(|frame| frame.buffer_mut().merge(buffer))
    }

    /// Clears the screen, as the Redraw key does (`Terminal::clear` asks a real terminal
    /// where its cursor is, so this does the rest of what it does).
    fn clear(&mut self) {
        self.terminal
            .backend_mut()
            .clear_region(ClearType::All)
            .unwrap();
        let area = self.terminal.current_buffer_mut().area;
        *self.terminal.current_buffer_mut() = Buffer::empty(area);
        self.terminal.swap_buffers();
        self.renderer.forget();
        let bytes = self.tape.0.take();
        self.emulator.process(&bytes);
    }

    /// Panics, naming the first difference, unless the emulated screen shows `buffer`.
    fn assert_shows(&self, buffer: &Buffer, step: &str) {
        let screen = self.emulator.screen();
        for y in 0..buffer.area.height {
            for x in 0..buffer.area.width {
                let expected = &buffer[(x, y)];
                let seen = screen.cell(y, x).unwrap();
                let contents = if seen.has_contents() {
                    seen.contents()
                } else {
                    " "
                };
                let wanted = (
                    expected.symbol(),
                    emulated(expected.fg),
                    emulated(expected.bg),
                    expected.modifier.contains(Modifier::BOLD),
                    expected.modifier.contains(Modifier::REVERSED),
                    expected.modifier.contains(Modifier::UNDERLINED),
                );
                let shown = (
                    contents,
                    seen.fgcolor(),
                    seen.bgcolor(),
                    seen.bold(),
                    seen.inverse(),
                    seen.underline(),
                );
                assert_eq!(
                    shown,
                    wanted,
                    "{step}: cell ({x}, {y}) differs; the screen reads\n{}",
                    screen.contents()
                );
            }
        }
    }
}

/// The colour the emulator records for a ratatui colour, as crossterm writes it.
fn emulated(colour: Color) -> vt100::Color {
    match colour {
        Color::Reset => vt100::Color::Default,
        Color::Black => vt100::Color::Idx(0),
        Color::Red => vt100::Color::Idx(1),
        Color::Green => vt100::Color::Idx(2),
        Color::Yellow => vt100::Color::Idx(3),
        Color::Blue => vt100::Color::Idx(4),
        Color::Magenta => vt100::Color::Idx(5),
        Color::Cyan => vt100::Color::Idx(6),
        Color::Gray => vt100::Color::Idx(7),
        Color::DarkGray => vt100::Color::Idx(8),
        Color::LightRed => vt100::Color::Idx(9),
        Color::LightGreen => vt100::Color::Idx(10),
        Color::LightYellow => vt100::Color::Idx(11),
        Color::LightBlue => vt100::Color::Idx(12),
        Color::LightMagenta => vt100::Color::Idx(13),
        Color::LightCyan => vt100::Color::Idx(14),
        Color::White => vt100::Color::Idx(15),
        Color::Indexed(index) => vt100::Color::Idx(index),
        Color::Rgb(r, g, b) => vt100::Color::Rgb(r, g, b),
    }
}

/// Names for the rows of [`list_frame`], so that neighbouring rows differ as names do.
const NAMES: [&str; 11] = [
    "Harker",
    "Okafor",
    "Delahaye",
    "Nowak",
    "Pritchard",
    "Ahmed",
    "Llewellyn",
    "Byrne",
    "Kowalski",
    "Evans",
    "Mensah",
];

/// A frame of `height` rows: a title, `rows` of a list starting at item `first`
/// (item `selected` highlighted), and a status line.
fn list_frame(width: u16, height: u16, first: usize, selected: usize) -> Buffer {
    let mut buffer = Buffer::empty(Rect::new(0, 0, width, height));
    buffer.set_string(0, 0, "Caseload", ratatui::style::Style::new().bold());
    for y in 1..height - 1 {
        let item = first + usize::from(y) - 1;
        let style = if item == selected {
            ratatui::style::Style::new().reversed()
        } else {
            ratatui::style::Style::new().fg(Color::Cyan)
        };
        let name = NAMES[item % NAMES.len()];
        let worker = NAMES[item * 7 % NAMES.len()];
        buffer.set_string(
            0,
            y,
            format!("│ C-{item:<6} {name:<12} {worker:>10} {}", item * 37 % 365),
            style,
        );
    }
    buffer.set_string(
        0,
        height - 1,
        format!("{} of 500", selected + 1),
        ratatui::style::Style::new(),
    );
    buffer
}

#[test]
fn a_list_moved_by_one_row_is_sent_as_one_scroll_and_its_new_rows() {
    let (width, height) = (80, 24);
    let before = list_frame(width, height, 0, 21);
    let after = list_frame(width, height, 1, 22);
    assert_eq!(
        Scroll::between(&before, &after),
        Some(Scroll {
            top: 1,
            bottom: 21,
            rows: 1
        })
    );
    let mut scrolling = Screen::new((width, height), true);
    let mut plain = Screen::new((width, height), false);
    for screen in [&mut scrolling, &mut plain] {
        screen.draw_buffer(&before);
    }
    let scrolled = scrolling.draw_buffer(&after);
    let rewritten = plain.draw_buffer(&after);
    scrolling.assert_shows(&after, "scroll regions");
    plain.assert_shows(&after, "plain diff");
    let text = String::from_utf8_lossy(&scrolled);
    // The highlighted bottom row stays where it is: only its text changes.
    assert!(text.contains("\x1b[2;22r\x1b[S\x1b[r"), "{text:?}");
    assert!(
        scrolled.len() * 4 < rewritten.len(),
        "{} bytes with a scroll region, {} without",
        scrolled.len(),
        rewritten.len()
    );
}

#[test]
fn a_list_moved_down_is_scrolled_down() {
    let before = list_frame(60, 20, 10, 10);
    let after = list_frame(60, 20, 7, 7);
    let scroll = Scroll::between(&before, &after).unwrap();
    assert_eq!(scroll.rows, -3);
    let mut screen = Screen::new((60, 20), true);
    screen.draw_buffer(&before);
    let bytes = screen.draw_buffer(&after);
    assert!(String::from_utf8_lossy(&bytes).contains("\x1b[3T"));
    screen.assert_shows(&after, "after SD");
}

#[test]
fn a_frame_that_did_not_move_is_not_scrolled() {
    let before = list_frame(60, 20, 0, 3);
    let after = list_frame(60, 20, 0, 4);
    assert_eq!(Scroll::between(&before, &after), None);
    assert_eq!(Scroll::between(&before, &before), None);
    // A page further on shares no rows with this one.
    assert_eq!(Scroll::between(&before, &list_frame(60, 20, 18, 18)), None);
}

#[test]
fn only_terminals_known_to_scroll_regions_get_them() {
    for term in [
        "xterm-256color",
        "xterm",
        "screen",
        "screen-256color",
        "tmux-256color",
        "alacritty",
        "st-256color",
    ] {
        assert!(supported_by(Some(term)), "{term}");
    }
    for term in ["dumb", "linux", "vt52", "cons25", ""] {
        assert!(!supported_by(Some(term)), "{term}");
    }
    assert!(!supported_by(None));
}

/// One step of a random frame sequence: the list moves by `moved` rows (negative:
/// back), the selection moves, and `edits` cells change anywhere.
#[derive(Debug, Clone)]
struct Step {
    moved: i8,
    selected: u8,
    edits: Vec<(u8, u8, char, u8)>,
    clear: bool,
}

fn step() -> impl Strategy<Value = Step> {
    (
        -4_i8..=4,
        any::<u8>(),
        prop::collection::vec(
            (
                any::<u8>(),
                any::<u8>(),
                prop::char::range('a', 'z'),
                0_u8..8,
            ),
            0..6,
        ),
        prop::bool::weighted(0.05),
    )
        .prop_map(|(moved, selected, edits, clear)| Step {
            moved,
            selected,
            edits,
            clear,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever moves and changes, the emulated screen is the frame, with and without
    /// scroll regions.
    #[test]
    fn random_frames_reach_the_emulated_screen_intact(
        width in 10_u16..100,
        height in 3_u16..40,
        steps in prop::collection::vec(step(), 1..40),
    ) {
        let mut screens = [Screen::new((width, height), true), Screen::new((width, height), false)];
        let mut first = 1000_usize;
        for (number, step) in steps.iter().enumerate() {
            first = first.saturating_add_signed(isize::from(step.moved));
            let selected = first + usize::from(step.selected) % usize::from(height);
            let mut frame = list_frame(width, height, first, selected);
            for &(x, y, letter, colour) in &step.edits {
                let cell: &mut Cell = &mut frame[(u16::from(x) % width, u16::from(y) % height)];
                cell.set_char(letter).set_fg(Color::Indexed(colour));
            }
            for screen in &mut screens {
                if step.clear {
                    screen.clear();
                }
                screen.draw_buffer(&frame);
                screen.assert_shows(&frame, &format!("step {number}"));
            }
        }
    }
}

/// A small random number generator (xorshift), so the walk is the same every run.
struct Walk(u64);

impl Walk {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n as u64).unwrap()
    }

    /// The next key: mostly moves, sometimes a page, an end, a view, a search.
    fn key(&mut self) -> Vec<KeyCode> {
        let pick = self.below(100);
        match pick {
            0..40 => vec![KeyCode::Char('j')],
            40..60 => vec![KeyCode::Char('k')],
            60..66 => vec![KeyCode::PageDown],
            66..70 => vec![KeyCode::PageUp],
            70..73 => vec![KeyCode::Char('G')],
            73..76 => vec![KeyCode::Char('g')],
            76..81 => vec![KeyCode::Tab],
            81..84 => vec![KeyCode::Enter],
            84..90 => vec![KeyCode::Esc],
            _ => {
                let letter = char::from(b'a' + u8::try_from(self.below(26)).unwrap());
                vec![KeyCode::Char('/'), KeyCode::Char(letter)]
            }
        }
    }
}

/// Presses `keys` through the real key table, carrying out their effects.
fn press(store: &mut Store, app: &mut App, keys: &[KeyCode]) -> bool {
    let mut redraw = false;
    for code in keys {
        let event = KeyEvent::new(*code, KeyModifiers::NONE);
        if let Some(action) = KeyBindings::default().action_for(app.mode(), &event)
            && let Some(effect) = app.update(action)
        {
            match effect {
                caseload::action::Effect::Redraw => redraw = true,
                caseload::action::Effect::Quit | caseload::action::Effect::Suspend => {}
                effect => perform(store, app, effect).unwrap(),
            }
        }
    }
    redraw
}

/// Walks `steps` random keys on the demo at `size`, checking the emulated screen
/// after each against the frame ratatui rendered; returns the bytes written with and
/// without scroll regions.
fn walk(size: (u16, u16), steps: usize) -> (usize, usize) {
    let (_dir, mut store) = demo_store();
    let mut app = app_for(&store, size);
    let mut screens = [Screen::new(size, true), Screen::new(size, false)];
    let mut walk = Walk(0x2014_1123);
    let ctx = crate::ui::ctx(Theme::COLOUR);
    for step in 0..steps {
        let keys = walk.key();
        if press(&mut store, &mut app, &keys) {
            for screen in &mut screens {
                screen.clear();
            }
        }
        for screen in &mut screens {
            let mut rendered = None;
            screen.draw(|frame| {
                ui::render(frame, &app, &ctx);
                rendered = Some(frame.buffer_mut().clone());
            });
            screen.assert_shows(&rendered.unwrap(), &format!("step {step} after {keys:?}"));
        }
    }
    (screens[0].written, screens[1].written)
}

#[test]
fn a_long_random_walk_of_keys_shows_every_frame_intact_at_80x24() {
    let (scrolling, plain) = walk((80, 24), 1500);
    assert!(
        scrolling < plain,
        "{scrolling} bytes with scroll regions, {plain} without"
    );
}

#[test]
fn a_long_random_walk_of_keys_shows_every_frame_intact_at_200x50() {
    let (scrolling, plain) = walk((200, 50), 800);
    assert!(
        scrolling < plain,
        "{scrolling} bytes with scroll regions, {plain} without"
    );
}

/// What the real binary, in tmux, writes for three `j` past the bottom edge of the
/// Caseload list, with `config` as the user's config file.
fn real_binary_scrolling(config: &str) -> String {
    let (dir, mut store) = demo_store();
    let me = caseload::store::Actor {
        login: caseload::identity::os_login(),
        ..as_login("x")
    };
    caseload::demo::claim_demo_lead(&mut store, &me).unwrap();
    let config_dir = dir.path().join("config/caseload");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(config_dir.join("config.toml"), config).unwrap();
    let terminal = Tmux::start(&format!(
        "env XDG_CONFIG_HOME={} XDG_STATE_HOME={} {} --db {} --today 2026-11-23; sleep 600",
        dir.path().join("config").display(),
        dir.path().join("state").display(),
        env!("CARGO_BIN_EXE_caseload"),
        store.path().display()
    ));
    terminal.wait_for("things to do");
    terminal.keys(&["3"]);
    terminal.wait_for(" Caseload (");
    terminal.keys(&["j"; 40]);
    terminal.wait_for(" 41/");
    let output = dir.path().join("output");
    terminal.record_output(&output);
    terminal.keys(&["j", "j", "j"]);
    terminal.wait_for(" 44/");
    // Each frame ends its synchronized update.
    eventually("the third frame in the recording", || {
        let bytes = std::fs::read(&output).ok()?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        (text.matches("\x1b[?2026l").count() >= 3).then_some(text)
    })
}

#[test]
fn the_real_binary_scrolls_with_the_region_unless_the_config_says_not_to() {
    let scrolled = real_binary_scrolling("");
    assert!(scrolled.contains("r\x1b[S\x1b[r"), "{scrolled:?}");
    let plain = real_binary_scrolling("scroll_regions = false\n");
    assert!(!plain.contains("\x1b[S"), "{plain:?}");
}

#[test]
fn a_short_unchanged_run_between_changes_is_written_not_skipped() {
    let row = |text: &str| {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 30, 5));
        buffer.set_string(0, 2, text, ratatui::style::Style::new());
        buffer
    };
    let mut bridged = Screen::new((30, 5), true);
    let mut plain = Screen::new((30, 5), false);
    for screen in [&mut bridged, &mut plain] {
        screen.draw_buffer(&row("Harker, Ann"));
    }
    // Two unchanged cells cost less than the cursor move past them (ESC[3;5H).
    let near = row("Hxrkxr, Ann");
    let written = String::from_utf8_lossy(&bridged.draw_buffer(&near)).into_owned();
    assert!(written.contains("xrkx"), "{written:?}");
    let skipped = String::from_utf8_lossy(&plain.draw_buffer(&near)).into_owned();
    assert!(!skipped.contains("xrkx"), "{skipped:?}");
    // Nine cost more: they are skipped.
    let far = row("Xxrkxr, AnX");
    let written = String::from_utf8_lossy(&bridged.draw_buffer(&far)).into_owned();
    assert!(!written.contains("xrkxr"), "{written:?}");
    bridged.assert_shows(&far, "bridged");
    plain.draw_buffer(&far);
    plain.assert_shows(&far, "plain");
}
