//! Reads on a second, read-only connection in a background thread, so neither a
//! refresh of a large caseload (a colleague's commit, a scope change, `r`) nor
//! counting a quarterly return ever freezes the keys. Requests carry a generation:
//! only the newest answer of each kind is used. A return is counted once per
//! (period, area, data version) and reused until a commit changes the data.

use std::cell::Cell;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use chrono::{NaiveDate, NaiveDateTime};

use crate::action::SnapshotRequest;
use crate::app::Data;
use crate::domain::model::CaseloadRow;
use crate::domain::triage::TriageConfig;
use crate::report::{self, Report, ReportOptions};
use crate::store::{Access, Store, StoreError, StoreResult};

/// Reads the snapshot for a scope given by its limits (area, worker) at `now`, and
/// derives what its lists are built from (`triage` ranks the Today queue). Caseload
/// rows unchanged since `previous` are shared with it.
///
/// # Errors
/// A store error.
pub fn load_scope(
    store: &Store,
    (area, worker): (Option<i64>, Option<i64>),
    now: NaiveDateTime,
    triage: &TriageConfig,
    previous: &[Arc<CaseloadRow>],
) -> StoreResult<Data> {
    let mut data = Data {
        areas: store.area_summaries(now.date())?,
        workers: store.workers()?,
        caseload: store.caseload(area, worker, previous)?,
        breaches: store.breaches(true)?,
        dealt_with: store.breaches(false)?,
        releases: store.releases()?,
        loaded_at: Some(now),
        ..Data::default()
    };
    data.derive(now, triage);
    Ok(data)
}

/// What to read.
#[derive(Clone)]
enum Job {
    /// A snapshot, sharing the rows of the caseload on screen that have not changed
    /// rather than copying them.
    Snapshot {
        generation: u64,
        request: SnapshotRequest,
    },
    /// A quarterly return, as produced on `today`.
    Report {
        generation: u64,
        options: ReportOptions,
        today: NaiveDate,
    },
}

/// A finished read, with the generation of the request it answers.
enum Answer {
    Snapshot(u64, StoreResult<Data>),
    Report(u64, StoreResult<Report>),
}

/// What [`Loader::poll`] hands over: the newest snapshot or return, or why it failed.
pub enum Delivery {
    /// A snapshot for the scope last asked for.
    Snapshot(StoreResult<Data>),
    /// The return last asked for.
    Report(StoreResult<Report>),
}

/// The background reader.
pub struct Loader {
    jobs: Sender<Job>,
    answers: Receiver<Answer>,
    snapshot_generation: u64,
    report_generation: u64,
    counted: Arc<AtomicU64>,
    /// Whether a snapshot is being read, and how to stop it: a newer request makes it
    /// useless, so a scope change never waits for the read before it.
    reading: Arc<AtomicBool>,
    interrupt: rusqlite::InterruptHandle,
    /// The reader's thread has gone and [`Loader::poll`] has said so since the last
    /// request: saying it again at every poll would keep the loop from ever waiting.
    told_gone: Cell<bool>,
}

/// Files `job` as the newest of its kind.
fn file(job: Job, snapshot: &mut Option<Job>, report: &mut Option<Job>) {
    match job {
        Job::Snapshot { .. } => *snapshot = Some(job),
        Job::Report { .. } => *report = Some(job),
    }
}

/// Whether `answer` is a snapshot read stopped by [`Loader::request`].
fn interrupted(answer: &Answer) -> bool {
    matches!(answer, Answer::Snapshot(_, Err(StoreError::Sqlite(e)))
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted))
}

/// Returns already counted, reused while the data version they were counted at holds
/// (`PRAGMA data_version` on the reader's connection moves with every commit, the
/// session's own included, since those are made on another connection).
#[derive(Default)]
struct Counted {
    version: i64,
    returns: Vec<(ReportOptions, NaiveDate, Report)>,
}

impl Counted {
    /// Returns kept at most: a quarter or two either way, each for all areas or one.
    const KEEP: usize = 8;

    /// The return for `options` on `today`: the one counted before if the data has not
    /// changed since, or a new count (kept for next time).
    fn get(
        &mut self,
        store: &Store,
        options: &ReportOptions,
        today: NaiveDate,
        counts: &AtomicU64,
    ) -> StoreResult<Report> {
        let version = store.data_version()?;
        if version != self.version {
            self.returns.clear();
            self.version = version;
        }
        if let Some((.., report)) = self
            .returns
            .iter()
            .find(|(o, day, _)| o == options && *day == today)
        {
            return Ok(report.clone());
        }
        let report = report::build(store, options, today)?;
        counts.fetch_add(1, Ordering::Relaxed);
        if self.returns.len() == Self::KEEP {
            self.returns.remove(0);
        }
        self.returns.push((options.clone(), today, report.clone()));
        Ok(report)
    }
}

