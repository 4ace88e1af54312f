//! Reads on a second, read-only connection in a background thread, so neither a
//! refresh of a large caseload (a colleague's commit, a scope change, `r`) nor
//! counting a quarterly return ever freezes the keys. Requests carry a generation:
//! only the newest answer of each kind is used. A return is counted once per
//! (period, area, data version) and reused until a commit changes the data. A reader
//! that has gone is said so once, and the next request starts a new one. Beside a
//! first screen, a third connection counts what the Areas view shows (`counts.rs`).

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SendError, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{NaiveDate, NaiveDateTime};

use crate::action::SnapshotRequest;
use crate::app::Data;
use crate::domain::model::CaseloadRow;
use crate::domain::triage::TriageConfig;
use crate::report::{self, Report, ReportOptions};
use crate::store::{Access, Store, StoreError, StoreResult, Target};

mod counts;
mod first;

pub use first::{load_area_counts, load_first_page, load_first_screen};

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
        areas: store.area_summaries(now.date(), triage.clock_starts)?,
        workers: store.workers()?,
        caseload: store.caseload(area, worker, previous)?,
        breaches: store.breaches(true)?,
        dealt_with: store.breaches(false)?,
        releases: store.releases()?,
        loaded_at: Some(now),
        scope: (area, worker),
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
    FirstRows(u64, StoreResult<Data>),
    Snapshot(u64, StoreResult<Data>),
    Report(u64, StoreResult<Report>),
}

/// What [`Loader::poll`] hands over: the newest snapshot or return, or why it failed.
pub enum Delivery {
    /// The first screen of the snapshot last asked for; the snapshot follows.
    FirstRows(Data),
    /// A snapshot for the scope last asked for.
    Snapshot(StoreResult<Data>),
    /// The return last asked for.
    Report(StoreResult<Report>),
}

/// The background reader.
pub struct Loader {
    /// The database read, and how each snapshot's Today queue is ranked: kept to start
    /// a new reader if this one goes.
    target: Target,
    triage: TriageConfig,
    jobs: Sender<Job>,
    answers: Receiver<Answer>,
    snapshot_generation: u64,
    report_generation: u64,
    counted: Arc<AtomicU64>,
    /// Whether a snapshot is being read, and how to stop it: a newer request makes it
    /// useless, so a scope change never waits for the read before it.
    reading: Arc<AtomicBool>,
    interrupt: crate::store::sql::Interrupt,
    /// Stops the Areas view's count under way (see [`counts::Counter`]).
    counts_interrupt: crate::store::sql::Interrupt,
    /// The reader's thread has gone and [`Loader::poll`] has said so since the last
    /// request: saying it again at every poll would keep the loop from ever waiting.
    told_gone: Cell<bool>,
    /// Why the last new reader could not start (the database could not be opened):
    /// said instead of "stopped" once the next request finds it gone.
    restart_failed: Option<String>,
}

/// Databases whose background reader is to stop at its next job: see
/// [`stop_reader_at_next_job`].
static STOP_AT_NEXT_JOB: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Test hook: the background reader on the database at `path` ends before its next
/// job, as a read that panicked ends it, so that tests of the real loop can check
/// that this is said once and that the next request (`r`) starts a new reader. A
/// reader stops only once per call. Nothing in the product calls it.
#[doc(hidden)]
pub fn stop_reader_at_next_job(path: &Path) {
    STOP_AT_NEXT_JOB
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(path.to_owned());
}

/// Whether the reader on `path` is to stop now (see [`stop_reader_at_next_job`]).
fn told_to_stop(path: &Path) -> bool {
    let mut paths = STOP_AT_NEXT_JOB
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let found = paths.iter().position(|p| p == path);
    found.map(|at| paths.remove(at)).is_some()
}

/// The thread's ends of a reader: where jobs arrive, where answers go, whether a
/// snapshot is being read and how to stop it (and its count of the Areas view).
struct Reader {
    jobs: Sender<Job>,
    answers: Receiver<Answer>,
    reading: Arc<AtomicBool>,
    interrupt: crate::store::sql::Interrupt,
    counts_interrupt: crate::store::sql::Interrupt,
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
    matches!(answer, Answer::Snapshot(_, Err(e)) | Answer::FirstRows(_, Err(e))
        if e.interrupted())
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
    /// Opens a read-only connection to `target` and starts the thread, which ranks each
    /// snapshot's Today queue with `triage`.
    ///
    /// # Errors
    /// The store's error if the file cannot be opened.
    pub fn spawn(target: &Target, triage: TriageConfig) -> StoreResult<Self> {
        let counted = Arc::new(AtomicU64::new(0));
        let reader = start_reader(target, &triage, &counted, &channel().1)?;
        Ok(Self {
            target: target.clone(),
            triage,
            jobs: reader.jobs,
            answers: reader.answers,
            snapshot_generation: 0,
            report_generation: 0,
            counted,
            reading: reader.reading,
            interrupt: reader.interrupt,
            counts_interrupt: reader.counts_interrupt,
            told_gone: Cell::new(false),
            restart_failed: None,
        })
    }

