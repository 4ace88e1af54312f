//! The generator: who each invented client is, where their episode stands, and the
//! contacts, tests, appointments and breaches that go with it.

use chrono::NaiveDate;

use super::data::Rng;
use super::{DemoOptions, DemoSummary};
use crate::store::{StoreResult, Tx};

mod activity;
mod episode;
mod people;

/// Writes one demo into an open transaction.
pub(super) struct Generator<'a, 'b> {
    tx: &'a Tx<'b>,
    rng: Rng,
    today: NaiveDate,
    clients: usize,
    /// (area id, intensive, care co-ordinator ids)
    areas: Vec<(i64, bool, Vec<i64>)>,
    summary: DemoSummary,
    /// Follow-up breaches raised so far (rotates their RAG).
    breaches_raised: usize,
    /// Twin keys given out: a generated person is never another's twin.
    people: std::collections::HashSet<String>,
}

impl<'a, 'b> Generator<'a, 'b> {
    pub(super) fn new(tx: &'a Tx<'b>, options: &DemoOptions) -> Self {
        Self {
            tx,
            rng: Rng(options.seed),
            today: options.today,
            clients: options.clients,
            areas: Vec::new(),
            summary: DemoSummary::default(),
            breaches_raised: 0,
            people: std::collections::HashSet::new(),
        }
    }

    pub(super) fn run(mut self) -> StoreResult<DemoSummary> {
        self.staff()?;
        for index in 0..self.clients {
            self.client(index)?;
        }
        self.outreach()?;
        self.custody_tallies()?;
        Ok(self.summary)
    }
}