impl Loader {
    /// Opens a read-only connection to `path` and starts the thread, which ranks each
    /// snapshot's Today queue with `triage`.
    ///
    /// # Errors
    /// The store's error if the file cannot be opened.
    pub fn spawn(path: &Path, triage: TriageConfig) -> StoreResult<Self> {
        let store = Store::open(path, Access::ReadOnly)?;
        store.limit_page_cache(256)?;
        let (jobs, incoming) = channel::<Job>();
        let (outgoing, answers) = channel();
        let counted = Arc::new(AtomicU64::new(0));
        let counts = Arc::clone(&counted);
        let reading = Arc::new(AtomicBool::new(false));
        let interrupt = store.interrupt_handle();
        let busy = Arc::clone(&reading);
        std::thread::spawn(move || {
            let mut returns = Counted::default();
            while let Ok(first) = incoming.recv() {
                // Keep only the newest job of each kind: older answers would be thrown
                // away anyway. The snapshot goes first: every view needs it.
                let (mut snapshot, mut report) = (None, None);
                for job in std::iter::once(first).chain(incoming.try_iter()) {
                    file(job, &mut snapshot, &mut report);
                }
                while let Some(job) = snapshot.take() {
                    let again = job.clone();
                    busy.store(true, Ordering::Release);
                    let answer = work(&store, &triage, &mut returns, &counts, job);
                    busy.store(false, Ordering::Release);
                    if interrupted(&answer) {
                        // Stopped for a newer request; if that request was already
                        // taken (the stop came late), read this one again.
                        for job in incoming.try_iter() {
                            file(job, &mut snapshot, &mut report);
                        }
                        snapshot.get_or_insert(again);
                        continue;
                    }
                    if outgoing.send(answer).is_err() {
                        return;
                    }
                }
                if let Some(job) = report {
                    if outgoing
                        .send(work(&store, &triage, &mut returns, &counts, job))
                        .is_err()
                    {
                        return;
                    }
                }
            }
        });
        Ok(Self {
            jobs,
            answers,
            snapshot_generation: 0,
            report_generation: 0,
            counted,
            reading,
            interrupt,
            told_gone: Cell::new(false),
        })
    }

    /// Asks for a snapshot of the scope (area, worker) at `now`, sharing the rows of
    /// `previous` that have not changed; answers to earlier requests are dropped.
    pub fn request(
        &mut self,
        (area, worker): (Option<i64>, Option<i64>),
        now: NaiveDateTime,
        previous: &[Arc<CaseloadRow>],
    ) {
        self.snapshot_generation += 1;
        self.told_gone.set(false);
        // A send fails only if the thread has gone; `poll` then reports it.
        let _ = self.jobs.send(Job::Snapshot {
            generation: self.snapshot_generation,
            request: SnapshotRequest {
                area,
                worker,
                now,
                previous: previous.to_vec(),
            },
        });
        // The read in flight is for an older request: stop it.
        if self.reading.load(Ordering::Acquire) {
            self.interrupt.interrupt();
        }
    }

    /// Asks for the return described by `options`, as produced on `today`.
    pub fn request_report(&mut self, options: ReportOptions, today: NaiveDate) {
        self.report_generation += 1;
        self.told_gone.set(false);
        let _ = self.jobs.send(Job::Report {
            generation: self.report_generation,
            options,
            today,
        });
    }

    /// How many returns the reader has counted (a return reused because the data has
    /// not changed is not counted again).
    #[must_use]
    pub fn returns_counted(&self) -> u64 {
        self.counted.load(Ordering::Relaxed)
    }

    /// The newest snapshot or return if one has arrived (`None` while still reading).
    ///
    /// # Errors
    /// An error saying the reader stopped, once after each request that found it gone.
    pub fn poll(&self) -> StoreResult<Option<Delivery>> {
        loop {
            match self.answers.try_recv() {
                Ok(answer) => {
                    if let Some(delivery) = self.current(answer) {
                        return Ok(Some(delivery));
                    }
                }
                Err(TryRecvError::Empty) => return Ok(None),
                Err(TryRecvError::Disconnected) if self.told_gone.get() => return Ok(None),
                Err(TryRecvError::Disconnected) => {
                    self.told_gone.set(true);
                    return Err(stopped());
                }
            }
        }
    }

    /// Waits for the next snapshot or return asked for (for callers without keys to
    /// keep live: tests, and the start-up of scripted runs).
    ///
    /// # Errors
    /// An error saying the reader stopped.
    pub fn wait(&self) -> StoreResult<Delivery> {
        loop {
            let answer = self.answers.recv().map_err(|_| stopped())?;
            if let Some(delivery) = self.current(answer) {
                return Ok(delivery);
            }
        }
    }

    /// `answer` if it answers the newest request of its kind.
    fn current(&self, answer: Answer) -> Option<Delivery> {
        match answer {
            Answer::Snapshot(generation, data) if generation == self.snapshot_generation => {
                Some(Delivery::Snapshot(data))
            }
            Answer::Report(generation, report) if generation == self.report_generation => {
                Some(Delivery::Report(report))
            }
            Answer::Snapshot(..) | Answer::Report(..) => None,
        }
    }
}

/// What [`Loader::poll`] says once the reader's thread has gone.
fn stopped() -> StoreError {
    StoreError::Invalid("the background reader stopped: press r to retry".to_owned())
}

/// Does one job on the reader's connection.
fn work(
    store: &Store,
    triage: &TriageConfig,
    returns: &mut Counted,
    counts: &AtomicU64,
    job: Job,
) -> Answer {
    match job {
        Job::Snapshot {
            generation,
            request,
        } => {
            let SnapshotRequest {
                area,
                worker,
                now,
                previous,
            } = request;
            let data = load_scope(store, (area, worker), now, triage, &previous);
            // Let go of the old rows before the snapshot is handed over, so the old
            // snapshot is freed as soon as the new one is installed.
            drop(previous);
            Answer::Snapshot(generation, data)
        }
        Job::Report {
            generation,
            options,
            today,
        } => Answer::Report(generation, returns.get(store, &options, today, counts)),
    }
}
