//! The access log's queue: client records opened in this session, written after the
//! frame is drawn, never holding up a key.

use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use crate::store::{AccessEntry, Looked, Store, StoreError};

/// How soon a queue that met a colleague's write is tried again.
const ACCESS_RETRY: Duration = Duration::from_secs(1);

/// How soon a queue that could not be written for another reason is tried again.
const ACCESS_RETRY_FAILED: Duration = Duration::from_secs(30);

/// Client records opened and not yet in the access log. Opening a record only queues
/// it; the loop writes the queue in one short transaction after the frame is drawn,
/// never waiting for the lock: if a colleague is writing, the queue is kept and tried
/// again a second later. Nothing is dropped: rows that still cannot be written when
/// the session ends are reported on the way out.
#[derive(Default)]
pub struct AccessQueue {
    entries: Vec<AccessEntry>,
    next_try: Option<Instant>,
    /// The last failure shown, so that it is shown once, not every try.
    shown: Option<String>,
    /// The minute of the newest rows written, and the records they name: opened
    /// again within that minute, a record is not logged again.
    written: (String, Vec<i64>),
}

/// The minute `at` falls in, as the queue compares them.
fn minute(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

impl AccessQueue {
    /// Queues client `id`, opened at `now`. The same record opened again within the
    /// same minute is one row.
    pub fn take(&mut self, id: i64, now: NaiveDateTime) {
        let minute = minute(now);
        let repeat = (self.written.0 == minute && self.written.1.contains(&id))
            || self
                .entries
                .iter()
                .any(|e| e.looked == Looked::Record(id) && self::minute(e.at) == minute);
        if !repeat {
            self.entries.push(AccessEntry {
                at: now,
                looked: Looked::Record(id),
            });
            self.next_try.get_or_insert_with(Instant::now);
        }
    }

    /// When the queue should next be written, if it holds anything.
    pub fn next_try(&self) -> Option<Instant> {
        self.next_try.filter(|_| !self.entries.is_empty())
    }

    /// Whether the queue should be written now.
    pub fn due(&self) -> bool {
        self.next_try().is_some_and(|at| Instant::now() >= at)
    }

    /// Writes the queue as `login` without waiting for the lock; returns a sentence to
    /// show if it failed for a new reason (a colleague's write is no reason to say
    /// anything: the queue is simply tried again).
    pub fn flush(&mut self, store: &mut Store, login: &str) -> Option<String> {
        match store.log_access(login, &self.entries, Duration::ZERO) {
            Ok(()) => {
                for entry in self.entries.drain(..) {
                    let Looked::Record(id) = entry.looked else {
                        continue;
                    };
                    let at = minute(entry.at);
                    if self.written.0 != at {
                        self.written = (at, Vec::new());
                    }
                    self.written.1.push(id);
                }
                self.next_try = None;
                self.shown = None;
                None
            }
            Err(StoreError::Busy { .. }) => {
                self.next_try = Some(Instant::now() + ACCESS_RETRY);
                None
            }
            Err(error) => {
                self.next_try = Some(Instant::now() + ACCESS_RETRY_FAILED);
                let text = format!(
                    "Opened records are not yet in the access log ({} kept, tried again every 30 s): {error}",
                    self.entries.len()
                );
                if self.shown.as_deref() == Some(text.as_str()) {
                    return None;
                }
                self.shown = Some(text.clone());
                Some(text)
            }
        }
    }

    /// Writes what is left when the session ends, waiting up to `patience` for the lock.
    ///
    /// # Errors
    /// A sentence naming how many opened records are missing from the log.
    pub fn finish(
        &mut self,
        store: &mut Store,
        login: &str,
        patience: Duration,
    ) -> Result<(), Box<dyn std::error::Error>> {
        store
            .log_access(login, &self.entries, patience)
            .map_err(|error| {
                format!(
                    "{} opened client record(s) could not be written to the access log: {error}. \
                     Tell your team leader which records you opened",
                    self.entries.len()
                )
                .into()
            })
    }
}
