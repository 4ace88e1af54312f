//! Concurrent writers: several OS processes saving at once for a while, each counting
//! what it was told was committed (acknowledged); then what is in the database is
//! counted against it. Prints acknowledged, present, audited and refused-as-conflict,
//! and exits non-zero, saying what, if anything acknowledged is missing or a version
//! was acknowledged twice (a lost update).
//!
//! Each writer does what a care co-ordinator's session does, through the library's
//! `Store` as the TUI does: it reads an episode's version, records a phone contact on
//! that client (an insert), then saves the episode's exit plan against the version it
//! read (version-checked: refused as a conflict if another writer saved it since). The
//! writers share a few clients of the demo lead's area, so they conflict.
//!
//! Run: `cargo bench --bench writers`. Settings (environment):
//! - `CASELOAD_BENCH_DB`: the database written to, an SQLite file or a `postgres://`
//!   URL (it is written to: give it a copy). Unset, a demo of
//!   `CASELOAD_BENCH_CLIENTS` clients (default 10000; seed 2014, today 23/11/2026) is
//!   generated in a temporary folder and removed afterwards.
//! - `CASELOAD_WRITERS` (default 16), `CASELOAD_WRITERS_SECONDS` (default 60),
//!   `CASELOAD_WRITERS_ROWS`: how many open episodes they share (default 16).
//!
//! The writers are this binary again, with `CASELOAD_WRITERS_CHILD` saying which.
//! Timed figures belong here, not in tests; scripts/pg-bench.sh runs it on both engines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use caseload::demo::{self, DemoOptions};
use caseload::domain::model::ContactKind;
use caseload::store::sql::Connection;
use caseload::store::{Access, Actor, Change, EpisodeEdit, Store, StoreError, postgres_url};
use chrono::{NaiveDate, NaiveDateTime};

/// Set in a writer: `run|number|seconds|login|database`; `run` (the parent's process
/// id) makes each run's notes new, as a contact's note is part of its natural key.
const CHILD_ENV: &str = "CASELOAD_WRITERS_CHILD";
/// Set in a writer: the shared rows, `episode:client` separated by commas.
const ROWS_ENV: &str = "CASELOAD_WRITERS_SHARED";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("valid date")
}

/// The time every save is made at: the demo's day, so no rule sees a future date.
fn now() -> NaiveDateTime {
    today().and_hms_opt(10, 0, 0).expect("time")
}

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() -> ExitCode {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        writer(&spec);
        return ExitCode::SUCCESS;
    }
    let scratch = tempfile::tempdir().expect("temporary folder");
    let db = match std::env::var("CASELOAD_BENCH_DB") {
        Ok(db) => PathBuf::from(db),
        Err(_) => generated(scratch.path(), setting("CASELOAD_BENCH_CLIENTS", 10_000)),
    };
    let writers = setting("CASELOAD_WRITERS", 16);
    let seconds = setting("CASELOAD_WRITERS_SECONDS", 60);
    let shared = usize::try_from(setting("CASELOAD_WRITERS_ROWS", 16)).unwrap_or(16);

    let conn = connect(&db);
    let (login, rows) = shared_rows(&db, &conn, shared);
    let before = Counts::read(&conn, &rows);
    println!(
        "writers: {writers} processes for {seconds} s on {} ({} shared episodes), as {login}",
        shown(&db),
        rows.len()
    );
    let started = Instant::now();
    let children: Vec<Child> = (0..writers)
        .map(|n| spawn(n, seconds, &login, &db, &rows))
        .collect();
    let mut acks = Acks::default();
    for child in children {
        let output = child.wait_with_output().expect("a writer");
        if !output.status.success() {
            acks.errors
                .push(format!("a writer ended with {}", output.status));
        }
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .for_each(|l| acks.read(l));
    }
    let wall = started.elapsed();
    let after = Counts::read(&conn, &rows);
    let lost = acks.compare(&conn, &before, &after);
    acks.print(wall);
    if lost.is_empty() {
        println!("zero lost: every acknowledged save is present and audited");
        ExitCode::SUCCESS
    } else {
        eprintln!("LOST WRITES ({}):", lost.len());
        for line in lost.iter().take(20) {
            eprintln!("  {line}");
        }
        ExitCode::FAILURE
    }
}

