//! Speed of the TUI on a large database, through the real event loop (a scripted
//! terminal in memory): start to first frame, keystroke to finished frame (moves,
//! page, search, sort, filter), at the 50th and 99th percentile.
//!
//! Run: `cargo bench --bench tui` (generates `target/bench-<clients>-<schema>.db` once;
//! set `CASELOAD_BENCH_CLIENTS` to change the size, default 100000). Set
//! `CASELOAD_BENCH_DB` to an SQLite file or a `postgres://` URL to run it on that
//! database instead (scripts/pg-bench.sh does, on both engines).
//! Timed assertions do not belong in tests; this prints figures for BENCHMARKS.md.
//!
//! Each changed frame is rendered twice, as in production: once off screen, to see
//! whether it differs from the last, and once on the (in-memory) terminal.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use caseload::action::Done;
use caseload::app::{App, Session};
use caseload::config::Settings;
use caseload::demo::{self, DemoOptions};
use caseload::store::{Access, Actor, Store, migrate};
use caseload::tui::script::{Script, Step};
use caseload::tui::{Start, run_with};
use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::KeyCode;
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

/// The database as shown: a URL without its password.
fn shown(db: &Path) -> String {
    caseload::store::postgres_url(db)
        .map_or_else(|| db.display().to_string(), caseload::store::shown_url)
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

/// Where start-up goes: each read of the snapshot, then building the app from it.
fn load_breakdown(path: &Path, now: NaiveDateTime, size: (u16, u16)) {
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
        drop(
            store
                .area_summaries(today(), caseload::domain::clock::ClockStart::default())
                .expect("areas"),
        );
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
    let data =
        caseload::loader::load_scope(&store, (None, None), now, &Settings::default().triage, &[])
            .expect("load");
    time("  derive the queue, indexes, sort orders", &|| {
        data.clone().derive(now, &Settings::default().triage);
    });
    // What the keys wait for when a snapshot arrives (the rest is done by the reader):
    // deriving the lists, and letting go of the snapshot it replaces.
    let mut installs: Vec<Duration> = (0..5)
        .map(|_| {
            let mut fresh = App::new(now, session(), &Settings::default(), size);
            fresh.update(Done::Loaded(Box::new(data.clone())));
            let snapshot = data.clone();
            let started = Instant::now();
            fresh.update(Done::Loaded(Box::new(snapshot)));
            started.elapsed()
        })
        .collect();
    report("install a snapshot (keys wait)", &mut installs);
}

/// Runs the loop on `path` through `steps`, on a terminal of `size`; the script
/// starts timing before the store is opened.
fn run(path: &Path, steps: Vec<Step>, now: NaiveDateTime, size: (u16, u16)) -> (Script, App) {
    let mut script = Script::new(now, steps);
    let mut store = Store::open(path, Access::ReadWrite).expect("open");
    let mut screen = Terminal::new(TestBackend::new(size.0, size.1)).expect("terminal");
    let start = Start {
        session: session(),
        settings: Settings::default(),
        scope: None,
        remembered: None,
    };
    let app = run_with(&mut screen, &mut script, &mut store, start).expect("run");
    (script, app)
}

fn main() {
    let clients = std::env::var("CASELOAD_BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let path =
        std::env::var_os("CASELOAD_BENCH_DB").map_or_else(|| database(clients), PathBuf::from);
    println!("database: {}", shown(&path));
    let now = today().and_hms_opt(9, 30, 0).expect("time");
    let size = (80, 24);

    // What the TUI does: open, draw at once, and read the snapshot behind the frame.
    let (mut first_frames, mut with_data): (Vec<Duration>, Vec<Duration>) = (0..10)
        .map(|_| {
            let (script, _) = run(&path, vec![Step::Settle], now, size);
            (
                script.first_frame().expect("a first frame"),
                script.since_start(0).expect("the frame with data"),
            )
        })
        .unzip();
    report("start to first frame (reading behind)", &mut first_frames);
    report(
        "start to first frame with data (everything)",
        &mut with_data,
    );

    load_breakdown(&path, now, size);

    let mut scenarios = view_keystrokes();
    scenarios.extend(search_keystrokes());
    let mut steps = vec![Step::Settle];
    let mut ranges = Vec::new();
    for (name, setup, keys) in scenarios {
        steps.extend(setup);
        ranges.push((name, steps.len()..steps.len() + keys.len()));
        steps.extend(keys);
    }
    let (script, app) = run(&path, steps, now, size);
    println!("caseload rows in memory: {}", app.data().caseload.len());
    let took: Vec<Duration> = script
        .timings()
        .iter()
        .map(|t| t.answered.map_or(Duration::ZERO, |at| at - t.taken))
        .collect();
    for (name, range) in ranges {
        report(&name, &mut took[range].to_vec());
    }
    count_the_return(&path, &app);
}

/// A benchmark's name, the keys that set it up, and the keys it times.
type Scenario = (String, Vec<Step>, Vec<Step>);

fn keys(code: KeyCode, times: usize) -> Vec<Step> {
    std::iter::repeat_with(|| Step::key(code))
        .take(times)
        .collect()
}

/// `steps` over again, `times` times.
fn repeat(steps: &[Step], times: usize) -> Vec<Step> {
    steps
        .iter()
        .cycle()
        .take(steps.len() * times)
        .cloned()
        .collect()
}

fn char_key(c: char) -> Step {
    Step::key(KeyCode::Char(c))
}

/// Moving, sorting, filtering, opening records and switching views.
fn view_keystrokes() -> Vec<Scenario> {
    let views: Vec<Step> = ('1'..='6').map(char_key).collect();
    vec![
        (
            "Today: cursor down".into(),
            vec![char_key('1')],
            keys(KeyCode::Down, 500),
        ),
        (
            "Caseload: cursor down".into(),
            vec![char_key('3')],
            keys(KeyCode::Down, 500),
        ),
        (
            "Caseload: page down".into(),
            vec![],
            keys(KeyCode::PageDown, 200),
        ),
        (
            "Caseload: sort by next column".into(),
            vec![],
            keys(KeyCode::Char('s'), 14),
        ),
        (
            "Caseload: toggle IOM filter".into(),
            vec![],
            keys(KeyCode::Char('i'), 20),
        ),
        (
            "Caseload: open a client record and back".into(),
            vec![],
            repeat(
                &[
                    Step::key(KeyCode::Enter),
                    Step::key(KeyCode::Esc),
                    Step::key(KeyCode::Down),
                ],
                20,
            ),
        ),
        (
            "show each view but Report (its return is counted in the background)".into(),
            vec![],
            repeat(&views, 4),
        ),
        (
            "Today: explain the score".into(),
            vec![char_key('1')],
            keys(KeyCode::Char('e'), 20),
        ),
        (
            "Areas: Enter on an area (its workers' loads) and back".into(),
            vec![char_key('1'), char_key('2')],
            repeat(
                &[
                    Step::key(KeyCode::Enter),
                    Step::key(KeyCode::Esc),
                    Step::key(KeyCode::Down),
                ],
                10,
            ),
        ),
        (
            "Workers: sort by the next column".into(),
            vec![Step::key(KeyCode::Enter)],
            keys(KeyCode::Char('s'), 14),
        ),
    ]
}

/// Fuzzy search over every name: opening it, a query typed and erased, and each letter
/// as the first.
fn search_keystrokes() -> Vec<Scenario> {
    let opening = repeat(&[char_key('/'), Step::key(KeyCode::Esc)], 10);
    let mut typed = Vec::new();
    for _ in 0..5 {
        typed.extend(Step::typing("harker"));
        typed.extend(keys(KeyCode::Backspace, 6));
    }
    let first_letters = repeat(&[char_key('h'), Step::key(KeyCode::Backspace)], 5);
    let mut letters = Vec::new();
    for c in 'a'..='z' {
        letters.extend([char_key(c), Step::key(KeyCode::Backspace)]);
    }
    vec![
        (
            "open the search and close it (builds its texts)".into(),
            vec![],
            opening,
        ),
        (
            "fuzzy search keystroke (all names)".into(),
            vec![char_key('/')],
            typed,
        ),
        (
            "... a first letter and its Backspace".into(),
            vec![],
            first_letters,
        ),
        (
            "... each letter a-z as the first, and Backspace".into(),
            vec![],
            letters,
        ),
    ]
}

/// The quarterly return, which the background reader counts while the keys stay live.
fn count_the_return(path: &Path, app: &App) {
    let store = Store::open(path, Access::ReadOnly).expect("open");
    let options = app.report_options();
    let mut returns: Vec<Duration> = (0..3)
        .map(|_| {
            let started = Instant::now();
            caseload::report::build(&store, &options, today()).expect("return");
            started.elapsed()
        })
        .collect();
    report(
        "count the quarterly return (background reader)",
        &mut returns,
    );
}