    /// Hands `job` to the reader; if its thread has gone, starts a new one for it
    /// first (answers the old one sent before it went are kept). If that fails, `poll`
    /// says why.
    fn send(&mut self, job: Job) {
        self.told_gone.set(false);
        let Err(SendError(job)) = self.jobs.send(job) else {
            return;
        };
        match start_reader(&self.target, &self.triage, &self.counted, &self.answers) {
            Ok(reader) => {
                self.restart_failed = None;
                self.jobs = reader.jobs;
                self.answers = reader.answers;
                self.reading = reader.reading;
                self.interrupt = reader.interrupt;
                self.counts_interrupt = reader.counts_interrupt;
                // Just started: it is waiting for this job.
                let _ = self.jobs.send(job);
            }
            Err(error) => self.restart_failed = Some(error.to_string()),
        }
    }

    /// Asks for a snapshot of the scope (area, worker) at `now`, sharing the rows of
    /// `previous` that have not changed; answers to earlier requests are dropped.
    pub fn request(
        &mut self,
        (area, worker): (Option<i64>, Option<i64>),
        now: NaiveDateTime,
        previous: &[Arc<CaseloadRow>],
    ) {
        self.request_snapshot(&SnapshotRequest {
            area,
            worker,
            now,
            previous: previous.to_vec(),
            first_rows: 0,
            first_page: None,
        });
    }

    /// Asks for the snapshot `request` describes (its first screen first, if it asks
    /// for one), as [`Loader::request`] does.
    pub fn request_snapshot(&mut self, request: &SnapshotRequest) {
        self.snapshot_generation += 1;
        self.send(Job::Snapshot {
            generation: self.snapshot_generation,
            request: request.clone(),
        });
        // The read in flight is for an older request: stop it.
        if self.reading.load(Ordering::Acquire) {
            self.interrupt.interrupt();
            self.counts_interrupt.interrupt();
        }
    }

    /// Asks for the return described by `options`, as produced on `today`.
    pub fn request_report(&mut self, options: ReportOptions, today: NaiveDate) {
        self.report_generation += 1;
        self.send(Job::Report {
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
                    return Err(self.stopped());
                }
            }
        }
    }

    /// Waits for the next snapshot or return asked for (for callers without keys to
    /// keep live: tests, and the start-up of scripted runs); a first screen is passed
    /// over, as the snapshot follows it.
    ///
    /// # Errors
    /// An error saying the reader stopped.
    pub fn wait(&self) -> StoreResult<Delivery> {
        loop {
            let answer = self.answers.recv().map_err(|_| self.stopped())?;
            match self.current(answer) {
                Some(Delivery::FirstRows(_)) | None => {}
                Some(delivery) => return Ok(delivery),
            }
        }
    }

    /// `answer` if it answers the newest request of its kind.
    fn current(&self, answer: Answer) -> Option<Delivery> {
        match answer {
            Answer::FirstRows(generation, Ok(data)) if generation == self.snapshot_generation => {
                Some(Delivery::FirstRows(data))
            }
            Answer::Snapshot(generation, data) if generation == self.snapshot_generation => {
                Some(Delivery::Snapshot(data))
            }

            Answer::Report(generation, report) if generation == self.report_generation => {
                Some(Delivery::Report(report))
            }
            // Older answers; and a first screen that could not be read: the snapshot
            // says why.
            Answer::FirstRows(..) | Answer::Snapshot(..) | Answer::Report(..) => None,
        }
    }

    /// What [`Loader::poll`] says once the reader's thread has gone: why a new one
    /// could not start, if that was tried.
    fn stopped(&self) -> StoreError {
        StoreError::Invalid(match &self.restart_failed {
            Some(why) => format!("the background reader could not start again: {why}"),
            None => "the background reader stopped: press r to retry".to_owned(),
        })
    }
}