/// A demo database of `clients` in `dir`, made as `generate` makes the benches' ones.
fn generated(dir: &Path, clients: u64) -> PathBuf {
    let path = dir.join("writers.db");
    eprintln!(
        "generating a {clients}-client demo in {}...",
        path.display()
    );
    let (mut store, ()) = Store::create_with(&path, None, |store| {
        demo::generate(
            store,
            &Actor {
                login: "bench".to_owned(),
                now: now(),
            },
            &DemoOptions {
                seed: 2014,
                today: today(),
                clients: usize::try_from(clients).unwrap_or(usize::MAX),
            },
        )
        .map(drop)
    })
    .expect("generate");
    demo::claim_demo_lead(
        &mut store,
        &Actor {
            login: "bench".to_owned(),
            now: now(),
        },
    )
    .expect("claim the demo lead");
    path
}

/// The database as shown: a URL without its password.
fn shown(db: &Path) -> String {
    postgres_url(db).map_or_else(|| db.display().to_string(), caseload::store::shown_url)
}

/// A bare connection to `db`, for counting.
fn connect(db: &Path) -> Connection {
    match postgres_url(db) {
        Some(url) => Connection::postgres(url).expect("connect"),
        None => Connection::sqlite(rusqlite::Connection::open(db).expect("open")),
    }
}

/// The demo lead's login, and `count` open episodes of their area as
/// `(episode, client)`: the rows every writer saves on.
fn shared_rows(db: &Path, conn: &Connection, count: usize) -> (String, Vec<(i64, i64)>) {
    let lead = conn
        .query_row(
            "SELECT login, area_id FROM worker WHERE name = ?1 ORDER BY id LIMIT 1",
            &[demo::DEMO_LEAD.into()],
        )
        .expect("the demo lead (a demo database)");
    let login: Option<String> = lead.get("login").expect("login");
    let login = login.expect("the demo lead has a login (`caseload demo` claims it)");
    let area: i64 = lead.get("area_id").expect("area");
    let store = Store::open(db, Access::ReadOnly).expect("open");
    let rows = store
        .caseload(Some(area), None, &[])
        .expect("the lead's caseload")
        .iter()
        .take(count)
        .map(|r| (r.episode.id, r.client_id))
        .collect();
    (login, rows)
}

fn spawn(n: u64, seconds: u64, login: &str, db: &Path, rows: &[(i64, i64)]) -> Child {
    let shared: Vec<String> = rows.iter().map(|(e, c)| format!("{e}:{c}")).collect();
    Command::new(std::env::current_exe().expect("this bench"))
        .env(
            CHILD_ENV,
            format!(
                "{}|{n}|{seconds}|{login}|{}",
                std::process::id(),
                db.to_string_lossy()
            ),
        )
        .env(ROWS_ENV, shared.join(","))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start a writer")
}

/// One writer: saves until its time is up, printing a line per outcome only once the
/// store has answered: `ACK C contact note micros`, `ACK E episode version plan
/// micros`, `CONFLICT micros`, or `ERR sentence`.
fn writer(spec: &str) {
    let mut parts = spec.splitn(5, '|');
    let mut next = || parts.next().expect("a writer's spec");
    let (run, n, seconds, login, db) = (next(), next(), next(), next(), next());
    let seconds: u64 = seconds.parse().expect("seconds");
    let rows: Vec<(i64, i64)> = std::env::var(ROWS_ENV)
        .expect("shared rows")
        .split(',')
        .map(|pair| {
            let (e, c) = pair.split_once(':').expect("episode:client");
            (e.parse().expect("episode"), c.parse().expect("client"))
        })
        .collect();
    let mut store = Store::open(Path::new(db), Access::ReadWrite).expect("open");
    let actor = Actor {
        login: login.to_owned(),
        now: now(),
    };
    let at = today().and_hms_opt(9, 0, 0).expect("time");
    let first: usize = n.parse().expect("writer number");
    let start = Instant::now();
    let mut i = 0;
    while start.elapsed() < Duration::from_secs(seconds) {
        let (episode, client) = rows[(first + i * 7) % rows.len()];
        let text = format!("r{run}-w{n}-{i}");
        let read = store.version_of("episode", episode).expect("version");
        let saving = Instant::now();
        let contact = Change::Contact {
            client_id: client,
            at,
            kind: ContactKind::Phone,
            note: text.clone(),
        };
        match store.apply(&actor, &contact) {
            Ok(receipt) => println!(
                "ACK C {} {text} {}",
                receipt.rows[0].row_id,
                saving.elapsed().as_micros()
            ),
            Err(e) => println!("ERR {e}"),
        }
        let saving = Instant::now();
        let plan = Change::Episode(read, EpisodeEdit::ExitPlan(text.clone()));
        match store.apply(&actor, &plan) {
            Ok(receipt) => println!(
                "ACK E {episode} {} {text} {}",
                receipt.rows[0].version,
                saving.elapsed().as_micros()
            ),
            Err(StoreError::Conflict { .. }) => {
                println!("CONFLICT {}", saving.elapsed().as_micros());
            }
            Err(e) => println!("ERR {e}"),
        }
        i += 1;
    }
}

