//! Deterministic synthetic demo data: the same seed and `today` always produce the
//! same rows. Every person is invented from name lists; NHS numbers come from the
//! 999 range that the NHS reserves for testing.

mod data;
mod generator;

use chrono::NaiveDate;

use crate::store::{Actor, Origin, Store, StoreResult};
use generator::Generator;

/// Name of the team-leader record the demo maps the current OS login to.
pub const DEMO_LEAD: &str = "Rhian Demo-Lead";

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    /// Seed of the pseudo-random generator.
    pub seed: u64,
    /// The day the data is generated around.
    pub today: NaiveDate,
    /// Number of clients.
    pub clients: usize,
}

/// How much was generated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoSummary {
    /// Workers created, the demo lead included.
    pub workers: usize,
    /// Clients created, each with at least one episode.
    pub clients: usize,
    /// Episodes created (open and closed).
    pub episodes: usize,
    /// Contacts created, did-not-attends included.
    pub contacts: usize,
}

/// Generates the demo into an empty `store` in one transaction, audited as one change.
///
/// # Errors
/// A [`crate::store::StoreError`] if anything cannot be written; then nothing is.
pub fn generate(
    store: &mut Store,
    actor: &Actor,
    options: &DemoOptions,
) -> StoreResult<DemoSummary> {
    let origin = Origin::Demo {
        seed: options.seed,
        today: options.today,
    };
    store.generate(actor, origin, |tx| Generator::new(tx, options).run())
}

/// Maps `login` to the demo's team-leader record, so whoever runs the demo can try
/// everything a team leader can. Audited like any other change.
///
/// # Errors
/// A [`crate::store::StoreError`] if the demo lead is missing or cannot be updated.
pub fn claim_demo_lead(store: &mut Store, actor: &Actor) -> StoreResult<()> {
    store.claim_worker_named(actor, DEMO_LEAD)
}
