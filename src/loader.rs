//! Reads snapshots on a second, read-only connection in a background thread, so a
//! refresh of a large caseload (a colleague's commit, a scope change, `r`) never
//! freezes the keys. Requests carry a generation: only the newest answer is used.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use chrono::NaiveDateTime;

use crate::app::Data;
use crate::domain::model::CaseloadRow;
use crate::domain::triage::TriageConfig;
use crate::store::{Access, Store, StoreError, StoreResult};

/// What to read: the scope's limits (area, worker) at a moment, and the caseload on
/// screen (rows that have not changed are shared with it rather than copied).
struct Request {
    generation: u64,
    area: Option<i64>,
    worker: Option<i64>,
    now: NaiveDateTime,
    previous: Vec<Arc<CaseloadRow>>,
}

/// The background reader.
pub struct Loader {
    requests: Sender<Request>,
    results: Receiver<(u64, StoreResult<Data>)>,
    generation: u64,
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
        let (requests, incoming) = channel::<Request>();
        let (outgoing, results) = channel();
        std::thread::spawn(move || {
            while let Ok(mut request) = incoming.recv() {
                // Skip to the newest request: older ones would be thrown away anyway.
                while let Ok(newer) = incoming.try_recv() {
                    request = newer;
                }
                let data = crate::tui::load_scope(
                    &store,
                    (request.area, request.worker),
                    request.now,
                    &triage,
                    &request.previous,
                );
                let generation = request.generation;
                // Let go of the old rows before the snapshot is handed over, so the old
                // snapshot is freed as soon as the new one is installed.
                drop(request);
                if outgoing.send((generation, data)).is_err() {
                    break;
                }
            }
        });
        Ok(Self {
            requests,
            results,
            generation: 0,
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
        self.generation += 1;
        // A send fails only if the thread has gone; `poll` then reports it.
        let _ = self.requests.send(Request {
            generation: self.generation,
            area: limits.0,
            worker: limits.1,
            now,
            previous: previous.to_vec(),
        });
    }

    /// The newest snapshot if it has arrived (`None` while still reading).
    ///
    /// # Errors
    /// The store's error from the read, or one saying the reader stopped.
    pub fn poll(&self) -> StoreResult<Option<Data>> {
        loop {
            match self.results.try_recv() {
                Ok((generation, data)) if generation == self.generation => return data.map(Some),
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
