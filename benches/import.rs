//! How long a large import holds the write lock: a 600,000-row contacts file applied
//! to a demo database, timed in its two steps (read, check and prepare outside any
//! write transaction; then the one `BEGIN IMMEDIATE` transaction) and as a dry run
//! (the same write on a private copy, which takes no lock).
//! The lock is timed as a colleague sees it: a second connection notes when the
//! import announces that it holds the lock and when its own `BEGIN IMMEDIATE` goes
//! through (the apply's own time also counts the checkpoint after its commit, which
//! holds no lock).
//!
//! Run: `cargo bench --bench import` (generates `target/bench-import-<clients>-<schema>.db`
//! once, then copies it for each run; `CASELOAD_BENCH_CLIENTS` changes the demo size,
//! default 20000, and `CASELOAD_BENCH_ROWS` the file's rows, default 600000).
//! Timed assertions do not belong in tests; this prints figures for BENCHMARKS.md.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use caseload::demo::{self, DemoOptions};
use caseload::domain::substances::AlcoholRule;
use caseload::store::{Access, Actor, Store, migrate};
use caseload::transfer::import::{self, Rules};
use caseload::transfer::parse::Kind;
use chrono::{Days, NaiveDate};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date")
}

fn actor() -> Actor {
    Actor {
        login: "bench".to_owned(),
        now: today().and_hms_opt(9, 0, 0).expect("time"),
    }
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A demo database of `clients` clients whose team lead is `bench`, generated once.
fn database(clients: usize) -> PathBuf {
    let hash = migrate::SCHEMA
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("target/bench-import-{clients}-{hash:016x}.db"));
    if !path.exists() {
        eprintln!("generating {} (once)...", path.display());
        let mut store = Store::create(&path).expect("create bench database");
        let options = DemoOptions {
            seed: 2014,
            today: today(),
            clients,
        };
        demo::generate(&mut store, &actor(), &options).expect("generate");
        demo::claim_demo_lead(&mut store, &actor()).expect("claim the demo lead");
    }
    path
}

/// `rows` contacts by `bench` for the clients in the lead's area, one a minute per
/// client going back from today, all new to the database.
fn contacts_file(store: &Store, rows: usize) -> String {
    let lead = store
        .worker_by_login("bench")
        .expect("read")
        .expect("the lead");
    let mut references: Vec<String> = store
        .import_keys()
        .expect("clients")
        .clients
        .into_iter()
        .filter(|(_, (_, c))| Some(c.area_id) == lead.area_id)
        .map(|(reference, _)| reference)
        .collect();
    references.sort();
    let mut file = String::from("client_reference,worker,contact_at,kind,note\n");
    for n in 0..rows {
        let client = &references[n % references.len()];
        let step = u64::try_from(n / references.len()).expect("fits");
        let day = today() - Days::new(1 + step / 480);
        let minute = step % 480;
        writeln!(
            file,
            "{client},bench,{day} {:02}:{:02},phone,bench call {n}",
            8 + minute / 60,
            minute % 60
        )
        .expect("write");
    }
    file
}

/// CPU time (user and system) this process has used: on a busy shared machine, what
/// the work itself costs, whatever else is running.
fn cpu() -> Duration {
    // SAFETY: `getrusage` fills the zeroed struct it is given and nothing else.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &raw mut usage);
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// A colleague's connection to `db`, on its own thread until `stop`: once a writer
/// announces itself in the side file, it notes the process's CPU time and then tries
/// `BEGIN IMMEDIATE` every millisecond; once that goes through, it sends how long the
/// lock was held and the CPU time used meanwhile.
fn colleague(db: &Path, stop: Arc<AtomicBool>) -> mpsc::Receiver<(Duration, Duration)> {
    let (send, receive) = mpsc::channel();
    let side_file = caseload::store::share::with_suffix(db, "-writer");
    let mut conn = rusqlite::Connection::open(db).expect("a colleague's connection");
    conn.busy_timeout(Duration::ZERO).expect("no busy wait");
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            if !side_file.exists() {
                std::thread::sleep(Duration::from_micros(200));
                continue;
            }
            let (taken, cpu_taken) = (Instant::now(), cpu());
            loop {
                if let Ok(tx) =
                    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                {
                    let held = (taken.elapsed(), cpu().saturating_sub(cpu_taken));
                    drop(tx);
                    let _ = send.send(held);
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    });
    receive
}

fn main() {
    let clients = setting("CASELOAD_BENCH_CLIENTS", 20_000);
    let rows = setting("CASELOAD_BENCH_ROWS", 600_000);
    let base = database(clients);
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = Rules {
        today: today(),
        alcohol: AlcoholRule::NotPrimary,
    };
    let file = {
        let store = Store::open(&base, Access::ReadOnly).expect("open");
        contacts_file(&store, rows)
    };
    println!("{rows} contacts into a {clients}-client demo database");
    let mut holds: Vec<Duration> = Vec::new();
    let mut cpus: Vec<Duration> = Vec::new();
    for run in 0..3 {
        let path = dir.path().join(format!("run-{run}.db"));
        std::fs::copy(&base, &path).expect("copy");
        let mut store = Store::open(&path, Access::ReadWrite).expect("open copy");
        let started = Instant::now();
        let plan = import::plan_file(&store, Kind::Contacts, file.as_bytes(), "bench", rules)
            .expect("plan");
        let planned = started.elapsed();
        assert!(plan.problems.is_empty(), "{:?}", &plan.problems[..3]);
        let started = Instant::now();
        let stop = Arc::new(AtomicBool::new(false));
        let seen = colleague(&path, Arc::clone(&stop));
        let dry = import::dry_run(&mut store, &actor(), &plan).expect("dry run");
        let dried = started.elapsed();
        let (started, cpu_before) = (Instant::now(), cpu());
        let outcome = import::apply(&mut store, &actor(), &plan).expect("apply");
        let (applied, applied_cpu) = (started.elapsed(), cpu().saturating_sub(cpu_before));
        let (held, held_cpu) = seen.recv().expect("the apply's lock");
        stop.store(true, Ordering::Relaxed);
        assert!(outcome.written && outcome.created == rows && dry.created == rows);
        println!(
            "run {run}: read, check and prepare (no lock) {planned:>8.2?}; \
             dry run {dried:>8.2?} (no lock); \
             apply {applied:>8.2?} (CPU {applied_cpu:>8.2?}): \
             write lock held {held:>8.2?} (CPU {held_cpu:>8.2?})"
        );
        holds.push(held);
        cpus.push(held_cpu);
    }
    holds.sort_unstable();
    cpus.sort_unstable();
    println!(
        "write lock held by the apply: median {:.2?} (CPU {:.2?})",
        holds[1], cpus[1]
    );
}
