//! Reads on a second, read-only connection in a background thread, so neither a
//! refresh of a large caseload (a colleague's commit, a scope change, `r`) nor
//! counting a quarterly return ever freezes the keys. Requests carry a generation:
//! only the newest answer of each kind is used.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use chrono::{NaiveDate, NaiveDateTime};

use crate::app::Data;
use crate::domain::model::CaseloadRow;
use crate::domain::triage::TriageConfig;
use crate::report::{self, Report, ReportOptions};
use crate::store::{Access, Store, StoreError, StoreResult};

/// What to read.
enum Job {
    /// A snapshot of the scope's limits (area, worker) at a moment, sharing the rows
    /// of the caseload on screen that have not changed rather than copying them.
    Snapshot {
        generation: u64,
        area: Option<i64>,
        worker: Option<i64>,
        now: NaiveDateTime,
        previous: Vec<Arc<CaseloadRow>>,
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
        std::thread::spawn(move || {
            while let Ok(first) = incoming.recv() {
                // Keep only the newest job of each kind: older answers would be thrown
                // away anyway. The snapshot goes first: every view needs it.
                let (mut snapshot, mut report) = (None, None);
                for job in std::iter::once(first).chain(incoming.try_iter()) {
                    match job {
                        Job::Snapshot { .. } => snapshot = Some(job),
                        Job::Report { .. } => report = Some(job),
                    }
                }
                for job in [snapshot, report].into_iter().flatten() {
                    if outgoing.send(work(&store, &triage, job)).is_err() {
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
        })
    }

    /// Asks for a snapshot of the scope (area, worker) at `now`, sharing the rows of
    /// `previous` that have not changed.
    pub fn request(
        &mut self,
        limits: (Option<i64>, Option<i64>),
        now: NaiveDateTime,
        previous: &[Arc<CaseloadRow>],
    ) {
        self.snapshot_generation += 1;
        // A send fails only if the thread has gone; `poll` then reports it.
        let _ = self.jobs.send(Job::Snapshot {
            generation: self.snapshot_generation,
            area: limits.0,
            worker: limits.1,
            now,
            previous: previous.to_vec(),
        });
    }

    /// Asks for the return described by `options`, as produced on `today`.
    pub fn request_report(&mut self, options: ReportOptions, today: NaiveDate) {
        self.report_generation += 1;
        let _ = self.jobs.send(Job::Report {
            generation: self.report_generation,
            options,
            today,
        });
    }

    /// The newest snapshot or return if one has arrived (`None` while still reading).
    ///
    /// # Errors
    /// An error saying the reader stopped.
    pub fn poll(&self) -> StoreResult<Option<Delivery>> {
        loop {
            match self.answers.try_recv() {
                Ok(Answer::Snapshot(generation, data))
                    if generation == self.snapshot_generation =>
                {
                    return Ok(Some(Delivery::Snapshot(data)));
                }
                Ok(Answer::Report(generation, report)) if generation == self.report_generation => {
                    return Ok(Some(Delivery::Report(report)));
                }
                Ok(_) => {}
                Err(TryRecvError::Empty) => return Ok(None),
                Err(TryRecvError::Disconnected) => {
                    return Err(StoreError::Invalid(
                        "the background reader stopped: press r to retry".to_owned(),
                    ));
                }
            }
        }
    }
}

/// Does one job on the reader's connection.
fn work(store: &Store, triage: &TriageConfig, job: Job) -> Answer {
    match job {
        Job::Snapshot {
            generation,
            area,
            worker,
            now,
            previous,
        } => {
            let data = crate::tui::load_scope(store, (area, worker), now, triage, &previous);
            // Let go of the old rows before the snapshot is handed over, so the old
            // snapshot is freed as soon as the new one is installed.
            drop(previous);
            Answer::Snapshot(generation, data)
        }
        Job::Report {
            generation,
            options,
            today,
        } => Answer::Report(generation, report::build(store, &options, today)),
    }
}
