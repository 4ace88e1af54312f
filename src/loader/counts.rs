//! The Areas view's counts, read on a connection of their own while the reader reads
//! the first screen: on two cores the two reads overlap, so the counts are on screen
//! about as soon as the first screen instead of a count of every area after it.

use std::sync::mpsc::{Receiver, Sender, channel};

use chrono::NaiveDate;

use super::first::{AreasRead, read_area_counts};
use crate::domain::triage::TriageConfig;
use crate::store::{Access, StoreResult, Target};

/// A thread that counts what the Areas view shows, on its own read-only connection.
pub(super) struct Counter {
    jobs: Sender<(u64, NaiveDate)>,
    answers: Receiver<(u64, StoreResult<AreasRead>)>,
    /// How many counts have been asked for: an answer to an older one is passed over.
    asked: u64,
    /// The answer to the last count asked for has been taken (read, stopped or
    /// failed): waiting again would wait for ever.
    taken: bool,
}

impl Counter {
    /// Opens a read-only connection to `target` and starts the thread; with the handle
    /// that stops a count under way (a newer request makes it useless).
    ///
    /// # Errors
    /// The store's error if the file cannot be opened.
    pub(super) fn start(
        target: &Target,
        triage: &TriageConfig,
    ) -> StoreResult<(Self, crate::store::sql::Interrupt)> {
        let store = target.open(Access::ReadOnly)?;
        store.limit_page_cache(256)?;
        let interrupt = store.interrupt_handle()?;
        let (jobs, incoming) = channel::<(u64, NaiveDate)>();
        let (outgoing, answers) = channel();
        let triage = triage.clone();
        std::thread::spawn(move || {
            while let Ok(first) = incoming.recv() {
                // Only the newest count asked for is wanted.
                let (asked, today) = incoming.try_iter().last().unwrap_or(first);
                let counts = read_area_counts(&store, today, &triage);
                if outgoing.send((asked, counts)).is_err() {
                    return;
                }
            }
        });
        let counter = Self {
            jobs,
            answers,
            asked: 0,
            taken: false,
        };
        Ok((counter, interrupt))
    }

    /// Asks for the counts as of `today`.
    pub(super) fn ask(&mut self, today: NaiveDate) {
        self.asked += 1;
        self.taken = false;
        // If the thread has gone, `take` finds no answer: the whole read counts them.
        let _ = self.jobs.send((self.asked, today));
    }

    /// The counts last asked for once read (`wait`: waiting for them, else only if
    /// they are in already). `None` if they are not, or could not be read (stopped for
    /// a newer request, or failed: the whole read then meets the failure and says it).
    pub(super) fn take(&mut self, wait: bool) -> Option<AreasRead> {
        while !self.taken {
            let (asked, counts) = if wait {
                self.answers.recv().ok()?
            } else {
                self.answers.try_recv().ok()?
            };
            if asked == self.asked {
                self.taken = true;
                return counts.ok();
            }
        }
        None
    }
}
