//! Speed of the TUI on a large database: start to first frame, keystroke to finished
//! frame (moves, page, search, sort, filter), at the 50th and 99th percentile.
//!
//! Run: `cargo bench --bench tui` (generates `target/bench-<clients>-<schema>.db` once;
//! set `CASELOAD_BENCH_CLIENTS` to change the size, default 100000).
//! Timed assertions do not belong in tests; this prints figures for BENCHMARKS.md.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use caseload::action::Action;
use caseload::app::{App, Session};
use caseload::config::Settings;
use caseload::demo::{self, DemoOptions};
use caseload::store::{Access, Actor, Store, migrate};
use caseload::tui::{initial_app, perform};
use caseload::ui::{self, theme::Theme};
use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date")
}

/// A database of `clients` demo clients, generated once per schema.
fn database(clients: usize) -> PathBuf {
    let hash = migrate::SCHEMA
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("target/bench-{clients}-{hash:016x}.db"));
    if !path.exists() {
        eprintln!("generating {} (once)...", path.display());
        let started = Instant::now();
        let mut store = Store::create(&path).expect("create bench database");
        let actor = Actor {
            login: "bench".to_owned(),
            now: today().and_hms_opt(9, 0, 0).expect("time"),
        };
        demo::generate(
            &mut store,
            &actor,
            &DemoOptions {
                seed: 2014,
                today: today(),
                clients,
            },
        )
        .expect("generate");
        eprintln!("generated in {:.1?}", started.elapsed());
    }
    path
}

fn session() -> Session {
    Session {
        login: "bench".to_owned(),
        worker: None,
        database: "bench.db".to_owned(),
        read_only: true,
        redact: false,
    }
}

/// The sample at `per_cent` (0-100), nearest rank.
fn percentile(samples: &mut [Duration], per_cent: usize) -> Duration {
    samples.sort_unstable();
    samples[((samples.len() - 1) * per_cent).div_ceil(100)]
}

fn report(name: &str, samples: &mut [Duration]) {
    let p50 = percentile(samples, 50);
    let p99 = percentile(samples, 99);
    let max = samples.iter().max().copied().unwrap_or_default();
    println!(
        "{name:<34} n={:<5} p50={p50:>10.2?} p99={p99:>10.2?} max={max:>10.2?}",
        samples.len()
    );
}

/// One keystroke: update, perform any effect, draw the frame.
fn keystroke(
    store: &mut Store,
    app: &mut App,
    terminal: &mut Terminal<TestBackend>,
    action: Action,
) -> Duration {
    let started = Instant::now();
    if let Some(effect) = app.update(action) {
        perform(store, app, effect).expect("effect");
    }
    terminal
        .draw(|f| ui::render(f, app, Theme::COLOUR))
        .expect("draw");
    started.elapsed()
}

/// Where start-up goes: each read of the snapshot, then building the app from it.
fn load_breakdown(path: &std::path::Path, now: chrono::NaiveDateTime, size: (u16, u16)) {
    // Where start-up goes: each read of the snapshot, then building the app.
    let store = Store::open(path, Access::ReadOnly).expect("open");
    let time = |name: &str, f: &dyn Fn()| {
        let mut samples: Vec<Duration> = (0..5)
            .map(|_| {
                let started = Instant::now();
                f();
                started.elapsed()
            })
            .collect();
        report(name, &mut samples);
    };
    time("  load: area summaries", &|| {
        drop(store.area_summaries(today()).expect("areas"));
    });
    time("  load: caseload (everything)", &|| {
        drop(store.caseload(None, None, &[]).expect("caseload"));
    });
    time("  load: outstanding breaches", &|| {
        drop(store.breaches(true).expect("breaches"));
    });
    time("  load: breaches dealt with", &|| {
        drop(store.breaches(false).expect("breaches"));
    });
    time("  load: releases", &|| {
        drop(store.releases().expect("releases"));
    });
    let app = App::new(now, session(), Settings::default(), size);
    let data = caseload::tui::load(&store, &app, now).expect("load");
    time("  derive the queue, indexes, sort orders", &|| {
        data.clone().derive(now, &Settings::default().triage);
    });
    // What the keys wait for when a snapshot arrives (the rest is done by the reader):
    // deriving the lists, and letting go of the snapshot it replaces.
    let mut installs: Vec<Duration> = (0..5)
        .map(|_| {
            let mut fresh = App::new(now, session(), Settings::default(), size);
            fresh.set_data(data.clone());
            let snapshot = data.clone();
            let started = Instant::now();
            fresh.set_data(snapshot);
            started.elapsed()
        })
        .collect();
    report("install a snapshot (keys wait)", &mut installs);
}

