//! Bytes written to the terminal per `j` once the selection is at the bottom edge of
//! the Caseload list (issue 16), with and without scroll regions, at 80x24 and 200x50.
//!
//! Run: `cargo bench --bench scroll` (generates `target/bench-scroll-<clients>.db` once;
//! set `CASELOAD_BENCH_CLIENTS` to change the size, default 10000). Each frame is drawn
//! as the TUI draws it: inside a synchronized update, through `scroll::Renderer` on a
//! crossterm backend, in the colours of the default settings. Bytes are counted, not
//! timed, so the figures are the same on any machine.

use std::cell::RefCell;
use std::io::Write;
use std::path::PathBuf;
use std::rc::Rc;

use caseload::action::Action;
use caseload::app::{Session, View};
use caseload::config::Settings;
use caseload::demo::{self, DemoOptions};
use caseload::scroll::Renderer;
use caseload::store::{Access, Actor, Store};
use caseload::tui::{initial_app, perform};
use caseload::ui::{self, Ctx, theme::Theme};
use chrono::NaiveDate;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

/// How many `j` are measured once the selection is at the bottom edge.
const STEPS: usize = 200;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date")
}

/// A demo database of `clients` clients, generated once.
fn database(clients: usize) -> PathBuf {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-scroll-{clients}.db"));
    if !path.exists() {
        eprintln!("generating {} (once)...", path.display());
        let mut store = Store::create(&path).expect("create bench database");
        let actor = Actor {
            login: "bench".to_owned(),
            now: today().and_hms_opt(9, 0, 0).expect("time"),
        };
        let options = DemoOptions {
            seed: 2014,
            today: today(),
            clients,
        };
        demo::generate(&mut store, &actor, &options).expect("generate");
    }
    path
}

/// The terminal's bytes, shared so they can be counted after each frame.
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

/// The bytes of each of [`STEPS`] `j` at the bottom edge of the Caseload list.
fn bytes_per_j(path: &std::path::Path, size: (u16, u16), scrolls: bool) -> Vec<usize> {
    let mut store = Store::open(path, Access::ReadOnly).expect("open");
    let session = Session {
        login: "bench".to_owned(),
        worker: None,
        database: "bench.db".to_owned(),
        read_only: true,
        redact: false,
    };
    let settings = Settings::default();
    let ctx = Ctx::new(&settings, Theme::from_settings(&settings));
    let now = today().and_hms_opt(9, 30, 0).expect("time");
    let mut app = initial_app(&store, session, &settings, now, size).expect("load");
    let tape = Tape::default();
    let viewport = Viewport::Fixed(Rect::new(0, 0, size.0, size.1));
    let mut terminal = Terminal::with_options(
        CrosstermBackend::new(tape.clone()),
        TerminalOptions { viewport },
    )
    .expect("terminal");
    let mut renderer = Renderer::new(scrolls);
    let mut press = |action: Action| {
        if let Some(effect) = app.update(action) {
            perform(&mut store, &mut app, effect).expect("effect");
        }
        let backend = terminal.backend_mut();
        crossterm::queue!(backend, BeginSynchronizedUpdate).expect("write");
        renderer
            .draw(&mut terminal, |frame| ui::render(frame, &app, &ctx))
            .expect("draw");
        crossterm::queue!(terminal.backend_mut(), EndSynchronizedUpdate).expect("write");
        tape.0.take().len()
    };
    press(Action::ShowView(View::Caseload));
    // Down to the bottom edge (a screenful is fewer rows than the terminal has).
    for _ in 0..size.1 {
        press(Action::Down);
    }
    (0..STEPS).map(|_| press(Action::Down)).collect()
}

fn main() {
    let clients = std::env::var("CASELOAD_BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let path = database(clients);
    println!(
        "bytes per j at the bottom edge of the Caseload list, {STEPS} steps, {clients} clients"
    );
    for size in [(80, 24), (200, 50)] {
        for (name, scrolls) in [("plain diff", false), ("scroll regions", true)] {
            let bytes = bytes_per_j(&path, size, scrolls);
            let total: usize = bytes.iter().sum();
            println!(
                "{:>3}x{:<3} {name:<15} mean {:>5} B  min {:>5}  max {:>5}",
                size.0,
                size.1,
                total / bytes.len(),
                bytes.iter().min().copied().unwrap_or_default(),
                bytes.iter().max().copied().unwrap_or_default(),
            );
        }
    }
}
