//! Heap used by a snapshot of the large bench database in scope *everything*: what
//! each part of the snapshot and each derived list costs, the peak while a reload is
//! read beside the snapshot on screen (as the background reader does), and the peak
//! while the quarterly return is counted.
//!
//! Run: `cargo bench --bench memory` (after `cargo bench --bench tui` has generated
//! the database; `CASELOAD_BENCH_CLIENTS` picks its size, default 100000).
//! Resident memory of the real binary is measured in tmux (see BENCHMARKS.md); this
//! counts heap bytes, which is what the code controls.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use caseload::action::Done;
use caseload::app::{App, Session};
use caseload::config::Settings;
use caseload::store::{Access, Store};
use chrono::NaiveDate;

/// The system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counters
// only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                - layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mib(bytes: usize) -> String {
    #[allow(clippy::cast_precision_loss)] // a figure to read, not to compute with
    let mib = bytes as f64 / (1024.0 * 1024.0);
    format!("{mib:>7.1} MiB")
}

/// Runs `step`, printing the heap it keeps and the extra it peaked at.
fn measure<T>(name: &str, step: impl FnOnce() -> T) -> T {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let value = step();
    let after = LIVE.load(Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed);
    println!(
        "{name:<40} keeps {}  peak +{}",
        mib(after.saturating_sub(before)),
        mib(peak.saturating_sub(before))
    );
    value
}

fn main() {
    let clients = std::env::var("CASELOAD_BENCH_CLIENTS").unwrap_or_else(|_| "100000".into());
    let Some(path) = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/target"))
        .ok()
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("bench-{clients}-")))
                && p.extension().is_some_and(|e| e == "db")
        })
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
    else {
        eprintln!("no bench database: run `cargo bench --bench tui` first");
        std::process::exit(1);
    };
    let now = NaiveDate::from_ymd_opt(2026, 11, 23)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .expect("valid time");
    let session = Session {
        login: "bench".to_owned(),
        worker: None,
        database: "bench.db".to_owned(),
        read_only: true,
        redact: false,
    };
    let store = measure("open the store", || {
        Store::open(&path, Access::ReadOnly).expect("open")
    });
    let caseload = measure("caseload rows (everything)", || {
        store.caseload(None, None, &[]).expect("caseload")
    });
    println!("  {} rows", caseload.len());
    drop(caseload);
    measure("outstanding breaches", || {
        store.breaches(true).expect("read")
    });
    measure("breaches dealt with", || {
        store.breaches(false).expect("read")
    });
    measure("open custody (releases)", || {
        store.releases().expect("read")
    });
    let data = measure("whole snapshot", || {
        caseload::loader::load_scope(&store, (None, None), now, &Settings::default().triage, &[])
            .expect("load")
    });
    let mut app = App::new(now, session, &Settings::default(), (80, 24));
    measure("install: derived lists and keys", || {
        app.update(Done::Loaded(Box::new(data)))
    });
    println!("  {} Today items", app.data().today.len());
    measure("reload beside the snapshot on screen", || {
        let fresh = caseload::loader::load_scope(
            &store,
            (None, None),
            now,
            &Settings::default().triage,
            &app.data().caseload,
        )
        .expect("load");
        app.update(Done::Loaded(Box::new(fresh)));
    });
    let quarter = caseload::report::ReportOptions {
        period: caseload::domain::period::Period::last_complete_quarter(now.date()),
        area: None,
        suppress_small: false,
        rules: caseload::domain::kpi::Rules::default(),
    };
    measure("the quarterly return's records", || {
        store.report_inputs(&quarter.period).expect("read")
    });
    measure("count the quarterly return", || {
        caseload::report::build(&store, &quarter, now.date()).expect("count")
    });
    println!(
        "heap now {}; process peak resident: {}",
        mib(LIVE.load(Ordering::Relaxed)),
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| s
                .lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_owned))
            .unwrap_or_default()
    );
}