/// What the writers were told: contacts by id, exit plans by (episode, version).
#[derive(Default)]
struct Acks {
    contacts: BTreeMap<i64, String>,
    plans: BTreeMap<(i64, i64), String>,
    /// (episode, version) acknowledged to two writers: a lost update.
    twice: Vec<(i64, i64)>,
    conflicts: usize,
    errors: Vec<String>,
    /// How long each acknowledged save took, in microseconds.
    saves: Vec<u64>,
    /// How long each refusal took.
    refusals: Vec<u64>,
}

impl Acks {
    fn read(&mut self, line: &str) {
        let micros = |w: &str| w.parse::<u64>().expect("micros");
        match line.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["ACK", "C", id, note, took] => {
                self.contacts
                    .insert(id.parse().expect("id"), (*note).to_owned());
                self.saves.push(micros(took));
            }
            ["ACK", "E", episode, version, plan, took] => {
                let key = (
                    episode.parse().expect("episode"),
                    version.parse().expect("version"),
                );
                if self.plans.insert(key, (*plan).to_owned()).is_some() {
                    self.twice.push(key);
                }
                self.saves.push(micros(took));
            }
            ["CONFLICT", took] => {
                self.conflicts += 1;
                self.refusals.push(micros(took));
            }
            _ => self.errors.push(line.to_owned()),
        }
    }

    /// What the database holds against what was acknowledged: one line per missing
    /// save, lost update or unexplained version step.
    fn compare(&self, conn: &Connection, before: &Counts, after: &Counts) -> Vec<String> {
        let mut lost = Vec::new();
        let contacts = after.new_contacts(conn, before);
        let (audited_contacts, audited_plans) = after.new_audit(conn, before);
        for (id, note) in &self.contacts {
            match contacts.get(id) {
                Some(stored) if stored == note => {}
                Some(stored) => lost.push(format!("contact {id}: {note:?} reads {stored:?}")),
                None => lost.push(format!("acknowledged contact {id} ({note}) is missing")),
            }
            if !audited_contacts.contains(id) {
                lost.push(format!("contact {id} has no audit row"));
            }
        }
        for ((episode, version), plan) in &self.plans {
            if !audited_plans.contains(&(*episode, plan.clone())) {
                lost.push(format!(
                    "exit plan {plan} (episode {episode} version {version}) has no audit row"
                ));
            }
        }
        for key in &self.twice {
            lost.push(format!("{key:?} acknowledged twice: a lost update"));
        }
        for (episode, (start, _)) in &before.episodes {
            let (end, plan) = &after.episodes[episode];
            let acked = self.plans.keys().filter(|(e, _)| e == episode).count();
            if usize::try_from(end - start).ok() != Some(acked) {
                lost.push(format!(
                    "episode {episode}: version {start} -> {end} but {acked} saves acknowledged"
                ));
            }
            if let Some(newest) = self.plans.get(&(*episode, *end)) {
                if plan.as_deref() != Some(newest.as_str()) {
                    lost.push(format!(
                        "episode {episode}: newest acknowledged plan {newest} reads {plan:?}"
                    ));
                }
            }
        }
        let extra = contacts.len().saturating_sub(self.contacts.len());
        if extra > 0 {
            lost.push(format!("{extra} contacts written but never acknowledged"));
        }
        println!(
            "present: {} of {} acknowledged contacts, {} audited; {} of {} acknowledged exit plans audited",
            self.contacts
                .iter()
                .filter(|(id, n)| contacts.get(id) == Some(n))
                .count(),
            self.contacts.len(),
            self.contacts
                .keys()
                .filter(|id| audited_contacts.contains(id))
                .count(),
            self.plans
                .iter()
                .filter(|((e, _), p)| audited_plans.contains(&(*e, (*p).clone())))
                .count(),
            self.plans.len(),
        );
        lost
    }

    fn print(&self, wall: Duration) {
        let saves = self.contacts.len() + self.plans.len();
        println!(
            "acknowledged: {} contacts + {} exit plans = {saves} saves in {wall:.1?} ({:.0}/s)",
            self.contacts.len(),
            self.plans.len(),
            f64::from(u32::try_from(saves).unwrap_or(u32::MAX)) / wall.as_secs_f64()
        );
        println!(
            "refused as a conflict: {} exit plans; other errors: {}",
            self.conflicts,
            self.errors.len()
        );
        for error in self.errors.iter().take(5) {
            println!("  {error}");
        }
        println!(
            "one save, acknowledged: {}; refused: {}",
            spread(&mut self.saves.clone()),
            spread(&mut self.refusals.clone())
        );
    }
}

