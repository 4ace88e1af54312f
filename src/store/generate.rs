//! Generated data: the demo, and synthetic rows a test or benchmark sets up, written
//! in one transaction and audited as one change rather than row by row.

use chrono::NaiveDate;

use super::{Actor, Audited, Store, StoreResult, Tx};

/// Where generated rows come from, as their one audit row records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The demo generator: its seed and day are also kept in `meta`.
    Demo {
        /// Seed of the pseudo-random generator.
        seed: u64,
        /// The day the data was generated around.
        today: NaiveDate,
    },
    /// Synthetic rows a test or benchmark sets up, with its name for them.
    Synthetic(&'static str),
}

impl Store {
    /// Runs `build`, whose inserts through [`Tx`] are not audited one by one, then
    /// leaves one audit row (`database`) saying where they came from and how many
    /// clients and contacts the database then holds; all of it in one transaction.
    ///
    /// # Errors
    /// [`super::StoreError::ReadOnlySession`], whatever `build` returns, or SQLite;
    /// then nothing is written.
    pub fn generate<T>(
        &mut self,
        actor: &Actor,
        origin: Origin,
        build: impl FnOnce(&Tx<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.write(actor, |tx| {
            let value = build(tx)?;
            let count = |table: &str| -> StoreResult<i64> {
                Ok(tx
                    .tx
                    .query_row(&format!("SELECT count(*) AS n FROM {table}"), &[])?
                    .get("n")?)
            };
            let (clients, contacts) = (count("client")?, count("contact")?);
            let (action, after) = match origin {
                Origin::Demo { seed, today } => {
                    tx.set_meta("demo_seed", &seed.to_string())?;
                    tx.set_meta("demo_today", &today.to_string())?;
                    let after = serde_json::json!({
                        "seed": seed, "today": today.to_string(),
                        "clients": clients, "contacts": contacts,
                    });
                    (Audited::Demo, after)
                }
                Origin::Synthetic(name) => {
                    let after = serde_json::json!({
                        "name": name, "clients": clients, "contacts": contacts,
                    });
                    (Audited::Generate, after)
                }
            };
            tx.audit("database", None, action, None, Some(&after))?;
            Ok(value)
        })
    }
}