/// Opens a read-only connection to `target` and starts a reader's thread on it, which
/// ranks each snapshot's Today queue with `triage` and counts returns in `counted`.
/// `left` (answers an earlier reader sent before it went) are handed over first.
fn start_reader(
    target: &Target,
    triage: &TriageConfig,
    counted: &Arc<AtomicU64>,
    left: &Receiver<Answer>,
) -> StoreResult<Reader> {
    let store = target.open(Access::ReadOnly)?;
    store.limit_page_cache(256)?;
    let (jobs, incoming) = channel::<Job>();
    let (outgoing, answers) = channel();
    for answer in left.try_iter() {
        // The receiver is ours, so this cannot fail.
        let _ = outgoing.send(answer);
    }
    let counts = Arc::clone(counted);
    let reading = Arc::new(AtomicBool::new(false));
    let interrupt = store.interrupt_handle()?;
    let (mut areas, counts_interrupt) = counts::Counter::start(target, triage)?;
    let busy = Arc::clone(&reading);
    let triage = triage.clone();
    std::thread::spawn(move || {
        let mut returns = Counted::default();
        while let Ok(first) = incoming.recv() {
            if told_to_stop(store.path()) {
                return;
            }
            // Keep only the newest job of each kind: older answers would be thrown
            // away anyway. The snapshot goes first: every view needs it.
            let (mut snapshot, mut report) = (None, None);
            for job in std::iter::once(first).chain(incoming.try_iter()) {
                file(job, &mut snapshot, &mut report);
            }
            while let Some(mut job) = snapshot.take() {
                ask_area_counts(&mut areas, &job);
                busy.store(true, Ordering::Release);
                let first = first_screen(&store, &triage, &mut job);
                busy.store(false, Ordering::Release);
                if let Some(mut answer) = first {
                    let stopped = interrupted(&answer);
                    let shown = with_area_counts(&mut answer, &mut areas);
                    if !stopped && outgoing.send(answer).is_err() {
                        return;
                    }
                    // A newer request meanwhile (a scope change) makes the rest of
                    // this one useless: stop here.
                    for job in incoming.try_iter() {
                        file(job, &mut snapshot, &mut report);
                    }
                    if stopped {
                        snapshot.get_or_insert(job);
                        continue;
                    }
                    if snapshot.is_some() {
                        continue;
                    }
                    // Then the Areas view's counts, well before the rest.
                    if let Some((generation, mut data)) = shown {
                        busy.store(true, Ordering::Release);
                        let counts = areas.take(true);
                        busy.store(false, Ordering::Release);
                        if let Some(counts) = counts {
                            counts.add_to(&mut data);
                            if outgoing
                                .send(Answer::FirstRows(generation, Ok(data)))
                                .is_err()
                            {
                                return;
                            }
                        }
                        // An interruption (or a failure, which the whole read
                        // meets again and reports) leaves the Areas view waiting.
                        for job in incoming.try_iter() {
                            file(job, &mut snapshot, &mut report);
                        }
                        if snapshot.is_some() {
                            continue;
                        }
                    }
                }
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
                let again = job.clone();
                let mut answer = work(&store, &triage, &mut returns, &counts, job);
                // PostgreSQL's cancel is sent asynchronously: one meant for a snapshot
                // read that has ended may stop this read instead. Read it again.
                if matches!(&answer, Answer::Report(_, Err(e)) if e.interrupted()) {
                    answer = work(&store, &triage, &mut returns, &counts, again);
                }
                if outgoing.send(answer).is_err() {
                    return;
                }
            }
        }
    });
    Ok(Reader {
        jobs,
        answers,
        reading,
        interrupt,
        counts_interrupt,
    })
}

/// The first screen `job` asks for, if it asks for one and one can be read quickly
/// (see [`load_first_screen`]); the job then asks for none, so that reading it again
/// after an interruption reads only the rest.
fn first_screen(store: &Store, triage: &TriageConfig, job: &mut Job) -> Option<Answer> {
    let Job::Snapshot {
        generation,
        request,
    } = job
    else {
        return None;
    };
    let rows = std::mem::take(&mut request.first_rows);
    if rows == 0 {
        return None;
    }
    let limits = (request.area, request.worker);
    let first = if let Some(order) = request.first_page {
        load_first_page(store, limits, request.now, triage, rows, order).map(Some)
    } else {
        load_first_screen(store, limits, request.now, triage, rows)
    };
    match first {
        Ok(None) => None,
        Ok(Some(data)) => Some(Answer::FirstRows(*generation, Ok(data))),
        Err(error) => {
            // Stopped for a newer request: read again (this one, if none came).
            request.first_rows = rows;
            Some(Answer::FirstRows(*generation, Err(error)))
        }
    }
}

/// Asks `areas` for the Areas view's counts if `job` asks for a first screen: they are
/// read beside it.
fn ask_area_counts(areas: &mut counts::Counter, job: &Job) {
    if let Job::Snapshot { request, .. } = job {
        if request.first_rows > 0 {
            areas.ask(request.now.date());
        }
    }
}

/// Adds the Areas view's counts to a first screen `answer` if `areas` has them in
/// already; else the first screen, to send again once they are (`None` if `answer`
/// is not a first screen, or has them).
fn with_area_counts(answer: &mut Answer, areas: &mut counts::Counter) -> Option<(u64, Data)> {
    let Answer::FirstRows(generation, Ok(data)) = answer else {
        return None;
    };
    match areas.take(false) {
        Some(counts) => {
            counts.add_to(data);
            None
        }
        None => Some((*generation, data.clone())),
    }
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
                ..
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