/// p50, p99 and the longest of `micros`, as milliseconds.
fn spread(micros: &mut [u64]) -> String {
    if micros.is_empty() {
        return "none".to_owned();
    }
    micros.sort_unstable();
    let at = |p: usize| micros[((micros.len() - 1) * p).div_ceil(100)];
    #[allow(clippy::cast_precision_loss)] // microseconds, far below 2^52
    let ms = |m: u64| m as f64 / 1000.0;
    format!(
        "p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(at(50)),
        ms(at(99)),
        ms(micros[micros.len() - 1])
    )
}

/// Where the database stood: the newest contact and audit ids, and each shared
/// episode's version and exit plan.
struct Counts {
    contact: i64,
    audit: i64,
    episodes: BTreeMap<i64, (i64, Option<String>)>,
}

impl Counts {
    fn read(conn: &Connection, rows: &[(i64, i64)]) -> Self {
        let max = |table: &str| -> i64 {
            conn.query_row(
                &format!("SELECT coalesce(max(id), 0) AS id FROM {table}"),
                &[],
            )
            .and_then(|r| r.get("id"))
            .expect("max id")
        };
        let episodes = rows
            .iter()
            .map(|(episode, _)| {
                let row = conn
                    .query_row(
                        "SELECT version, exit_plan FROM episode WHERE id = ?1",
                        &[(*episode).into()],
                    )
                    .expect("episode");
                (
                    *episode,
                    (
                        row.get("version").expect("version"),
                        row.get("exit_plan").expect("plan"),
                    ),
                )
            })
            .collect();
        Self {
            contact: max("contact"),
            audit: max("audit"),
            episodes,
        }
    }

    /// The contacts added since `before`, by id, with their notes.
    fn new_contacts(&self, conn: &Connection, before: &Self) -> BTreeMap<i64, String> {
        conn.query(
            "SELECT id, note FROM contact WHERE id > ?1 AND id <= ?2",
            &[before.contact.into(), self.contact.into()],
        )
        .expect("contacts")
        .iter()
        .map(|r| (r.get("id").expect("id"), r.get("note").expect("note")))
        .collect()
    }

    /// The audit rows added since `before`: contact ids, and (episode, exit plan).
    fn new_audit(
        &self,
        conn: &Connection,
        before: &Self,
    ) -> (BTreeSet<i64>, BTreeSet<(i64, String)>) {
        let mut contacts = BTreeSet::new();
        let mut plans = BTreeSet::new();
        for row in conn
            .query(
                "SELECT entity, row_id, after FROM audit WHERE id > ?1 AND id <= ?2",
                &[before.audit.into(), self.audit.into()],
            )
            .expect("audit")
        {
            let entity: String = row.get("entity").expect("entity");
            let id: Option<i64> = row.get("row_id").expect("row id");
            let after: Option<String> = row.get("after").expect("after");
            match (entity.as_str(), id) {
                ("contact", Some(id)) => {
                    contacts.insert(id);
                }
                ("episode", Some(id)) => {
                    let plan = after
                        .and_then(|a| serde_json::from_str::<serde_json::Value>(&a).ok())
                        .and_then(|v| v.get("exit_plan")?.as_str().map(str::to_owned));
                    if let Some(plan) = plan {
                        plans.insert((id, plan));
                    }
                }
                _ => {}
            }
        }
        (contacts, plans)
    }
}