fn main() {
    let clients = std::env::var("CASELOAD_BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let path = database(clients);
    let now = today().and_hms_opt(9, 30, 0).expect("time");
    let size = (80, 24);

    // What the TUI does: open, draw at once, and read the snapshot behind the frame.
    let mut first_frames: Vec<Duration> = (0..10)
        .map(|_| {
            let started = Instant::now();
            let store = Store::open(&path, Access::ReadOnly).expect("open");
            let mut app = App::new(now, session(), Settings::default(), size);
            app.loading = true;
            let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
            terminal
                .draw(|f| ui::render(f, &app, Theme::COLOUR))
                .expect("draw");
            drop(store);
            started.elapsed()
        })
        .collect();
    report("start to first frame (reading behind)", &mut first_frames);

    let mut starts: Vec<Duration> = (0..10)
        .map(|_| {
            let started = Instant::now();
            let store = Store::open(&path, Access::ReadOnly).expect("open");
            let app = initial_app(&store, session(), Settings::default(), now, size).expect("load");
            let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
            terminal
                .draw(|f| ui::render(f, &app, Theme::COLOUR))
                .expect("draw");
            started.elapsed()
        })
        .collect();
    report("start to first frame with data (everything)", &mut starts);

    load_breakdown(&path, now, size);

    let mut store = Store::open(&path, Access::ReadOnly).expect("open");
    let mut app = initial_app(&store, session(), Settings::default(), now, size).expect("load");
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    println!("caseload rows in memory: {}", app.data.caseload.len());
    view_keystrokes(&mut store, &mut app, &mut terminal);
    search_keystrokes(&mut store, &mut app, &mut terminal);
    count_the_return(&store, &app);
}

/// Moving, sorting, filtering, opening records and switching views.
fn view_keystrokes(store: &mut Store, app: &mut App, terminal: &mut Terminal<TestBackend>) {
    for (name, setup, actions) in [
        (
            "Today: cursor down",
            vec![Action::ShowView(caseload::app::View::Today)],
            vec![Action::Down; 500],
        ),
        (
            "Caseload: cursor down",
            vec![Action::ShowView(caseload::app::View::Caseload)],
            vec![Action::Down; 500],
        ),
        ("Caseload: page down", vec![], vec![Action::PageDown; 200]),
        (
            "Caseload: sort by next column",
            vec![],
            vec![Action::CycleSort; 14],
        ),
        (
            "Caseload: toggle IOM filter",
            vec![],
            vec![Action::ToggleFilter(caseload::action::FilterChip::Iom); 20],
        ),
        (
            "Caseload: open a client record and back",
            vec![],
            [Action::Enter, Action::Back, Action::Down].repeat(20),
        ),
        (
            "show each view but Report (its return is counted in the background)",
            vec![],
            caseload::app::View::TABS
                .into_iter()
                .filter(|v| *v != caseload::app::View::Report)
                .map(Action::ShowView)
                .collect::<Vec<_>>()
                .repeat(4),
        ),
        (
            "Today: explain the score",
            vec![Action::ShowView(caseload::app::View::Today)],
            vec![Action::Explain; 20],
        ),
    ] {
        for action in setup {
            keystroke(store, app, terminal, action);
        }
        let mut samples: Vec<Duration> = actions
            .into_iter()
            .map(|a| keystroke(store, app, terminal, a))
            .collect();
        report(name, &mut samples);
    }
}

/// The quarterly return, which the background reader counts while the keys stay live.
fn count_the_return(store: &Store, app: &App) {
    let options = app.report_options();
    let mut returns: Vec<Duration> = (0..3)
        .map(|_| {
            let started = Instant::now();
            caseload::report::build(store, &options, today()).expect("return");
            started.elapsed()
        })
        .collect();
    report(
        "count the quarterly return (background reader)",
        &mut returns,
    );
}

/// Fuzzy search over every name: opening it, a query typed and erased, and each letter
/// as the first.
fn search_keystrokes(store: &mut Store, app: &mut App, terminal: &mut Terminal<TestBackend>) {
    let mut opening = Vec::new();
    for _ in 0..10 {
        opening.push(keystroke(store, app, terminal, Action::StartSearch));
        keystroke(store, app, terminal, Action::Cancel);
    }
    report("open the search (builds its texts)", &mut opening);
    keystroke(store, app, terminal, Action::StartSearch);
    let mut samples = Vec::new();
    let mut first = Vec::new();
    for _ in 0..5 {
        for c in "harker".chars() {
            let took = keystroke(store, app, terminal, Action::Input(c));
            if app.search.len() == 1 {
                first.push(took);
            }
            samples.push(took);
        }
        for _ in 0..6 {
            samples.push(keystroke(store, app, terminal, Action::Backspace));
        }
    }
    report("fuzzy search keystroke (all names)", &mut samples);
    report("... the first letter only", &mut first);
    let mut letters = Vec::new();
    for c in 'a'..='z' {
        letters.push(keystroke(store, app, terminal, Action::Input(c)));
        keystroke(store, app, terminal, Action::Backspace);
    }
    report("... each letter a-z as the first", &mut letters);
}
